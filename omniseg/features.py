"""The customer feature table: one row per person, from every touchpoint on every channel.

The per-event work is written as **Ibis** expressions and executed by the embedded DuckDB backend:
the same expressions can run where the data lives (Spark, BigQuery, Snowflake) by handing
:func:`build_features` a table of another Ibis backend. Inputs may be a pandas DataFrame, an Ibis
table, or a Parquet file / folder of parts read out-of-core. Results come back as pandas.

Every column is documented in :data:`FEATURES` (``feature_descriptions()`` returns it as a table,
and ``docs/features.md`` shows it).

The reference date defaults to the day after the last touchpoint, so recency and tenure are
measured from the end of the data, and the same data always gives the same table.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
from ibis import _

from omniseg.errors import DataValidationError, ParameterError, Problem
from omniseg.vocabulary import CANONICAL_CHANNELS

__all__ = [
    "DEFAULT_CONFIG",
    "FEATURES",
    "build_features",
    "feature_descriptions",
    "lifetimes_summary",
]

#: (column, description) of every column of the feature table; ``<ch>`` stands for each
#: canonical channel (web, app, email, social, phone, chat, sms, store).
FEATURES: tuple[tuple[str, str], ...] = (
    (
        "person_id",
        "the person: CRM customer_id, or P-… for a person identity resolution found "
        "outside the CRM",
    ),
    ("n_interactions", "touchpoints on any channel (0 for a CRM customer never seen)"),
    ("first_seen", "first touchpoint (naive UTC)"),
    ("last_seen", "last touchpoint (naive UTC)"),
    ("tenure_days", "days from the first touchpoint to the reference date"),
    ("frequency", "purchases"),
    ("monetary", "revenue of all purchases"),
    ("aov", "average order value: monetary / frequency (NaN without purchases)"),
    ("recency_days", "days from the last purchase to the reference date (NaN without purchases)"),
    ("interactions_<ch>", "touchpoints on the channel"),
    ("share_<ch>", "interactions_<ch> / n_interactions"),
    ("purchases_<ch>", "purchases on the channel"),
    ("revenue_<ch>", "revenue of purchases on the channel"),
    ("n_channels", "distinct channels used"),
    ("omnichannel", "n_channels >= 2"),
    (
        "first_channel",
        "channel of the first touchpoint; touchpoints at the same second are "
        "ordered by the canonical channel order, then by event name",
    ),
    ("last_channel", "channel of the last touchpoint (same ordering)"),
    (
        "channel_switch_rate",
        "share of consecutive touchpoints (same ordering) whose channel "
        "differs; NaN with a single touchpoint",
    ),
    ("contacts", "contact events on any channel"),
    ("complaints", "complaint events on any channel"),
    ("satisfaction_<ch>", "mean satisfaction (1-5) given on the channel"),
    ("email_click_rate", "email clicks / email touchpoints (NaN without email touchpoints)"),
    ("sms_click_rate", "SMS clicks / SMS touchpoints (NaN without SMS touchpoints)"),
    (
        "ropo_purchases",
        "store purchases with a web or app touchpoint in the ropo_days before "
        "(research online, purchase offline)",
    ),
    (
        "showrooming_purchases",
        "web or app purchases with a store touchpoint in the showrooming_days before",
    ),
    (
        "contact_after_web",
        "phone or chat contacts with a web touchpoint in the contact_after_web_hours before",
    ),
    (
        "unanswered_contacts",
        "phone/chat contacts or complaints with no touchpoint on another "
        "channel in the follow_up_hours after",
    ),
    ("age, gender, income_band, region", "from the CRM (empty for persons unknown to the CRM)"),
    ("consent_*", "consent flags from the CRM, when it has them"),
)

#: Journey windows. Data a user may override with ``config=``.
DEFAULT_CONFIG: dict[str, float] = {
    "ropo_days": 7,
    "showrooming_days": 7,
    "contact_after_web_hours": 24,
    "follow_up_hours": 48,
}
_DAY = 86_400
_ONLINE = ("web", "app")
_SERVICE = ("phone", "chat")
_DEMOGRAPHICS = ("age", "gender", "income_band", "region")
_REQUIRED = ("person_id", "timestamp", "channel", "event")


def _as_table(source: Any, con: Any) -> ibis.Table:
    if isinstance(source, ibis.Table):
        return source
    if isinstance(source, pd.DataFrame):
        return ibis.memtable(source)
    path = Path(source)
    if path.is_dir():
        return con.read_parquet(str(path / "*.parquet"))
    if path.suffix.lower() in (".parquet", ".pq"):
        return con.read_parquet(str(path))
    raise ParameterError(
        f"build_features reads a DataFrame, an Ibis table or Parquet files. Got {source!r}."
    )


def _check_columns(table: ibis.Table) -> None:
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise DataValidationError(
            [
                Problem(
                    "<events>",
                    c,
                    f"required column '{c}' not found. Columns found: {list(table.columns)}",
                    "add person_id with IdentityResolver.transform(interactions)"
                    if c == "person_id"
                    else "load the interactions with omniseg.io first",
                )
                for c in missing
            ]
        )


def _prepare(table: ibis.Table) -> ibis.Table:
    """Typed events with a person, epoch seconds and the canonical channel rank (for ties)."""
    if table.timestamp.type().is_string():  # text timestamps (CSV-like Parquet): ISO 8601
        table = table.mutate(timestamp=table.timestamp.cast("timestamp"))
    ev = table.filter(table.person_id.notnull() & table.timestamp.notnull())
    null = ibis.literal(None, "float64")
    return ev.select(
        person_id=ev.person_id.cast("string"),
        sec=ev.timestamp.epoch_seconds().cast("int64"),
        channel=ev.channel.cast("string"),
        event=ev.event.cast("string"),
        revenue=ev.revenue.cast("float64") if "revenue" in ev.columns else null,
        satisfaction=ev.satisfaction.cast("float64") if "satisfaction" in ev.columns else null,
        rank=ibis.cases(
            *[(ev.channel == c, i) for i, c in enumerate(CANONICAL_CHANNELS)],
            else_=len(CANONICAL_CHANNELS),
        ),
    )


def _journeys(ev: ibis.Table, cfg: dict[str, float]) -> ibis.Table:
    """Per-person counts of cross-channel journeys (self-joins on the person's timeline)."""

    def count_preceded(target, before, window_s: float, name: str) -> ibis.Table:
        t = target.select(p="person_id", s="sec", k=ibis.row_number())
        b = before.select(p2="person_id", s2="sec")
        hit = (
            t.join(b, [t.p == b.p2, b.s2 <= t.s, b.s2 >= t.s - window_s])
            .select("p", "k")
            .distinct()
        )
        return hit.group_by("p").aggregate(**{name: _.count()})

    store_buy = ev.filter((ev.channel == "store") & (ev.event == "purchase"))
    online_view = ev.filter(ev.channel.isin(_ONLINE))
    online_buy = ev.filter(ev.channel.isin(_ONLINE) & (ev.event == "purchase"))
    store_visit = ev.filter(ev.channel == "store")
    contact = ev.filter(ev.channel.isin(_SERVICE) & ev.event.isin(("contact", "complaint")))
    web = ev.filter(ev.channel == "web")
    parts = [
        count_preceded(store_buy, online_view, cfg["ropo_days"] * _DAY, "ropo_purchases"),
        count_preceded(
            online_buy, store_visit, cfg["showrooming_days"] * _DAY, "showrooming_purchases"
        ),
        count_preceded(
            contact.filter(contact.event == "contact"),
            web,
            cfg["contact_after_web_hours"] * 3600,
            "contact_after_web",
        ),
    ]
    # contacts with no touchpoint on another channel in the follow-up window
    c = contact.select(p="person_id", s="sec", ch="channel", k=ibis.row_number())
    o = ev.select(p2="person_id", s2="sec", ch2="channel")
    window = cfg["follow_up_hours"] * 3600
    answered = (
        c.join(o, [c.p == o.p2, o.s2 > c.s, o.s2 <= c.s + window, o.ch2 != c.ch])
        .select("p", "k")
        .distinct()
    )
    total = c.group_by("p").aggregate(n_service=_.count())
    got = answered.group_by("p").aggregate(n_answered=_.count())
    unanswered = total.left_join(got, total.p == got.p).select(
        p=total.p, unanswered_contacts=total.n_service - got.n_answered.fill_null(0)
    )
    parts.append(unanswered)
    return parts


def build_features(
    events: Any,
    customers: pd.DataFrame | None = None,
    *,
    reference_date: str | pd.Timestamp | None = None,
    config: dict[str, float] | None = None,
    con: Any = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Build the per-person feature table (see the module docstring for every column).

    Parameters
    ----------
    events : DataFrame, ibis.Table, or path
        Interactions with a ``person_id`` column (``IdentityResolver.transform``), plus
        ``timestamp``, ``channel``, ``event`` and optionally ``revenue``, ``satisfaction``. A
        ``.parquet`` file or a folder of Parquet parts is read out-of-core. Rows without a person
        are ignored.
    customers : DataFrame, optional
        CRM table: demographics and consent flags are joined on ``person_id == customer_id``.
    reference_date : date-like, optional
        "Today" for recency and tenure; default the day after the last touchpoint.
    config : dict, optional
        Journey windows overriding :data:`DEFAULT_CONFIG`.
    con : ibis backend, optional
        Where to run; default a new in-memory DuckDB.
    progress : bool
        Show the query steps as a progress bar on the console.

    Returns
    -------
    DataFrame
        One row per person, sorted by ``person_id``.
    """
    cfg = {**DEFAULT_CONFIG, **(config or {})}
    unknown = sorted(set(cfg) - set(DEFAULT_CONFIG))
    if unknown:
        raise ParameterError(f"Unknown config key(s) {unknown}. Allowed: {sorted(DEFAULT_CONFIG)}.")
    con = con if con is not None else ibis.duckdb.connect()
    table = _as_table(events, con)
    _check_columns(table)
    ev, temp_name = _materialise(_prepare(table), con)
    try:
        return _build(ev, con, cfg, reference_date, customers, progress)
    finally:
        if temp_name is not None:
            con.raw_sql(f'DROP TABLE "{temp_name}"')


def _materialise(ev: ibis.Table, con: Any) -> tuple[ibis.Table, str | None]:
    """Compute the prepared events once into a temporary table.

    Every query of the build (aggregates, ordering, four journeys) reads them; without this each
    would re-read and re-prepare the source (measured: about half the time at 3M rows). Backends
    that cannot create temporary tables use the expression as it is.
    """
    name = f"_omniseg_events_{uuid.uuid4().hex[:12]}"
    try:
        return con.create_table(name, obj=ev, temp=True), name
    except Exception:  # pragma: no cover - backend without temporary tables
        return ev, None


def _build(
    ev: ibis.Table,
    con: Any,
    cfg: dict[str, float],
    reference_date: Any,
    customers: pd.DataFrame | None,
    progress: bool,
) -> pd.DataFrame:
    if reference_date is None:
        last = con.to_pandas(ev.sec.max())
        if last is None or pd.isna(last):
            raise DataValidationError(
                [
                    Problem(
                        "<events>",
                        "person_id",
                        "no interaction has a person",
                        "resolve identities first (IdentityResolver) or check the identifiers",
                    )
                ]
            )
        ref = (int(last) // _DAY + 1) * _DAY
    else:
        ref = int(pd.Timestamp(reference_date).timestamp())

    is_buy = ev.event == "purchase"
    aggs: dict[str, Any] = {
        "n_interactions": ev.count(),
        "first_sec": ev.sec.min(),
        "last_sec": ev.sec.max(),
        "frequency": ev.count(where=is_buy),
        "monetary": ev.revenue.sum(where=is_buy),
        "last_buy_sec": ev.sec.max(where=is_buy),
        "n_channels": ev.channel.nunique(),
        "contacts": ev.count(where=ev.event == "contact"),
        "complaints": ev.count(where=ev.event == "complaint"),
        "email_n": ev.count(where=ev.channel == "email"),
        "email_clicks": ev.count(where=(ev.channel == "email") & (ev.event == "click")),
        "sms_n": ev.count(where=ev.channel == "sms"),
        "sms_clicks": ev.count(where=(ev.channel == "sms") & (ev.event == "click")),
    }
    for ch in CANONICAL_CHANNELS:
        on = ev.channel == ch
        aggs[f"interactions_{ch}"] = ev.count(where=on)
        aggs[f"purchases_{ch}"] = ev.count(where=on & is_buy)
        aggs[f"revenue_{ch}"] = ev.revenue.sum(where=on & is_buy)
        aggs[f"satisfaction_{ch}"] = ev.satisfaction.mean(where=on)
    base = ev.group_by("person_id").aggregate(**aggs)

    # order of touchpoints: timestamp, then canonical channel order (deterministic ties)
    w = ibis.window(group_by="person_id", order_by=[ev.sec, ev.rank, ev.event])
    seq = ev.mutate(prev=ev.channel.lag().over(w), pos=ibis.row_number().over(w))
    order = seq.group_by("person_id").aggregate(
        first_channel=seq.channel.argmin(seq.pos),
        last_channel=seq.channel.argmax(seq.pos),
        switches=(seq.prev.notnull() & (seq.prev != seq.channel)).cast("int64").sum(),
    )
    from tqdm.auto import tqdm

    parts = _journeys(ev, cfg)
    with tqdm(total=2 + len(parts), desc="features", unit="query", disable=not progress) as bar:
        frame = con.to_pandas(base)
        bar.update(1)
        frame = frame.merge(con.to_pandas(order), on="person_id", how="left")
        bar.update(1)
        for part in parts:
            journeys = con.to_pandas(part).rename(columns={"p": "person_id"})
            frame = frame.merge(journeys, on="person_id", how="left")
            bar.update(1)
    return _finish(frame, ref, customers)


def _finish(frame: pd.DataFrame, ref: int, customers: pd.DataFrame | None) -> pd.DataFrame:
    out = pd.DataFrame({"person_id": frame["person_id"].astype("string")})
    n = frame["n_interactions"].astype("int64")
    out["n_interactions"] = n
    out["first_seen"] = pd.to_datetime(frame["first_sec"], unit="s")
    out["last_seen"] = pd.to_datetime(frame["last_sec"], unit="s")
    out["tenure_days"] = (ref - frame["first_sec"]) / _DAY
    out["frequency"] = frame["frequency"].astype("int64")
    out["monetary"] = frame["monetary"].fillna(0.0).astype("float64")
    out["aov"] = (out["monetary"] / out["frequency"]).where(out["frequency"] > 0)
    out["recency_days"] = (ref - frame["last_buy_sec"]) / _DAY
    for ch in CANONICAL_CHANNELS:
        out[f"interactions_{ch}"] = frame[f"interactions_{ch}"].astype("int64")
        out[f"share_{ch}"] = out[f"interactions_{ch}"] / n
        out[f"purchases_{ch}"] = frame[f"purchases_{ch}"].astype("int64")
        out[f"revenue_{ch}"] = frame[f"revenue_{ch}"].fillna(0.0).astype("float64")
    out["n_channels"] = frame["n_channels"].astype("int64")
    out["omnichannel"] = out["n_channels"] >= 2
    out["first_channel"] = frame["first_channel"].astype("string")
    out["last_channel"] = frame["last_channel"].astype("string")
    out["channel_switch_rate"] = (frame["switches"] / (n - 1)).where(n > 1)
    out["contacts"] = frame["contacts"].astype("int64")
    out["complaints"] = frame["complaints"].astype("int64")
    for ch in CANONICAL_CHANNELS:
        out[f"satisfaction_{ch}"] = frame[f"satisfaction_{ch}"].astype("float64")
    out["email_click_rate"] = (frame["email_clicks"] / frame["email_n"]).where(frame["email_n"] > 0)
    out["sms_click_rate"] = (frame["sms_clicks"] / frame["sms_n"]).where(frame["sms_n"] > 0)
    for col in (
        "ropo_purchases",
        "showrooming_purchases",
        "contact_after_web",
        "unanswered_contacts",
    ):
        out[col] = frame[col].fillna(0).astype("int64")
    if customers is not None:
        keep = [
            "customer_id",
            *[c for c in customers.columns if c in _DEMOGRAPHICS or c.startswith("consent_")],
        ]
        crm = (
            customers[keep]
            .drop_duplicates("customer_id")
            .rename(columns={"customer_id": "person_id"})
        )
        crm["person_id"] = crm["person_id"].astype("string")
        out = out.merge(crm, on="person_id", how="outer")
        never_seen = out["n_interactions"].isna()
        counts = [c for c in out.columns if c.startswith(("interactions_", "purchases_"))]
        counts += ["n_interactions", "frequency", "n_channels", "contacts", "complaints",
                   "ropo_purchases", "showrooming_purchases", "contact_after_web",
                   "unanswered_contacts"]  # fmt: skip
        out.loc[never_seen, counts] = 0
        money = ["monetary", *[c for c in out.columns if c.startswith("revenue_")]]
        out.loc[never_seen, money] = 0.0
        out.loc[never_seen, "omnichannel"] = False
        out[counts] = out[counts].astype("int64")
        out["omnichannel"] = out["omnichannel"].astype(bool)
    return out.sort_values("person_id", kind="stable").reset_index(drop=True)


def feature_descriptions() -> pd.DataFrame:
    """The documented columns of the feature table (:data:`FEATURES`) as a table."""
    return pd.DataFrame(list(FEATURES), columns=["feature", "description"])


def lifetimes_summary(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_col: str | None = None,
    observation_period_end: str | pd.Timestamp | None = None,
    con: Any = None,
) -> pd.DataFrame:
    """RFM in the definitions of the ``lifetimes`` package, computed in DuckDB.

    Matches ``lifetimes.utils.summary_data_from_transaction_data`` with ``freq="D"``:
    purchases are grouped by calendar day; ``frequency`` is the number of days with a purchase
    after the first one (repeat purchase days); ``recency`` is the days between the first and the
    last purchase day; ``T`` the days between the first purchase day and the observation end;
    ``monetary_value`` the mean daily spend over repeat days (0 without repeats).

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction.
    customer_col, datetime_col, monetary_col : str
        Column names.
    observation_period_end : date-like, optional
        Default: the last transaction date.
    con : ibis backend, optional

    Returns
    -------
    DataFrame
        Indexed by customer: ``frequency``, ``recency``, ``T`` and ``monetary_value`` if
        ``monetary_col`` is given.
    """
    con = con if con is not None else ibis.duckdb.connect()
    cols = {customer_col: "c", datetime_col: "d"}
    if monetary_col:
        cols[monetary_col] = "m"
    frame = transactions[list(cols)].rename(columns=cols)
    frame["d"] = pd.to_datetime(frame["d"]).dt.normalize()
    t = ibis.memtable(frame)
    daily = t.group_by(["c", "d"]).aggregate(
        **({"m": t.m.sum()} if monetary_col else {"n": t.count()})
    )
    end = (
        pd.Timestamp(observation_period_end)
        if observation_period_end is not None
        else frame["d"].max()
    )
    daily = daily.mutate(day=(daily.d.epoch_seconds() // _DAY).cast("int64"))
    w = ibis.window(group_by="c", order_by="day")
    daily = daily.mutate(
        first=daily.day.min().over(ibis.window(group_by="c")), pos=ibis.row_number().over(w)
    )
    aggs = {
        "frequency": daily.count() - 1,
        "recency": (daily.day.max() - daily.first.min()),
        "first_day": daily.first.min(),
    }
    if monetary_col:
        aggs["monetary_value"] = daily.m.mean(where=daily.pos > 0)
    out = con.to_pandas(daily.group_by("c").aggregate(**aggs))
    end_day = int(end.normalize().timestamp()) // _DAY
    out["T"] = end_day - out["first_day"]
    out = out.drop(columns="first_day").set_index("c").sort_index()
    out.index.name = customer_col
    cols_out = ["frequency", "recency", "T"] + (["monetary_value"] if monetary_col else [])
    out = out[cols_out].astype("float64")
    if monetary_col:
        out["monetary_value"] = out["monetary_value"].fillna(0.0)
    return out
