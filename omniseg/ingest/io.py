"""Load the inputs of the data contract from CSV, Parquet, Excel or DataFrames, and validate them.

Reading is forgiving about *format* — UTF-8 or Latin-1/Windows-1252, ``,`` ``;`` or tab delimiters,
decimal commas from Spanish-locale Excel, gzip, column names in any case or with accents, free
channel labels — and strict about *content*: every cell that cannot be read as its type and every
value that breaks the contract is reported, all at once, in one
:class:`~omniseg.errors.DataValidationError` naming the file, the column, the spreadsheet row
numbers (the header is row 1) and the fix.

Values must also be plausible, not just readable: numbers finite (no ``inf``/``1e400``),
timestamps within :data:`DEFAULT_TIME_WINDOW` (or ``time_window=``), Likert/NPS answers on whole
points, at least one data row per table and at least one identified interaction. Parquet folders are
checked part by part, and transcript problems name the transcript's file.

Text files are read as strings first and converted column by column, so that a bad cell is
reported by row instead of turning a whole column into ``object`` silently. Parquet and DataFrame
inputs keep their types when they already match.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import gzip
import io
import re
import warnings as pywarnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from omniseg.config.vocabulary import (
    CANONICAL_CHANNELS,
    CANONICAL_EVENTS,
    CONTRACT_COLUMNS,
    CONTRACT_PREFIXES,
    GENDER_CODES,
    IDENTIFIER_COLUMNS,
    fold_label,
    gender_code_language,
    normalise_channels,
    normalise_events,
)
from omniseg.errors import DataValidationError, ParameterError, Problem
from omniseg.ingest.data import CustomerData, TableReport, ValidationReport, empty_table
from omniseg.ingest.loader_warnings import LoaderWarning, phrase
from omniseg.ingest.schemas import (
    PII_COLUMNS,
    Window,
    customers_schema,
    interactions_schema,
    interviews_schema,
    problems_from_failures,
    survey_schema,
)

__all__ = [
    "DEFAULT_SIGNUP_START",
    "DEFAULT_TIME_WINDOW",
    "ITEM_TYPES",
    "load_codebook",
    "load_customers",
    "load_data",
    "load_data_dir",
    "load_demo",
    "load_interactions",
    "load_interviews",
    "load_survey",
    "read_table",
]

Source = str | Path | pd.DataFrame
#: A ``time_window=`` argument: ``(start, end)``, each a date, datetime, ISO text or ``None``.
TimeWindow = tuple[date | datetime | str | pd.Timestamp | None, date | datetime | str | None]

#: The plausible period of interaction timestamps, ``(earliest, latest)``, both days included.
#: ``None`` as the latest means "the end of the day the data is loaded (UTC)": nothing can have
#: happened after the run. Before 1990 there were no digital channels to export from, so such
#: dates are placeholders (``1900-01-01``) or misread formats. Change it per call with
#: ``load_data(..., time_window=(start, end))``.
DEFAULT_TIME_WINDOW: tuple[date, date | None] = (date(1990, 1, 1), None)
#: The earliest plausible ``signup_date``: long-standing customers may have signed up (on paper)
#: long before 1990, so signups get the same lower bound as birth years. Their latest plausible
#: date is the end of the time window.
DEFAULT_SIGNUP_START: date = date(1900, 1, 1)
#: Share of NUL bytes in a file's first 8 KB above which it is binary rather than damaged text.
_BINARY_NUL_SHARE = 0.01

ITEM_TYPES = ("likert", "single_choice", "multi_choice", "nps", "numeric")
_NA = {"", "na", "n/a", "nan", "null", "none", "-", "#n/a"}
_TRUE = {"yes", "si", "sí", "true", "1", "y", "s", "t", "verdadero"}
_FALSE = {"no", "false", "0", "n", "f", "falso"}
#: Names people give required columns, for "did you mean" suggestions.
_SYNONYMS = {
    "timestamp": ["fecha", "date", "datetime", "time", "fecha_hora", "event_time", "ts"],
    "channel": ["canal", "source", "medium", "touchpoint"],
    "event": ["evento", "event_type", "action", "tipo", "type"],
    "customer_id": ["id", "cliente", "id_cliente", "client_id", "customer", "customerid"],
    "respondent_id": ["id", "respondent", "response_id", "id_encuestado"],
    "revenue": ["importe", "amount", "sales", "ventas", "value"],
    "interview_id": ["id", "entrevista", "id_entrevista"],
    "text": ["texto", "transcript", "transcripcion"],
}
_DAYFIRST_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
)
_FILE_TYPES = ".csv, .csv.gz, .txt, .tsv, .parquet, .xlsx or .xls"


@dataclass
class _Raw:
    frame: pd.DataFrame
    source: str  # what messages call it
    row_offset: int  # add to the 0-based position to get the row number people see
    decimal_comma: bool = False
    #: index labels of cells already reported as unreadable, per column (not reported twice)
    unreadable: dict[str, set] = field(default_factory=dict)
    #: the stated ``number_format`` of the table (``None``: each column decides)
    number_format: dict[str, str] | None = None
    #: warnings found while converting (added to the report's warnings)
    notes: list[LoaderWarning] = field(default_factory=list)
    #: the table's name in the data contract (customers, interactions, survey, interviews)
    table: str = ""
    #: extra copies of each kept row removed as exact duplicates (index of the kept rows)
    duplicate_copies: pd.Series | None = None


def _fail(source: str, message: str, fix: str, column: str | None = None) -> DataValidationError:
    return DataValidationError([Problem(source, column, message, fix)])


def _canonical_name(name: object) -> str:
    folded = fold_label(name) or ""
    return re.sub(r"[^0-9a-z]+", "_", folded).strip("_")


def _apply_columns(
    frame: pd.DataFrame, columns: dict[str, str] | None, source: str
) -> pd.DataFrame:
    frame = frame.rename(columns={c: _canonical_name(c) for c in frame.columns})
    if columns:
        mapping = {_canonical_name(k): _canonical_name(v) for k, v in columns.items()}
        missing = [k for k in columns if _canonical_name(k) not in frame.columns]
        if missing:
            raise DataValidationError(
                [_missing_source(source, name, list(frame.columns)) for name in missing]
            )
        frame = frame.rename(columns=mapping)
    dupes = frame.columns[frame.columns.duplicated()].tolist()
    if dupes:
        raise _fail(
            source,
            f"several columns end up named {sorted(set(dupes))} after case/accent folding and "
            "the columns= mapping",
            "rename or drop one of them",
        )
    return frame


def _missing_source(source: str, name: str, found: list[str]) -> Problem:
    """The problem of a ``columns:`` rename whose source column is not in the file."""
    folded = _canonical_name(name)
    guesses = difflib.get_close_matches(folded, found, n=1, cutoff=0.6)
    return Problem(
        source,
        str(name),
        f"the columns: mapping renames '{name}', but the file has no such column (names are "
        f"compared trimmed, lower-cased and accent-folded, as '{folded}'). Columns found: "
        f"{found}",
        (f"Did you mean '{guesses[0]}'? Correct" if guesses else "Correct")
        + " the source name in data.columns (columns= in load_data), or remove the rename if "
        "this export does not have the column",
    )


def _contract_names(table: str, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The column names of the data contract for ``table`` (plus ``extra``, codebook items)."""
    return (*CONTRACT_COLUMNS.get(table, ()), *extra)


def _target_problems(
    table: str, columns: dict[str, str] | None, extra: tuple[str, ...] = ()
) -> list[Problem]:
    """Renames of ``columns:`` whose target is not a column name of the data contract.

    A file's own extra columns are kept under their own names; a rename, though, says "this is
    the contract's column X", and a misspelt X would silently leave the contract's column absent.
    """
    problems = []
    names = _contract_names(table, extra)
    prefixes = CONTRACT_PREFIXES.get(table, ())
    for source, target in (columns or {}).items():
        name = _canonical_name(target)
        if name in names or name.startswith(prefixes):
            continue
        guesses = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        hint = f"Did you mean '{guesses[0]}'? " if guesses else ""
        problems.append(
            Problem(
                f"<columns: {table}>",
                str(target),
                f"the columns: mapping renames '{source}' to '{target}', which is not a column "
                f"of the {table} table in the data contract. Contract columns: {list(names)}"
                + (f" and {[p + '...' for p in prefixes]}" if prefixes else ""),
                f"{hint}Rename to a contract column, or remove the rename: a column that is "
                "not renamed is kept under its own name",
            )
        )
    return problems


