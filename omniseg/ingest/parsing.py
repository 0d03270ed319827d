"""Converting cells: locale-aware numbers, dates, yes/no values and text.

Each conversion returns the converted Series and the positions of the cells it cannot read, so
that they are reported by row. Numbers are read per column: ``12,5`` and ``1.234,56`` show a
decimal comma, ``12.5`` and ``1,234.56`` a decimal point, and a cell that shows neither
(``15.597``) is read as the other cells of its column show, else by the file's locale, with a
warning, unless the table states its ``number_format``. Numbers must be finite. Dates are ISO 8601
or day first (``31/01/2026``); yes/no values are read in English and Spanish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from omniseg.errors import ParameterError, Problem
from omniseg.ingest.loader_warnings import LoaderWarning, phrase
from omniseg.ingest.raw_table import _TABLES, _bad_cells, _Raw
from omniseg.ingest.schemas import PII_COLUMNS

__all__: list[str] = []


_NA = {"", "na", "n/a", "nan", "null", "none", "-", "#n/a"}
_TRUE = {"yes", "si", "sí", "true", "1", "y", "s", "t", "verdadero"}
_FALSE = {"no", "false", "0", "n", "f", "falso"}


_DAYFIRST_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
)


def _blank(series: pd.Series) -> pd.Series:
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        folded = series.astype("string").str.strip().str.lower()
        return series.isna() | folded.isin(_NA).fillna(True)
    return series.isna()


def _to_string(series: pd.Series) -> pd.Series:
    out = series.astype("string").str.strip()
    return out.mask(_blank(out))


#: "1.234.567,89": dots group thousands, a comma marks the decimals.
_GROUPED_DOTS = r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d*)?"
#: "1,234,567.89": commas group thousands, a dot marks the decimals.
_GROUPED_COMMAS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"
#: "15.597" / "1,234": one mark followed by exactly three digits. A thousands separator (15597)
#: or a decimal mark (15.597)? The cell cannot say; the column (or the file) decides.
_AMBIGUOUS_DOT = r"[+-]?[1-9]\d{0,2}\.\d{3}"
_AMBIGUOUS_COMMA = r"[+-]?[1-9]\d{0,2},\d{3}"
#: A decimal written with one mark and no grouping ("12.5", "0,597", ".5").
_ONE_DOT = r"[+-]?\d*\.\d+(?:[eE][+-]?\d+)?"
_ONE_COMMA = r"[+-]?\d*,\d+"
#: The marks a ``number_format`` may name.
_DECIMAL_MARKS = (".", ",")
_THOUSANDS_MARKS = (".", ",", " ", "")
#: ``number_format`` -> how messages name it
_FORMAT_EXAMPLE = {",": "1.234,56", ".": "1,234.56"}


@dataclass
class _NumberReading:
    """How a column's numbers were read: the decimal mark it used and why."""

    #: "," or "." for the decimal mark of the column's ambiguous cells
    decimal: str
    #: why: "stated", "column", "mixed" or the file hint's reason
    reason: str
    #: cells whose reading depended on the decision (one mark followed by three digits)
    ambiguous: int = 0
    example: str | None = None


def check_number_format(value: object, where: str = "number_format") -> dict[str, str]:
    """A checked ``number_format``: ``{"decimal": ",", "thousands": "."}``.

    Either mark may be left out: the other of ``.`` and ``,`` is taken for it.

    Parameters
    ----------
    value : dict
    where : str
        What the value is called in messages (``data.number_format`` in a params file).

    Returns
    -------
    dict
        Both keys filled in.

    Raises
    ------
    ParameterError
        Not a mapping of ``decimal``/``thousands``, a mark not allowed, or the same mark twice.

    Examples
    --------
    >>> check_number_format({"decimal": ","})
    {'decimal': ',', 'thousands': '.'}
    """
    if not isinstance(value, dict) or not value or set(value) - {"decimal", "thousands"}:
        raise ParameterError(
            f"{where} must be a mapping with 'decimal' and/or 'thousands', e.g. "
            f"{{'decimal': ',', 'thousands': '.'}}. Got {value!r} instead."
        )
    decimal, thousands = value.get("decimal"), value.get("thousands")
    if decimal is None:
        decimal = "," if thousands == "." else "."
    if thousands is None:
        thousands = "." if decimal == "," else ","
    if decimal not in _DECIMAL_MARKS:
        raise ParameterError(
            f"{where}: the decimal mark must be '.' or ','. Got {decimal!r} instead."
        )
    if thousands not in _THOUSANDS_MARKS:
        raise ParameterError(
            f"{where}: the thousands separator must be '.', ',', ' ' (a space) or '' (none). "
            f"Got {thousands!r} instead."
        )
    if decimal == thousands:
        raise ParameterError(
            f"{where}: the decimal mark and the thousands separator must differ; both are "
            f"{decimal!r}. Fix: e.g. {{'decimal': ',', 'thousands': '.'}} for 1.234,56."
        )
    return {"decimal": decimal, "thousands": thousands}


