"""The data overview's charts: per channel, per month, and the fragmentation of identifiers.

Plot functions follow one shape, ``plot_x(frame, *, language="en", fig=None) -> go.Figure``, take
a frame of :mod:`omniseg.ingest.overview_stats`, and never call ``.show()``; every chart colours a
channel with :data:`CHANNEL_COLORS` (other channels are grey).

Examples
--------
>>> from omniseg.ingest import channel_summary, load_demo  # doctest: +SKIP
>>> fig = plot_channel_summary(channel_summary(load_demo()), language="es")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from omniseg._checks import bad_parameter
from omniseg.config.vocabulary import order_channels
from omniseg.errors import ParameterError
from omniseg.report.chart_style import chart_layout, finding_title
from omniseg.report.i18n import (
    channel_label,
    check_language,
    format_money,
    format_number,
    format_percent,
    t,
)

__all__ = [
    "CHANNEL_COLORS",
    "plot_channel_summary",
    "plot_identity_fragmentation",
    "plot_monthly_activity",
]

#: One colour per channel, shared by every chart of the report (other channels are grey).
CHANNEL_COLORS: dict[str, str] = {
    "web": "#1f77b4",
    "app": "#17becf",
    "email": "#ff7f0e",
    "social": "#e377c2",
    "phone": "#d62728",
    "chat": "#9467bd",
    "sms": "#bcbd22",
    "store": "#2ca02c",
}
_OTHER_COLOR = "#7f7f7f"


def _color(channel: str) -> str:
    return CHANNEL_COLORS.get(channel, _OTHER_COLOR)


#: the table parameter of each plot function
_TABLE_PARAMETER = {
    "plot_channel_summary": "summary",
    "plot_monthly_activity": "monthly",
    "plot_identity_fragmentation": "fragmentation",
}


def _check_plot_args(
    frame: pd.DataFrame, required: list[str], func: str, language: str, fig: go.Figure | None
) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise bad_parameter(_TABLE_PARAMETER[func], func, "a DataFrame", type(frame).__name__)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ParameterError(f"{func} needs columns {missing}; got {list(frame.columns)}.")
    check_language(language)
    if fig is not None and not isinstance(fig, go.Figure):
        raise bad_parameter("fig", func, "a plotly Figure or None", type(fig).__name__)


def plot_channel_summary(
    summary: pd.DataFrame, *, language: str = "en", fig: go.Figure | None = None
) -> go.Figure:
    """Four bar panels per channel: interactions, people reached, purchases, revenue.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`channel_summary`.
    language : {"en", "es"}, default "en"
        Language of titles, channel names and numbers.
    fig : Figure, optional
        A figure made with ``make_subplots(rows=1, cols=4)`` to draw into; a new one if omitted.

    Returns
    -------
    plotly.graph_objects.Figure
        Four horizontal bar traces (one per panel), channels top to bottom in report order,
        coloured by :data:`CHANNEL_COLORS`.
    """
    _check_plot_args(
        summary,
        ["channel", "interactions", "distinct_identifiers", "purchases", "revenue"],
        "plot_channel_summary",
        language,
        fig,
    )
    metrics = [
        ("interactions", t("col.interactions", language), lambda v: format_number(v, language)),
        ("distinct_identifiers", t("col.people", language), lambda v: format_number(v, language)),
        ("purchases", t("col.purchases", language), lambda v: format_number(v, language)),
        ("revenue", t("col.revenue", language), lambda v: format_money(v, language)),
    ]
    if fig is None:
        fig = make_subplots(
            rows=1,
            cols=4,
            shared_yaxes=True,
            subplot_titles=[m[1] for m in metrics],
            horizontal_spacing=0.03,
        )
    rows = summary.iloc[::-1]
    labels = [channel_label(c, language) for c in rows["channel"]]
    colors = [_color(c) for c in rows["channel"]]
    for i, (col, title, fmt) in enumerate(metrics, start=1):
        fig.add_trace(
            go.Bar(
                x=rows[col].tolist(),
                y=labels,
                orientation="h",
                marker_color=colors,
                name=title,
                text=[fmt(v) for v in rows[col]],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra>%{fullData.name}</extra>",
                showlegend=False,
            ),
            row=1,
            col=i,
        )
        top = float(rows[col].max()) if len(rows) else 0.0
        fig.update_xaxes(range=[0, top * 1.45 if top > 0 else 1], row=1, col=i)
    fig.update_layout(
        **chart_layout(language),
        title=finding_title(t("fig.channels", language), _channels_finding(rows, language)),
        height=440,
        margin={"l": 10, "r": 10, "t": 100, "b": 30},
    )
    fig.update_xaxes(showticklabels=False)
    return fig


def _channels_finding(rows: pd.DataFrame, language: str) -> str | None:
    """The channel with the largest share of revenue (of interactions, without revenue)."""
    for col, key in (("revenue", "finding_revenue"), ("interactions", "finding_interactions")):
        values = rows[col].astype("float64") if col in rows else None
        if values is None or not (values.fillna(0) > 0).any():
            continue
        top = values.idxmax()
        share = float(values[top] / values.sum())
        channel = channel_label(str(rows.loc[top, "channel"]), language)
        return t(f"fig.channels.{key}", language, channel=channel,
                 share=format_percent(share, language))  # fmt: skip
    return None


def plot_monthly_activity(
    monthly: pd.DataFrame, *, language: str = "en", fig: go.Figure | None = None
) -> go.Figure:
    """Stacked areas of activity per month and channel (seasonality at a glance).

    Parameters
    ----------
    monthly : DataFrame
        Output of :func:`monthly_activity`.
    language : {"en", "es"}, default "en"
        Language of titles, channel names and numbers.
    fig : Figure, optional
        A figure to draw into; a new one if omitted.

    Returns
    -------
    plotly.graph_objects.Figure
        One stacked area trace per channel showing interactions. When the frame also has
        ``purchases`` and ``revenue``, a dropdown switches the chart between interactions,
        purchases and revenue.
    """
    _check_plot_args(
        monthly, ["month", "channel", "interactions"], "plot_monthly_activity", language, fig
    )
    fig = fig if fig is not None else go.Figure()
    first_trace = len(fig.data)  # the dropdown must restyle our traces only
    measures = [
        ("interactions", t("col.interactions", language), lambda v: format_number(v, language)),
        ("purchases", t("col.purchases", language), lambda v: format_number(v, language)),
        ("revenue", t("col.revenue", language), lambda v: format_money(v, language)),
    ]
    measures = [m for m in measures if m[0] in monthly.columns]
    parts = [
        (channel, monthly[monthly["channel"] == channel].sort_values("month"))
        for channel in order_channels(monthly["channel"])
    ]
    for channel, part in parts:
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(part["month"]).dt.strftime("%Y-%m").tolist(),
                y=part["interactions"].tolist(),
                name=channel_label(channel, language),
                mode="lines",
                stackgroup="one",
                line={"width": 0.5, "color": _color(channel)},
                text=[format_number(v, language) for v in part["interactions"]],
                hovertemplate="%{fullData.name} %{x}: %{text}<extra></extra>",
            )
        )
    layout: dict[str, Any] = chart_layout(
        language,
        title=t("fig.monthly", language),
        height=430,
        xaxis_title=t("col.month", language),
        yaxis_title=t("col.interactions", language),
        legend={"orientation": "h", "y": -0.2},
    )
    if len(measures) > 1 and parts:
        buttons = [
            {
                "label": title,
                "method": "update",
                "args": [
                    {
                        "y": [part[col].tolist() for _, part in parts],
                        "text": [[fmt(v) for v in part[col]] for _, part in parts],
                    },
                    {"yaxis.title.text": title},
                    list(range(first_trace, first_trace + len(parts))),
                ],
            }
            for col, title, fmt in measures
        ]
        layout["updatemenus"] = [
            {"buttons": buttons, "direction": "down", "x": 1.0, "xanchor": "right", "y": 1.15}
        ]
    fig.update_layout(**layout)
    return fig


def plot_identity_fragmentation(
    fragmentation: pd.DataFrame, *, language: str = "en", fig: go.Figure | None = None
) -> go.Figure:
    """Grouped bars per identifier kind: distinct as written, after cleaning, matching the CRM.

    Parameters
    ----------
    fragmentation : DataFrame
        Output of :func:`identity_fragmentation`.
    language : {"en", "es"}, default "en"
        Language of titles, labels and numbers.
    fig : Figure, optional
        A figure to draw into; a new one if omitted.

    Returns
    -------
    plotly.graph_objects.Figure
        Three bar traces (as written, after cleaning, matching the CRM); a kind the CRM does not
        hold (``device_id``) has no matching bar.
    """
    _check_plot_args(
        fragmentation,
        ["identifier", "distinct_raw", "distinct_clean", "matched_crm"],
        "plot_identity_fragmentation",
        language,
        fig,
    )
    fig = fig if fig is not None else go.Figure()
    labels = [t(f"id.{k}", language) for k in fragmentation["identifier"]]
    series = [
        ("distinct_raw", t("col.distinct_raw", language), "#9fb7c9"),
        ("distinct_clean", t("col.distinct_clean", language), "#1f6f8b"),
        ("matched_crm", t("col.matched", language), "#2ca02c"),
    ]
    for col, name, color in series:
        values = [None if pd.isna(v) else int(v) for v in fragmentation[col]]
        fig.add_trace(
            go.Bar(
                x=labels,
                y=values,
                name=name,
                marker_color=color,
                text=[format_number(v, language) if v is not None else "" for v in values],
                textposition="outside",
                hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(
        **chart_layout(language),
        title=t("fig.identity", language),
        barmode="group",
        height=430,
        xaxis_title=t("col.identifier", language),
        legend={"orientation": "h", "y": -0.15},
    )
    return fig
