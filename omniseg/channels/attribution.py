"""Channel attribution from customer journeys: which channels lead people to buy?

A **journey** is one person's ordered touchpoints up to and including a purchase (a *converting*
journey, worth the purchase's revenue), or up to the end of the data or a long silence without a
purchase (a *null* journey). :func:`build_journeys` cuts every person's events into journeys and
keeps a compact representation: each distinct path of channels once, with how many journeys took
it, how many converted and their value (overall and per segment).

Attribution methods, all returning one row per channel with a ``share`` summing to 1:

- :func:`markov_attribution`: the journeys as an absorbing Markov chain (start -> channels ->
  conversion or null). A channel's **removal effect** is the share of conversions lost when the
  channel is removed (whoever reaches it drops out): ``1 - P(conversion without it) /
  P(conversion)``. Absorption probabilities are solved exactly (a linear system, no simulation).
  ``order=k`` uses the last ``k`` channels as the state.
- :func:`shapley_attribution`: the Shapley value of each channel in the cooperative game whose
  coalition value ``v(S)`` is the number of conversions of journeys whose channel *set* is a
  subset of ``S`` (the "simplified Shapley value" of Zhao et al. 2018): each converting journey's
  conversion is split equally among the distinct channels it touched.
- :func:`position_based_attribution` (U-shaped, 40/20/40 by default), :func:`first_touch`,
  :func:`last_touch`, :func:`linear_touch`: rule-based references for comparison.

:func:`attribution_table` puts the shares of several methods side by side;
:func:`compare_by_segment` shows one method's shares per segment. :func:`top_paths`,
:func:`transition_matrix` and the plotly figures (:func:`plot_transitions`, :func:`plot_sankey`,
:func:`plot_attribution`) show the journeys themselves. See ``docs/attribution.md``.

**When attribution and journeys do not apply.** Attribution compares channels and journey charts
show moves between them: with one channel in the journeys, no journeys, or no purchases there is
nothing to compare. :func:`attribution_status` and :func:`journey_status` say whether they apply
and why not (a language-free reason code: ``"one_channel"``, ``"no_sequences"``,
``"no_purchases"``); :func:`attribution_table`, :func:`transition_matrix`,
:func:`plot_sankey` and the figures then return a :class:`NotApplicable` (falsy, with the
reason; its text is made at display time from :mod:`omniseg.report.i18n`) instead of a 100 % / 0 %
table.
The per-method functions (:func:`markov_attribution`, ...) and :func:`compare_by_segment` keep
returning their frame, with ``attrs["status"]`` and ``attrs["reason"]``.

Examples
--------
>>> j = Journeys.from_paths([["web", "store"], ["web"], ["store"]], conversions=[1, 0, 1])
>>> markov_attribution(j)[["channel", "removal_effect", "share"]]
  channel  removal_effect     share
0     web             0.5  0.333333
1   store             1.0  0.666667
>>> shapley_attribution(j)["attributed_conversions"].tolist()
[0.5, 1.5]
"""

from __future__ import annotations

import html
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from omniseg._checks import bad_parameter as _bad
from omniseg._checks import check_int as _check_int
from omniseg.config.vocabulary import order_channels
from omniseg.errors import DataValidationError, ParameterError, Problem
from omniseg.report.i18n import channel_label, check_language

__all__ = [
    "JOURNEY_DEFAULTS",
    "METHODS",
    "Journeys",
    "NotApplicable",
    "attribution_status",
    "attribution_table",
    "build_journeys",
    "compare_by_segment",
    "first_touch",
    "journey_status",
    "last_touch",
    "linear_touch",
    "markov_attribution",
    "plot_attribution",
    "plot_sankey",
    "plot_transitions",
    "position_based_attribution",
    "shapley_attribution",
    "top_paths",
    "transition_matrix",
]

#: Default journey definition of :func:`build_journeys` (each overridable by a keyword argument).
JOURNEY_DEFAULTS: dict[str, Any] = {
    "session_gap": "30D",
    "conversion_events": ("purchase",),
    "touch_events": None,
    "purchase_as_touch": True,
    "collapse_repeats": True,
    "max_length": 20,
}

#: Attribution methods known to :func:`attribution_table`.
METHODS: tuple[str, ...] = (
    "markov",
    "shapley",
    "position",
    "linear",
    "first_touch",
    "last_touch",
)