def _number_formats(number_format: object) -> dict[str, dict[str, str] | None]:
    """``number_format=`` of :func:`load_data` per table: one format for all, or per table.

    Raises
    ------
    ParameterError
        A bad format, or an unknown table name.
    """
    if number_format is None:
        return {}
    if isinstance(number_format, dict) and number_format and set(number_format) <= set(_TABLES):
        return {
            t: check_number_format(f, f"number_format['{t}']") for t, f in number_format.items()
        }
    if isinstance(number_format, dict) and set(number_format) - {"decimal", "thousands"}:
        unknown = sorted(str(k) for k in set(number_format) - set(_TABLES))
        raise ParameterError(
            f"number_format names unknown table(s) or key(s) {unknown}. Give one format "
            "{'decimal': ',', 'thousands': '.'} for every table, or one per table of "
            f"{list(_TABLES)}."
        )
    fmt = check_number_format(number_format)
    return dict.fromkeys(_TABLES, fmt)


def _strip_signs(series: pd.Series) -> pd.Series:
    """Cells as text, trimmed, without currency signs and non-breaking spaces."""
    text = series.astype("string").str.strip()
    signs = np.zeros(len(text), dtype=bool)
    for mark in ("\u00a0", "\u202f", "€", "$", "£"):  # plain searches: Arrow-fast
        signs |= text.str.contains(mark, regex=False).fillna(False).to_numpy(dtype=bool)
    if signs.any():  # the regular expressions run only on the cells that need them
        text[signs] = (
            text[signs]
            .str.replace(r"[\u00a0\u202f]", "", regex=True)
            .str.replace(r"^([+-]?)\s*[€$£]\s*|\s*[€$£]$", r"\1", regex=True)
        )
    return text


def _full(text: pd.Series, pattern: str) -> pd.Series:
    return text.str.fullmatch(pattern).fillna(False).astype(bool)


def _decimal_evidence(text: pd.Series) -> tuple[int, int]:
    """Cells that show a decimal comma, and cells that show a decimal point, unambiguously.

    Comma: ``12,5``, ``0,597``, ``1.234,56``, ``1.234.567``; point: ``12.5``, ``0.597``,
    ``1,234.56``, ``1,234,567``. ``15.597`` and ``1,234`` show neither.
    """
    commas = text.str.count(",").fillna(0)
    dots = text.str.count(r"\.").fillna(0)
    one_dot, one_comma = (dots == 1) & (commas == 0), (commas == 1) & (dots == 0)
    several = ((commas + dots) > 1).to_numpy()
    comma = point = 0
    if one_dot.any():
        part = text[one_dot]
        point += int((_full(part, _ONE_DOT) & ~_full(part, _AMBIGUOUS_DOT)).sum())
    if one_comma.any():
        part = text[one_comma]
        comma += int((_full(part, _ONE_COMMA) & ~_full(part, _AMBIGUOUS_COMMA)).sum())
    if several.any():
        part = text[several]
        comma += int(_full(part, _GROUPED_DOTS).sum())
        point += int(_full(part, _GROUPED_COMMAS).sum())
    return comma, point


def _file_hint(raw: _Raw, skip: str) -> tuple[str, str]:
    """The decimal mark a file's other columns, or its delimiter, point to: (mark, reason key)."""
    comma = point = 0
    for col, (c, p) in _column_evidence(raw).items():
        if col != skip:
            comma, point = comma + c, point + p
    if comma and not point:
        return ",", "loader.hint.columns_comma"
    if point and not comma:
        return ".", "loader.hint.columns_point"
    if raw.decimal_comma:
        return ",", "loader.hint.semicolons"
    return ".", "loader.hint.no_comma"


