"""The data overview: what the data holds per channel, over time, and how fragmented identities are.

Aggregation runs in DuckDB (in-memory, on the pandas frames without copying them), the same SQL a
warehouse would run. Results are small pandas frames; plot functions follow one shape,
``plot_x(frame, *, language="en", fig=None) -> go.Figure``, and never call ``.show()``.

Every function takes a loaded :class:`omniseg.ingest.CustomerData` (or any object with the same
``customers`` and ``interactions`` frames and, optionally, a ``report`` with ``warnings``).

"People reached" here counts distinct *identifiers* (cleaned: trimmed, lower-cased, phones reduced
to their last 9 digits), not people: one person with an email, a phone and a loyalty card counts
three times until identity resolution (``omniseg.identity.resolver``, a later stage) links them. The
fragmentation figures show exactly that gap. No function returns a raw identifier value.

Examples
--------
>>> from omniseg.ingest.io import load_demo  # doctest: +SKIP
>>> data = load_demo()  # doctest: +SKIP
>>> summary = channel_summary(data)  # doctest: +SKIP
>>> fig = plot_channel_summary(summary, language="es")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from omniseg.config.vocabulary import IDENTIFIER_COLUMNS, order_channels
from omniseg.errors import ParameterError
from omniseg.report.chart_style import chart_layout
from omniseg.report.i18n import (
    channel_label,
    check_language,
    format_money,
    format_number,
    format_percent,
    t,
    translate_loader_warning,
)

__all__ = [
    "CHANNEL_COLORS",
    "SPARSE_CHANNEL_SHARE",
    "channel_summary",
    "data_limits",
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
    "report_section",
    "section_not_applicable",
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
#: Share of interactions under which a channel's figures are flagged as fragile.
SPARSE_CHANNEL_SHARE = 0.01

#: SQL that cleans each identifier kind the same way for interactions and the CRM: trimmed and
#: lower-cased; phones reduced to their last 9 digits (drops ``+34``/``0034`` and spaces);
#: loyalty ids without leading zeros. A display heuristic, not identity resolution.
_CLEAN_SQL = {
    "customer_id": "nullif(lower(trim({c})), '')",
    "email": "nullif(lower(trim({c})), '')",
    "phone": "nullif(right(regexp_replace({c}, '[^0-9]', '', 'g'), 9), '')",
    "loyalty_id": "nullif(ltrim(lower(trim({c})), '0'), '')",
    "device_id": "nullif(lower(trim({c})), '')",
}

_METRIC_COLUMNS = ("revenue", "satisfaction")


def _connect(data: Any) -> tuple[duckdb.DuckDBPyConnection, list[str], list[str]]:
    """An in-memory DuckDB with views ``ev`` (interactions) and ``crm`` (CRM identifiers).

    Returns the connection, the identifier kinds present in the interactions, and those present
    in the CRM.
    """
    inter = data.interactions
    ids = [c for c in IDENTIFIER_COLUMNS if c in inter.columns]
    frame = inter[["timestamp", "channel", "event", *ids]]
    for c in _METRIC_COLUMNS:
        frame = frame.assign(**{c: inter[c] if c in inter.columns else float("nan")})
    crm_ids = [c for c in IDENTIFIER_COLUMNS if c in data.customers.columns]
    con = duckdb.connect()
    try:
        con.register("ev", frame)
        con.register("crm", data.customers[crm_ids])
    except BaseException:
        con.close()
        raise
    return con, ids, crm_ids


def _identifier_union(ids: list[str]) -> str:
    """SQL of (channel, kind, raw value, clean value) for every identifier on every row."""
    parts = [
        f"SELECT channel, '{k}' AS kind, {k} AS raw, {_CLEAN_SQL[k].format(c=k)} AS val "
        f"FROM ev WHERE {k} IS NOT NULL"
        for k in ids
    ]
    if not parts:
        return "SELECT NULL AS channel, NULL AS kind, NULL AS raw, NULL AS val WHERE false"
    return " UNION ALL ".join(parts)


def _crm_identifier_union(crm_ids: list[str]) -> str:
    """SQL of distinct (kind, clean value) of the CRM's identifiers, cleaned like the events'."""
    parts = [f"SELECT '{k}' AS kind, {_CLEAN_SQL[k].format(c=k)} AS val FROM crm" for k in crm_ids]
    union = " UNION ALL ".join(parts) or "SELECT NULL AS kind, NULL AS val WHERE false"
    return f"SELECT DISTINCT kind, val FROM ({union}) WHERE val IS NOT NULL"


def _anonymous_share(inter: pd.DataFrame) -> float:
    ids = [c for c in IDENTIFIER_COLUMNS if c in inter.columns]
    if not len(inter):
        return 0.0
    if not ids:
        return 1.0
    return float(inter[ids].isna().all(axis=1).mean())


def overview_totals(data: Any) -> dict[str, Any]:
    """Headline figures of the data: customers, interactions, period, purchases, revenue.

    Parameters
    ----------
    data : CustomerData
        Loaded data (only ``customers``, ``interactions`` and, if present, ``survey`` and
        ``interviews`` are read).

    Returns
    -------
    dict
        ``customers`` (distinct CRM customer ids), ``interactions``, ``start`` and ``end``
        (Timestamps, ``NaT`` without interactions), ``months`` (calendar months covered, both ends
        included), ``purchases`` (purchase rows), ``orders`` (distinct ``order_id`` of the
        purchases, ``None`` without that column), ``revenue``, ``anonymous_share`` (share of
        interactions carrying no identifier), ``channels`` (channels used),
        ``survey_respondents``, ``interviews``.
    """
    inter = data.interactions
    start, end = inter["timestamp"].min(), inter["timestamp"].max()
    months = 0 if pd.isna(start) else (end.year - start.year) * 12 + end.month - start.month + 1
    revenue = inter["revenue"].sum() if "revenue" in inter.columns else 0.0
    survey = getattr(data, "survey", None)
    interviews = getattr(data, "interviews", None)
    return {
        "customers": int(data.customers["customer_id"].nunique()),
        "interactions": len(inter),
        "start": start,
        "end": end,
        "months": months,
        "purchases": int((inter["event"] == "purchase").sum()),
        "orders": _orders(inter),
        "revenue": float(revenue),
        "anonymous_share": _anonymous_share(inter),
        "channels": len(order_channels(inter["channel"])),
        "survey_respondents": 0 if survey is None else len(survey),
        "interviews": 0 if interviews is None else len(interviews),
    }


def _orders(inter: pd.DataFrame) -> int | None:
    """Orders among the purchases when lines carry an ``order_id`` (a line without one is an
    order of its own); ``None`` without the column."""
    if "order_id" not in inter.columns:
        return None
    bought = inter.loc[inter["event"] == "purchase", "order_id"]
    return int(bought.dropna().nunique() + bought.isna().sum())


def channel_summary(data: Any) -> pd.DataFrame:
    """Activity, reach and value of each channel.

    Parameters
    ----------
    data : CustomerData
        Loaded data (``interactions`` is read).

    Returns
    -------
    DataFrame
        One row per channel: canonical channels first (in the order of
        :data:`omniseg.config.vocabulary.CANONICAL_CHANNELS`), then others alphabetically. Columns:

        - ``channel``
        - ``interactions``, ``share_of_interactions``
        - ``identified_interactions``: rows carrying any identifier
        - ``distinct_identifiers``: distinct (identifier kind, cleaned value) pairs seen on the
          channel, i.e. *people reached before identity resolution* (one person known by email
          and phone counts twice)
        - ``purchases``, ``revenue``, ``revenue_share``
        - ``conversion``: purchases per interaction
        - ``complaints``, ``mean_satisfaction`` (NaN when no rating)

    Notes
    -----
    Totals are not a row of this table; see :func:`overview_totals`.
    """
    con, ids, _ = _connect(data)
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
        reach = con.sql(
            f"""
            SELECT channel, count(DISTINCT (kind, val)) AS distinct_identifiers
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
    out["revenue"] = out["revenue"].astype(float)
    out["mean_satisfaction"] = out["mean_satisfaction"].astype(float)
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
    """Interactions, purchases and revenue per calendar month and channel.

    Parameters
    ----------
    data : CustomerData
        Loaded data (``interactions`` is read).

    Returns
    -------
    DataFrame
        Long format, columns ``month`` (first day of the month, datetime), ``channel``,
        ``interactions``, ``purchases``, ``revenue``. The grid is complete: every month from the
        first to the last, for every channel, with zeros where a channel had no activity.
    """
    con, _, _ = _connect(data)
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
    out["revenue"] = out["revenue"].astype(float)
    return out