#: Labels of this module's figures and tables (English and Spanish).
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "markov": "Markov (removal effect)",
        "shapley": "Shapley",
        "position": "Position-based (40/20/40)",
        "linear": "Linear",
        "first_touch": "First touch",
        "last_touch": "Last touch",
        "start": "(start)",
        "conversion": "(purchase)",
        "null": "(no purchase)",
        "more": "(more steps)",
        "step": "Step {step}",
        "from": "From",
        "to": "To",
        "share": "Share of conversions",
        "channel": "Channel",
        "fig.transitions": "Where each touchpoint leads next",
        "fig.sankey": "The first {steps} steps of the journeys",
        "fig.attribution": "Share of conversions credited to each channel",
        "hover.transition": "%{y} → %{x}: %{z:.1%}",
        "hover.link": "%{source.label} → %{target.label}: %{value:,} journeys",
        "hover.bar": "%{x}: %{y:.1%}",
    },
    "es": {
        "markov": "Markov (efecto de eliminación)",
        "shapley": "Shapley",
        "position": "Por posición (40/20/40)",
        "linear": "Lineal",
        "first_touch": "Primer contacto",
        "last_touch": "Último contacto",
        "start": "(inicio)",
        "conversion": "(compra)",
        "null": "(sin compra)",
        "more": "(más pasos)",
        "step": "Paso {step}",
        "from": "Desde",
        "to": "Hacia",
        "share": "Cuota de las conversiones",
        "channel": "Canal",
        "fig.transitions": "Adónde lleva cada punto de contacto",
        "fig.sankey": "Los {steps} primeros pasos de los recorridos",
        "fig.attribution": "Cuota de las conversiones atribuida a cada canal",
        "hover.transition": "%{y} → %{x}: %{z:.1%}",
        "hover.link": "%{source.label} → %{target.label}: %{value:,} recorridos",
        "hover.bar": "%{x}: %{y:.1%}",
    },
}

#: Row/column keys of :func:`transition_matrix` besides the channels.
START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"

_REQUIRED = ("person_id", "timestamp", "channel", "event")
_FIX = {
    "person_id": "resolve identities first: events.assign(person_id="
    "IdentityResolver().fit(customers, events).transform(events))",
    "timestamp": "add the time of each interaction (column 'timestamp')",
    "channel": "add the channel of each interaction (column 'channel')",
    "event": "add the event type of each interaction (view, click, contact, purchase, ...)",
}


def _label(key: str, language: str) -> str:
    return LABELS[language][key]


# --------------------------------------------------------------------------------------------
# When attribution and journeys do not apply
# --------------------------------------------------------------------------------------------

#: Reason codes of :class:`NotApplicable`, per kind of result.
NOT_APPLICABLE_REASONS: dict[str, tuple[str, ...]] = {
    "attribution": ("one_channel", "no_journeys", "no_purchases", "no_interactions"),
    "journeys": ("one_channel", "no_journeys", "no_sequences", "no_interactions"),
    "plan": ("no_interactions",),
    "patterns": ("one_channel", "no_interactions"),
    "gaps": ("one_channel", "no_interactions"),
}


@dataclass(frozen=True)
class NotApplicable:
    """A result that does not apply to the data, and why (language-free; falsy).

    Attributes
    ----------
    what : str
        ``"attribution"``, ``"journeys"`` (Sankey, transitions), ``"patterns"`` (cross-channel
        patterns), ``"gaps"`` (omnichannel gaps) or ``"plan"`` (the channel plan).
    reason : str
        ``"one_channel"`` (the data has a single channel), ``"no_journeys"``, ``"no_purchases"``,
        ``"no_sequences"`` (no journey touches two channels) or ``"no_interactions"`` (no
        interactions table: a CRM-only export).
    channels : tuple of str
        The channels the data has.
    segment : optional
        The segment the result was asked for (``None``: everyone).

    Examples
    --------
    >>> j = Journeys.from_paths([["web"], ["web"]], conversions=[1, 0])
    >>> na = attribution_table(j)
    >>> bool(na), na.reason
    (False, 'one_channel')
    >>> na.text()
    'Attribution does not apply: every journey uses one channel (Web), so there is nothing to \
split the purchases between.'
    """

    what: str
    reason: str
    channels: tuple[str, ...] = ()
    segment: Hashable | None = None
    status: str = "not_applicable"

    def __bool__(self) -> bool:
        return False

    def text(self, language: str = "en") -> str:
        """One short sentence in ``language`` (from :data:`omniseg.report.i18n.MESSAGES`)."""
        from omniseg.report import i18n

        lang = check_language(language)
        chans = ", ".join(channel_label(c, lang) for c in self.channels) or "–"
        return i18n.t(f"channels.na.{self.what}.{self.reason}", lang).format(ch=chans)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ``status``, ``what``, ``reason``, ``channels``."""
        return {
            "status": self.status,
            "what": self.what,
            "reason": self.reason,
            "channels": list(self.channels),
        }

    def _repr_html_(self) -> str:
        return f'<p class="os-lead">{html.escape(self.text())}</p>'


def _channels_used(j: Journeys) -> tuple[str, ...]:
    """Channels with at least one touch in the journeys, in the journeys' order."""
    if not len(j.length):
        return ()
    codes = np.unique(j.steps[_valid(j)].astype(np.int64))
    return tuple(j.channels[c] for c in codes if c >= 0)


