"""Omnichannel metrics from the feature table: who uses several channels, what they are worth,
and which channels are used together.

All functions take the per-person feature table of :func:`omniseg.features.build_features`.
Intervals are percentile bootstrap intervals with a seed, so a report is reproducible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from omniseg._checks import bad_parameter
from omniseg.config.vocabulary import CANONICAL_CHANNELS
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
    "channel_overlap",
    "multichannel_lead",
    "multichannel_value",
    "plot_channel_overlap",
    "plot_multichannel_value",
    "report_section",
]


def _bootstrap_means(
    values: np.ndarray, n_boot: int, rng: np.random.Generator, chunk: int = 200
) -> np.ndarray:
    """Means of ``n_boot`` resamples, computed in chunks to bound memory."""
    n = len(values)
    out = np.empty(n_boot)
    for start in range(0, n_boot, chunk):
        k = min(chunk, n_boot - start)
        idx = rng.integers(0, n, size=(k, n))
        out[start : start + k] = values[idx].mean(axis=1)
    return out


def multichannel_value(
    features: pd.DataFrame,
    *,
    value: str = "monetary",
    confidence: float = 0.9,
    n_boot: int = 1000,
    random_state: int = 0,
) -> pd.DataFrame:
    """Single- versus multi-channel customers: how many, and their mean value with an interval.

    Parameters
    ----------
    features : DataFrame
        The feature table (needs ``n_channels`` and ``value``).
    value : str
        Column to compare (default revenue per customer, ``monetary``).
    confidence : float
        Level of the bootstrap intervals.
    n_boot : int
        Bootstrap resamples.
    random_state : int
        Seed of the bootstrap.

    Returns
    -------
    DataFrame
        Rows ``single``, ``multi`` and ``ratio`` (multi / single): ``customers``, ``share``,
        ``mean``, ``low``, ``high``. Customers with no touchpoint are left out.
    """
    if not 0 < confidence < 1:
        raise bad_parameter("confidence", "multichannel_value", "a float in (0, 1)", confidence)
    seen = features[features["n_channels"] > 0]
    rng = np.random.default_rng(random_state)
    alpha = (1 - confidence) / 2
    rows = {}
    boots = {}
    for name, mask in (("single", seen["n_channels"] == 1), ("multi", seen["n_channels"] >= 2)):
        vals = seen.loc[mask, value].fillna(0).to_numpy(dtype=float)
        if len(vals) == 0:
            rows[name] = {
                "customers": 0,
                "share": 0.0,
                "mean": np.nan,
                "low": np.nan,
                "high": np.nan,
            }
            boots[name] = np.full(n_boot, np.nan)
            continue
        boots[name] = _bootstrap_means(vals, n_boot, rng)
        low, high = np.quantile(boots[name], [alpha, 1 - alpha])
        rows[name] = {
            "customers": len(vals),
            "share": len(vals) / len(seen),
            "mean": float(vals.mean()),
            "low": float(low),
            "high": float(high),
        }
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = boots["multi"] / boots["single"]
    point = rows["multi"]["mean"] / rows["single"]["mean"] if rows["single"]["mean"] else np.nan
    finite = ratio[np.isfinite(ratio)]
    low, high = np.quantile(finite, [alpha, 1 - alpha]) if len(finite) else (np.nan, np.nan)
    rows["ratio"] = {
        "customers": len(seen),
        "share": 1.0,
        "mean": float(point),
        "low": float(low),
        "high": float(high),
    }
    return pd.DataFrame.from_dict(rows, orient="index")[
        ["customers", "share", "mean", "low", "high"]
    ]


def multichannel_lead(summary: pd.DataFrame, language: str = "en", confidence: float = 0.9) -> str:
    """The sentence introducing :func:`multichannel_value` in the report."""
    from omniseg.report.i18n import format_number

    ratio = summary.loc["ratio"]
    return t(
        "omni.lead",
        language,
        multi_share=format_percent(summary.loc["multi", "share"], language),
        ratio=format_number(ratio["mean"], language, 2),
        level=format_percent(confidence, language, 0),
        low=format_number(ratio["low"], language, 2),
        high=format_number(ratio["high"], language, 2),
    )


def channel_overlap(features: pd.DataFrame) -> pd.DataFrame:
    """Share of the users of each channel (rows) who also use each other channel (columns).

    Cell (i, j) is P(uses j | uses i); the diagonal is 1. Channels nobody uses are left out.
    """
    used = pd.DataFrame(
        {
            ch: features[f"interactions_{ch}"] > 0
            for ch in CANONICAL_CHANNELS
            if f"interactions_{ch}" in features
        }
    )
    used = used.loc[:, used.any()]
    counts = used.T.astype(int) @ used.astype(int)
    return counts.div(np.diag(counts), axis=0)


def plot_multichannel_value(
    summary: pd.DataFrame, *, language: str = "en", fig: go.Figure | None = None
) -> go.Figure:
    """Bars of mean value for single- and multi-channel customers, with interval whiskers.

    Each value is written above its whisker (written at the bar's top, it collided with the
    whisker); each group's share of the customers is in its axis label.
    """
    check_language(language)
    part = summary.loc[["single", "multi"]]
    names = [t("omni.single", language), t("omni.multi", language)]
    labels = [
        f"{name}<br>{t('omni.share_of_customers', language, share=format_percent(s, language))}"
        for name, s in zip(names, part["share"], strict=True)
    ]
    values = [format_money(m, language) for m in part["mean"]]
    fig = fig if fig is not None else go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=part["mean"].tolist(),
            marker_color=["#9fb7c9", "#1f6f8b"],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (part["high"] - part["mean"]).tolist(),
                "arrayminus": (part["mean"] - part["low"]).tolist(),
            },
            text=values,
            textposition="none",
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    for x, top, value in zip(labels, part["high"].fillna(part["mean"]), values, strict=True):
        fig.add_annotation(
            x=x, y=top, text=f"<b>{value}</b>", showarrow=False, yanchor="bottom", yshift=4
        )
    ratio = float(summary.loc["ratio", "mean"]) if "ratio" in summary.index else float("nan")
    finding = None
    if np.isfinite(ratio):  # the ratio of the means (none without single-channel value)
        finding = t("fig.multichannel.finding", language, ratio=format_number(ratio, language, 1))
    fig.update_layout(
        **chart_layout(language),
        title=finding_title(t("fig.multichannel", language), finding),
        height=400,
        yaxis_title=t("omni.value_axis", language),
    )
    return fig


def plot_channel_overlap(
    overlap: pd.DataFrame, *, language: str = "en", fig: go.Figure | None = None
) -> go.Figure:
    """Heat map of :func:`channel_overlap` (row channel's users who also use the column channel)."""
    check_language(language)
    labels = [channel_label(c, language) for c in overlap.index]
    fig = fig if fig is not None else go.Figure()
    fig.add_trace(
        go.Heatmap(
            z=overlap.to_numpy().round(3).tolist(),
            x=labels,
            y=labels,
            colorscale="Blues",
            zmin=0,
            zmax=1,
            text=[[format_percent(v, language, 0) for v in row] for row in overlap.to_numpy()],
            texttemplate="%{text}",
            hovertemplate=t("omni.overlap_hover", language) + "<extra></extra>",
            colorbar={"tickformat": ".0%"},
        )
    )
    finding = None
    values = overlap.to_numpy(dtype=float).copy()
    if values.shape[0] >= 2:
        np.fill_diagonal(values, np.nan)
        if np.isfinite(values).any() and np.nanmax(values) > 0:
            i, j = np.unravel_index(np.nanargmax(values), values.shape)
            finding = t(
                "fig.overlap.finding",
                language,
                share=format_percent(float(values[i, j]), language),
                channel=labels[i],
                other=labels[j],
            )
    fig.update_layout(
        **chart_layout(language),
        title=finding_title(t("fig.overlap", language), finding),
        height=520,
        yaxis={"autorange": "reversed"},
    )
    return fig


def report_section(
    name: str,
    data: object,
    features: pd.DataFrame,
    *,
    resolver: object = None,
    language: str = "en",
    seed: int = 42,
) -> list[object]:
    """What the one-view notebook displays for one section, in order.

    ``name`` is ``"identity"`` (identity resolution: its lead, match rates per channel and the
    most shared identifiers; needs the fitted ``resolver``), ``"omnichannel"`` (multi- vs
    single-channel value) or ``"overlap"`` (channels used together). A section that does not
    apply to the data (no interactions table, one channel; identity when every interaction
    already carries a ``customer_id``) is its heading and ONE sentence in ``language`` from the
    data profile (:func:`omniseg.ingest.section_not_applicable`).
    """
    from omniseg.ingest.overview import section_not_applicable
    from omniseg.ingest.overview_stats import fragmentation_summary
    from omniseg.report.display import paragraph, section, table

    lang = check_language(language)
    if name not in ("identity", "omnichannel", "overlap"):
        expected = "one of 'identity', 'omnichannel', 'overlap'"
        raise bad_parameter("name", "report_section", expected, name)
    title, anchor, level = {
        "identity": ("identity.title", "identity-resolution", 2),
        "omnichannel": ("omni.title", "omnichannel", 3),
        "overlap": ("fig.overlap", "channel-overlap", 3),
    }[name]
    reason = section_not_applicable(data, "identity" if name == "identity" else "omnichannel", lang)
    if reason is not None:
        return [section(t(title, lang), anchor=anchor, level=level), paragraph(reason)]
    if name == "identity":
        from omniseg.identity.report import (
            identity_lead,
            plot_match_rates,
            shared_identifiers_table,
        )

        direct = fragmentation_summary(data)["linkable_share"]
        lead = identity_lead(resolver, direct, lang)
        return [
            section(t(title, lang), anchor=anchor, level=level, lead=lead),
            plot_match_rates(resolver, language=lang),
            table(shared_identifiers_table(resolver, lang).head(10)),
        ]
    if name == "omnichannel":
        value = multichannel_value(features, random_state=seed)
        lead = multichannel_lead(value, lang)
        return [
            section(t(title, lang), anchor=anchor, level=level, lead=lead),
            plot_multichannel_value(value, language=lang),
        ]
    return [
        section(t(title, lang), anchor=anchor, level=level, lead=t("omni.overlap_lead", lang)),
        plot_channel_overlap(channel_overlap(features), language=lang),
    ]
