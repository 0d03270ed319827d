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
  left behind: see :func:`sweep_stale`.
* **File-system errors** (``output_dir`` is a file, read-only folder, full disk or full
  temporary folder) become :class:`~omniseg.errors.OutputError`: one sentence naming the path
  and the fix, nothing half-written, no temporary left.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import platform
import re
import shutil
import signal
import socket
import stat
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import nbformat

from omniseg.atomic import atomic_write_text, default_mode
from omniseg.config.params import RunParams
from omniseg.config.preflight import check_run
from omniseg.errors import (
    EXIT_USAGE,
    OutputError,
    ReportError,
    RunInterrupted,
    RunLockedError,
)
from omniseg.ingest.snapshot import SNAPSHOT_PREFIX
from omniseg.report.paths import notebooks_dir

__all__ = [
    "NOTEBOOK_PARAMETERS",
    "STALE_AFTER_SECONDS",
    "RunResult",
    "atomic_write_text",
    "file_sha256",
    "run_report",
    "sweep_stale",
]

#: Age after which a temporary whose owner cannot be checked (made on another host, or by an
#: older omniseg without the owner's pid in its name) is taken for a leftover and removed.
STALE_AFTER_SECONDS = 24 * 3600

#: Signals a run handles (see the module docstring).
HANDLED_SIGNALS = (signal.SIGTERM, signal.SIGINT)

#: File in the run folder with the settings notebooks read through ``ReportContext.settings``.
RUN_SETTINGS = "run_settings.json"
#: The kernels' own console output during a run; kept only with a failed attempt.
KERNEL_LOG = "kernel.log"

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
    """1-based number of the failing code cell as its author counts them, and its first line.

    Code cells are counted as in the author's notebook: the ``parameters`` cell counts, the cell
    papermill injects does not. The failing cell is the one with papermill's exception mark or
    an error output (papermill also puts a markdown cell at the top of the saved notebook, so
    ``exc.cell_index`` cannot be used as an index into it).
    """
    if getattr(exc, "cell_index", None) is None or not nb_path.is_file():
        return None, ""
    try:
        nb = nbformat.read(nb_path, as_version=4)
    except Exception:  # pragma: no cover - unreadable partial output
        return None, ""
    source = getattr(exc, "source", None)
    code_no = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or "injected-parameters" in cell.metadata.get("tags", []):
            continue
        code_no += 1
        failed = cell.metadata.get("papermill", {}).get("exception") is True or any(
            o.get("output_type") == "error" for o in cell.get("outputs", [])
        )
        if failed and (source is None or cell.source == source):
            first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
            return code_no, first.strip()[:80]
    return None, ""


# --- who owns a temporary --------------------------------------------------------------------

#: Short tag of this host, in temporaries' names: a pid is only checked on the host that made it.
_HOST_TAG = hashlib.sha1(socket.gethostname().encode("utf-8")).hexdigest()[:6]
_OWNER = r"(?:(?P<pid>\d+)h(?P<host>[0-9a-f]{6})-)?"
#: ``.<run>.tmp-<pid>h<host>-<random>`` and ``.<run>.old-...`` in ``output_dir``.
_RUN_TEMP_RE = re.compile(
    r"\.(?P<run>[A-Za-z0-9][A-Za-z0-9_.-]*)\.(?P<kind>tmp|old)-" + _OWNER + r"[A-Za-z0-9_]+"
)
#: ``omniseg-snapshot-<pid>h<host>-<random>`` in the temporary folder.
_SNAPSHOT_RE = re.compile(re.escape(SNAPSHOT_PREFIX) + _OWNER + r"[A-Za-z0-9_]+")


def _owner_tag() -> str:
    """``<pid>h<host>``: what a run writes in the names of its temporaries."""
    return f"{os.getpid()}h{_HOST_TAG}"


