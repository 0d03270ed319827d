"""The demo's interactions: when and where each customer shows up, and what each system records.

:func:`draw_interactions` draws 18 months of events over the 8 channels with seasonality
(November/December peaks with a Black Friday week, January sales, an August dip in stores),
email/SMS bursts after campaign launches, channel-specific hours, heavy-tailed spend and
journeys (research online then buy in store, campaign click then an order, web visit then a
call); :func:`attach_identifiers` gives every row only the identifiers its channel sees, with the
formatting noise of each source system.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from omniseg.demo.population import (
    CAMPAIGN_LAG_DAYS,
    CAMPAIGN_PULL,
    CAMPAIGNS,
    CHANNEL_INDEX,
    CHANNELS,
    GENERIC_STORE_EMAIL,
    PEAK_DAYS,
    RATE_SCALE,
    SEASON,
    SEG_NAMES,
    SEGMENTS,
    STORE_AUGUST_DIP,
)

# building blocks of this stage's other modules, imported by name; nothing here is public
__all__ = []


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
    campaign_ch = np.isin(channel, [CHANNEL_INDEX["email"], CHANNEL_INDEX["sms"]])
    pulled = launch_day + np.floor(rng.exponential(CAMPAIGN_LAG_DAYS, n)).astype("int64")
    pull = campaign_ch & (launch_day >= 0) & (rng.random(n) < CAMPAIGN_PULL) & (pulled < month_days)
    day = np.where(pull, pulled, day)
    # hours: stores 10-21, phone 9-19, others spread over the day with an evening peak
    hour = np.where(
        channel == CHANNEL_INDEX["store"],
        rng.integers(10, 21, n),
        np.where(
            channel == CHANNEL_INDEX["phone"],
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


def draw_interactions(
    rng: np.random.Generator, cust: pd.DataFrame, start: pd.Timestamp, months: int
) -> pd.DataFrame:
    """Every customer's events over ``months`` months from ``start``, from their segment."""
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
    season[CHANNEL_INDEX["store"]] *= np.where(moy == 7, STORE_AUGUST_DIP, 1.0)
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
    is_contact_ch = np.isin(ch, [CHANNEL_INDEX["phone"], CHANNEL_INDEX["chat"]])
    complaint_p = np.where(SEG_NAMES.index("service_reliant") == sseg, 0.12, 0.03)
    # promotion-responsive customers click their campaign emails and SMS far more often
    promo = (sseg == SEG_NAMES.index("promo_responsive")) & np.isin(
        ch, [CHANNEL_INDEX["email"], CHANNEL_INDEX["sms"]]
    )
    click_p = np.where(promo, 0.55, 0.25)
    event[(~is_contact_ch) & (u >= p_buy) & (u < p_buy + click_p)] = 1  # click
    event[is_contact_ch & (u >= p_buy)] = 2  # contact
    event[u < p_buy] = 3  # purchase
    complaint = is_contact_ch & (u >= p_buy) & (u < p_buy + complaint_p)
    event[complaint] = 4
    # store rows are visits (view) or purchases only
    event[(ch == CHANNEL_INDEX["store"]) & (event == 1)] = 0

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
    chan_factor = np.where(ev["ch"].to_numpy() == CHANNEL_INDEX["store"], 1.15, 1.0)
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
    sat_mean = sat_mean - np.where(is_sr & (ev["ch"].to_numpy() == CHANNEL_INDEX["web"]), 1.6, 0.0)
    sat_mean = sat_mean - np.where(
        is_sr & (ev["ch"].to_numpy() == CHANNEL_INDEX["phone"]), 0.6, 0.0
    )
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
    uses = {c: adopted[ci, CHANNEL_INDEX[c]] for c in ("web", "phone")}
    parts = []
    # ROPO: store purchases of 'ropo' customers preceded by 1-3 web views within 1-6 days
    m = (
        (seg == SEG_NAMES.index("ropo"))
        & (ch == CHANNEL_INDEX["store"])
        & (event == 3)
        & uses["web"]
    )
    reps = rng.integers(1, 4, int(m.sum()))
    src = np.repeat(np.nonzero(m)[0], reps)
    lag = (rng.uniform(0.2, 6.0, len(src)) * 86400).astype("timedelta64[s]")
    parts.append(
        pd.DataFrame(
            {
                "ci": ci[src],
                "ch": CHANNEL_INDEX["web"],
                "ts": ts[src] - lag,
                "event": 0,
                "utm": False,
            }
        )
    )
    # promo: email clicks of promo customers become an order placed from the email (35%, the
    # email platform records it); SMS clicks lead to a web order tagged with the campaign (25%)
    promo = seg == SEG_NAMES.index("promo_responsive")
    u = rng.random(len(ci))
    for channel, target, p, utm in (("email", "email", 0.35, False), ("sms", "web", 0.25, True)):
        m = promo & (ch == CHANNEL_INDEX[channel]) & (event == 1) & (u < p)
        if target == "web":
            m &= uses["web"]
        src = np.nonzero(m)[0]
        lag = (rng.uniform(0.02, 2.0, len(src)) * 86400).astype("timedelta64[s]")
        parts.append(
            pd.DataFrame(
                {
                    "ci": ci[src],
                    "ch": CHANNEL_INDEX[target],
                    "ts": ts[src] + lag,
                    "event": 3,
                    "utm": utm,
                }
            )
        )
    # service: web visits of service-reliant customers followed by a phone call within hours (35%)
    m = (
        (seg == SEG_NAMES.index("service_reliant"))
        & (ch == CHANNEL_INDEX["web"])
        & uses["phone"]
        & (rng.random(len(ci)) < 0.35)
    )
    src = np.nonzero(m)[0]
    lag = (rng.uniform(0.1, 20.0, len(src)) * 3600).astype("timedelta64[s]")
    parts.append(
        pd.DataFrame(
            {
                "ci": ci[src],
                "ch": CHANNEL_INDEX["phone"],
                "ts": ts[src] + lag,
                "event": 2,
                "utm": False,
            }
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
    tagged = (
        np.isin(ev["ch"].to_numpy(), [CHANNEL_INDEX["email"], CHANNEL_INDEX["sms"]])
        | ev["utm"].to_numpy()
    )
    out = np.where(recent & tagged, names[np.clip(idx, 0, None)], None)
    return out


# --- identifiers as each channel's system records them ----------------------------------------


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


def noisy_phone(rng: np.random.Generator, phones: np.ndarray) -> np.ndarray:
    """Phone numbers written as different systems write them (spaces, +34, 0034, dashes)."""
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


def attach_identifiers(
    rng: np.random.Generator, ev: pd.DataFrame, cust: pd.DataFrame
) -> tuple[pd.DataFrame, list[dict]]:
    """Give each event only the identifiers its channel sees; return it and the shared ones."""
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
    web = ch == CHANNEL_INDEX["web"]
    logged_in = web & ((e == 3) | (u < 0.55))
    cols["email"][logged_in | np.isin(ch, [CHANNEL_INDEX["email"], CHANNEL_INDEX["social"]])] = True
    cols["customer_id"][web & (e == 3) & (rng.random(n) < 0.5)] = True
    cols["phone"][np.isin(ch, [CHANNEL_INDEX["phone"], CHANNEL_INDEX["sms"]])] = True
    chat = ch == CHANNEL_INDEX["chat"]
    cols["phone"][chat & (u < 0.5)] = True
    cols["email"][chat & (u >= 0.5)] = True
    app = ch == CHANNEL_INDEX["app"]
    cols["device_id"][app] = True
    cols["email"][app & ((e == 3) | (u < 0.2))] = True  # app logins carry device + email
    has_card = cust["has_card"].to_numpy()[ci]
    store = ch == CHANNEL_INDEX["store"]
    cols["loyalty_id"][store & has_card & (u < 0.88)] = True
    # values with formatting noise
    m = cols["email"] == True  # noqa: E712 - object array
    cols["email"][m] = _noisy_email(rng, emails[m])
    m = cols["phone"] == True  # noqa: E712
    cols["phone"][m] = noisy_phone(rng, phones[m])
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
