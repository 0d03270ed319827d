"""CSV exports read directly by the engine (out-of-core), with the loader's reading rules.

:func:`omniseg.engine.as_table` hands ``.csv`` / ``.tsv`` / ``.txt`` files (gzip or zstd
compressed too) and folders of them to :func:`read_csv`, so identity resolution and the feature
table can run on a CSV export too big for pandas: DuckDB streams it. Every cell is read as
text first (DuckDB's type guessing would turn phone ``0034612...`` and loyalty ``0010000018``
into numbers and drop their leading zeros), then the columns the engine computes with are
converted as the loader converts them (:mod:`omniseg.ingest.columns`,
:mod:`omniseg.ingest.parsing`):

* column names are folded (``Timestamp``, ``E-mail ``, ``Teléfono`` -> ``timestamp``,
  ``e_mail``, ``telefono``) as the loader folds them;
* ``timestamp``: ISO 8601 (an offset is converted to UTC; none means UTC), else day-first
  ``25/11/2026 10:00`` and the loader's other day-first formats;
* ``revenue``, ``satisfaction``: numbers read **per column**, as the loader reads them: a
  decimal point or comma, thousands grouped (``1.234,56``), a currency sign allowed (``€12``);
  a cell with one mark and three digits (``15.597``) is read as the rest of its column writes
  decimals (a decimal comma elsewhere: 15597), else as the file's other number columns or its
  ``;`` delimiter suggest, with a warning; or by ``number_format=`` when stated;
* identifiers and labels stay text.

One scan checks those columns before anything else runs: a value that is not a date or a number
raises :class:`~omniseg.errors.DataValidationError` naming the file, the column, the rows
(spreadsheet rows: the header is row 1) and the fix, instead of an error from inside the engine.
What the loader does besides (dropping exact duplicate rows, checking every column against the
data contract) needs the table in memory: load with :func:`omniseg.ingest.load_interactions` for
that, or convert the CSV to Parquet.
"""

from __future__ import annotations

import re
import uuid
import warnings
from pathlib import Path
from typing import Any

import ibis

from omniseg.errors import DataValidationError, ParameterError, Problem
from omniseg.ingest.columns import _canonical_name
from omniseg.ingest.parsing import _DAYFIRST_FORMATS, check_number_format

__all__ = ["CSV_SUFFIXES", "NUMBER_COLUMNS", "TIME_COLUMNS", "is_csv", "read_csv"]

#: File name endings read as delimited text (then optionally ``.gz`` / ``.zst``).
CSV_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".txt")
#: Columns converted to numbers.
NUMBER_COLUMNS: tuple[str, ...] = ("revenue", "satisfaction")
#: Columns converted to timestamps.
TIME_COLUMNS: tuple[str, ...] = ("timestamp",)
_COMPRESSION = (".gz", ".zst")
#: Rows named in an error message.
_ROWS_SHOWN = 5


def is_csv(path: Path) -> bool:
    """Whether a file name is a (possibly compressed) delimited text export."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _COMPRESSION:
        suffixes = suffixes[:-1]
    return bool(suffixes) and suffixes[-1] in CSV_SUFFIXES


def csv_parts(folder: Path) -> list[Path]:
    """The CSV files of a folder, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and is_csv(p))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(column: str) -> str:
    """A column's text, trimmed, ``NULL`` when blank."""
    return f"nullif(trim(replace({_quote(column)}, chr(160), ' ')), '')"


def _clean(column: str) -> str:
    """A number cell's text without currency signs and spaces."""
    return f"replace(regexp_replace({_text(column)}, '^[€$£]\\s*|\\s*[€$£]$', ''), ' ', '')"


def _count(text: str, mark: str) -> str:
    return f"(length({text}) - length(replace({text}, '{mark}', '')))"


