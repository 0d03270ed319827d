"""Seeded synthetic omnichannel data with planted truth.

:func:`generate_demo` writes a dataset that looks like what a retailer's CRM, web analytics,
call-centre, store and campaign systems export — including the mess — with the answers planted so
tests can check every later stage:

* **5 latent segments** (:data:`SEGMENTS`) that differ in demographics, channel habits, value,
  journeys, survey attitudes and interview themes; each has a planted best and worst channel.
* **18 months of interactions** over the 8 canonical channels with seasonality (November/December
  peaks, January sales, an August dip in stores), channel-specific hours, heavy-tailed spend, and
  journeys: research online then buy in store (ROPO), campaign click then web purchase, web visit
  then phone call.
* **Fragmented identities**: each row carries only what its channel sees (email on web/email/social,
  phone on phone/SMS, loyalty card in store, device id in the app, device + email on app logins),
  with formatting noise; a store's generic email and family phones are *shared* identifiers that
  must not merge people.
* A **survey** (~15% of customers; some respondents not linked), its codebook, and ~60 **interview
  transcripts** in Spanish and English whose themes follow the segments.
* Realistic mess: missing values, duplicated rows, mixed-case channel labels, accents.

The planted truth goes to ``truth/`` and is read only by tests. ``format="parquet"`` streams large
datasets (a million customers and more) in chunks with bounded memory, for benchmarks.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

__all__ = ["SEGMENTS", "generate_demo"]

CHANNELS = ("web", "app", "email", "social", "phone", "chat", "sms", "store")
_CH = {c: i for i, c in enumerate(CHANNELS)}
EVENTS = ("view", "click", "contact", "purchase", "complaint")

#: The planted segments. ``rates``: interactions per month per channel for an average member;
#: ``buy``: share of a channel's interactions that are purchases; ``aov``: mean order value (EUR).
SEGMENTS: dict[str, dict[str, Any]] = {
    "digital_first": {
        "name": "Digital-first app & web buyers",
        "share": 0.26,
        "age": (31, 4, 19, 45),
        "gender": {"F": 0.52, "M": 0.46, "X": 0.02},
        "income": [0.08, 0.2, 0.37, 0.25, 0.10],
        "rates": dict(
            web=1.2, app=3.0, email=0.5, social=0.8, phone=0.03, chat=0.2, sms=0.1, store=0.03
        ),
        "buy": dict(
            web=0.10, app=0.16, email=0.0, social=0.01, phone=0.0, chat=0.02, sms=0.0, store=0.05
        ),
        "aov": 45.0,
        "best": "app",
        "worst": "store",
        "consent": (0.75, 0.55),
        "survey_rate": 0.17,
        "attitudes": dict(
            digital_affinity=4.4, price_sensitivity=2.9, service_need=2.0, brand_trust=3.3
        ),
        "nps": 8.2,
        "themes": ("app_speed", "notifications", "easy_checkout"),
    },
    "store_loyal": {
        "name": "Store-loyal seniors",
        "share": 0.22,
        "age": (67, 6, 58, 88),
        "gender": {"F": 0.58, "M": 0.42, "X": 0.0},
        "income": [0.05, 0.15, 0.35, 0.30, 0.15],
        "rates": dict(
            web=0.08, app=0.01, email=0.25, social=0.05, phone=0.15, chat=0.01, sms=0.1, store=1.6
        ),
        "buy": dict(
            web=0.05, app=0.0, email=0.0, social=0.0, phone=0.02, chat=0.0, sms=0.0, store=0.55
        ),
        "aov": 85.0,
        "best": "store",
        "worst": "app",
        "consent": (0.45, 0.35),
        "survey_rate": 0.16,
        "attitudes": dict(
            digital_affinity=1.7, price_sensitivity=2.6, service_need=3.6, brand_trust=4.4
        ),
        "nps": 8.6,
        "themes": ("staff_advice", "try_products", "trust"),
    },
    "ropo": {
        "name": "Research online, buy in store",
        "share": 0.20,
        "age": (45, 6, 33, 60),
        "gender": {"F": 0.5, "M": 0.49, "X": 0.01},
        "income": [0.05, 0.15, 0.35, 0.30, 0.15],
        "rates": dict(
            web=1.8, app=0.2, email=0.35, social=0.3, phone=0.05, chat=0.15, sms=0.0, store=0.45
        ),
        "buy": dict(
            web=0.06, app=0.05, email=0.0, social=0.0, phone=0.0, chat=0.0, sms=0.0, store=0.45
        ),
        "aov": 70.0,
        "best": "web",
        "worst": "sms",
        "consent": (0.6, 0.2),
        "survey_rate": 0.15,
        "attitudes": dict(
            digital_affinity=3.6, price_sensitivity=3.9, service_need=2.6, brand_trust=3.4
        ),
        "nps": 7.4,
        "themes": ("compare_online", "see_in_store", "stock_check"),
    },
    "service_reliant": {
        "name": "Call-centre reliant",
        "share": 0.17,
        "age": (64, 6, 52, 82),
        "gender": {"F": 0.55, "M": 0.45, "X": 0.0},
        "income": [0.30, 0.35, 0.25, 0.08, 0.02],
        "rates": dict(
            web=0.35, app=0.02, email=0.2, social=0.01, phone=1.4, chat=0.25, sms=0.2, store=0.2
        ),
        "buy": dict(
            web=0.04, app=0.0, email=0.0, social=0.0, phone=0.12, chat=0.03, sms=0.0, store=0.25
        ),
        "aov": 40.0,
        "best": "phone",
        "worst": "social",
        "consent": (0.35, 0.5),
        "survey_rate": 0.12,
        "attitudes": dict(
            digital_affinity=1.9, price_sensitivity=3.5, service_need=4.5, brand_trust=2.7
        ),
        "nps": 5.2,
        "themes": ("waiting_time", "resolve_problems", "human_agent"),
    },
    "promo_responsive": {
        "name": "Promotion-responsive bargain hunters",
        "share": 0.15,
        "age": (38, 6, 24, 55),
        "gender": {"F": 0.6, "M": 0.39, "X": 0.01},
        "income": [0.20, 0.40, 0.30, 0.08, 0.02],
        "rates": dict(
            web=0.7, app=0.15, email=2.2, social=0.3, phone=0.03, chat=0.0, sms=0.9, store=0.15
        ),
        "buy": dict(
            web=0.12, app=0.05, email=0.02, social=0.0, phone=0.0, chat=0.0, sms=0.0, store=0.2
        ),
        "aov": 35.0,
        "best": "email",
        "worst": "chat",
        "consent": (0.95, 0.85),
        "survey_rate": 0.2,
        "attitudes": dict(
            digital_affinity=3.5, price_sensitivity=4.6, service_need=2.4, brand_trust=2.8
        ),
        "nps": 6.8,
        "themes": ("discounts", "coupons", "offer_emails"),
    },
}
SEG_NAMES = tuple(SEGMENTS)
INCOME_BANDS = ("low", "lower-middle", "middle", "upper-middle", "high")
REGIONS = {
    "Madrid": ["Madrid", "Alcalá de Henares", "Móstoles"],
    "Cataluña": ["Barcelona", "L'Hospitalet", "Girona"],
    "Andalucía": ["Sevilla", "Málaga", "Córdoba"],
    "Comunidad Valenciana": ["Valencia", "Alicante", "Castellón"],
    "País Vasco": ["Bilbao", "San Sebastián", "Vitoria"],
    "Galicia": ["A Coruña", "Vigo", "Santiago de Compostela"],
}
REGION_P = np.array([0.28, 0.22, 0.2, 0.14, 0.08, 0.08])
#: Raw channel labels as different source systems write them (all map to canonical channels).
CHANNEL_LABELS = {
    "web": ("web", "Web", "WEB", "Website", "online"),
    "app": ("app", "App", "APP", "App ", "mobile app"),
    "email": ("email", "Email", "E-mail", "e-mail", "EMAIL"),
    "social": ("social", "Social", "Redes sociales", "Instagram"),
    "phone": ("phone", "Phone", "call centre", "Call Center", "Teléfono"),
    "chat": ("chat", "Chat", "WhatsApp", "live chat"),
    "sms": ("sms", "SMS", "Sms"),
    "store": ("store", "Store", "Tienda", "tienda", "TIENDA"),
}
CAMPAIGNS = (
    ("SPRING25", "2025-05-12"),
    ("SUMMER25", "2025-07-01"),
    ("BACK2SCHOOL25", "2025-09-01"),
    ("BF2025", "2025-11-28"),
    ("XMAS2025", "2025-12-15"),
    ("REBAJAS_ENE26", "2026-01-07"),
    ("SPRING26", "2026-04-15"),
    ("REBAJAS_JUL26", "2026-07-01"),
    ("BACK2SCHOOL26", "2026-09-01"),
)
#: Scales every segment's ``rates`` (keeps the committed demo around 30 interactions/customer).
RATE_SCALE = 0.4
#: Month-of-year activity multipliers (Jan..Dec); stores dip in August.
SEASON = np.array([1.15, 0.85, 0.9, 0.95, 1.0, 0.95, 1.05, 0.8, 1.0, 1.0, 1.35, 1.5])
STORE_AUGUST_DIP = 0.7
CONSTRUCTS = ("digital_affinity", "price_sensitivity", "service_need", "brand_trust")
FIRST_NAMES = (
    "María", "Lucía", "Carmen", "Ana", "Laura", "Marta", "Sofía", "Elena", "Paula", "Julia",
    "José", "Antonio", "Manuel", "David", "Javier", "Daniel", "Carlos", "Pablo", "Jorge", "Iñaki",
)  # fmt: skip
SURNAMES = (
    "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
    "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez",
    "Romero", "Navarro", "Torres", "Ibáñez", "Castaño",
)  # fmt: skip
EMAIL_DOMAINS = ("gmail.com", "hotmail.es", "yahoo.es", "outlook.com", "telefonica.net")
GENERIC_STORE_EMAIL = "tienda.centro@omnishop.es"


def _ascii(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c)).lower().replace(" ", "")


# --------------------------------------------------------------------------------------------
# customers
# --------------------------------------------------------------------------------------------


def _customers(rng: np.random.Generator, n: int, offset: int) -> pd.DataFrame:
    shares = np.array([SEGMENTS[s]["share"] for s in SEG_NAMES])
    seg = rng.choice(len(SEG_NAMES), size=n, p=shares / shares.sum())
    ids = np.arange(offset + 1, offset + n + 1)
    age = np.empty(n)
    gender = np.empty(n, dtype=object)
    income = np.empty(n, dtype=object)
    consent_e = np.empty(n, dtype=bool)
    consent_s = np.empty(n, dtype=bool)
    for k, name in enumerate(SEG_NAMES):
        spec = SEGMENTS[name]
        m = seg == k
        cnt = int(m.sum())
        mu, sd, lo, hi = spec["age"]
        age[m] = np.clip(rng.normal(mu, sd, cnt), lo, hi).round()
        g = list(spec["gender"])
        gender[m] = rng.choice(g, size=cnt, p=np.array(list(spec["gender"].values())))
        income[m] = rng.choice(INCOME_BANDS, size=cnt, p=spec["income"])
        consent_e[m] = rng.random(cnt) < spec["consent"][0]
        consent_s[m] = rng.random(cnt) < spec["consent"][1]
    region_idx = rng.choice(len(REGIONS), size=n, p=REGION_P)
    regions = np.array(list(REGIONS))[region_idx]
    city = np.array([REGIONS[r][j] for r, j in zip(regions, rng.integers(0, 3, n), strict=True)])
    first = rng.choice(FIRST_NAMES, size=n)
    last = rng.choice(SURNAMES, size=n)
    domain = rng.choice(EMAIL_DOMAINS, size=n)
    # identifiers are unique per person (up to ~2M customers); sharing is planted explicitly
    email = [
        f"{_ascii(f)}.{_ascii(s)}{i}@{d}"
        for f, s, i, d in zip(first, last, ids, domain, strict=True)
    ]
    phone = (600_000_000 + (ids * 97 + rng.integers(0, 97, n)) % 199_999_999).astype(np.int64)
    loyalty = (10_000_000 + ids * 13 + rng.integers(0, 13, n)).astype(np.int64)
    device = [f"dev-{x:012x}" for x in rng.integers(0, 2**48, n)]
    signup_days = rng.integers(0, 365 * 6, n)
    signup = pd.Timestamp("2026-10-31") - pd.to_timedelta(signup_days, unit="D")
    value = rng.lognormal(0.0, 0.6, n)  # per-customer spend multiplier (heavy tail)
    activity = rng.lognormal(-0.08, 0.4, n)  # per-customer activity multiplier
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:06d}" for i in ids],
            "segment_idx": seg,
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": phone.astype(str),
            "loyalty_id": loyalty.astype(str),
            "device_id": device,
            "age": age.astype(int),
            "gender": gender,
            "income_band": income,
            "region": regions,
            "city": city,
            "signup_date": signup,
            "consent_email": consent_e,
            "consent_sms": consent_s,
            "value": value,
            "activity": activity,
        }
    )


# --------------------------------------------------------------------------------------------
# interactions
# --------------------------------------------------------------------------------------------


def _month_starts(start: pd.Timestamp, months: int) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=months, freq="MS")


def _random_times(
    rng: np.random.Generator, channel: np.ndarray, month_start: np.ndarray, month_days: np.ndarray
) -> np.ndarray:
    """Timestamps within the given months, with channel-specific hours of day."""
    n = len(channel)
    day = np.floor(rng.random(n) * month_days).astype("int64")
    # hours: stores 10-21, phone 9-19, others spread over the day with an evening peak
    hour = np.where(
        channel == _CH["store"],
        rng.integers(10, 21, n),
        np.where(
            channel == _CH["phone"],
            rng.integers(9, 19, n),
            np.clip(rng.normal(17, 4.5, n), 0, 23.99).astype(int),
        ),
    )
    seconds = rng.integers(0, 3600, n)
    offset = (day * 86400 + hour * 3600 + seconds).astype("timedelta64[s]")
    return month_start + offset


def _interactions(
    rng: np.random.Generator, cust: pd.DataFrame, start: pd.Timestamp, months: int
) -> pd.DataFrame:
    seg = cust["segment_idx"].to_numpy()
    starts = _month_starts(start, months)
    moy = starts.month.to_numpy() - 1
    month_days = starts.days_in_month.to_numpy()
    rates = np.array([[SEGMENTS[s]["rates"][c] for c in CHANNELS] for s in SEG_NAMES])
    buy = np.array([[SEGMENTS[s]["buy"][c] for c in CHANNELS] for s in SEG_NAMES])
    aov = np.array([SEGMENTS[s]["aov"] for s in SEG_NAMES])
    # expected events per customer x channel x month, with season and store August dip
    season = np.tile(SEASON[moy], (len(CHANNELS), 1))
    season[_CH["store"]] *= np.where(moy == 7, STORE_AUGUST_DIP, 1.0)
    lam = (
        RATE_SCALE
        * rates[seg][:, :, None]
        * cust["activity"].to_numpy()[:, None, None]
        * season[None, :, :]
    )
    counts = rng.poisson(lam)  # (n, channels, months)
    ci, ch, mo = np.nonzero(counts)
    reps = counts[ci, ch, mo]
    ci, ch, mo = np.repeat(ci, reps), np.repeat(ch, reps), np.repeat(mo, reps)
    ts = _random_times(rng, ch, starts.to_numpy()[mo], month_days[mo])

    # event types
    sseg = seg[ci]
    p_buy = buy[sseg, ch]
    u = rng.random(len(ci))
    event = np.full(len(ci), 0, dtype=np.int8)  # view
    is_contact_ch = np.isin(ch, [_CH["phone"], _CH["chat"]])
    complaint_p = np.where(SEG_NAMES.index("service_reliant") == sseg, 0.12, 0.03)
    event[(~is_contact_ch) & (u >= p_buy) & (u < p_buy + 0.3)] = 1  # click
    event[is_contact_ch & (u >= p_buy)] = 2  # contact
    event[u < p_buy] = 3  # purchase
    complaint = is_contact_ch & (u >= p_buy) & (u < p_buy + complaint_p)
    event[complaint] = 4
    # email/sms/social never purchase directly beyond their tiny planted rate; store rows are
    # visits (view) or purchases only
    event[(ch == _CH["store"]) & (event == 1)] = 0

    frames = [
        pd.DataFrame({"ci": ci, "ch": ch, "ts": ts, "event": event}),
        _journeys(rng, cust, ci, ch, ts, event),
    ]
    ev = pd.concat(frames, ignore_index=True)
    end = starts[-1] + pd.offsets.MonthBegin(1)
    ev = ev[(ev["ts"] >= starts[0]) & (ev["ts"] < end)]

    # revenue: customer value x order lognormal x segment AOV x channel factor
    purchase = ev["event"].to_numpy() == 3
    cidx = ev["ci"].to_numpy()
    chan_factor = np.where(ev["ch"].to_numpy() == _CH["store"], 1.15, 1.0)
    revenue = np.where(
        purchase,
        aov[seg[cidx]]
        * cust["value"].to_numpy()[cidx]
        * rng.lognormal(-0.18, 0.6, len(ev))
        * chan_factor,
        np.nan,
    )
    ev["revenue"] = np.round(revenue, 2)
    # satisfaction on some contacts, complaints and purchases
    sat_mean = np.where(ev["event"].to_numpy() == 4, 1.8, 4.1)
    is_sr = seg[cidx] == SEG_NAMES.index("service_reliant")
    sat_mean = sat_mean - np.where(is_sr & (ev["ch"].to_numpy() == _CH["web"]), 1.6, 0.0)
    sat_mean = sat_mean - np.where(is_sr & (ev["ch"].to_numpy() == _CH["phone"]), 0.6, 0.0)
    has_sat = np.isin(ev["event"].to_numpy(), [2, 3, 4]) & (rng.random(len(ev)) < 0.3)
    sat = np.clip(np.round(rng.normal(sat_mean, 0.8)), 1, 5)
    ev["satisfaction"] = np.where(has_sat, sat, np.nan)
    ev = ev.sort_values(["ts", "ci", "ch", "event"], kind="stable").reset_index(drop=True)
    ev["campaign"] = _campaigns(ev)
    return ev


def _journeys(
    rng: np.random.Generator,
    cust: pd.DataFrame,
    ci: np.ndarray,
    ch: np.ndarray,
    ts: np.ndarray,
    event: np.ndarray,
) -> pd.DataFrame:
    """Planted cross-channel journeys, derived from base events."""
    seg = cust["segment_idx"].to_numpy()[ci]
    parts = []
    # ROPO: store purchases of 'ropo' customers preceded by 1-3 web views within 1-6 days
    m = (seg == SEG_NAMES.index("ropo")) & (ch == _CH["store"]) & (event == 3)
    reps = rng.integers(1, 4, int(m.sum()))
    src = np.repeat(np.nonzero(m)[0], reps)
    lag = (rng.uniform(0.2, 6.0, len(src)) * 86400).astype("timedelta64[s]")
    parts.append(pd.DataFrame({"ci": ci[src], "ch": _CH["web"], "ts": ts[src] - lag, "event": 0}))
    # promo: email/sms clicks of promo customers lead to a web purchase within 0-2 days (40%)
    m = (
        (seg == SEG_NAMES.index("promo_responsive"))
        & np.isin(ch, [_CH["email"], _CH["sms"]])
        & (event == 1)
        & (rng.random(len(ci)) < 0.4)
    )
    src = np.nonzero(m)[0]
    lag = (rng.uniform(0.05, 2.0, len(src)) * 86400).astype("timedelta64[s]")
    parts.append(pd.DataFrame({"ci": ci[src], "ch": _CH["web"], "ts": ts[src] + lag, "event": 3}))
    # service: web visits of service-reliant customers followed by a phone call within hours (35%)
    m = (
        (seg == SEG_NAMES.index("service_reliant"))
        & (ch == _CH["web"])
        & (rng.random(len(ci)) < 0.35)
    )
    src = np.nonzero(m)[0]
    lag = (rng.uniform(0.1, 20.0, len(src)) * 3600).astype("timedelta64[s]")
    parts.append(pd.DataFrame({"ci": ci[src], "ch": _CH["phone"], "ts": ts[src] + lag, "event": 2}))
    return pd.concat(parts, ignore_index=True)


def _campaigns(ev: pd.DataFrame) -> np.ndarray:
    """Email/SMS rows get the latest campaign launched before them (within 30 days)."""
    launch = pd.to_datetime([d for _, d in CAMPAIGNS]).to_numpy()
    names = np.array([c for c, _ in CAMPAIGNS], dtype=object)
    ts = ev["ts"].to_numpy()
    idx = np.searchsorted(launch, ts, side="right") - 1
    recent = (idx >= 0) & (ts - launch[np.clip(idx, 0, None)] < np.timedelta64(30, "D"))
    is_campaign_ch = np.isin(ev["ch"].to_numpy(), [_CH["email"], _CH["sms"]])
    out = np.where(recent & is_campaign_ch, names[np.clip(idx, 0, None)], None)
    return out


# --------------------------------------------------------------------------------------------
# identifiers as each channel's system records them
# --------------------------------------------------------------------------------------------


def _noisy_email(rng: np.random.Generator, emails: np.ndarray) -> np.ndarray:
    u = rng.random(len(emails))
    out = emails.astype(object).copy()
    upper = u < 0.08
    out[upper] = np.char.upper(emails[upper].astype(str))
    title = (u >= 0.08) & (u < 0.14)
    out[title] = np.char.capitalize(emails[title].astype(str))
    spaced = rng.random(len(emails)) < 0.05
    out[spaced] = np.char.add(" ", np.char.add(out[spaced].astype(str), " "))
    return out


def _noisy_phone(rng: np.random.Generator, phones: np.ndarray) -> np.ndarray:
    p = phones.astype(str)
    fmt = rng.choice(5, size=len(p), p=[0.45, 0.2, 0.15, 0.1, 0.1])
    a, b, c = (np.char.ljust(x, 3) for x in (p.astype("<U9").view("<U3").reshape(-1, 3).T))
    spaced = np.char.add(np.char.add(np.char.add(np.char.add(a, " "), b), " "), c)
    dashed = np.char.add(np.char.add(np.char.add(np.char.add(a, "-"), b), "-"), c)
    out = np.select(
        [fmt == 0, fmt == 1, fmt == 2, fmt == 3],
        [p, np.char.add("+34 ", spaced), np.char.add("0034", p), dashed],
        default=np.char.add("+34", p),
    )
    return out.astype(object)


def _noisy_loyalty(rng: np.random.Generator, ids: np.ndarray) -> np.ndarray:
    raw = np.char.zfill(ids.astype(str), 10)
    u = rng.random(len(ids))
    out = raw.astype(object)
    out[u < 0.25] = ids[u < 0.25].astype(str)  # leading zeros dropped by a spreadsheet
    out[(u >= 0.25) & (u < 0.3)] = np.char.add(raw[(u >= 0.25) & (u < 0.3)], " ")
    return out


def _attach_identifiers(
    rng: np.random.Generator, ev: pd.DataFrame, cust: pd.DataFrame
) -> tuple[pd.DataFrame, list[dict]]:
    n = len(ev)
    ci = ev["ci"].to_numpy()
    ch = ev["ch"].to_numpy()
    e = ev["event"].to_numpy()
    emails = cust["email"].to_numpy()[ci]
    phones = cust["phone"].to_numpy()[ci]
    loyal = cust["loyalty_id"].to_numpy()[ci]
    devices = cust["device_id"].to_numpy()[ci]
    u = rng.random(n)
    cols = {
        k: np.full(n, None, dtype=object)
        for k in ("customer_id", "email", "phone", "loyalty_id", "device_id")
    }
    web = ch == _CH["web"]
    logged_in = web & ((e == 3) | (u < 0.55))
    cols["email"][logged_in | np.isin(ch, [_CH["email"], _CH["social"]])] = True
    cols["customer_id"][web & (e == 3) & (rng.random(n) < 0.5)] = True
    cols["phone"][np.isin(ch, [_CH["phone"], _CH["sms"]])] = True
    chat = ch == _CH["chat"]
    cols["phone"][chat & (u < 0.5)] = True
    cols["email"][chat & (u >= 0.5)] = True
    app = ch == _CH["app"]
    cols["device_id"][app] = True
    cols["email"][app & ((e == 3) | (u < 0.2))] = True  # app logins carry device + email
    has_card = cust["has_card"].to_numpy()[ci]
    store = ch == _CH["store"]
    cols["loyalty_id"][store & has_card & (u < 0.88)] = True
    # values with formatting noise
    m = cols["email"] == True  # noqa: E712 - object array
    cols["email"][m] = _noisy_email(rng, emails[m])
    m = cols["phone"] == True  # noqa: E712
    cols["phone"][m] = _noisy_phone(rng, phones[m])
    m = cols["loyalty_id"] == True  # noqa: E712
    cols["loyalty_id"][m] = _noisy_loyalty(rng, loyal[m].astype(np.int64))
    m = cols["device_id"] == True  # noqa: E712
    cols["device_id"][m] = devices[m]
    m = cols["customer_id"] == True  # noqa: E712
    cols["customer_id"][m] = cust["customer_id"].to_numpy()[ci[m]]
    # a store's generic receipt email on some carded store purchases of different people
    generic = store & (e == 3) & (cols["loyalty_id"] != None) & (rng.random(n) < 0.05)  # noqa: E711
    cols["email"][generic] = GENERIC_STORE_EMAIL
    shared = []
    if generic.any():
        people = sorted(set(cust["customer_id"].to_numpy()[ci[generic]]))
        shared.append(
            {
                "identifier_type": "email",
                "value": GENERIC_STORE_EMAIL,
                "customer_ids": "|".join(people),
            }
        )
    for k, v in cols.items():
        ev[k] = v
    return ev, shared


# --------------------------------------------------------------------------------------------
# survey, codebook, interviews
# --------------------------------------------------------------------------------------------

ITEMS = {
    "digital_affinity": [
        ("dig_1", "I prefer to buy from my phone or computer", "Prefiero comprar desde el móvil o el ordenador", False),
        ("dig_2", "Apps make shopping easier for me", "Las apps me facilitan las compras", False),
        ("dig_3", "I find online shopping complicated", "Comprar por internet me resulta complicado", True),
    ],
    "price_sensitivity": [
        ("price_1", "I wait for offers before buying", "Espero a las ofertas para comprar", False),
        ("price_2", "I compare prices across shops", "Comparo precios entre tiendas", False),
        ("price_3", "Price matters little to me", "El precio me importa poco", True),
    ],
    "service_need": [
        ("serv_1", "I like to talk to a person when I have a question", "Me gusta hablar con una persona cuando tengo dudas", False),
        ("serv_2", "I often need help after buying", "A menudo necesito ayuda después de comprar", False),
        ("serv_3", "I solve problems on my own", "Resuelvo los problemas por mi cuenta", True),
    ],
    "brand_trust": [
        ("trust_1", "I trust this brand", "Confío en esta marca", False),
        ("trust_2", "The brand keeps its promises", "La marca cumple lo que promete", False),
        ("trust_3", "I doubt the brand's information", "Dudo de la información de la marca", True),
    ],
}  # fmt: skip


def _codebook() -> dict:
    items: dict[str, dict] = {}
    for construct, rows in ITEMS.items():
        for key, en, es, rev in rows:
            items[key] = {
                "label": en,
                "label_es": es,
                "type": "likert",
                "scale": [1, 5],
                "construct": construct,
                "reverse": rev,
            }
    items["pref_channel"] = {
        "label": "Which channel do you prefer to buy through?",
        "label_es": "¿Por qué canal prefieres comprar?",
        "type": "single_choice",
        "options": list(CHANNELS),
    }
    for c in CHANNELS:
        items[f"sat_{c}"] = {
            "label": f"Satisfaction with our {c} channel",
            "label_es": f"Satisfacción con el canal {c}",
            "type": "likert",
            "scale": [1, 5],
            "construct": "channel_satisfaction",
            "channel": c,
            "reverse": False,
        }
    items["nps"] = {
        "label": "How likely are you to recommend us to a friend?",
        "label_es": "¿Con qué probabilidad nos recomendarías a un amigo?",
        "type": "nps",
        "scale": [0, 10],
    }
    return {"items": items}


def _survey(
    rng: np.random.Generator, cust: pd.DataFrame, used: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    seg = cust["segment_idx"].to_numpy()
    rate = np.array([SEGMENTS[s]["survey_rate"] for s in SEG_NAMES])[seg]
    resp = np.nonzero(rng.random(len(cust)) < rate)[0]
    m = len(resp)
    out: dict[str, Any] = {"respondent_id": [f"R{i + 1:05d}" for i in range(m)]}
    linked = rng.random(m) >= 0.1
    out["customer_id"] = np.where(linked, cust["customer_id"].to_numpy()[resp], None)
    age = cust["age"].to_numpy()[resp]
    out["age_band"] = pd.cut(
        age,
        [0, 24, 34, 44, 54, 64, 200],
        labels=["18-24", "25-34", "35-44", "45-54", "55-64", "65+"],
    ).astype(str)
    out["gender"] = cust["gender"].to_numpy()[resp]
    out["region"] = cust["region"].to_numpy()[resp]
    rseg = seg[resp]
    for construct, rows in ITEMS.items():
        mean = np.array([SEGMENTS[s]["attitudes"][construct] for s in SEG_NAMES])[rseg]
        person = rng.normal(0, 0.45, m)
        for key, _en, _es, rev in rows:
            val = np.clip(np.round(mean + person + rng.normal(0, 0.6, m)), 1, 5)
            if rev:
                val = 6 - val
            val = pd.array(val.astype(int), dtype="Int64")
            val[rng.random(m) < 0.02] = pd.NA
            out[key] = val
    best = np.array([_CH[SEGMENTS[s]["best"]] for s in SEG_NAMES])[rseg]
    rand_ch = rng.integers(0, len(CHANNELS), m)
    out["pref_channel"] = np.array(CHANNELS)[np.where(rng.random(m) < 0.65, best, rand_ch)]
    for c in CHANNELS:
        k = _CH[c]
        base = 3.9 - np.where(
            (rseg == SEG_NAMES.index("service_reliant")) & (k == _CH["web"]), 1.5, 0
        )
        val = pd.array(np.clip(np.round(rng.normal(base, 0.8)), 1, 5).astype(int), dtype="Int64")
        val[~used[resp, k]] = pd.NA
        out[f"sat_{c}"] = val
    nps_mean = np.array([SEGMENTS[s]["nps"] for s in SEG_NAMES])[rseg]
    out["nps"] = np.clip(np.round(rng.normal(nps_mean, 1.6)), 0, 10).astype(int)
    survey = pd.DataFrame(out)
    truth = pd.DataFrame(
        {
            "respondent_id": survey["respondent_id"],
            "customer_id": cust["customer_id"].to_numpy()[resp],
            "linked": linked,
            "segment": np.array(SEG_NAMES)[rseg],
        }
    )
    return survey, truth


_THEME_TEXT = {
    "en": {
        "app_speed": ["The app is fast and I can order in two minutes.", "I do almost everything from the app, it loads quickly.", "If the app is slow I simply go to another shop."],
        "notifications": ["I like the notifications when something I saved is back in stock.", "Push notifications remind me of offers I care about."],
        "easy_checkout": ["Checkout with one click is the main reason I buy here.", "Saved cards and quick checkout make it easy."],
        "staff_advice": ["The staff in the shop know me and give good advice.", "I value the advice of the shop assistants."],
        "try_products": ["I need to see and touch the product before I buy it.", "I like to try things on in the shop."],
        "trust": ["I have trusted this brand for many years.", "I trust the people in my local store."],
        "compare_online": ["I always compare prices and reviews online first.", "I read reviews on the website before deciding."],
        "see_in_store": ["Then I go to the store to see the product in person and buy it there.", "I check online and then pick it up in the shop."],
        "stock_check": ["I check on the website whether my store has stock.", "Knowing the stock in the shop saves me a trip."],
        "waiting_time": ["Waiting on the phone for twenty minutes is frustrating.", "The waiting time at the call centre is too long."],
        "resolve_problems": ["I just want my problem solved the first time I call.", "My last problem took three calls to be resolved."],
        "human_agent": ["I prefer to talk to a real person, not a machine.", "A human agent understands my problem better."],
        "discounts": ["I only buy when there is a discount.", "Big discounts on Black Friday are when I shop."],
        "coupons": ["I use every coupon you send me.", "Coupons by SMS make me come back."],
        "offer_emails": ["I open the offer emails every week.", "The newsletter with offers tells me when to buy."],
    },
    "es": {
        "app_speed": ["La app es rápida y hago el pedido en dos minutos.", "Hago casi todo desde la aplicación, carga muy rápido.", "Si la app va lenta me voy a otra tienda."],
        "notifications": ["Me gustan las notificaciones cuando vuelve a haber stock de algo que guardé.", "Las notificaciones me recuerdan las ofertas que me interesan."],
        "easy_checkout": ["Pagar con un clic es la razón principal por la que compro aquí.", "Tener la tarjeta guardada hace que comprar sea fácil."],
        "staff_advice": ["El personal de la tienda me conoce y me aconseja muy bien.", "Valoro mucho el consejo de los dependientes."],
        "try_products": ["Necesito ver y tocar el producto antes de comprarlo.", "Me gusta probarme las cosas en la tienda."],
        "trust": ["Confío en esta marca desde hace muchos años.", "Me fío de la gente de mi tienda de siempre."],
        "compare_online": ["Siempre comparo precios y opiniones en internet primero.", "Leo las opiniones en la web antes de decidir."],
        "see_in_store": ["Después voy a la tienda a ver el producto en persona y lo compro allí.", "Miro en la web y luego lo recojo en la tienda."],
        "stock_check": ["Miro en la web si mi tienda tiene stock.", "Saber el stock de la tienda me ahorra un viaje."],
        "waiting_time": ["Esperar veinte minutos al teléfono es desesperante.", "El tiempo de espera del servicio de atención telefónica es demasiado largo."],
        "resolve_problems": ["Solo quiero que me resuelvan el problema a la primera.", "Mi último problema necesitó tres llamadas para resolverse."],
        "human_agent": ["Prefiero hablar con una persona de verdad, no con una máquina.", "Un agente humano entiende mejor mi problema."],
        "discounts": ["Solo compro cuando hay descuento.", "Compro cuando hay grandes descuentos en el Black Friday."],
        "coupons": ["Uso todos los cupones que me mandáis.", "Los cupones por SMS hacen que vuelva."],
        "offer_emails": ["Abro los correos de ofertas todas las semanas.", "La newsletter con ofertas me dice cuándo comprar."],
    },
}  # fmt: skip
_FILLER = {
    "en": ["Overall I am happy with the brand.", "I buy for my family, mostly clothes and things for the house.", "Sometimes I recommend it to friends.", "Delivery times have improved this year.", "I would like more choice in sizes."],
    "es": ["En general estoy contento con la marca.", "Compro para mi familia, sobre todo ropa y cosas para la casa.", "A veces se la recomiendo a mis amigos.", "Los plazos de entrega han mejorado este año.", "Me gustaría más variedad de tallas."],
}  # fmt: skip
_PII_LINES = {
    "en": "You can write to me at {email} or call {phone}, my name is {name}.",
    "es": "Podéis escribirme a {email} o llamarme al {phone}, me llamo {name}.",
}


def _interviews(
    rng: np.random.Generator, cust: pd.DataFrame, survey_truth: pd.DataFrame, n: int = 60
) -> tuple[dict[str, str], pd.DataFrame]:
    files: dict[str, str] = {}
    truth = []
    per_seg = n // len(SEG_NAMES)
    seg = cust["segment_idx"].to_numpy()
    k = 0
    for s_idx, s in enumerate(SEG_NAMES):
        members = np.nonzero(seg == s_idx)[0]
        chosen = rng.choice(members, size=per_seg, replace=False)
        for j, c in enumerate(chosen):
            k += 1
            lang = "es" if rng.random() < 0.5 else "en"
            themes = list(SEGMENTS[s]["themes"])
            sentences = []
            for _ in range(int(rng.integers(7, 11))):
                theme = themes[int(rng.integers(0, len(themes)))]
                bank = _THEME_TEXT[lang][theme]
                sentences.append(bank[int(rng.integers(0, len(bank)))])
                if rng.random() < 0.35:
                    sentences.append(_FILLER[lang][int(rng.integers(0, len(_FILLER[lang])))])
            if j % 4 == 0:
                row = cust.iloc[c]
                sentences.insert(
                    int(rng.integers(1, len(sentences))),
                    _PII_LINES[lang].format(
                        email=row["email"],
                        phone=f"+34 {row['phone']}",
                        name=f"{row['first_name']} {row['last_name']}",
                    ),
                )
            row = cust.iloc[c]
            header = [
                "---",
                f"customer_id: {row['customer_id']}" if j % 5 else "customer_id:",
                f"language: {lang}",
                f"age: {row['age']}",
                f"gender: {row['gender']}",
                "---",
            ]
            iid = f"INT{k:03d}"
            files[iid] = "\n".join(header) + "\n" + " ".join(sentences) + "\n"
            truth.append(
                {
                    "interview_id": iid,
                    "customer_id": row["customer_id"],
                    "segment": s,
                    "language": lang,
                    "themes": "|".join(themes),
                }
            )
    return files, pd.DataFrame(truth)


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------

_INTERACTION_COLUMNS = (
    "timestamp",
    "channel",
    "event",
    "customer_id",
    "email",
    "phone",
    "loyalty_id",
    "device_id",
    "revenue",
    "campaign",
    "satisfaction",
)


def _chunk(rng: np.random.Generator, n: int, offset: int, start: pd.Timestamp, months: int):
    cust = _customers(rng, n, offset)
    cust["has_card"] = rng.random(n) < np.where(cust["segment_idx"].to_numpy() == 1, 0.95, 0.6)
    # family phones: a few pairs/triples of CRM customers share one phone
    fam = rng.choice(n, size=max(2, n // 250) * 2, replace=False).reshape(-1, 2)
    cust.loc[fam[:, 1], "phone"] = cust.loc[fam[:, 0], "phone"].to_numpy()
    ev = _interactions(rng, cust, start, months)
    ev, shared = _attach_identifiers(rng, ev, cust)
    for a, b in fam:
        shared.append(
            {
                "identifier_type": "phone",
                "value": cust.at[a, "phone"],
                "customer_ids": "|".join(
                    sorted([cust.at[a, "customer_id"], cust.at[b, "customer_id"]])
                ),
            }
        )
    labels_idx = rng.integers(0, 5, len(ev))
    lab = np.array(
        [[CHANNEL_LABELS[c][i % len(CHANNEL_LABELS[c])] for i in range(5)] for c in CHANNELS],
        dtype=object,
    )
    ev["channel"] = lab[ev["ch"].to_numpy(), labels_idx]
    ev["event"] = np.array(EVENTS, dtype=object)[ev["event"].to_numpy()]
    ev["timestamp"] = ev["ts"].dt.strftime("%Y-%m-%d %H:%M:%S")
    # anonymous web views: no identifier at all
    anon = (ev["ch"].to_numpy() == _CH["web"]) & (
        ev[["customer_id", "email"]].isna().all(axis=1).to_numpy()
    )
    ev.loc[anon, ["customer_id", "email", "phone", "loyalty_id", "device_id"]] = None
    return cust, ev, shared


def _crm_frame(rng: np.random.Generator, cust: pd.DataFrame) -> pd.DataFrame:
    n = len(cust)
    crm = pd.DataFrame({"customer_id": cust["customer_id"]})
    crm["email"] = np.where(rng.random(n) < 0.08, None, cust["email"])
    # family phones stay on every member's CRM record: that is what makes them a trap
    family = cust["phone"].duplicated(keep=False).to_numpy()
    blank = (rng.random(n) < 0.12) & ~family
    crm["phone"] = np.where(blank, None, _noisy_phone(rng, cust["phone"].to_numpy()))
    crm["loyalty_id"] = np.where(cust["has_card"], cust["loyalty_id"].str.zfill(10), None)
    age = cust["age"].astype(object)
    age[rng.random(n) < 0.03] = None
    crm["age"] = age
    gmap = {
        "F": ("F", "female", "Mujer"),
        "M": ("M", "male", "Hombre"),
        "X": ("X", "non-binary", "No binario"),
    }
    gi = rng.integers(0, 3, n)
    crm["gender"] = [gmap[g][i] for g, i in zip(cust["gender"], gi, strict=True)]
    crm["income_band"] = np.where(rng.random(n) < 0.05, None, cust["income_band"])
    crm["region"] = cust["region"]
    crm["city"] = cust["city"]
    crm["signup_date"] = cust["signup_date"].dt.strftime("%d/%m/%Y")
    crm["consent_email"] = np.where(cust["consent_email"], "sí", "no")
    crm["consent_sms"] = np.where(cust["consent_sms"], "sí", "no")
    return crm


def _link_first_use(ev: pd.DataFrame, cust: pd.DataFrame, crm: pd.DataFrame) -> None:
    """The first use of an identifier the CRM does not hold carries the customer id.

    Real systems see a new email, phone or app device first at a login or registration, which
    ties it to the account; after that the channel records only its own identifier. This keeps
    every identifier linkable in principle (what identity resolution must then find), while most
    rows still carry a single, fragmented identifier. Shared identifiers are not linked this way.
    """
    ci = ev["ci"].to_numpy()
    in_crm = {
        "email": crm["email"].notna().to_numpy(),
        "phone": crm["phone"].notna().to_numpy(),
        "device_id": np.zeros(len(cust), dtype=bool),
    }
    customer_ids = cust["customer_id"].to_numpy()
    for kind, known in in_crm.items():
        values = ev[kind]
        rows = np.nonzero(
            (values.notna() & (values != GENERIC_STORE_EMAIL)).to_numpy() & ~known[ci]
        )[0]
        if not len(rows):
            continue
        _, first = np.unique(ci[rows], return_index=True)
        ev.loc[ev.index[rows[first]], "customer_id"] = customer_ids[ci[rows[first]]]


def _identity_truth(
    cust: pd.DataFrame, crm: pd.DataFrame, ev: pd.DataFrame, ci: np.ndarray
) -> pd.DataFrame:
    rows = []
    true_id = cust["customer_id"].to_numpy()[ci]
    for col in ("customer_id", "email", "phone", "loyalty_id", "device_id"):
        vals = ev[col].to_numpy()
        m = pd.notna(vals)
        rows.append(
            pd.DataFrame({"identifier_type": col, "value": vals[m], "customer_id": true_id[m]})
        )
    for col in ("email", "phone", "loyalty_id"):
        m = crm[col].notna().to_numpy()
        rows.append(
            pd.DataFrame(
                {
                    "identifier_type": col,
                    "value": crm[col].to_numpy()[m],
                    "customer_id": crm["customer_id"].to_numpy()[m],
                }
            )
        )
    out = pd.concat(rows, ignore_index=True).drop_duplicates()
    out = out[out["value"] != GENERIC_STORE_EMAIL]
    return out.sort_values(["identifier_type", "value", "customer_id"]).reset_index(drop=True)


def _write_csv(frame: pd.DataFrame, path: Path, sep: str = ",") -> None:
    text = frame.to_csv(index=False, sep=sep, lineterminator="\n")
    if path.suffix == ".gz":
        with (
            open(path, "wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
        ):
            gz.write(text.encode("utf-8"))
    else:
        path.write_text(text, encoding="utf-8")


def generate_demo(
    out_dir: str | Path,
    *,
    n_customers: int = 5000,
    seed: int = 42,
    months: int = 18,
    start: str = "2025-05-01",
    format: str = "csv",
    chunk_size: int = 50_000,
    progress: bool = True,
) -> dict[str, Any]:
    """Write a synthetic omnichannel dataset with planted truth into ``out_dir``.

    Parameters
    ----------
    out_dir : path
        Destination folder; replaced atomically (written next to it, then renamed).
    n_customers : int
        Number of customers (>= 50).
    seed : int
        Seed; the same seed and arguments give byte-identical files.
    months : int
        Months of interactions, starting at ``start``.
    start : str
        First day of the interaction period.
    format : {"csv", "parquet"}
        ``"csv"``: the small layout committed in ``data/demo`` (CRM ``;``-delimited, interactions
        gzip CSV, survey, codebook, interviews, truth). ``"parquet"``: big datasets for benchmarks,
        customers and interactions streamed in chunks of ``chunk_size`` customers to
        ``customers/part-*.parquet`` and ``interactions/part-*.parquet`` (no survey/interviews).
    chunk_size : int
        Customers per chunk in parquet mode.
    progress : bool
        Show a progress bar over chunks.

    Returns
    -------
    dict
        ``customers`` (distinct), rows written per table (``customer_rows`` includes the planted
        duplicate rows), and ``path``.

    Examples
    --------
    >>> import tempfile
    >>> summary = generate_demo(tempfile.mkdtemp() + "/demo", n_customers=200, progress=False)
    >>> summary["customers"]
    200
    """
    from tqdm.auto import tqdm

    if not isinstance(n_customers, int) or n_customers < 50:
        raise ValueError(
            f"The 'n_customers' parameter must be an int in [50, inf). Got {n_customers!r}."
        )
    if format not in ("csv", "parquet"):
        raise ValueError(f"The 'format' parameter must be 'csv' or 'parquet'. Got {format!r}.")
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    start_ts = pd.Timestamp(start)
    try:
        if format == "csv":
            summary = _write_small(tmp, n_customers, seed, start_ts, months)
        else:
            chunks = range(0, n_customers, chunk_size)
            seeds = np.random.SeedSequence(seed).spawn(len(chunks))
            import pyarrow as pa
            import pyarrow.parquet as pq

            (tmp / "customers").mkdir()
            (tmp / "interactions").mkdir()
            summary = {"customers": 0, "interactions": 0}
            for k, lo in enumerate(tqdm(chunks, desc="demo chunks", disable=not progress)):
                rng = np.random.default_rng(seeds[k])
                n = min(chunk_size, n_customers - lo)
                cust, ev, _ = _chunk(rng, n, lo, start_ts, months)
                crm = _crm_frame(rng, cust)
                _link_first_use(ev, cust, crm)
                inter = ev[list(_INTERACTION_COLUMNS)]
                pq.write_table(
                    pa.Table.from_pandas(crm, preserve_index=False),
                    tmp / "customers" / f"part-{k:05d}.parquet",
                )
                pq.write_table(
                    pa.Table.from_pandas(inter, preserve_index=False),
                    tmp / "interactions" / f"part-{k:05d}.parquet",
                )
                truth = pd.DataFrame(
                    {
                        "customer_id": cust["customer_id"],
                        "segment": np.array(SEG_NAMES)[cust["segment_idx"]],
                    }
                )
                (tmp / "truth").mkdir(exist_ok=True)
                truth.to_parquet(tmp / "truth" / f"segments-{k:05d}.parquet", index=False)
                summary["customers"] += n
                summary["interactions"] += len(inter)
                del cust, ev, crm, inter
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
            out_dir.rename(old)
            tmp.rename(out_dir)
            shutil.rmtree(old)
        else:
            tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary["path"] = str(out_dir)
    return summary


def _write_small(tmp: Path, n: int, seed: int, start: pd.Timestamp, months: int) -> dict[str, Any]:
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    cust, ev, shared = _chunk(rng, n, 0, start, months)
    crm = _crm_frame(rng, cust)
    _link_first_use(ev, cust, crm)
    # realistic mess: ~0.5% exact duplicate CRM rows, ~0.3% duplicated interaction rows
    dup = crm.sample(frac=0.005, random_state=int(rng.integers(0, 2**31)))
    crm_out = pd.concat([crm, dup]).sort_values("customer_id", kind="stable")
    inter = ev[list(_INTERACTION_COLUMNS)]
    ci = ev["ci"].to_numpy()
    dup_rows = rng.random(len(inter)) < 0.003
    inter_out = pd.concat([inter, inter[dup_rows]]).sort_index(kind="stable")
    ci_out = np.concatenate([ci, ci[dup_rows]])[
        np.argsort(np.concatenate([np.arange(len(inter)), np.nonzero(dup_rows)[0]]), kind="stable")
    ]
    _write_csv(crm_out, tmp / "customers.csv", sep=";")
    _write_csv(inter_out, tmp / "interactions.csv.gz")

    used = np.zeros((n, len(CHANNELS)), dtype=bool)
    used[ci, ev["ch"].to_numpy()] = True
    survey, survey_truth = _survey(rng, cust, used)
    _write_csv(survey, tmp / "survey.csv", sep=";")
    (tmp / "survey_codebook.yaml").write_text(
        yaml.safe_dump(_codebook(), allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    files, interviews_truth = _interviews(rng, cust, survey_truth)
    (tmp / "interviews").mkdir()
    for iid, text in files.items():
        (tmp / "interviews" / f"{iid}.txt").write_text(text, encoding="utf-8")

    truth = tmp / "truth"
    truth.mkdir()
    seg_names = np.array(SEG_NAMES)
    _write_csv(
        pd.DataFrame(
            {"customer_id": cust["customer_id"], "segment": seg_names[cust["segment_idx"]]}
        ),
        truth / "customers.csv",
    )
    _write_csv(
        pd.DataFrame(
            [
                {
                    "segment": s,
                    "name": v["name"],
                    "share": v["share"],
                    "best_channel": v["best"],
                    "worst_channel": v["worst"],
                    "themes": "|".join(v["themes"]),
                }
                for s, v in SEGMENTS.items()
            ]
        ),
        truth / "segments.csv",
    )
    _write_csv(_identity_truth(cust, crm, inter_out, ci_out), truth / "identity.csv.gz")
    _write_csv(
        pd.DataFrame(shared, columns=["identifier_type", "value", "customer_ids"]),
        truth / "shared_identifiers.csv",
    )
    effects = [
        {
            "segment": s,
            "channel": c,
            "rate_per_month": v["rates"][c],
            "purchase_share": v["buy"][c],
            "is_best": c == v["best"],
            "is_worst": c == v["worst"],
        }
        for s, v in SEGMENTS.items()
        for c in CHANNELS
    ]
    _write_csv(pd.DataFrame(effects), truth / "channel_effects.csv")
    _write_csv(survey_truth, truth / "survey.csv")
    _write_csv(interviews_truth, truth / "interviews.csv")
    buf = io.StringIO()
    buf.write(
        "Planted truth of the omniseg demo dataset. For tests only: the pipeline never reads it.\n"
    )
    (truth / "README.txt").write_text(buf.getvalue(), encoding="utf-8")
    return {
        "customers": n,
        "customer_rows": len(crm_out),
        "interactions": len(inter_out),
        "survey": len(survey),
        "interviews": len(files),
    }
