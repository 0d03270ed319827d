"""Tables and figures of journeys and attribution: the most common paths, the transition
matrix, and the plotly figures (transitions heat map, Sankey of the first steps, attribution
bars), in English and Spanish.

Each returns a :class:`~omniseg.channels.applicability.NotApplicable` instead of a figure when
journeys or attribution do not apply to the data.
"""

from __future__ import annotations

import html
from collections.abc import Hashable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from omniseg._checks import bad_parameter as _bad
from omniseg._checks import check_int as _check_int
from omniseg.channels.applicability import NotApplicable, journey_status
from omniseg.channels.journeys import Journeys, _grouped, _journeys_arg, _valid
from omniseg.report.chart_style import chart_layout, finding_title
from omniseg.report.i18n import channel_label, check_language, format_percent, has_text, t

__all__ = ["plot_attribution", "plot_sankey", "plot_transitions", "top_paths", "transition_matrix"]


#: Row/column keys of :func:`transition_matrix` besides the channels.
START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"


def _label(key: str, language: str) -> str:
    # This module's figure and table labels: catalog keys ``charts.<key>``.
    return t(f"charts.{key}", language)


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
        **chart_layout(language),
        title=_label("fig.transitions", language),
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
        **chart_layout(language),
        title=_label("fig.sankey", language).format(steps=span),
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
        name = _label(method, language) if has_text(f"charts.{method}") else str(method)
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
    finding = None
    if "markov" in table.columns and table["markov"].notna().any():
        top = table["markov"].astype(float).idxmax()  # what most of the conversions rest on
        finding = _label("fig.attribution.finding", language).format(
            channel=_display(top, language),
            share=format_percent(float(table.loc[top, "markov"]), language),
        )
    fig.update_layout(
        **chart_layout(language),
        barmode="group",
        title=finding_title(_label("fig.attribution", language), finding),
        height=460,
        yaxis={"tickformat": ".0%", "title": _label("share", language)},
        xaxis_title=_label("channel", language),
    )
    return fig