def _process_start(pid: int) -> float | None:
    """Start time of a process (epoch seconds) from ``/proc``, or ``None`` where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        if fields[0] == "Z":  # a zombie: dead, only not reaped yet
            return float("inf")
        btime = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        return btime + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, StopIteration):
        return None


def _owner_alive(match: re.Match[str], mtime: float) -> bool | None:
    """Whether the run that made a temporary still runs: True, False, or None (cannot tell)."""
    if match["pid"] is None or match["host"] != _HOST_TAG:
        return None
    pid = int(match["pid"])
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, another user's
    started = _process_start(pid)
    if started is None:
        return None
    # The owner made (and last modified) the folder while it ran; a process that started after
    # that is another one that was given the same pid.
    return started <= mtime + 1.0


def _stale_entries(folder: Path, pattern: re.Pattern[str], exact_run: str | None) -> list[Path]:
    """Folders in ``folder`` matching ``pattern`` that belong to no live run.

    ``exact_run``: the run name whose lock the caller holds; its temporaries are all stale.
    """
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    uid = os.getuid()
    now = time.time()
    stale = []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid:
            continue
        if exact_run is not None and match.groupdict().get("run") == exact_run:
            stale.append(Path(entry.path))
            continue
        alive = _owner_alive(match, st.st_mtime)
        if alive is False or (alive is None and now - st.st_mtime > STALE_AFTER_SECONDS):
            stale.append(Path(entry.path))
    return stale


def sweep_stale(
    output_dir: str | Path, run_name: str | None = None, *, temp_dir: str | Path | None = None
) -> list[Path]:
    """Remove the temporaries that killed runs left behind; return what was removed.

    Looked at: ``output_dir/.<name>.tmp-*`` and ``output_dir/.<name>.old-*`` (a run folder
    being written, a previous report being replaced) and ``<temp_dir>/omniseg-snapshot-*``
    (data snapshots, which hold raw identifiers). Only folders of the current user are touched,
    and only those no live run uses:

    * for ``run_name``, whose lock the caller holds (:func:`run_report` does), no other run of
      that name can be alive, so all of its temporaries are removed;
    * the others carry the pid and host of the run that made them in their name
      (``.<name>.tmp-<pid>h<host>-<random>``): removed when that process is gone (or the pid now
      belongs to a process started after the folder was last written: reused). When the owner
      cannot be checked (another host, or a name without a pid), after
      :data:`STALE_AFTER_SECONDS` (24 h).

    Parameters
    ----------
    output_dir : path
        Parent folder of run folders.
    run_name : str, optional
        The run name whose lock the caller holds (its temporaries are removed whatever their
        owner); ``None`` if none.
    temp_dir : path, optional
        Folder of the snapshots; default :func:`tempfile.gettempdir`.

    Returns
    -------
    list of Path
        The folders removed.
    """
    temp_dir = Path(temp_dir) if temp_dir is not None else Path(tempfile.gettempdir())
    stale = _stale_entries(Path(output_dir), _RUN_TEMP_RE, run_name)
    stale += _stale_entries(temp_dir, _SNAPSHOT_RE, None)
    removed = []
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            removed.append(path)
    return removed


# --- the lock of a run name ------------------------------------------------------------------


@contextmanager
def _run_lock(output_dir: Path, run_name: str) -> Iterator[Path]:
    """Hold ``output_dir/.<run_name>.lock`` (flock, non-blocking) for the block.

    The lock file holds the pid of the run; it is removed on release (before the lock is
    dropped; a run that opened the old file re-opens it, see the inode check).
    """
    import fcntl

    path = output_dir / f".{run_name}.lock"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = int(os.pread(fd, 32, 0).decode("ascii").strip() or "0") or None
            except (OSError, ValueError):
                holder = None
            os.close(fd)
            who = f" (pid {holder})" if holder else ""
            raise RunLockedError(
                f"Another omniseg report run named {run_name!r} is in progress{who} in "
                f"{output_dir}. Fix: wait for it to finish, or give this run another name "
                "(--run-name).",
                run_name=run_name,
                pid=holder,
            ) from None
        except BaseException:
            os.close(fd)
            raise
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the previous holder removed that file after we opened it: try again
    try:
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        except OSError:
            path.unlink(missing_ok=True)
            raise
        yield path
    finally:
        with suppress(OSError):
            path.unlink()
        os.close(fd)


# --- signals and the kernel ------------------------------------------------------------------


class _RunGuard:
    """SIGTERM/SIGINT handling of one run, and the kernels it started.

    On the first signal: if a kernel is running, its process group is killed (papermill then
    fails within about a second and :func:`_execute` raises :class:`RunInterrupted`); else
    :class:`RunInterrupted` is raised where the main thread is. Inside :meth:`deferred` blocks
    (cleanup, the final renames) nothing is raised; :meth:`check` raises later. Later signals
    are ignored: cleanup is already under way.
    """

    def __init__(self) -> None:
        self.pending: int | None = None
        self.kernels: list[Any] = []
        self.logs: list[Any] = []  # kernel output files, closed with the kernels
        self._deferring = 0
        self._previous: dict[int, Any] = {}

    def _quiet_after_signal(self, record: logging.LogRecord) -> bool:
        """Log filter: once a signal came, the kernel's death is expected, not news."""
        return self.pending is None

    def __enter__(self) -> _RunGuard:
        logging.getLogger("papermill").addFilter(self._quiet_after_signal)
        if threading.current_thread() is threading.main_thread():
            for sig in HANDLED_SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        logging.getLogger("papermill").removeFilter(self._quiet_after_signal)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        self._previous.clear()

    def _handle(self, signum: int, frame: object) -> None:
        if self.pending is not None:
            return
        self.pending = signum
        if self._deferring:
            return
        if self.kernels:
            self.kill_kernels()
            return
        raise RunInterrupted(signum)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """A block a signal does not cut: it is only recorded (see :meth:`check`)."""
        self._deferring += 1
        try:
            yield
        finally:
            self._deferring -= 1

    def finish(self) -> None:
        """The run is complete: from now on a signal is only recorded."""
        self._deferring += 1

    def check(self) -> None:
        """Raise :class:`RunInterrupted` if a signal came."""
        if self.pending is not None:
            raise RunInterrupted(self.pending)

    def kill_kernels(self) -> None:
        """SIGKILL the process group of every kernel started (no-op for dead ones)."""
        for km in self.kernels:
            provisioner = getattr(km, "provisioner", None)
            process = getattr(provisioner, "process", None)
            if process is None or process.poll() is not None:
                continue
            pgid = getattr(provisioner, "pgid", None)
            with suppress(ProcessLookupError, PermissionError):
                if pgid and pgid != os.getpgrp():
                    os.killpg(pgid, signal.SIGKILL)
                else:
                    process.kill()

    def reap_kernels(self) -> None:
        """Make sure no kernel of this run survives, reap it and remove its connection file."""
        self.kill_kernels()
        for km in self.kernels:
            process = getattr(getattr(km, "provisioner", None), "process", None)
            if process is not None:
                with suppress(Exception):
                    process.wait(timeout=10)
            with suppress(Exception):
                km.cleanup_connection_file()
        self.kernels.clear()
        for handle in self.logs:
            handle.close()
        self.logs.clear()

    def kernel_manager_class(self, log: Path | None = None) -> type:
        """A jupyter ``AsyncKernelManager`` that records its kernels in :attr:`kernels`.

        With ``log``, the kernel process's own output (ipykernel's start-up warnings, the
        "KeyboardInterrupt caught" note of a normal shutdown, a crash's last words) is appended
        to that file instead of the console, so ``omniseg report --quiet`` prints only the
        report's path; cell outputs and errors go to the notebook as always.
        """
        from jupyter_client.manager import AsyncKernelManager

        guard = self

        class TrackedKernelManager(AsyncKernelManager):
            async def start_kernel(self, **kw: Any) -> None:
                if log is not None:
                    handle = open(log, "ab")  # noqa: SIM115 - closed in reap_kernels
                    guard.logs.append(handle)
                    kw.setdefault("stdout", handle)
                    kw.setdefault("stderr", handle)
                guard.kernels.append(self)
                try:
                    await super().start_kernel(**kw)
                finally:
                    if guard.pending is not None:  # the signal came while it started
                        guard.kill_kernels()

        return TrackedKernelManager


