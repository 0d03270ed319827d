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
or a timeout can leave a clean-looking notebook): see :mod:`omniseg.report.execution`.

A run cleans up after itself in every path and fails with one clear message:

* **Signals.** While :func:`run_report` runs in the main thread it handles SIGTERM and SIGINT
  (what cron, Airflow and systemd send on a timeout, and Ctrl-C); the previous handlers are
  restored when it returns. On a signal the notebook's kernel is killed (its whole process
  group), the snapshot and the temporary run folder are removed, the previous report is left
  as it was, and :class:`~omniseg.errors.RunInterrupted` is raised (the CLI exits 128 + the
  signal number: 143 for SIGTERM, 130 for SIGINT). A second signal during that cleanup is
  ignored; the final renames are never cut in half (a signal then is acted on after them).
* **Lock.** A run holds ``output_dir/.<run>.lock`` (``flock``, non-blocking) from start to end:
  a second run of the same name fails at once with :class:`~omniseg.errors.RunLockedError`.
  The lock goes away with the process, so a killed run never blocks the next one.
* **Sweep.** A run starts by removing the temporaries that killed runs (SIGKILL, power loss)
  left behind: see :func:`~omniseg.report.run_lock.sweep_stale`.
* **File-system errors** (``output_dir`` is a file, read-only folder, full disk or full
  temporary folder) become :class:`~omniseg.errors.OutputError`: one sentence naming the path
  and the fix, nothing half-written, no temporary left (:mod:`omniseg.report.output_folder`).

The lock and the sweep live in :mod:`omniseg.report.run_lock`, the notebook execution and the
signal handling in :mod:`omniseg.report.execution`, ``manifest.json`` and the final swap in
:mod:`omniseg.report.manifest`; this module runs the steps in order.
"""

from __future__ import annotations

import json
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from omniseg.atomic import atomic_write_text
from omniseg.config.params import RunParams
from omniseg.config.preflight import check_run
from omniseg.errors import OutputError, ReportError, RunInterrupted
from omniseg.report.execution import KERNEL_LOG, RunGuard, execute_notebook
from omniseg.report.manifest import (
    build_manifest,
    keep_failed_attempt,
    model_hashes,
    swap_into_place,
)
from omniseg.report.output_folder import prepare_output_dir, writing
from omniseg.report.paths import notebooks_dir
from omniseg.report.run_lock import owner_tag, run_lock, sweep_stale

__all__ = [
    "NOTEBOOK_PARAMETERS",
    "RunResult",
    "atomic_write_text",
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


def _subtitle_lines(report, params: RunParams) -> list[str]:
    from omniseg.report.i18n import format_date, t

    lang = params.language
    lines = [t("report.run", lang, run=params.run_name)]
    start, end = report.period()
    if start:
        start, end = format_date(start, lang), format_date(end, lang)  # the reader's dates
        lines.append(t("report.period", lang, start=start, end=end))
    return lines


def _unchanged(final_dir: Path) -> str:
    if final_dir.exists():
        return f"the previous report in {final_dir} is unchanged"
    return f"there was no previous report in {final_dir}"


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
        Validated run parameters (see :func:`omniseg.config.load_params`).
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
        If a notebook fails; the previous report of this run name is left untouched and the
        failed attempt's notebooks are kept in ``output_dir/.failed-<run>/``.
    omniseg.errors.OutputError
        If the output folder or the temporary folder cannot be written (a file in place of
        ``output_dir``, read-only, full). Nothing is left behind.
    omniseg.errors.RunLockedError
        If another run of the same name is in progress (nothing is done).
    omniseg.errors.RunInterrupted
        On SIGTERM or SIGINT (handled when called from the main thread); the kernel is stopped,
        the temporaries are removed and the previous report is left untouched.
    """
    from tqdm.auto import tqdm

    def say(line: str) -> None:
        if echo is not None:
            with tqdm.external_write_mode():  # keep the progress bar intact
                echo(line)

    nb_dir = params.notebook_dir or notebooks_dir()
    missing = [n for n in params.notebooks if not (nb_dir / n).is_file()]
    if missing:
        available = sorted(p.name for p in nb_dir.glob("*.ipynb"))
        raise ReportError(f"Report notebook(s) {missing} not found. Available: {available}.")

    final_dir = params.output_dir / params.run_name
    bar = tqdm(
        total=len(params.notebooks) + 2,
        desc="omniseg report",
        unit="step",
        disable=not progress,
        leave=False,
    )
    try:
        with RunGuard() as guard:
            try:
                return _run(params, nb_dir, guard, bar, say)
            except RunInterrupted as exc:
                raise RunInterrupted(
                    exc.signum,
                    f"omniseg report interrupted by {exc.signal_name}; nothing was written, "
                    f"{_unchanged(final_dir)}.",
                ) from None
            except OutputError as exc:
                raise OutputError(
                    f"{exc} Nothing was left behind; {_unchanged(final_dir)}.",
                    path=exc.path,
                    errno=exc.errno,
                    exit_code=exc.exit_code,
                ) from exc.__cause__
    finally:
        bar.close()


