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
:func:`compare_by_segment` shows one method's shares per segment. The journeys come from
:func:`omniseg.channels.journeys.build_journeys`; :mod:`omniseg.channels.charts` shows them
(top paths, transition matrix, Sankey) and the attribution bars. See ``docs/attribution.md``.

**When attribution and journeys do not apply.** Attribution compares channels and journey charts
show moves between them: with one channel in the journeys, no journeys, or no purchases there is
nothing to compare. :func:`~omniseg.channels.applicability.attribution_status` and
:func:`~omniseg.channels.applicability.journey_status` say whether they apply and why not (a
language-free reason code: ``"one_channel"``, ``"no_sequences"``, ``"no_purchases"``);
:func:`attribution_table` and the tables and figures of :mod:`omniseg.channels.charts` then return
a :class:`~omniseg.channels.applicability.NotApplicable` (falsy, with the reason; its text is
made at display time from :mod:`omniseg.report.i18n`) instead of a 100 % / 0 % table.
The per-method functions (:func:`markov_attribution`, ...) and :func:`compare_by_segment` keep
returning their frame, with ``attrs["status"]`` and ``attrs["reason"]``.

Examples
--------
>>> from omniseg.channels.journeys import Journeys
>>> j = Journeys.from_paths([["web", "store"], ["web"], ["store"]], conversions=[1, 0, 1])
>>> markov_attribution(j)[["channel", "removal_effect", "share"]]
  channel  removal_effect     share
0     web             0.5  0.333333
1   store             1.0  0.666667
>>> shapley_attribution(j)["attributed_conversions"].tolist()
[0.5, 1.5]
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from omniseg._checks import bad_parameter as _bad
from omniseg._checks import check_int as _check_int
from omniseg.channels.applicability import NotApplicable, _mark, attribution_status
from omniseg.channels.journeys import Journeys, _journeys_arg, _valid
from omniseg.errors import ParameterError

__all__ = [
    "METHODS",
    "attribution_table",
    "compare_by_segment",
    "first_touch",
    "last_touch",
    "linear_touch",
    "markov_attribution",
    "position_based_attribution",
    "shapley_attribution",
]


#: Attribution methods known to :func:`attribution_table`.
METHODS: tuple[str, ...] = (
    "markov",
    "shapley",
    "position",
    "linear",
    "first_touch",
    "last_touch",
)


# --------------------------------------------------------------------------------------------
# Markov chain
# --------------------------------------------------------------------------------------------


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