def _decode(data: bytes, source: str) -> str:
    """Text of a file: UTF-16 with a byte-order mark, UTF-8 (BOM or not), or Windows-1252.

    Raises
    ------
    DataValidationError
        A binary file, bytes of no known encoding, or NUL characters in the text (named by line,
        which is the spreadsheet row number when no cell spans several lines).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # "Unicode text" exports of Excel: UTF-16 with a byte-order mark
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _fail(
                source,
                f"the file starts as UTF-16 text but byte offset {exc.start} is not UTF-16",
                "re-save the file as UTF-8 CSV",
            ) from None
        return _without_nul(text, source)
    head = data[:8192]
    if head.count(b"\x00") > max(1, int(len(head) * _BINARY_NUL_SHARE)):
        raise _fail(
            source,
            "the file contains binary data (NUL bytes): it is not a text CSV file",
            "export the table as CSV (UTF-8), or pass the original .xlsx/.parquet file",
        )
    try:
        return _without_nul(data.decode("utf-8-sig"), source)
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return _without_nul(data.decode("cp1252"), source)
    except UnicodeDecodeError as exc:
        raise _fail(
            source,
            f"unknown text encoding: byte 0x{data[exc.start]:02x} at offset {exc.start} is "
            f"neither UTF-8 (failed at offset {utf8_error.start}) nor Latin-1/Windows-1252 text",
            "re-save the file as UTF-8 CSV",
        ) from None


def _without_nul(text: str, source: str) -> str:
    """``text`` unchanged, or a problem naming the lines that hold NUL characters."""
    if "\x00" not in text:
        return text
    lines = [n for n, line in enumerate(text.split("\n"), start=1) if "\x00" in line]
    raise DataValidationError(
        [
            Problem(
                source,
                None,
                f"{len(lines)} line(s) contain NUL bytes (\\x00), which a text export never "
                "has: the file is damaged or partly binary",
                "export the table again as text (CSV UTF-8); if only a few rows are damaged, "
                "delete them",
                tuple(lines[:5]),
                len(lines),
            )
        ]
    )


def _read_csv_text(text: str, source: str, sep: str | None) -> tuple[pd.DataFrame, str]:
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if not lines:
        raise _fail(
            source, "the file is empty", "export the table again with a header row and data"
        )
    if sep is None:
        header = lines[0]
        counts = {d: header.count(d) for d in (";", ",", "\t", "|")}
        sep = max(counts, key=counts.get)
        if counts[sep] == 0:
            sep = ","  # no delimiter in the header: a single column
    try:
        with pywarnings.catch_warnings(record=True) as caught:
            pywarnings.simplefilter("always", pd.errors.ParserWarning)
            # index_col=False: a first data row longer than the header must not silently turn
            # the first column into the index (shifting every value one column to the left)
            frame = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=True,
                skipinitialspace=False,
                index_col=False,
            )
        if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
            _check_long_lines(text, sep, source)
    except pd.errors.ParserError as exc:
        _check_long_lines(text, sep, source)  # names every long line, with the header's width
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        detail = (
            f"line {found.group(2)} has {found.group(3)} fields but the header has {found.group(1)}"
            if found
            else str(exc).splitlines()[0]
        )
        raise _fail(
            source,
            f"the file cannot be read as a '{sep}'-delimited table: {detail}",
            "quote fields that contain the delimiter, or check the delimiter",
        ) from None
    except pd.errors.EmptyDataError:
        raise _fail(source, "the file is empty", "export it again with a header row") from None
    return frame, sep


def _check_long_lines(text: str, sep: str, source: str) -> None:
    """Refuse lines with more (non-empty) fields than the header; trailing delimiters are fine.

    Raises
    ------
    DataValidationError
        Naming the lines whose extra fields hold values.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    width, long_lines = None, []
    try:
        for fields in reader:
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            if width is None:
                width = len(fields)
            elif len(fields) > width and any(f.strip() for f in fields[width:]):
                long_lines.append((reader.line_num, len(fields)))
    except csv.Error:  # e.g. a field over the csv module's size limit: lines cannot be named
        raise _fail(
            source,
            f"the file cannot be read as a '{sep}'-delimited table: some lines have more fields "
            "than the header",
            "quote fields that contain the delimiter, or check the delimiter",
        ) from None
    if long_lines:
        line, n = long_lines[0]
        raise DataValidationError(
            [
                Problem(
                    source,
                    None,
                    f"the file cannot be read as a '{sep}'-delimited table: {len(long_lines)} "
                    f"line(s) have more fields than the header: line {line} has {n} fields but "
                    f"the header has {width}",
                    "quote fields that contain the delimiter, or check the delimiter",
                    tuple(ln for ln, _ in long_lines[:5]),
                    len(long_lines),
                )
            ]
        )


def _read(
    source: Source,
    name: str,
    columns: dict[str, str] | None,
    sheet=None,
    number_format: dict[str, str] | None = None,
) -> _Raw:
    if sheet is not None and not (
        isinstance(source, str | Path) and Path(source).suffix.lower() in (".xlsx", ".xlsm", ".xls")
    ):
        label = "<DataFrame>" if isinstance(source, pd.DataFrame) else Path(source).name
        raise _fail(
            label,
            f"a worksheet ({sheet!r}) is given for the {name} table, but its input is not an "
            "Excel file",
            f"remove data.sheets['{name}'] (sheets= in load_data), or pass the .xlsx file",
        )
    if isinstance(source, pd.DataFrame):
        label = f"<DataFrame {name}>"
        frame = source.reset_index(drop=True).copy()
        raw = _Raw(frame, label, 0)
    else:
        path = Path(source)
        label = path.name or str(path)
        if not path.exists():
            raise _fail(
                label,
                f"file not found: {path}",
                "check the path (relative paths in a params file are relative to that file)",
            )
        suffixes = "".join(path.suffixes[-2:]).lower()
        if path.is_dir():
            raw = _Raw(_read_parquet_parts(path, label), label, 2)
        elif path.suffix.lower() in (".parquet", ".pq"):
            try:
                frame = pd.read_parquet(path)
            except Exception as exc:  # pyarrow raises several types
                raise _fail(
                    label,
                    f"not a readable Parquet file ({type(exc).__name__})",
                    "write the file again with pandas/pyarrow",
                ) from None
            raw = _Raw(frame, label, 2)
        elif path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            try:
                frame = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=str)
            except ValueError as exc:
                if "not found" in str(exc).lower() or "out of range" in str(exc).lower():
                    try:
                        names = pd.ExcelFile(path).sheet_names
                    except Exception:  # only for the message
                        names = []
                    raise _fail(
                        label,
                        f"worksheet {sheet!r} not found. Sheets found: {names}",
                        "pass the name of an existing sheet (data.sheets in the params file, "
                        "sheets= in load_data)",
                    ) from None
                raise _fail(
                    label, f"not a readable Excel file: {exc}", "save it again as .xlsx"
                ) from None
            except Exception as exc:
                raise _fail(
                    label,
                    f"not a readable Excel file ({type(exc).__name__})",
                    "save it again as .xlsx",
                ) from None
            frame = frame.fillna("")
            raw = _Raw(frame, label, 2)
        elif suffixes.endswith((".csv", ".csv.gz", ".txt", ".tsv", ".tsv.gz", ".txt.gz")):
            data = path.read_bytes()
            if path.suffix.lower() == ".gz":
                try:
                    data = gzip.decompress(data)
                except (OSError, EOFError):
                    raise _fail(
                        label,
                        "the file ends in .gz but is not valid gzip",
                        "compress it again with gzip, or drop the .gz ending",
                    ) from None
            text = _decode(data, label)
            frame, sep = _read_csv_text(text, label, "\t" if ".tsv" in suffixes else None)
            raw = _Raw(frame, label, 2, decimal_comma=(sep == ";"))
        else:
            raise _fail(
                label,
                f"unsupported file type '{path.suffix or path.name}'",
                f"pass a {_FILE_TYPES} file",
            )
    raw.table, raw.number_format = name, number_format
    raw.frame = _apply_columns(raw.frame, columns, raw.source)
    if raw.frame.shape[1] == 0:
        raise _fail(raw.source, "the file has no columns", "export it again with a header row")
    nested = _nested_columns(raw)
    if nested:
        raise DataValidationError(nested)
    return raw


