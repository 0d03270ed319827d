"""The whole customer feature table in plain pandas: the benchmark's baseline and a second opinion.

``bench_features.py`` compares :func:`omniseg.features.build_features` with this, computing the
same columns (the issue's "same features computed by a plain pandas groupby implementation"),
and ``tests/test_pandas_reference.py`` checks the two agree on the demo data. It is written the
way a competent pandas user would write it, not the way omniseg does:

- one ``sort_values`` by person and touchpoint order, then ``groupby`` on integer person codes
  (``factorize``) for every per-person quantity;
- a ``pivot_table`` for the per-channel columns;
- ``shift`` within persons for channel switches;
- ``merge_asof`` for the journeys (the last touchpoint of the other kind at or before a purchase
  or contact; the first one on another channel after a service contact);
- an outer ``merge`` with the CRM.

Sharing no code with omniseg beyond the label vocabulary (``normalise_channel``,
``EVENT_ALIASES``, ``order_channels``), it is an independent check of the definitions in
``omniseg.features.definitions.FEATURES``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from omniseg.config.vocabulary import (
    CANONICAL_CHANNELS,
    EVENT_ALIASES,
    fold_label,
    normalise_channel,
    order_channels,
)
from omniseg.features.table import DEFAULT_CONFIG

__all__ = ["EVENT_COLUMNS", "pandas_core_features", "pandas_features"]

_DAY = 86_400
#: the columns of the resolved events that the table is computed from (what to read)
EVENT_COLUMNS = ["person_id", "timestamp", "channel", "event", "revenue", "satisfaction"]


def _events(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with a person and a time as integer codes: person (``pid``, in the order of the
    person ids), second, channel and event (labels normalised, coded in the documented order)."""
    keep = (frame["person_id"].notna() & frame["timestamp"].notna()).to_numpy()
    pid, persons = pd.factorize(frame["person_id"][keep], sort=True)
    # codes of the labels present; a missing label (code -1: the last entry) is "unknown"
    channel = frame["channel"].astype("category")
    ch_names = [normalise_channel(c) or "unknown" for c in [*channel.cat.categories, None]]
    order = order_channels(ch_names)
    ch_code = np.array([order.index(n) for n in ch_names])
    event = frame["event"].astype("category")
    ev_names = [
        EVENT_ALIASES.get(fold_label(v) or "", fold_label(v)) or "unknown"
        for v in [*event.cat.categories, None]
    ]
    ev_sorted = sorted(set(ev_names))
    ev_code = np.array([ev_sorted.index(n) for n in ev_names])

    def number(name: str) -> np.ndarray | float:
        return frame[name].to_numpy("float64", na_value=np.nan)[keep] if name in frame else np.nan

    out = pd.DataFrame(
        {
            "pid": pid,
            "sec": frame["timestamp"].to_numpy()[keep].astype("datetime64[s]").astype("int64"),
            "ch": ch_code[channel.cat.codes.to_numpy()[keep]],
            "ev": ev_code[event.cat.codes.to_numpy()[keep]],
            "revenue": number("revenue"),
            "satisfaction": number("satisfaction"),
        }
    )
    out.attrs.update(channels=order, events=ev_sorted, persons=persons)
    return out


def _preceded(targets: pd.DataFrame, before: pd.DataFrame, window_s: float) -> pd.Series:
    """Per person, targets with a ``before`` touchpoint in [sec - window, sec]."""
    if targets.empty:
        return pd.Series(dtype="int64")
    hit = pd.merge_asof(
        targets[["pid", "sec"]].sort_values("sec"),
        before[["pid", "sec"]].rename(columns={"sec": "s2"}).sort_values("s2"),
        left_on="sec", right_on="s2", by="pid", direction="backward",
    )  # fmt: skip
    ok = hit["s2"].notna() & (hit["sec"] - hit["s2"] <= window_s)
    return hit[ok].groupby("pid").size()


