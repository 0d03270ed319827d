"""The output folder of a run, and file-system errors turned into one clear message.

Every ``OSError`` while a run writes (``output_dir`` is a file, read-only folder, full disk or
full temporary folder) becomes an :class:`~omniseg.errors.OutputError`: one sentence naming the
path and the fix (:func:`writing`, :func:`output_error`).
"""

from __future__ import annotations

import errno
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from omniseg.errors import EXIT_USAGE, OutputError

# building blocks of this stage's other modules, imported by name; nothing here is public
__all__ = []

#: errno values of "the folder cannot take more data" (not a bug of the report).
WRITE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)


def errno_of(exc: BaseException) -> int | None:
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


def output_error(exc: BaseException, folder: Path, what: str, *, temp: bool) -> OutputError:
    """One sentence naming the folder and the fix for an OSError while writing in ``folder``."""
    code = errno_of(exc)
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
def writing(folder: Path, what: str, *, temp: bool = False) -> Iterator[None]:
    """Turn an OSError in the block into an :class:`OutputError` about ``folder``."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise output_error(exc, folder, what, temp=temp) from exc


def prepare_output_dir(output_dir: Path) -> None:
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
    with writing(output_dir, "create the output folder"):
        output_dir.mkdir(parents=True, exist_ok=True)
