"""Reading one table from CSV, Parquet, Excel or a DataFrame, before any cell is converted.

Reading is forgiving about *format*: UTF-8 or Latin-1/Windows-1252 (or UTF-16 with a byte-order
mark), ``,`` ``;`` ``|`` or tab delimiters, gzip, a folder of Parquet parts (checked part by part
for one schema), an Excel worksheet chosen by name or position. It refuses what cannot be a table:
a missing, empty, binary or damaged file, lines with more fields than the header, nested cells.
Text files are read as strings, so that the conversions (:mod:`omniseg.ingest.parsing`) can report
a bad cell by row.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import warnings as pywarnings
from pathlib import Path

import numpy as np
import pandas as pd

from omniseg.errors import DataValidationError, Problem
from omniseg.ingest.columns import _apply_columns, _canonical_name
from omniseg.ingest.raw_table import _fail, _Raw

__all__ = [
    "read_table",
]

Source = str | Path | pd.DataFrame


#: Share of NUL bytes in a file's first 8 KB above which it is binary rather than damaged text.
_BINARY_NUL_SHARE = 0.01


_FILE_TYPES = ".csv, .csv.gz, .txt, .tsv, .parquet, .xlsx or .xls"


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
