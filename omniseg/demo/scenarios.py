"""A gallery of data shapes: small seeded datasets unlike the demo, each with planted truth.

The bundled demo (:func:`omniseg.demo.generate_demo`) has eight channels, fragmented identities
and segments that differ on channel mix. Real exports rarely look like that. Each scenario here
writes one other shape, small enough for a full report in well under a minute:

* the inputs, laid out as the data contract expects them (``customers.csv``, and
  ``interactions.csv`` unless the shape has none), in the format a real export of that shape
  would have (order lines; a Spanish-locale, Latin-1, ``;``-delimited export ...);
* ``params.yaml``, which ``omniseg report --params FOLDER/params.yaml`` runs as it is (paths are
  relative to it; column renames, currency and language included);
* ``truth/``: ``customers.csv`` (``customer_id``, ``segment``: the planted segment of every
  customer, where segments are planted), ``segments.csv`` (each planted segment and what sets it
  apart) and ``README.txt``. Only tests read it.

The same name and seed always give byte-identical files. :data:`SCENARIOS` lists the names with
a one-line description; ``docs/scenarios.md`` says what each report should show.

Examples
--------
>>> import tempfile
>>> summary = generate_scenario("single-channel-retail", tempfile.mkdtemp() + "/retail")
>>> summary["customers"]
500
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from omniseg.atomic import replace_dir
from omniseg.errors import ParameterError

__all__ = ["SCENARIOS", "ScenarioData", "generate_scenario", "scenario_data"]

#: First and last day of every scenario's interactions (22 months).
PERIOD = (pd.Timestamp("2025-01-01"), pd.Timestamp("2026-10-31"))

#: Scenario name -> what the dataset is (shown by ``omniseg demo --help``).
SCENARIOS: dict[str, str] = {
    "single-channel-retail": "one physical store, purchases exported as order lines "
    "(order_id, product), a CRM with age band and postcode; planted value segments "
    "(frequent high spenders, occasional, new, lapsed)",
    "online-only": "web, app and email only; planted channel-mix segments (app loyalists, web "
    "browsers, email-driven buyers)",
    "service-subscriber": "phone, chat and app; monthly fees in the CRM, few purchases, many "
    "service contacts and complaints; planted service-style segments",
    "crm-only": "a customer table of attributes and no interactions file; planted attribute "
    "segments",
    "transactions-only": "purchases only (web and store), a customer table with nothing but "
    "customer_id; planted value segments",
    "small-b2b": "80 business accounts on email, phone and web, large orders; planted key "
    "accounts, self-serve accounts and email reorders",
    "spanish-export": "a Spanish-locale export: ';', Latin-1, decimal commas and thousands "
    "dots, gender H/M, Spanish column names and channel labels, dd/mm/yyyy dates, MXN; planted "
    "channel segments",
}


@dataclass
class ScenarioData:
    """One scenario's dataset, ready to write.

    Attributes
    ----------
    files : dict
        Relative path -> file content (bytes), inputs and ``params.yaml``.
    truth : DataFrame
        ``customer_id`` and the planted ``segment`` (empty when nothing is planted), plus any
        other planted per-customer values (documented in ``readme``).
    segments : DataFrame
        ``segment`` and ``description`` of each planted segment.
    readme : str
        What the truth files hold, written to ``truth/README.txt``.
    """

    files: dict[str, bytes]
    truth: pd.DataFrame
    segments: pd.DataFrame
    readme: str
    summary: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------ shared helpers


def _csv(
    frame: pd.DataFrame, sep: str = ",", encoding: str = "utf-8", float_format: str = "%.2f"
) -> bytes:
    """A table as CSV bytes (``\\n`` line ends, fixed float format: deterministic)."""
    text = frame.to_csv(index=False, sep=sep, lineterminator="\n", float_format=float_format)
    return text.encode(encoding)


def _yaml(params: dict[str, Any], header: str) -> bytes:
    body = yaml.safe_dump(params, allow_unicode=True, sort_keys=False, width=100)
    return (f"# {header}\n" + body).encode("utf-8")


def _ids(prefix: str, n: int, width: int = 5) -> np.ndarray:
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _assign(rng: np.random.Generator, n: int, shares: dict[str, float]) -> np.ndarray:
    """Planted segment of each of ``n`` customers: exact shares, in random order."""
    names = list(shares)
    counts = np.floor(np.array([shares[s] for s in names]) * n).astype(int)
    counts[0] += n - counts.sum()
    labels = np.repeat(np.array(names, dtype=object), counts)
    return labels[rng.permutation(n)]


def _times(rng: np.random.Generator, n: int, start: pd.Timestamp, end: pd.Timestamp):
    """``n`` random moments between ``start`` and the end of day ``end``, whole seconds, at
    opening hours (08:00-21:59)."""
    days = rng.integers(0, (end - start).days + 1, size=n)
    seconds = rng.integers(8 * 3600, 22 * 3600, size=n)
    return start + pd.to_timedelta(days, unit="D") + pd.to_timedelta(seconds, unit="s")


def _stamp(times: pd.Series | pd.DatetimeIndex, fmt: str = "%Y-%m-%d %H:%M:%S") -> np.ndarray:
    return np.asarray(pd.DatetimeIndex(times).strftime(fmt), dtype=object)


def _events(
    rng: np.random.Generator,
    customers: np.ndarray,
    counts: np.ndarray,
    window: tuple[pd.Timestamp, pd.Timestamp] | np.ndarray = PERIOD,
    **columns: Any,
) -> pd.DataFrame:
    """``counts[i]`` events of customer ``customers[i]`` at random moments of ``window`` (one
    period for all, or an ``(n, 2)`` array of per-customer first and last days); ``columns``
    are constants or per-event arrays."""
    counts = np.asarray(counts, dtype=int)
    owner = np.repeat(np.arange(len(customers)), counts)
    if isinstance(window, tuple):
        ts = _times(rng, len(owner), *window)
    else:
        lo = np.asarray(window[:, 0], dtype="datetime64[D]")[owner]
        span = (
            np.asarray(window[:, 1], dtype="datetime64[D]")
            - np.asarray(window[:, 0], dtype="datetime64[D]")
        ).astype(int)[owner]
        days = np.floor(rng.random(len(owner)) * (span + 1)).astype(int)
        seconds = rng.integers(8 * 3600, 22 * 3600, size=len(owner))
        ts = pd.DatetimeIndex(lo + days.astype("timedelta64[D]")) + pd.to_timedelta(
            seconds, unit="s"
        )
    frame = pd.DataFrame({"ts": ts, "customer_id": customers[owner]})
    for name, value in columns.items():
        frame[name] = value
    return frame


def _amounts(rng: np.random.Generator, means: np.ndarray, sigma: float = 0.35) -> np.ndarray:
    """Log-normal amounts with the given means, rounded to cents."""
    means = np.asarray(means, dtype=float)
    raw = rng.lognormal(np.log(means) - sigma**2 / 2, sigma)
    return np.round(raw, 2)


def _orders(
    rng: np.random.Generator, ids: np.ndarray, seg: np.ndarray, spec: dict[str, dict[str, Any]]
) -> pd.DataFrame:
    """Order moments (``ts``, ``customer_id``) of each customer from its segment's ``spec``.

    Per segment: ``orders`` (mean number of orders, at least one), ``first`` (the window of the
    first order), ``active`` (the window of the others) and ``recent`` (one order falls in the
    last 150 days of the period).
    """
    n = len(ids)
    orders = 1 + rng.poisson(_per_segment(seg, spec, "orders") - 1)
    recent = _per_segment(seg, spec, "recent").astype(bool)
    first_w = np.array([spec[s]["first"] for s in seg], dtype="datetime64[D]")
    active_w = np.array([spec[s]["active"] for s in seg], dtype="datetime64[D]")
    late_w = np.tile(np.array(_LATE, dtype="datetime64[D]"), (int(recent.sum()), 1))
    parts = [
        _events(rng, ids, np.ones(n, int), first_w),
        _events(rng, ids[recent], np.ones(int(recent.sum()), int), late_w),
        _events(rng, ids, np.maximum(orders - 1 - recent, 0), active_w),
    ]
    return pd.concat(parts, ignore_index=True)


def _per_segment(labels: np.ndarray, spec: dict[str, dict[str, Any]], key: str) -> np.ndarray:
    return np.array([spec[s][key] for s in labels])


def _finish(frame: pd.DataFrame, columns: list[str], fmt: str = "%Y-%m-%d %H:%M:%S"):
    """Sorted by time (ties by customer), with the timestamp as text in ``fmt``."""
    frame = frame.sort_values(["ts", "customer_id"], kind="stable").reset_index(drop=True)
    frame["timestamp"] = _stamp(frame["ts"], fmt)
    return frame[columns]


_MONTHS = (PERIOD[1] - PERIOD[0]).days / 30.44


def _activity(
    rng: np.random.Generator,
    ids: np.ndarray,
    seg: np.ndarray,
    spec: dict[str, dict[str, Any]],
    spread: float = 0.3,
) -> pd.DataFrame:
    """Touchpoints and purchases of each customer over the whole period, from its segment.

    Per segment: ``rates`` (channel -> touchpoints a month that are not purchases), ``kinds``
    (optional, channel -> {event: probability}; default all ``view``), ``buys`` (channel ->
    purchases a month) and ``basket`` (mean purchase amount). Each customer's own activity
    level multiplies every rate (log-normal, ``spread``). Returns ``ts``, ``customer_id``,
    ``channel``, ``event`` and ``revenue`` (NaN except on purchases).
    """
    level = rng.lognormal(-(spread**2) / 2, spread, size=len(ids))
    channels = sorted({c for v in spec.values() for c in (*v["rates"], *v.get("buys", {}))})
    frames = []
    for ch in channels:
        for kind in ("touch", "buy"):
            key = "rates" if kind == "touch" else "buys"
            rate = np.array([spec[s].get(key, {}).get(ch, 0.0) for s in seg])
            counts = rng.poisson(rate * level * _MONTHS)
            if not counts.sum():
                continue
            ev = _events(rng, ids, counts, channel=ch)
            if kind == "buy":
                owner = pd.Index(ids).get_indexer(ev["customer_id"])
                ev["event"] = "purchase"
                ev["revenue"] = _amounts(rng, _per_segment(seg, spec, "basket")[owner])
            else:
                owner = pd.Index(ids).get_indexer(ev["customer_id"])
                events = np.full(len(ev), "view", dtype=object)
                for s_name, v in spec.items():
                    kinds = v.get("kinds", {}).get(ch)
                    rows = seg[owner] == s_name
                    if kinds and rows.any():
                        events[rows] = rng.choice(
                            list(kinds), size=int(rows.sum()), p=list(kinds.values())
                        )
                ev["event"] = events
                ev["revenue"] = np.nan
            frames.append(ev)
    return pd.concat(frames, ignore_index=True)


def _ages(rng: np.random.Generator, seg: np.ndarray, spec: dict[str, dict[str, Any]]):
    """Whole ages from each segment's ``age`` (mean, standard deviation), within 18-90."""
    mean = _per_segment(seg, spec, "age")
    ages = rng.normal([m for m, _ in mean], [sd for _, sd in mean])
    return np.clip(np.round(ages), 18, 90).astype(int)


