"""Omnichannel gaps and cross-channel journey patterns per segment.

:func:`omnichannel_gaps` finds, per segment, the channels rated best and worst by the customers
who use several (the gap between them), and :func:`gaps_table` shows them;
:func:`journey_patterns` summarises multichannel use and journeys (ROPO, showrooming, contact
after the web) per segment, and :func:`patterns_table` shows them. Both return a
:class:`~omniseg.channels.NotApplicable` with one channel in the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from omniseg.channels.applicability import NotApplicable, _not_applicable
from omniseg.channels.metrics import data_channels
from omniseg.channels.plan import _t
from omniseg.errors import DataValidationError
from omniseg.report.i18n import (
    channel_label,
    check_language,
    format_money,
    format_number,
    format_percent,
)

__all__ = ["gaps_table", "journey_patterns", "omnichannel_gaps", "patterns_table"]


def gaps_table(gaps: pd.DataFrame, language: str = "en") -> pd.DataFrame | Any:
    """:func:`omnichannel_gaps` with translated headers and formatted numbers (a
    :class:`~omniseg.channels.NotApplicable` when the gaps do not apply: one channel)."""
    lang = check_language(language)
    na = _not_applicable(gaps)
    if na is not None:
        return na

    def ch(c: Any) -> str:
        return (
            "–" if c is None or (isinstance(c, float) and np.isnan(c)) else channel_label(c, lang)
        )

    return pd.DataFrame(
        {
            _t("segment", lang): gaps["segment_name"].astype(str),
            _t("gap.customers_with", lang): [
                format_percent(v, lang) for v in gaps["customers_with_unanswered"]
            ],
            _t("gap.per_customer", lang): [
                format_number(v, lang, 2) for v in gaps["unanswered_per_customer"]
            ],
            _t("gap.best", lang): [ch(c) for c in gaps["best_rated"]],
            _t("gap.worst", lang): [ch(c) for c in gaps["worst_rated"]],
            _t("gap.gap", lang): [
                format_number(v, lang, 1) + (" ⚠" if bad else "")
                for v, bad in zip(gaps["satisfaction_gap"], gaps["inconsistent"], strict=True)
            ],
        }
    )


def omnichannel_gaps(
    features: pd.DataFrame,
    labels: pd.Series,
    *,
    min_n: int = 10,
    gap_points: float = 1.0,
    segment_names: Mapping[Any, str] | None = None,
) -> pd.DataFrame:
    """Service contacts without follow-up and uneven satisfaction across channels, per segment.

    Returns
    -------
    DataFrame
        Per segment: ``contacts`` (contact events), ``unanswered`` (phone/chat contacts and
        complaints with no touchpoint on another channel within 48 hours, from the feature
        table), ``unanswered_per_customer``, ``customers_with_unanswered`` (share), and the
        channels with the highest and lowest mean satisfaction (each rated by at least
        ``min_n`` customers; none when fewer than two channels are rated), their gap and
        ``inconsistent`` (gap >= ``gap_points``). With one channel in the data the gaps do not
        apply: ``attrs["status"] == "not_applicable"``, ``attrs["reason"] == "one_channel"``
        (:func:`gaps_table` then returns a :class:`~omniseg.channels.NotApplicable`).
    """
    lab = labels.reindex(features.index)
    present = _present_channels(features)
    sat_cols = [
        c
        for c in features.columns
        if str(c).startswith("satisfaction_")
        and (present is None or str(c).removeprefix("satisfaction_") in present)
    ]
    rows = []
    for seg in sorted(lab.dropna().unique()):
        m = (lab == seg).to_numpy()
        part = features.loc[m]
        contacts = float(part["contacts"].sum()) if "contacts" in part else np.nan
        if "unanswered_contacts" in part:
            un = part["unanswered_contacts"].astype("float64").fillna(0)
            unanswered, with_unanswered = float(un.sum()), float((un > 0).mean())
        else:
            unanswered, with_unanswered = np.nan, np.nan
        means = {}
        for col in sat_cols:
            x = part[col].astype("float64").dropna()
            if len(x) >= min_n:
                means[col.removeprefix("satisfaction_")] = float(x.mean())
        two = len(means) >= 2  # a gap needs two rated channels
        hi = max(means, key=means.get) if two else None
        lo = min(means, key=means.get) if two else None
        gap = means[hi] - means[lo] if two else np.nan
        rows.append(
            {
                "segment": seg,
                "segment_name": (segment_names or {}).get(seg, seg),
                "contacts": contacts,
                "unanswered": unanswered,
                "unanswered_per_customer": unanswered / len(part) if len(part) else np.nan,
                "customers_with_unanswered": with_unanswered,
                "best_rated": hi,
                "worst_rated": lo,
                "satisfaction_gap": gap,
                "inconsistent": bool(np.isfinite(gap) and gap >= gap_points),
            }
        )
    out = pd.DataFrame(rows)
    if present is not None and len(present) < 2:
        out.attrs.update(
            status="not_applicable", what="gaps", reason="one_channel", channels=list(present)
        )
    else:
        out.attrs.update(status="ok")
    return out


def _present_channels(features: pd.DataFrame) -> list[str] | None:
    """Channels with interactions in the feature table (None without interactions_ columns)."""
    try:
        return data_channels(features)[0]
    except DataValidationError:
        return None


def journey_patterns(
    features: pd.DataFrame,
    labels: pd.Series,
    *,
    segment_names: Mapping[Any, str] | None = None,
) -> pd.DataFrame | NotApplicable:
    """Cross-channel patterns per segment (numbers; :func:`patterns_table` words them).

    Per segment: share of customers using 2+ channels and their revenue per customer against
    single-channel customers of the segment; share of customers who researched on the web and
    bought in a store (ROPO), visited a store and bought online (showrooming), and phoned or
    chatted after a web visit (columns of :func:`omniseg.features.build_features`).

    Returns
    -------
    DataFrame
        One row per segment: ``segment``, ``segment_name`` and, where the feature table has
        what they need, ``multichannel_share``, ``multichannel_revenue``,
        ``single_channel_revenue`` (NaN when every customer of the segment is multichannel),
        ``ropo_purchases``, ``showrooming_purchases``, ``contact_after_web`` (shares of the
        segment's customers). With one channel in the data a
        :class:`~omniseg.channels.NotApplicable` (reason ``"one_channel"``) instead: nobody
        can use two channels.
    """
    present = _present_channels(features)
    if present is not None and len(present) < 2:
        return NotApplicable("patterns", "one_channel", tuple(present))
    lab = labels.reindex(features.index)
    rows = []
    for seg in sorted(lab.dropna().unique()):
        part = features.loc[(lab == seg).to_numpy()]
        omni = part["omnichannel"].astype(bool) if "omnichannel" in part else None
        money = part["monetary"].astype("float64").fillna(0) if "monetary" in part else None
        row: dict[str, Any] = {
            "segment": seg,
            "segment_name": str((segment_names or {}).get(seg, seg)),
        }
        if omni is not None:
            row["multichannel_share"] = float(omni.mean())
            if money is not None:
                row["multichannel_revenue"] = float(money[omni].mean()) if omni.any() else np.nan
                row["single_channel_revenue"] = (
                    float(money[~omni].mean()) if (~omni).any() else np.nan
                )
        for col in _PATTERN_SHARES:
            if col in part:
                row[col] = float((part[col].astype("float64").fillna(0) > 0).mean())
        rows.append(row)
    return pd.DataFrame(rows)


_PATTERN_SHARES = ("ropo_purchases", "showrooming_purchases", "contact_after_web")


def patterns_table(patterns: pd.DataFrame | NotApplicable, language: str = "en") -> Any:
    """:func:`journey_patterns` with translated headers and formatted numbers (the
    :class:`~omniseg.channels.NotApplicable` itself when the patterns do not apply)."""
    lang = check_language(language)
    if isinstance(patterns, NotApplicable):
        return patterns

    def money(v: float) -> str:
        return "–" if not np.isfinite(v) else format_money(v, lang)

    out = pd.DataFrame({_t("segment", lang): patterns["segment_name"].astype(str)})
    if "multichannel_share" in patterns:
        out[_t("pat.multi", lang)] = [
            format_percent(v, lang, 0) for v in patterns["multichannel_share"]
        ]
    if "multichannel_revenue" in patterns:
        out[_t("pat.multi_value", lang)] = [money(v) for v in patterns["multichannel_revenue"]]
        out[_t("pat.single_value", lang)] = [money(v) for v in patterns["single_channel_revenue"]]
    for col in _PATTERN_SHARES:
        if col in patterns:
            out[_t(f"pat.{col}", lang)] = [format_percent(v, lang, 0) for v in patterns[col]]
    return out