def identity_fragmentation(data: Any) -> pd.DataFrame:
    """How many identifiers of each kind the interactions carry, and how many the CRM knows.

    Each channel knows a customer by a different identifier (an email online, a loyalty card in
    store, a device in the app), often written differently. This table shows the size of the
    problem; linking identifiers of one person by co-occurrence (full identity resolution) is a
    later stage, :mod:`omniseg.identity.resolver`.

    Parameters
    ----------
    data : CustomerData
        Loaded data (``interactions`` and ``customers`` are read).

    Returns
    -------
    DataFrame
        One row per identifier column present in the interactions, in the order of
        :data:`omniseg.config.vocabulary.IDENTIFIER_COLUMNS`. Columns:

        - ``identifier``: the kind (``customer_id``, ``email``, ``phone``, ``loyalty_id``,
          ``device_id``)
        - ``rows``, ``share_of_rows``: interactions carrying it
        - ``distinct_raw``: distinct values as written
        - ``distinct_clean``: distinct values after trivial cleaning (trim and lower-case;
          phones: digits only, last 9 digits; loyalty ids: no leading zeros)
        - ``matched_crm``: distinct cleaned values equal to the same identifier of a CRM
          customer, cleaned the same way (``<NA>`` when the CRM has no such column, as for
          ``device_id``)

        Counts only: no identifier value is returned.
    """
    con, ids, crm_ids = _connect(data)
    try:
        out = con.sql(
            f"""
            WITH ids AS ({_identifier_union(ids)}),
                 crm_ids AS ({_crm_identifier_union(crm_ids)})
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
    out = out.set_index("identifier").reindex(ids).fillna(0)
    out.index.name = "identifier"
    out = out.reset_index()
    n = len(data.interactions)
    out["share_of_rows"] = out["rows"] / n if n else 0.0
    out["matched_crm"] = out["matched_crm"].astype("Int64")
    out.loc[~out["identifier"].isin(crm_ids), "matched_crm"] = pd.NA
    for c in ("rows", "distinct_raw", "distinct_clean"):
        out[c] = out[c].astype(int)
    out["identifier"] = out["identifier"].astype(str)
    cols = ["identifier", "rows", "share_of_rows", "distinct_raw", "distinct_clean", "matched_crm"]
    return out[cols]


def fragmentation_summary(data: Any) -> dict[str, float]:
    """How far the data is from one view of each customer, in five numbers.

    These figures describe the problem that identity resolution (:mod:`omniseg.identity.resolver`, a
    later stage, which links identifiers that occur together) solves; nothing is linked here.

    Parameters
    ----------
    data : CustomerData
        Loaded data (``interactions`` and ``customers`` are read).

    Returns
    -------
    dict
        - ``crm_customers``: distinct customer ids in the CRM
        - ``distinct_identifiers``: distinct (kind, cleaned value) identifiers in the
          interactions, all kinds together
        - ``identifiers_per_customer``: their ratio (fragmentation; NaN without CRM customers)
        - ``linkable_share``: share of interactions tied directly to a CRM customer: by its
          customer_id, or by a cleaned email/phone/loyalty id equal to the same identifier in
          the CRM
        - ``anonymous_share``: share of interactions carrying no identifier
    """
    con, ids, crm_ids = _connect(data)
    try:
        matches = [
            f"{_CLEAN_SQL[k].format(c=k)} IN (SELECT val FROM crm_ids WHERE kind = '{k}')"
            for k in ids
            if k in crm_ids
        ]
        row = con.execute(
            f"""
            WITH crm_ids AS ({_crm_identifier_union(crm_ids)})
            SELECT (SELECT count(DISTINCT (kind, val))
                      FROM ({_identifier_union(ids)}) WHERE val IS NOT NULL),
                   (SELECT count(*) FROM ev WHERE {" OR ".join(matches) or "false"})
            """
        ).fetchone()
    finally:
        con.close()
    n = len(data.interactions)
    crm = int(data.customers["customer_id"].nunique())
    distinct, linkable = int(row[0]), int(row[1] or 0)
    return {
        "crm_customers": crm,
        "distinct_identifiers": distinct,
        "identifiers_per_customer": distinct / crm if crm else float("nan"),
        "linkable_share": linkable / n if n else 0.0,
        "anonymous_share": _anonymous_share(data.interactions),
    }


def identity_lead(data: Any, language: str = "en") -> str:
    """The sentence introducing the fragmentation figures, with this data's numbers.

    Parameters
    ----------
    data : CustomerData
    language : {"en", "es"}, default "en"

    Returns
    -------
    str
        Plain text (escape it when putting it into HTML).
    """
    check_language(language)
    frag = fragmentation_summary(data)
    return t(
        "overview.identity_lead",
        language,
        linked=format_percent(frag["linkable_share"], language),
        anonymous=format_percent(frag["anonymous_share"], language),
        ratio=format_number(frag["identifiers_per_customer"], language, 1),
    )


def quality_warnings(data: Any, language: str = "en") -> list[str]:
    """Data-quality warnings for the report: the loader's plus the overview's own checks.

    Parameters
    ----------
    data : CustomerData
        Loaded data; ``data.report.warnings`` is used when present.
    language : {"en", "es"}, default "en"
        Language of the warnings (the loader's warnings are worded from their message keys;
        plain texts are kept as written).

    Returns
    -------
    list of str
        Loader warnings, then one warning per channel with less than
        :data:`SPARSE_CHANNEL_SHARE` of interactions, then one per channel with months without
        interactions between its first and last active month (often a missing export). Plain
        text: escape it when putting it into HTML.
    """
    check_language(language)
    report = getattr(data, "report", None)
    out = [translate_loader_warning(w, language) for w in (getattr(report, "warnings", None) or [])]
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
    """Display-ready tables with translated headers and numbers formatted for the language.

    Cells are strings; show them with an escaping renderer (``omniseg.report.table``,
    ``DataFrame.to_html(escape=True)``, or a Styler with ``escape="html"``), since channel
    labels come from the data.

    Parameters
    ----------
    data : CustomerData
    language : {"en", "es"}, default "en"

    Returns
    -------
    dict of str to DataFrame
        ``totals`` (metric, value), ``channels`` (one row per channel, from
        :func:`channel_summary`) and ``identity`` (one row per identifier kind, from
        :func:`identity_fragmentation`).
    """
    check_language(language)
    tot = overview_totals(data)
    period = "–" if pd.isna(tot["start"]) else f"{tot['start']:%Y-%m-%d} – {tot['end']:%Y-%m-%d}"
    profile = getattr(data, "profile", None)
    crm = getattr(profile, "has_customers", True)
    touches = getattr(profile, "has_interactions", True)
    rows = [
        (crm, "kpi.customers", format_number(tot["customers"], language)),
        (touches, "kpi.interactions", format_number(tot["interactions"], language)),
        (touches, "kpi.period", period),
        (touches, "kpi.months", format_number(tot["months"], language)),
        (touches, "kpi.channels", format_number(tot["channels"], language)),
        (
            touches and tot["orders"] is None,
            "kpi.purchases",
            format_number(tot["purchases"], language),
        ),
        (
            touches and tot["orders"] is not None,
            "kpi.orders",
            format_number(tot["orders"] or 0, language),
        ),
        (
            touches and tot["orders"] is not None,
            "kpi.order_lines",
            format_number(tot["purchases"], language),
        ),
        (touches, "kpi.revenue", format_money(tot["revenue"], language)),
        (touches, "kpi.anonymous", format_percent(tot["anonymous_share"], language)),
        (True, "kpi.survey", format_number(tot["survey_respondents"], language)),
        (True, "kpi.interviews", format_number(tot["interviews"], language)),
    ]
    # a table that was not given has no figures (not zeros): the data limits say why
    totals = pd.DataFrame(
        [(t(key, language), value) for shown, key, value in rows if shown],
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
            t("col.matched", language): [format_number(v, language) for v in f["matched_crm"]],
        }
    )
    return {"totals": totals, "channels": channels, "identity": identity}


def _color(channel: str) -> str:
    return CHANNEL_COLORS.get(channel, _OTHER_COLOR)


def _check_plot_args(
    frame: pd.DataFrame, required: list[str], func: str, language: str, fig: go.Figure | None
) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{func} expects a DataFrame. Got {type(frame).__name__} instead.")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ParameterError(f"{func} needs columns {missing}; got {list(frame.columns)}.")
    check_language(language)
    if fig is not None and not isinstance(fig, go.Figure):
        raise TypeError(
            f"The 'fig' parameter of {func} must be a plotly Figure or None. "
            f"Got {type(fig).__name__} instead."
        )


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
        title=t("fig.channels", language),
        height=420,
        margin={"l": 10, "r": 10, "t": 80, "b": 30},
    )
    fig.update_xaxes(showticklabels=False)
    return fig


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


def data_limits(profile: Any, language: str = "en") -> list[str]:
    """One sentence per thing the data cannot answer (from its :class:`DataProfile`).

    Parameters
    ----------
    profile : omniseg.ingest.DataProfile
    language : {"en", "es"}

    Returns
    -------
    list of str
        Sentences in the report language, in the order of the report's sections; empty when
        every section applies.

    Examples
    --------
    >>> from omniseg.ingest.data_profile import DataProfile
    >>> limits = data_limits(DataProfile(channels={"store": 9}, purchases=3, revenue=0.0))
    >>> [s.split(":")[0] for s in limits][:2]
    ['Omnichannel comparisons (multi- vs single-channel customers, channel overlap, gaps between \
channels) do not apply', 'Attribution of purchases to channels does not apply']
    """
    check_language(language)
    out = [t(f"limits.na.{section}.{reason}", language) for section, reason in
           profile.not_applicable().items()]  # fmt: skip
    if profile.orders == "lines_suspected":
        out.append(t("limits.orders.lines_suspected", language))
    return out


#: The data-overview sections that follow the data profile, and the profile section deciding.
_PROFILE_SECTION = {"channels": "channels", "monthly": "activity", "identity": "identity"}


def section_not_applicable(data: Any, section: str, language: str = "en") -> str | None:
    """The one sentence saying why a report section does not apply to ``data``, or ``None``.

    Parameters
    ----------
    data : CustomerData
        Its :class:`~omniseg.ingest.DataProfile` decides.
    section : str
        A section of :data:`omniseg.ingest.data_profile.SECTIONS` (``"identity"``, ``"channels"``,
        ``"activity"``, ``"omnichannel"``, ...).
    language : {"en", "es"}

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from omniseg.ingest.data_profile import DataProfile
    >>> crm_only = SimpleNamespace(profile=DataProfile(has_interactions=False))
    >>> section_not_applicable(crm_only, "activity")
    'Activity over time does not apply: the data has no interactions with dates.'
    >>> web = SimpleNamespace(profile=DataProfile(channels={"web": 3}))
    >>> section_not_applicable(web, "channels") is None
    True
    """
    check_language(language)
    profile = getattr(data, "profile", None)
    reason = None if profile is None else profile.not_applicable().get(section)
    return None if reason is None else t(f"limits.na.{section}.{reason}", language)


def report_section(
    name: str, data: Any, *, language: str = "en", tables: dict[str, pd.DataFrame] | None = None
) -> list[Any]:
    """What the data-overview notebook displays for one section, in order.

    ``name`` is ``"channels"`` (heading, chart and table per channel), ``"monthly"`` (activity
    per month) or ``"identity"`` (fragmentation of identifiers). A section that does not apply
    to the data (no interactions table; identity when every interaction carries a
    ``customer_id``) is its heading and ONE sentence in ``language`` instead
    (:func:`section_not_applicable`).

    Parameters
    ----------
    name : str
    data : CustomerData
    language : {"en", "es"}
    tables : dict, optional
        :func:`overview_tables` of ``data`` (computed when not given).
    """
    from omniseg.report.display import paragraph, section, table

    check_language(language)
    if name not in _PROFILE_SECTION:
        raise ParameterError(
            "The 'name' parameter of report_section must be one of 'channels', 'monthly', "
            f"'identity'. Got {name!r} instead."
        )
    reason = section_not_applicable(data, _PROFILE_SECTION[name], language)
    heading = {
        "channels": ("overview.channels", "channels", "overview.channels_lead"),
        "monthly": ("overview.monthly", "monthly-activity", "overview.monthly_lead"),
        "identity": ("overview.identity", "identity", None),
    }[name]
    title, anchor, lead_key = heading
    if reason is not None:
        return [section(t(title, language), anchor=anchor, level=3), paragraph(reason)]
    lead = identity_lead(data, language) if name == "identity" else t(lead_key, language)
    out = [section(t(title, language), anchor=anchor, level=3, lead=lead)]
    if name == "channels":
        tables = tables if tables is not None else overview_tables(data, language)
        out += [
            plot_channel_summary(channel_summary(data), language=language),
            table(tables["channels"]),
        ]
    elif name == "monthly":
        out.append(plot_monthly_activity(monthly_activity(data), language=language))
    else:
        tables = tables if tables is not None else overview_tables(data, language)
        out += [
            plot_identity_fragmentation(identity_fragmentation(data), language=language),
            table(tables["identity"]),
        ]
    return out
