"""The key findings of a run, chosen from its own numbers by documented rules.

Each rule looks at one kind of fact, picks the segment (or group) where it is strongest and
returns a :class:`Finding`: the rule's name, the figures (numbers only, no language), the ``n``
they rest on, an interval where one applies, and the anchor of the report section holding the
evidence. A rule whose data is missing (no revenue, one channel, no service contacts) returns
nothing: no finding without a number. The rules, in the order the summary shows them:

1. ``value_per_customer`` — the segment worth most per customer: its mean revenue per
   customer against everyone's, with a 90 % percentile-bootstrap interval of the segment's
   mean (``scipy.stats.bootstrap``, seeded); segments under ``min_n`` customers are not
   candidates. Needs revenue.
2. ``unanswered`` — the biggest omnichannel gap: the segment with the largest share of
   customers who had a phone/chat contact or complaint with no touchpoint on another channel
   within 48 hours (:func:`omniseg.channels.omnichannel_gaps`), with a 90 % Wilson interval and
   the share among the other customers. Needs at least one such contact.
3. ``multichannel`` — the value of multi-channel customers: the ratio of mean revenue of
   customers using two or more channels to single-channel ones, with its bootstrap interval
   (:func:`omniseg.features.omnichannel.multichannel_value`). Needs revenue and at least
   ``min_n`` customers in each group.
4. ``concentration`` — where the revenue is: the fewest segments, most valuable per customer
   first, that together bring at least half the revenue, when they are two or more (one is
   the first finding again) but not all, and their share of revenue exceeds
   their share of customers by 15 points or more (a census of the run's customers: n, no
   interval). Needs revenue and two segments or more.
5. ``least_stable`` — the least certain result: a segment whose first channel changes when one
   weight of the channel plan moves ±20 % (the largest such segment), else the segment with the
   largest share of customers between two segments (borderline).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from omniseg.summary.actions import unanswered_counts

__all__ = ["Finding", "key_findings"]

#: Level of every interval in the summary.
CONFIDENCE = 0.9


@dataclass(frozen=True)
class Finding:
    """One key finding: the rule that chose it and its figures, without language.

    Attributes
    ----------
    rule : str
        ``"value_per_customer"``, ``"unanswered"``, ``"multichannel"``, ``"concentration"`` or
        ``"least_stable"``
        (``"least_stable"`` has a ``kind``: ``"channel"`` or ``"borderline"``).
    anchor : str
        Id of the report section with the evidence.
    segment : int or None
        The segment it is about (None: every customer).
    figures : dict
        The numbers (shares 0-1, ratios, money, counts) and codes (channels).
    n : int or None
        How many customers the figure rests on.
    """

    rule: str
    anchor: str
    segment: int | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    n: int | None = None


def key_findings(
    features: pd.DataFrame,
    segmentation: Any,
    *,
    plan: Any = None,
    gaps: Any = None,
    seed: int = 0,
    min_n: int = 10,
) -> list[Finding]:
    """The run's key findings (at most one per rule), in the rules' order.

    Parameters
    ----------
    features : DataFrame
        The person feature table the segmentation describes.
    segmentation : omniseg.segments.Segmentation
    plan : omniseg.channels.ChannelPlan, optional
        The channel plan (its sensitivity to the weights); a ``NotApplicable`` or None: skipped.
    gaps : DataFrame, optional
        :func:`omniseg.channels.omnichannel_gaps`.
    seed : int
        Seed of the bootstrap intervals.
    min_n : int
        Fewest customers a segment or group needs to be a finding.

    Returns
    -------
    list of Finding
    """
    labels = segmentation.labels.reindex(features.index).to_numpy(dtype=int)
    rules = (
        _value_per_customer(features, labels, seed, min_n),
        _unanswered(features, labels, gaps, min_n),
        _multichannel(features, seed, min_n),
        _concentration(features, labels),
        _least_stable(segmentation, plan),
    )
    return [f for f in rules if f is not None]


def _revenue(features: pd.DataFrame) -> np.ndarray | None:
    if "monetary" not in features:
        return None
    values = pd.to_numeric(features["monetary"], errors="coerce").fillna(0.0).to_numpy(float)
    return values if values.sum() > 0 else None


def _value_per_customer(
    features: pd.DataFrame, labels: np.ndarray, seed: int, min_n: int
) -> Finding | None:
    from scipy.stats import bootstrap

    revenue = _revenue(features)
    if revenue is None:
        return None
    overall = float(revenue.mean())
    best, best_mean = None, -np.inf
    for seg in np.unique(labels):
        part = revenue[labels == seg]
        if len(part) >= min_n and part.mean() > best_mean:
            best, best_mean = int(seg), float(part.mean())
    if best is None or len(np.unique(labels)) < 2:
        return None
    part = revenue[labels == best]
    ci = bootstrap(
        (part,),
        np.mean,
        confidence_level=CONFIDENCE,
        n_resamples=999,
        method="percentile",
        random_state=np.random.default_rng(seed),
        vectorized=True,
    ).confidence_interval
    return Finding(
        rule="value_per_customer",
        anchor="segments",
        segment=best,
        figures={
            "ratio": best_mean / overall,
            "low": float(ci.low) / overall,
            "high": float(ci.high) / overall,
            "revenue_per_customer": best_mean,
            "average": overall,
        },
        n=len(part),
    )


def _unanswered(
    features: pd.DataFrame, labels: np.ndarray, gaps: Any, min_n: int
) -> Finding | None:
    from scipy.stats import binomtest

    if not isinstance(gaps, pd.DataFrame) or gaps.attrs.get("status") == "not_applicable":
        return None
    count = unanswered_counts(features)
    if count is None:
        return None
    hit = count.to_numpy() > 0
    if not hit.any():
        return None
    best, best_share = None, -1.0
    for seg in np.unique(labels):
        mask = labels == seg
        if mask.sum() >= min_n and hit[mask].mean() > best_share:
            best, best_share = int(seg), float(hit[mask].mean())
    if best is None:
        return None
    mask = labels == best
    k, n = int(hit[mask].sum()), int(mask.sum())
    ci = binomtest(k, n).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    rest = hit[~mask]
    row = gaps.set_index("segment").loc[best] if best in set(gaps["segment"]) else None
    return Finding(
        rule="unanswered",
        anchor="omnichannel-gaps",
        segment=best,
        figures={
            "share": k / n,
            "low": float(ci.low),
            "high": float(ci.high),
            "customers": k,
            "contacts": None if row is None else float(row["unanswered"]),
            "others": float(rest.mean()) if len(rest) else None,
        },
        n=n,
    )


def _multichannel(features: pd.DataFrame, seed: int, min_n: int) -> Finding | None:
    from omniseg.features.omnichannel import multichannel_value

    if _revenue(features) is None or "n_channels" not in features:
        return None
    value = multichannel_value(features, random_state=seed, confidence=CONFIDENCE)
    single, multi, ratio = (value.loc[r] for r in ("single", "multi", "ratio"))
    if min(single["customers"], multi["customers"]) < min_n or not np.isfinite(ratio["mean"]):
        return None
    return Finding(
        rule="multichannel",
        anchor="omnichannel",
        figures={
            "ratio": float(ratio["mean"]),
            "low": float(ratio["low"]),
            "high": float(ratio["high"]),
            "multi": int(multi["customers"]),
            "single": int(single["customers"]),
            "multi_share": float(multi["share"]),
        },
        n=int(ratio["customers"]),
    )


def _concentration(features: pd.DataFrame, labels: np.ndarray) -> Finding | None:
    revenue = _revenue(features)
    segments = np.unique(labels)
    if revenue is None or len(segments) < 2:
        return None
    total = revenue.sum()
    rows = sorted(
        ((revenue[labels == s].mean(), int(s)) for s in segments), key=lambda r: (-r[0], r[1])
    )
    group, customers, share = [], 0, 0.0
    for _, seg in rows:
        group.append(seg)
        customers += int((labels == seg).sum())
        share += float(revenue[labels == seg].sum() / total)
        if share >= 0.5:
            break
    # one segment holding half the revenue is the value finding again; all of them, no finding
    if not 2 <= len(group) < len(segments) or share - customers / len(labels) < 0.15:
        return None
    return Finding(
        rule="concentration",
        anchor="segments",
        figures={
            "segments": group,
            "revenue_share": share,
            "customer_share": customers / len(labels),
        },
        n=customers,
    )


def _least_stable(segmentation: Any, plan: Any) -> Finding | None:
    sizes = segmentation.sizes.set_index("segment")
    sensitivity = getattr(plan, "sensitivity", None)
    if isinstance(sensitivity, pd.DataFrame) and len(sensitivity):
        moving = sensitivity[~sensitivity["stable"].astype(bool)]
        if len(moving):
            order = sizes.loc[moving["segment"], "customers"].to_numpy()
            row = moving.iloc[int(np.argmax(order))]
            seg = int(row["segment"])
            return Finding(
                rule="least_stable",
                anchor="channel-plan",
                segment=seg,
                figures={
                    "kind": "channel",
                    "channel": str(row["top"]),
                    "alternatives": [str(a) for a in row["alternatives"]],
                },
                n=int(sizes.loc[seg, "customers"]),
            )
    if len(sizes) < 2:
        return None
    border = sizes["borderline_share"].astype(float)
    seg = int(border.idxmax())
    if not np.isfinite(border[seg]) or border[seg] <= 0:
        return None
    n = int(sizes.loc[seg, "customers"])
    return Finding(
        rule="least_stable",
        anchor="segments",
        segment=seg,
        figures={
            "kind": "borderline",
            "share": float(border[seg]),
            "customers": round(n * border[seg]),
        },
        n=n,
    )
