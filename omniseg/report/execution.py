"""Execution of a run's report notebooks with papermill, under the run's signal handling.

The notebooks of one run execute one after the other in one kernel (:meth:`RunGuard.kernel`):
between two notebooks its namespace and execution counter are reset, so each notebook sees a
fresh session, as in JupyterLab, while the libraries it imports (pandas, scikit-learn, plotly,
omniseg: about 2.5 s for each new kernel) stay loaded. A notebook that fails ends the kernel.

Success is decided by papermill's exception, never by reading the output notebook (a dead kernel
or a timeout can leave a clean-looking notebook). A failing cell becomes a
:class:`~omniseg.errors.ReportError` naming the notebook, the cell as its author counts them and
the error; a signal (SIGTERM, SIGINT) kills the kernel's process group and becomes
:class:`~omniseg.errors.RunInterrupted` (see :class:`RunGuard`).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import nbformat

from omniseg.config.params import RunParams
from omniseg.errors import ReportError, RunInterrupted
from omniseg.report.output_folder import WRITE_ERRNOS, errno_of, output_error

# building blocks of this stage's other modules, imported by name; nothing here is public
__all__ = []

#: Signals a run handles (see the module docstring).
HANDLED_SIGNALS = (signal.SIGTERM, signal.SIGINT)
#: The kernels' own console output during a run; kept only with a failed attempt.
KERNEL_LOG = "kernel.log"


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


class RunGuard:
    """SIGTERM/SIGINT handling of one run, and the kernels it started.

    On the first signal: if a kernel is running, its process group is killed (papermill then
    fails within about a second and :func:`execute_notebook` raises :class:`RunInterrupted`);
    else :class:`RunInterrupted` is raised where the main thread is. Inside :meth:`deferred` blocks
    (cleanup, the final renames) nothing is raised; :meth:`check` raises later. Later signals
    are ignored: cleanup is already under way.
    """

    def __init__(self) -> None:
        self.pending: int | None = None
        self.kernels: list[Any] = []
        self.clients: list[Any] = []  # the kernel clients papermill opened on the kernel
        self._kernel: Any = None  # the kernel manager the run's notebooks share
        self.logs: list[Any] = []  # kernel output files, closed with the kernels
        self._deferring = 0
        self._previous: dict[int, Any] = {}

    def _quiet_after_signal(self, record: logging.LogRecord) -> bool:
        """Log filter: once a signal came, the kernel's death is expected, not news."""
        return self.pending is None

    def __enter__(self) -> RunGuard:
        logging.getLogger("papermill").addFilter(self._quiet_after_signal)
        if threading.current_thread() is threading.main_thread():
            for sig in HANDLED_SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.reap_kernels()
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

    def kernel(self, log: Path | None = None) -> Any:
        """The kernel manager the run's notebooks share (papermill starts its kernel once).

        Parameters
        ----------
        log : Path, optional
            Where the kernel process's own output goes (see :meth:`kernel_manager_class`).
        """
        if self._kernel is None:
            self._kernel = self.kernel_manager_class(log=log)(kernel_name="python3")
        return self._kernel

    def _close_clients(self) -> None:
        """Close the kernel clients papermill opened (their ZeroMQ channels)."""
        for kc in self.clients:
            with suppress(Exception):
                kc.stop_channels()
        self.clients.clear()

    def reset_kernel(self, timeout: float = 60) -> None:
        """Give the next notebook a fresh session in the shared kernel.

        The kernel clients of the notebook just executed are closed and the kernel's namespace
        and execution counter are reset (``InteractiveShell.reset(new_session=True)``, run
        silently); imported modules stay loaded. If the kernel is gone or does not answer, it
        is reaped and the next notebook starts a new one.
        """
        from jupyter_core.utils import run_sync

        self._close_clients()
        km = self._kernel
        if km is None or not km.has_kernel:
            return

        async def reset() -> dict:
            kc = km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=timeout)
                return await kc.execute_interactive(
                    "get_ipython().reset(new_session=True)",
                    silent=True,
                    store_history=False,
                    timeout=timeout,
                    output_hook=lambda msg: None,
                )
            finally:
                kc.stop_channels()

        try:
            reply = run_sync(reset)()
            ok = reply.get("content", {}).get("status") == "ok"
        except Exception:
            ok = False
        if not ok:
            self.reap_kernels()

    def reap_kernels(self) -> None:
        """Make sure no kernel of this run survives, reap it and remove its connection file."""
        self._close_clients()
        self._kernel = None
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

            def client(self, **kw: Any) -> Any:
                kc = super().client(**kw)
                guard.clients.append(kc)  # closed before the next notebook (reset_kernel)
                return kc

        return TrackedKernelManager


#: Exceptions raised in a notebook that may mean the reports folder cannot be written.
_NOTEBOOK_OS_ERRORS = ("OSError", "IOError", "ArrowIOError")


def execute_notebook(
    src: Path,
    dest: Path,
    parameters: dict[str, Any],
    params: RunParams,
    cwd: Path,
    guard: RunGuard,
) -> None:
    """Execute the notebook ``src`` into ``dest`` with papermill; raise one clear error.

    Parameters
    ----------
    src, dest : Path
        The report notebook and where its executed copy is written.
    parameters : dict
        Injected into its ``parameters`` cell.
    params : RunParams
        The run's parameters (``cell_timeout``).
    cwd : Path
        The kernel's working folder (the run's temporary folder; :data:`KERNEL_LOG` goes there).
    guard : RunGuard
        The run's signal handling; records the kernel so a signal can kill it.

    Raises
    ------
    omniseg.errors.ReportError
        If a cell fails, the kernel dies or a cell times out.
    omniseg.errors.OutputError
        If the executed notebook, or a cell, cannot write for lack of room or a read-only folder.
    omniseg.errors.RunInterrupted
        If a signal came while it ran.
    """
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
            km=guard.kernel(log=cwd / KERNEL_LOG),
        )
    except RunInterrupted:
        guard.reap_kernels()
        raise
    except Exception as exc:
        guard.reap_kernels()  # a failed notebook leaves its kernel in no known state
        if guard.pending is not None:  # the kernel was killed because of the signal
            raise RunInterrupted(guard.pending) from None
        if (
            isinstance(exc, OSError)
            and not isinstance(exc, TimeoutError)  # a cell timeout is no write error
            and errno_of(exc) in WRITE_ERRNOS
        ):  # papermill writing the executed notebook
            raise output_error(
                exc, cwd.parent, "write the executed notebooks", temp=False
            ) from None
        cell, first_line = _failing_cell(dest, exc)
        ename = getattr(exc, "ename", None) or type(exc).__name__
        evalue = str(getattr(exc, "evalue", "") or "").strip()
        if not hasattr(exc, "ename"):  # not an error in a cell: a dead kernel, a timeout...
            evalue = str(exc).strip()
        where = f"cell {cell} ({first_line!r})" if cell else "a cell"
        if ename in _NOTEBOOK_OS_ERRORS and errno_of(exc) in WRITE_ERRNOS:
            raise output_error(
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
    guard.reset_kernel()  # the next notebook of the run starts with a fresh session