# --- file-system errors ----------------------------------------------------------------------


def _errno_of(exc: BaseException) -> int | None:
    """The errno of an OSError, also when only its message has it (pyarrow's errors)."""
    code = getattr(exc, "errno", None)
    if isinstance(code, int):
        return code
    text = str(exc)
    if "No space left on device" in text:
        return errno.ENOSPC
    if "Read-only file system" in text:
        return errno.EROFS
    found = re.search(r"\[errno (\d+)\]", text, flags=re.IGNORECASE)
    return int(found.group(1)) if found else None


def _output_error(exc: BaseException, folder: Path, what: str, *, temp: bool) -> OutputError:
    """One sentence naming the folder and the fix for an OSError while writing in ``folder``."""
    code = _errno_of(exc)
    place = f"the temporary folder {folder}" if temp else f"the reports folder {folder}"
    other = "set TMPDIR to a folder with room" if temp else "give another output_dir"
    if code in (errno.ENOSPC, errno.EDQUOT):
        reason, fix = "no space is left on its disk", f"free some space there or {other}"
    elif code == errno.EROFS:
        reason, fix = "it is on a read-only file system", f"make it writable or {other}"
    elif code in (errno.EACCES, errno.EPERM):
        reason, fix = "this user may not write there", f"give write permission or {other}"
    else:
        detail = getattr(exc, "strerror", None) or str(exc)
        reason, fix = f"of an operating system error ({detail})", f"check the folder or {other}"
    return OutputError(f"Cannot {what} in {place}: {reason}. Fix: {fix}.", path=folder, errno=code)


