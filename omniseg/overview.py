"""The data overview: what the data holds per channel, over time, and how fragmented identities are.

Aggregation runs in DuckDB (in-memory, on the pandas frames without copying them), the same SQL a
warehouse would run. Results are small pandas frames; plot functions follow one shape,
``plot_x(frame, *, language="en", fig=None) -> go.Figure``, and never call ``.show()``.

"People reached" here counts distinct *identifiers* (cleaned: trimmed, lower-cased, phones reduced
to their last 9 digits), not people: one person with an email, a phone and a loyalty card counts
three times until identity resolution (``omniseg.identity``, a later stage) links them. The
fragmentation figures show exactly that gap. No function returns a raw identifier value.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from omniseg.i18n import (
    channel_label,
    check_language,
    format_money,
    format_number,
    format_percent,
    t,
)
from omniseg.vocabulary import IDENTIFIER_COLUMNS, order_channels

__all__ = [
    "CHANNEL_COLORS",
    "channel_summary",
    "fragmentation_summary",
    "identity_fragmentation",
    "identity_lead",
    "monthly_activity",
    "overview_tables",
    "overview_totals",
    "plot_channel_summary",
    "plot_identity_fragmentation",
    "plot_monthly_activity",
    "quality_warnings",
]

#: One colour per channel, shared by every chart of the report.
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
#: Share of interactions under which a channel's figures are flagged as fragile.
SPARSE_CHANNEL_SHARE = 0.01

#: SQL that cleans each identifier kind the same way for interactions and the CRM.
_CLEAN_SQL = {
    "customer_id": "nullif(trim({c}), '')",
    "email": "nullif(lower(trim({c})), '')",
    "phone": "nullif(right(regexp_replace({c}, '[^0-9]', '', 'g'), 9), '')",
    "loyalty_id": "nullif(ltrim(trim({c}), '0'), '')",
    "device_id": "nullif(trim({c}), '')",
}


def _connect(data: Any) -> tuple[duckdb.DuckDBPyConnection, list[str]]:
    con = duckdb.connect()
    inter = data.interactions
    ids = [c for c in IDENTIFIER_COLUMNS if c in inter.columns]
    cols = ["timestamp", "channel", "event", *ids]
    cols += [c for c in ("revenue", "satisfaction") if c in inter.columns]
    frame = inter[cols]
    for c in ("revenue", "satisfaction"):
        if c not in frame:
            frame = frame.assign(**{c: float("nan")})
    con.register("ev", frame)
    crm = data.customers[
        [c for c in ("customer_id", "email", "phone", "loyalty_id") if c in data.customers]
    ]
    con.register("crm", crm)
    return con, ids


def _identifier_union(ids: list[str]) -> str:
    """SQL of (row_id, channel, kind, clean value) for every identifier on every row."""
    parts = [
        f"SELECT row_id, channel, '{k}' AS kind, {k} AS raw, {_CLEAN_SQL[k].format(c=k)} AS val "
        f"FROM evr WHERE {k} IS NOT NULL"
        for k in ids
    ]
    return (
        " UNION ALL ".join(parts)
        if parts
        else (
            "SELECT NULL::BIGINT AS row_id, NULL AS channel, NULL AS kind, NULL AS raw, "
            "NULL AS val WHERE false"
        )
    )


def _crm_identifier_union(ids: list[str], crm_columns) -> str:
    """SQL of (kind, clean value) for the CRM's identifiers, cleaned like the interactions'."""
    parts = [
        f"SELECT '{k}' AS kind, {_CLEAN_SQL[k].format(c=k)} AS val FROM crm"
        for k in ids
        if k in crm_columns
    ]
    return " UNION ALL ".join(parts) or "SELECT NULL AS kind, NULL AS val WHERE false"


def _crm_identifier_union(ids: list[str], crm_columns: pd.Index) -> str:
    """SQL of (kind, clean value) for the CRM's identifiers, cleaned like the interactions'."""
    parts = [
        f"SELECT '{k}' AS kind, {_CLEAN_SQL[k].format(c=k)} AS val FROM crm"
        for k in ids
        if k in crm_columns
    ]
    return " UNION ALL ".join(parts) or "SELECT NULL AS kind, NULL AS val WHERE false"


def overview_totals(data: Any) -> dict[str, Any]:
    """Headline figures: customers, interactions, period, purchases, revenue, anonymous share.

    Returns
    -------
    dict
        ``customers``, ``interactions``, ``start``, ``end`` (Timestamps), ``months``,
        ``purchases``, ``revenue``, ``anonymous_share``, ``channels``, ``survey_respondents``,
        ``interviews``.
    """
    inter = data.interactions
    ids = [c for c in IDENTIFIER_COLUMNS if c in inter.columns]
    anonymous = inter[ids].isna().all(axis=1).mean() if ids and len(inter) else 1.0
    start, end = inter["timestamp"].min(), inter["timestamp"].max()
    months = 0 if pd.isna(start) else (end.year - start.year) * 12 + end.month - start.month + 1
    revenue = inter["revenue"].sum() if "revenue" in inter else 0.0
    survey = getattr(data, "survey", None)
    interviews = getattr(data, "interviews", None)
    return {
        "customers": int(data.customers["customer_id"].nunique()),
        "interactions": len(inter),
        "start": start,
        "end": end,
        "months": months,
        "purchases": int((inter["event"] == "purchase").sum()),
        "revenue": float(revenue),
        "anonymous_share": float(anonymous),
        "channels": len(order_channels(inter["channel"])),
        "survey_respondents": 0 if survey is None else len(survey),
        "interviews": 0 if interviews is None else len(interviews),
    }


def channel_summary(data: Any) -> pd.DataFrame:
    """One row per channel (canonical order, then others).

    Columns: ``channel``, ``interactions``, ``share_of_interactions``,
    ``identified_interactions`` (rows with any identifier), ``distinct_identifiers`` (people
    reached before identity resolution), ``purchases``, ``revenue``, ``revenue_share``,
    ``conversion`` (purchases per interaction), ``complaints``, ``mean_satisfaction``.
    """
    con, ids = _connect(data)
    try:
        any_id = " OR ".join(f"{k} IS NOT NULL" for k in ids) or "false"
        base = con.sql(
            f"""
            SELECT channel,
                   count(*) AS interactions,
                   count(*) FILTER (WHERE {any_id}) AS identified_interactions,
                   count(*) FILTER (WHERE event = 'purchase') AS purchases,
                   coalesce(sum(revenue), 0) AS revenue,
                   count(*) FILTER (WHERE event = 'complaint') AS complaints,
                   avg(satisfaction) AS mean_satisfaction
            FROM ev GROUP BY channel
            """
        ).df()
        con.sql("CREATE TEMP VIEW evr AS SELECT row_number() OVER () AS row_id, * FROM ev")
        reach = con.sql(
            f"""
            SELECT channel, count(DISTINCT kind || ':' || val) AS distinct_identifiers
            FROM ({_identifier_union(ids)}) WHERE val IS NOT NULL GROUP BY channel
            """
        ).df()
    finally:
        con.close()
    out = base.merge(reach, on="channel", how="left")
    out["distinct_identifiers"] = out["distinct_identifiers"].fillna(0).astype(int)
    total = out["interactions"].sum()
    total_revenue = out["revenue"].sum()
    out["share_of_interactions"] = out["interactions"] / total if total else 0.0
    out["revenue_share"] = out["revenue"] / total_revenue if total_revenue else 0.0
    out["conversion"] = out["purchases"] / out["interactions"]
    out["channel"] = out["channel"].astype(str)
    out = out.set_index("channel").loc[order_channels(out["channel"])].reset_index()
    cols = [
        "channel",
        "interactions",
        "share_of_interactions",
        "identified_interactions",
        "distinct_identifiers",
        "purchases",
        "revenue",
        "revenue_share",
        "conversion",
        "complaints",
        "mean_satisfaction",
    ]
    for c in ("interactions", "identified_interactions", "purchases", "complaints"):
        out[c] = out[c].astype(int)
    return out[cols]


def monthly_activity(data: Any) -> pd.DataFrame:
    """Long table of ``month`` (first day), ``channel``, ``interactions``, ``purchases``,
    ``revenue``; months with no activity on a channel are present with zeros."""
    con, _ = _connect(data)
    try:
        out = con.sql(
            """
            SELECT date_trunc('month', timestamp) AS month, channel,
                   count(*) AS interactions,
                   count(*) FILTER (WHERE event = 'purchase') AS purchases,
                   coalesce(sum(revenue), 0) AS revenue
            FROM ev WHERE timestamp IS NOT NULL GROUP BY 1, 2
            """
        ).df()
    finally:
        con.close()
    if out.empty:
        return out
    out["month"] = pd.to_datetime(out["month"])
    out["channel"] = out["channel"].astype(str)
    months = pd.date_range(out["month"].min(), out["month"].max(), freq="MS")
    grid = pd.MultiIndex.from_product(
        [months, order_channels(out["channel"])], names=["month", "channel"]
    )
    out = out.set_index(["month", "channel"]).reindex(grid, fill_value=0).reset_index()
    out[["interactions", "purchases"]] = out[["interactions", "purchases"]].astype(int)
    return out


def identity_fragmentation(data: Any) -> pd.DataFrame:
    """Per identifier kind: how many rows carry it, distinct values raw and cleaned, CRM matches.

    Columns: ``identifier``, ``rows``, ``share_of_rows``, ``distinct_raw``, ``distinct_clean``,
    ``matched_crm`` (distinct cleaned values equal to the same identifier of a CRM customer,
    cleaned the same way; ``<NA>`` for ``device_id``, which the CRM does not hold).
    """
    con, ids = _connect(data)
    try:
        con.sql("CREATE TEMP VIEW evr AS SELECT row_number() OVER () AS row_id, * FROM ev")
        crm_union = _crm_identifier_union(ids, data.customers.columns)
        out = con.sql(
            f"""
            WITH ids AS ({_identifier_union(ids)}),
                 crm_ids AS (SELECT DISTINCT kind, val FROM ({crm_union}) WHERE val IS NOT NULL)
            SELECT i.kind AS identifier,
                   count(*) AS rows,
                   count(DISTINCT i.raw) AS distinct_raw,
                   count(DISTINCT i.val) AS distinct_clean,
                   count(DISTINCT c.val) AS matched_crm
            FROM ids i LEFT JOIN crm_ids c ON i.kind = c.kind AND i.val = c.val
            GROUP BY i.kind
            """
        ).df()
    finally:
        con.close()
    n = len(data.interactions)
    out["share_of_rows"] = out["rows"] / n if n else 0.0
    out["matched_crm"] = out["matched_crm"].astype("Int64")
    no_crm = ~out["identifier"].isin(data.customers.columns)
    out.loc[no_crm, "matched_crm"] = pd.NA
    out = out.set_index("identifier").reindex([k for k in ids if k in set(out["identifier"])])
    out = out.reset_index()
    cols = ["identifier", "rows", "share_of_rows", "distinct_raw", "distinct_clean", "matched_crm"]
    for c in ("rows", "distinct_raw", "distinct_clean"):
        out[c] = out[c].astype(int)
    return out[cols]


def fragmentation_summary(data: Any) -> dict[str, float]:
    """How far the data is from one view of each customer.

    Returns
    -------
    dict
        ``crm_customers``; ``distinct_identifiers`` (cleaned, all kinds, in interactions);
        ``identifiers_per_customer`` (their ratio); ``linkable_share`` (share of interactions
        that name a CRM customer directly: its customer_id, or a cleaned email/phone/loyalty id
        equal to one in the CRM); ``anonymous_share``.
    """
    con, ids = _connect(data)
    try:
        con.sql("CREATE TEMP VIEW evr AS SELECT row_number() OVER () AS row_id, * FROM ev")
        crm_union = _crm_identifier_union(ids, data.customers.columns)
        row = con.execute(
            f"""
            WITH ids AS ({_identifier_union(ids)}),
                 crm_ids AS (SELECT DISTINCT kind, val FROM ({crm_union}) WHERE val IS NOT NULL)
            SELECT (SELECT count(DISTINCT kind || ':' || val) FROM ids WHERE val IS NOT NULL),
                   (SELECT count(DISTINCT i.row_id) FROM ids i
                      JOIN crm_ids c ON i.kind = c.kind AND i.val = c.val)
            """
        ).fetchone()
    finally:
        con.close()
    n = len(data.interactions)
    crm = int(data.customers["customer_id"].nunique())
    totals = overview_totals(data)
    return {
        "crm_customers": crm,
        "distinct_identifiers": int(row[0]),
        "identifiers_per_customer": row[0] / crm if crm else float("nan"),
        "linkable_share": row[1] / n if n else 0.0,
        "anonymous_share": totals["anonymous_share"],
    }


def identity_lead(data: Any, language: str = "en") -> str:
    """The sentence that introduces the fragmentation figures, with this data's numbers."""
    frag = fragmentation_summary(data)
    return t(
        "overview.identity_lead",
        language,
        linked=format_percent(frag["linkable_share"], language),
        anonymous=format_percent(frag["anonymous_share"], language),
        ratio=format_number(frag["identifiers_per_customer"], language, 1),
    )


