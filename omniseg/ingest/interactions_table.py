"""The interactions table: timestamps, channels, events and amounts typed and checked.

Channel and event labels are normalised (``Tienda`` is ``store``, ``compra`` is ``purchase``);
at least one identifier column is required and at least one interaction must carry a value in
it. Warnings name unknown channels and events, anonymous rows, and purchases that look like the
lines of one order without an ``order_id``. See ``docs/data_contract.md``.
"""

from __future__ import annotations

import pandas as pd

from omniseg.config.vocabulary import (
    CANONICAL_CHANNELS,
    CANONICAL_EVENTS,
    IDENTIFIER_COLUMNS,
    normalise_channels,
    normalise_events,
)
from omniseg.errors import Problem
from omniseg.ingest.columns import _missing_required
from omniseg.ingest.contract import (
    _drop_empty_columns,
    _drop_exact_duplicates,
    _duplicate_note,
    _iso,
    _missing_share,
    _no_rows,
    _not_loaded,
    _resolve_window,
    _validate,
)
from omniseg.ingest.data import TableReport
from omniseg.ingest.loader_warnings import LoaderWarning
from omniseg.ingest.parsing import _date_fix, _numbers, _to_datetime, _to_string
from omniseg.ingest.raw_table import _bad_cells, _Raw
from omniseg.ingest.schemas import Window, interactions_schema

__all__: list[str] = []


