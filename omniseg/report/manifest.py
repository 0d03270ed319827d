"""What a finished run records about itself, and how its folder is put in place.

``manifest.json`` holds the run's parameters, the SHA-256 of every input and model file, row
counts, the data profile, package versions, timings and the list of outputs
(:func:`build_manifest`). The run folder, written in a hidden temporary next to the final one,
replaces the previous report with renames only (:func:`swap_into_place`); a failed attempt is
kept in ``output_dir/.failed-<run>/`` for debugging (:func:`keep_failed_attempt`).
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import uuid
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from omniseg.atomic import default_mode
from omniseg.config.params import RunParams
from omniseg.report.run_lock import owner_tag

__all__ = [
    "file_sha256",
]

_VERSIONED_PACKAGES = (
    "omniseg",
    "pandas",
    "numpy",
    "scikit-learn",
    "plotly",
    "papermill",
    "nbconvert",
    "duckdb",
    "pandera",
    "pyarrow",
)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (sorted by relative path, names included)."""
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for f in files:
        if path.is_dir():
            digest.update(str(f.relative_to(path)).encode("utf-8") + b"\0")
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def describe_input(path: Path) -> dict[str, object]:
    """``path``, ``sha256`` and ``bytes`` of an input file or folder."""
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
    return {
        "path": str(path),
        "sha256": file_sha256(path),
        "bytes": sum(f.stat().st_size for f in files),
    }


def versions() -> dict[str, str]:
    """Versions of Python and of the packages a report depends on."""
    out = {"python": platform.python_version()}
    for pkg in _VERSIONED_PACKAGES:
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:  # pragma: no cover - all are dependencies
            out[pkg] = "not installed"
    return out


def swap_into_place(tmp_dir: Path, final_dir: Path) -> None:
    """Replace ``final_dir`` by ``tmp_dir`` with renames (the old one is removed last)."""
    os.chmod(tmp_dir, default_mode(directory=True))  # mkdtemp made it 0700
    old = None
    if final_dir.exists():
        old = final_dir.with_name(f".{final_dir.name}.old-{owner_tag()}-{uuid.uuid4().hex[:8]}")
        final_dir.rename(old)
    try:
        tmp_dir.rename(final_dir)
    except BaseException:
        if old is not None:
            old.rename(final_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)  # a leftover is swept by the next run


def keep_failed_attempt(tmp_dir: Path, output_dir: Path, run_name: str) -> Path:
    """Move a failed run's folder to ``output_dir/.failed-<run>/`` (replacing the last one)."""
    failed = output_dir / f".failed-{run_name}"
    shutil.rmtree(failed, ignore_errors=True)
    tmp_dir.rename(failed)
    return failed


def model_hashes(params: RunParams, run_dir: Path | None) -> dict[str, Any]:
    """``{"loaded": {path, sha256} | None, "written": {path, sha256} | None}`` for the manifest."""
    out: dict[str, Any] = {"loaded": None, "written": None}
    loaded = params.segmentation.get("model")
    if loaded is not None and Path(loaded).is_file():
        out["loaded"] = {"path": str(loaded), "sha256": file_sha256(Path(loaded))}
    if run_dir is not None and (run_dir / "model.skops").is_file():
        out["written"] = {"path": "model.skops", "sha256": file_sha256(run_dir / "model.skops")}
    return out


def build_manifest(
    params: RunParams,
    data: Any,
    run_dir: Path,
    *,
    started: datetime,
    timings: dict[str, float],
    model: dict[str, Any],
) -> dict[str, Any]:
    """The content of ``manifest.json`` for a run whose files are all in ``run_dir``.

    Parameters
    ----------
    params : RunParams
        The run's parameters (their inputs are hashed).
    data : omniseg.ingest.data.CustomerData
        The loaded inputs (row counts and data profile).
    run_dir : Path
        The folder holding the run's outputs (listed, with ``manifest.json`` itself).
    started : datetime
        When the run started (UTC).
    timings : dict
        Seconds per step.
    model : dict
        The model files loaded and written (see :func:`model_hashes`).

    Returns
    -------
    dict
    """
    return {
        "omniseg_version": versions()["omniseg"],
        "run_name": params.run_name,
        "status": "ok",
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "parameters": params.to_dict(),
        "inputs": {table: describe_input(p) for table, p in params.data.inputs().items()},
        "row_counts": data.report.row_counts(),
        "data_profile": data.profile.to_dict(),
        "model": model,
        "versions": versions(),
        "timings_seconds": timings,
        "outputs": sorted(
            [str(f.relative_to(run_dir)) for f in run_dir.rglob("*") if f.is_file()]
            + ["manifest.json"]
        ),
    }