def _kind(series: pd.Series) -> str:
    """What a column holds, for comparing Parquet parts: number, text, date/time, ... or empty."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _kind(pd.Series(dtype.categories))
    if pd.api.types.is_bool_dtype(dtype):
        return "true/false"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date/time"
    inferred = pd.api.types.infer_dtype(series, skipna=True)
    return {
        "empty": "empty",
        "string": "text",
        "integer": "number",
        "floating": "number",
        "mixed-integer-float": "number",
        "decimal": "number",
        "boolean": "true/false",
        "datetime": "date/time",
        "datetime64": "date/time",
        "date": "date/time",
    }.get(inferred, f"mixed ({inferred})")


def _read_parquet_parts(folder: Path, label: str) -> pd.DataFrame:
    """Read a folder of Parquet parts one by one, and check that they share one schema.

    Raises
    ------
    DataValidationError
        No parts; a part that is not readable Parquet (named by its file name); a column missing
        from some parts, or holding different kinds of values in different parts.
    """
    parts = sorted(folder.glob("*.parquet"))
    if not parts:
        raise _fail(
            label,
            f"{folder} is a folder without .parquet files",
            f"pass a file ({_FILE_TYPES}) or a folder of Parquet parts",
        )
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for part in parts:
        try:
            frame = pd.read_parquet(part)
        except Exception as exc:  # pyarrow raises several types
            problems.append(
                Problem(
                    f"{label}/{part.name}",
                    None,
                    f"part '{part.name}' is not a readable Parquet file ({type(exc).__name__})",
                    "write the part again with pandas/pyarrow, or remove it from the folder",
                )
            )
            continue
        frame = frame.rename(columns={c: _canonical_name(c) for c in frame.columns})
        if frame.columns.duplicated().any():
            dupes = sorted(set(frame.columns[frame.columns.duplicated()]))
            problems.append(
                Problem(
                    f"{label}/{part.name}",
                    None,
                    f"several columns of part '{part.name}' end up named {dupes} after "
                    "case/accent folding",
                    "rename or drop one of them",
                )
            )
            continue
        frames[part.name] = frame
    if problems:
        raise DataValidationError(problems)
    names = list(frames)
    columns = list(dict.fromkeys(c for f in frames.values() for c in f.columns))
    for col in columns:
        missing = [n for n in names if col not in frames[n].columns]
        if missing:
            problems.append(
                Problem(
                    label,
                    col,
                    f"column '{col}' is missing from part(s) {missing} but present in "
                    f"{[n for n in names if n not in missing]}",
                    "write every part with the same columns (an empty column is fine)",
                )
            )
            continue
        kinds: dict[str, list[str]] = {}
        for n in names:
            kind = _kind(frames[n][col])
            if kind != "empty":
                kinds.setdefault(kind, []).append(n)
        if len(kinds) > 1:
            found = "; ".join(f"{kind} in {ns}" for kind, ns in kinds.items())
            problems.append(
                Problem(
                    label,
                    col,
                    f"column '{col}' holds different types in different parts: {found}",
                    f"write '{col}' with the same type in every part (e.g. numbers as float, "
                    "not text)",
                )
            )
    if problems:
        raise DataValidationError(problems)
    # the parts' columns were compared after folding; give them one spelling before concatenating
    return pd.concat([frames[n][columns] for n in names], ignore_index=True)


def read_table(
    source: Source, *, name: str = "table", columns: dict[str, str] | None = None, sheet=None
) -> pd.DataFrame:
    """Read one table as strings (text files) or as stored (Parquet, DataFrame).

    Column names are trimmed, lower-cased, accent-folded and snake-cased; then ``columns``
    (keys matched the same way) renames them.

    Parameters
    ----------
    source : path or DataFrame
        ``.csv``, ``.csv.gz``, ``.txt``, ``.tsv``, ``.parquet`` (file or folder of parts),
        ``.xlsx``/``.xls``, or a DataFrame.
    name : str
        Table name used in messages for DataFrames.
    columns : dict, optional
        Renames ``{"your column": "canonical name"}``.
    sheet : str or int, optional
        Excel sheet (default: the first).

    Returns
    -------
    DataFrame

    Raises
    ------
    DataValidationError
        Missing, empty, binary, unreadable or unsupported files.
    """
    return _read(source, name, columns, sheet).frame


# ------------------------------------------------------------------------------------------
# conversions: each returns the converted Series and the positions of unparseable cells
# ------------------------------------------------------------------------------------------


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
#: Tables a per-table ``number_format`` / ``value_maps`` / ``sheets`` may name.
_TABLES = ("customers", "interactions", "survey", "interviews")


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
    for col in raw.frame.columns:
        if col == skip or col in PII_COLUMNS or col in _NOT_NUMBERS:
            continue
        series = raw.frame[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            c, p = _decimal_evidence(series.astype("string").str.strip())
            comma, point = comma + c, point + p
    if comma and not point:
        return ",", "loader.hint.columns_comma"
    if point and not comma:
        return ".", "loader.hint.columns_point"
    if raw.decimal_comma:
        return ",", "loader.hint.semicolons"
    return ".", "loader.hint.no_comma"


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


def _nested_columns(raw: _Raw) -> list[Problem]:
    """Columns holding lists, arrays or mappings (nested Parquet/DataFrame data), one problem each.

    Such cells are no single value the contract could check (and they cannot be compared, so
    duplicate detection would fail on them).
    """
    problems = []
    for col in raw.frame.columns:
        series = raw.frame[col]
        if series.dtype != object or pd.api.types.infer_dtype(series, skipna=True) not in (
            "mixed",
            "unknown-array",
        ):
            continue
        nested = series.map(lambda v: isinstance(v, list | tuple | dict | set | np.ndarray))
        if nested.any():
            positions = np.nonzero(nested.to_numpy(dtype=bool))[0]
            problems.append(
                Problem(
                    raw.source,
                    str(col),
                    f"{len(positions)} cell(s) hold lists or mappings (nested data), not single "
                    "values",
                    f"flatten '{col}' into one value per cell (e.g. join a list with '|'), or "
                    "drop the column before loading",
                    tuple(int(p) + raw.row_offset for p in positions[:5]),
                    len(positions),
                )
            )
    return problems


def _bad_cells(raw: _Raw, column: str, bad: np.ndarray, expected: str, fix: str) -> Problem:
    positions = np.nonzero(bad)[0]
    raw.unreadable.setdefault(column, set()).update(raw.frame.index[positions])
    rows = tuple(int(raw.frame.index[p]) + raw.row_offset for p in positions[:5])
    message = f"{len(positions)} value(s) that are not {expected}"
    if column not in PII_COLUMNS:
        examples = list(
            dict.fromkeys(_short(v) for v in raw.frame[column].to_numpy()[positions][:3])
        )
        message += f", e.g. {', '.join(repr(v) for v in examples)}"
    return Problem(raw.source, column, message, fix, rows, len(positions))


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


def _resolve_gender_codes(raw: _Raw, df: pd.DataFrame) -> None:
    """Write a gender column's one-letter ``M`` codes as words, in the column's language.

    ``H``/``M`` is Spanish (*hombre*/*mujer*), ``M``/``F`` English (*male*/*female*)
    (:func:`omniseg.config.gender_code_language`). When the codes do not say (``M`` alone,
    or ``H``, ``M`` and ``F``), the column's words, else the file's locale (a ``;``-delimited or
    decimal-comma file is Spanish), decide, with a warning. Codes are rewritten as ``male`` /
    ``female``; other labels are kept as written.
    """
    if "gender" not in df:
        return
    language, ambiguous = gender_code_language(df["gender"])
    if language is None and not ambiguous:
        return
    if ambiguous:
        codes = sorted(
            {str(v).strip().upper() for v in df["gender"].dropna() if len(str(v).strip()) == 1}
        )
        if language is not None:
            reason = f"loader.gender_reason.labels_{language}"
        else:
            spanish = raw.decimal_comma or _file_hint(raw, "gender")[0] == ","
            language = "es" if spanish else "en"
            reason = (
                "loader.gender_reason.spanish_file"
                if spanish
                else "loader.gender_reason.no_spanish_file"
            )
        meaning = "loader.gender.female" if language == "es" else "loader.gender.male"
        other = "male" if language == "es" else "female"
        raw.notes.append(
            LoaderWarning(
                "loader.gender_code",
                {
                    "src": raw.source,
                    "codes": codes,
                    "meaning": phrase(meaning),
                    "reason": phrase(reason),
                    "value_maps": f"{{{raw.table or 'customers'}: {{gender: {{M: {other}}}}}}}",
                },
            )
        )
    mapping = GENDER_CODES[language]
    folded = df["gender"].astype("string").map(fold_label, na_action="ignore")
    coded = folded.isin(list(mapping)).fillna(False).astype(bool)
    if coded.any():
        df["gender"] = df["gender"].astype("string").mask(coded, folded.map(mapping))


def _no_rows(table: str, raw: _Raw) -> list[Problem]:
    """A problem when the table has a header but no data rows (nothing to analyse)."""
    if len(raw.frame):
        return []
    return [
        Problem(
            raw.source,
            None,
            f"the {table} table has a header but no data rows. Columns found: "
            f"{list(raw.frame.columns)}",
            f"export the {table} table again with its rows (check the export's filters and "
            "date range)",
        )
    ]


def _drop_empty_columns(raw: _Raw, keep: set[str], warnings: list[LoaderWarning]) -> list[str]:
    """Drop optional columns that are blank on every row, with a warning; return their names.

    An empty optional column carries no information, and later stages treat an absent optional
    column correctly, whereas an all-missing one (no revenue at all, no email at all) would reach
    them as a column of missing values.
    """
    empty = [c for c in raw.frame.columns if c not in keep and _blank(raw.frame[c]).all()]
    if empty and len(raw.frame):
        raw.frame = raw.frame.drop(columns=empty)
        warnings.append(
            LoaderWarning(
                "loader.empty_columns", {"src": raw.source, "n": len(empty), "columns": empty}
            )
        )
        return empty
    return []


def _resolve_window(time_window: TimeWindow | None) -> Window:
    """``(start, end)`` Timestamps (naive UTC) from a ``time_window=`` argument.

    ``None`` (or a ``None`` bound) takes :data:`DEFAULT_TIME_WINDOW`; an end given as a day
    includes that whole day; the default end is the end of today (UTC).

    Raises
    ------
    ParameterError
        Not a pair, an unreadable bound, or a start after the end.
    """
    if time_window is None:
        time_window = (None, None)
    if not isinstance(time_window, list | tuple) or len(time_window) != 2:
        raise ParameterError(
            f"time_window must be a pair (start, end), got {time_window!r}; "
            "e.g. time_window=('2015-01-01', '2026-12-31') or (None, None) for the default"
        )
    bounds = []
    for which, value, default in zip(
        ("start", "end"), time_window, DEFAULT_TIME_WINDOW, strict=True
    ):
        value = default if value is None else value
        if value is None:  # the default end: today, UTC
            value = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize()
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError):
            stamp = pd.NaT
        if pd.isna(stamp):
            raise ParameterError(
                f"time_window {which} {value!r} is not a date; give a date such as '2026-12-31'"
            )
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        if which == "end" and stamp == stamp.normalize():
            stamp = stamp + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")  # the whole last day
        bounds.append(stamp)
    start, end = bounds
    if start > end:
        raise ParameterError(f"time_window starts ({start}) after it ends ({end})")
    return start, end


def _short(value: object, limit: int = 40) -> str:
    """A cell value for a message, cut to ``limit`` characters."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _missing_required(raw: _Raw, required: list[str]) -> list[Problem]:
    problems = []
    found = list(raw.frame.columns)
    for col in required:
        if col in found:
            continue
        guesses = difflib.get_close_matches(col, found, n=1, cutoff=0.75)
        guesses += [c for c in found if c in _SYNONYMS.get(col, []) and c not in guesses]
        hint = f" Did you mean '{guesses[0]}'? " if guesses else " "
        problems.append(
            Problem(
                raw.source,
                col,
                f"required column '{col}' not found. Columns found: {found}",
                f"{hint.strip()} Rename it, or map it with "
                f"columns={{'{guesses[0] if guesses else 'your column'}': '{col}'}}".strip(),
            )
        )
    return problems