@contextmanager
def _writing(folder: Path, what: str, *, temp: bool = False) -> Iterator[None]:
    """Turn an OSError in the block into an :class:`OutputError` about ``folder``."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise _output_error(exc, folder, what, temp=temp) from exc


def _prepare_output_dir(output_dir: Path) -> None:
    """Create ``output_dir`` if needed; refuse a file in its place."""
    for path in (output_dir, *output_dir.parents):
        if path.exists():
            if not path.is_dir():
                raise OutputError(
                    f"The output_dir {output_dir} cannot be used: {path} is a file, not a "
                    "folder. Fix: give a folder as output_dir (--output-dir), or move the file.",
                    path=path,
                    errno=errno.ENOTDIR,
                    exit_code=EXIT_USAGE,
                )
            break
    with _writing(output_dir, "create the output folder"):
        output_dir.mkdir(parents=True, exist_ok=True)


#: Exceptions raised in a notebook that may mean the reports folder cannot be written.
_NOTEBOOK_OS_ERRORS = ("OSError", "IOError", "ArrowIOError")
#: errno values of "the folder cannot take more data" (not a bug of the report).
_WRITE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)


def _execute(
    src: Path,
    dest: Path,
    parameters: dict[str, Any],
    params: RunParams,
    cwd: Path,
    guard: _RunGuard,
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
            kernel_manager_class=guard.kernel_manager_class(log=cwd / KERNEL_LOG),
        )
    except RunInterrupted:
        raise
    except Exception as exc:
        if guard.pending is not None:  # the kernel was killed because of the signal
            raise RunInterrupted(guard.pending) from None
        if (
            isinstance(exc, OSError)
            and not isinstance(exc, TimeoutError)  # a cell timeout is no write error
            and _errno_of(exc) in _WRITE_ERRNOS
        ):  # papermill writing the executed notebook
            raise _output_error(
                exc, cwd.parent, "write the executed notebooks", temp=False
            ) from None
        cell, first_line = _failing_cell(dest, exc)
        ename = getattr(exc, "ename", None) or type(exc).__name__
        evalue = str(getattr(exc, "evalue", "") or "").strip()
        if not hasattr(exc, "ename"):  # not an error in a cell: a dead kernel, a timeout...
            evalue = str(exc).strip()
        where = f"cell {cell} ({first_line!r})" if cell else "a cell"
        if ename in _NOTEBOOK_OS_ERRORS and _errno_of(exc) in _WRITE_ERRNOS:
            raise _output_error(
                exc, cwd.parent, f"write from {src.name}, {where} ({ename}: {evalue})", temp=False
            ) from None
        detail = f"{ename}: {evalue}" if evalue else ename
        raise ReportError(
            f"Notebook {src.name} failed in {where}: {detail}",
            notebook=src.name,
            cell=cell,
            ename=ename,
            evalue=evalue,
        ) from exc
    finally:
        guard.reap_kernels()


def _subtitle_lines(report, params: RunParams) -> list[str]:
    from omniseg.report.i18n import t

    lines = [t("report.run", params.language, run=params.run_name)]
    start, end = report.period()
    if start:
        lines.append(t("report.period", params.language, start=start, end=end))
    return lines


def _swap_into_place(tmp_dir: Path, final_dir: Path) -> None:
    """Replace ``final_dir`` by ``tmp_dir`` with renames (the old one is removed last)."""
    os.chmod(tmp_dir, default_mode(directory=True))  # mkdtemp made it 0700
    old = None
    if final_dir.exists():
        old = final_dir.with_name(f".{final_dir.name}.old-{_owner_tag()}-{uuid.uuid4().hex[:8]}")
        final_dir.rename(old)
    try:
        tmp_dir.rename(final_dir)
    except BaseException:
        if old is not None:
            old.rename(final_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)  # a leftover is swept by the next run


def _keep_failed_attempt(tmp_dir: Path, output_dir: Path, run_name: str) -> Path:
    failed = output_dir / f".failed-{run_name}"
    shutil.rmtree(failed, ignore_errors=True)
    tmp_dir.rename(failed)
    return failed


def _model_hashes(params: RunParams, run_dir: Path | None) -> dict[str, Any]:
    """``{"loaded": {path, sha256} | None, "written": {path, sha256} | None}`` for the manifest."""
    out: dict[str, Any] = {"loaded": None, "written": None}
    loaded = params.segmentation.get("model")
    if loaded is not None and Path(loaded).is_file():
        out["loaded"] = {"path": str(loaded), "sha256": file_sha256(Path(loaded))}
    if run_dir is not None and (run_dir / "model.skops").is_file():
        out["written"] = {"path": "model.skops", "sha256": file_sha256(run_dir / "model.skops")}
    return out


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
        with _RunGuard() as guard:
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
    guard: _RunGuard,
    bar: Any,
    say: Callable[[str], None],
) -> RunResult:
    """The body of :func:`run_report`, under its signal handlers."""
    output_dir = params.output_dir
    _prepare_output_dir(output_dir)
    with ExitStack() as stack:
        with _writing(output_dir, "create the run's lock file"):
            stack.enter_context(_run_lock(output_dir, params.run_name))
        return _run_locked(params, nb_dir, guard, bar, say)


def _run_locked(
    params: RunParams,
    nb_dir: Path,
    guard: _RunGuard,
    bar: Any,
    say: Callable[[str], None],
) -> RunResult:
    """The run, once the run name's lock is held."""
    from omniseg.ingest.snapshot import create_snapshot_dir, save_snapshot
    from omniseg.report.export import export_html, merge_notebooks
    from omniseg.report.i18n import t

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
    paths = params.data
    data = paths.load()
    check_run(data, params)  # settings against the data, before any notebook starts
    data.profile.currency = params.currency
    guard.check()
    timings["load_and_validate"] = round(time.perf_counter() - t0, 3)
    say(f"Inputs valid ({timings['load_and_validate']:.1f} s): {data.report.summary_line()}")
    bar.update(1)
    model = _model_hashes(params, None)

    tmp_dir: Path | None = None
    snap: Path | None = None
    temp_root = Path(tempfile.gettempdir())
    try:
        with _writing(output_dir, "create the run's temporary folder"):
            tmp_dir = Path(
                tempfile.mkdtemp(prefix=f".{params.run_name}.tmp-{_owner_tag()}-", dir=output_dir)
            )
        with _writing(temp_root, "write the data snapshot", temp=True):
            snap = create_snapshot_dir(temp_root, owner=_owner_tag())
            save_snapshot(data, snap)
        guard.check()
        settings = {
            k: (str(v) if isinstance(v, Path) else v) for k, v in params.segmentation.items()
        }
        with _writing(output_dir, "write the run settings"):
            atomic_write_text(
                tmp_dir / RUN_SETTINGS,
                json.dumps(
                    {
                        "segmentation": settings,
                        "channels": params.channels,
                        "currency": params.currency,
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
            _execute(
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
            shutil.rmtree(snap, ignore_errors=True)
        guard.check()

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
        guard.check()
        with _writing(output_dir, "write the report"):
            atomic_write_text(tmp_dir / "report.html", html)
        timings["export_html"] = round(time.perf_counter() - t0, 3)
        bar.update(1)

        (tmp_dir / KERNEL_LOG).unlink(missing_ok=True)  # a report, not a debugging aid
        model.update(written=_model_hashes(params, tmp_dir)["written"])
        manifest = {
            "omniseg_version": _versions()["omniseg"],
            "run_name": params.run_name,
            "status": "ok",
            "started_at": started.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "parameters": params.to_dict(),
            "inputs": {table: _describe_input(p) for table, p in paths.inputs().items()},
            "row_counts": data.report.row_counts(),
            "data_profile": data.profile.to_dict(),
            "model": model,
            "versions": _versions(),
            "timings_seconds": timings,
            "outputs": sorted(
                [str(f.relative_to(tmp_dir)) for f in tmp_dir.rglob("*") if f.is_file()]
                + ["manifest.json"]
            ),
        }
        with _writing(output_dir, "write the manifest"):
            atomic_write_text(tmp_dir / "manifest.json", json.dumps(manifest, indent=2) + "\n")
        guard.check()
        with guard.deferred(), _writing(output_dir, "put the new report in place"):
            _swap_into_place(tmp_dir, final_dir)  # the commit point: no signal cuts it
            tmp_dir = None
            guard.finish()  # done: a signal from now on is only recorded
    except BaseException as exc:
        with guard.deferred():
            if snap is not None:
                shutil.rmtree(snap, ignore_errors=True)
            if tmp_dir is not None and isinstance(exc, ReportError):
                failed = _keep_failed_attempt(tmp_dir, output_dir, params.run_name)
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
