"""Channel metrics per segment, with Bayesian shrinkage: reach, interaction share, conversion
(per engaged customer and per contact), revenue, satisfaction, stated preference, attributed
value and cost (:func:`channel_metrics`), and the channels the data uses (:func:`data_channels`).

The definitions, the shrinkage (:func:`shrunk_rate`) and how the plan uses these metrics are
described in :mod:`omniseg.channels.plan`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from omniseg._checks import bad_parameter
from omniseg.config.vocabulary import CANONICAL_CHANNELS
from omniseg.errors import DataValidationError, ParameterError, Problem

__all__ = ["channel_metrics", "data_channels", "shrunk_rate"]


def shrunk_rate(
    successes: np.ndarray | float,
    exposure: np.ndarray | float,
    prior_rate: np.ndarray | float,
    prior_strength: float = 20.0,
    *,
    kind: str = "poisson",
    credible: float = 0.9,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posterior mean and credible interval of a rate shrunk toward ``prior_rate``.

    Parameters
    ----------
    successes, exposure : array-like
        Events and exposure (purchases and engaged customers; or conversions and contacts).
    prior_rate : array-like
        The rate the prior is centred on (e.g. the channel's rate over all customers).
    prior_strength : float
        Weight of the prior in units of exposure.
    kind : {"poisson", "binomial"}
        Gamma-Poisson (rates per unit, may exceed 1) or Beta-binomial (proportions).
    credible : float
        Interval mass (0.9: 5th to 95th percentile).

    Returns
    -------
    mean, low, high : ndarray

    Examples
    --------
    >>> mean, low, high = shrunk_rate([2, 400], [3, 1000], 0.4, 20, kind="binomial")
    >>> bool(low[0] < low[1])  # thin evidence has the lower bound
    True
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(exposure, dtype=float)
    r0 = np.clip(np.asarray(prior_rate, dtype=float), 1e-9, None)
    if prior_strength <= 0:
        raise bad_parameter("prior_strength", "shrunk_rate", "a number > 0", prior_strength)
    tail = (1 - credible) / 2
    if kind == "poisson":
        shape = x + prior_strength * r0
        rate = n + prior_strength
        mean = shape / rate
        low = stats.gamma.ppf(tail, shape, scale=1 / rate)
        high = stats.gamma.ppf(1 - tail, shape, scale=1 / rate)
    elif kind == "binomial":
        r0 = np.clip(r0, 1e-9, 1 - 1e-9)
        a = x + prior_strength * r0
        b = np.clip(n - x, 0, None) + prior_strength * (1 - r0)
        mean = a / (a + b)
        low = stats.beta.ppf(tail, a, b)
        high = stats.beta.ppf(1 - tail, a, b)
    else:
        raise bad_parameter("kind", "shrunk_rate", "'poisson' or 'binomial'", kind)
    return np.atleast_1d(mean), np.atleast_1d(low), np.atleast_1d(high)


def data_channels(features: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The channels the data has, and the canonical channels it does not have.

    A channel is in the data when its ``interactions_<channel>`` column has at least one
    interaction (the feature table has a column for every canonical channel, all zeros for a
    channel nobody used). Returns ``(present, absent)``, each in the report channel order.

    Examples
    --------
    >>> import pandas as pd
    >>> data_channels(pd.DataFrame({"interactions_web": [3, 1], "interactions_app": [0, 0]}))[0]
    ['web']
    """
    cols = [c for c in CANONICAL_CHANNELS if f"interactions_{c}" in features]
    if not cols:
        raise DataValidationError(
            [
                Problem(
                    "<features>",
                    None,
                    "no interactions_<channel> columns",
                    "build the table with omniseg.features.build_features",
                )
            ]
        )
    present = [
        c
        for c in cols
        if float(pd.to_numeric(features[f"interactions_{c}"], errors="coerce").fillna(0).sum()) > 0
    ]
    if not present:
        raise DataValidationError(
            [
                Problem(
                    "<features>",
                    None,
                    "no interactions on any channel",
                    "check the interactions table: every interactions_<channel> column is 0",
                )
            ]
        )
    absent = [c for c in CANONICAL_CHANNELS if c not in present]
    return present, absent


