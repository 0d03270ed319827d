"""The charts of a :class:`~omniseg.segments.segmentation.Segmentation`: the evidence for the
number of segments, the 2-D map of customers and the segment sizes (plotly figures).

:meth:`Segmentation.plot_selection <omniseg.segments.segmentation.Segmentation.plot_selection>`,
``plot_map`` and ``plot_sizes`` draw them; :func:`map_coordinates` computes the map.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from sklearn.decomposition import PCA

from omniseg.errors import ParameterError
from omniseg.report.chart_style import chart_layout, finding_title
from omniseg.report.i18n import check_language, format_number, format_percent, t

if TYPE_CHECKING:
    from omniseg.segments.segmentation import Segmentation

# building blocks of this stage's other modules, imported by name; nothing here is public
__all__ = []

#: Colours of segments S1, S2, ... (colour-blind-safe Tableau 10 order).
SEGMENT_COLORS: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
#: Customers drawn in the 2-D map (a seeded sample when there are more).
_MAP_POINTS = 3000


def segment_color(i: int) -> str:
    """The colour of segment ``i`` (0 = S1), cycling through :data:`SEGMENT_COLORS`."""
    return SEGMENT_COLORS[i % len(SEGMENT_COLORS)]


def map_coordinates(Z: np.ndarray, labels: np.ndarray, seed: int) -> pd.DataFrame:
    """Principal components of basis rows ``Z`` for a seeded sample of at most 3000 rows."""
    rng = np.random.default_rng(seed)
    idx = (
        np.sort(rng.choice(len(Z), _MAP_POINTS, replace=False))
        if len(Z) > _MAP_POINTS
        else np.arange(len(Z))
    )
    n_comp = min(2, Z.shape[1])
    pca = PCA(n_components=n_comp, random_state=seed).fit(Z)
    xy = pca.transform(Z[idx])
    if n_comp == 1:
        xy = np.column_stack([xy, np.zeros(len(xy))])
    out = pd.DataFrame({"pc1": xy[:, 0], "pc2": xy[:, 1], "segment": labels[idx]})
    ev = list(pca.explained_variance_ratio_) + [0.0] * (2 - n_comp)
    out.attrs["explained"] = [float(v) for v in ev]
    return out


def selection_figure(
    segmentation: Segmentation, *, language: str = "en", fig: go.Figure | None = None
) -> go.Figure:
    """Stability and silhouette by number of segments, the chosen k marked."""
    lang = check_language(language)
    s = segmentation.selection
    if s.empty:
        raise ParameterError(
            "The number of segments was fixed, so there is no selection to plot. Fit with "
            "a range of n_segments to see the evidence."
        )
    fig = fig if fig is not None else make_subplots(specs=[[{"secondary_y": True}]])
    ks = s["k"].astype(int).tolist()
    fig.add_trace(
        go.Scatter(
            x=ks,
            y=s["stability_q10"],
            name=t("seg.stability_q10", lang),
            mode="lines+markers",
            line={"color": "#1f6f8b", "width": 3},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=ks,
            y=s["stability"],
            name=t("seg.stability_mean", lang),
            mode="lines+markers",
            line={"color": "#1f6f8b", "dash": "dot"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=ks,
            y=s["silhouette"],
            name=t("seg.silhouette", lang),
            mode="lines+markers",
            line={"color": "#f28e2b"},
        ),
        secondary_y=True,
    )
    chosen = int(s.loc[s["chosen"], "k"].iloc[0]) if s["chosen"].any() else None
    if chosen is not None:
        fig.add_vline(x=chosen, line_dash="dash", line_color="#59a14f")
        fig.add_annotation(
            x=chosen,
            y=1.02,
            yref="paper",
            text=t("seg.chosen", lang, k=chosen),
            showarrow=False,
            font={"color": "#2f6b2a"},
        )
    fig.add_hline(
        y=segmentation.segmenter.min_stability,
        line_dash="dot",
        line_color="#999",
        annotation_text=t("seg.min_stability", lang),
        annotation_position="bottom right",
    )
    finding = None
    q10 = float(s.loc[s["chosen"], "stability_q10"].iloc[0]) if chosen is not None else np.nan
    if np.isfinite(q10):  # the rule that chose k, with its number (none without refits)
        stable = q10 >= segmentation.segmenter.min_stability
        finding = t(
            "seg.fig_selection.finding" if stable else "seg.fig_selection.finding_unstable",
            lang,
            k=chosen,
            stability=format_number(q10, lang, 2),
        )
    fig.update_layout(
        **chart_layout(lang),
        title=finding_title(t("seg.fig_selection", lang), finding),
        height=420,
        xaxis_title=t("seg.n_segments", lang),
        legend={"orientation": "h", "y": -0.25},
    )
    fig.update_yaxes(title_text=t("seg.stability_axis", lang), range=[0, 1.05])
    if hasattr(fig, "layout") and "yaxis2" in fig.layout:
        fig.update_yaxes(title_text=t("seg.silhouette", lang), secondary_y=True)
    return fig


def map_figure(
    segmentation: Segmentation, *, language: str = "en", fig: go.Figure | None = None
) -> go.Figure:
    """2-D map of customers (principal components of the basis), coloured by segment."""
    lang = check_language(language)
    c = segmentation.coords
    fig = fig if fig is not None else go.Figure()
    for i, name in enumerate(segmentation.names):
        part = c[c["segment"] == i]
        fig.add_trace(
            go.Scattergl(
                x=part["pc1"].round(3),
                y=part["pc2"].round(3),
                mode="markers",
                name=html.escape(name),
                marker={"color": segment_color(i), "size": 5, "opacity": 0.6},
                hoverinfo="name",
            )
        )
    ev = c.attrs.get("explained", [np.nan, np.nan])
    fig.update_layout(
        **chart_layout(lang),
        title=t("seg.fig_map", lang),
        height=480,
        xaxis_title=t("seg.pc", lang, i=1, share=format_percent(ev[0], lang, 0)),
        yaxis_title=t("seg.pc", lang, i=2, share=format_percent(ev[1], lang, 0)),
    )
    return fig


def _sizes_finding(sizes: pd.DataFrame, language: str) -> str | None:
    """The segment whose share of revenue most exceeds its share of customers."""
    if "revenue_share" not in sizes or not (sizes["revenue_share"].fillna(0) > 0).any():
        return None
    lift = sizes["revenue_share"] / sizes["share"].where(sizes["share"] > 0)
    if not lift.notna().any():
        return None
    top = sizes.loc[lift.idxmax()]
    return t(
        "seg.fig_sizes.finding",
        language,
        segment=str(top["name"]),
        revenue=format_percent(float(top["revenue_share"]), language),
        customers=format_percent(float(top["share"]), language),
    )


def sizes_figure(
    segmentation: Segmentation, *, language: str = "en", fig: go.Figure | None = None
) -> go.Figure:
    """Each segment's share of customers next to its share of revenue."""
    lang = check_language(language)
    s = segmentation.sizes
    names = [html.escape(n) for n in s["name"]]
    fig = fig if fig is not None else go.Figure()
    for col, label, color in (
        ("share", t("seg.share_customers", lang), "#9fb7c9"),
        ("revenue_share", t("seg.share_revenue", lang), "#1f6f8b"),
    ):
        fig.add_trace(
            go.Bar(
                y=names,
                x=s[col],
                name=label,
                orientation="h",
                marker_color=color,
                text=[format_percent(v, lang) for v in s[col]],
                textposition="outside",
                hovertemplate="%{y}: %{text}<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(
        **chart_layout(lang),
        title=finding_title(t("seg.fig_sizes", lang), _sizes_finding(s, lang)),
        barmode="group",
        height=120 + 70 * len(s),
        xaxis={"tickformat": ".0%"},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": -0.15},
    )
    return fig
