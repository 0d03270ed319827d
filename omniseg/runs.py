"""Report runs: validate inputs, execute the report notebooks with papermill, export one HTML.

A run is all-or-nothing. Everything is written into a hidden temporary folder next to the final
one (``reports/.<run>.tmp-*``) and swapped into place with renames only when every step has
succeeded, so a failing run leaves the previous report of the same name untouched. The failed
attempt's executed notebooks are kept in ``reports/.failed-<run>/`` for debugging (hidden, not a
report: a traceback there may show data).

Inputs are loaded and validated once, up front, in this process: bad input fails in seconds with
the loader's specific message instead of a traceback inside a notebook. The validated tables are
passed to the notebooks as a Parquet snapshot in a private temporary folder (outside ``reports/``,
deleted after the run) so every notebook sees the same data and raw identifiers never land in the
report folder.

Success is decided by papermill's exception, never by reading the output notebook (a dead kernel
or a timeout can leave a clean-looking notebook).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import nbformat

from omniseg.atomic import atomic_write_text
from omniseg.errors import ReportError
from omniseg.params import RunParams
from omniseg.paths import notebooks_dir

__all__ = [
    "NOTEBOOK_PARAMETERS",
    "RunResult",
    "atomic_write_text",
    "file_sha256",
    "run_report",
]

#: File in the run folder with the settings notebooks read through ``ReportContext.settings``.
RUN_SETTINGS = "run_settings.json"

#: The parameters every report notebook declares in its ``parameters`` cell (tested).
NOTEBOOK_PARAMETERS: tuple[str, ...] = (
    "data_snapshot",
    "language",
    "run_name",
    "seed",
    "output_dir",
    "report_mode",
)

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


@dataclass
class RunResult:
    """What a successful run produced.

    Attributes
    ----------
    run_dir : Path
        The run's folder (``output_dir / run_name``).
    report_path : Path
        The self-contained HTML report.
    manifest : dict
        The content of ``manifest.json``.
    """

    run_dir: Path
    report_path: Path
    manifest: dict[str, Any] = field(default_factory=dict)


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


def _describe_input(path: Path) -> dict[str, object]:
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
    return {
        "path": str(path),
        "sha256": file_sha256(path),
        "bytes": sum(f.stat().st_size for f in files),
    }


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in _VERSIONED_PACKAGES:
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:  # pragma: no cover - all are dependencies
            out[pkg] = "not installed"
    return out


def _failing_cell(nb_path: Path, exc: Exception) -> tuple[int | None, str]:
    """1-based index of the failing code cell as its author counts them, and its first line."""
    cell_index = getattr(exc, "cell_index", None)
    if cell_index is None or not nb_path.is_file():
        return None, ""
    try:
        nb = nbformat.read(nb_path, as_version=4)
    except Exception:  # pragma: no cover - unreadable partial output
        return None, ""
    code_no = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "injected-parameters" in cell.metadata.get("tags", []):
            continue
        code_no += 1
        if i == cell_index:
            first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
            return code_no, first.strip()[:80]
    return None, ""


def _execute(
    src: Path, dest: Path, parameters: dict[str, Any], params: RunParams, cwd: Path
) -> None:
    import papermill

    try:
        papermill.execute_notebook(
            str(src),
            str(dest),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            request_save_on_cell_execute=False,
            execution_timeout=params.cell_timeout,
            cwd=str(cwd),
        )
    except Exception as exc:
        cell, first_line = _failing_cell(dest, exc)
        ename = getattr(exc, "ename", type(exc).__name__)
        evalue = str(getattr(exc, "evalue", "") or "").strip().splitlines()
        where = f"cell {cell} ({first_line!r})" if cell else "a cell"
        detail = f"{ename}: {evalue[0][:300]}" if evalue else ename
        raise ReportError(
            f"Notebook {src.name} failed in {where}: {detail}",
            notebook=src.name,
            cell=cell,
        ) from exc


def _subtitle_lines(report, params: RunParams) -> list[str]:
    from omniseg.i18n import t

    lines = [t("report.run", params.language, run=params.run_name)]
    start, end = report.period()
    if start:
        lines.append(t("report.period", params.language, start=start, end=end))
    return lines


def _swap_into_place(tmp_dir: Path, final_dir: Path) -> None:
    """Replace ``final_dir`` by ``tmp_dir`` with renames (the old one is removed last)."""
    os.chmod(tmp_dir, 0o755)
    old = None
    if final_dir.exists():
        old = final_dir.with_name(f".{final_dir.name}.old-{uuid.uuid4().hex[:8]}")
        final_dir.rename(old)
    try:
        tmp_dir.rename(final_dir)
    except BaseException:
        if old is not None:
            old.rename(final_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _keep_failed_attempt(tmp_dir: Path, output_dir: Path, run_name: str) -> Path:
    failed = output_dir / f".failed-{run_name}"
    shutil.rmtree(failed, ignore_errors=True)
    tmp_dir.rename(failed)
    return failed


def run_report(
    params: RunParams,
    *,
    progress: bool = True,
    echo: Callable[[str], None] | None = None,
) -> RunResult:
    """Run the report pipeline and write ``output_dir/run_name/``.

    Parameters
    ----------
    params : RunParams
        Validated run parameters (see :func:`omniseg.params.load_params`).
    progress : bool
        Show a progress bar on the console.
    echo : callable, optional
        Receives one line per finished step (the CLI prints them); silent if ``None``.

    Returns
    -------
    RunResult

    Raises
    ------
    omniseg.errors.DataValidationError
        If the inputs break the data contract (nothing is written).
    omniseg.errors.ReportError
        If a notebook fails; the previous report of this run name is left untouched.
    """
    from tqdm.auto import tqdm

    from omniseg.export import export_html, merge_notebooks
    from omniseg.i18n import t
    from omniseg.snapshot import save_snapshot

    def say(line: str) -> None:
        if echo is not None:
            with tqdm.external_write_mode():  # keep the progress bar intact
                echo(line)

    started = datetime.now(UTC)
    timings: dict[str, float] = {}
    nb_dir = params.notebook_dir or notebooks_dir()
    missing = [n for n in params.notebooks if not (nb_dir / n).is_file()]
    if missing:
        available = sorted(p.name for p in nb_dir.glob("*.ipynb"))
        raise ReportError(f"Report notebook(s) {missing} not found. Available: {available}.")

    bar = tqdm(
        total=len(params.notebooks) + 2,
        desc="omniseg report",
        unit="step",
        disable=not progress,
        leave=False,
    )
    try:
        bar.set_postfix_str("validating inputs")
        t0 = time.perf_counter()
        paths = params.data
        data = paths.load()
        timings["load_and_validate"] = round(time.perf_counter() - t0, 3)
        say(f"Inputs valid ({timings['load_and_validate']:.1f} s): {data.report.summary_line()}")
        bar.update(1)

        params.output_dir.mkdir(parents=True, exist_ok=True)
        final_dir = params.output_dir / params.run_name
        tmp_dir = Path(tempfile.mkdtemp(prefix=f".{params.run_name}.tmp-", dir=params.output_dir))
        try:
            with tempfile.TemporaryDirectory(prefix="omniseg-snapshot-") as snap:
                save_snapshot(data, Path(snap))
                settings = {
                    k: (str(v) if isinstance(v, Path) else v)
                    for k, v in params.segmentation.items()
                }
                atomic_write_text(
                    tmp_dir / RUN_SETTINGS,
                    json.dumps({"segmentation": settings, "channels": params.channels}, indent=2),
                )
                executed = []
                (tmp_dir / "notebooks").mkdir()
                for name in params.notebooks:
                    bar.set_postfix_str(name)
                    t0 = time.perf_counter()
                    dest = tmp_dir / "notebooks" / name
                    _execute(
                        nb_dir / name,
                        dest,
                        {
                            "data_snapshot": snap,
                            "language": params.language,
                            "run_name": params.run_name,
                            "seed": params.seed,
                            "output_dir": str(tmp_dir),
                            "report_mode": True,
                        },
                        params,
                        cwd=tmp_dir,
                    )
                    timings[f"notebook:{name}"] = round(time.perf_counter() - t0, 3)
                    say(f"Executed {name} ({timings[f'notebook:{name}']:.1f} s)")
                    executed.append(nbformat.read(dest, as_version=4))
                    bar.update(1)

            bar.set_postfix_str("exporting HTML")
            t0 = time.perf_counter()
            title = params.title or t("report.title", params.language)
            html = export_html(
                merge_notebooks(executed),
                title=title,
                subtitle_lines=_subtitle_lines(data.report, params),
                toc_title=t("report.toc", params.language),
                language=params.language,
            )
            atomic_write_text(tmp_dir / "report.html", html)
            timings["export_html"] = round(time.perf_counter() - t0, 3)
            bar.update(1)

            manifest = {
                "omniseg_version": _versions()["omniseg"],
                "run_name": params.run_name,
                "status": "ok",
                "started_at": started.isoformat(timespec="seconds"),
                "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "parameters": params.to_dict(),
                "inputs": {table: _describe_input(p) for table, p in paths.inputs().items()},
                "row_counts": data.report.row_counts(),
                "versions": _versions(),
                "timings_seconds": timings,
                "outputs": sorted(
                    [str(f.relative_to(tmp_dir)) for f in tmp_dir.rglob("*") if f.is_file()]
                    + ["manifest.json"]
                ),
            }
            atomic_write_text(tmp_dir / "manifest.json", json.dumps(manifest, indent=2) + "\n")
        except BaseException as exc:
            if isinstance(exc, ReportError):
                failed = _keep_failed_attempt(tmp_dir, params.output_dir, params.run_name)
                raise ReportError(
                    f"{exc} The previous report in {final_dir} was left untouched; the failed "
                    f"attempt's notebooks are in {failed}.",
                    notebook=exc.notebook,
                    cell=exc.cell,
                ) from exc.__cause__
            shutil.rmtree(tmp_dir, ignore_errors=True)
            raise
        _swap_into_place(tmp_dir, final_dir)
    finally:
        bar.close()
    return RunResult(
        run_dir=final_dir,
        report_path=final_dir / "report.html",
        manifest=manifest,
    )