def _number(column: str, decimal: str = ".", fmt: dict[str, str] | None = None) -> str:
    """The loader's number rules (``omniseg.ingest.parsing._read_numbers``) in SQL.

    With ``fmt`` (a checked ``number_format``) every cell must be written in it. Otherwise a
    single comma is the decimal mark unless three digits follow it; with both marks the last is
    the decimal mark and the other must group thousands; several of one mark group thousands;
    a cell with one mark followed by exactly three digits (``15.597``, ``1,234``) is read with
    ``decimal`` as the column's decimal mark (decided from the whole column by
    :func:`_decimals`).
    """
    text = _clean(column)
    if fmt is not None:
        d, t = fmt["decimal"], fmt["thousands"]
        plain = f"replace({text}, '{t}', '')" if t else text
        grouped = (
            rf"'^[+-]?\d{{1,3}}({re.escape(t)}\d{{3}})+({re.escape(d)}\d*)?$'"
            if t not in ("", " ")
            else None
        )
        other = "," if d == "." else "."
        checks = [f"{_count(plain, d)} <= 1"]
        if t in ("", " "):
            checks.append(f"{_count(text, other)} = 0")
        else:
            checks.append(f"({_count(text, t)} = 0 OR regexp_full_match({text}, {grouped}))")
        value = (
            f"CASE WHEN {' AND '.join(checks)} THEN replace({plain}, '{d}', '.') "
            "ELSE 'not a number' END"
        )
        return f"try_cast({value} AS DOUBLE)"
    dots = r"'^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$'"
    commas = r"'^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$'"
    three_dot = r"'^[+-]?[1-9]\d{0,2}\.\d{3}$'"
    three_comma = r"'^[+-]?[1-9]\d{0,2},\d{3}$'"
    n_commas, n_dots = _count(text, ","), _count(text, ".")
    ambiguous = (
        f"WHEN regexp_full_match({text}, {three_dot}) THEN replace({text}, '.', '') "
        if decimal == ","
        else f"WHEN regexp_full_match({text}, {three_comma}) THEN replace({text}, ',', '') "
    )
    value = (
        f"CASE {ambiguous}"
        f"WHEN {n_commas} = 0 AND {n_dots} <= 1 THEN {text} "
        f"WHEN {n_commas} = 1 AND {n_dots} = 0 THEN replace({text}, ',', '.') "
        f"WHEN regexp_full_match({text}, {dots}) "
        f"THEN replace(replace({text}, '.', ''), ',', '.') "
        f"WHEN regexp_full_match({text}, {commas}) THEN replace({text}, ',', '') "
        "ELSE 'not a number' END"
    )
    return f"try_cast({value} AS DOUBLE)"


def _decimals(con: Any, paths: list[Path], raws: dict[str, str]) -> dict[str, tuple[str, int]]:
    """Per number column, the decimal mark of its ambiguous cells and how many there are.

    One scan counts, per column, the cells that show a decimal comma (``12,5``, ``1.234,56``,
    ``1.234.567``), a decimal point (``12.5``, ``1,234.56``) and the ambiguous ones (``15.597``,
    ``1,234``). A column that shows one mark reads its ambiguous cells by it; one that shows
    neither or both follows the other number columns, then the delimiter (``;``: a
    Spanish-locale export, decimal comma), as :func:`omniseg.ingest.parsing._file_hint` does.
    """
    if not raws:
        return {}
    pats = {
        "comma": r"'^[+-]?(\d*,\d+|\d{1,3}(\.\d{3}){2,}(,\d*)?|\d{1,3}(\.\d{3})+,\d*)$'",
        "point": (
            r"'^[+-]?(\d*\.\d+([eE][+-]?\d+)?|\d{1,3}(,\d{3}){2,}(\.\d*)?"
            r"|\d{1,3}(,\d{3})+\.\d*)$'"
        ),
        "ambiguous": r"'^[+-]?[1-9]\d{0,2}[.,]\d{3}$'",
    }
    exprs = [
        f"count(*) FILTER (WHERE regexp_full_match({_clean(raw)}, {pat}) "
        + (
            f"AND NOT regexp_full_match({_clean(raw)}, {pats['ambiguous']}))"
            if kind != "ambiguous"
            else ")"
        )
        for raw in raws.values()
        for kind, pat in pats.items()
    ]
    row = con.raw_sql(f"SELECT {', '.join(exprs)} FROM {_source(paths)}").fetchone()
    counts = {
        name: dict(zip(pats, row[3 * i : 3 * i + 3], strict=True)) for i, name in enumerate(raws)
    }
    comma = sum(c["comma"] for c in counts.values())
    point = sum(c["point"] for c in counts.values())
    if comma and not point:
        hint = ","
    elif point and not comma:
        hint = "."
    else:
        hint = "," if _delimiter(con, paths[0]) == ";" else "."
    out = {}
    for name, c in counts.items():
        if c["comma"] and not c["point"]:
            mark = ","
        elif c["point"] and not c["comma"]:
            mark = "."
        else:
            mark = hint
        out[name] = (mark, int(c["ambiguous"]) if not (bool(c["comma"]) ^ bool(c["point"])) else 0)
    return out


