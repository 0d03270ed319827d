"""Exceptions raised by omniseg.

Every error a user can cause derives from :class:`OmnisegError`, so a scheduled job can catch one
class. Errors about data carry structured fields (file, column, rows, fix) so that both people and
programs can read them; their message is written for a person and never includes raw cell values of
identifier columns (emails, phones), because tracebacks end up in logs and executed notebooks.

Each class carries the exit status the ``omniseg`` command ends with when it stops a command
(``exit_code``, see :mod:`omniseg.cli`): 2 for a problem with what the user gave (data,
parameters, a path), 1 for a failure of omniseg itself, and sysexits-style codes for the run's
environment (73: cannot write the output, 75: another run holds the lock) and 128 + the signal
number when a run is stopped by a signal.
"""

from __future__ import annotations

import signal
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "EXIT_CANNOT_WRITE",
    "EXIT_FAILURE",
    "EXIT_LOCKED",
    "EXIT_USAGE",
    "DataValidationError",
    "ModelFileError",
    "OmnisegError",
    "OutputError",
    "ParameterError",
    "Problem",
    "ReportError",
    "RunInterrupted",
    "RunLockedError",
    "TextCatalogError",
]

#: Exit status: a failure of omniseg itself (a report notebook failed on good data).
EXIT_FAILURE = 1
#: Exit status: bad input data, bad parameters or an unusable path given by the user.
EXIT_USAGE = 2
#: Exit status: the output cannot be written (read-only folder, full disk, no permission);
#: ``EX_CANTCREAT`` of sysexits.h.
EXIT_CANNOT_WRITE = 73
#: Exit status: another run of the same name holds the lock; ``EX_TEMPFAIL`` of sysexits.h
#: (try again later).
EXIT_LOCKED = 75

#: How many offending row numbers a message lists before saying "and N more".
MAX_ROWS_SHOWN = 5


class OmnisegError(Exception):
    """Base class of every error omniseg raises on purpose.

    Attributes
    ----------
    exit_code : int
        Exit status of the ``omniseg`` command when this error stops it (:data:`EXIT_USAGE`
        unless a subclass says otherwise).
    """

    exit_code: int = EXIT_USAGE


class ParameterError(OmnisegError, ValueError, TypeError):
    """A parameter has the wrong type or value (run parameters, function arguments).

    Both a ``ValueError`` and a ``TypeError``, as scikit-learn's ``InvalidParameterError``, so
    code that catches either keeps working whichever was wrong.
    """


class ModelFileError(OmnisegError, ValueError):
    """A model file cannot be used: missing, damaged, of another kind, or not trusted."""


class TextCatalogError(OmnisegError, KeyError):
    """The text catalog has no text for a key (in a language or a context), or a plural text
    is worded without its count: a bug in omniseg or in an added catalog, not in the user's data.

    A ``KeyError`` too, as the lookup it stands for.
    """

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Problem:
    """One problem found in one input.

    Parameters
    ----------
    source : str
        The file name (or ``"<DataFrame customers>"``) the problem was found in.
    column : str or None
        The column concerned, or ``None`` for a file-level problem.
    message : str
        What was expected and what was found.
    fix : str
        What the user should do about it.
    rows : tuple of int
        Offending row numbers as a person sees them in a spreadsheet: 1 is the header line of a
        CSV file, so the first data row is row 2. For DataFrames, the 0-based position.
    n_rows : int
        How many rows are affected in total (``rows`` holds only the first few).
    """

    source: str
    column: str | None
    message: str
    fix: str
    rows: tuple[int, ...] = field(default_factory=tuple)
    n_rows: int = 0

    def __str__(self) -> str:
        where = f"{self.source}"
        if self.column is not None:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_SHOWN])
            total = max(self.n_rows, len(self.rows))
            more = f" and {total - MAX_ROWS_SHOWN} more" if total > MAX_ROWS_SHOWN else ""
            text += f" (rows {shown}{more})"
        if self.fix:
            text += f". Fix: {self.fix}"
        return text


class DataValidationError(OmnisegError, ValueError):
    """One or more inputs break the data contract.

    All problems found are collected and reported at once (lazy validation), so a user fixes
    their file once instead of once per problem.

    Parameters
    ----------
    problems : sequence of Problem
        Every problem found.

    Attributes
    ----------
    problems : list of Problem
    """

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found in the input data:"
        body = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head}\n{body}")

    @property
    def sources(self) -> list[str]:
        """The distinct sources (files) with problems, in order of first appearance."""
        return list(dict.fromkeys(p.source for p in self.problems))

    @property
    def columns(self) -> list[str]:
        """The distinct columns with problems, in order of first appearance."""
        return list(dict.fromkeys(p.column for p in self.problems if p.column is not None))