def _not_loaded(name: str, raw: _Raw, problems: list[Problem]):
    """Result of a table whose structure is wrong: its values are not checked further."""
    n = len(raw.frame)
    return raw.frame, TableReport(name, raw.source, n, n, list(raw.frame.columns)), problems


#: Share of rows (or of revenue) removed as exact duplicates above which the warning says that
#: genuine lines may have been removed.
_DUPLICATE_SHARE = 0.01


def _drop_exact_duplicates(raw: _Raw, warnings: list[LoaderWarning]) -> int:
    """Drop exact duplicate rows, keeping the first; warn with how many (and their share).

    The revenue they held is added to the warning by :func:`_duplicate_note` once revenue is
    read (interactions): ``raw.duplicate_copies`` counts the removed copies of each kept row.
    """
    dup = raw.frame.duplicated(keep="first")
    n = int(dup.sum())
    if n:
        hashes = pd.util.hash_pandas_object(raw.frame, index=False)
        counts = hashes.map(hashes.value_counts())
        raw.duplicate_copies = (counts[~dup] - 1).astype("int64")
        rows_read = len(raw.frame)
        raw.frame = raw.frame[~dup]
        if raw.table != "interactions":  # interactions: with revenue, once it is read
            warnings.append(_duplicate_note(raw, n, rows_read, None, None))
    return n


def _duplicate_note(
    raw: _Raw, n: int, rows_read: int, removed: float | None, total: float | None
) -> LoaderWarning:
    """The warning of dropped exact duplicates: rows, revenue, and a caution above 1%."""
    share = n / max(rows_read, 1)
    params: dict[str, Any] = {"src": raw.source, "n": n, "share": share, "rows": rows_read}
    key = "loader.duplicates"
    revenue_share = 0.0
    if removed is not None and total:
        revenue_share = removed / total
        key = "loader.duplicates_revenue"
        params.update(revenue=removed, revenue_share=revenue_share)
    caution = share > _DUPLICATE_SHARE or revenue_share > _DUPLICATE_SHARE
    params["caution"] = phrase("loader.duplicates_caution") if caution else ""
    return LoaderWarning(key, params)


def _validate(raw: _Raw, frame: pd.DataFrame, schema: pa.DataFrameSchema) -> list[Problem]:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        rows = pd.Series(frame.index.to_numpy() + raw.row_offset, index=frame.index)
        failures = exc.failure_cases
        seen = failures.apply(
            lambda f: f["index"] in raw.unreadable.get(str(f["column"]), ()), axis=1
        ).astype(bool)
        failures = failures[~seen]
        if failures.empty:
            return []
        return problems_from_failures(failures, source=raw.source, row_numbers=rows)
    return []


def _missing_share(frame: pd.DataFrame) -> dict[str, float]:
    share = frame.isna().mean()
    return {c: round(float(v), 4) for c, v in share.items() if v > 0}


def _iso(value) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).isoformat(sep=" ")


# ------------------------------------------------------------------------------------------
# tables
# ------------------------------------------------------------------------------------------


def _customers(
    raw: _Raw, warnings: list[LoaderWarning], window: Window | None = None
) -> tuple[pd.DataFrame, TableReport, list[Problem]]:
    window = window or _resolve_window(None)
    rows_read = len(raw.frame)
    problems = _missing_required(raw, ["customer_id"]) or _no_rows("customers", raw)
    if problems:
        return _not_loaded("customers", raw, problems)
    _drop_exact_duplicates(raw, warnings)
    _drop_empty_columns(raw, {"customer_id"}, warnings)
    df = raw.frame.copy()
    for col in df.columns:
        if col in ("age", "birth_year"):
            found: list[Problem] = []
            df[col] = _numbers(raw, df, col, "whole numbers", f"write {col} as a number", found)
            problems += found
            # a whole number of a size Int64 can hold (1e300 is finite but no age)
            fraction = df[col].notna() & ((df[col] != df[col].round()) | (df[col].abs() > 1e15))
            if not found and fraction.any():
                problems.append(
                    _bad_cells(
                        raw,
                        col,
                        fraction.to_numpy(),
                        "whole numbers",
                        f"write {col} as a whole number",
                    )
                )
            df[col] = df[col].mask(df[col].abs() > 1e15).round().astype("Int64")
        elif col in ("signup_date",):
            fix = _date_fix(df[col], "use YYYY-MM-DD or DD/MM/YYYY")
            df[col], bad = _to_datetime(df[col])
            if bad.any():
                problems.append(_bad_cells(raw, col, bad, "dates", fix))
        elif col.startswith("consent_"):
            df[col], bad = _to_bool(df[col])
            if bad.any():
                problems.append(
                    _bad_cells(
                        raw, col, bad, "yes/no values", "use yes/no, sí/no, true/false or 1/0"
                    )
                )
        elif df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype):
            df[col] = _to_string(df[col])
    _resolve_gender_codes(raw, df)
    signup_window = (min(window[0], pd.Timestamp(DEFAULT_SIGNUP_START)), window[1])
    problems += _validate(
        raw, df, customers_schema(list(df.columns), date.today().year, signup_window)
    )
    date_col = df["signup_date"] if "signup_date" in df else pd.Series(dtype="datetime64[ns]")
    report = TableReport(
        "customers",
        raw.source,
        rows_read,
        len(df),
        list(df.columns),
        _missing_share(df),
        _iso(date_col.min()),
        _iso(date_col.max()),
    )
    return df.reset_index(drop=True), report, problems