def _interactions(
    raw: _Raw,
    warnings: list[LoaderWarning],
    channel_aliases: dict[str, str] | None,
    window: Window | None = None,
) -> tuple[pd.DataFrame, TableReport, list[Problem]]:
    window = window or _resolve_window(None)
    rows_read = len(raw.frame)
    problems = _missing_required(raw, ["timestamp", "channel", "event"])
    if not any(c in raw.frame.columns for c in IDENTIFIER_COLUMNS):
        problems.append(
            Problem(
                raw.source,
                None,
                "no customer identifier column; expected at least one of "
                f"{list(IDENTIFIER_COLUMNS)}. "
                f"Columns found: {list(raw.frame.columns)}",
                "add the column that identifies who interacted (customer_id, email, phone, "
                "loyalty_id or device_id), or map yours with columns=",
            )
        )
    problems = problems or _no_rows("interactions", raw)
    if problems:
        return _not_loaded("interactions", raw, problems)
    n_duplicates = _drop_exact_duplicates(raw, warnings)
    id_columns = [c for c in IDENTIFIER_COLUMNS if c in raw.frame.columns]
    _drop_empty_columns(raw, {"timestamp", "channel", "event"}, warnings)
    df = raw.frame.copy()
    fix = _date_fix(df["timestamp"], "use ISO 8601 (2026-01-31 14:05:00) or DD/MM/YYYY HH:MM")
    df["timestamp"], bad = _to_datetime(df["timestamp"])
    if bad.any():
        problems.append(_bad_cells(raw, "timestamp", bad, "dates/times", fix))
    for col, what in (("channel", "channel names"), ("event", "event names")):
        dtype = df[col].dtype
        if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
            held = "true/false values" if pd.api.types.is_bool_dtype(dtype) else "numbers"
            problems.append(
                _bad_cells(
                    raw,
                    col,
                    df[col].notna().to_numpy(),
                    what,
                    f"the column holds {held}: export the {col} names as text (web, store, "
                    "purchase, ...)",
                )
            )
    raw_channels = df["channel"]
    df["channel"] = normalise_channels(df["channel"], channel_aliases)
    df["event"] = normalise_events(df["event"])
    for col in ("revenue", "satisfaction"):
        if col in df:
            df[col] = _numbers(
                raw, df, col, "numbers", f"write {col} as a number (decimal '.' or ',')", problems
            )
    for col in df.columns:
        if col not in ("timestamp", "channel", "event", "revenue", "satisfaction") and (
            df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype)
        ):
            df[col] = _to_string(df[col])
    if n_duplicates and "revenue" in df and raw.duplicate_copies is not None:
        kept = df["revenue"].fillna(0.0)
        removed = float((kept * raw.duplicate_copies.reindex(kept.index).fillna(0)).sum())
        warnings.append(
            _duplicate_note(raw, n_duplicates, rows_read, removed, float(kept.sum()) + removed)
        )
    elif n_duplicates:
        warnings.append(_duplicate_note(raw, n_duplicates, rows_read, None, None))
    problems += _validate(raw, df, interactions_schema(list(df.columns), window))
    present = [c for c in IDENTIFIER_COLUMNS if c in df]
    order_note = _order_lines_note(raw, df, present)
    if order_note:
        warnings.append(order_note)
    anonymous = int(df[present].isna().all(axis=1).sum()) if present else len(df)
    if anonymous == len(df):
        problems.append(
            Problem(
                raw.source,
                None,
                f"none of the {len(df):,} rows has a value in its identifier column(s) "
                f"{id_columns}: every interaction is anonymous, so none can be linked to a "
                "customer",
                "export the interactions with who interacted (customer_id, email, phone, "
                "loyalty_id or device_id), or map the column that holds it with columns=",
                tuple(int(i) + raw.row_offset for i in df.index[:5]),
                len(df),
            )
        )
        anonymous = 0  # reported as a problem, not also as a warning
    channel_counts = {str(k): int(v) for k, v in df["channel"].value_counts().items()}
    unknown = sorted(c for c in channel_counts if c not in CANONICAL_CHANNELS)
    if unknown:
        labels = sorted(
            {
                str(v)
                for v, n in zip(raw_channels, df["channel"], strict=True)
                if isinstance(n, str) and n in unknown
            }
        )[:5]
        warnings.append(
            LoaderWarning(
                "loader.unknown_channels",
                {"src": raw.source, "n": len(unknown), "channels": unknown, "labels": labels},
            )
        )
    unknown_events = sorted(set(df["event"].dropna().unique()) - set(CANONICAL_EVENTS))
    if unknown_events:
        warnings.append(
            LoaderWarning(
                "loader.unknown_events",
                {"src": raw.source, "events": [str(e) for e in unknown_events[:8]]},
            )
        )
    if anonymous:
        warnings.append(
            LoaderWarning(
                "loader.anonymous",
                {"src": raw.source, "n": anonymous, "share": anonymous / max(len(df), 1)},
            )
        )
    report = TableReport(
        "interactions",
        raw.source,
        rows_read,
        len(df),
        list(df.columns),
        _missing_share(df),
        _iso(df["timestamp"].min()),
        _iso(df["timestamp"].max()),
        {"channel_counts": channel_counts, "anonymous_rows": anonymous},
    )
    return df.reset_index(drop=True), report, problems


#: Order lines: purchases of one customer at one identical timestamp, as a share of purchase rows
#: and as a number of rows, above which they are likely lines of one order.
_ORDER_LINES_SHARE = 0.20
_ORDER_LINES_MIN = 50


def _order_lines_note(raw: _Raw, df: pd.DataFrame, identifiers: list[str]) -> LoaderWarning | None:
    """A warning when purchases look like order lines and there is no ``order_id`` to group them.

    More than :data:`_ORDER_LINES_SHARE` of the purchase rows (and at least
    :data:`_ORDER_LINES_MIN`) share their identifier(s) and timestamp with another purchase row.
    """
    if "order_id" in df or not identifiers:
        return None
    purchases = df.loc[df["event"] == "purchase", [*identifiers, "timestamp"]]
    purchases = purchases[purchases[identifiers].notna().any(axis=1)]
    purchases = purchases[purchases["timestamp"].notna()]
    if len(purchases) < _ORDER_LINES_MIN:
        return None
    shared = int(purchases.duplicated(keep=False).sum())
    if shared < _ORDER_LINES_MIN or shared <= _ORDER_LINES_SHARE * len(purchases):
        return None
    return LoaderWarning(
        "loader.order_lines",
        {
            "src": raw.source,
            "n": shared,
            "purchases": len(purchases),
            "order_share": shared / len(purchases),
        },
    )
