"""The identity resolution part of the report: the lead sentence, the match rates per channel
and the table of shared identifiers, from a fitted
:class:`~omniseg.identity.resolver.IdentityResolver`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from omniseg.identity.resolver import IdentityResolver
from omniseg.report.chart_style import chart_layout, finding_title

__all__ = ["identity_lead", "plot_match_rates", "shared_identifiers_table"]


def identity_lead(resolver: IdentityResolver, direct_share: float, language: str = "en") -> str:
    """The sentence that introduces identity resolution in the report, with this run's numbers.

    Parameters
    ----------
    resolver : IdentityResolver
        Fitted.
    direct_share : float
        Share of interactions linkable to a CRM customer *before* resolution
        (``omniseg.ingest.fragmentation_summary(data)["linkable_share"]``).
    language : {"en", "es"}
    """
    from omniseg.report.i18n import format_number, format_percent, t

    resolver._check_fitted()
    s = resolver.summary_
    return t(
        "identity.lead",
        language,
        identifiers=format_number(s["identifiers"], language),
        persons=format_number(s["persons"], language),
        per_person=format_number(s["identifiers_per_person"], language, 1),
        matched=format_percent(s["match_rate_crm"], language),
        direct=format_percent(direct_share, language),
        shared=format_number(s["shared_identifiers"], language),
    )


def _match_finding(frame: pd.DataFrame, language: str) -> str | None:
    """The channel with the smallest share of interactions tied to a CRM customer (None when
    every channel's are all tied: nothing to point at)."""
    from omniseg.report.i18n import channel_label, format_percent, t

    rates = frame["matched_crm"].astype("float64")
    if not rates.notna().any() or float(rates.min()) >= 0.9995:
        return None
    low = frame.loc[rates.idxmin()]
    return t(
        "fig.match_rates.finding",
        language,
        channel=channel_label(str(low["channel"]), language),
        share=format_percent(float(low["matched_crm"]), language),
    )


def plot_match_rates(resolver: IdentityResolver, *, language: str = "en", fig: Any = None) -> Any:
    """Bars per channel: share of interactions tied to a CRM customer after resolution."""
    import plotly.graph_objects as go

    from omniseg.config.vocabulary import order_channels
    from omniseg.ingest.overview_charts import CHANNEL_COLORS
    from omniseg.report.i18n import channel_label, check_language, format_percent, t

    check_language(language)
    frame = resolver.summary()
    frame = frame.set_index("channel").loc[order_channels(frame["channel"])].reset_index()
    fig = fig if fig is not None else go.Figure()
    fig.add_trace(
        go.Bar(
            x=[channel_label(c, language) for c in frame["channel"]],
            y=frame["matched_crm"].tolist(),
            marker_color=[CHANNEL_COLORS.get(c, "#7f7f7f") for c in frame["channel"]],
            text=[format_percent(v, language) for v in frame["matched_crm"]],
            textposition="outside",
            hovertemplate="%{x}: %{text}<extra></extra>",
            name=t("col.matched_share", language),
        )
    )
    fig.update_layout(
        **chart_layout(language),
        title=finding_title(t("fig.match_rates", language), _match_finding(frame, language)),
        height=380,
        yaxis={"tickformat": ".0%", "range": [0, 1.12]},
    )
    return fig


def shared_identifiers_table(resolver: IdentityResolver, language: str = "en") -> pd.DataFrame:
    """Shared identifiers, masked, with how many customers each points to (largest first)."""
    from omniseg.report.i18n import t

    resolver._check_fitted()
    shared = resolver.shared_identifiers_.sort_values("n_customers", ascending=False, kind="stable")
    return pd.DataFrame(
        {
            t("col.kind", language): [t(f"id.{k}", language) for k in shared["kind"]],
            t("col.masked", language): shared["masked"].tolist(),
            t("col.n_customers", language): shared["n_customers"].tolist(),
        }
    )