def _interactions(
    raw: _Raw,
    warnings: list[LoaderWarning],
    channel_aliases: dict[str, str] | None,
    window: Window | None = None,
) -> tuple[pd.DataFrame, TableReport, list[Problem]]:
    window = window or _resolve_window(None)
    rows_read = len(raw.frame)
    problems = _missing_required(raw, ["timestamp", "channel", "event"])
    if not any(c in raw.frame.columns for c in IDENTIFIER_COLUMNS):
        problems.append(
            Problem(
                raw.source,
                None,
                "no customer identifier column; expected at least one of "
                f"{list(IDENTIFIER_COLUMNS)}. "
                f"Columns found: {list(raw.frame.columns)}",
                "add the column that identifies who interacted (customer_id, email, phone, "
                "loyalty_id or device_id), or map yours with columns=",
            )
        )
    problems = problems or _no_rows("interactions", raw)
    if problems:
        return _not_loaded("interactions", raw, problems)
    n_duplicates = _drop_exact_duplicates(raw, warnings)
    id_columns = [c for c in IDENTIFIER_COLUMNS if c in raw.frame.columns]
    _drop_empty_columns(raw, {"timestamp", "channel", "event"}, warnings)
    df = raw.frame.copy()
    fix = _date_fix(df["timestamp"], "use ISO 8601 (2026-01-31 14:05:00) or DD/MM/YYYY HH:MM")
    df["timestamp"], bad = _to_datetime(df["timestamp"])
    if bad.any():
        problems.append(_bad_cells(raw, "timestamp", bad, "dates/times", fix))
    for col, what in (("channel", "channel names"), ("event", "event names")):
        dtype = df[col].dtype
        if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
            held = "true/false values" if pd.api.types.is_bool_dtype(dtype) else "numbers"
            problems.append(
                _bad_cells(
                    raw,
                    col,
                    df[col].notna().to_numpy(),
                    what,
                    f"the column holds {held}: export the {col} names as text (web, store, "
                    "purchase, ...)",
                )
            )
    raw_channels = df["channel"]
    df["channel"] = normalise_channels(df["channel"], channel_aliases)
    df["event"] = normalise_events(df["event"])
    for col in ("revenue", "satisfaction"):
        if col in df:
            df[col] = _numbers(
                raw, df, col, "numbers", f"write {col} as a number (decimal '.' or ',')", problems
            )
    for col in df.columns:
        if col not in ("timestamp", "channel", "event", "revenue", "satisfaction") and (
            df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype)
        ):
            df[col] = _to_string(df[col])
    if n_duplicates and "revenue" in df and raw.duplicate_copies is not None:
        kept = df["revenue"].fillna(0.0)
        removed = float((kept * raw.duplicate_copies.reindex(kept.index).fillna(0)).sum())
        warnings.append(
            _duplicate_note(raw, n_duplicates, rows_read, removed, float(kept.sum()) + removed)
        )
    elif n_duplicates:
        warnings.append(_duplicate_note(raw, n_duplicates, rows_read, None, None))
    problems += _validate(raw, df, interactions_schema(list(df.columns), window))
    present = [c for c in IDENTIFIER_COLUMNS if c in df]
    order_note = _order_lines_note(raw, df, present)
    if order_note:
        warnings.append(order_note)
    anonymous = int(df[present].isna().all(axis=1).sum()) if present else len(df)
    if anonymous == len(df):
        problems.append(
            Problem(
                raw.source,
                None,
                f"none of the {len(df):,} rows has a value in its identifier column(s) "
                f"{id_columns}: every interaction is anonymous, so none can be linked to a "
                "customer",
                "export the interactions with who interacted (customer_id, email, phone, "
                "loyalty_id or device_id), or map the column that holds it with columns=",
                tuple(int(i) + raw.row_offset for i in df.index[:5]),
                len(df),
            )
        )
        anonymous = 0  # reported as a problem, not also as a warning
    channel_counts = {str(k): int(v) for k, v in df["channel"].value_counts().items()}
    unknown = sorted(c for c in channel_counts if c not in CANONICAL_CHANNELS)
    if unknown:
        labels = sorted(
            {
                str(v)
                for v, n in zip(raw_channels, df["channel"], strict=True)
                if isinstance(n, str) and n in unknown
            }
        )[:5]
        warnings.append(
            LoaderWarning(
                "loader.unknown_channels",
                {"src": raw.source, "n": len(unknown), "channels": unknown, "labels": labels},
            )
        )
    unknown_events = sorted(set(df["event"].dropna().unique()) - set(CANONICAL_EVENTS))
    if unknown_events:
        warnings.append(
            LoaderWarning(
                "loader.unknown_events",
                {"src": raw.source, "events": [str(e) for e in unknown_events[:8]]},
            )
        )
    if anonymous:
        warnings.append(
            LoaderWarning(
                "loader.anonymous",
                {"src": raw.source, "n": anonymous, "share": anonymous / max(len(df), 1)},
            )
        )
    report = TableReport(
        "interactions",
        raw.source,
        rows_read,
        len(df),
        list(df.columns),
        _missing_share(df),
        _iso(df["timestamp"].min()),
        _iso(df["timestamp"].max()),
        {"channel_counts": channel_counts, "anonymous_rows": anonymous},
    )
    return df.reset_index(drop=True), report, problems


#: Order lines: purchases of one customer at one identical timestamp, as a share of purchase rows
#: and as a number of rows, above which they are likely lines of one order.
_ORDER_LINES_SHARE = 0.20
_ORDER_LINES_MIN = 50


def _order_lines_note(raw: _Raw, df: pd.DataFrame, identifiers: list[str]) -> LoaderWarning | None:
    """A warning when purchases look like order lines and there is no ``order_id`` to group them.

    More than :data:`_ORDER_LINES_SHARE` of the purchase rows (and at least
    :data:`_ORDER_LINES_MIN`) share their identifier(s) and timestamp with another purchase row.
    """
    if "order_id" in df or not identifiers:
        return None
    purchases = df.loc[df["event"] == "purchase", [*identifiers, "timestamp"]]
    purchases = purchases[purchases[identifiers].notna().any(axis=1)]
    purchases = purchases[purchases["timestamp"].notna()]
    if len(purchases) < _ORDER_LINES_MIN:
        return None
    shared = int(purchases.duplicated(keep=False).sum())
    if shared < _ORDER_LINES_MIN or shared <= _ORDER_LINES_SHARE * len(purchases):
        return None
    return LoaderWarning(
        "loader.order_lines",
        {
            "src": raw.source,
            "n": shared,
            "purchases": len(purchases),
            "order_share": shared / len(purchases),
        },
    )


def _codebook_problems(codebook: dict, source: str) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []
    items = codebook.get("items") if isinstance(codebook, dict) else None
    if not isinstance(items, dict) or not items:
        return {}, [
            Problem(
                source,
                None,
                "the codebook has no 'items' mapping",
                "write the codebook as {items: {item_name: {type: ..., ...}}}",
            )
        ]
    clean: dict[str, dict] = {}
    for name, spec in items.items():
        key = _canonical_name(name)
        where = f"item '{name}'"
        if not isinstance(spec, dict):
            problems.append(
                Problem(source, key, f"{where} is not a mapping", "give it type, label, ...")
            )
            continue
        kind = spec.get("type", "likert")
        if kind not in ITEM_TYPES:
            problems.append(
                Problem(
                    source,
                    key,
                    f"{where} has unknown type {kind!r}",
                    f"use one of {list(ITEM_TYPES)}",
                )
            )
            continue
        spec = {**spec, "type": kind}
        if kind in ("likert", "nps"):
            scale = spec.get("scale", [0, 10] if kind == "nps" else None)
            if (
                not isinstance(scale, list | tuple)
                or len(scale) != 2
                or not all(isinstance(x, int | float) for x in scale)
                or scale[0] >= scale[1]
            ):
                problems.append(
                    Problem(
                        source,
                        key,
                        f"{where} has scale {scale!r}",
                        "give scale as two numbers [low, high], e.g. [1, 5]",
                    )
                )
                continue
            spec["scale"] = [scale[0], scale[1]]
        if kind in ("single_choice", "multi_choice") and not isinstance(spec.get("options"), list):
            problems.append(
                Problem(
                    source,
                    key,
                    f"{where} ({kind}) has no options list",
                    "list the allowed answers under 'options'",
                )
            )
            continue
        if not isinstance(spec.get("reverse", False), bool):
            problems.append(
                Problem(
                    source,
                    key,
                    f"{where} has reverse={spec['reverse']!r}",
                    "set reverse to true or false",
                )
            )
            continue
        spec.setdefault("reverse", False)
        spec.setdefault("label", str(name))
        clean[key] = spec
    out: dict[str, Any] = {"items": clean}
    constructs = codebook.get("constructs")
    if constructs is not None:  # optional display labels: {name: {label: ..., label_es: ...}}
        bad = (
            [str(c) for c, v in constructs.items() if not _labels_ok(v)]
            if isinstance(constructs, dict)
            else ["constructs"]
        )
        if bad:
            problems.append(
                Problem(
                    source,
                    None,
                    f"'constructs' entries {bad} are not mappings of text labels",
                    "write constructs as {construct_name: {label: Text, label_es: Texto}}",
                )
            )
        else:
            out["constructs"] = {str(c): dict(v) for c, v in constructs.items()}
    return out, problems


