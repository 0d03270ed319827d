"""The data overview's figures: what the data holds per channel, over time, and how fragmented
identities are.

Aggregation runs in DuckDB (in-memory, on the pandas frames without copying them), the same SQL a
warehouse would run. Results are small pandas frames of numbers, the same in every report language;
the charts are drawn by :mod:`omniseg.ingest.overview_charts` and the sentences and display tables
made by :mod:`omniseg.ingest.overview`.

Every function takes a loaded :class:`omniseg.ingest.CustomerData` (or any object with the same
``customers`` and ``interactions`` frames).

"People reached" here counts distinct *identifiers* (cleaned: trimmed, lower-cased, phones reduced
to their last 9 digits), not people: one person with an email, a phone and a loyalty card counts
three times until identity resolution (``omniseg.identity.resolver``, a later stage) links them. The
fragmentation figures show exactly that gap. No function returns a raw identifier value.

Examples
--------
>>> from omniseg.ingest.io import load_demo  # doctest: +SKIP
>>> summary = channel_summary(load_demo())  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from omniseg.config.vocabulary import IDENTIFIER_COLUMNS, order_channels

__all__ = [
    "SPARSE_CHANNEL_SHARE",
    "channel_summary",
    "fragmentation_summary",
    "identity_fragmentation",
    "monthly_activity",
    "overview_totals",
]


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