def _ambiguous_text(file: str, column: str, mark: str, n: int) -> str:
    """The warning for a column whose ``15.597``-like cells the file's hint decided."""
    how = "decimals (15.597 = 15.597)" if mark == "." else "thousands (15.597 = 15597)"
    stated = "{'decimal': ',', 'thousands': '.'}" if mark == "," else "{'decimal': '.'}"
    return (
        f"{file}, column '{column}': {n:,} value(s) have one mark followed by three digits "
        f"(such as 15.597), which no other value of the column decides; read as {how}. If that "
        f"is wrong, pass number_format={stated} to read_csv."
    )


def _delimiter(con: Any, path: Path) -> str:
    """The delimiter DuckDB's sniffer finds in a CSV file ("," when it cannot tell)."""
    try:
        quoted = "'" + str(path).replace("'", "''") + "'"
        return str(con.raw_sql(f"SELECT Delimiter FROM sniff_csv({quoted})").fetchone()[0])
    except Exception:  # the sniffer is a hint only
        return ","


def _timestamp(column: str) -> str:
    text = _text(column)
    formats = ", ".join(f"'{f}'" for f in _DAYFIRST_FORMATS)
    return (
        f"coalesce(try_cast(try_cast({text} AS TIMESTAMPTZ) AS TIMESTAMP), "
        f"try_strptime({text}, [{formats}]))"
    )


def _source(paths: list[Path], *, filename: bool = False) -> str:
    """The ``read_csv`` call over the files (every cell as text; ``filename``: with its column)."""
    files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
    extra = ", filename = true" if filename else ""
    return f"read_csv([{files}], all_varchar = true, header = true, union_by_name = true{extra})"