def _labels_ok(value: Any) -> bool:
    """A construct's labels: a mapping of ``label`` / ``label_<language>`` keys to text."""
    return isinstance(value, dict) and all(
        str(k).startswith("label") and isinstance(v, str) for k, v in value.items()
    )


def load_codebook(source: str | Path | dict) -> dict:
    """Read and check a survey codebook (YAML file or dict).

    Returns
    -------
    dict
        ``{"items": {name: spec}}`` with item names canonicalised and defaults filled in
        (``reverse: false``, ``label``: the item name).

    Raises
    ------
    DataValidationError
        Unreadable file, no items, unknown item type, bad scale, missing options, bad reverse.
    """
    if isinstance(source, dict):
        data, label = source, "<codebook>"
    else:
        path = Path(source)
        label = path.name
        if not path.is_file():
            raise _fail(label, f"file not found: {path}", "check the codebook path")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise _fail(
                label,
                f"not valid UTF-8 YAML: {str(exc).splitlines()[0]}",
                "fix the YAML syntax (indentation, quotes)",
            ) from None
    clean, problems = _codebook_problems(data, label)
    if problems:
        raise DataValidationError(problems)
    return clean


def _survey(raw: _Raw, codebook: dict, cb_source: str, warnings: list[LoaderWarning]):
    rows_read = len(raw.frame)
    items = codebook["items"]
    problems = _missing_required(raw, ["respondent_id"])
    found = list(raw.frame.columns)
    squeezed = {c.replace("_", ""): c for c in found}
    for name in items:
        if name not in raw.frame.columns:
            close = squeezed.get(name.replace("_", "")) or next(
                iter(difflib.get_close_matches(name, found, n=1, cutoff=0.8)), None
            )
            hint = f"Did you mean the column '{close}'? " if close else ""
            problems.append(
                Problem(
                    raw.source,
                    name,
                    f"codebook item '{name}' ({cb_source}) is not a column of the survey; item "
                    "names and column names are compared case-insensitively (A1 and a1 are the "
                    "same column), trimmed and accent-folded, and no column matches so",
                    f"{hint}Add the column, rename it (data.columns), or remove the item from the "
                    "codebook",
                )
            )
    problems = problems or _no_rows("survey", raw)
    if problems:
        return _not_loaded("survey", raw, problems)
    _drop_exact_duplicates(raw, warnings)
    _drop_empty_columns(raw, {"respondent_id", *items}, warnings)
    df = raw.frame.copy()
    for col in df.columns:
        spec = items.get(col)
        if col == "weight" or (spec and spec["type"] in ("likert", "nps", "numeric")):
            fix = (
                "write weights as positive numbers"
                if col == "weight"
                else ("answer with a number on the item's scale")
            )
            df[col] = _numbers(raw, df, col, "numbers", fix, problems)
        elif spec and spec["type"] in ("single_choice", "multi_choice"):
            df[col] = _to_string(_choice_text(df[col]))
        elif df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype):
            df[col] = _to_string(df[col])
    if "gender" not in items:
        _resolve_gender_codes(raw, df)
    problems += _validate(raw, df, survey_schema(list(df.columns), items))
    report = TableReport(
        "survey",
        raw.source,
        rows_read,
        len(df),
        list(df.columns),
        _missing_share(df),
        extra={"linked": int(df["customer_id"].notna().sum()) if "customer_id" in df else 0},
    )
    return df.reset_index(drop=True), report, problems


#: A front-matter block: ``key: value`` lines between two lines of ``---``.
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?(?:\n|\Z)", re.DOTALL | re.MULTILINE)


def _transcript(path: Path, source: str) -> tuple[dict | None, list[Problem]]:
    """One transcript file as a record, or the problems that keep it from being one."""
    try:
        text = _decode(path.read_bytes(), source)
    except DataValidationError as exc:
        return None, exc.problems
    record: dict[str, object] = {"interview_id": path.stem}
    match = _FRONT.match(text)
    if match:
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and _canonical_name(key):
                record[_canonical_name(key)] = value.strip() or None
        text = text[match.end() :]
    elif text.split("\n", 1)[0].strip() == "---":
        return None, [
            Problem(
                source,
                None,
                f"transcript '{path.name}' opens a front-matter block with '---' but never "
                "closes it",
                "add a line with only '---' after the 'key: value' lines, or remove the "
                "opening '---'",
            )
        ]
    record["text"] = text.strip()
    if not record["text"]:
        what = "has only front matter, no text" if match else "is empty"
        return None, [
            Problem(
                source,
                "text",
                f"transcript '{path.name}' {what}",
                "put the interview's transcript in the file, or remove the file",
            )
        ]
    return record, []


def _interviews(
    source: Source,
    columns: dict[str, str] | None,
    sheet: str | int | None = None,
    maps: dict[str, dict[str, str]] | None = None,
    warnings: list[LoaderWarning] | None = None,
):
    if isinstance(source, str | Path) and Path(source).is_dir():
        folder = Path(source)
        records, names, problems = [], [], []
        for path in sorted([*folder.glob("*.txt"), *folder.glob("*.md")]):
            record, found = _transcript(path, f"{folder.name}/{path.name}")
            problems += found
            if record is not None:
                records.append(record)
                names.append(path.name)
        if not records and not problems:
            raise _fail(
                folder.name,
                f"no .txt or .md transcripts in {folder}",
                "put one transcript per .txt/.md file in the folder",
            )
        raw = _Raw(
            pd.DataFrame(records, columns=None if records else ["interview_id", "text"]),
            folder.name,
            0,
        )
        raw.frame = _apply_columns(raw.frame, columns, raw.source)
        if "interview_id" in raw.frame:
            ids = raw.frame["interview_id"].astype("string")
            for _, group in raw.frame.groupby(ids, sort=False):
                if len(group) > 1:
                    files = [names[i] for i in group.index]
                    problems.append(
                        Problem(
                            raw.source,
                            "interview_id",
                            f"{len(files)} transcripts have the same interview_id (the file "
                            f"name without its ending, or the front matter's): {files}",
                            "rename the files (or fix their front matter) so that each "
                            "transcript has its own interview_id",
                            n_rows=len(files),
                        )
                    )
                    raw.unreadable.setdefault("interview_id", set()).update(group.index)
        if problems and not records:
            raise DataValidationError(problems)
        row_note = "file"
    else:
        raw = _read(source, "interviews", columns, sheet)
        row_note = "row"
        problems = []
    raw.table = "interviews"
    problems += _apply_value_maps(raw, maps)
    problems += _missing_required(raw, ["interview_id", "text"]) or _no_rows("interviews", raw)
    if problems and not {"interview_id", "text"} <= set(raw.frame.columns):
        return _not_loaded("interviews", raw, problems)
    df = raw.frame.copy()
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype):
            if col == "text":  # kept as written, but a blank transcript is a missing one
                text = df[col].astype("string")
                df[col] = text.mask(text.str.strip().fillna("") == "")
            else:
                df[col] = _to_string(df[col])
    _resolve_gender_codes(raw, df)
    if warnings is not None:
        warnings.extend(raw.notes)
    problems += _validate(raw, df, interviews_schema())
    report = TableReport(
        "interviews",
        raw.source,
        len(raw.frame),
        len(df),
        list(df.columns),
        _missing_share(df),
        extra={"unit": row_note},
    )
    return df.reset_index(drop=True), report, problems


