"""Validated-data snapshots: how the report runner hands the same data to every notebook.

A snapshot is a folder with one Parquet file per table (dtypes kept), the codebook as JSON and the
validation report as JSON. Reading it back skips parsing and validation, so each report notebook
starts in a fraction of the time loading the raw CSV files takes, and all notebooks of a run see
identical data. Snapshots hold raw identifiers: the runner writes them to a private temporary
folder, never to ``reports/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from omniseg.data import CustomerData, ValidationReport

__all__ = ["load_snapshot", "save_snapshot"]

_TABLES = ("customers", "interactions", "survey", "interviews")


def save_snapshot(data: CustomerData, folder: Path) -> None:
    """Write ``data`` into ``folder`` (which must exist).

    Parameters
    ----------
    data : CustomerData
        Validated data.
    folder : Path
        Destination folder.
    """
    folder = Path(folder)
    for table in _TABLES:
        frame = getattr(data, table)
        if frame is not None:
            frame.to_parquet(folder / f"{table}.parquet", index=False)
    meta = {
        "codebook": data.codebook,
        "report": data.report.to_dict(),
        "sources": dict(data.sources),
    }
    (folder / "meta.json").write_text(json.dumps(meta, default=str), encoding="utf-8")


def load_snapshot(folder: Path) -> CustomerData:
    """Read a snapshot written by :func:`save_snapshot`.

    Parameters
    ----------
    folder : Path

    Returns
    -------
    CustomerData
    """
    folder = Path(folder)
    if not (folder / "meta.json").is_file():
        raise FileNotFoundError(
            f"{folder} is not an omniseg data snapshot (no meta.json). Snapshots are written by "
            "'omniseg report'; to explore data interactively, use omniseg.io.load_data instead."
        )
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    tables = {
        t: pd.read_parquet(folder / f"{t}.parquet") if (folder / f"{t}.parquet").is_file() else None
        for t in _TABLES
    }
    return CustomerData(
        **tables,
        codebook=meta["codebook"],
        report=ValidationReport.from_dict(meta["report"]),
        sources=meta["sources"],
    )