def _segments_frame(spec: dict[str, dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {"segment": list(spec), "description": [v["description"] for v in spec.values()]}
    )


def _truth_readme(name: str, extra: str = "") -> str:
    return (
        f"Planted truth of the omniseg scenario '{name}' (omniseg.demo.scenarios). For tests only: "
        "the pipeline never reads it.\n\n"
        "customers.csv  customer_id, segment (the planted segment of every CRM customer)"
        f"{extra}\n"
        "segments.csv   segment, description (what sets each planted segment apart)\n"
    )


# ------------------------------------------------------------------ scenarios

_START, _END = PERIOD
_EARLY = (_START, _START + pd.Timedelta(days=30))  # first order of long-standing customers
_LATE = (_END - pd.Timedelta(days=150), _END)  # last order of active customers


def _scenario(
    name: str,
    spec: dict[str, dict[str, Any]],
    params: dict[str, Any],
    tables: dict[str, bytes],
    summary: dict[str, int],
    *,
    truth: pd.DataFrame,
    readme_extra: str = "",
) -> ScenarioData:
    """A scenario's files (its tables, then ``params.yaml``), truth, segments and README."""
    return ScenarioData(
        files={**tables, "params.yaml": _yaml(params, SCENARIOS[name])},
        truth=truth,
        segments=_segments_frame(spec),
        readme=_truth_readme(name, readme_extra),
        summary=summary,
    )


def _truth(ids: np.ndarray, seg: np.ndarray) -> pd.DataFrame:
    """The planted segment of every customer."""
    return pd.DataFrame({"customer_id": ids, "segment": seg})


_RETAIL = {
    "frequent_high": {
        "description": "Frequent high spenders: long-standing, an order every month or so, "
        "large baskets, bought recently",
        "share": 0.22,
        "orders": 18,
        "basket": 140.0,
        "first": _EARLY,
        "active": PERIOD,
        "recent": True,
        "age_bands": [0.05, 0.15, 0.3, 0.3, 0.15, 0.05],
    },
    "occasional": {
        "description": "Occasional shoppers: long-standing, a few small orders, the last one "
        "recent",
        "share": 0.38,
        "orders": 3,
        "basket": 45.0,
        "first": _EARLY,
        "active": PERIOD,
        "recent": True,
        "age_bands": [0.15, 0.3, 0.25, 0.15, 0.1, 0.05],
    },
    "new": {
        "description": "New customers: first order in the last four months, one to three orders",
        "share": 0.15,
        "orders": 2,
        "basket": 60.0,
        "first": (_END - pd.Timedelta(days=120), _END),
        "active": (_END - pd.Timedelta(days=120), _END),
        "recent": False,
        "age_bands": [0.3, 0.35, 0.2, 0.1, 0.04, 0.01],
    },
    "lapsed": {
        "description": "Lapsed: bought a few times in the first months, nothing for over a year",
        "share": 0.25,
        "orders": 4,
        "basket": 70.0,
        "first": _EARLY,
        "active": (_START, pd.Timestamp("2025-08-31")),
        "recent": False,
        "age_bands": [0.05, 0.1, 0.2, 0.25, 0.25, 0.15],
    },
}
_AGE_BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
_PRODUCTS = np.array(
    ["bread", "milk", "coffee", "olive oil", "cheese", "wine", "fruit", "fish", "meat",
     "detergent", "shampoo", "rice", "pasta", "yogurt", "chocolate", "beer"],
    dtype=object,
)  # fmt: skip


def single_channel_retail(rng: np.random.Generator, n_customers: int = 500) -> ScenarioData:
    """A one-store retailer: order lines from the till, a CRM with age band and postcode.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        ``interactions.csv`` holds one row per product line (``order_id``, ``product``,
        ``quantity``, ``revenue`` of the line; lines of an order share its timestamp), all on
        channel ``store``. Planted: three value segments (:data:`_RETAIL`); the occasional
        shoppers' last order falls in the last five months, the lapsed bought nothing after
        August 2025. ``truth/customers.csv`` also has ``orders`` (the true number of orders).
    """
    ids = _ids("C", n_customers)
    seg = _assign(rng, n_customers, {s: v["share"] for s, v in _RETAIL.items()})
    ev = _orders(rng, ids, seg, _RETAIL)
    ev = ev.sort_values(["ts", "customer_id"], kind="stable").reset_index(drop=True)
    ev["order_id"] = [f"T{i:07d}" for i in range(1, len(ev) + 1)]
    basket = _amounts(
        rng, _per_segment(seg, _RETAIL, "basket")[pd.Index(ids).get_indexer(ev["customer_id"])]
    )
    # each order: 1-5 lines of distinct products that share the basket
    n_lines = 1 + rng.binomial(4, 0.4, size=len(ev))
    lines = ev.loc[ev.index.repeat(n_lines)].reset_index(drop=True)
    weights = rng.random(len(lines)) + 0.2
    order_of = np.repeat(np.arange(len(ev)), n_lines)
    share = weights / np.bincount(order_of, weights)[order_of]
    lines["revenue"] = np.maximum(np.round(basket[order_of] * share, 2), 0.5)
    lines["product"] = [p for k in n_lines for p in rng.choice(_PRODUCTS, size=k, replace=False)]
    lines["quantity"] = 1 + rng.binomial(3, 0.25, size=len(lines))
    lines["channel"] = "store"
    lines["event"] = "purchase"
    inter = _finish(
        lines,
        ["timestamp", "channel", "event", "customer_id", "order_id", "product", "quantity",
         "revenue"],
    )  # fmt: skip
    band_p = np.array([_RETAIL[s]["age_bands"] for s in seg])
    bands = np.array(
        [_AGE_BANDS[i] for i in (rng.random((n_customers, 1)) > band_p.cumsum(1)).sum(1)]
    )
    postcode = np.array([f"{p:05d}" for p in rng.choice(
        [8001, 8012, 8025, 28001, 28013, 28045, 41001, 46002, 46020, 3001], size=n_customers
    )])  # fmt: skip
    crm = pd.DataFrame({"customer_id": ids, "age_band": bands, "postcode": postcode})
    params = {
        "run_name": "single-channel-retail",
        "data": {"customers": "customers.csv", "interactions": "interactions.csv"},
    }
    truth = pd.DataFrame(
        {"customer_id": ids, "segment": seg,
         "orders": pd.Series(ev["customer_id"]).value_counts().reindex(ids).to_numpy()}
    )  # fmt: skip
    return _scenario(
        "single-channel-retail",
        _RETAIL,
        params,
        {"customers.csv": _csv(crm), "interactions.csv": _csv(inter)},
        {"customers": n_customers, "interactions": len(inter), "orders": len(ev)},
        truth=truth,
        readme_extra=", orders (true orders; interactions.csv has order lines)",
    )


_ONLINE = {
    "app_loyalists": {
        "description": "App loyalists: browse and buy in the app almost daily, small baskets",
        "share": 0.35,
        "rates": {"app": 6.0, "web": 0.3, "email": 0.5},
        "kinds": {"app": {"view": 0.8, "click": 0.2}, "email": {"view": 0.6, "click": 0.4}},
        "buys": {"app": 0.6},
        "basket": 40.0,
        "age": (29, 5),
    },
    "web_browsers": {
        "description": "Web browsers: research on the website, buy there now and then, large "
        "baskets",
        "share": 0.35,
        "rates": {"web": 5.0, "app": 0.2, "email": 0.5},
        "kinds": {"web": {"view": 0.85, "click": 0.15}, "email": {"view": 0.6, "click": 0.4}},
        "buys": {"web": 0.25},
        "basket": 90.0,
        "age": (42, 6),
    },
    "email_driven": {
        "description": "Email-driven buyers: open and click the newsletter, buy from its links",
        "share": 0.30,
        "rates": {"email": 4.0, "web": 1.0},
        "kinds": {"email": {"view": 0.5, "click": 0.5}},
        "buys": {"email": 0.2, "web": 0.05},
        "basket": 60.0,
        "age": (58, 6),
    },
}


def online_only(rng: np.random.Generator, n_customers: int = 400) -> ScenarioData:
    """A pure online shop: web, app and email; identities split between customer ids and
    emails.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        Web and app rows carry the ``customer_id`` of the logged-in customer; email rows only
        the ``email`` address the newsletter went to, which identity resolution links through
        the CRM. Planted: three channel-mix segments (:data:`_ONLINE`), which also differ in age
        and basket size.
    """
    ids = _ids("W", n_customers)
    seg = _assign(rng, n_customers, {s: v["share"] for s, v in _ONLINE.items()})
    emails = np.array([f"cliente{i}@example.com" for i in range(1, n_customers + 1)], dtype=object)
    ev = _activity(rng, ids, seg, _ONLINE)
    owner = pd.Index(ids).get_indexer(ev["customer_id"])
    by_email = (ev["channel"] == "email").to_numpy()
    ev["email"] = np.where(by_email, emails[owner], None)
    ev["customer_id"] = np.where(by_email, None, ev["customer_id"])
    ev["customer_id"] = ev["customer_id"].astype(object)
    ev["ts_key"] = np.where(by_email, ev["email"], ev["customer_id"])
    ev = ev.sort_values(["ts", "ts_key"], kind="stable").reset_index(drop=True)
    ev["timestamp"] = _stamp(ev["ts"])
    inter = ev[["timestamp", "channel", "event", "customer_id", "email", "revenue"]]
    crm = pd.DataFrame(
        {
            "customer_id": ids,
            "email": emails,
            "age": _ages(rng, seg, _ONLINE),
            "gender": rng.choice(["female", "male"], size=n_customers),
            "consent_email": np.where(rng.random(n_customers) < 0.8, "yes", "no"),
        }
    )
    params = {
        "run_name": "online-only",
        "data": {"customers": "customers.csv", "interactions": "interactions.csv"},
    }
    return _scenario(
        "online-only",
        _ONLINE,
        params,
        {
            "customers.csv": _csv(crm),
            "interactions.csv": _csv(inter),
        },
        {"customers": n_customers, "interactions": len(inter)},
        truth=_truth(ids, seg),
    )


_SERVICE = {
    "self_service": {
        "description": "Self-service: manage everything in the app, rarely contact anyone",
        "share": 0.45,
        "rates": {"app": 5.0, "chat": 0.1, "phone": 0.05},
        "kinds": {"app": {"view": 0.7, "click": 0.3}},
        "buys": {"app": 0.08},
        "basket": 15.0,
        "age": (33, 7),
        "plans": [0.5, 0.35, 0.15],
    },
    "phone_reliant": {
        "description": "Phone-reliant: call the service line about twice a month, seldom use "
        "the app",
        "share": 0.30,
        "rates": {"phone": 2.0, "app": 0.3, "chat": 0.1},
        "kinds": {"phone": {"contact": 0.85, "complaint": 0.15}},
        "buys": {"phone": 0.05},
        "basket": 25.0,
        "age": (64, 7),
        "plans": [0.3, 0.4, 0.3],
    },
    "chat_complainers": {
        "description": "Chat complainers: frequent chats, many of them complaints, some app use",
        "share": 0.25,
        "rates": {"chat": 2.5, "app": 2.0, "phone": 0.3},
        "kinds": {
            "chat": {"contact": 0.6, "complaint": 0.4},
            "phone": {"contact": 0.5, "complaint": 0.5},
            "app": {"view": 0.8, "click": 0.2},
        },
        "buys": {"app": 0.03},
        "basket": 12.0,
        "age": (45, 7),
        "plans": [0.2, 0.4, 0.4],
    },
}
_PLANS = {"basic": 19.9, "plus": 34.9, "premium": 59.9}


def service_subscriber(rng: np.random.Generator, n_customers: int = 400) -> ScenarioData:
    """A subscription service: monthly fees, few purchases, many service contacts.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        The recurring revenue is in the CRM (``plan``, ``monthly_fee``); interactions hold app
        sessions, phone and chat contacts and complaints, and a few one-off purchases (add-ons,
        many subscribers have none). Phone rows identify the caller by ``phone`` only, app and
        chat rows by ``customer_id``. Planted: three service-style segments (:data:`_SERVICE`).
    """
    ids = _ids("S", n_customers)
    seg = _assign(rng, n_customers, {s: v["share"] for s, v in _SERVICE.items()})
    phones = np.array(
        [f"6{d:08d}" for d in rng.choice(10**8, size=n_customers, replace=False)], dtype=object
    )
    ev = _activity(rng, ids, seg, _SERVICE)
    owner = pd.Index(ids).get_indexer(ev["customer_id"])
    by_phone = (ev["channel"] == "phone").to_numpy()
    # the call centre writes numbers its own way: '612 345 678' for a CRM '612345678'
    spaced = np.array([f"{p[:3]} {p[3:6]} {p[6:]}" for p in phones], dtype=object)
    ev["phone"] = np.where(by_phone, spaced[owner], None)
    ev["customer_id"] = np.where(by_phone, None, ev["customer_id"]).astype(object)
    ev["key"] = np.where(by_phone, ev["phone"], ev["customer_id"])
    ev = ev.sort_values(["ts", "key"], kind="stable").reset_index(drop=True)
    ev["timestamp"] = _stamp(ev["ts"])
    inter = ev[["timestamp", "channel", "event", "customer_id", "phone", "revenue"]]
    plan_p = np.array([_SERVICE[s]["plans"] for s in seg])
    plan = np.array(list(_PLANS))[(rng.random((n_customers, 1)) > plan_p.cumsum(1)).sum(1)]
    signup = PERIOD[0] - pd.to_timedelta(rng.integers(30, 2000, size=n_customers), unit="D")
    crm = pd.DataFrame(
        {
            "customer_id": ids,
            "phone": phones,
            "age": _ages(rng, seg, _SERVICE),
            "plan": plan,
            "monthly_fee": [_PLANS[p] for p in plan],
            "signup_date": _stamp(signup, "%Y-%m-%d"),
            "consent_sms": np.where(rng.random(n_customers) < 0.6, "yes", "no"),
        }
    )
    params = {
        "run_name": "service-subscriber",
        "data": {"customers": "customers.csv", "interactions": "interactions.csv"},
    }
    return _scenario(
        "service-subscriber",
        _SERVICE,
        params,
        {
            "customers.csv": _csv(crm),
            "interactions.csv": _csv(inter),
        },
        {"customers": n_customers, "interactions": len(inter)},
        truth=_truth(ids, seg),
    )


_CRM = {
    "young_singles": {
        "description": "Young singles: in their twenties, living alone, low income, one or two "
        "products",
        "share": 0.35,
        "age": (27, 3),
        "household": (1, 1),
        "income": [0.5, 0.4, 0.1, 0.0, 0.0],
        "products": (1, 2),
        "spend": 400.0,
    },
    "families": {
        "description": "Families: around forty, three to five at home, middle income, several "
        "products",
        "share": 0.40,
        "age": (41, 4),
        "household": (3, 5),
        "income": [0.0, 0.2, 0.6, 0.2, 0.0],
        "products": (3, 4),
        "spend": 1500.0,
    },
    "affluent_seniors": {
        "description": "Affluent seniors: over sixty, couples, high income, many products",
        "share": 0.25,
        "age": (67, 4),
        "household": (2, 2),
        "income": [0.0, 0.0, 0.1, 0.3, 0.6],
        "products": (4, 6),
        "spend": 3200.0,
    },
}
_INCOME = ["low", "lower-middle", "middle", "upper-middle", "high"]
_REGIONS = ["Madrid", "Cataluña", "Andalucía", "Comunidad Valenciana", "Galicia", "País Vasco"]


def crm_only(rng: np.random.Generator, n_customers: int = 400) -> ScenarioData:
    """A customer table of attributes and no interactions at all.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        ``customers.csv`` only (age, income band, region, household size, products held,
        annual spend); ``params.yaml`` names no interactions. Planted: three life-stage
        segments (:data:`_CRM`) that differ on every attribute but region. (No gender or
        consent column: binary attributes unrelated to the segments form stable clusters of
        their own in the default basis of a plain customer table, see ``docs/scenarios.md``.)
    """
    ids = _ids("K", n_customers)
    seg = _assign(rng, n_customers, {s: v["share"] for s, v in _CRM.items()})
    lo, hi = (np.array([_CRM[s][k][i] for s in seg]) for k, i in (("household", 0),
                                                                    ("household", 1)))  # fmt: skip
    household = rng.integers(lo, hi + 1)
    p_lo = np.array([_CRM[s]["products"][0] for s in seg])
    p_hi = np.array([_CRM[s]["products"][1] for s in seg])
    income_p = np.array([_CRM[s]["income"] for s in seg])
    income = np.array(_INCOME)[(rng.random((n_customers, 1)) > income_p.cumsum(1)).sum(1)]
    crm = pd.DataFrame(
        {
            "customer_id": ids,
            "age": _ages(rng, seg, _CRM),
            "income_band": income,
            "region": rng.choice(_REGIONS, size=n_customers),
            "household_size": household,
            "products_held": rng.integers(p_lo, p_hi + 1),
            "annual_spend": _amounts(rng, _per_segment(seg, _CRM, "spend"), 0.25),
        }
    )
    params = {"run_name": "crm-only", "data": {"customers": "customers.csv"}}
    return _scenario(
        "crm-only",
        _CRM,
        params,
        {
            "customers.csv": _csv(crm),
        },
        {"customers": n_customers},
        truth=_truth(ids, seg),
    )


_TRANSACTIONS = {
    "store_regulars": {
        "description": "Store regulars: long-standing, an order in the store every month or so, "
        "small baskets",
        "share": 0.40,
        "orders": 14,
        "basket": 35.0,
        "web_share": 0.05,
        "first": _EARLY,
        "active": PERIOD,
        "recent": True,
    },
    "online_big_baskets": {
        "description": "Online big baskets: long-standing, a large web order every few months",
        "share": 0.35,
        "orders": 8,
        "basket": 160.0,
        "web_share": 0.95,
        "first": _EARLY,
        "active": PERIOD,
        "recent": True,
    },
    "lapsed_online": {
        "description": "Lapsed online buyers: a few web orders in the first months, nothing for "
        "over a year",
        "share": 0.25,
        "orders": 3,
        "basket": 70.0,
        "web_share": 0.95,
        "first": _EARLY,
        "active": (_START, pd.Timestamp("2025-08-31")),
        "recent": False,
    },
}


def transactions_only(rng: np.random.Generator, n_customers: int = 400) -> ScenarioData:
    """Purchases only, on web and in store, and a customer table of bare ids.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        ``interactions.csv`` holds one row per order (every row a purchase with its revenue);
        ``customers.csv`` has the single column ``customer_id``. Planted: three segments
        (:data:`_TRANSACTIONS`) that differ in channel, order frequency, basket and recency.
    """
    ids = _ids("T", n_customers)
    seg = _assign(rng, n_customers, {s: v["share"] for s, v in _TRANSACTIONS.items()})
    ev = _orders(rng, ids, seg, _TRANSACTIONS)
    owner = pd.Index(ids).get_indexer(ev["customer_id"])
    web = rng.random(len(ev)) < _per_segment(seg, _TRANSACTIONS, "web_share")[owner]
    ev["channel"] = np.where(web, "web", "store")
    ev["event"] = "purchase"
    ev["revenue"] = _amounts(rng, _per_segment(seg, _TRANSACTIONS, "basket")[owner])
    inter = _finish(ev, ["timestamp", "channel", "event", "customer_id", "revenue"])
    params = {
        "run_name": "transactions-only",
        "data": {"customers": "customers.csv", "interactions": "interactions.csv"},
    }
    return _scenario(
        "transactions-only",
        _TRANSACTIONS,
        params,
        {
            "customers.csv": _csv(pd.DataFrame({"customer_id": ids})),
            "interactions.csv": _csv(inter),
        },
        {"customers": n_customers, "interactions": len(inter)},
        truth=_truth(ids, seg),
    )


_B2B = {
    "key_accounts": {
        "description": "Key accounts: an account manager on the phone, large monthly orders",
        "share": 0.25,
        "rates": {"phone": 2.0, "email": 2.0},
        "kinds": {"phone": {"contact": 0.9, "complaint": 0.1}},
        "buys": {"phone": 1.0},
        "basket": 8500.0,
        "employees": (200, 2000),
    },
    "self_serve": {
        "description": "Self-serve accounts: browse the web catalogue and order there every "
        "couple of months",
        "share": 0.45,
        "rates": {"web": 4.0, "email": 0.5},
        "kinds": {"web": {"view": 0.8, "click": 0.2}},
        "buys": {"web": 0.5},
        "basket": 1200.0,
        "employees": (5, 50),
    },
    "email_reorders": {
        "description": "Email reorders: reorder from the monthly email offer",
        "share": 0.30,
        "rates": {"email": 3.0, "web": 0.5},
        "kinds": {"email": {"view": 0.5, "click": 0.5}},
        "buys": {"email": 0.6},
        "basket": 2500.0,
        "employees": (20, 200),
    },
}
_SECTORS = ["manufacturing", "hospitality", "construction", "retail", "health", "logistics"]


def small_b2b(rng: np.random.Generator, n_customers: int = 80) -> ScenarioData:
    """A small business-to-business book: 80 accounts, three channels, large orders.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        Accounts (``customer_id``, ``email``, ``phone``, ``sector``, ``employees``, ``region``)
        and their touchpoints on email, phone and web, every row with the account's
        ``customer_id``; orders are worth thousands. Planted: three account types
        (:data:`_B2B`) by channel and order size.
    """
    ids = _ids("B", n_customers, width=3)
    seg = _assign(rng, n_customers, {s: v["share"] for s, v in _B2B.items()})
    ev = _activity(rng, ids, seg, _B2B, spread=0.2)
    inter = _finish(ev, ["timestamp", "channel", "event", "customer_id", "revenue"])
    lo = np.array([_B2B[s]["employees"][0] for s in seg])
    hi = np.array([_B2B[s]["employees"][1] for s in seg])
    crm = pd.DataFrame(
        {
            "customer_id": ids,
            "email": [f"compras@empresa{i:03d}.example" for i in range(1, n_customers + 1)],
            "phone": [f"+34 91{i:07d}" for i in range(1, n_customers + 1)],
            "sector": rng.choice(_SECTORS, size=n_customers),
            "employees": np.round(np.exp(rng.uniform(np.log(lo), np.log(hi)))).astype(int),
            "region": rng.choice(_REGIONS, size=n_customers),
        }
    )
    params = {
        "run_name": "small-b2b",
        "currency": "EUR",
        "data": {"customers": "customers.csv", "interactions": "interactions.csv"},
    }
    return _scenario(
        "small-b2b",
        _B2B,
        params,
        {"customers.csv": _csv(crm), "interactions.csv": _csv(inter)},
        {"customers": n_customers, "interactions": len(inter)},
        truth=_truth(ids, seg),
    )


_SPANISH = {
    "tienda": {
        "description": "Clientes de tienda: compran en la tienda física casi cada mes, tickets "
        "medianos",
        "share": 0.40,
        "rates": {"store": 0.5, "web": 0.3},
        "kinds": {"store": {"contacto": 1.0}, "web": {"visita": 1.0}},
        "buys": {"store": 1.0},
        "basket": 900.0,
        "age": (46, 4),
        "female": 0.6,
    },
    "digital": {
        "description": "Digitales: navegan en la web y la app y compran allí, tickets pequeños",
        "share": 0.35,
        "rates": {"web": 4.0, "app": 5.0},
        "kinds": {"web": {"visita": 0.8, "clic": 0.2}, "app": {"visita": 0.8, "clic": 0.2}},
        "buys": {"app": 0.5, "web": 0.3},
        "basket": 450.0,
        "age": (28, 4),
        "female": 0.5,
    },
    "telefono": {
        "description": "Compradores por teléfono: llaman para pedir, compras grandes y poco "
        "frecuentes",
        "share": 0.25,
        "rates": {"phone": 1.5},
        "kinds": {"phone": {"contacto": 0.8, "queja": 0.2}},
        "buys": {"phone": 0.3},
        "basket": 4000.0,
        "age": (66, 5),
        "female": 0.45,
    },
}
#: How each canonical channel and event is written in the Spanish export.
_ES_CHANNELS = {"store": "Tienda", "web": "Web", "app": "App móvil", "phone": "Teléfono"}
_ES_EVENTS = {"purchase": "compra"}
_ES_STATES = ["Ciudad de México", "Jalisco", "Nuevo León", "Puebla", "Yucatán", "Querétaro"]


def _es_number(value: float) -> str:
    """``1234.5`` as a Spanish-locale export writes it: ``1.234,50``; whole amounts of a
    thousand or more without decimals (``15.597``), as Excel shows a cell formatted ``#.##0``."""
    if value != value:  # NaN
        return ""
    if value == round(value) and value >= 1000:
        return f"{int(value):,}".replace(",", ".")
    whole, cents = f"{value:,.2f}".split(".")
    return f"{whole.replace(',', '.')},{cents}"


def spanish_export(rng: np.random.Generator, n_customers: int = 400) -> ScenarioData:
    """A Spanish-locale export from a Mexican retailer, with every quirk of such files.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        ``clientes.csv`` and ``movimientos.csv``: ``;``-delimited, Latin-1, Spanish column names
        (``Id Cliente``, ``Edad``, ``Sexo``, ``Provincia``, ``Fecha Alta``; ``Fecha``, ``Canal``,
        ``Tipo``, ``Importe``) renamed by ``columns:`` in ``params.yaml``; amounts with decimal
        commas and thousands dots (``1.234,50``) and whole amounts without decimals
        (``15.597`` is 15597 pesos); gender ``H``/``M`` (hombre / mujer); channels ``Tienda``,
        ``Teléfono``, ``Web``, ``App móvil``; events ``compra``, ``visita``, ``clic``,
        ``contacto``, ``queja``; dates ``dd/mm/yyyy``. ``currency: MXN`` and ``language: es``.
        Planted: three channel segments (:data:`_SPANISH`). ``truth/customers.csv`` also holds
        ``gender`` (female / male, as ``M`` / ``H`` mean) and ``revenue`` (each customer's true
        total, to check that ``15.597`` was not read as 15.597).
    """
    ids = _ids("MX", n_customers, width=6)
    seg = _assign(rng, n_customers, {s: v["share"] for s, v in _SPANISH.items()})
    ev = _activity(rng, ids, seg, _SPANISH)
    buy = (ev["event"] == "purchase").to_numpy()
    # about a quarter of the purchases are whole amounts (an appliance at 15.597 pesos)
    whole = buy & (rng.random(len(ev)) < 0.25)
    ev.loc[whole, "revenue"] = np.round(ev.loc[whole, "revenue"]) + 0.0
    ev = ev.sort_values(["ts", "customer_id"], kind="stable").reset_index(drop=True)
    inter = pd.DataFrame(
        {
            "Fecha": _stamp(ev["ts"], "%d/%m/%Y %H:%M"),
            "Canal": ev["channel"].map(_ES_CHANNELS),
            "Tipo": ev["event"].replace(_ES_EVENTS),
            "Id Cliente": ev["customer_id"],
            "Importe": [_es_number(v) for v in ev["revenue"]],
        }
    )
    female = rng.random(n_customers) < _per_segment(seg, _SPANISH, "female")
    signup = PERIOD[0] - pd.to_timedelta(rng.integers(0, 1500, size=n_customers), unit="D")
    crm = pd.DataFrame(
        {
            "Id Cliente": ids,
            "Edad": _ages(rng, seg, _SPANISH),
            "Sexo": np.where(female, "M", "H"),
            "Provincia": rng.choice(_ES_STATES, size=n_customers),
            "Fecha Alta": _stamp(signup, "%d/%m/%Y"),
        }
    )
    revenue = ev.loc[ev["event"] == "purchase"].groupby("customer_id")["revenue"].sum()
    params = {
        "run_name": "spanish-export",
        "language": "es",
        "currency": "MXN",
        "data": {
            "customers": "clientes.csv",
            "interactions": "movimientos.csv",
            "columns": {
                "customers": {
                    "Id Cliente": "customer_id",
                    "Edad": "age",
                    "Sexo": "gender",
                    "Provincia": "region",
                    "Fecha Alta": "signup_date",
                },
                "interactions": {
                    "Fecha": "timestamp",
                    "Canal": "channel",
                    "Tipo": "event",
                    "Id Cliente": "customer_id",
                    "Importe": "revenue",
                },
            },
        },
    }
    return _scenario(
        "spanish-export",
        _SPANISH,
        params,
        {
            "clientes.csv": _csv(crm, sep=";", encoding="latin-1"),
            "movimientos.csv": _csv(inter, sep=";", encoding="latin-1"),
        },
        {"customers": n_customers, "interactions": len(inter)},
        truth=_truth(ids, seg).assign(
            gender=np.where(female, "female", "male"),
            revenue=revenue.reindex(ids).fillna(0.0).round(2).to_numpy(),
        ),
        readme_extra=", gender (female/male: what the export's M/H mean), revenue (the true total)",
    )


# ------------------------------------------------------------------ writing

_BUILDERS: dict[str, Callable[..., ScenarioData]] = {
    "single-channel-retail": single_channel_retail,
    "online-only": online_only,
    "service-subscriber": service_subscriber,
    "crm-only": crm_only,
    "transactions-only": transactions_only,
    "small-b2b": small_b2b,
    "spanish-export": spanish_export,
}


def _check_name(name: str) -> None:
    if name not in SCENARIOS:
        raise ParameterError(f"Unknown scenario {name!r}. Valid scenarios: {', '.join(SCENARIOS)}.")


def scenario_data(name: str, seed: int = 42) -> ScenarioData:
    """Build one scenario's dataset in memory.

    Parameters
    ----------
    name : str
        A key of :data:`SCENARIOS`.
    seed : int
        Seed; the same name and seed give the same bytes.

    Returns
    -------
    ScenarioData

    Raises
    ------
    omniseg.errors.ParameterError
        If ``name`` is not a scenario (the message lists the valid names).
    """
    _check_name(name)
    # one stream per scenario, so adding a scenario never changes another's data
    key = int.from_bytes(name.encode("utf-8")[:8].ljust(8, b"\0"), "little")
    rng = np.random.default_rng(np.random.SeedSequence([seed, key]))
    return _BUILDERS[name](rng)


def generate_scenario(name: str, out_dir: str | Path, *, seed: int = 42) -> dict[str, Any]:
    """Write one scenario's inputs, ``params.yaml`` and ``truth/`` into ``out_dir``.

    Parameters
    ----------
    name : str
        A key of :data:`SCENARIOS`.
    out_dir : path
        Destination folder; replaced atomically (written next to it, then renamed).
    seed : int
        Seed; the same name and seed give byte-identical files.

    Returns
    -------
    dict
        ``scenario``, ``customers``, rows written per table, ``params`` (the path of the params
        file) and ``path``.

    Raises
    ------
    omniseg.errors.ParameterError
        If ``name`` is not a scenario (the message lists the valid names).
    """
    data = scenario_data(name, seed)
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        for rel, content in data.files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        (tmp / "truth").mkdir()
        (tmp / "truth" / "customers.csv").write_bytes(_csv(data.truth))
        (tmp / "truth" / "segments.csv").write_bytes(_csv(data.segments))
        (tmp / "truth" / "README.txt").write_text(data.readme, encoding="utf-8")
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {
        "scenario": name,
        **data.summary,
        "params": str(out_dir / "params.yaml"),
        "path": str(out_dir),
    }
