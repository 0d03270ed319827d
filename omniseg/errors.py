"""Exceptions raised by omniseg.

Every error a user can cause derives from :class:`OmnisegError`, so a scheduled job can catch one
class. Errors about data carry structured fields (file, column, rows, fix) so that both people and
programs can read them; their message is written for a person and never includes raw cell values of
identifier columns (emails, phones), because tracebacks end up in logs and executed notebooks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "DataValidationError",
    "ModelFileError",
    "OmnisegError",
    "ParameterError",
    "Problem",
    "ReportError",
]

#: How many offending row numbers a message lists before saying "and N more".
MAX_ROWS_SHOWN = 5


class OmnisegError(Exception):
    """Base class of every error omniseg raises on purpose."""


class ParameterError(OmnisegError, ValueError):
    """A parameter has the wrong type or value (run parameters, function arguments)."""


class ModelFileError(OmnisegError, ValueError):
    """A model file cannot be used: missing, damaged, of another kind, or not trusted."""


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
        What failed, for a person.
    notebook : str or None
        The notebook that failed.
    cell : int or None
        The 1-based index of the failing code cell in that notebook.
    """

    def __init__(self, message: str, *, notebook: str | None = None, cell: int | None = None):
        self.notebook = notebook
        self.cell = cell
        super().__init__(message)