def quality_warnings(data: Any, language: str = "en") -> list[str]:
    """Loader warnings plus overview checks: fragile channels and monthly gaps in a channel."""
    check_language(language)
    report = getattr(data, "report", None)
    out = list(getattr(report, "warnings", []) or [])
    summary = channel_summary(data)
    for _, row in summary.iterrows():
        if row["share_of_interactions"] < SPARSE_CHANNEL_SHARE:
            out.append(
                t(
                    "warn.sparse_channel",
                    language,
                    channel=row["channel"],
                    share=format_percent(row["share_of_interactions"], language, 2),
                )
            )
    monthly = monthly_activity(data)
    if not monthly.empty:
        for channel, group in monthly.groupby("channel", sort=False):
            active = group["interactions"] > 0
            if active.sum() < 3:
                continue
            first, last = group.loc[active, "month"].min(), group.loc[active, "month"].max()
            inside = group[(group["month"] > first) & (group["month"] < last) & ~active]
            if len(inside):
                months = ", ".join(m.strftime("%Y-%m") for m in inside["month"])
                out.append(t("warn.gap", language, channel=channel, months=months))
    return out


# ------------------------------------------------------------------------------------------
# display tables and figures
# ------------------------------------------------------------------------------------------


def overview_tables(data: Any, language: str = "en") -> dict[str, pd.DataFrame]:
    """Display-ready tables with translated headers and formatted numbers.

    Returns
    -------
    dict
        ``totals`` (metric, value), ``channels`` and ``identity``.
    """
    check_language(language)
    tot = overview_totals(data)
    period = "–" if pd.isna(tot["start"]) else f"{tot['start']:%Y-%m-%d} – {tot['end']:%Y-%m-%d}"
    totals = pd.DataFrame(
        [
            (t("kpi.customers", language), format_number(tot["customers"], language)),
            (t("kpi.interactions", language), format_number(tot["interactions"], language)),
            (t("kpi.period", language), period),
            (t("kpi.months", language), format_number(tot["months"], language)),
            (t("kpi.channels", language), format_number(tot["channels"], language)),
            (t("kpi.purchases", language), format_number(tot["purchases"], language)),
            (t("kpi.revenue", language), format_money(tot["revenue"], language)),
            (t("kpi.anonymous", language), format_percent(tot["anonymous_share"], language)),
            (t("kpi.survey", language), format_number(tot["survey_respondents"], language)),
            (t("kpi.interviews", language), format_number(tot["interviews"], language)),
        ],
        columns=[t("col.metric", language), t("col.value", language)],
    )
    s = channel_summary(data)
    channels = pd.DataFrame(
        {
            t("col.channel", language): [channel_label(c, language) for c in s["channel"]],
            t("col.interactions", language): [
                format_number(v, language) for v in s["interactions"]
            ],
            t("col.share", language): [
                format_percent(v, language) for v in s["share_of_interactions"]
            ],
            t("col.people", language): [
                format_number(v, language) for v in s["distinct_identifiers"]
            ],
            t("col.purchases", language): [format_number(v, language) for v in s["purchases"]],
            t("col.revenue", language): [format_money(v, language) for v in s["revenue"]],
            t("col.revenue_share", language): [
                format_percent(v, language) for v in s["revenue_share"]
            ],
            t("col.conversion", language): [
                format_number(100 * v, language, 2) for v in s["conversion"]
            ],
            t("col.complaints", language): [format_number(v, language) for v in s["complaints"]],
            t("col.satisfaction", language): [
                format_number(v, language, 2) for v in s["mean_satisfaction"]
            ],
        }
    )
    f = identity_fragmentation(data)
    identity = pd.DataFrame(
        {
            t("col.identifier", language): [t(f"id.{k}", language) for k in f["identifier"]],
            t("col.rows", language): [
                f"{format_number(r, language)} ({format_percent(s_, language)})"
                for r, s_ in zip(f["rows"], f["share_of_rows"], strict=True)
            ],
            t("col.distinct_raw", language): [
                format_number(v, language) for v in f["distinct_raw"]
            ],
            t("col.distinct_clean", language): [
                format_number(v, language) for v in f["distinct_clean"]
            ],
            t("col.matched", language): [
                "–" if pd.isna(v) else format_number(v, language) for v in f["matched_crm"]
            ],
        }
    )
    return {"totals": totals, "channels": channels, "identity": identity}


