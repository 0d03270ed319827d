"""The demo's population: the planted segments, the world they live in, and its customers.

The segment definitions and the names are data files (``omniseg/demo/tables/segments.yaml``,
``people.yaml``, read with :mod:`omniseg.demo.table_files`); the channel labels, campaigns,
seasonality and the drawing of the customer table (:func:`draw_customers`) are here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omniseg.demo.table_files import load_table, with_tuples

__all__ = [
    "CAMPAIGNS",
    "CAMPAIGN_LAG_DAYS",
    "CAMPAIGN_PULL",
    "CHANNELS",
    "CHANNEL_INDEX",
    "CHANNEL_LABELS",
    "CONSTRUCTS",
    "EMAIL_DOMAINS",
    "EVENTS",
    "FIRST_NAMES",
    "GENERIC_STORE_EMAIL",
    "INCOME_BANDS",
    "PEAK_DAYS",
    "RATE_SCALE",
    "REGIONS",
    "REGION_P",
    "SEASON",
    "SEGMENTS",
    "SEG_NAMES",
    "STORE_AUGUST_DIP",
    "SURNAMES",
]

CHANNELS = ("web", "app", "email", "social", "phone", "chat", "sms", "store")
CHANNEL_INDEX = {c: i for i, c in enumerate(CHANNELS)}
EVENTS = ("view", "click", "contact", "purchase", "complaint")

#: The planted segments (``tables/segments.yaml``). Per channel: ``reach``, the probability that a
#: member uses the channel at all during the period; ``rates``, interactions per month of a member
#: who uses it (before :data:`RATE_SCALE`, season and the member's own activity); ``buy``, the
#: share of those interactions that are purchases. ``aov``: mean order value (EUR). The best
#: channel leads its segment on reach and on conversion (purchases per engaged customer); the
#: worst is barely used.
SEGMENTS: dict[str, dict[str, Any]] = with_tuples(
    load_table("segments"), ["age", "consent", "themes"]
)
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
_PEOPLE = load_table("people")
#: First names and surnames of the customers (``tables/people.yaml``).
FIRST_NAMES: tuple[str, ...] = tuple(_PEOPLE["first_names"])
SURNAMES: tuple[str, ...] = tuple(_PEOPLE["surnames"])
EMAIL_DOMAINS = ("gmail.com", "hotmail.es", "yahoo.es", "outlook.com", "telefonica.net")
GENERIC_STORE_EMAIL = "tienda.centro@omnishop.es"


def _ascii(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c)).lower().replace(" ", "")


def draw_customers(
    rng: np.random.Generator, n: int, offset: int, end: pd.Timestamp
) -> pd.DataFrame:
    """``n`` customers (ids from ``offset + 1``) with their planted segment and attributes."""
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