def _run(
    params: RunParams,
    nb_dir: Path,
    guard: RunGuard,
    bar: Any,
    say: Callable[[str], None],
) -> RunResult:
    """The body of :func:`run_report`, under its signal handlers."""
    output_dir = params.output_dir
    prepare_output_dir(output_dir)
    with ExitStack() as stack:
        with writing(output_dir, "create the run's lock file"):
            stack.enter_context(run_lock(output_dir, params.run_name))
        return _run_locked(params, nb_dir, guard, bar, say)


def _run_locked(
    params: RunParams,
    nb_dir: Path,
    guard: RunGuard,
    bar: Any,
    say: Callable[[str], None],
) -> RunResult:
    """The run, once the run name's lock is held."""
    from omniseg.ingest.snapshot import create_snapshot_dir, save_snapshot
    from omniseg.report.export import export_html, merge_notebooks
    from omniseg.report.i18n import currency_symbol, t
    from omniseg.report.slides import write_persona_slides
    from omniseg.report.workbook import write_report_workbook

    started = datetime.now(UTC)
    timings: dict[str, float] = {}
    output_dir = params.output_dir
    final_dir = output_dir / params.run_name
    removed = sweep_stale(output_dir, params.run_name)
    if removed:
        say(
            f"Removed {len(removed)} temporary folder(s) left by interrupted runs: "
            + ", ".join(str(p) for p in removed)
        )

    bar.set_postfix_str("validating inputs")
    t0 = time.perf_counter()
    data = params.data.load()
    check_run(data, params)  # settings against the data, before any notebook starts
    data.profile.currency = params.currency
    guard.check()
    timings["load_and_validate"] = round(time.perf_counter() - t0, 3)
    say(f"Inputs valid ({timings['load_and_validate']:.1f} s): {data.report.summary_line()}")
    bar.update(1)
    model = model_hashes(params, None)

    tmp_dir: Path | None = None
    snap: Path | None = None
    temp_root = Path(tempfile.gettempdir())
    try:
        with writing(output_dir, "create the run's temporary folder"):
            tmp_dir = Path(
                tempfile.mkdtemp(prefix=f".{params.run_name}.tmp-{owner_tag()}-", dir=output_dir)
            )
        with writing(temp_root, "write the data snapshot", temp=True):
            snap = create_snapshot_dir(temp_root, owner=owner_tag())
            save_snapshot(data, snap)
        guard.check()
        plain = params.to_dict()  # paths as strings
        with writing(output_dir, "write the run settings"):
            atomic_write_text(
                tmp_dir / RUN_SETTINGS,
                json.dumps(
                    {
                        "segmentation": plain["segmentation"],
                        "channels": params.channels,
                        "currency": params.currency,
                        "themes": plain["themes"],
                    },
                    indent=2,
                ),
            )
            (tmp_dir / "notebooks").mkdir()
        executed = []
        for name in params.notebooks:
            bar.set_postfix_str(name)
            t0 = time.perf_counter()
            dest = tmp_dir / "notebooks" / name
            execute_notebook(
                nb_dir / name,
                dest,
                {
                    "data_snapshot": str(snap),
                    "language": params.language,
                    "run_name": params.run_name,
                    "seed": params.seed,
                    "output_dir": str(tmp_dir),
                    "report_mode": True,
                },
                params,
                cwd=tmp_dir,
                guard=guard,
            )
            guard.check()
            timings[f"notebook:{name}"] = round(time.perf_counter() - t0, 3)
            say(f"Executed {name} ({timings[f'notebook:{name}']:.1f} s)")
            executed.append(nbformat.read(dest, as_version=4))
            bar.update(1)
        with guard.deferred():
            guard.reap_kernels()  # the notebooks' shared kernel is done
            shutil.rmtree(snap, ignore_errors=True)
        guard.check()

        bar.set_postfix_str("exporting HTML")
        t0 = time.perf_counter()
        title = params.title or t("report.title", params.language)
        subtitle_lines = _subtitle_lines(data.report, params)
        html = export_html(
            merge_notebooks(executed),
            title=title,
            subtitle_lines=subtitle_lines,
            toc_title=t("report.toc", params.language),
            language=params.language,
        )
        guard.check()
        with writing(output_dir, "write the report"):
            atomic_write_text(tmp_dir / "report.html", html)
        timings["export_html"] = round(time.perf_counter() - t0, 3)
        t0 = time.perf_counter()
        with writing(output_dir, "write the persona slides"):
            write_persona_slides(
                tmp_dir,
                title=title,
                subtitle_lines=subtitle_lines,
                language=params.language,
            )
        timings["slides"] = round(time.perf_counter() - t0, 3)
        t0 = time.perf_counter()
        with writing(output_dir, "write the report's tables as a spreadsheet"):
            write_report_workbook(
                tmp_dir,
                language=params.language,
                currency_symbol=currency_symbol(params.language, params.currency),
                title=title,
            )
        timings["workbook"] = round(time.perf_counter() - t0, 3)
        bar.update(1)

        (tmp_dir / KERNEL_LOG).unlink(missing_ok=True)  # a report, not a debugging aid
        model.update(written=model_hashes(params, tmp_dir)["written"])
        manifest = build_manifest(
            params, data, tmp_dir, started=started, timings=timings, model=model
        )
        with writing(output_dir, "write the manifest"):
            atomic_write_text(tmp_dir / "manifest.json", json.dumps(manifest, indent=2) + "\n")
        guard.check()
        with guard.deferred(), writing(output_dir, "put the new report in place"):
            swap_into_place(tmp_dir, final_dir)  # the commit point: no signal cuts it
            tmp_dir = None
            guard.finish()  # done: a signal from now on is only recorded
    except BaseException as exc:
        with guard.deferred():
            if snap is not None:
                shutil.rmtree(snap, ignore_errors=True)
            if tmp_dir is not None and isinstance(exc, ReportError):
                failed = keep_failed_attempt(tmp_dir, output_dir, params.run_name)
                raise ReportError(
                    f"{exc}\nThe previous report in {final_dir} was left untouched; the "
                    f"failed attempt's notebooks are in {failed}.",
                    notebook=exc.notebook,
                    cell=exc.cell,
                    ename=exc.ename,
                    evalue=exc.evalue,
                ) from exc.__cause__
            if tmp_dir is not None:
                shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    finally:
        if snap is not None:
            with guard.deferred():
                shutil.rmtree(snap, ignore_errors=True)
    if guard.pending is not None:
        say(
            f"Received {signal.Signals(guard.pending).name} while putting the report in place; "
            "the run had finished."
        )
    return RunResult(
        run_dir=final_dir,
        report_path=final_dir / "report.html",
        manifest=manifest,
    )