def pandas_features(
    events: pd.DataFrame, customers: pd.DataFrame | None = None, config: dict | None = None
) -> pd.DataFrame:
    """Every column of ``build_features`` (same definitions, same row order), in pandas.

    ``events``: resolved interactions (``person_id``, ``timestamp``, ``channel``, ``event``,
    ``revenue``, ``satisfaction``), e.g. ``pd.read_parquet(path)``.
    """
    cfg = {**DEFAULT_CONFIG, **(config or {})}
    ev = _events(events)
    channels, ev_names = ev.attrs["channels"], ev.attrs["events"]
    code = {n: i for i, n in enumerate(ev_names)}
    buy, click = code.get("purchase", -2), code.get("click", -2)
    contact, complaint = code.get("contact", -2), code.get("complaint", -2)
    ch_of = {n: i for i, n in enumerate(channels)}
    persons = ev.attrs["persons"]
    ev = ev.sort_values(["pid", "sec", "ch", "ev"], kind="stable", ignore_index=True)
    ev["is_buy"] = ev["ev"] == buy
    ev["buy_rev"] = ev["revenue"].where(ev["is_buy"], 0.0).fillna(0.0)
    g = ev.groupby("pid", sort=True)
    first_sec, last_sec = g["sec"].first(), g["sec"].last()
    ref = (int(last_sec.max()) // _DAY + 1) * _DAY
    n = g.size()
    frequency = g["is_buy"].sum()
    monetary = g["buy_rev"].sum()
    last_buy = ev[ev["is_buy"]].groupby("pid")["sec"].max().reindex(n.index)
    table = pd.DataFrame(
        {
            "person_id": pd.array(persons, dtype="string"),
            "n_interactions": n.to_numpy(),
            "first_seen": first_sec.to_numpy().astype("datetime64[s]").astype("datetime64[us]"),
            "last_seen": last_sec.to_numpy().astype("datetime64[s]").astype("datetime64[us]"),
            "tenure_days": (ref - first_sec.to_numpy()) / _DAY,
            "frequency": frequency.to_numpy(),
            "monetary": monetary.to_numpy(),
            "aov": (monetary / frequency.where(frequency > 0)).to_numpy(),
            "recency_days": ((ref - last_buy) / _DAY).to_numpy(),
        }
    )
    # per channel: one pivot of counts and sums
    ev["is_click"] = ev["ev"] == click
    cells = ev.groupby(["pid", "ch"]).agg(
        n=("sec", "size"),
        buys=("is_buy", "sum"),
        rev=("buy_rev", "sum"),
        sat=("satisfaction", "mean"),
        clicks=("is_click", "sum"),
    )
    wide = cells.unstack("ch")

    def per_person(what: str, c: int, fill: float, dtype: str) -> np.ndarray:
        """One (person, channel) aggregate of channel code ``c`` per person (``fill``: none)."""
        got = (what, c) in wide.columns
        values = wide[(what, c)].reindex(n.index) if got else pd.Series(np.nan, index=n.index)
        return values.fillna(fill).to_numpy().astype(dtype)

    for name in CANONICAL_CHANNELS:
        c = ch_of.get(name, -1)
        table[f"interactions_{name}"] = per_person("n", c, 0, "int64")
        table[f"share_{name}"] = table[f"interactions_{name}"] / table["n_interactions"]
        table[f"purchases_{name}"] = per_person("buys", c, 0, "int64")
        table[f"revenue_{name}"] = per_person("rev", c, 0.0, "float64")
        table[f"_sat_{name}"] = per_person("sat", c, np.nan, "float64")
        table[f"_clicks_{name}"] = per_person("clicks", c, 0, "int64")
    table["n_channels"] = g["ch"].nunique().to_numpy()
    table["omnichannel"] = table["n_channels"] >= 2
    names = np.array(channels, dtype=object)
    table["first_channel"] = pd.array(names[g["ch"].first().to_numpy()], dtype="string")
    table["last_channel"] = pd.array(names[g["ch"].last().to_numpy()], dtype="string")
    same_person = ev["pid"].eq(ev["pid"].shift())
    switched = same_person & ev["ch"].ne(ev["ch"].shift())
    switches = switched.groupby(ev["pid"]).sum().to_numpy()
    total = table["n_interactions"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        table["channel_switch_rate"] = np.where(total > 1, switches / (total - 1), np.nan)
    table["contacts"] = (ev["ev"] == contact).groupby(ev["pid"]).sum().to_numpy()
    table["complaints"] = (ev["ev"] == complaint).groupby(ev["pid"]).sum().to_numpy()
    for name in CANONICAL_CHANNELS:
        table[f"satisfaction_{name}"] = table.pop(f"_sat_{name}")
    for name in ("email", "sms"):
        touches = table[f"interactions_{name}"]
        table[f"{name}_click_rate"] = table[f"_clicks_{name}"] / touches.where(touches > 0)
    table = table.drop(columns=[f"_clicks_{c}" for c in CANONICAL_CHANNELS])
    # journeys
    ch = ev["ch"].to_numpy()

    def on(*names: str) -> np.ndarray:
        return np.isin(ch, [ch_of[x] for x in names if x in ch_of])

    online, store, web, service = on("web", "app"), on("store"), on("web"), on("phone", "chat")
    is_buy = ev["is_buy"].to_numpy()
    journeys = {
        "ropo_purchases": _preceded(ev[store & is_buy], ev[online], cfg["ropo_days"] * _DAY),
        "showrooming_purchases": _preceded(
            ev[online & is_buy], ev[store], cfg["showrooming_days"] * _DAY
        ),
        "contact_after_web": _preceded(
            ev[service & (ev["ev"] == contact).to_numpy()],
            ev[web],
            cfg["contact_after_web_hours"] * 3600,
        ),
    }
    # service contacts or complaints with no touchpoint on another channel in the window after
    asked = ev[service & ev["ev"].isin([contact, complaint]).to_numpy()]
    answered = []
    for c in np.unique(asked["ch"]):
        these = asked.loc[asked["ch"] == c, ["pid", "sec"]].sort_values("sec")
        others = ev.loc[ev["ch"] != c, ["pid", "sec"]].rename(columns={"sec": "s2"})
        nxt = pd.merge_asof(
            these, others.sort_values("s2"), left_on="sec", right_on="s2", by="pid",
            direction="forward", allow_exact_matches=False,
        )  # fmt: skip
        ok = nxt["s2"].notna() & (nxt["s2"] - nxt["sec"] <= cfg["follow_up_hours"] * 3600)
        answered.append(nxt.loc[ok, "pid"])
    n_answered = pd.concat(answered).value_counts() if answered else pd.Series(dtype="int64")
    journeys["unanswered_contacts"] = (
        asked.groupby("pid")
        .size()
        .sub(n_answered.reindex(asked["pid"].unique(), fill_value=0), fill_value=0)
    )
    for name, counts in journeys.items():
        table[name] = counts.reindex(n.index, fill_value=0).to_numpy().astype("int64")
    if customers is None:
        return table
    keep = [
        c
        for c in customers.columns
        if c == "customer_id"
        # the CRM demographics build_features joins (every one but the postcode)
        or c in ("age", "birth_year", "age_band", "gender", "income_band", "region", "city")
        or c == "country"
        or c.startswith("consent_")
    ]
    crm = customers[keep].drop_duplicates("customer_id")
    crm = crm.rename(columns={"customer_id": "person_id"})
    crm["person_id"] = crm["person_id"].astype("string")
    out = table.merge(crm, on="person_id", how="outer", sort=True)
    never = out["n_interactions"].isna()
    counts = [c for c in out if c.startswith(("interactions_", "purchases_"))]
    counts += ["n_interactions", "frequency", "n_channels", "contacts", "complaints"]
    counts += list(journeys)
    money = ["monetary", *[c for c in out if c.startswith("revenue_")]]
    out.loc[never, counts] = 0
    out.loc[never, money] = 0.0
    out.loc[never, "omnichannel"] = False
    out[counts] = out[counts].astype("int64")
    out["omnichannel"] = out["omnichannel"].astype(bool)
    return out


def pandas_core_features(events: pd.DataFrame) -> pd.DataFrame:
    """The benchmark's earlier, smaller baseline: only the core features (counts, RFM, first and
    last seen and channel, per-channel touchpoints, purchases and revenue, distinct channels),
    grouped on the person id text. Kept to compare with earlier runs."""
    frame = events[["person_id", "timestamp", "channel", "event", "revenue"]].copy()
    channel = frame["channel"].astype("category")
    names = [normalise_channel(c) or "unknown" for c in channel.cat.categories]
    frame["channel"] = pd.Categorical(np.asarray(names, dtype=object)[channel.cat.codes])
    frame["is_buy"] = frame["event"].str.lower() == "purchase"
    frame["buy_rev"] = frame["revenue"].where(frame["is_buy"], 0.0)
    frame = frame.sort_values(["person_id", "timestamp"], kind="stable")
    g = frame.groupby("person_id", sort=False, observed=True)
    table = pd.DataFrame(
        {
            "n_interactions": g.size(),
            "frequency": g["is_buy"].sum(),
            "monetary": g["buy_rev"].sum(),
            "first_seen": g["timestamp"].first(),
            "last_seen": g["timestamp"].last(),
            "n_channels": g["channel"].nunique(),
            "first_channel": g["channel"].first(),
            "last_channel": g["channel"].last(),
        }
    )
    per_channel = frame.pivot_table(
        index="person_id",
        columns="channel",
        values=["is_buy", "buy_rev"],
        aggfunc={"is_buy": ["size", "sum"], "buy_rev": "sum"},
        observed=True,
    )
    per_channel.columns = ["_".join(map(str, c)) for c in per_channel.columns]
    return table.join(per_channel)
