"""CSV exports read directly by the engine (out-of-core), with the loader's reading rules.

:func:`omniseg.engine.as_table` hands ``.csv`` / ``.tsv`` / ``.txt`` files (gzip or zstd
compressed too) and folders of them to :func:`read_csv`, so identity resolution and the feature
table can run on a CSV export too big for pandas: DuckDB streams it. Every cell is read as
text first (DuckDB's type guessing would turn phone ``0034612...`` and loyalty ``0010000018``
into numbers and drop their leading zeros), then the columns the engine computes with are
converted as :mod:`omniseg.io` converts them:

* column names are folded (``Timestamp``, ``E-mail ``, ``Teléfono`` -> ``timestamp``,
  ``e_mail``, ``telefono``) as the loader folds them;
* ``timestamp``: ISO 8601 (an offset is converted to UTC; none means UTC), else day-first
  ``25/11/2026 10:00`` and the loader's other day-first formats;
* ``revenue``, ``satisfaction``: numbers with a decimal point or a decimal comma (a comma makes
  dots thousands separators: ``1.234,56``), a currency sign allowed (``€12``);
* identifiers and labels stay text.

One scan checks those columns before anything else runs: a value that is not a date or a number
raises :class:`~omniseg.errors.DataValidationError` naming the file, the column, the rows
(spreadsheet rows: the header is row 1) and the fix, instead of an error from inside the engine.
What the loader does besides (dropping exact duplicate rows, checking every column against the
data contract) needs the table in memory: load with :func:`omniseg.io.load_interactions` for
that, or convert the CSV to Parquet.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import ibis

from omniseg.errors import DataValidationError, ParameterError, Problem
from omniseg.io import _DAYFIRST_FORMATS, _canonical_name

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


def _number(column: str) -> str:
    """The loader's number rules (``omniseg.io._to_number``) in SQL: a single comma is the
    decimal mark; with both marks the last is the decimal mark and the other must group
    thousands; several of one mark group thousands."""
    text = f"replace(regexp_replace({_text(column)}, '^[€$£]\\s*|\\s*[€$£]$', ''), ' ', '')"
    dots = r"'^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$'"
    commas = r"'^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$'"
    n_commas = f"(length({text}) - length(replace({text}, ',', '')))"
    n_dots = f"(length({text}) - length(replace({text}, '.', '')))"
    value = (
        f"CASE WHEN {n_commas} = 0 AND {n_dots} <= 1 THEN {text} "
        f"WHEN {n_commas} = 1 AND {n_dots} = 0 THEN replace({text}, ',', '.') "
        f"WHEN regexp_full_match({text}, {dots}) "
        f"THEN replace(replace({text}, '.', ''), ',', '.') "
        f"WHEN regexp_full_match({text}, {commas}) THEN replace({text}, ',', '') "
        "ELSE 'not a number' END"
    )
    return f"try_cast({value} AS DOUBLE)"


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


def read_csv(con: Any, paths: list[Path], *, what: str = "interactions") -> ibis.Table:
    """A lazy Ibis table over CSV files, typed and checked (see the module docstring).

    Parameters
    ----------
    con : ibis DuckDB backend
    paths : list of Path
        The files (one table: columns matched by name across files).
    what : str
        Name used in error messages.

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
    converted = {}
    for raw, name in names.items():
        if name in NUMBER_COLUMNS:
            converted[name] = (raw, _number(raw))
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
