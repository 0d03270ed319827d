"""Customer journeys: every person's events cut into journeys, each distinct channel path kept
once with its counts, conversions and value (overall and per segment).

A **journey** is one person's ordered touchpoints up to and including a purchase (a *converting*
journey, worth the purchase's revenue), or up to the end of the data or a long silence without a
purchase (a *null* journey). :func:`build_journeys` builds the :class:`Journeys` that the
attribution methods (:mod:`omniseg.channels.attribution`) and the journey tables and figures
(:mod:`omniseg.channels.charts`) take.

Examples
--------
>>> j = Journeys.from_paths([["web", "store"], ["web"], ["store"]], conversions=[1, 0, 1])
>>> j.n_journeys, j.n_conversions
(3, 2)
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from omniseg._checks import bad_parameter as _bad
from omniseg._checks import check_int as _check_int
from omniseg.config.vocabulary import order_channels
from omniseg.errors import DataValidationError, ParameterError, Problem

__all__ = ["JOURNEY_DEFAULTS", "Journeys", "build_journeys"]


#: Default journey definition of :func:`build_journeys` (each overridable by a keyword argument).
JOURNEY_DEFAULTS: dict[str, Any] = {
    "session_gap": "30D",
    "conversion_events": ("purchase",),
    "touch_events": None,
    "purchase_as_touch": True,
    "collapse_repeats": True,
    "max_length": 20,
}


_REQUIRED = ("person_id", "timestamp", "channel", "event")


_FIX = {
    "person_id": "resolve identities first: events.assign(person_id="
    "IdentityResolver().fit(customers, events).transform(events))",
    "timestamp": "add the time of each interaction (column 'timestamp')",
    "channel": "add the channel of each interaction (column 'channel')",
    "event": "add the event type of each interaction (view, click, contact, purchase, ...)",
}


@dataclass(frozen=True, eq=False)
class Journeys:
    """Distinct journey paths with their counts, conversions and value (see :func:`build_journeys`).

    Identical paths (within a segment) are stored once: row ``i`` of ``steps`` holds the channel
    codes of path ``i`` (codes into ``channels``, ``-1`` after the path's ``length``), taken by
    ``n[i]`` journeys of which ``conversions[i]`` ended in a purchase worth ``value[i]`` in total.

    Attributes
    ----------
    channels : tuple of str
        Channel of each code.
    steps : ndarray of int16, shape (n_paths, max_length)
    length : ndarray of int64
    n, conversions : ndarray of int64
    value : ndarray of float64
    segment : ndarray of int64 or None
        Code into ``segments`` of each path row; ``-1`` for persons without a segment.
    segments : tuple
        Segment labels (empty without segments).
    info : dict
        How the journeys were built: events read, events and journeys dropped, and why.
    """

    channels: tuple[str, ...]
    steps: np.ndarray
    length: np.ndarray
    n: np.ndarray
    conversions: np.ndarray
    value: np.ndarray
    segment: np.ndarray | None = None
    segments: tuple = ()
    info: dict = field(default_factory=dict)

    @classmethod
    def from_paths(
        cls,
        paths: Sequence[Sequence[str]],
        conversions: Sequence[int],
        *,
        value: Sequence[float] | None = None,
        counts: Sequence[int] | None = None,
        segments: Sequence[Hashable] | None = None,
        channels: Sequence[str] | None = None,
    ) -> Journeys:
        """Journeys from explicit paths (tests, examples, data already cut into journeys).

        Parameters
        ----------
        paths : sequence of sequences of str
            The channels of each journey, in order (not empty).
        conversions : sequence of int
            Conversions of each entry (0/1 per journey, or up to ``counts``).
        value : sequence of float, optional
            Total conversion value of each entry (default 0).
        counts : sequence of int, optional
            How many journeys each entry stands for (default 1).
        segments : sequence, optional
            Segment label of each entry.
        channels : sequence of str, optional
            Channel order (default: :func:`omniseg.config.order_channels` of those seen).

        Examples
        --------
        >>> j = Journeys.from_paths([["web"], ["web"], ["app", "web"]], conversions=[1, 0, 1])
        >>> j.to_frame()
                 path  n  conversions  value
        0      (web,)  2            1    0.0
        1  (app, web)  1            1    0.0
        """
        func = "Journeys.from_paths"
        paths = [tuple(str(c) for c in p) for p in paths]
        size = len(paths)
        counts_a = np.ones(size, np.int64) if counts is None else np.asarray(counts, np.int64)
        conv_a = np.asarray(conversions, dtype=np.int64).reshape(-1)
        value_a = np.zeros(size) if value is None else np.asarray(value, dtype=float).reshape(-1)
        for name, arr in (("conversions", conv_a), ("value", value_a), ("counts", counts_a)):
            if len(arr) != size:
                raise _bad(name, func, f"a sequence of {size} numbers (one per path)", len(arr))
        if any(len(p) == 0 for p in paths):
            raise _bad("paths", func, "a sequence of non-empty paths", [])
        if (counts_a < 1).any() or (conv_a < 0).any() or (conv_a > counts_a).any():
            raise _bad("conversions", func, "integers between 0 and each path's count", conv_a)
        seen = order_channels(c for p in paths for c in p)
        chans = tuple(seen if channels is None else channels)
        missing = sorted(set(seen) - set(chans))
        if missing:
            raise _bad("channels", func, "a sequence holding every channel of the paths", missing)
        code = {c: i for i, c in enumerate(chans)}
        width = max((len(p) for p in paths), default=1)
        steps = np.full((size, width), -1, np.int16)
        for i, p in enumerate(paths):
            steps[i, : len(p)] = [code[c] for c in p]
        length = np.array([len(p) for p in paths], np.int64)
        seg_codes, seg_labels = None, ()
        if segments is not None:
            if len(segments) != size:
                raise _bad("segments", func, f"a sequence of {size} labels", len(segments))
            seg_codes, uniques = pd.factorize(pd.Series(list(segments), dtype=object), sort=True)
            seg_labels = tuple(uniques)
        return _grouped(chans, steps, length, counts_a, conv_a, value_a, seg_codes, seg_labels, {})

    # ---- views ----------------------------------------------------------------------------

    @property
    def n_journeys(self) -> int:
        """Number of journeys."""
        return int(self.n.sum())

    @property
    def n_conversions(self) -> int:
        """Number of converting journeys."""
        return int(self.conversions.sum())

    def select(self, segment: Hashable | None = None) -> Journeys:
        """The journeys of one segment (``None``: all journeys, with or without a segment)."""
        if segment is None:
            return self
        if segment not in self.segments:
            raise ParameterError(
                f"The 'segment' parameter must be one of the segments {list(self.segments)}. "
                f"Got {segment!r} instead."
            )
        mask = self.segment == self.segments.index(segment)
        return Journeys(
            self.channels,
            self.steps[mask],
            self.length[mask],
            self.n[mask],
            self.conversions[mask],
            self.value[mask],
            self.segment[mask],
            self.segments,
            {**self.info, "segment": segment},
        )

    def paths(self) -> list[tuple[str, ...]]:
        """Each path row as a tuple of channel names."""
        names = np.asarray(self.channels, dtype=object)
        return [tuple(names[row[:k]]) for row, k in zip(self.steps, self.length, strict=True)]

    def to_frame(self) -> pd.DataFrame:
        """One row per stored path: ``segment`` (with segments), ``path``, ``n``,
        ``conversions``, ``value``."""
        frame = pd.DataFrame(
            {
                "path": self.paths(),
                "n": self.n,
                "conversions": self.conversions,
                "value": self.value,
            }
        )
        if self.segment is not None:
            labels = np.asarray([*self.segments, None], dtype=object)
            frame.insert(0, "segment", labels[self.segment])
        return frame

    def __repr__(self) -> str:
        segs = f", {len(self.segments)} segments" if self.segments else ""
        return (
            f"Journeys({self.n_journeys:,} journeys, {self.n_conversions:,} converting, "
            f"{len(self.n):,} distinct paths, {len(self.channels)} channels{segs})"
        )


def _grouped(channels, steps, length, n, conv, value, seg_codes, seg_labels, info) -> Journeys:
    """Merge identical (segment, path) rows: sum counts, conversions and value."""
    rows = len(length)
    width = int(length.max()) if rows else 1
    steps = np.ascontiguousarray(steps[:, :width], dtype=np.int16)
    key = steps if seg_codes is None else np.column_stack([seg_codes.astype(np.int16), steps])
    if seg_codes is not None and len(seg_labels) >= np.iinfo(np.int16).max:
        key = np.column_stack([seg_codes.astype(np.int64), steps.astype(np.int64)])
    key = np.ascontiguousarray(key)
    void = key.view(np.dtype((np.void, key.dtype.itemsize * key.shape[1]))).ravel()
    _, first, inverse = np.unique(void, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    order = np.argsort(first, kind="stable")  # keep the order of first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    inv = rank[inverse]
    k = len(first)
    return Journeys(
        channels=tuple(channels),
        steps=steps[first[order]],
        length=np.asarray(length, np.int64)[first[order]],
        n=np.bincount(inv, weights=n, minlength=k).astype(np.int64),
        conversions=np.bincount(inv, weights=conv, minlength=k).astype(np.int64),
        value=np.bincount(inv, weights=value, minlength=k),
        segment=None if seg_codes is None else np.asarray(seg_codes, np.int64)[first[order]],
        segments=tuple(seg_labels),
        info=dict(info),
    )


def _missing_columns(events: pd.DataFrame, source: str) -> list[Problem]:
    found = list(map(str, events.columns))
    return [
        Problem(
            source,
            col,
            f"column '{col}' not found. Columns found: {found}",
            _FIX[col],
        )
        for col in _REQUIRED
        if col not in events.columns
    ]


def _timestamps_ns(ts: pd.Series, source: str) -> np.ndarray:
    """Timestamps as int64 nanoseconds; time-zone aware ones in UTC (naive ones as they are)."""
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    elif not pd.api.types.is_datetime64_any_dtype(ts.dtype):
        try:
            parsed = pd.to_datetime(ts, utc=True, errors="coerce", format="mixed")
        except (TypeError, ValueError):  # pragma: no cover - pandas version differences
            parsed = pd.to_datetime(ts, utc=True, errors="coerce")
        bad = np.flatnonzero(parsed.isna().to_numpy() & ts.notna().to_numpy())
        if len(bad):
            raise DataValidationError(
                [
                    Problem(
                        source,
                        "timestamp",
                        f"{len(bad)} values are not dates",
                        "write timestamps as ISO dates (2025-05-01 08:30:00)",
                        rows=tuple(int(b) for b in bad[:5]),
                        n_rows=len(bad),
                    )
                ]
            )
        ts = parsed.dt.tz_localize(None)
    missing = np.flatnonzero(ts.isna().to_numpy())
    if len(missing):
        raise DataValidationError(
            [
                Problem(
                    source,
                    "timestamp",
                    f"{len(missing)} missing timestamps",
                    "drop or complete the interactions without a time",
                    rows=tuple(int(b) for b in missing[:5]),
                    n_rows=len(missing),
                )
            ]
        )
    return ts.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _gap_ns(session_gap: Any) -> int | None:
    if session_gap is None:
        return None
    try:
        gap = pd.Timedelta(session_gap)
    except (TypeError, ValueError):
        gap = None
    if gap is None or pd.isna(gap) or gap <= pd.Timedelta(0):
        raise _bad(
            "session_gap",
            "build_journeys",
            "a positive duration ('30D', '12h') or None",
            session_gap,
        )
    return int(gap.value)


def build_journeys(
    events: pd.DataFrame,
    *,
    segments: pd.Series | Mapping | None = None,
    session_gap: str | pd.Timedelta | None = JOURNEY_DEFAULTS["session_gap"],
    conversion_events: Sequence[str] = JOURNEY_DEFAULTS["conversion_events"],
    touch_events: Sequence[str] | None = JOURNEY_DEFAULTS["touch_events"],
    purchase_as_touch: bool = JOURNEY_DEFAULTS["purchase_as_touch"],
    collapse_repeats: bool = JOURNEY_DEFAULTS["collapse_repeats"],
    max_length: int = JOURNEY_DEFAULTS["max_length"],
) -> Journeys:
    """Cut each person's events into journeys and group identical paths.

    Definition (defaults in :data:`JOURNEY_DEFAULTS`):

    - A person's events are ordered by time (time-zone-aware timestamps compared in UTC). Events
      at the same instant are ordered deterministically, whatever the input row order: other
      events before a purchase, then by channel code, then purchases by revenue.
    - A journey ends **at a purchase** (a ``conversion_events`` event: a converting journey,
      worth that row's revenue), at a **silence** longer than ``session_gap`` (the journey before
      it is null: no purchase), or at the end of the person's data (null). The next event
      starts a new journey.
    - Its **path** is the channels of its touchpoints: every event (or only ``touch_events``),
      the purchase itself included (``purchase_as_touch``: the channel where the purchase
      happened is the last touchpoint). With ``collapse_repeats`` consecutive touches of the same
      channel count once (``web > web > store`` is ``web > store``).
    - Paths longer than ``max_length`` keep their last ``max_length`` touches: the earliest are
      dropped (so first-touch credits the earliest *kept* touch of such journeys).
    - Rows without a person (anonymous) or a channel are dropped and counted in ``info``;
      journeys left without touches (possible with ``touch_events`` or
      ``purchase_as_touch=False``) are dropped and counted too.

    Parameters
    ----------
    events : DataFrame
        Columns ``person_id``, ``timestamp``, ``channel``, ``event``; optional ``revenue``
        (missing: value 0).
    segments : Series or mapping, optional
        ``person_id -> segment``; persons not in it have no segment (they count in the overall
        figures only).
    session_gap : duration or None, default "30D"
        Silence that ends a journey without a purchase (``None``: only purchases and the end of
        the data end journeys).
    conversion_events : sequence of str, default ("purchase",)
    touch_events : sequence of str, optional
        Events that count as touchpoints (default: all).
    purchase_as_touch : bool, default True
    collapse_repeats : bool, default True
    max_length : int, default 20

    Returns
    -------
    Journeys

    Examples
    --------
    >>> ev = pd.DataFrame({
    ...     "person_id": ["a", "a", "a", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-02",
    ...                                  "2025-01-03", "2025-01-01"]),
    ...     "channel": ["web", "web", "store", "email", "app"],
    ...     "event": ["view", "view", "purchase", "click", "view"],
    ...     "revenue": [None, None, 80.0, None, None],
    ... })
    >>> build_journeys(ev).to_frame()
               path  n  conversions  value
    0  (web, store)  1            1   80.0
    1      (email,)  1            0    0.0
    2        (app,)  1            0    0.0
    """
    func = "build_journeys"
    source = "<DataFrame events>"
    if not isinstance(events, pd.DataFrame):
        raise _bad("events", func, "a pandas DataFrame", type(events).__name__)
    problems = _missing_columns(events, source)
    if problems:
        raise DataValidationError(problems)
    max_length = _check_int(max_length, "max_length", func, 1, 1000)
    gap = _gap_ns(session_gap)
    if isinstance(conversion_events, str):
        conversion_events = (conversion_events,)
    if isinstance(touch_events, str):
        touch_events = (touch_events,)

    info: dict[str, Any] = {"events": len(events)}
    person = events["person_id"]
    channel = events["channel"]
    keep = (person.notna() & channel.notna()).to_numpy(dtype=bool)
    info["dropped_anonymous"] = int(person.isna().sum())
    info["dropped_no_channel"] = int((person.notna() & channel.isna()).sum())
    if not keep.all():
        events = events.loc[keep]
    ts = _timestamps_ns(events["timestamp"], source)
    p_codes, p_uniques = pd.factorize(events["person_id"], sort=False)
    c_codes, c_uniques = pd.factorize(events["channel"], sort=False)
    c_names = [str(c) for c in c_uniques]
    chans = tuple(order_channels(c_names))
    remap = np.array([chans.index(c) for c in c_names], dtype=np.int16)
    ch = remap[c_codes] if len(c_codes) else c_codes.astype(np.int16)
    e_codes, e_uniques = pd.factorize(events["event"], sort=False)
    e_labels = [str(e) for e in e_uniques]
    is_conv = np.isin(e_codes, [i for i, e in enumerate(e_labels) if e in set(conversion_events)])
    if touch_events is None:
        is_touch = np.ones(len(e_codes), bool)
    else:
        is_touch = np.isin(e_codes, [i for i, e in enumerate(e_labels) if e in set(touch_events)])
    is_touch = np.where(is_conv, bool(purchase_as_touch), is_touch)
    if "revenue" in events.columns:
        rev = pd.to_numeric(events["revenue"], errors="coerce").to_numpy(dtype=float, na_value=0.0)
        rev = np.nan_to_num(rev, nan=0.0)
    else:
        rev = np.zeros(len(ch))

    # Order rows by (person, time, non-purchase before purchase, channel): stable sorts from the
    # least to the most significant key.
    tie = is_conv.astype(np.int16) * (len(chans) + 1) + ch
    order = _event_order(np.asarray(p_codes, np.int64), ts, tie, 2 * (len(chans) + 1))
    p, ts, ch, is_conv, is_touch, rev = (
        a[order] for a in (p_codes, ts, ch, is_conv, is_touch, rev)
    )
    _order_simultaneous_purchases(p, ts, ch, is_conv, rev)
    del order, tie

    n_rows = len(p)
    start = np.ones(n_rows, bool)
    if n_rows:
        start[1:] = (p[1:] != p[:-1]) | is_conv[:-1]
        if gap is not None:
            start[1:] |= (ts[1:] - ts[:-1]) > gap
    jid = np.cumsum(start) - 1
    n_j = int(jid[-1]) + 1 if n_rows else 0
    end = np.flatnonzero(np.r_[start[1:], True]) if n_rows else np.array([], np.int64)
    conv_j = is_conv[end].astype(np.int64)
    value_j = np.where(conv_j > 0, rev[end], 0.0)
    person_j = p[end]

    # Touchpoints of each journey: kept events, consecutive repeats collapsed.
    t_idx = np.flatnonzero(is_touch)
    t_j, t_ch = jid[t_idx], ch[t_idx]
    if collapse_repeats and len(t_idx):
        same = np.r_[False, (t_j[1:] == t_j[:-1]) & (t_ch[1:] == t_ch[:-1])]
        t_j, t_ch = t_j[~same], t_ch[~same]
    length = np.bincount(t_j, minlength=n_j).astype(np.int64)
    t_start = np.cumsum(length) - length
    pos = np.arange(len(t_j)) - t_start[t_j]
    capped = np.maximum(length - max_length, 0)
    keep_t = pos >= capped[t_j]
    info["capped_journeys"] = int((capped > 0).sum())
    length = np.minimum(length, max_length)
    nonempty = length > 0
    info["dropped_empty_journeys"] = int((~nonempty).sum())
    info["dropped_empty_conversions"] = int(conv_j[~nonempty].sum())
    row_of = np.cumsum(nonempty) - 1
    width = int(length.max()) if n_j else 1
    steps = np.full((int(nonempty.sum()), max(width, 1)), -1, np.int16)
    steps[row_of[t_j[keep_t]], (pos - capped[t_j])[keep_t]] = t_ch[keep_t]

    seg_codes, seg_labels = None, ()
    if segments is not None:
        seg = pd.Series(segments) if isinstance(segments, Mapping) else segments
        if not isinstance(seg, pd.Series):
            raise _bad("segments", func, "a Series or mapping person_id -> segment", type(seg))
        seg = seg[~seg.index.duplicated(keep="last")]
        try:  # every segment of the map is selectable, also one without journeys
            _, uniques = pd.factorize(seg.dropna(), sort=True)
        except TypeError:  # labels of mixed types
            _, uniques = pd.factorize(seg.dropna(), sort=False)
        per_person = seg.reindex(pd.Index(p_uniques))
        codes = pd.Index(uniques).get_indexer(per_person)
        seg_codes = np.asarray(codes, np.int64)[person_j][nonempty]
        seg_labels = tuple(uniques)
        info["journeys_without_segment"] = int((seg_codes < 0).sum())
    info.update(persons=len(p_uniques), journeys=int(nonempty.sum()))
    return _grouped(
        chans,
        steps,
        length[nonempty],
        np.ones(int(nonempty.sum()), np.int64),
        conv_j[nonempty],
        value_j[nonempty],
        seg_codes,
        seg_labels,
        info,
    )


def _event_order(p: np.ndarray, ts: np.ndarray, tie: np.ndarray, n_tie: int) -> np.ndarray:
    """Row order by (person, time, tie): one sort of a combined int64 key when it fits (times at
    the coarsest exact resolution: s, ms, us or ns), else three stable sorts."""
    if len(p) == 0:
        return np.arange(0)
    if int(ts.max()) - int(ts.min()) < 2**62:  # Python ints: no overflow
        rel = ts - ts.min()
        for unit in (10**9, 10**6, 10**3, 1):
            if unit == 1 or not (rel % unit).any():
                break
        rel = rel // unit
        span = int(rel.max()) + 1
        if (int(p.max()) + 1) * span * n_tie < 2**62:
            return np.argsort((p * span + rel) * n_tie + tie)
    order = np.argsort(tie, kind="stable")
    order = order[np.argsort(ts[order], kind="stable")]
    return order[np.argsort(p[order], kind="stable")]


def _order_simultaneous_purchases(p, ts, ch, is_conv, rev) -> None:
    """In place: purchases of one person at one instant in one channel, ordered by revenue."""
    if len(p) < 2:
        return
    tie = (p[1:] == p[:-1]) & (ts[1:] == ts[:-1]) & (ch[1:] == ch[:-1]) & is_conv[1:] & is_conv[:-1]
    if not tie.any():
        return
    run_start = np.r_[True, ~tie]
    run = np.cumsum(run_start) - 1
    run_len = np.bincount(run)
    rows = np.flatnonzero(run_len[run] > 1)
    local = np.lexsort((rev[rows], run[rows]))
    rev[rows] = rev[rows][local]


def _valid(j: Journeys) -> np.ndarray:
    return np.arange(j.steps.shape[1])[None, :] < j.length[:, None]


def _journeys_arg(journeys: Any, func: str) -> Journeys:
    if not isinstance(journeys, Journeys):
        raise _bad("journeys", func, "a Journeys (from build_journeys)", type(journeys).__name__)
    return journeys