def attribution_status(
    journeys: Journeys, *, segment: Hashable | None = None
) -> NotApplicable | None:
    """``None`` when attribution applies to the journeys, else why not (:class:`NotApplicable`).

    Attribution splits purchases between channels: it needs journeys (``"no_journeys"``), two or
    more channels in them (``"one_channel"``) and at least one purchase (``"no_purchases"``).
    """
    j = _journeys_arg(journeys, "attribution_status").select(segment)
    used = _channels_used(j)
    if j.n_journeys == 0:
        return NotApplicable("attribution", "no_journeys", used, segment)
    if len(used) < 2:
        return NotApplicable("attribution", "one_channel", used, segment)
    if j.n_conversions == 0:
        return NotApplicable("attribution", "no_purchases", used, segment)
    return None


def journey_status(journeys: Journeys, *, segment: Hashable | None = None) -> NotApplicable | None:
    """``None`` when cross-channel journeys (Sankey, transitions) apply, else why not.

    They need journeys (``"no_journeys"``), two or more channels (``"one_channel"``) and at
    least one journey that moves from one channel to another (``"no_sequences"``).
    """
    j = _journeys_arg(journeys, "journey_status").select(segment)
    used = _channels_used(j)
    if j.n_journeys == 0:
        return NotApplicable("journeys", "no_journeys", used, segment)
    if len(used) < 2:
        return NotApplicable("journeys", "one_channel", used, segment)
    if not (j.length >= 2).any():
        return NotApplicable("journeys", "no_sequences", used, segment)
    return None


def _mark(frame: pd.DataFrame, j: Journeys) -> pd.DataFrame:
    """Record in ``frame.attrs`` whether attribution applies (``status``, ``reason``)."""
    na = attribution_status(j)
    frame.attrs["status"] = "ok" if na is None else na.status
    frame.attrs["reason"] = None if na is None else na.reason
    return frame


# --------------------------------------------------------------------------------------------
# Journeys
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Markov chain
# --------------------------------------------------------------------------------------------


def _valid(j: Journeys) -> np.ndarray:
    return np.arange(j.steps.shape[1])[None, :] < j.length[:, None]


def _state_keys(j: Journeys, order: int) -> tuple[np.ndarray, int]:
    """Integer key of each step's state: its last ``order`` channels in base ``C + 1``."""
    base = len(j.channels) + 1
    if order * np.log2(base) > 62:
        raise ParameterError(
            f"order={order} with {len(j.channels)} channels has too many possible states; "
            "use a lower order."
        )
    steps = j.steps.astype(np.int64) + 1  # 0 = before the start / after the end
    keys = np.zeros_like(steps)
    for back in range(order):
        shifted = np.zeros_like(steps)
        shifted[:, back:] = steps[:, : steps.shape[1] - back]
        keys += shifted * base**back
    return keys, base