def check_value_maps(value: object, where: str = "value_maps") -> dict[str, dict[str, dict]]:
    """A checked ``value_maps``: ``{table: {column: {value as exported: value to read}}}``.

    Parameters
    ----------
    value : dict
    where : str
        What the value is called in messages (``data.value_maps`` in a params file).

    Returns
    -------
    dict
        Column names folded as the loader folds them; values as text.

    Raises
    ------
    ParameterError
        Not a mapping of that shape, or an unknown table.

    Examples
    --------
    >>> check_value_maps({"customers": {"Sexo": {"H": "male", "M": "female"}}})
    {'customers': {'sexo': {'H': 'male', 'M': 'female'}}}
    """
    shape = "{customers: {gender: {H: male, M: female}}}"
    if not isinstance(value, dict):
        raise ParameterError(f"{where} must be a mapping like {shape}. Got {value!r} instead.")
    unknown = sorted(str(k) for k in value if k not in _TABLES)
    if unknown:
        raise ParameterError(
            f"{where} names unknown table(s) {unknown}; its values would never be mapped. "
            f"Allowed: {list(_TABLES)}."
        )
    out: dict[str, dict[str, dict]] = {}
    for table, maps in value.items():
        if not isinstance(maps, dict) or not all(isinstance(m, dict) for m in maps.values()):
            raise ParameterError(
                f"{where}['{table}'] must map a column to a {{value: value}} mapping, like "
                f"{shape}. Got {maps!r} instead."
            )
        out[table] = {}
        for column, mapping in maps.items():
            scalar = (str, int, float, bool)
            if not all(isinstance(k, scalar) and isinstance(v, scalar) for k, v in mapping.items()):
                raise ParameterError(
                    f"{where}['{table}']['{column}'] must map single values to single values "
                    f"(text or numbers). Got {mapping!r} instead."
                )
            out[table][_canonical_name(column)] = {str(k): str(v) for k, v in mapping.items()}
    return out


def _apply_value_maps(raw: _Raw, maps: dict[str, dict[str, str]] | None) -> list[Problem]:
    """Replace exported codes by the values ``value_maps`` gives (compared trimmed, folded)."""
    problems = []
    for column, mapping in (maps or {}).items():
        if column not in raw.frame.columns:
            problems.append(
                Problem(
                    raw.source,
                    column,
                    f"value_maps gives values for column '{column}', which the {raw.table} "
                    f"table does not have. Columns found: {list(raw.frame.columns)}",
                    "correct the column name in data.value_maps (value_maps= in load_data), "
                    "using the column's name after any columns: rename",
                )
            )
            continue
        table = {fold_label(k): v for k, v in mapping.items()}
        series = raw.frame[column]
        folded = _choice_text(series).astype("string").map(fold_label, na_action="ignore")
        hit = folded.isin(list(table)).fillna(False).astype(bool)
        if hit.any():
            raw.frame[column] = series.astype("object").mask(hit, folded.map(table))
    return problems


#: Identifier columns whose leading zeros a spreadsheet may drop in one export and not another.
#: Ids matched exactly by identity resolution (loyalty ids lose their leading zeros and phones
#: are normalised to E.164 there, so zero-padding does not keep those from linking).
_PADDED_IDS = ("customer_id",)


def _zero_padding_notes(out: dict[str, Any], report: ValidationReport) -> list[LoaderWarning]:
    """Warnings for ids that match the CRM's only once leading zeros are removed.

    ``00123`` in the CRM and ``123`` in the interactions are the same customer whose id lost its
    zeros in a spreadsheet. The ids are not changed (a zero may be meaningful); the warning says
    how many would match. No id value is quoted (they are personal data).
    """
    notes = []
    crm = out.get("customers")
    if crm is None:  # no CRM: nothing to match against
        return notes
    for table in ("interactions", "survey"):
        other = out.get(table)
        if other is None:
            continue
        for col in _PADDED_IDS:
            if col not in crm or col not in other or (table == "survey" and col != "customer_id"):
                continue
            mine = pd.Series(crm[col].dropna().unique(), dtype="string").str.strip()
            theirs = pd.Series(other[col].dropna().unique(), dtype="string").str.strip()
            mine = mine[mine.str.fullmatch(r"\d+").fillna(False).astype(bool)]
            theirs = theirs[theirs.str.fullmatch(r"\d+").fillna(False).astype(bool)]
            if mine.empty or theirs.empty:
                continue
            unmatched = theirs[~theirs.isin(set(mine))]
            stripped = set(mine.str.lstrip("0"))
            n = int(unmatched.str.lstrip("0").isin(stripped).sum())
            if not n:
                continue
            crm_file, other_file = report.tables["customers"].source, report.tables[table].source
            padded_crm = mine.str.startswith("0").mean() >= unmatched.str.startswith("0").mean()
            padded, bare = (crm_file, other_file) if padded_crm else (other_file, crm_file)
            notes.append(
                LoaderWarning(
                    "loader.zero_padding",
                    {
                        "crm": crm_file,
                        "other": other_file,
                        "column": col,
                        "n": n,
                        "padded": padded,
                        "bare": bare,
                    },
                )
            )
    return notes


# ------------------------------------------------------------------------------------------
# public loaders
# ------------------------------------------------------------------------------------------


def _checked(result: tuple[pd.DataFrame, TableReport, list[Problem]]) -> pd.DataFrame:
    df, _, problems = result
    if problems:
        raise DataValidationError(problems)
    return df


def load_customers(
    source: Source,
    *,
    columns: dict[str, str] | None = None,
    time_window: TimeWindow | None = None,
) -> pd.DataFrame:
    """Load and validate the customers (CRM) table. See ``docs/data_contract.md``.

    Parameters
    ----------
    source : path or DataFrame
    columns : dict, optional
        Renames ``{"your column": "canonical name"}``.
    time_window : (start, end), optional
        Its end is the latest plausible ``signup_date`` (default: the end of today, UTC);
        signups start at :data:`DEFAULT_SIGNUP_START` (or the window's start if earlier).

    Raises
    ------
    DataValidationError
        Every problem of the table. :class:`~omniseg.errors.ParameterError` for a bad
        ``time_window``.
    """
    window = _resolve_window(time_window)
    return _checked(_customers(_read(source, "customers", columns), [], window))


def load_interactions(
    source: Source,
    *,
    columns: dict[str, str] | None = None,
    channel_aliases: dict[str, str] | None = None,
    time_window: TimeWindow | None = None,
) -> pd.DataFrame:
    """Load and validate the interactions table (channels and events normalised).

    Parameters
    ----------
    source : path or DataFrame
    columns : dict, optional
        Renames ``{"your column": "canonical name"}``.
    channel_aliases : dict, optional
        Extra channel labels, e.g. ``{"kiosko": "store"}``.
    time_window : (start, end), optional
        Plausible timestamps, both days included; ``None`` for either bound takes
        :data:`DEFAULT_TIME_WINDOW` (1990-01-01 to the end of today, UTC).

    Raises
    ------
    DataValidationError
        Every problem of the table. :class:`~omniseg.errors.ParameterError` for a bad
        ``time_window``.
    """
    window = _resolve_window(time_window)
    raw = _read(source, "interactions", columns)
    return _checked(_interactions(raw, [], channel_aliases, window))


def load_survey(
    source: Source, codebook: str | Path | dict, *, columns: dict[str, str] | None = None
) -> pd.DataFrame:
    """Load and validate a survey against its codebook."""
    cb = load_codebook(codebook)
    cb_label = "<codebook>" if isinstance(codebook, dict) else Path(codebook).name
    return _checked(_survey(_read(source, "survey", columns), cb, cb_label, []))