def _column_evidence(raw: _Raw) -> dict[str, tuple[int, int]]:
    """:func:`_decimal_evidence` of each text column of ``raw.frame`` that may hold amounts.

    Counted once per frame: every numeric column's hint reads all the other columns, so on a
    survey of 40 columns counting per call made loading the demo survey take 1.4 s.
    """
    cached = raw.decimal_evidence
    if cached is not None and cached[0] is raw.frame:
        return cached[1]
    evidence = {}
    for col in raw.frame.columns:
        if col in PII_COLUMNS or col in _NOT_NUMBERS:
            continue
        series = raw.frame[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            evidence[col] = _decimal_evidence(series.astype("string").str.strip())
    raw.decimal_evidence = (raw.frame, evidence)
    return evidence


#: Columns never holding amounts: not read as evidence of a file's decimal mark.
_NOT_NUMBERS = frozenset({"timestamp", "signup_date", "date", "order_id", "respondent_id"})


def _stated_numbers(text: pd.Series, fmt: dict[str, str]) -> pd.Series:
    """Cells in the stated format as plain ``1234.5`` text; others as ``'not a number'``."""
    decimal, thousands = fmt["decimal"], fmt["thousands"]
    other = (
        next(m for m in _DECIMAL_MARKS if m not in (decimal, thousands))
        if thousands
        in (
            "",
            " ",
        )
        else None
    )
    out = text
    bad = pd.Series(False, index=text.index)
    if other is not None:
        bad |= text.str.contains(other, regex=False).fillna(False).astype(bool)
    if thousands == " ":
        out = out.str.replace(" ", "", regex=False)
    elif thousands:
        has = text.str.contains(thousands, regex=False).fillna(False).astype(bool)
        t, d = re.escape(thousands), re.escape(decimal)
        grouped = _full(text, rf"[+-]?\d{{1,3}}(?:{t}\d{{3}})+(?:{d}\d*)?")
        bad |= has & ~grouped
        out = out.str.replace(thousands, "", regex=False)
    bad |= out.str.count(re.escape(decimal)).fillna(0) > 1
    out = out.str.replace(decimal, ".", regex=False)
    return out.mask(bad, "not a number")


def _read_numbers(
    series: pd.Series, decimal: str | None = None, fmt: dict[str, str] | None = None
) -> tuple[pd.Series, np.ndarray, _NumberReading]:
    """Numbers from numeric or text cells, read per column.

    With ``fmt`` (a checked ``number_format``) every cell must be written in it. Otherwise each
    cell that shows its format is read by it: a single comma with other than three digits after
    it is the decimal mark (``12,5``); with both marks the last one is the decimal mark and the
    other must group thousands (``1.234,56``, ``1,234.56``); several of one mark group thousands
    (``1.234.567``). A cell with one mark followed by exactly three digits (``15.597``,
    ``1,234``) is read as the other cells of its column show (a decimal comma anywhere in the
    column makes ``15.597`` 15597; a decimal point makes it 15.597), and when they show nothing,
    or both, by ``decimal`` (the file's hint). A currency sign before or after is ignored.

    Returns
    -------
    values, bad, reading
        float64 values, the positions of cells that are not numbers, and how the ambiguous cells
        were read.
    """
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        return (
            series.astype("float64"),
            np.zeros(len(series), dtype=bool),
            _NumberReading(".", "typed"),
        )
    text = _strip_signs(series)
    blank = _blank(text)
    if fmt is not None:
        text = _stated_numbers(text.mask(blank), fmt)
        values = pd.to_numeric(text, errors="coerce").astype("float64")
        return values, (values.isna() & ~blank).to_numpy(), _NumberReading(fmt["decimal"], "stated")
    commas = text.str.count(",").fillna(0)
    dots = text.str.count(r"\.").fillna(0)
    one_dot = ((dots == 1) & (commas == 0)).to_numpy()
    one_comma = ((commas == 1) & (dots == 0)).to_numpy()
    ambiguous_dot = np.zeros(len(text), dtype=bool)
    ambiguous_comma = np.zeros(len(text), dtype=bool)
    if one_dot.any():
        ambiguous_dot[one_dot] = _full(text[one_dot], _AMBIGUOUS_DOT).to_numpy()
    if one_comma.any():
        ambiguous_comma[one_comma] = _full(text[one_comma], _AMBIGUOUS_COMMA).to_numpy()
    n_ambiguous = int(ambiguous_dot.sum() + ambiguous_comma.sum())
    reading = _NumberReading(decimal or ".", "hint")
    if n_ambiguous:
        comma, point = _decimal_evidence(text[~(ambiguous_dot | ambiguous_comma)])
        if comma and not point:
            reading = _NumberReading(",", "column")
        elif point and not comma:
            reading = _NumberReading(".", "column")
        elif comma and point:
            reading.reason = "mixed"
        first = np.flatnonzero(ambiguous_dot | ambiguous_comma)[0]
        reading.ambiguous, reading.example = n_ambiguous, str(text.iloc[first])
    marked = ((commas > 0) | (dots > 1)).to_numpy() | ambiguous_dot
    if marked.any():
        part, commas, dots = text[marked], commas[marked], dots[marked]
        grouped_dots = part.str.fullmatch(_GROUPED_DOTS).fillna(False).astype(bool)
        grouped_commas = part.str.fullmatch(_GROUPED_COMMAS).fillna(False).astype(bool)
        no_dots, no_commas = part.str.replace(".", "", regex=False), part.str.replace(",", "")
        three_dot = pd.Series(ambiguous_dot[marked], index=part.index)
        three_comma = pd.Series(ambiguous_comma[marked], index=part.index)
        comma_decimal = reading.decimal == ","
        # every case below that matches no pattern is left as is: to_numeric refuses it
        single = (commas == 1) & (dots == 0)
        if comma_decimal:
            part = part.mask(single, part.str.replace(",", ".", regex=False))
            part = part.mask(three_dot, no_dots)
        else:
            part = part.mask(single & ~three_comma, part.str.replace(",", ".", regex=False))
            part = part.mask(single & three_comma, no_commas)
        part = part.mask((commas == 0) & (dots > 1) & grouped_dots, no_dots)
        part = part.mask((commas > 1) & (dots == 0) & grouped_commas, no_commas)
        both = (commas > 0) & (dots > 0)
        part = part.mask(both & grouped_dots, no_dots.str.replace(",", ".", regex=False))
        part = part.mask(both & grouped_commas, no_commas)
        part = part.mask(both & ~grouped_dots & ~grouped_commas, "not a number")
        text[marked] = part
    values = pd.to_numeric(text.mask(blank), errors="coerce").astype("float64")
    bad = (values.isna() & ~blank).to_numpy()
    return values, bad, reading


def _to_number(
    series: pd.Series, decimal_comma: bool, fmt: dict[str, str] | None = None
) -> tuple[pd.Series, np.ndarray]:
    """:func:`_read_numbers` with ``decimal_comma`` as the hint for ambiguous cells."""
    values, bad, _ = _read_numbers(series, "," if decimal_comma else ".", fmt)
    return values, bad


#: The dates a nanosecond timestamp can hold (pandas' default resolution).
_NS_RANGE = (pd.Timestamp.min.ceil("s"), pd.Timestamp.max.floor("s"))


def _as_ns(values: pd.Series, bad: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """Datetimes at nanosecond resolution; dates it cannot hold (year 3000) are unreadable."""
    outside = values.notna() & ((values < _NS_RANGE[0]) | (values > _NS_RANGE[1]))
    if outside.any():
        values = values.mask(outside)
        bad = bad | outside.to_numpy()
    return values.astype("datetime64[ns]"), bad


def _to_datetime(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        return _as_ns(values, np.zeros(len(series), dtype=bool))
    text = series.astype("string").str.strip()
    blank = _blank(text)
    text = text.mask(blank)
    iso = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    values = iso.dt.tz_localize(None)
    missing = values.isna() & ~blank
    for fmt in _DAYFIRST_FORMATS:
        if not missing.any():
            break
        parsed = pd.to_datetime(text[missing], format=fmt, errors="coerce")
        values.loc[parsed.index] = values.loc[parsed.index].fillna(parsed)
        missing = values.isna() & ~blank
    return _as_ns(values, missing.to_numpy())


def _date_fix(series: pd.Series, fix: str) -> str:
    """The fix for unreadable dates; numbers (epoch seconds? milliseconds?) are never guessed."""
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return (
            "store dates as a Parquet timestamp column or as ISO 8601 text; numbers (epoch "
            "seconds or milliseconds) are not guessed"
        )
    return fix


def _to_bool(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean"), np.zeros(len(series), dtype=bool)
    if pd.api.types.is_numeric_dtype(series.dtype):  # 1/0 stored as numbers
        out = series.map({1: True, 0: False}).astype("boolean")
        return out, (out.isna() & series.notna()).to_numpy()
    text = series.astype("string").str.strip().str.lower()
    blank = _blank(text)
    out = pd.Series(pd.NA, index=series.index, dtype="boolean")
    out[text.isin(_TRUE).fillna(False)] = True
    out[text.isin(_FALSE).fillna(False)] = False
    bad = (out.isna() & ~blank).to_numpy()
    return out, bad


def _choice_text(series: pd.Series) -> pd.Series:
    """Choice answers as text, as the codebook's options are compared: ``2`` and ``2.0`` -> '2'.

    Numeric Parquet or DataFrame columns (a float column when some answers are missing) would
    otherwise never equal the options written in the codebook.
    """
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
        return series
    values = series.astype("float64")
    whole = values.notna() & np.isfinite(values) & (values == values.round())
    text = values.astype("string")
    return text.mask(whole, values.where(whole).round().astype("Int64").astype("string"))


def _numbers(
    raw: _Raw, df: pd.DataFrame, column: str, expected: str, fix: str, problems: list[Problem]
) -> pd.Series:
    """``df[column]`` as float64, reporting cells that are not numbers or not finite.

    ``inf``, ``-inf`` and ``1e400`` (too large for a float) are no amount, score or age: they
    come from a division by zero or a broken formula in the export. They are reported and blanked
    (so that later conversions cannot fail on them).
    """
    hint, reason = (None, "")
    if raw.number_format is None:
        hint, reason = _file_hint(raw, column)
    values, bad, reading = _read_numbers(df[column], hint, raw.number_format)
    if bad.any():
        if raw.number_format is not None:
            fmt = raw.number_format
            fix = (
                f"{fix}; the numbers of {raw.table or 'this table'} are read in the stated format "
                f"(decimal {fmt['decimal']!r}, thousands {fmt['thousands']!r}): write them so, or "
                "correct data.number_format"
            )
        problems.append(_bad_cells(raw, column, bad, expected, fix))
    if reading.ambiguous and reading.reason in ("hint", "mixed"):
        raw.notes.append(_ambiguous_note(raw, column, reading, reason))
    infinite = np.isinf(values.to_numpy(dtype="float64", na_value=np.nan))
    if infinite.any():
        problems.append(
            _bad_cells(
                raw,
                column,
                infinite,
                "finite numbers",
                f"write a real {column} value or leave the cell blank; 'inf' or a number like "
                "1e400 comes from a division by zero or a broken formula in the export",
            )
        )
        values = values.mask(infinite)
    return values


def _ambiguous_note(raw: _Raw, column: str, reading: _NumberReading, reason: str) -> LoaderWarning:
    """The warning for a column whose ``15.597``-like cells only the file's hint could read.

    ``reason`` is the message key of the file's hint (:func:`_file_hint`).
    """
    example = reading.example or "15.597"
    mark = "." if "." in example else ","
    if reading.decimal == mark:
        value = f"{float(example.replace(',', '.')):g}"
        how = phrase("loader.how.decimals", example=example, value=value)
    else:
        value = example.replace(mark, "")
        how = phrase("loader.how.thousands", mark=mark, example=example, value=value)
    why = (
        phrase("loader.why.mixed")
        if reading.reason == "mixed"
        else phrase("loader.why.hint", reason=phrase(reason))
    )
    stated = (
        "{decimal: ',', thousands: '.'}"
        if reading.decimal == ","
        else ("{decimal: '.', thousands: ','}")
    )
    return LoaderWarning(
        "loader.ambiguous_number",
        {
            "src": raw.source,
            "column": column,
            "n": int(reading.ambiguous),
            "example": example,
            "mark": mark,
            "how": how,
            "why": why,
            "stated": stated,
        },
    )
