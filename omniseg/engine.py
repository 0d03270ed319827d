"""Where per-event work runs: Ibis tables on an embedded DuckDB by default.

The per-event stages (identity resolution's identifier combinations, the feature table) are
written as Ibis expressions. They run on the backend the input table belongs to, so a table of
another Ibis backend (Spark, BigQuery, Snowflake) is processed where it lives; pandas DataFrames
and Parquet or CSV files run on a new in-memory DuckDB. Files are read out-of-core: they are
never loaded into pandas first (CSV: :mod:`omniseg.ingest.csv_source`, with the loader's reading
rules
for dates, decimal commas and identifiers).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import uuid
from pathlib import Path
from typing import Any

import ibis
import pandas as pd

from omniseg.errors import ParameterError

__all__ = ["MEMORY_LIMIT_ENV", "as_table", "connect", "drop_temporary", "materialise"]


#: Environment variable capping the memory of the embedded DuckDB (e.g. ``2GB``); beyond it,
#: DuckDB spills to a temporary folder on disk. Unset: DuckDB's default (80% of the RAM).
MEMORY_LIMIT_ENV = "OMNISEG_DUCKDB_MEMORY_LIMIT"


def connect() -> Any:
    """A new in-memory DuckDB backend (its own console progress bar off: we show ours).

    With :data:`MEMORY_LIMIT_ENV` set (``2GB``, ``1500MB``), DuckDB keeps its memory under that
    and spills to a temporary folder: measured at 51M interactions, a 1.5 GB limit lowered the
    peak of the full pipeline from 8.3 GB to 6.8 GB and made it 30% slower (the rest of the
    peak is the Python side). Memory can also be capped for one run only:
    ``OMNISEG_DUCKDB_MEMORY_LIMIT=2GB omniseg report ...``.
    """
    con = ibis.duckdb.connect()
    limit = os.environ.get(MEMORY_LIMIT_ENV, "").strip()
    if limit:
        if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", limit, re.I):
            raise ParameterError(
                f"{MEMORY_LIMIT_ENV}={limit!r} is not a memory size. Fix: a number and a unit, "
                "e.g. 2GB or 1500MB, or unset the variable."
            )
        spill = Path(tempfile.gettempdir()) / "omniseg-duckdb-spill"
        con.raw_sql(f"SET memory_limit = '{limit}'")
        con.raw_sql(f"SET temp_directory = '{spill.as_posix()}'")
    # in a Jupyter kernel without ipywidgets DuckDB refuses to change the setting at all
    with contextlib.suppress(Exception):
        con.raw_sql("SET enable_progress_bar = false")
    # every query whose row order matters says so (ORDER BY); without the guarantee for the
    # others, DuckDB streams joins and table writes in parallel with less memory (the staged
    # events at 10M: 3.9 s instead of 6.1 s)
    con.raw_sql("SET preserve_insertion_order = false")
    # text timestamps without an offset are UTC, as omniseg.ingest.io reads them, whatever the
    # machine
    con.raw_sql("SET TimeZone = 'UTC'")
    return con


def as_table(source: Any, con: Any = None, *, what: str = "interactions") -> tuple[ibis.Table, Any]:
    """An Ibis table and the backend to run it on, from a DataFrame, an Ibis table or Parquet.

    Parameters
    ----------
    source : DataFrame, ibis.Table, or path
        A ``.parquet`` file or a folder of Parquet parts (``*.parquet``); or a CSV export
        (``.csv``, ``.tsv``, ``.txt``, gzip/zstd too) or a folder of them, read with
        :func:`omniseg.ingest.read_csv` (text cells, dates and numbers converted as the
        loader does, checked with a clear error).
    con : ibis backend, optional
        Default: the backend of ``source`` if it is a table bound to one, else a new DuckDB.
    what : str
        Name used in error messages.

    Returns
    -------
    table, backend
    """
    if isinstance(source, ibis.Table):
        if con is None:
            try:
                con = source._find_backend(use_default=False)
            except Exception:  # an unbound table (memtable): any backend can run it
                con = connect()
        return source, con
    con = con if con is not None else connect()
    if isinstance(source, pd.DataFrame):
        return ibis.memtable(source), con
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir() and any(path.glob("*.parquet")):
            return con.read_parquet(str(path / "*.parquet")), con
        if path.suffix.lower() in (".parquet", ".pq") and path.exists():
            return con.read_parquet(str(path)), con
        # CSV support imports the loader's rules (and pandera with them: 0.3 s), so only here
        from omniseg.ingest.csv_source import csv_parts, is_csv, read_csv

        if path.is_dir():
            parts = csv_parts(path)
            if parts:
                return read_csv(con, parts, what=what), con
            raise ParameterError(
                f"The {what} folder {path} has no .parquet or .csv files. Fix: point to a "
                "Parquet or CSV file, or a folder of Parquet or CSV parts."
            )
        if path.suffix.lower() in (".parquet", ".pq") or is_csv(path):
            if not path.exists():
                raise ParameterError(f"The {what} file {path} does not exist.")
            return read_csv(con, [path], what=what), con
    raise ParameterError(
        f"The {what} must be a DataFrame, an Ibis table, or a Parquet or CSV file or folder. "
        f"Got {source!r}."
    )


def materialise(expr: ibis.Table, con: Any) -> tuple[ibis.Table, str | None]:
    """Compute a table once into a temporary table that later queries read.

    Returns the table and its name (``None`` when the backend cannot create temporary tables:
    the expression is then used as it is). Drop it with :func:`drop_temporary`.
    """
    name = f"_omniseg_{uuid.uuid4().hex[:12]}"
    try:
        return con.create_table(name, obj=expr, temp=True), name
    except Exception:  # pragma: no cover - backend without temporary tables
        return expr, None


def drop_temporary(con: Any, *names: str | None) -> None:
    """Drop temporary tables made by :func:`materialise` (``None`` names are skipped)."""
    for name in names:
        if name is not None:
            con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
