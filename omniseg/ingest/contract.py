"""The checks every table of the data contract goes through once its columns are known.

At least one data row; optional columns blank on every row dropped (with a warning); exact
duplicate rows dropped (with a warning saying how many, and the revenue they held); values
plausible, not just readable: timestamps within :data:`DEFAULT_TIME_WINDOW` (or ``time_window=``)
and the pandera schemas of :mod:`omniseg.ingest.schemas`, whose failures are reported by row
without repeating cells already reported as unreadable.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
import pandera.pandas as pa

from omniseg.errors import ParameterError, Problem
from omniseg.ingest.data import TableReport
from omniseg.ingest.loader_warnings import LoaderWarning, phrase
from omniseg.ingest.parsing import _blank
from omniseg.ingest.raw_table import _Raw
from omniseg.ingest.schemas import Window, problems_from_failures

__all__ = [
    "DEFAULT_SIGNUP_START",
    "DEFAULT_TIME_WINDOW",
]


#: A ``time_window=`` argument: ``(start, end)``, each a date, datetime, ISO text or ``None``.
TimeWindow = tuple[date | datetime | str | pd.Timestamp | None, date | datetime | str | None]

#: The plausible period of interaction timestamps, ``(earliest, latest)``, both days included.
#: ``None`` as the latest means "the end of the day the data is loaded (UTC)": nothing can have
#: happened after the run. Before 1990 there were no digital channels to export from, so such
#: dates are placeholders (``1900-01-01``) or misread formats. Change it per call with
#: ``load_data(..., time_window=(start, end))``.
DEFAULT_TIME_WINDOW: tuple[date, date | None] = (date(1990, 1, 1), None)
#: The earliest plausible ``signup_date``: long-standing customers may have signed up (on paper)
#: long before 1990, so signups get the same lower bound as birth years. Their latest plausible
#: date is the end of the time window.
DEFAULT_SIGNUP_START: date = date(1900, 1, 1)


def _resolve_window(time_window: TimeWindow | None) -> Window:
    """``(start, end)`` Timestamps (naive UTC) from a ``time_window=`` argument.

    ``None`` (or a ``None`` bound) takes :data:`DEFAULT_TIME_WINDOW`; an end given as a day
    includes that whole day; the default end is the end of today (UTC).

    Raises
    ------
    ParameterError
        Not a pair, an unreadable bound, or a start after the end.
    """
    if time_window is None:
        time_window = (None, None)
    if not isinstance(time_window, list | tuple) or len(time_window) != 2:
        raise ParameterError(
            f"time_window must be a pair (start, end), got {time_window!r}; "
            "e.g. time_window=('2015-01-01', '2026-12-31') or (None, None) for the default"
        )
    bounds = []
    for which, value, default in zip(
        ("start", "end"), time_window, DEFAULT_TIME_WINDOW, strict=True
    ):
        value = default if value is None else value
        if value is None:  # the default end: today, UTC
            value = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize()
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError):
            stamp = pd.NaT
        if pd.isna(stamp):
            raise ParameterError(
                f"time_window {which} {value!r} is not a date; give a date such as '2026-12-31'"
            )
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        if which == "end" and stamp == stamp.normalize():
            stamp = stamp + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")  # the whole last day
        bounds.append(stamp)
    start, end = bounds
    if start > end:
        raise ParameterError(f"time_window starts ({start}) after it ends ({end})")
    return start, end


def _no_rows(table: str, raw: _Raw) -> list[Problem]:
    """A problem when the table has a header but no data rows (nothing to analyse)."""
    if len(raw.frame):
        return []
    return [
        Problem(
            raw.source,
            None,
            f"the {table} table has a header but no data rows. Columns found: "
            f"{list(raw.frame.columns)}",
            f"export the {table} table again with its rows (check the export's filters and "
            "date range)",
        )
    ]


def _drop_empty_columns(raw: _Raw, keep: set[str], warnings: list[LoaderWarning]) -> list[str]:
    """Drop optional columns that are blank on every row, with a warning; return their names.

    An empty optional column carries no information, and later stages treat an absent optional
    column correctly, whereas an all-missing one (no revenue at all, no email at all) would reach
    them as a column of missing values.
    """
    empty = [c for c in raw.frame.columns if c not in keep and _blank(raw.frame[c]).all()]
    if empty and len(raw.frame):
        raw.frame = raw.frame.drop(columns=empty)
        warnings.append(
            LoaderWarning(
                "loader.empty_columns", {"src": raw.source, "n": len(empty), "columns": empty}
            )
        )
        return empty
    return []


def _not_loaded(name: str, raw: _Raw, problems: list[Problem]):
    """Result of a table whose structure is wrong: its values are not checked further."""
    n = len(raw.frame)
    return raw.frame, TableReport(name, raw.source, n, n, list(raw.frame.columns)), problems


#: Share of rows (or of revenue) removed as exact duplicates above which the warning says that
#: genuine lines may have been removed.
_DUPLICATE_SHARE = 0.01


def _drop_exact_duplicates(raw: _Raw, warnings: list[LoaderWarning]) -> int:
    """Drop exact duplicate rows, keeping the first; warn with how many (and their share).

    The revenue they held is added to the warning by :func:`_duplicate_note` once revenue is
    read (interactions): ``raw.duplicate_copies`` counts the removed copies of each kept row.
    """
    dup = raw.frame.duplicated(keep="first")
    n = int(dup.sum())
    if n:
        hashes = pd.util.hash_pandas_object(raw.frame, index=False)
        counts = hashes.map(hashes.value_counts())
        raw.duplicate_copies = (counts[~dup] - 1).astype("int64")
        rows_read = len(raw.frame)
        raw.frame = raw.frame[~dup]
        if raw.table != "interactions":  # interactions: with revenue, once it is read
            warnings.append(_duplicate_note(raw, n, rows_read, None, None))
    return n


def _duplicate_note(
    raw: _Raw, n: int, rows_read: int, removed: float | None, total: float | None
) -> LoaderWarning:
    """The warning of dropped exact duplicates: rows, revenue, and a caution above 1%."""
    share = n / max(rows_read, 1)
    params: dict[str, Any] = {"src": raw.source, "n": n, "share": share, "rows": rows_read}
    key = "loader.duplicates"
    revenue_share = 0.0
    if removed is not None and total:
        revenue_share = removed / total
        key = "loader.duplicates_revenue"
        params.update(revenue=removed, revenue_share=revenue_share)
    caution = share > _DUPLICATE_SHARE or revenue_share > _DUPLICATE_SHARE
    params["caution"] = phrase("loader.duplicates_caution") if caution else ""
    return LoaderWarning(key, params)


def _validate(raw: _Raw, frame: pd.DataFrame, schema: pa.DataFrameSchema) -> list[Problem]:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        rows = pd.Series(frame.index.to_numpy() + raw.row_offset, index=frame.index)
        failures = exc.failure_cases
        seen = failures.apply(
            lambda f: f["index"] in raw.unreadable.get(str(f["column"]), ()), axis=1
        ).astype(bool)
        failures = failures[~seen]
        if failures.empty:
            return []
        return problems_from_failures(failures, source=raw.source, row_numbers=rows)
    return []


def _missing_share(frame: pd.DataFrame) -> dict[str, float]:
    share = frame.isna().mean()
    return {c: round(float(v), 4) for c, v in share.items() if v > 0}


def _iso(value) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).isoformat(sep=" ")