class ReportError(OmnisegError, RuntimeError):
    """A report run failed; the previous report of the same run name is left untouched.

    Parameters
    ----------
    message : str
        What failed, for a person (every line of the notebook's error included).
    notebook : str or None
        The notebook that failed.
    cell : int or None
        The 1-based index of the failing code cell in that notebook, as its author counts them
        (the injected parameters cell is not counted).
    ename : str or None
        Class name of the exception raised in the notebook (papermill's ``ename``), e.g.
        ``"DataValidationError"``.
    evalue : str
        Its full message (all lines).

    Attributes
    ----------
    kind : {"input", "failure"}
        ``"input"`` when the notebook stopped on an omniseg error about the data or the
        parameters (:data:`INPUT_ERRORS`): the user must fix the input, exit status 2.
        ``"failure"`` otherwise: a failure of the report code, exit status 1.
    """

    #: Names of the exceptions that mean "bad data or parameters" when a notebook raises them.
    INPUT_ERRORS: tuple[str, ...] = ("DataValidationError", "ParameterError", "ModelFileError")

    def __init__(
        self,
        message: str,
        *,
        notebook: str | None = None,
        cell: int | None = None,
        ename: str | None = None,
        evalue: str = "",
    ):
        self.notebook = notebook
        self.cell = cell
        self.ename = ename
        self.evalue = evalue
        super().__init__(message)

    @property
    def kind(self) -> str:
        """``"input"`` (bad data or parameters) or ``"failure"`` (see the class docstring)."""
        return "input" if self.ename in self.INPUT_ERRORS else "failure"

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        """2 (:data:`EXIT_USAGE`) for an ``"input"`` error, 1 (:data:`EXIT_FAILURE`) otherwise."""
        return EXIT_USAGE if self.kind == "input" else EXIT_FAILURE


class OutputError(OmnisegError, OSError):
    """A run cannot write where it must: the output folder or the temporary folder.

    Raised instead of a bare ``OSError`` traceback, with one sentence naming the path and the fix.
    Nothing already written is lost when it is raised: the previous report is untouched and the
    run's temporaries are removed.

    Parameters
    ----------
    message : str
        What failed and how to fix it, for a person.
    path : Path
        The folder or file concerned.
    errno : int or None
        The operating system's error number (``errno.ENOSPC``, ``errno.EROFS``...), if any.
    exit_code : int
        :data:`EXIT_USAGE` (2) for a path the user gave that cannot be used (``output_dir`` is a
        file), :data:`EXIT_CANNOT_WRITE` (73, the default) for the environment: read-only
        folder, no permission, full disk.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path,
        errno: int | None = None,
        exit_code: int = EXIT_CANNOT_WRITE,
    ):
        super().__init__(message)
        self.path = Path(path)
        self.errno = errno
        self.filename = str(path)
        self.exit_code = exit_code

    def __str__(self) -> str:
        return str(self.args[0])


class RunLockedError(OmnisegError):
    """Another run of the same name is in progress (it holds ``output_dir/.<run>.lock``).

    Parameters
    ----------
    message : str
        For a person.
    run_name : str
    pid : int or None
        Process id of the run holding the lock, when it could be read.
    """

    exit_code = EXIT_LOCKED

    def __init__(self, message: str, *, run_name: str, pid: int | None = None):
        self.run_name = run_name
        self.pid = pid
        super().__init__(message)


class RunInterrupted(OmnisegError):
    """A run was stopped by a signal (SIGTERM, SIGINT); its temporaries were removed.

    Parameters
    ----------
    signum : int
        The signal number.
    message : str, optional
        For a person; a default names the signal.

    Attributes
    ----------
    exit_code : int
        128 + ``signum``, the shell's convention: 143 for SIGTERM, 130 for SIGINT.
    """

    def __init__(self, signum: int, message: str | None = None):
        self.signum = int(signum)
        self.exit_code = 128 + self.signum
        super().__init__(message or f"omniseg report interrupted by {self.signal_name}.")

    @property
    def signal_name(self) -> str:
        """``"SIGTERM"``, ``"SIGINT"``..."""
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signal {self.signum}"
