"""Load the inputs of the data contract from CSV, Parquet, Excel or DataFrames, and validate them.

Reading is forgiving about *format* — UTF-8 or Latin-1/Windows-1252, ``,`` ``;`` or tab delimiters,
decimal commas from Spanish-locale Excel, gzip, column names in any case or with accents, free
channel labels — and strict about *content*: every cell that cannot be read as its type and every
value that breaks the contract is reported, all at once, in one
:class:`~omniseg.errors.DataValidationError` naming the file, the column, the spreadsheet row
numbers (the header is row 1) and the fix.

Text files are read as strings first and converted column by column, so that a bad cell is
reported by row instead of turning a whole column into ``object`` silently. Parquet and DataFrame
inputs keep their types when they already match.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from omniseg.data import CustomerData, TableReport, ValidationReport
from omniseg.errors import DataValidationError, Problem
from omniseg.schemas import (
    PII_COLUMNS,
    customers_schema,
    interactions_schema,
    interviews_schema,
    problems_from_failures,
    survey_schema,
)
from omniseg.vocabulary import (
    CANONICAL_CHANNELS,
    CANONICAL_EVENTS,
    IDENTIFIER_COLUMNS,
    fold_label,
    normalise_channels,
    normalise_events,
)

__all__ = [
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
        mapping = {_canonical_name(k): v for k, v in columns.items()}
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


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:8192]:
        raise _fail(
            source,
            "the file contains binary data (NUL bytes): it is not a text CSV file",
            "export the table as CSV (UTF-8), or pass the original .xlsx/.parquet file",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _fail(
            source,
            f"unknown text encoding: byte 0x{data[exc.start]:02x} at offset {exc.start} is "
            f"neither UTF-8 (failed at offset {utf8_error.start}) nor Latin-1/Windows-1252 text",
            "re-save the file as UTF-8 CSV",
        ) from None


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
            try:
                sep = csv.Sniffer().sniff("\n".join(lines)).delimiter
            except csv.Error:
                sep = ","
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
            skipinitialspace=False,
        )
    except pd.errors.ParserError as exc:
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


def _read(source: Source, name: str, columns: dict[str, str] | None, sheet=None) -> _Raw:
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
            parts = sorted(path.glob("*.parquet"))
            if not parts:
                raise _fail(
                    label,
                    f"{path} is a folder without .parquet files",
                    f"pass a file ({_FILE_TYPES}) or a folder of Parquet parts",
                )
            frame = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
            raw = _Raw(frame, label, 2)
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
                if "not found" in str(exc).lower():
                    raise _fail(
                        label,
                        f"worksheet {sheet!r} not found",
                        "pass the name of an existing sheet",
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
    raw.frame = _apply_columns(raw.frame, columns, raw.source)
    if raw.frame.shape[1] == 0 or (raw.frame.shape[0] == 0 and raw.frame.shape[1] <= 1):
        raise _fail(raw.source, "the file has no columns", "export it again with a header row")
    return raw


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


def _to_number(series: pd.Series, decimal_comma: bool) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        return series.astype("float64"), np.zeros(len(series), dtype=bool)
    text = series.astype("string").str.strip().str.replace("\u00a0", "", regex=False)
    blank = _blank(text)
    has_comma = text.str.contains(",", regex=False).fillna(False)
    if decimal_comma or has_comma.any():
        comma_rows = has_comma & ~blank
        # "1.234,56" and "12,5": dots are thousands separators when a comma is the decimal mark
        fixed = text.where(~comma_rows, text.str.replace(".", "", regex=False))
        text = fixed.str.replace(",", ".", regex=False)
    text = text.str.replace(r"^[€$£]\s*|\s*[€$£]$", "", regex=True)
    values = pd.to_numeric(text.mask(blank), errors="coerce").astype("float64")
    bad = (values.isna() & ~blank).to_numpy()
    return values, bad


def _to_datetime(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        return values.astype("datetime64[ns]"), np.zeros(len(series), dtype=bool)
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
    return values.astype("datetime64[ns]"), missing.to_numpy()


def _to_bool(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean"), np.zeros(len(series), dtype=bool)
    text = series.astype("string").str.strip().str.lower()
    blank = _blank(text)
    out = pd.Series(pd.NA, index=series.index, dtype="boolean")
    out[text.isin(_TRUE).fillna(False)] = True
    out[text.isin(_FALSE).fillna(False)] = False
    bad = (out.isna() & ~blank).to_numpy()
    return out, bad


def _bad_cells(raw: _Raw, column: str, bad: np.ndarray, expected: str, fix: str) -> Problem:
    positions = np.nonzero(bad)[0]
    raw.unreadable.setdefault(column, set()).update(raw.frame.index[positions])
    rows = tuple(int(raw.frame.index[p]) + raw.row_offset for p in positions[:5])
    message = f"{len(positions)} value(s) that are not {expected}"
    if column not in PII_COLUMNS:
        examples = list(dict.fromkeys(str(v) for v in raw.frame[column].to_numpy()[positions][:3]))
        message += f", e.g. {', '.join(repr(v) for v in examples)}"
    return Problem(raw.source, column, message, fix, rows, len(positions))


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


def _drop_exact_duplicates(raw: _Raw, warnings: list[str]) -> int:
    dup = raw.frame.duplicated(keep="first")
    n = int(dup.sum())
    if n:
        raw.frame = raw.frame[~dup]
        warnings.append(f"{raw.source}: {n:,} exact duplicate row(s) dropped")
    return n


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


def _customers(raw: _Raw, warnings: list[str]) -> tuple[pd.DataFrame, TableReport, list[Problem]]:
    rows_read = len(raw.frame)
    problems = _missing_required(raw, ["customer_id"])
    if problems:
        return _not_loaded("customers", raw, problems)
    _drop_exact_duplicates(raw, warnings)
    df = raw.frame.copy()
    for col in df.columns:
        if col in ("age", "birth_year"):
            df[col], bad = _to_number(df[col], raw.decimal_comma)
            if bad.any():
                problems.append(
                    _bad_cells(raw, col, bad, "whole numbers", f"write {col} as a number")
                )
            else:
                whole = df[col].dropna()
                if (whole != whole.round()).any():
                    bad = (df[col].notna() & (df[col] != df[col].round())).to_numpy()
                    problems.append(
                        _bad_cells(raw, col, bad, "whole numbers", f"write {col} as a whole number")
                    )
            df[col] = df[col].round().astype("Int64")
        elif col in ("signup_date",):
            df[col], bad = _to_datetime(df[col])
            if bad.any():
                problems.append(_bad_cells(raw, col, bad, "dates", "use YYYY-MM-DD or DD/MM/YYYY"))
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
    problems += _validate(raw, df, customers_schema(list(df.columns), date.today().year))
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
    raw: _Raw, warnings: list[str], channel_aliases: dict[str, str] | None
) -> tuple[pd.DataFrame, TableReport, list[Problem]]:
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
    if problems:
        return _not_loaded("interactions", raw, problems)
    _drop_exact_duplicates(raw, warnings)
    df = raw.frame.copy()
    df["timestamp"], bad = _to_datetime(df["timestamp"])
    if bad.any():
        problems.append(
            _bad_cells(
                raw,
                "timestamp",
                bad,
                "dates/times",
                "use ISO 8601 (2026-01-31 14:05:00) or DD/MM/YYYY HH:MM",
            )
        )
    raw_channels = df["channel"]
    df["channel"] = normalise_channels(df["channel"], channel_aliases)
    df["event"] = normalise_events(df["event"])
    for col in ("revenue", "satisfaction"):
        if col in df:
            df[col], bad = _to_number(df[col], raw.decimal_comma)
            if bad.any():
                problems.append(
                    _bad_cells(
                        raw, col, bad, "numbers", f"write {col} as a number (decimal '.' or ',')"
                    )
                )
    for col in df.columns:
        if col not in ("timestamp", "channel", "event", "revenue", "satisfaction") and (
            df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype)
        ):
            df[col] = _to_string(df[col])
    problems += _validate(raw, df, interactions_schema(list(df.columns)))
    present = [c for c in IDENTIFIER_COLUMNS if c in df]
    anonymous = int(df[present].isna().all(axis=1).sum()) if present else len(df)
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
            f"{raw.source}: {len(unknown)} unknown channel label(s) kept as-is: {unknown} "
            f"(raw labels {labels}); map them with channel_aliases= if they are known channels"
        )
    unknown_events = sorted(set(df["event"].dropna().unique()) - set(CANONICAL_EVENTS))
    if unknown_events:
        warnings.append(
            f"{raw.source}: event label(s) outside the canonical set kept as-is: "
            f"{unknown_events[:8]}"
        )
    if anonymous:
        warnings.append(
            f"{raw.source}: {anonymous:,} row(s) ({anonymous / max(len(df), 1):.1%}) have no "
            "identifier (anonymous); they count in channel totals but cannot be linked to a "
            "customer"
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


def _survey(raw: _Raw, codebook: dict, cb_source: str, warnings: list[str]):
    rows_read = len(raw.frame)
    items = codebook["items"]
    problems = _missing_required(raw, ["respondent_id"])
    for name in items:
        if name not in raw.frame.columns:
            problems.append(
                Problem(
                    raw.source,
                    name,
                    f"codebook item '{name}' ({cb_source}) is not a column of the survey",
                    "add the column, rename it, or remove the item from the codebook",
                )
            )
    if problems:
        return _not_loaded("survey", raw, problems)
    _drop_exact_duplicates(raw, warnings)
    df = raw.frame.copy()
    for col in df.columns:
        spec = items.get(col)
        if col == "weight" or (spec and spec["type"] in ("likert", "nps", "numeric")):
            df[col], bad = _to_number(df[col], raw.decimal_comma)
            if bad.any():
                problems.append(
                    _bad_cells(raw, col, bad, "numbers", "answer with a number on the item's scale")
                )
        elif df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype):
            df[col] = _to_string(df[col])
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


_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?", re.DOTALL)


def _interviews(source: Source, columns: dict[str, str] | None):
    if isinstance(source, str | Path) and Path(source).is_dir():
        folder = Path(source)
        records = []
        for path in sorted([*folder.glob("*.txt"), *folder.glob("*.md")]):
            data = path.read_bytes()
            text = _decode(data, path.name)
            record = {"interview_id": path.stem}
            match = _FRONT.match(text)
            if match:
                for line in match.group(1).splitlines():
                    key, sep, value = line.partition(":")
                    if sep and _canonical_name(key):
                        record[_canonical_name(key)] = value.strip() or None
                text = text[match.end() :]
            record["text"] = text.strip()
            records.append(record)
        if not records:
            raise _fail(
                folder.name,
                f"no .txt or .md transcripts in {folder}",
                "put one transcript per .txt/.md file in the folder",
            )
        raw = _Raw(pd.DataFrame(records), folder.name, 0)
        raw.frame = _apply_columns(raw.frame, columns, raw.source)
        row_note = "file"
    else:
        raw = _read(source, "interviews", columns)
        row_note = "row"
    problems = _missing_required(raw, ["interview_id", "text"])
    if problems:
        return _not_loaded("interviews", raw, problems)
    df = raw.frame.copy()
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype):
            df[col] = _to_string(df[col]) if col != "text" else df[col].astype("string")
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


# ------------------------------------------------------------------------------------------
# public loaders
# ------------------------------------------------------------------------------------------


def _checked(result: tuple[pd.DataFrame, TableReport, list[Problem]]) -> pd.DataFrame:
    df, _, problems = result
    if problems:
        raise DataValidationError(problems)
    return df


def load_customers(source: Source, *, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Load and validate the customers (CRM) table. See ``docs/data_contract.md``."""
    return _checked(_customers(_read(source, "customers", columns), []))


