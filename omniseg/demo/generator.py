"""Seeded synthetic omnichannel data with planted truth.

:func:`generate_demo` writes a dataset that looks like what a retailer's CRM, web analytics,
call-centre, store and campaign systems export — including the mess — with the answers planted so
tests can check every later stage:

* **5 latent segments** (:data:`SEGMENTS`) that differ in demographics, channel habits, value,
  journeys, survey attitudes and interview themes. Each customer uses only some channels (the
  planted per-segment reach); each segment's planted best channel leads on reach, conversion
  (purchases per engaged customer) and revenue, and its worst channel is barely used.
* **18 months of interactions** over the 8 canonical channels with seasonality (November/December
  peaks with a Black Friday week, January sales, an August dip in stores), email/SMS bursts after
  campaign launches, channel-specific hours, heavy-tailed spend, and journeys: research online
  then buy in store (ROPO), campaign click then an order from the email (or from the web after an
  SMS), web visit then phone call.
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
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from omniseg.atomic import replace_dir
from omniseg.errors import ParameterError

__all__ = ["SEGMENTS", "generate_demo"]

CHANNELS = ("web", "app", "email", "social", "phone", "chat", "sms", "store")
_CH = {c: i for i, c in enumerate(CHANNELS)}
EVENTS = ("view", "click", "contact", "purchase", "complaint")

#: The planted segments. Per channel: ``reach``, the probability that a member uses the channel at
#: all during the period; ``rates``, interactions per month of a member who uses it (before
#: :data:`RATE_SCALE`, season and the member's own activity); ``buy``, the share of those
#: interactions that are purchases. ``aov``: mean order value (EUR). The best channel leads its
#: segment on reach and on conversion (purchases per engaged customer); the worst is barely used.
SEGMENTS: dict[str, dict[str, Any]] = {
    "digital_first": {
        "name": "Digital-first app & web buyers",
        "description": "Young (25-38) app and web shoppers: frequent, mid order value, high digital affinity; almost never in a store.",
        "share": 0.26,
        "age": (31, 4, 19, 45),
        "gender": {"F": 0.52, "M": 0.46, "X": 0.02},
        "income": [0.08, 0.2, 0.37, 0.25, 0.10],
        "reach": dict(
            web=0.80, app=0.92, email=0.55, social=0.60, phone=0.08, chat=0.25, sms=0.15, store=0.05
        ),
        "rates": dict(
            web=1.4, app=3.2, email=0.8, social=1.0, phone=0.3, chat=0.5, sms=0.5, store=0.5
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
        "description": "Older (60+) customers who buy in their local store with the staff's advice: high order value, low digital use.",
        "share": 0.22,
        "age": (67, 6, 58, 88),
        "gender": {"F": 0.58, "M": 0.42, "X": 0.0},
        "income": [0.05, 0.15, 0.35, 0.30, 0.15],
        "reach": dict(
            web=0.20, app=0.03, email=0.45, social=0.10, phone=0.40, chat=0.05, sms=0.30, store=0.95
        ),
        "rates": dict(
            web=0.4, app=0.3, email=0.5, social=0.4, phone=0.4, chat=0.3, sms=0.35, store=1.7
        ),
        "buy": dict(
            web=0.05, app=0.0, email=0.0, social=0.0, phone=0.03, chat=0.0, sms=0.0, store=0.55
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
        "description": "35-55, compare and check stock on the website (and buy there), then see the product and often buy it in a store within days.",
        "share": 0.20,
        "age": (45, 6, 33, 60),
        "gender": {"F": 0.5, "M": 0.49, "X": 0.01},
        "income": [0.05, 0.15, 0.35, 0.30, 0.15],
        "reach": dict(
            web=0.95, app=0.30, email=0.50, social=0.35, phone=0.12, chat=0.20, sms=0.02, store=0.75
        ),
        "rates": dict(
            web=2.0, app=0.6, email=0.6, social=0.7, phone=0.3, chat=0.5, sms=0.3, store=0.4
        ),
        "buy": dict(
            web=0.12, app=0.05, email=0.0, social=0.0, phone=0.0, chat=0.0, sms=0.0, store=0.35
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
        "description": "55-75, lower income; phone the call centre to buy and to solve problems, complain more, dislike the website.",
        "share": 0.17,
        "age": (64, 6, 52, 82),
        "gender": {"F": 0.55, "M": 0.45, "X": 0.0},
        "income": [0.30, 0.35, 0.25, 0.08, 0.02],
        "reach": dict(
            web=0.45, app=0.05, email=0.35, social=0.02, phone=0.95, chat=0.40, sms=0.40, store=0.35
        ),
        "rates": dict(
            web=0.6, app=0.3, email=0.5, social=0.3, phone=1.5, chat=0.5, sms=0.4, store=0.5
        ),
        "buy": dict(
            web=0.04, app=0.0, email=0.0, social=0.0, phone=0.14, chat=0.03, sms=0.0, store=0.25
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
        "description": "28-50, lower-middle income; open offer emails and SMS at campaign time and buy through them (email orders, SMS clicks to web).",
        "share": 0.15,
        "age": (38, 6, 24, 55),
        "gender": {"F": 0.6, "M": 0.39, "X": 0.01},
        "income": [0.20, 0.40, 0.30, 0.08, 0.02],
        "reach": dict(
            web=0.75, app=0.25, email=0.95, social=0.40, phone=0.08, chat=0.02, sms=0.70, store=0.25
        ),
        "rates": dict(
            web=0.9, app=0.5, email=2.3, social=0.6, phone=0.3, chat=0.3, sms=1.2, store=0.5
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
RATE_SCALE = 0.44
#: Month-of-year activity multipliers (Jan..Dec); stores dip in August.
SEASON = np.array([1.15, 0.85, 0.9, 0.95, 1.0, 0.95, 1.05, 0.8, 1.0, 1.0, 1.35, 1.5])
STORE_AUGUST_DIP = 0.7
#: Peak days within a month (0-based first day, end day, share of the month's events moved there):
#: Black Friday week in November, the run-up to Christmas, the January sales.
_PEAKS = {10: (21, 30, 0.3), 11: (9, 23, 0.3), 0: (6, 14, 0.3)}
PEAK_DAYS = np.array([_PEAKS.get(m, (0, 1, 0.0)) for m in range(12)]).T
#: Share of a campaign month's email/SMS events that follow the launch (exponential lag in days).
CAMPAIGN_PULL = 0.7
CAMPAIGN_LAG_DAYS = 3.0
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


def _customers(rng: np.random.Generator, n: int, offset: int, end: pd.Timestamp) -> pd.DataFrame:
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
    # Spanish mobiles 6xx/7xx; id x K mod M (K, M coprime) is unique and looks random
    phone = (600_000_000 + (ids.astype(np.int64) * 7_368_787) % 199_999_999).astype(np.int64)
    loyalty = (10_000_000 + ids * 13 + rng.integers(0, 13, n)).astype(np.int64)
    device = [f"dev-{x:012x}" for x in rng.integers(0, 2**48, n)]
    signup_days = rng.integers(0, 365 * 6, n)
    signup = end - pd.to_timedelta(signup_days + 1, unit="D")  # within 6 years before the end
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
    rng: np.random.Generator,
    channel: np.ndarray,
    month_start: np.ndarray,
    month_days: np.ndarray,
    launch_day: np.ndarray,
) -> np.ndarray:
    """Timestamps within the given months: peak days, campaign pull, channel-specific hours.

    ``launch_day`` is the day of the month (0-based) a campaign starts in each row's month, or -1.
    """
    n = len(channel)
    day = np.floor(rng.random(n) * month_days).astype("int64")
    # peak days within a month (Black Friday week, pre-Christmas, January sales)
    moy = month_start.astype("datetime64[M]").astype("int64") % 12
    peak_lo, peak_hi = PEAK_DAYS[0][moy].astype("int64"), PEAK_DAYS[1][moy].astype("int64")
    peak_p = PEAK_DAYS[2][moy]
    to_peak = rng.random(n) < peak_p
    peak_day = peak_lo + np.floor(rng.random(n) * (peak_hi - peak_lo)).astype("int64")
    day = np.where(to_peak, peak_day, day)
    # campaign messages (email, SMS) mostly arrive in the days after a campaign's launch
    campaign_ch = np.isin(channel, [_CH["email"], _CH["sms"]])
    pulled = launch_day + np.floor(rng.exponential(CAMPAIGN_LAG_DAYS, n)).astype("int64")
    pull = campaign_ch & (launch_day >= 0) & (rng.random(n) < CAMPAIGN_PULL) & (pulled < month_days)
    day = np.where(pull, pulled, day)
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


def _launch_days(starts: pd.DatetimeIndex) -> np.ndarray:
    """Per month: the 0-based day of the month a campaign launches, or -1."""
    out = np.full(len(starts), -1, dtype="int64")
    for _, date in CAMPAIGNS:
        d = pd.Timestamp(date)
        hit = (starts.year == d.year) & (starts.month == d.month)
        out[hit] = d.day - 1
    return out


def _interactions(
    rng: np.random.Generator, cust: pd.DataFrame, start: pd.Timestamp, months: int
) -> pd.DataFrame:
    n = len(cust)
    seg = cust["segment_idx"].to_numpy()
    starts = _month_starts(start, months)
    moy = starts.month.to_numpy() - 1
    month_days = starts.days_in_month.to_numpy()
    reach = np.array([[SEGMENTS[s]["reach"][c] for c in CHANNELS] for s in SEG_NAMES])
    rates = np.array([[SEGMENTS[s]["rates"][c] for c in CHANNELS] for s in SEG_NAMES])
    buy = np.array([[SEGMENTS[s]["buy"][c] for c in CHANNELS] for s in SEG_NAMES])
    aov = np.array([SEGMENTS[s]["aov"] for s in SEG_NAMES])
    # which channels each customer uses at all (the planted reach)
    adopted = rng.random((n, len(CHANNELS))) < reach[seg]
    # expected events per customer x channel x month, with season and store August dip
    season = np.tile(SEASON[moy], (len(CHANNELS), 1))
    season[_CH["store"]] *= np.where(moy == 7, STORE_AUGUST_DIP, 1.0)
    lam = (
        RATE_SCALE
        * (rates[seg] * adopted)[:, :, None]
        * cust["activity"].to_numpy()[:, None, None]
        * season[None, :, :]
    )
    counts = rng.poisson(lam)  # (n, channels, months)
    ci, ch, mo = np.nonzero(counts)
    reps = counts[ci, ch, mo]
    ci, ch, mo = np.repeat(ci, reps), np.repeat(ch, reps), np.repeat(mo, reps)
    launch = _launch_days(starts)
    ts = _random_times(rng, ch, starts.to_numpy()[mo], month_days[mo], launch[mo])

    # event types
    sseg = seg[ci]
    p_buy = buy[sseg, ch]
    u = rng.random(len(ci))
    event = np.full(len(ci), 0, dtype=np.int8)  # view
    is_contact_ch = np.isin(ch, [_CH["phone"], _CH["chat"]])
    complaint_p = np.where(SEG_NAMES.index("service_reliant") == sseg, 0.12, 0.03)
    # promotion-responsive customers click their campaign emails and SMS far more often
    promo = (sseg == SEG_NAMES.index("promo_responsive")) & np.isin(ch, [_CH["email"], _CH["sms"]])
    click_p = np.where(promo, 0.55, 0.25)
    event[(~is_contact_ch) & (u >= p_buy) & (u < p_buy + click_p)] = 1  # click
    event[is_contact_ch & (u >= p_buy)] = 2  # contact
    event[u < p_buy] = 3  # purchase
    complaint = is_contact_ch & (u >= p_buy) & (u < p_buy + complaint_p)
    event[complaint] = 4
    # store rows are visits (view) or purchases only
    event[(ch == _CH["store"]) & (event == 1)] = 0

    frames = [
        pd.DataFrame({"ci": ci, "ch": ch, "ts": ts, "event": event, "utm": False}),
        _journeys(rng, cust, adopted, ci, ch, ts, event),
    ]
    ev = pd.concat(frames, ignore_index=True)
    end = starts[-1] + pd.offsets.MonthBegin(1)
    ev = ev[(ev["ts"] >= starts[0]) & (ev["ts"] < end)]

    # revenue: customer value x order lognormal x segment AOV x channel factor; a few missing
    purchase = ev["event"].to_numpy() == 3
    cidx = ev["ci"].to_numpy()
    chan_factor = np.where(ev["ch"].to_numpy() == _CH["store"], 1.15, 1.0)
    revenue = np.where(
        purchase & (rng.random(len(ev)) >= 0.004),
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
    return ev.drop(columns="utm")


def _journeys(
    rng: np.random.Generator,
    cust: pd.DataFrame,
    adopted: np.ndarray,
    ci: np.ndarray,
    ch: np.ndarray,
    ts: np.ndarray,
    event: np.ndarray,
) -> pd.DataFrame:
    """Planted cross-channel journeys, derived from base events.

    Follow-up events only happen on a channel the customer uses (``adopted``), so the planted
    reach holds.
    """
    seg = cust["segment_idx"].to_numpy()[ci]
    uses = {c: adopted[ci, _CH[c]] for c in ("web", "phone")}
    parts = []
    # ROPO: store purchases of 'ropo' customers preceded by 1-3 web views within 1-6 days
    m = (seg == SEG_NAMES.index("ropo")) & (ch == _CH["store"]) & (event == 3) & uses["web"]
    reps = rng.integers(1, 4, int(m.sum()))
    src = np.repeat(np.nonzero(m)[0], reps)
    lag = (rng.uniform(0.2, 6.0, len(src)) * 86400).astype("timedelta64[s]")
    parts.append(
        pd.DataFrame(
            {"ci": ci[src], "ch": _CH["web"], "ts": ts[src] - lag, "event": 0, "utm": False}
        )
    )
    # promo: email clicks of promo customers become an order placed from the email (35%, the
    # email platform records it); SMS clicks lead to a web order tagged with the campaign (25%)
    promo = seg == SEG_NAMES.index("promo_responsive")
    u = rng.random(len(ci))
    for channel, target, p, utm in (("email", "email", 0.35, False), ("sms", "web", 0.25, True)):
        m = promo & (ch == _CH[channel]) & (event == 1) & (u < p)
        if target == "web":
            m &= uses["web"]
        src = np.nonzero(m)[0]
        lag = (rng.uniform(0.02, 2.0, len(src)) * 86400).astype("timedelta64[s]")
        parts.append(
            pd.DataFrame(
                {"ci": ci[src], "ch": _CH[target], "ts": ts[src] + lag, "event": 3, "utm": utm}
            )
        )
    # service: web visits of service-reliant customers followed by a phone call within hours (35%)
    m = (
        (seg == SEG_NAMES.index("service_reliant"))
        & (ch == _CH["web"])
        & uses["phone"]
        & (rng.random(len(ci)) < 0.35)
    )
    src = np.nonzero(m)[0]
    lag = (rng.uniform(0.1, 20.0, len(src)) * 3600).astype("timedelta64[s]")
    parts.append(
        pd.DataFrame(
            {"ci": ci[src], "ch": _CH["phone"], "ts": ts[src] + lag, "event": 2, "utm": False}
        )
    )
    out = pd.concat(parts, ignore_index=True)
    out["event"] = out["event"].astype(np.int8)
    return out


def _campaigns(ev: pd.DataFrame) -> np.ndarray:
    """Email/SMS rows (and web orders from an SMS link) carry the latest campaign of 30 days."""
    launch = pd.to_datetime([d for _, d in CAMPAIGNS]).to_numpy()
    names = np.array([c for c, _ in CAMPAIGNS], dtype=object)
    ts = ev["ts"].to_numpy()
    idx = np.searchsorted(launch, ts, side="right") - 1
    recent = (idx >= 0) & (ts - launch[np.clip(idx, 0, None)] < np.timedelta64(30, "D"))
    tagged = np.isin(ev["ch"].to_numpy(), [_CH["email"], _CH["sms"]]) | ev["utm"].to_numpy()
    out = np.where(recent & tagged, names[np.clip(idx, 0, None)], None)
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


#: Display labels of the demo's survey constructs (the codebook's ``constructs`` section).
CONSTRUCT_LABELS: dict[str, dict[str, str]] = {
    "digital_affinity": {"label": "Digital affinity", "label_es": "Afinidad digital"},
    "price_sensitivity": {"label": "Price sensitivity", "label_es": "Sensibilidad al precio"},
    "service_need": {"label": "Need for service", "label_es": "Necesidad de atención"},
    "brand_trust": {"label": "Brand trust", "label_es": "Confianza en la marca"},
    "channel_satisfaction": {
        "label": "Satisfaction with channels",
        "label_es": "Satisfacción con los canales",
    },
}


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
    return {"items": items, "constructs": CONSTRUCT_LABELS}


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
        "app_speed": ["The app is fast and I can place an order in two minutes.", "I do almost everything from the app because it loads quickly.", "If the app is slow I simply go to another shop, there are plenty.", "Last week the app froze during an update and I was really annoyed."],
        "notifications": ["I like getting a notification when something I saved is back in stock.", "Push notifications remind me of the offers I actually care about.", "I turned off most notifications, but I keep the ones about my orders.", "Getting a message when the parcel is out for delivery is very handy."],
        "easy_checkout": ["Paying with one click is the main reason I buy here.", "My card is saved, so checkout takes seconds.", "If checkout asks me to type my address again, I give up.", "Apple Pay at checkout makes everything easier."],
        "staff_advice": ["The staff in my shop know me and give me good advice.", "I really value what the shop assistants recommend.", "There is a lady at the counter who always tells me what suits me.", "A good shop assistant saves me from buying the wrong thing."],
        "try_products": ["I need to see and touch a product before I buy it.", "I like trying things on in the fitting room.", "Colours on a screen never look like the real thing.", "If I cannot try it, I would rather not buy it."],
        "trust": ["I have trusted this brand for many years.", "I trust the people in my local store, they have never let me down.", "When something goes wrong, they always fix it in the shop.", "I came with my mother and now I come on my own."],
        "compare_online": ["I always compare prices and reviews online first.", "I read the reviews on the website before I decide.", "I keep several tabs open to compare models and prices.", "If the website has good reviews, I feel safer buying."],
        "see_in_store": ["Then I go to the store to see the product in person.", "I look it up online and then pick it up in the shop.", "Usually I buy it in the store a few days after seeing it online.", "Sometimes I order on the website and collect it at the store."],
        "stock_check": ["I check on the website whether my store has it in stock.", "Knowing the stock in the shop saves me a wasted trip.", "Nothing is worse than going to the shop and finding it sold out.", "The stock checker on the website is the feature I use most."],
        "waiting_time": ["Waiting on the phone for twenty minutes is frustrating.", "The waiting time at the call centre is far too long.", "The hold music drives me mad, honestly.", "I call in the morning because in the afternoon the wait is endless."],
        "resolve_problems": ["I just want my problem solved the first time I call.", "My last problem took three calls to sort out.", "They transferred me from one department to another.", "When they solve it quickly, I forgive almost anything."],
        "human_agent": ["I prefer to talk to a real person, not a machine.", "A human agent understands my problem much better.", "I do not get on with the website, so I phone instead.", "The automatic menus with options confuse me."],
        "discounts": ["I only buy when there is a discount.", "Black Friday is when I do my big shopping.", "I wait for the sales to buy what I need.", "Without a good offer I do not see why I should buy now."],
        "coupons": ["I use every coupon you send me.", "The coupons by SMS are what bring me back.", "I keep the discount codes in a note on my phone.", "A ten percent coupon is enough to make me buy."],
        "offer_emails": ["I open the offer emails every week.", "The newsletter with offers tells me when to buy.", "I click straight from the email and order from there.", "If the email has a good deal, I buy the same day."],
    },
    "es": {
        "app_speed": ["La app es rápida y hago el pedido en dos minutos.", "Hago casi todo desde la aplicación porque carga enseguida.", "Si la app va lenta, me voy a otra tienda, hay muchas.", "La semana pasada la app se colgó con una actualización y me enfadé bastante."],
        "notifications": ["Me gusta recibir un aviso cuando vuelve a haber stock de algo que guardé.", "Las notificaciones me recuerdan las ofertas que de verdad me interesan.", "Quité casi todas las notificaciones, pero dejo las de mis pedidos.", "Que me avisen cuando el paquete sale de reparto es muy cómodo."],
        "easy_checkout": ["Pagar con un clic es la razón principal por la que compro aquí.", "Tengo la tarjeta guardada, así que pagar me lleva segundos.", "Si al pagar me piden otra vez la dirección, lo dejo.", "Pagar con el móvil lo hace todo más fácil."],
        "staff_advice": ["El personal de mi tienda me conoce y me aconseja muy bien.", "Valoro mucho lo que me recomiendan los dependientes.", "Hay una dependienta que siempre me dice lo que me queda bien.", "Un buen dependiente me evita comprar lo que no es."],
        "try_products": ["Necesito ver y tocar el producto antes de comprarlo.", "Me gusta probarme las cosas en el probador.", "Los colores en la pantalla nunca son como los de verdad.", "Si no lo puedo probar, prefiero no comprarlo."],
        "trust": ["Confío en esta marca desde hace muchos años.", "Me fío de la gente de mi tienda de siempre, nunca me han fallado.", "Cuando algo sale mal, en la tienda siempre lo arreglan.", "Venía con mi madre y ahora vengo por mi cuenta."],
        "compare_online": ["Siempre comparo precios y opiniones en internet primero.", "Leo las opiniones en la web antes de decidirme.", "Tengo varias pestañas abiertas para comparar modelos y precios.", "Si la web tiene buenas opiniones, compro con más tranquilidad."],
        "see_in_store": ["Después voy a la tienda a ver el producto en persona.", "Lo miro en la web y luego lo recojo en la tienda.", "Normalmente lo compro en la tienda unos días después de verlo en internet.", "A veces pido en la web y lo recojo en la tienda."],
        "stock_check": ["Miro en la web si mi tienda lo tiene en stock.", "Saber el stock de la tienda me ahorra un viaje en balde.", "No hay nada peor que ir a la tienda y que esté agotado.", "El buscador de stock de la web es lo que más uso."],
        "waiting_time": ["Esperar veinte minutos al teléfono es desesperante.", "El tiempo de espera en el servicio de atención telefónica es demasiado largo.", "La musiquita de espera me saca de quicio, la verdad.", "Llamo por la mañana porque por la tarde la espera es eterna."],
        "resolve_problems": ["Solo quiero que me resuelvan el problema a la primera.", "Mi último problema necesitó tres llamadas para resolverse.", "Me pasaron de un departamento a otro sin solución.", "Cuando me lo solucionan rápido, lo perdono casi todo."],
        "human_agent": ["Prefiero hablar con una persona de verdad, no con una máquina.", "Un agente humano entiende mucho mejor mi problema.", "No me aclaro con la página web, así que prefiero llamar.", "Los menús automáticos con opciones me lían."],
        "discounts": ["Solo compro cuando hay descuento.", "En el Black Friday es cuando hago las compras grandes.", "Espero a las rebajas para comprar lo que necesito.", "Sin una buena oferta no veo por qué comprar ahora."],
        "coupons": ["Uso todos los cupones que me mandáis.", "Los cupones por SMS son lo que me hace volver.", "Guardo los códigos de descuento en una nota del móvil.", "Con un cupón del diez por ciento ya me animo a comprar."],
        "offer_emails": ["Abro los correos de ofertas todas las semanas.", "La newsletter con ofertas me dice cuándo comprar.", "Hago clic directamente desde el correo y compro desde ahí.", "Si el correo trae una buena oferta, compro ese mismo día."],
    },
}  # fmt: skip
_OPENERS = {
    "en": ["I'm {age} and I live in {city}.", "I've been a customer for about {years} years now.", "Well, I'm {age}, I live in {city} and I shop for the whole family."],
    "es": ["Tengo {age} años y vivo en {city}.", "Soy cliente desde hace unos {years} años.", "Pues tengo {age} años, vivo en {city} y compro para toda la familia."],
}  # fmt: skip
_FILLER = {
    "en": ["Overall I am happy with the brand.", "I buy mostly clothes and things for the house.", "Sometimes I recommend it to friends.", "Delivery times have improved this year.", "I would like more choice in sizes.", "Prices have gone up a bit, like everywhere."],
    "es": ["En general estoy a gusto con la marca.", "Compro sobre todo ropa y cosas para la casa.", "A veces se la recomiendo a mis amigos.", "Los plazos de entrega han mejorado este año.", "Me gustaría más variedad de tallas.", "Los precios han subido un poco, como en todas partes."],
}  # fmt: skip
_CLOSERS = {
    "en": ["That's about it, thanks for asking.", "Honestly, I would keep things as they are, just a bit better.", "I hope this helps."],
    "es": ["Eso es todo, gracias por preguntar.", "Sinceramente, no cambiaría mucho, solo lo mejoraría un poco.", "Espero que os sirva."],
}  # fmt: skip
_QUESTIONS = {
    "en": ("Interviewer", "Customer", ["How do you usually shop with us?", "What matters most to you when you buy?", "What could we do better?"]),
    "es": ("Entrevistadora", "Cliente", ["¿Cómo sueles comprar con nosotros?", "¿Qué es lo más importante para ti al comprar?", "¿Qué podríamos mejorar?"]),
}  # fmt: skip
#: Personal data some interviewees volunteer (later stages must scrub it).
_PII_LINES = {
    "en": ["If you need more details you can write to me at {email} or call {phone}, my name is {name}.", "I'm {name}, by the way, and my number is {phone} if you want to follow up."],
    "es": ["Si necesitáis más detalles, podéis escribirme a {email} o llamarme al {phone}, me llamo {name}.", "Por cierto, soy {name} y mi número es el {phone} por si queréis llamarme."],
}  # fmt: skip


def _pick(rng: np.random.Generator, bank: list[str], k: int) -> list[str]:
    return [bank[i] for i in rng.choice(len(bank), size=k, replace=False)]


def _interviews(
    rng: np.random.Generator, cust: pd.DataFrame, survey_truth: pd.DataFrame, n: int = 60
) -> tuple[dict[str, str], pd.DataFrame]:
    """Interview transcripts (question and answer) whose themes follow the segment.

    Every 5th interviewee of a segment is a survey respondent identified only by their
    ``respondent_id``; every 6th volunteers a name, email or phone in the text.
    """
    files: dict[str, str] = {}
    truth = []
    per_seg = n // len(SEG_NAMES)
    seg = cust["segment_idx"].to_numpy()
    respondent_of = dict(
        zip(survey_truth["customer_id"], survey_truth["respondent_id"], strict=True)
    )
    is_resp = cust["customer_id"].isin(respondent_of).to_numpy()
    k = 0
    for s_idx, s in enumerate(SEG_NAMES):
        # every 5th interviewee answered the survey and is named only by respondent_id (small
        # datasets may have fewer people than interviews: then fewer interviews)
        resp = list(rng.permutation(np.nonzero((seg == s_idx) & is_resp)[0]))
        others = list(rng.permutation(np.nonzero((seg == s_idx) & ~is_resp)[0]))
        chosen, by_resp = [], []
        for j in range(min(per_seg, len(resp) + len(others))):
            named_by_survey = j % 5 == 0 and bool(resp)
            chosen.append(resp.pop() if named_by_survey or not others else others.pop())
            by_resp.append(named_by_survey)
        for j, c in enumerate(chosen):
            k += 1
            row = cust.iloc[c]
            lang = "es" if rng.random() < 0.5 else "en"
            themes = [SEGMENTS[s]["themes"][t] for t in rng.permutation(3)]
            said = {t: _pick(rng, _THEME_TEXT[lang][t], 2) for t in themes}
            filler = _pick(rng, _FILLER[lang], 3)
            years = int(rng.integers(2, 15))
            opener = _pick(rng, _OPENERS[lang], 1)[0].format(
                age=row["age"], city=row["city"], years=years
            )
            answers = [
                [opener, *said[themes[0]], filler[0]],
                [said[themes[1]][0], said[themes[2]][0], said[themes[1]][1]],
                [said[themes[2]][1], filler[1], _pick(rng, _CLOSERS[lang], 1)[0]],
            ]
            if rng.random() < 0.5:
                answers[1].append(filler[2])
            if j % 6 == 0:
                phone = str(row["phone"])
                answers[2].insert(
                    1,
                    _pick(rng, _PII_LINES[lang], 1)[0].format(
                        email=row["email"],
                        phone=f"+34 {phone[:3]} {phone[3:6]} {phone[6:]}",
                        name=f"{row['first_name']} {row['last_name']}",
                    ),
                )
            asker, answerer, questions = _QUESTIONS[lang]
            body = "\n".join(
                f"{asker}: {q}\n{answerer}: {' '.join(a)}"
                for q, a in zip(questions, answers, strict=True)
            )
            respondent = respondent_of.get(row["customer_id"]) if by_resp[j] else None
            ident = (
                f"respondent_id: {respondent}"
                if respondent
                else f"customer_id: {row['customer_id']}"
            )
            header = [
                "---",
                ident,
                f"language: {lang}",
                f"age: {row['age']}",
                f"gender: {row['gender']}",
                "---",
            ]
            iid = f"INT{k:03d}"
            files[iid] = "\n".join(header) + "\n" + body + "\n"
            truth.append(
                {
                    "interview_id": iid,
                    "customer_id": row["customer_id"],
                    "respondent_id": respondent,
                    "segment": s,
                    "language": lang,
                    "themes": "|".join(SEGMENTS[s]["themes"]),
                    "has_pii": j % 6 == 0,
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
    cust = _customers(rng, n, offset, start + pd.DateOffset(months=months))
    cust["has_card"] = rng.random(n) < np.where(cust["segment_idx"].to_numpy() == 1, 0.95, 0.6)
    # family phones: a few pairs and triples of CRM customers share one phone
    n_fam = max(3, n // 250)
    fam = rng.choice(n, size=n_fam * 3, replace=False).reshape(-1, 3)
    triple = np.arange(n_fam) % 3 == 0
    phones = cust["phone"].to_numpy().copy()
    phones[fam[:, 1]] = phones[fam[:, 0]]
    phones[fam[triple, 2]] = phones[fam[triple, 0]]
    cust["phone"] = phones
    ev = _interactions(rng, cust, start, months)
    ev, shared = _attach_identifiers(rng, ev, cust)
    ids = cust["customer_id"].to_numpy()
    for k, members in enumerate(fam):
        people = members if triple[k] else members[:2]
        shared.append(
            {
                "identifier_type": "phone",
                "value": phones[members[0]],
                "customer_ids": "|".join(sorted(ids[people])),
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


def _channel_effects(cust: pd.DataFrame, ev: pd.DataFrame) -> pd.DataFrame:
    """Planted channel parameters and what they produced, per segment x channel, by true person.

    ``reach``: share of the segment's customers with at least one interaction on the channel;
    ``conversion_rate``: purchases on the channel per customer engaged with it;
    ``revenue_per_customer``: the channel's revenue per segment member (EUR). Computed on the true
    person behind every row (before duplicated rows are added), so these are the answers a
    pipeline with perfect identity resolution should find.
    """
    seg = cust["segment_idx"].to_numpy()
    ci, ch = ev["ci"].to_numpy(), ev["ch"].to_numpy()
    k = len(CHANNELS)
    engaged = np.zeros((len(cust), k), dtype=bool)
    engaged[ci, ch] = True
    buys = ev["event"].to_numpy() == "purchase"
    purchases = np.zeros((len(cust), k))
    np.add.at(purchases, (ci[buys], ch[buys]), 1)
    revenue = np.zeros((len(cust), k))
    np.add.at(revenue, (ci[buys], ch[buys]), np.nan_to_num(ev["revenue"].to_numpy()[buys]))
    rows = []
    for s_idx, s in enumerate(SEG_NAMES):
        v = SEGMENTS[s]
        m = seg == s_idx
        n_eng = engaged[m].sum(axis=0)
        for c in CHANNELS:
            j = _CH[c]
            rows.append(
                {
                    "segment": s,
                    "channel": c,
                    "reach": round(float(n_eng[j] / max(m.sum(), 1)), 4),
                    "conversion_rate": round(float(purchases[m, j].sum() / max(n_eng[j], 1)), 4),
                    "revenue_per_customer": round(float(revenue[m, j].sum() / max(m.sum(), 1)), 2),
                    "planted_reach": v["reach"][c],
                    "rate_per_month": v["rates"][c],
                    "purchase_share": v["buy"][c],
                    "is_best": c == v["best"],
                    "is_worst": c == v["worst"],
                }
            )
    return pd.DataFrame(rows)


_TRUTH_README = """\
Planted truth of the omniseg demo dataset (omniseg.demo.generate_demo). For tests only: the
pipeline never reads it.

