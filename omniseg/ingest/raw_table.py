"""A table as the loader read it, before its cells are converted, and how its problems are worded.

:class:`_Raw` carries a table's frame with what messages need about it (the file's name, the offset
from positions to the spreadsheet row numbers people see, the table's stated ``number_format``,
the warnings found while converting); :func:`_bad_cells` turns unreadable cells into one
:class:`~omniseg.errors.Problem` naming their rows. Shared by every step of the loader
(:mod:`omniseg.ingest.io`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from omniseg.errors import DataValidationError, Problem
from omniseg.ingest.loader_warnings import LoaderWarning
from omniseg.ingest.schemas import PII_COLUMNS

__all__: list[str] = []


#: Tables a per-table ``number_format`` / ``value_maps`` / ``sheets`` may name.
_TABLES = ("customers", "interactions", "survey", "interviews")


@dataclass
class _Raw:
    frame: pd.DataFrame
    source: str  # what messages call it
    row_offset: int  # add to the 0-based position to get the row number people see
    decimal_comma: bool = False
    #: index labels of cells already reported as unreadable, per column (not reported twice)
    unreadable: dict[str, set] = field(default_factory=dict)
    #: the stated ``number_format`` of the table (``None``: each column decides)
    number_format: dict[str, str] | None = None
    #: warnings found while converting (added to the report's warnings)
    notes: list[LoaderWarning] = field(default_factory=list)
    #: the table's name in the data contract (customers, interactions, survey, interviews)
    table: str = ""
    #: extra copies of each kept row removed as exact duplicates (index of the kept rows)
    duplicate_copies: pd.Series | None = None
    #: decimal-mark evidence per text column of ``frame`` (see ``parsing._file_hint``): the
    #: frame it was counted on and the counts; counted again when ``frame`` is replaced
    decimal_evidence: tuple[pd.DataFrame, dict] | None = field(default=None, repr=False)


def _fail(source: str, message: str, fix: str, column: str | None = None) -> DataValidationError:
    return DataValidationError([Problem(source, column, message, fix)])


def _short(value: object, limit: int = 40) -> str:
    """A cell value for a message, cut to ``limit`` characters."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bad_cells(raw: _Raw, column: str, bad: np.ndarray, expected: str, fix: str) -> Problem:
    positions = np.nonzero(bad)[0]
    raw.unreadable.setdefault(column, set()).update(raw.frame.index[positions])
    rows = tuple(int(raw.frame.index[p]) + raw.row_offset for p in positions[:5])
    message = f"{len(positions)} value(s) that are not {expected}"
    if column not in PII_COLUMNS:
        examples = list(
            dict.fromkeys(_short(v) for v in raw.frame[column].to_numpy()[positions][:3])
        )
        message += f", e.g. {', '.join(repr(v) for v in examples)}"
    return Problem(raw.source, column, message, fix, rows, len(positions))
