"""Writing output files so that a reader never sees a half-written one.

Every file omniseg writes for users (reports, manifests, model files, CSV outputs, the feature
cache) is written to a temporary file in the destination folder and renamed over the target:
a crash or a full disk leaves the previous file (or none), never a truncated one.

Permissions: files that hold customer ids (``segments.csv``, ``activation/*.csv``,
``features.parquet``, ``person_ids.parquet``) are written ``private``: readable by their owner
only (0600), whatever the umask, so that a report folder shared with a team does not share the
customer lists by accident. Every other file gets the permissions the umask gives a new file
(0644 with the usual umask 022), as any other program's output would.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["PRIVATE_MODE", "atomic_write", "atomic_write_text", "default_mode", "replace_dir"]

#: Mode of files holding customer ids.
PRIVATE_MODE = 0o600


def default_mode(directory: bool = False) -> int:
    """The mode a new file (or folder) gets under the process's umask (0644 / 0755 for 022)."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def atomic_write(
    path: str | Path, write: Callable[[str], object], *, private: bool = False
) -> Path:
    """Write ``path`` atomically: ``write(tmp)`` fills a temporary file that is then renamed.

    Parameters
    ----------
    path : path
        Destination; its folder is created if needed.
    write : callable
        Called with the temporary file's path (a ``str``), e.g. ``frame.to_csv``.
    private : bool
        The file holds customer ids: mode :data:`PRIVATE_MODE` (0600) instead of the umask's.

    Returns
    -------
    Path
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, PRIVATE_MODE if private else default_mode())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text to ``path`` atomically."""
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def replace_dir(tmp_dir: Path, final_dir: Path) -> None:
    """Put a fully written ``tmp_dir`` (a sibling of ``final_dir``) in place of ``final_dir``.

    An existing ``final_dir`` is renamed aside first and removed only once the new folder is in
    place, so a reader sees the old folder or the new one, never a half-written one.
    """
    if final_dir.exists():
        old = final_dir.with_name(f".{final_dir.name}.old-{os.getpid()}")
        final_dir.rename(old)
        tmp_dir.rename(final_dir)
        shutil.rmtree(old)
    else:
        tmp_dir.rename(final_dir)