def read_csv(
    con: Any,
    paths: list[Path],
    *,
    what: str = "interactions",
    number_format: dict[str, str] | None = None,
) -> ibis.Table:
    """A lazy Ibis table over CSV files, typed and checked (see the module docstring).

    Parameters
    ----------
    con : ibis DuckDB backend
    paths : list of Path
        The files (one table: columns matched by name across files).
    what : str
        Name used in error messages.
    number_format : dict, optional
        How numbers are written (``{"decimal": ",", "thousands": "."}``, checked by
        :func:`omniseg.ingest.parsing.check_number_format`); default: decided per column from its
        cells, with a warning for a column whose ``15.597``-like cells only the file could decide.

    Returns
    -------
    ibis.Table

    Raises
    ------
    ParameterError
        The backend is not DuckDB, or two columns fold to the same name.
    DataValidationError
        A timestamp or number column holds values that are not one.
    """
    if getattr(con, "name", "") != "duckdb":
        raise ParameterError(
            f"CSV {what} are read by the embedded DuckDB; this backend is "
            f"{getattr(con, 'name', type(con).__name__)!r}. Fix: load the CSV where the backend "
            "can read it, or convert it to Parquet."
        )
    source = _source(paths)
    raw_names = [row[0] for row in con.raw_sql(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    names = {raw: _canonical_name(raw) for raw in raw_names}
    seen: dict[str, str] = {}
    for raw, name in names.items():
        if name in seen:
            raise ParameterError(
                f"The {what} CSV {paths[0].name} has columns {seen[name]!r} and {raw!r}, which "
                f"both mean '{name}'. Fix: rename or drop one of them."
            )
        seen[name] = raw
    fmt = check_number_format(number_format) if number_format is not None else None
    number_raws = {name: raw for raw, name in names.items() if name in NUMBER_COLUMNS}
    marks = {} if fmt is not None else _decimals(con, paths, number_raws)
    converted = {}
    for raw, name in names.items():
        if name in NUMBER_COLUMNS:
            mark, n_ambiguous = marks.get(name, (".", 0))
            converted[name] = (raw, _number(raw, mark, fmt))
            if n_ambiguous:
                warnings.warn(_ambiguous_text(paths[0].name, name, mark, n_ambiguous), stacklevel=2)
        elif name in TIME_COLUMNS:
            converted[name] = (raw, _timestamp(raw))
    _check(con, paths, converted, what)
    select = ", ".join(
        f"{converted[name][1] if name in converted else _quote(raw)} AS {_quote(name)}"
        for raw, name in names.items()
    )
    # a view (ibis' own ``con.sql`` fails on DuckDB 2): nothing is read until a query runs
    view = f"_omniseg_csv_{uuid.uuid4().hex[:12]}"
    con.raw_sql(f"CREATE TEMP VIEW {_quote(view)} AS SELECT {select} FROM {source}")
    return con.table(view)


def _check(con: Any, paths: list[Path], converted: dict[str, tuple[str, str]], what: str) -> None:
    """One scan counting the values of the typed columns that do not convert."""
    if not converted:
        return

    def bad(name: str) -> str:
        raw, expr = converted[name]
        return f"({_text(raw)} IS NOT NULL AND {expr} IS NULL)"

    counts = ", ".join(f"count(*) FILTER (WHERE {bad(n)})" for n in converted)
    found = dict(
        zip(
            converted,
            con.raw_sql(f"SELECT {counts} FROM {_source(paths)}").fetchone(),
            strict=True,
        )
    )
    failing = [n for n, k in found.items() if k]
    if not failing:
        return
    # the failing rows, numbered as in a spreadsheet: one thread reads the files in order
    import duckdb

    local = duckdb.connect()
    try:
        local.execute("SET threads = 1")
        local.execute("SET TimeZone = 'UTC'")
        problems = [
            _problem(local, paths, name, converted[name][0], bad(name), found[name], what)
            for name in failing
        ]
    finally:
        local.close()
    raise DataValidationError(problems)


def _problem(
    local: Any, paths: list[Path], name: str, raw: str, bad: str, n_bad: int, what: str
) -> Problem:
    """The problem of one typed column: its first failing rows (file, spreadsheet row, value)."""
    rows = local.execute(
        f"SELECT filename, row, value FROM (SELECT filename, {_quote(raw)} AS value, "
        f"{bad} AS bad, row_number() OVER (PARTITION BY filename) + 1 AS row "
        f"FROM {_source(paths, filename=True)}) WHERE bad LIMIT {_ROWS_SHOWN}"
    ).fetchall()
    file = Path(rows[0][0]).name if rows else paths[0].name
    shown = ", ".join(repr(r[2]) for r in rows)
    if name in TIME_COLUMNS:
        kind, fix = "dates", "write dates as 2026-11-25 10:30:00 (ISO 8601) or 25/11/2026 10:30"
    else:
        kind, fix = "numbers", f"write {name} as a number (decimal '.' or ',', e.g. 12.50 or 12,50)"
    return Problem(
        file,
        name,
        f"{n_bad} value(s) of the {what} are not {kind} (e.g. {shown})",
        fix,
        tuple(int(r[1]) for r in rows if Path(r[0]).name == file),
        n_bad,
    )