def _chain(j: Journeys, order: int):
    """Transition counts of the chain: transient states 0 (start), 1..m; absorbing conv, null."""
    keys, base = _state_keys(j, order)
    valid = _valid(j)
    flat = keys[valid]
    if base**order <= 2**22:  # a lookup table instead of sorting every step's key
        seen = np.bincount(flat, minlength=base**order) > 0
        uniq = np.flatnonzero(seen)
        lookup = np.cumsum(seen)  # key -> 1-based state number
        state = np.where(valid, lookup[keys], 0)
    else:
        uniq, inverse = np.unique(flat, return_inverse=True)
        state = np.zeros(keys.shape, np.int64)
        state[valid] = inverse.reshape(-1) + 1
    del keys, flat
    m = len(uniq) + 1
    rows = len(j.length)
    nxt = np.zeros_like(valid)
    nxt[:, :-1] = valid[:, 1:]
    src = np.concatenate([np.zeros(rows, np.int64), state[nxt]])
    dst = np.concatenate([state[:, 0], state[:, 1:][nxt[:, :-1]]])
    wt = np.concatenate([j.n, np.broadcast_to(j.n[:, None], nxt.shape)[nxt]]).astype(float)
    if m * m <= 2**24:
        dense = np.bincount(src * m + dst, weights=wt, minlength=m * m).reshape(m, m)
        counts = sp.csr_matrix(dense)
    else:
        counts = sp.coo_matrix((wt, (src, dst)), shape=(m, m)).tocsr()
    last = state[np.arange(rows), j.length - 1]
    to_conv = np.bincount(last, weights=j.conversions, minlength=m).astype(float)
    to_null = np.bincount(last, weights=j.n - j.conversions, minlength=m).astype(float)
    digits = (uniq[:, None] // base ** np.arange(order)[None, :]) % base - 1  # -1: none
    return counts, to_conv, to_null, uniq, digits


def _absorption(counts, to_conv, to_null, keep: np.ndarray | None = None) -> float:
    """P(conversion | start) of the chain restricted to the ``keep`` states (others -> null)."""
    total = np.asarray(counts.sum(axis=1)).ravel() + to_conv + to_null
    total[total == 0] = 1.0
    q = sp.diags(1.0 / total) @ counts
    r = to_conv / total
    if keep is not None:
        q = q[keep][:, keep]
        r = r[keep]
    a = sp.identity(q.shape[0], format="csr") - q
    dense = q.shape[0] <= 1500
    x = np.linalg.solve(a.toarray(), r) if dense else spla.spsolve(a.tocsc(), r)
    return float(x[0])


def _empty_frame(j: Journeys, extra: Sequence[str] = ()) -> pd.DataFrame:
    cols = {"channel": list(j.channels)}
    for c in (*extra, "share", "attributed_conversions", "attributed_value"):
        cols[c] = np.zeros(len(j.channels))
    return pd.DataFrame(cols)


def _result(
    j: Journeys, credit: np.ndarray, value_credit: np.ndarray | None = None
) -> pd.DataFrame:
    """Frame of per-channel credit (conversions) and value."""
    total = credit.sum()
    share = credit / total if total > 0 else np.zeros_like(credit)
    value = share * j.value.sum() if value_credit is None else value_credit
    frame = pd.DataFrame(
        {
            "channel": list(j.channels),
            "share": share,
            "attributed_conversions": credit,
            "attributed_value": value,
        }
    )
    return _mark(frame, j)


def markov_attribution(
    journeys: Journeys, *, order: int = 1, segment: Hashable | None = None
) -> pd.DataFrame:
    """Markov-chain removal-effect attribution (exact absorption probabilities).

    The journeys define an absorbing chain: ``start`` -> states -> ``conversion`` or ``null``,
    with transition probabilities the observed transition frequencies (each journey's path,
    ending in conversion or null). With ``order=1`` a state is a channel; with ``order=k`` the
    tuple of the last ``k`` channels (shorter at a journey's start). ``P(conversion)`` is the
    probability of absorption in conversion from the start, solved from ``(I - Q) x = r``. A
    channel's removal effect is ``1 - P_without / P``, where ``P_without`` is that probability
    once every state containing the channel is removed (whoever reaches it is lost, i.e. goes
    to null). Shares are the removal effects normalised to sum to 1;
    ``attributed_conversions`` and ``attributed_value`` split the observed conversions and
    their value by share.

    Parameters
    ----------
    journeys : Journeys
    order : int, default 1
        Memory of the chain (1 to 6).
    segment : optional
        Only this segment's journeys (default: all).

    Returns
    -------
    DataFrame
        ``channel``, ``removal_effect``, ``share``, ``attributed_conversions``,
        ``attributed_value``; ``attrs["p_conversion"]`` holds ``P(conversion)``.

    Examples
    --------
    >>> j = Journeys.from_paths([["a", "b"], ["c", "b"]], conversions=[1, 0])
    >>> markov_attribution(j, order=2)[["channel", "removal_effect"]]
      channel  removal_effect
    0       a             1.0
    1       b             1.0
    2       c             0.0
    """
    j = _journeys_arg(journeys, "markov_attribution").select(segment)
    order = _check_int(order, "order", "markov_attribution", 1, 6)
    if j.n_conversions == 0:
        frame = _empty_frame(j, ["removal_effect"])
        frame.attrs["p_conversion"] = 0.0
        frame = frame[
            ["channel", "removal_effect", "share", "attributed_conversions", "attributed_value"]
        ]
        return _mark(frame, j)
    counts, to_conv, to_null, _uniq, digits = _chain(j, order)
    p = _absorption(counts, to_conv, to_null)
    effects = np.zeros(len(j.channels))
    for c in range(len(j.channels)):
        holds = (digits == c).any(axis=1)
        if not holds.any():
            continue
        keep = np.r_[True, ~holds]
        effects[c] = 1.0 - _absorption(counts, to_conv, to_null, keep) / p
    effects = np.clip(effects, 0.0, 1.0)
    total = effects.sum()
    share = effects / total if total > 0 else np.zeros_like(effects)
    frame = pd.DataFrame(
        {
            "channel": list(j.channels),
            "removal_effect": effects,
            "share": share,
            "attributed_conversions": share * j.n_conversions,
            "attributed_value": share * j.value.sum(),
        }
    )
    frame.attrs["p_conversion"] = p
    return _mark(frame, j)


# --------------------------------------------------------------------------------------------
# Shapley and rule-based methods
# --------------------------------------------------------------------------------------------


def _journeys_arg(journeys: Any, func: str) -> Journeys:
    if not isinstance(journeys, Journeys):
        raise _bad("journeys", func, "a Journeys (from build_journeys)", type(journeys).__name__)
    return journeys


def _credit_by_position(j: Journeys, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Channel credit of conversions and value, given each step's weight (rows sum to 1)."""
    valid = _valid(j)
    ch = j.steps[valid].astype(np.int64)
    k = len(j.channels)
    conv = np.bincount(ch, weights=(weights * j.conversions[:, None])[valid], minlength=k)
    value = np.bincount(ch, weights=(weights * j.value[:, None])[valid], minlength=k)
    return conv, value


def shapley_attribution(journeys: Journeys, *, segment: Hashable | None = None) -> pd.DataFrame:
    """Shapley-value attribution over channel sets (the simplified Shapley value, Zhao et al. 2018).

    The cooperative game: the value of a coalition ``S`` of channels is the number of
    conversions of journeys whose set of distinct channels is a subset of ``S``. Its Shapley
    value, exactly, gives each converting journey's conversion (and its value) in equal parts to
    the distinct channels it touched: ``phi_c = sum over channel sets T containing c of
    conversions(T) / |T|``. Order and repeats within a journey do not matter, and null journeys
    do not enter (this variant values conversions, not conversion rates). Efficiency: the
    credits sum to the total conversions.

    Parameters
    ----------
    journeys : Journeys
    segment : optional

    Returns
    -------
    DataFrame
        ``channel``, ``share``, ``attributed_conversions``, ``attributed_value``.
    """
    j = _journeys_arg(journeys, "shapley_attribution").select(segment)
    valid = _valid(j)
    k = len(j.channels)
    rows = np.broadcast_to(np.arange(len(j.length))[:, None], valid.shape)[valid]
    present = np.zeros((len(j.length), k), bool)
    present[rows, j.steps[valid].astype(np.int64)] = True
    distinct = present.sum(axis=1)
    distinct[distinct == 0] = 1
    conv = present.T @ (j.conversions / distinct)
    value = present.T @ (j.value / distinct)
    return _result(j, conv, value)


def position_based_attribution(
    journeys: Journeys,
    *,
    first: float = 0.4,
    last: float = 0.4,
    segment: Hashable | None = None,
) -> pd.DataFrame:
    """Position-based (U-shaped) attribution: ``first`` to the first touch, ``last`` to the last,
    the rest split equally among the touches in between.

    A one-touch journey gives it everything; a two-touch journey splits
    ``first : last`` (50/50 by default).

    Examples
    --------
    >>> j = Journeys.from_paths([["a", "b", "c", "d"]], conversions=[1])
    >>> position_based_attribution(j)["attributed_conversions"].round(2).tolist()
    [0.4, 0.1, 0.1, 0.4]
    """
    func = "position_based_attribution"
    j = _journeys_arg(journeys, func).select(segment)
    for name, v in (("first", first), ("last", last)):
        if isinstance(v, bool) or not isinstance(v, Real) or not 0 <= v <= 1:
            raise _bad(name, func, "a number in [0, 1]", v)
    if first + last > 1 or first + last == 0:
        raise _bad("first", func, "such that 0 < first + last <= 1", (first, last))
    length = j.length[:, None].astype(float)
    pos = np.arange(j.steps.shape[1])[None, :]
    middle = np.where(length > 2, (1 - first - last) / np.maximum(length - 2, 1), 0.0)
    w = np.where(pos == 0, first, np.where(pos == length - 1, last, middle))
    w = np.where(length == 1, np.where(pos == 0, 1.0, 0.0), w)
    two = first / (first + last)
    w = np.where(length == 2, np.where(pos == 0, two, 1 - two), w)
    w = np.where(_valid(j), w, 0.0)
    return _result(j, *_credit_by_position(j, w))


def linear_touch(journeys: Journeys, *, segment: Hashable | None = None) -> pd.DataFrame:
    """Linear attribution: every touch of a converting journey gets an equal part."""
    j = _journeys_arg(journeys, "linear_touch").select(segment)
    w = np.where(_valid(j), 1.0 / j.length[:, None], 0.0)
    return _result(j, *_credit_by_position(j, w))


def first_touch(journeys: Journeys, *, segment: Hashable | None = None) -> pd.DataFrame:
    """First-touch attribution: each conversion to the first channel of its journey."""
    j = _journeys_arg(journeys, "first_touch").select(segment)
    w = np.zeros(j.steps.shape)
    w[:, 0] = 1.0
    return _result(j, *_credit_by_position(j, w))


def last_touch(journeys: Journeys, *, segment: Hashable | None = None) -> pd.DataFrame:
    """Last-touch attribution: each conversion to the last channel of its journey."""
    j = _journeys_arg(journeys, "last_touch").select(segment)
    w = np.zeros(j.steps.shape)
    w[np.arange(len(j.length)), j.length - 1] = 1.0
    return _result(j, *_credit_by_position(j, w))


_METHOD_FUNCS = {
    "markov": markov_attribution,
    "shapley": shapley_attribution,
    "position": position_based_attribution,
    "linear": linear_touch,
    "first_touch": first_touch,
    "last_touch": last_touch,
}


def _check_method(method: Any, func: str) -> str:
    if method not in _METHOD_FUNCS:
        raise _bad("method", func, f"one of {list(METHODS)}", method)
    return method


def attribution_table(
    journeys: Journeys,
    methods: Sequence[str] = ("markov", "shapley", "position", "first_touch", "last_touch"),
    *,
    segment: Hashable | None = None,
    column: str = "share",
    order: int = 1,
) -> pd.DataFrame | NotApplicable:
    """Channels x methods: each method's ``share`` (or another result ``column``).

    A :class:`NotApplicable` instead when attribution does not apply (one channel, no journeys,
    no purchases: :func:`attribution_status`).

    Parameters
    ----------
    journeys : Journeys
    methods : sequence of str
        Among :data:`METHODS`.
    segment : optional
    column : {"share", "attributed_conversions", "attributed_value"}
    order : int, default 1
        Order of the Markov chain.

    Examples
    --------
    >>> j = Journeys.from_paths([["web", "store"], ["web"], ["store"]], conversions=[1, 0, 1])
    >>> attribution_table(j, ["markov", "first_touch", "last_touch"]).round(3)
    ... # doctest: +NORMALIZE_WHITESPACE
    method   markov  first_touch  last_touch
    channel
    web       0.333          0.5         0.0
    store     0.667          0.5         1.0
    """
    func = "attribution_table"
    j = _journeys_arg(journeys, func)
    if isinstance(methods, str):
        methods = (methods,)
    if column not in ("share", "attributed_conversions", "attributed_value"):
        raise _bad(
            "column", func, "'share', 'attributed_conversions' or 'attributed_value'", column
        )
    for m in methods:
        _check_method(m, func)
    na = attribution_status(j, segment=segment)
    if na is not None:
        return na
    out = {}
    for m in methods:
        _check_method(m, func)
        kw = {"order": order} if m == "markov" else {}
        out[m] = _METHOD_FUNCS[m](j, segment=segment, **kw).set_index("channel")[column]
    table = pd.DataFrame(out, index=pd.Index(list(j.channels), name="channel"))
    table.columns.name = "method"
    return table


def compare_by_segment(
    journeys: Journeys,
    method: str = "markov",
    *,
    column: str = "share",
    include_all: bool = True,
    **kwargs: Any,
) -> pd.DataFrame:
    """Channels x segments: one method's ``share`` (or ``column``) in each segment.

    ``attrs["status"]`` is ``"not_applicable"`` (and ``attrs["reason"]`` says why) when
    attribution does not apply to the journeys as a whole (:func:`attribution_status`).

    Parameters
    ----------
    journeys : Journeys
        Built with ``segments``.
    method : str, default "markov"
    column : str, default "share"
    include_all : bool, default True
        Add an ``"(all)"`` column with every journey (those without a segment too).
    **kwargs
        Passed to the method (``order=2``, ``first=0.3``...).
    """
    func = "compare_by_segment"
    j = _journeys_arg(journeys, func)
    _check_method(method, func)
    if not j.segments:
        raise ParameterError(
            "compare_by_segment needs journeys with segments: "
            "build_journeys(events, segments=person_segments)."
        )
    na = attribution_status(j)
    out = {}
    for s in j.segments:
        out[s] = _METHOD_FUNCS[method](j, segment=s, **kwargs).set_index("channel")[column]
    if include_all:
        out["(all)"] = _METHOD_FUNCS[method](j, **kwargs).set_index("channel")[column]
    table = pd.DataFrame(out, index=pd.Index(list(j.channels), name="channel"))
    table.columns.name = "segment"
    table.attrs["status"] = "ok" if na is None else na.status
    table.attrs["reason"] = None if na is None else na.reason
    return table


# --------------------------------------------------------------------------------------------
# Paths and transitions
# --------------------------------------------------------------------------------------------


def top_paths(
    journeys: Journeys, n: int = 10, *, segment: Hashable | None = None, by: str = "n"
) -> pd.DataFrame:
    """The most frequent paths (``by="n"``), or those with most ``conversions`` or ``value``.

    Returns
    -------
    DataFrame
        ``path`` (``"web > store"``), ``journeys``, ``conversions``, ``conversion_rate``,
        ``value``, ``share_of_journeys``.
    """
    func = "top_paths"
    j = _journeys_arg(journeys, func).select(segment)
    n = _check_int(n, "n", func, 1)
    if by not in ("n", "conversions", "value"):
        raise _bad("by", func, "'n', 'conversions' or 'value'", by)
    if j.segment is not None:  # merge identical paths of different segments
        j = _grouped(j.channels, j.steps, j.length, j.n, j.conversions, j.value, None, (), {})
    key = {"n": j.n, "conversions": j.conversions, "value": j.value}[by]
    idx = np.lexsort((np.arange(len(key)), -key))[:n]
    names = np.asarray(j.channels, dtype=object)
    return pd.DataFrame(
        {
            "path": [" > ".join(names[j.steps[i, : j.length[i]]]) for i in idx],
            "journeys": j.n[idx],
            "conversions": j.conversions[idx],
            "conversion_rate": j.conversions[idx] / j.n[idx],
            "value": j.value[idx],
            "share_of_journeys": j.n[idx] / max(j.n_journeys, 1),
        }
    )


def transition_matrix(
    journeys: Journeys, *, segment: Hashable | None = None
) -> pd.DataFrame | NotApplicable:
    """First-order transition probabilities of the journeys' chain.

    A :class:`NotApplicable` instead when cross-channel journeys do not apply (one channel, no
    journey that moves between channels: :func:`journey_status`).

    Rows: ``"(start)"`` and the channels; columns: the channels, ``"(conversion)"`` and
    ``"(null)"``. Each row sums to 1 (a channel never reached has a row of zeros).

    Examples
    --------
    >>> j = Journeys.from_paths([["web", "store"], ["web"], ["store"]], conversions=[1, 0, 1])
    >>> transition_matrix(j)
                  web     store  (conversion)  (null)
    (start)  0.666667  0.333333           0.0     0.0
    web      0.000000  0.500000           0.0     0.5
    store    0.000000  0.000000           1.0     0.0
    """
    j = _journeys_arg(journeys, "transition_matrix").select(segment)
    na = journey_status(j)
    if na is not None:
        return NotApplicable(na.what, na.reason, na.channels, segment)
    k = len(j.channels)
    valid = _valid(j)
    counts = np.zeros((k + 1, k + 3))
    np.add.at(counts, (0, j.steps[:, 0].astype(np.int64)), j.n)
    nxt = valid[:, 1:]
    src = j.steps[:, :-1][nxt].astype(np.int64) + 1
    dst = j.steps[:, 1:][nxt].astype(np.int64)
    w = np.broadcast_to(j.n[:, None], nxt.shape)[nxt]
    np.add.at(counts, (src, dst), w)
    last = j.steps[np.arange(len(j.length)), j.length - 1].astype(np.int64) + 1
    np.add.at(counts, (last, k), j.conversions)
    np.add.at(counts, (last, k + 1), j.n - j.conversions)
    counts = counts[:, : k + 2]
    total = counts.sum(axis=1, keepdims=True)
    probs = np.divide(counts, total, out=np.zeros_like(counts), where=total > 0)
    return pd.DataFrame(
        probs,
        index=[START, *j.channels],
        columns=[*j.channels, CONVERSION, NULL],
    )


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


def _display(key: str, language: str) -> str:
    """Plain, escaped display label of a channel or a special state."""
    special = {START: "start", CONVERSION: "conversion", NULL: "null"}
    if key in special:
        return html.escape(_label(special[key], language))
    return html.escape(channel_label(str(key), language))


def plot_transitions(
    matrix: pd.DataFrame, *, language: str = "en", fig: go.Figure | None = None
) -> go.Figure:
    """Heat map of :func:`transition_matrix` (row: from, column: to); a
    :class:`NotApplicable` is returned as it is."""
    check_language(language)
    if isinstance(matrix, NotApplicable):
        return matrix
    if not isinstance(matrix, pd.DataFrame):
        raise _bad("matrix", "plot_transitions", "a DataFrame from transition_matrix", matrix)
    z = matrix.to_numpy(dtype=float)
    fig = fig if fig is not None else go.Figure()
    fig.add_trace(
        go.Heatmap(
            z=z.round(4).tolist(),
            x=[_display(c, language) for c in matrix.columns],
            y=[_display(r, language) for r in matrix.index],
            colorscale="Blues",
            zmin=0,
            zmax=1,
            text=[[f"{v:.0%}" if v > 0 else "" for v in row] for row in z],
            texttemplate="%{text}",
            hovertemplate=_label("hover.transition", language) + "<extra></extra>",
            colorbar={"tickformat": ".0%"},
        )
    )
    fig.update_layout(
        title=_label("fig.transitions", language),
        template="plotly_white",
        height=520,
        xaxis_title=_label("to", language),
        yaxis={"autorange": "reversed", "title": _label("from", language)},
    )
    return fig


def plot_sankey(
    journeys: Journeys,
    steps: int = 3,
    *,
    segment: Hashable | None = None,
    language: str = "en",
    fig: go.Figure | None = None,
) -> go.Figure:
    """Sankey diagram of the journeys' first ``steps`` touchpoints, then purchase, no purchase or
    more steps; a :class:`NotApplicable` when cross-channel journeys do not apply."""
    func = "plot_sankey"
    check_language(language)
    j = _journeys_arg(journeys, func).select(segment)
    steps = _check_int(steps, "steps", func, 1, 10)
    na = journey_status(j)
    if na is not None:
        return NotApplicable(na.what, na.reason, na.channels, segment)
    k = len(j.channels)
    span = min(steps, j.steps.shape[1])
    # node ids: step s (0-based) channel c -> s * k + c; then purchase, no purchase, more
    conv_node, null_node, more_node = span * k, span * k + 1, span * k + 2
    src, dst, val = [], [], []
    for s in range(span):
        here = j.length > s
        ch_here = j.steps[here, s].astype(np.int64)
        n_here, conv_here = j.n[here], j.conversions[here]
        len_here = j.length[here]
        ends = len_here == s + 1
        if s + 1 < span:
            cont = ~ends
            pair = ch_here[cont] * k + j.steps[here, s + 1][cont].astype(np.int64)
            w = np.bincount(pair, weights=n_here[cont], minlength=k * k)
            for p in np.flatnonzero(w):
                src.append(s * k + p // k)
                dst.append((s + 1) * k + p % k)
                val.append(w[p])
        else:
            w = np.bincount(ch_here[~ends], weights=n_here[~ends], minlength=k)
            for c in np.flatnonzero(w):
                src.append(s * k + c)
                dst.append(more_node)
                val.append(w[c])
        for node, weights in ((conv_node, conv_here), (null_node, n_here - conv_here)):
            w = np.bincount(ch_here[ends], weights=weights[ends], minlength=k)
            for c in np.flatnonzero(w):
                src.append(s * k + c)
                dst.append(node)
                val.append(w[c])
    labels = [_display(c, language) for _s in range(span) for c in j.channels]
    labels += [
        html.escape(_label("conversion", language)),
        html.escape(_label("null", language)),
        html.escape(_label("more", language)),
    ]
    fig = fig if fig is not None else go.Figure()
    fig.add_trace(
        go.Sankey(
            arrangement="snap",
            node={"label": labels, "pad": 12},
            link={
                "source": src,
                "target": dst,
                "value": [float(v) for v in val],
                "hovertemplate": _label("hover.link", language) + "<extra></extra>",
            },
        )
    )
    fig.update_layout(
        title=_label("fig.sankey", language).format(steps=span),
        template="plotly_white",
        height=560,
    )
    return fig


def plot_attribution(
    table: pd.DataFrame, *, language: str = "en", fig: go.Figure | None = None
) -> go.Figure:
    """Grouped bars of :func:`attribution_table` (one bar group per channel, one colour per
    method); a :class:`NotApplicable` is returned as it is."""
    check_language(language)
    if isinstance(table, NotApplicable):
        return table
    if not isinstance(table, pd.DataFrame):
        raise _bad("table", "plot_attribution", "a DataFrame from attribution_table", table)
    x = [_display(c, language) for c in table.index]
    fig = fig if fig is not None else go.Figure()
    for method in table.columns:
        name = LABELS[language].get(str(method), str(method))
        fig.add_trace(
            go.Bar(
                x=x,
                y=table[method].to_numpy(dtype=float).round(4).tolist(),
                name=html.escape(name),
                hovertemplate=html.escape(name)
                + " · "
                + _label("hover.bar", language)
                + "<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="group",
        title=_label("fig.attribution", language),
        template="plotly_white",
        height=460,
        yaxis={"tickformat": ".0%", "title": _label("share", language)},
        xaxis_title=_label("channel", language),
    )
    return fig
