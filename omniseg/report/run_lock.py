"""The lock of a run name and the sweep of the temporaries that killed runs left behind.

A run holds ``output_dir/.<run>.lock`` (``flock``, non-blocking) from start to end (see
:func:`run_lock`): a second run of the same name fails at once with
:class:`~omniseg.errors.RunLockedError`, and the lock goes away with the process, so a killed run
never blocks the next one. The temporaries a run makes carry its pid and host in their names
(:func:`owner_tag`), so :func:`sweep_stale` can tell a live run's folder from a leftover.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from omniseg.errors import RunLockedError
from omniseg.ingest.snapshot import SNAPSHOT_PREFIX

__all__ = [
    "HOST_TAG",
    "STALE_AFTER_SECONDS",
    "sweep_stale",
]

#: Age after which a temporary whose owner cannot be checked (made on another host, or by an
#: older omniseg without the owner's pid in its name) is taken for a leftover and removed.
STALE_AFTER_SECONDS = 24 * 3600

#: Short tag of this host, in temporaries' names: a pid is only checked on the host that made it.
HOST_TAG = hashlib.sha1(socket.gethostname().encode("utf-8")).hexdigest()[:6]
_OWNER = r"(?:(?P<pid>\d+)h(?P<host>[0-9a-f]{6})-)?"
#: ``.<run>.tmp-<pid>h<host>-<random>`` and ``.<run>.old-...`` in ``output_dir``.
_RUN_TEMP_RE = re.compile(
    r"\.(?P<run>[A-Za-z0-9][A-Za-z0-9_.-]*)\.(?P<kind>tmp|old)-" + _OWNER + r"[A-Za-z0-9_]+"
)
#: ``omniseg-snapshot-<pid>h<host>-<random>`` in the temporary folder.
_SNAPSHOT_RE = re.compile(re.escape(SNAPSHOT_PREFIX) + _OWNER + r"[A-Za-z0-9_]+")


def owner_tag() -> str:
    """``<pid>h<host>``: what a run writes in the names of its temporaries."""
    return f"{os.getpid()}h{HOST_TAG}"


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
    if match["pid"] is None or match["host"] != HOST_TAG:
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

    * for ``run_name``, whose lock the caller holds (:func:`omniseg.report.runs.run_report`
      does), no other run of that name can be alive, so all of its temporaries are removed;
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


@contextmanager
def run_lock(output_dir: Path, run_name: str) -> Iterator[Path]:
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