def load_interactions(
    source: Source,
    *,
    columns: dict[str, str] | None = None,
    channel_aliases: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Load and validate the interactions table (channels and events normalised)."""
    return _checked(_interactions(_read(source, "interactions", columns), [], channel_aliases))


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
    customers: Source,
    interactions: Source,
    survey: Source | None = None,
    codebook: str | Path | dict | None = None,
    interviews: Source | None = None,
    *,
    columns: dict[str, dict[str, str]] | None = None,
    channel_aliases: dict[str, str] | None = None,
) -> CustomerData:
    """Load, type and validate every input; report all problems of all inputs at once.

    Parameters
    ----------
    customers, interactions : path or DataFrame
        Required tables.
    survey : path or DataFrame, optional
        Needs ``codebook``.
    codebook : path or dict, optional
    interviews : folder, path or DataFrame, optional
    columns : dict, optional
        Per table renames, e.g. ``{"interactions": {"fecha": "timestamp"}}``.
    channel_aliases : dict, optional
        Extra channel labels, e.g. ``{"kiosko": "store"}``.

    Returns
    -------
    CustomerData

    Raises
    ------
    DataValidationError
        Listing every problem found in every input.

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
    columns = columns or {}
    problems: list[Problem] = []
    warnings: list[str] = []
    report = ValidationReport(warnings=warnings)
    sources: dict[str, str] = {}
    out: dict[str, object] = {}

    def run(table, source, fn):
        raw = _guarded(problems, _read, source, table, columns.get(table))
        if raw is None:
            return None
        sources[table] = str(source) if not isinstance(source, pd.DataFrame) else raw.source
        df, table_report, found = fn(raw)
        problems.extend(found)
        report.tables[table] = table_report
        return df

    out["customers"] = run("customers", customers, lambda raw: _customers(raw, warnings))
    out["interactions"] = run(
        "interactions", interactions, lambda raw: _interactions(raw, warnings, channel_aliases)
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
                cb_label = "<codebook>" if isinstance(codebook, dict) else Path(codebook).name
                out["survey"] = run(
                    "survey", survey, lambda raw: _survey(raw, cb, cb_label, warnings)
                )
    if interviews is not None:
        result = _guarded(problems, _interviews, interviews, columns.get("interviews"))
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

    crm_ids = set(out["customers"]["customer_id"].dropna())
    inter = out["interactions"]
    if "customer_id" in inter:
        unknown = inter["customer_id"].dropna()
        n_unknown = int((~unknown.isin(crm_ids)).sum())
        if n_unknown:
            warnings.append(
                f"{report.tables['interactions'].source}: {n_unknown:,} row(s) have a "
                "customer_id that is not in the CRM"
            )
    if out.get("survey") is not None and "customer_id" in out["survey"]:
        linked = out["survey"]["customer_id"].dropna()
        n_unknown = int((~linked.isin(crm_ids)).sum())
        if n_unknown:
            warnings.append(
                f"{report.tables['survey'].source}: {n_unknown:,} respondent(s) linked to a "
                "customer_id that is not in the CRM"
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


def load_data_dir(folder: str | Path) -> CustomerData:
    """Load a folder laid out like the demo: ``customers.csv``, ``interactions.csv[.gz]`` or
    ``interactions/`` (Parquet parts), and optional ``survey.csv`` + ``survey_codebook.yaml``
    and ``interviews/``."""
    folder = Path(folder)

    def first(*names):
        return next((folder / n for n in names if (folder / n).exists()), None)

    customers = first("customers.csv", "customers.parquet", "customers")
    interactions = first(
        "interactions.csv.gz", "interactions.csv", "interactions.parquet", "interactions"
    )
    if customers is None or interactions is None:
        raise _fail(
            folder.name,
            f"{folder} has no customers.csv / interactions.csv(.gz) (or Parquet)",
            "put the customer and interaction tables in the folder with these names",
        )
    survey = first("survey.csv", "survey.parquet", "survey.xlsx")
    codebook = first("survey_codebook.yaml", "codebook.yaml")
    interviews = first("interviews")
    return load_data(customers, interactions, survey if codebook else None, codebook, interviews)


def load_demo() -> CustomerData:
    """Load the bundled demo dataset (``omniseg.paths.demo_data_dir()``)."""
    from omniseg.paths import demo_data_dir

    return load_data_dir(demo_data_dir())
