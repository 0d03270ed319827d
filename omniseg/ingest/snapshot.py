"""Validated-data snapshots: how the report runner hands the same data to every notebook.

A snapshot is a folder with one Parquet file per table (dtypes kept), the codebook as JSON and the
validation report as JSON. Reading it back skips parsing and validation, so each report notebook
starts in a fraction of the time loading the raw CSV files takes, and all notebooks of a run see
identical data. Snapshots hold raw identifiers: the runner writes them to a private temporary
folder (:func:`create_snapshot_dir`: mode 0700, files 0600, outside ``reports/``) and removes it
in every path, success, failure or signal. The folder's name carries the process id of the run
and a host tag (``omniseg-snapshot-<pid>h<host>-<random>``), so that a later run can tell a live
run's snapshot from the leftover of a killed one (see ``omniseg.report.sweep_stale``).
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

import pandas as pd

from omniseg.errors import OutputError
from omniseg.ingest.data import CustomerData, ValidationReport

__all__ = ["SNAPSHOT_PREFIX", "create_snapshot_dir", "load_snapshot", "save_snapshot"]

#: Name prefix of snapshot folders in the temporary folder; the run's pid and a random tag follow.
SNAPSHOT_PREFIX = "omniseg-snapshot-"

_TABLES = ("customers", "interactions", "survey", "interviews")


def create_snapshot_dir(parent: str | Path | None = None, owner: str = "") -> Path:
    """Create a private, empty snapshot folder ``omniseg-snapshot-<owner>-<random>``.

    Parameters
    ----------
    parent : path, optional
        Where to create it; default :func:`tempfile.gettempdir` (``$TMPDIR``, else ``/tmp``).
    owner : str
        Tag naming the process that owns it (the report runner passes its pid and a host tag, so
        that a later run can tell whether the owner is still alive); none if empty.

    Returns
    -------
    Path
        The folder, mode 0700 (checked: only the current user can list or read it).

    Raises
    ------
    OSError
        If it cannot be created; :class:`~omniseg.errors.OutputError` (an ``OSError``) if its
        mode lets other users in.
    """
    prefix = f"{SNAPSHOT_PREFIX}{owner}-" if owner else SNAPSHOT_PREFIX
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    mode = stat.S_IMODE(os.lstat(folder).st_mode)
    if mode & 0o077:  # pragma: no cover - mkdtemp promises 0700
        os.rmdir(folder)
        raise OutputError(
            f"The snapshot folder {folder} was created with mode {mode:o}: other users could "
            "read it. Set a private temporary folder (TMPDIR) and run again.",
            path=folder,
        )
    return folder


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
    for path in folder.iterdir():  # raw identifiers: readable by the current user only
        if path.is_file():
            os.chmod(path, 0o600)


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
            "'omniseg report'; to explore data interactively, use omniseg.ingest.load_data instead."
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