def _color(channel: str) -> str:
    return CHANNEL_COLORS.get(channel, _OTHER_COLOR)


def _check_frame(frame: pd.DataFrame, required: list[str], func: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{func} expects a DataFrame. Got {type(frame).__name__} instead.")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{func} needs columns {missing}; got {list(frame.columns)}.")


def plot_channel_summary(
    summary: pd.DataFrame, *, language: str = "en", fig: go.Figure | None = None
) -> go.Figure:
    """Four bar panels per channel: interactions, people reached, purchases, revenue.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`channel_summary`.
    language : {"en", "es"}
    fig : Figure, optional
        A figure with a 1x4 subplot grid to draw into; a new one if omitted.
    """
    check_language(language)
    _check_frame(
        summary,
        ["channel", "interactions", "distinct_identifiers", "purchases", "revenue"],
        "plot_channel_summary",
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
                hovertemplate="%{y}: %{text}<extra>" + title + "</extra>",
                showlegend=False,
            ),
            row=1,
            col=i,
        )
        top = float(rows[col].max()) if len(rows) else 0.0
        fig.update_xaxes(range=[0, top * 1.45 if top > 0 else 1], row=1, col=i)
    fig.update_layout(
        title=t("fig.channels", language),
        template="plotly_white",
        height=420,
        margin={"l": 10, "r": 10, "t": 80, "b": 30},
    )
    fig.update_xaxes(showticklabels=False)
    return fig