customers.csv           customer_id, segment (true latent segment of every CRM customer)
segments.csv            segment, name, share, best_channel, worst_channel, description,
                        survey_rate (probability a member answers the survey), themes
identity.csv.gz         identifier_type, value (raw, exactly as written in interactions.csv.gz or
                        customers.csv), customer_id (the true person)
shared_identifiers.csv  identifier_type, value, customer_ids (|-separated): identifiers used by
                        several people (a store's generic email, family phones); never merge them
channel_effects.csv     segment, channel, reach, conversion_rate, revenue_per_customer (realised,
                        by true person), planted_reach, rate_per_month, purchase_share (planted
                        parameters), is_best, is_worst
survey.csv              respondent_id, customer_id (true, also for unlinked respondents), linked,
                        segment
interviews.csv          interview_id, customer_id (true), respondent_id (when the transcript
                        names only the respondent), segment, language, themes, has_pii

Messy labels in the data that mean the same thing:
  gender (customers.csv): F = female = Mujer; M = male = Hombre; X = non-binary = No binario
  consent_*: sí / no
  channel (interactions): see omniseg.demo.generator.CHANNEL_LABELS; all map with
  omniseg.config.normalise_channel
"""


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
        raise ParameterError(
            f"The 'n_customers' parameter must be an int in [50, inf). Got {n_customers!r}."
        )
    if format not in ("csv", "parquet"):
        raise ParameterError(f"The 'format' parameter must be 'csv' or 'parquet'. Got {format!r}.")
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
                inter = ev[list(_INTERACTION_COLUMNS)].assign(timestamp=ev["ts"])  # typed
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
        replace_dir(tmp, out_dir)
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
                    "description": v["description"],
                    "survey_rate": v["survey_rate"],
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
    _write_csv(_channel_effects(cust, ev), truth / "channel_effects.csv")
    _write_csv(survey_truth, truth / "survey.csv")
    _write_csv(interviews_truth, truth / "interviews.csv")
    (truth / "README.txt").write_text(_TRUTH_README, encoding="utf-8")
    return {
        "customers": n,
        "customer_rows": len(crm_out),
        "interactions": len(inter_out),
        "survey": len(survey),
        "interviews": len(files),
    }