def load_interviews(source: Source, *, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Load interview transcripts from a folder of ``.txt``/``.md`` files or a table.

    Files may start with a front-matter block of ``key: value`` lines between ``---`` lines
    (``customer_id``, ``respondent_id``, ``language``, ``age``, ...); the file stem is the
    ``interview_id``.
    """
    return _checked(_interviews(source, columns))


def _guarded(problems: list[Problem], fn, *args):
    """Run one table's loader, turning a file-level error into problems so others still run."""
    try:
        return fn(*args)
    except DataValidationError as exc:
        problems.extend(exc.problems)
        return None


def load_data(
    customers: Source | None = None,
    interactions: Source | None = None,
    survey: Source | None = None,
    codebook: str | Path | dict | None = None,
    interviews: Source | None = None,
    *,
    columns: dict[str, dict[str, str]] | None = None,
    channel_aliases: dict[str, str] | None = None,
    time_window: TimeWindow | None = None,
    number_format: dict | None = None,
    value_maps: dict[str, dict[str, dict]] | None = None,
    sheets: dict[str, str | int] | None = None,
) -> CustomerData:
    """Load, type and validate every input; report all problems of all inputs at once.

    Parameters
    ----------
    customers, interactions : path or DataFrame, optional
        The CRM and the touchpoints; at least one of them. Without interactions (a CRM-only
        export) the persons are the CRM customers and the sections that need touchpoints say
        they do not apply; without a CRM (transactions only) the persons come from the
        interactions' identifiers. An absent table is an empty one with the contract's key
        columns (:func:`omniseg.ingest.empty_table`), and ``data.profile`` records it.
    survey : path or DataFrame, optional
        Needs ``codebook``.
    codebook : path or dict, optional
    interviews : folder, path or DataFrame, optional
    columns : dict, optional
        Per table renames, e.g. ``{"interactions": {"fecha": "timestamp"}}``.
    channel_aliases : dict, optional
        Extra channel labels, e.g. ``{"kiosko": "store"}``.
    time_window : (start, end), optional
        The plausible period of interaction timestamps, both days included, e.g.
        ``("2015-01-01", "2026-12-31")``; ``None`` for either bound takes
        :data:`DEFAULT_TIME_WINDOW` (1990-01-01 to the end of today, UTC). Its end also bounds
        customers' ``signup_date``, which may start at :data:`DEFAULT_SIGNUP_START` (1900).
    number_format : dict, optional
        How numbers are written, ``{"decimal": ",", "thousands": "."}`` (``thousands`` may also
        be ``" "`` or ``""``), for every table or per table (``{"customers": {...}}``). Without
        it each column decides from its cells, and ambiguous cells (``15.597``) are read by the
        file's locale with a warning (``docs/loading.md``).
    value_maps : dict, optional
        Codes to read as values, per table and column, applied before any normalisation, e.g.
        ``{"customers": {"gender": {"H": "male", "M": "female"}}}``.
    sheets : dict, optional
        The worksheet of each Excel input, e.g. ``{"customers": "Clientes"}`` (default: the
        first sheet).

    Returns
    -------
    CustomerData

    Raises
    ------
    DataValidationError
        Listing every problem found in every input; also when neither ``customers`` nor
        ``interactions`` is given.
    ParameterError
        A ``time_window`` that is not a pair of dates, or starts after it ends; a bad
        ``number_format``, ``value_maps`` or ``sheets``; ``columns`` for an unknown table.

    Examples
    --------
    >>> import pandas as pd
    >>> data = load_data(
    ...     pd.DataFrame({"customer_id": ["C1"]}),
    ...     pd.DataFrame({"timestamp": ["2026-01-05 10:00"], "channel": ["Tienda"],
    ...                   "event": ["compra"], "customer_id": ["C1"], "revenue": ["12,5"]}),
    ... )
    >>> data.interactions.loc[0, ["channel", "event"]].tolist()
    ['store', 'purchase']
    >>> float(data.interactions.loc[0, "revenue"])
    12.5
    """
    if customers is None and interactions is None:
        raise DataValidationError(
            [
                Problem(
                    "<data>",
                    None,
                    "no customers table and no interactions table were given: there is nothing "
                    "to segment",
                    "give at least one of them: customers= (a CRM export, one row per customer) "
                    "or interactions= (touchpoints or transactions with a customer identifier)",
                )
            ]
        )
    columns = columns or {}
    window = _resolve_window(time_window)
    formats = _number_formats(number_format)
    maps = check_value_maps(value_maps) if value_maps is not None else {}
    sheets = _check_sheets(sheets)
    unknown = sorted(str(t) for t in columns if t not in _TABLES)
    if unknown:
        raise ParameterError(
            f"columns names unknown table(s) {unknown}; its renames would be ignored. "
            f"Allowed: {list(_TABLES)}."
        )
    problems: list[Problem] = []
    for table in ("customers", "interactions", "interviews"):
        problems += _target_problems(table, columns.get(table))
    warnings: list[LoaderWarning] = []
    report = ValidationReport(warnings=warnings)
    sources: dict[str, str] = {}
    out: dict[str, object] = {}

    def run(table, source, fn):
        raw = _guarded(
            problems,
            _read,
            source,
            table,
            columns.get(table),
            sheets.get(table),
            formats.get(table),
        )
        if raw is None:
            return None
        problems.extend(_apply_value_maps(raw, maps.get(table)))
        sources[table] = str(source) if not isinstance(source, pd.DataFrame) else raw.source
        df, table_report, found = fn(raw)
        problems.extend(found)
        warnings.extend(raw.notes)
        report.tables[table] = table_report
        return df

    if customers is not None:
        out["customers"] = run(
            "customers", customers, lambda raw: _customers(raw, warnings, window)
        )
    if interactions is not None:
        out["interactions"] = run(
            "interactions",
            interactions,
            lambda raw: _interactions(raw, warnings, channel_aliases, window),
        )
    cb = None
    if survey is not None:
        if codebook is None:
            problems.append(
                Problem(
                    "<survey>",
                    None,
                    "a survey was given without its codebook",
                    "pass codebook= (YAML file or dict)",
                )
            )
        else:
            cb = _guarded(problems, load_codebook, codebook)
            if cb is not None:
                problems.extend(
                    _target_problems("survey", columns.get("survey"), tuple(cb["items"]))
                )
                cb_label = "<codebook>" if isinstance(codebook, dict) else Path(codebook).name
                out["survey"] = run(
                    "survey", survey, lambda raw: _survey(raw, cb, cb_label, warnings)
                )
    if interviews is not None:
        result = _guarded(
            problems,
            _interviews,
            interviews,
            columns.get("interviews"),
            sheets.get("interviews"),
            maps.get("interviews"),
            warnings,
        )
        if result is not None:
            df, table_report, found = result
            problems.extend(found)
            report.tables["interviews"] = table_report
            sources["interviews"] = (
                str(interviews) if not isinstance(interviews, pd.DataFrame) else "<DataFrame>"
            )
            out["interviews"] = df
    if problems:
        raise DataValidationError(problems)

    warnings.extend(_zero_padding_notes(out, report))
    has_crm = customers is not None
    if not has_crm:
        out["customers"] = empty_table("customers")
    if interactions is None:
        out["interactions"] = empty_table("interactions")
    crm_ids = set(out["customers"]["customer_id"].dropna())
    inter = out["interactions"]
    if has_crm and "customer_id" in inter:
        unknown = inter["customer_id"].dropna()
        n_unknown = int((~unknown.isin(crm_ids)).sum())
        if n_unknown:
            warnings.append(
                LoaderWarning(
                    "loader.unknown_customers",
                    {"src": report.tables["interactions"].source, "n": n_unknown},
                )
            )
    if has_crm and out.get("survey") is not None and "customer_id" in out["survey"]:
        linked = out["survey"]["customer_id"].dropna()
        n_unknown = int((~linked.isin(crm_ids)).sum())
        if n_unknown:
            warnings.append(
                LoaderWarning(
                    "loader.unknown_respondents",
                    {"src": report.tables["survey"].source, "n": n_unknown},
                )
            )
    return CustomerData(
        customers=out["customers"],
        interactions=inter,
        survey=out.get("survey"),
        codebook=cb,
        interviews=out.get("interviews"),
        report=report,
        sources=sources,
    )


def _check_sheets(sheets: object, where: str = "sheets") -> dict[str, str | int]:
    """A checked ``sheets`` mapping: known table -> worksheet name or 0-based position."""
    if sheets is None:
        return {}
    if not isinstance(sheets, dict):
        raise ParameterError(
            f"{where} must map a table to its worksheet, e.g. {{'customers': 'Clientes'}}. "
            f"Got {sheets!r} instead."
        )
    unknown = sorted(str(t) for t in sheets if t not in _TABLES)
    if unknown:
        raise ParameterError(f"{where} names unknown table(s) {unknown}. Allowed: {list(_TABLES)}.")
    for table, sheet in sheets.items():
        if isinstance(sheet, bool) or not isinstance(sheet, str | int) or sheet == "":
            raise ParameterError(
                f"{where}['{table}'] must be a worksheet name or its 0-based position. Got "
                f"{sheet!r} instead."
            )
    return dict(sheets)


def load_data_dir(folder: str | Path, *, time_window: TimeWindow | None = None) -> CustomerData:
    """Load a folder laid out like the demo: ``customers.csv`` and/or ``interactions.csv[.gz]``
    or ``interactions/`` (Parquet parts), and optional ``survey.csv`` + ``survey_codebook.yaml``
    and ``interviews/``. ``time_window`` as in :func:`load_data`."""
    folder = Path(folder)

    def first(*names):
        return next((folder / n for n in names if (folder / n).exists()), None)

    customers = first("customers.csv", "customers.parquet", "customers")
    interactions = first(
        "interactions.csv.gz", "interactions.csv", "interactions.parquet", "interactions"
    )
    if customers is None and interactions is None:  # one of them is enough (load_data)
        raise _fail(
            folder.name,
            f"{folder} has no customers.csv / interactions.csv(.gz) (or Parquet)",
            "put the customer table, the interaction table or both in the folder with these names",
        )
    survey = first("survey.csv", "survey.parquet", "survey.xlsx")
    codebook = first("survey_codebook.yaml", "codebook.yaml")
    interviews = first("interviews")
    return load_data(
        customers,
        interactions,
        survey if codebook else None,
        codebook,
        interviews,
        time_window=time_window,
    )


def load_demo() -> CustomerData:
    """Load the bundled demo dataset (``omniseg.report.demo_data_dir()``)."""
    from omniseg.report.paths import demo_data_dir

    return load_data_dir(demo_data_dir())