def plot_monthly_activity(
    monthly: pd.DataFrame, *, language: str = "en", fig: go.Figure | None = None
) -> go.Figure:
    """Stacked areas of interactions per month and channel (seasonality at a glance).

    Parameters
    ----------
    monthly : DataFrame
        Output of :func:`monthly_activity`.
    language : {"en", "es"}
    fig : Figure, optional
    """
    check_language(language)
    _check_frame(monthly, ["month", "channel", "interactions"], "plot_monthly_activity")
    fig = fig if fig is not None else go.Figure()
    for channel in order_channels(monthly["channel"]):
        part = monthly[monthly["channel"] == channel].sort_values("month")
        label = channel_label(channel, language)
        fig.add_trace(
            go.Scatter(
                x=part["month"].dt.strftime("%Y-%m").tolist(),
                y=part["interactions"].tolist(),
                name=label,
                mode="lines",
                stackgroup="one",
                line={"width": 0.5, "color": _color(channel)},
                text=[format_number(v, language) for v in part["interactions"]],
                hovertemplate=label + " %{x}: %{text}<extra></extra>",
            )
        )
    fig.update_layout(
        title=t("fig.monthly", language),
        template="plotly_white",
        height=430,
        xaxis_title=t("col.month", language),
        yaxis_title=t("col.interactions", language),
        legend={"orientation": "h", "y": -0.2},
        separators=",." if language == "es" else ".,",
    )
    return fig


def plot_identity_fragmentation(
    fragmentation: pd.DataFrame, *, language: str = "en", fig: go.Figure | None = None
) -> go.Figure:
    """Grouped bars per identifier kind: distinct as written, after cleaning, matching the CRM.

    Parameters
    ----------
    fragmentation : DataFrame
        Output of :func:`identity_fragmentation`.
    language : {"en", "es"}
    fig : Figure, optional
    """
    check_language(language)
    _check_frame(
        fragmentation,
        ["identifier", "distinct_raw", "distinct_clean", "matched_crm"],
        "plot_identity_fragmentation",
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
                hovertemplate="%{x}: %{text}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        title=t("fig.identity", language),
        template="plotly_white",
        barmode="group",
        height=430,
        legend={"orientation": "h", "y": -0.15},
        separators=",." if language == "es" else ".,",
    )
    return fig