def _channels(features: pd.DataFrame) -> list[str]:
    return data_channels(features)[0]


def channel_metrics(
    features: pd.DataFrame,
    labels: pd.Series,
    *,
    prior_strength: float = 20.0,
    survey_preference: pd.DataFrame | None = None,
    attributed_share: pd.DataFrame | None = None,
    costs: Mapping[str, float] | None = None,
    survey_csat: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Evidence per segment x channel (see the module docstring).

    Parameters
    ----------
    features : DataFrame
        Customer feature table (index = person id) with ``interactions_<ch>``,
        ``purchases_<ch>``, ``revenue_<ch>`` and optionally ``satisfaction_<ch>``.
    labels : Series
        Segment of each person (index aligned with ``features``).
    prior_strength : float
        Shrinkage weight, in engaged customers (contacts for the per-contact rate).
    survey_preference : DataFrame, optional
        Segment x channel share of survey respondents naming the channel their main one
        (rows segments, columns channels).
    attributed_share : DataFrame, optional
        Segment x channel share of conversions attributed to the channel (e.g. Markov removal
        effects from :mod:`omniseg.channels.attribution`).
    costs : dict, optional
        Cost per contact of each channel (currency units).
    survey_csat : DataFrame, optional
        Segment x channel mean satisfaction stated in the survey (``sat_<channel>`` items).
    events : DataFrame, optional
        Interactions with ``person_id``, ``channel``, ``event``: for the complaint rate
        (complaint events per interaction on the channel).

    Returns
    -------
    DataFrame
        One row per segment x channel: ``segment``, ``channel``, ``customers``, ``engaged``,
        ``reach``, ``interaction_share``, ``purchases``, ``conversion`` (+ ``_low``,
        ``_high``, ``_raw``), ``conversion_per_contact`` (+ ``_low``, ``_high``),
        ``channel_rate`` (the channel's rate over everyone), ``conversion_ratio`` (and
        ``_low``/``_high``: relative to the channel's rate), ``revenue_per_customer``,
        ``revenue_per_contact``, ``satisfaction``, ``survey_csat``, ``complaint_rate``,
        ``preference``, ``attributed_share``,
        ``cost_per_contact``, ``roi``. Only channels with interactions in the data
        (:func:`data_channels`) have rows; ``attrs["absent_channels"]`` lists the others.
    """
    channels, absent = data_channels(features)
    lab = labels.reindex(features.index)
    if lab.isna().any():
        raise ParameterError("labels must give a segment for every row of the feature table.")
    rows = []
    inter = {c: features[f"interactions_{c}"].astype("float64").fillna(0) for c in channels}
    buys = {
        c: features.get(f"purchases_{c}", pd.Series(0, index=features.index))
        .astype("float64")
        .fillna(0)
        for c in channels
    }
    rev = {
        c: features.get(f"revenue_{c}", pd.Series(0, index=features.index))
        .astype("float64")
        .fillna(0)
        for c in channels
    }
    total_inter = sum(inter.values())
    overall_rate = {c: buys[c].sum() / max((inter[c] > 0).sum(), 1) for c in channels}
    overall_contact = {c: buys[c].sum() / max(inter[c].sum(), 1) for c in channels}
    # the prior of a segment x channel is centred on the channel's rate, itself shrunk toward
    # the rate of all channels together (a channel used by 3 people has no rate of its own)
    engaged_all = {c: float((inter[c] > 0).sum()) for c in channels}
    grand = sum(buys[c].sum() for c in channels) / max(sum(engaged_all.values()), 1)
    grand_contact = sum(buys[c].sum() for c in channels) / max(float(total_inter.sum()), 1)
    prior_rate = {
        c: (buys[c].sum() + prior_strength * grand) / (engaged_all[c] + prior_strength)
        for c in channels
    }
    prior_contact = {
        c: (buys[c].sum() + prior_strength * grand_contact) / (inter[c].sum() + prior_strength)
        for c in channels
    }
    for seg in sorted(lab.unique()):
        m = (lab == seg).to_numpy()
        n_seg = int(m.sum())
        seg_inter = float(total_inter[m].sum())
        for c in channels:
            engaged = int((inter[c][m] > 0).sum())
            purchases = float(buys[c][m].sum())
            contacts = float(inter[c][m].sum())
            revenue = float(rev[c][m].sum())
            sat_col = f"satisfaction_{c}"
            sat = (
                float(features.loc[m, sat_col].astype("float64").mean())
                if sat_col in features
                else np.nan
            )
            rows.append(
                {
                    "segment": seg,
                    "channel": c,
                    "customers": n_seg,
                    "engaged": engaged,
                    "reach": engaged / n_seg if n_seg else np.nan,
                    "interaction_share": contacts / seg_inter if seg_inter else np.nan,
                    "contacts": contacts,
                    "purchases": purchases,
                    "conversion_raw": purchases / engaged if engaged else np.nan,
                    "channel_rate": overall_rate[c],
                    "contact_rate": overall_contact[c],
                    "prior_rate": prior_rate[c],
                    "prior_contact_rate": prior_contact[c],
                    "revenue_per_customer": revenue / n_seg if n_seg else np.nan,
                    "revenue_per_contact": revenue / contacts if contacts else np.nan,
                    "satisfaction": sat,
                }
            )
    out = pd.DataFrame(rows)
    mean, low, high = shrunk_rate(
        out["purchases"], out["engaged"], out["prior_rate"], prior_strength, kind="poisson"
    )
    out["conversion"], out["conversion_low"], out["conversion_high"] = mean, low, high
    mean, low, high = shrunk_rate(
        out["purchases"].clip(upper=out["contacts"]),
        out["contacts"],
        out["prior_contact_rate"].clip(upper=1),
        prior_strength,
        kind="binomial",
    )
    out["conversion_per_contact"] = mean
    out["conversion_per_contact_low"], out["conversion_per_contact_high"] = low, high
    with np.errstate(divide="ignore", invalid="ignore"):
        base = out["channel_rate"].where(out["channel_rate"] > 0)
        out["conversion_ratio"] = out["conversion"] / base
        out["conversion_ratio_low"] = out["conversion_low"] / base
        out["conversion_ratio_high"] = out["conversion_high"] / base
    out["preference"] = _lookup(survey_preference, out)
    out["survey_csat"] = _lookup(survey_csat, out)
    out["complaint_rate"] = np.nan
    if events is not None:
        missing = [c for c in ("person_id", "channel", "event") if c not in events]
        if missing:
            raise ParameterError(f"events need columns {missing} for the complaint rate.")
        ev = events.loc[events["person_id"].notna(), ["person_id", "channel", "event"]]
        ev = ev.assign(segment=ev["person_id"].map(lab), complaint=ev["event"].eq("complaint"))
        rates = ev.dropna(subset=["segment"]).groupby(["segment", "channel"])["complaint"].mean()
        out["complaint_rate"] = [
            float(rates.get((seg, ch), np.nan))
            for seg, ch in zip(out["segment"], out["channel"], strict=True)
        ]
    out["attributed_share"] = _lookup(attributed_share, out)
    out.attrs["absent_channels"] = list(absent)
    if costs:
        unknown = sorted(set(costs) - set(channels) - set(absent))
        if unknown:
            raise ParameterError(
                f"costs name channel(s) {unknown} that are not in the data {channels}."
            )
        out["cost_per_contact"] = out["channel"].map(dict(costs)).astype("float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            out["roi"] = out["revenue_per_contact"] / out["cost_per_contact"]
    else:
        out["cost_per_contact"] = np.nan
        out["roi"] = np.nan
    return out


def _lookup(table: pd.DataFrame | None, out: pd.DataFrame) -> np.ndarray:
    if table is None:
        return np.full(len(out), np.nan)
    values = []
    for seg, ch in zip(out["segment"], out["channel"], strict=True):
        try:
            values.append(float(table.loc[seg, ch]))
        except (KeyError, TypeError, ValueError):
            values.append(np.nan)
    return np.array(values)
