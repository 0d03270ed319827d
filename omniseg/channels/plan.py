"""Channel prioritisation per segment: evidence, a documented score, roles and reasons.

For each segment x channel, :func:`channel_metrics` measures

- **reach**: share of the segment's customers with at least one interaction on the channel;
- **interaction share**: the channel's share of the segment's interactions;
- **conversion**: purchases per *engaged* customer (a customer with at least one interaction on
  the channel), with **Bayesian shrinkage**: purchases are Poisson with a rate per engaged
  customer whose Gamma prior is centred on the channel's rate over all customers with the
  weight of ``prior_strength`` engaged customers. The posterior mean is ``(purchases +
  m * rate0) / (engaged + m)`` and the credible interval comes from the Gamma posterior. A
  segment with few engaged customers is pulled toward the channel's overall rate; a large one
  keeps its own. **Ranking uses the lower end of the interval** (the 5th percentile for a 90 %
  interval), so thin evidence cannot win: 2 purchases from 3 engaged customers (posterior mean
  above the rate, interval wide) ranks below 400 from 1,000 (tested);
- **conversion per contact**: purchases / interactions (Beta-binomial shrinkage, same prior
  logic), reported alongside;
- **revenue per customer** of the segment through the channel, and per contact;
- **satisfaction** (interactions' ratings) and, with a survey, **stated preference** (share of
  respondents naming it as their main channel) and survey CSAT;
- **attributed value** (optional, from :mod:`omniseg.channels.attribution`: the channel's share of
  conversions by Markov removal effect, times the segment's revenue);
- **cost per contact** (optional user table) and ROI.

:func:`channel_plan` turns them into a **priority score**: each component is normalised within
the segment (divided by the best channel's value, so 1 = the segment's best on that component)
and combined with documented, adjustable weights (:data:`DEFAULT_WEIGHTS`; components without
data drop out and the rest are renormalised). Each channel gets a **role** (acquire / convert /
retain / serve, rules in :func:`_role`), a **reason** in English or Spanish citing the numbers,
and a flag when its evidence is thin (fewer than ``min_engaged`` engaged customers): thin
channels are listed after the confident ones instead of being ranked confidently. A
**sensitivity** check moves each weight ±20 % and reports whether the top channel changes.

**Only channels the data and the segment use are ranked.** Candidates are the channels with at
least one interaction in the data (:func:`data_channels`), not the canonical list: a channel
with no interactions at all is listed once, outside the ranking, as "not in your data"
(``ChannelPlan.absent_channels``) and never scored from its prior alone. A channel the data has
but a segment does not use (no engaged customer, or reach below ``min_reach`` = 1 % *and* fewer
than ``min_engaged`` engaged customers) is an **untested option** (``status == "untested"``): it
has no rank and no score, never gets an activation list, and the report lists it apart. A
segment with a single used channel gets that channel alone, with a sentence saying there is
nothing to compare it with (no score). Attribution, journeys, cross-channel patterns and gaps
that do not apply (one channel, no journeys, no purchases) come back as
:class:`omniseg.channels.NotApplicable` and the report shows one sentence instead.

The report texts (English and Spanish) live in :data:`omniseg.report.i18n.MESSAGES` under the
``channels.`` prefix; :func:`channel_text` returns the section texts.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats

from omniseg.atomic import atomic_write
from omniseg.config.vocabulary import CANONICAL_CHANNELS
from omniseg.errors import DataValidationError, ParameterError, Problem
from omniseg.report import i18n
from omniseg.report.i18n import (
    channel_label,
    check_language,
    format_money,
    format_number,
    format_percent,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "ChannelPlan",
    "activation_lists",
    "channel_metrics",
    "channel_plan",
    "channel_text",
    "data_channels",
    "gaps_table",
    "journey_patterns",
    "omnichannel_gaps",
    "report_channel_plan",
    "report_section",
    "shrunk_rate",
]

#: Default weights of the priority score's components.
DEFAULT_WEIGHTS: dict[str, float] = {
    "reach": 0.30,
    "conversion": 0.30,
    "value": 0.25,
    "preference": 0.10,
    "satisfaction": 0.05,
    "cost": 0.10,
}
_ROLES = ("acquire", "convert", "retain", "serve")


def _t(key: str, language: str, **kw: Any) -> str:
    # Always ``str.format`` (also without fields), as when the texts lived in this module.
    return i18n.t(f"channels.{key}", language).format(**kw)


def channel_text(key: str, language: str = "en") -> str:
    """Section texts of the channel-plan report (``title``, ``lead``, ``attr_title``, ...)."""
    return _t(key, check_language(language))


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
        raise ParameterError(f"prior_strength must be > 0. Got {prior_strength!r}.")
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
        raise ParameterError(f"kind must be 'poisson' or 'binomial'. Got {kind!r}.")
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


def _not_applicable(frame: Any) -> Any:
    """The :class:`~omniseg.channels.NotApplicable` a frame's ``attrs`` record, if any."""
    from omniseg.channels.attribution import NotApplicable

    if isinstance(frame, NotApplicable):
        return frame
    attrs = getattr(frame, "attrs", {}) or {}
    if attrs.get("status") == "not_applicable":
        return NotApplicable(
            attrs.get("what", "gaps"), attrs["reason"], tuple(attrs.get("channels", ()))
        )
    return None


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


# ---------------------------------------------------------------------- the plan


def _role(row: pd.Series, seg_rows: pd.DataFrame, first_share: float) -> str:
    """Role of a channel in a segment.

    ``convert``: at least 25 % of the segment's purchases happen there; ``acquire``: at least
    20 % of the segment's customers had their first contact there; ``serve``: phone and chat
    (service channels) otherwise; ``retain``: any other channel the segment uses (messages and
    content that keep customers in touch).
    """
    total = float(seg_rows["purchases"].sum())
    if total > 0 and row["purchases"] / total >= 0.25:
        return "convert"
    if first_share >= 0.2:
        return "acquire"
    if row["channel"] in ("phone", "chat"):
        return "serve"
    return "retain"


@dataclass
class ChannelPlan:
    """Ranked channels per segment with evidence (see the module docstring).

    Attributes
    ----------
    table : DataFrame
        :func:`channel_metrics` plus ``status`` (``"ranked"``: a channel the segment uses;
        ``"untested"``: one it barely uses, never ranked), ``score``, the normalised components
        ``c_<name>``, ``rank`` (1 = invest first; thin channels after confident ones; missing
        for untested channels), ``thin``, ``role``, ``reason``.
    weights : dict
        The weights used (after dropping components without data).
    sensitivity : DataFrame
        Per segment: the top channel, and the top channel when each weight moves ±20 %.
    segment_names : dict
    language : str
    absent_channels : tuple of str
        Canonical channels with no interactions at all in the data: not ranked, listed once.
    """

    table: pd.DataFrame
    weights: dict[str, float]
    sensitivity: pd.DataFrame
    segment_names: dict = field(default_factory=dict)
    language: str = "en"
    absent_channels: tuple[str, ...] = ()

    def name(self, seg: Any) -> str:
        return str(self.segment_names.get(seg, seg))

    def to_frame(self, *, include_absent: bool = True) -> pd.DataFrame:
        """The plan as a tidy table (one row per segment x channel the data has, ranked first,
        then the untested options; with ``include_absent``, one row per channel not in the
        data, without a segment, ``status == "not_in_data"``)."""
        cols = [
            "segment",
            "channel",
            "status",
            "rank",
            "score",
            "role",
            "thin",
            "reach",
            "conversion",
            "conversion_low",
            "conversion_high",
            "conversion_per_contact",
            "revenue_per_customer",
            "satisfaction",
            "survey_csat",
            "complaint_rate",
            "preference",
            "attributed_share",
            "cost_per_contact",
            "roi",
            "reason",
        ]
        out = self.table[cols].copy()
        out.insert(1, "segment_name", [self.name(s) for s in out["segment"]])
        out = out.sort_values(["segment", "rank"], na_position="last").reset_index(drop=True)
        out["rank"] = out["rank"].astype("Int64")
        if include_absent and self.absent_channels:
            lang = self.language
            extra = pd.DataFrame(
                {
                    "channel": list(self.absent_channels),
                    "status": "not_in_data",
                    "reason": [
                        _t("not_in_data", lang, channels=channel_label(c, lang))
                        for c in self.absent_channels
                    ],
                }
            )
            seg = out["segment"]
            out = pd.concat([out, extra], ignore_index=True)
            if pd.api.types.is_integer_dtype(seg.dtype):
                out["segment"] = out["segment"].astype("Int64")
            out["rank"] = out["rank"].astype("Int64")
        return out

    def to_csv(self, path: str | Path) -> Path:
        """Write ``channel_plan.csv`` atomically."""
        return atomic_write(path, self.to_frame().set_index("segment").to_csv)

    def not_in_data_text(self, language: str | None = None) -> str:
        """One sentence listing the channels not in the data ("" when every channel is)."""
        lang = check_language(language or self.language)
        if not self.absent_channels:
            return ""
        names = ", ".join(channel_label(c, lang) for c in self.absent_channels)
        return _t("not_in_data", lang, channels=names)

    def top(self, n: int = 3) -> pd.DataFrame:
        """The ``n`` first channels of each segment, for the report (translated, formatted).

        Untested options are listed on one extra row per segment, without a rank; a segment
        that uses none of the data's channels gets one row saying so.
        """
        lang = self.language
        rows = []
        sens = self.sensitivity.set_index("segment")
        for seg, part in self.table.sort_values(["segment", "rank"]).groupby("segment"):
            ranked = part[part["status"] == "ranked"]
            untested = part[part["status"] == "untested"]
            for i, r in enumerate(ranked.head(n).itertuples()):
                stable = bool(sens.loc[seg, "stable"]) if seg in sens.index else True
                if i > 0:
                    verdict = ""
                elif stable:
                    verdict = _t("yes", lang)
                else:
                    verdict = _t("no_changes", lang, alt=sens.loc[seg, "alternatives"])
                rows.append(
                    {
                        _t("segment", lang): self.name(seg) if i == 0 else "",
                        _t("rank", lang): str(int(r.rank)) + (" *" if r.thin else ""),
                        _t("channel", lang): channel_label(r.channel, lang),
                        _t("role", lang): _t(f"role.{r.role}", lang),
                        _t("score", lang): format_number(r.score, lang, 2),
                        _t("why", lang): r.reason,
                        _t("stable", lang): verdict,
                    }
                )
            extra = []
            if ranked.empty:
                extra.append(("", _t("no_channel", lang)))
            if len(untested):
                names = ", ".join(channel_label(c, lang) for c in untested["channel"])
                extra.append((names, _t("untested_row", lang, channels=names)))
            for names, text in extra:
                rows.append(
                    {
                        _t("segment", lang): self.name(seg) if ranked.empty else "",
                        _t("rank", lang): "–",
                        _t("channel", lang): names,
                        _t("role", lang): _t("role.untested", lang) if names else "",
                        _t("score", lang): "–",
                        _t("why", lang): text,
                        _t("stable", lang): "",
                    }
                )
        return pd.DataFrame(rows)

    def plot_scores(self, *, fig: go.Figure | None = None) -> go.Figure:
        """Heat map of priority scores, segments x channels of the data, best per segment
        marked (untested channels and single-channel segments have no score: "–")."""
        lang = self.language
        pivot = self.table.pivot(index="segment", columns="channel", values="score")
        channels = [c for c in CANONICAL_CHANNELS if c in pivot.columns]
        pivot = pivot[channels]
        ranks = self.table.pivot(index="segment", columns="channel", values="rank")[channels]
        text = [
            [
                ("★ " if ranks.loc[s, c] == 1 else "") + format_number(pivot.loc[s, c], lang, 2)
                for c in channels
            ]
            for s in pivot.index
        ]
        fig = fig if fig is not None else go.Figure()
        fig.add_trace(
            go.Heatmap(
                z=pivot.to_numpy(),
                x=[html.escape(channel_label(c, lang)) for c in channels],
                y=[html.escape(self.name(s)) for s in pivot.index],
                text=text,
                texttemplate="%{text}",
                colorscale="Blues",
                zmin=0,
                zmax=1,
                hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
            )
        )
        fig.update_layout(
            title=_t("fig_scores", lang),
            template="plotly_white",
            height=140 + 50 * len(pivot),
            yaxis={"autorange": "reversed"},
            separators=",." if lang == "es" else ".,",
        )
        return fig

    def _repr_html_(self) -> str:
        from omniseg.report.display import table

        return table(self.top()).data


def channel_plan(
    metrics: pd.DataFrame,
    *,
    features: pd.DataFrame | None = None,
    labels: pd.Series | None = None,
    weights: Mapping[str, float] | None = None,
    min_engaged: int = 30,
    min_reach: float = 0.01,
    language: str = "en",
    segment_names: Mapping[Any, str] | None = None,
    absent_channels: Sequence[str] | None = None,
) -> ChannelPlan:
    """Score, rank and explain channels per segment.

    Parameters
    ----------
    metrics : DataFrame
        From :func:`channel_metrics` (rows only for channels the data has).
    features, labels : optional
        The feature table and segments, for first-contact shares (the *acquire* role).
    weights : dict, optional
        Component weights (default :data:`DEFAULT_WEIGHTS`); keys among reach, conversion,
        value, preference, satisfaction, cost.
    min_engaged : int
        Fewer engaged customers than this: thin evidence.
    min_reach : float
        A channel used by fewer than this share of the segment *and* by fewer than
        ``min_engaged`` customers (or by nobody in it) is an untested option: not ranked.
    language : {"en", "es"}
    segment_names : dict, optional
    absent_channels : sequence of str, optional
        Channels not in the data (default: ``metrics.attrs["absent_channels"]``, else the
        canonical channels without rows in ``metrics``).

    Returns
    -------
    ChannelPlan
    """
    language = check_language(language)
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = sorted(set(w) - set(DEFAULT_WEIGHTS))
    if unknown:
        raise ParameterError(f"Unknown weight(s) {unknown}. Components: {sorted(DEFAULT_WEIGHTS)}.")
    if any((not isinstance(v, int | float)) or v < 0 for v in w.values()):
        raise ParameterError(f"Weights must be numbers >= 0. Got {w}.")
    if (
        isinstance(min_reach, bool)
        or not isinstance(min_reach, int | float)
        or not 0 <= min_reach < 1
    ):
        raise ParameterError(f"min_reach must be a share in [0, 1). Got {min_reach!r}.")
    if absent_channels is None:
        absent_channels = metrics.attrs.get("absent_channels")
    if absent_channels is None:
        seen = set(metrics["channel"])
        absent_channels = [c for c in CANONICAL_CHANNELS if c not in seen]
    table = metrics.copy()
    table["thin"] = table["engaged"] < min_engaged
    unused = (table["engaged"] <= 0) | (table["reach"].fillna(0) < min_reach) & table["thin"]
    table["status"] = np.where(unused, "untested", "ranked")
    comp = _components(table)
    used = {k: v for k, v in w.items() if k in comp and comp[k].notna().any() and v > 0}
    if not used:
        raise ParameterError("No score component has data and a positive weight.")
    table["score"], table["rank"] = _score_and_rank(table, comp, used)
    for k, col in comp.items():
        table[f"c_{k}"] = col
    first = _first_shares(features, labels)
    n_ranked = table[table["status"] == "ranked"].groupby("segment")["channel"].count()
    roles, reasons = [], []
    for _, r in table.iterrows():
        seg_rows = table[table["segment"] == r["segment"]]
        role = _role(r, seg_rows, first.get((r["segment"], r["channel"]), 0.0))
        if r["status"] == "untested":
            role = "untested"
        roles.append(role)
        only = r["status"] == "ranked" and int(n_ranked.get(r["segment"], 0)) == 1
        reasons.append(_reason(r, role, language, only=only))
    table["role"] = roles
    table["reason"] = reasons
    sens = _sensitivity(table, comp, used)
    return ChannelPlan(
        table=table,
        weights=used,
        sensitivity=sens,
        segment_names=dict(segment_names or {}),
        language=language,
        absent_channels=tuple(absent_channels),
    )


def _components(table: pd.DataFrame) -> dict[str, pd.Series]:
    """Raw component values (higher is better; cost inverted).

    Value: the attributed share of the segment's revenue where the segment's journeys were
    attributed, else its revenue per customer through the channel.
    """
    value = table["revenue_per_customer"]
    if table["attributed_share"].notna().any():
        seg_rev = table.groupby("segment")["revenue_per_customer"].transform("sum")
        has = table.groupby("segment")["attributed_share"].transform(lambda x: x.notna().any())
        value = (table["attributed_share"] * seg_rev).where(has.astype(bool), value)
    cost = table["cost_per_contact"]
    return {
        "reach": table["reach"],
        "conversion": table["conversion_low"],
        "value": value,
        "preference": table["preference"],
        "satisfaction": table["satisfaction"],
        "cost": (1.0 / cost).where(cost > 0),
    }


def _normalised_score(
    comp: Mapping[str, pd.Series],
    segments: pd.Series,
    weights: Mapping[str, float],
    eligible: pd.Series | None = None,
) -> pd.Series:
    """Weighted mean of the components, each divided by the segment's best channel's value.

    A component is 1 for the segment's best channel on it and 0 where there is no evidence
    (no survey answers); weights are used as given and the total is divided by their sum, so
    scores lie in [0, 1]. Only ``eligible`` rows (the ranked channels) are scored and compared;
    the others get no score.
    """
    if eligible is None:
        eligible = pd.Series(True, index=segments.index)
    total = pd.Series(0.0, index=segments.index)
    for k, wk in weights.items():
        col = pd.Series(comp[k], index=segments.index).astype("float64").where(eligible)
        best = col.groupby(segments).transform("max")
        norm = (col / best).where(best > 0).clip(0, 1).fillna(0.0)
        total += wk * norm
    return (total / sum(weights.values())).where(eligible)


def _score_and_rank(
    table: pd.DataFrame, comp: Mapping[str, pd.Series], weights: Mapping[str, float]
) -> tuple[pd.Series, pd.Series]:
    """Scores and ranks of the ranked channels; a segment's only channel has rank 1, no score."""
    eligible = table["status"] == "ranked"
    score = _normalised_score(comp, table["segment"], weights, eligible)
    ranks = _ranks(table.assign(score=score), eligible)
    alone = eligible.groupby(table["segment"]).transform("sum") == 1
    return score.where(~alone), ranks


def _ranks(table: pd.DataFrame, eligible: pd.Series | None = None) -> pd.Series:
    """1 = invest first; confident channels before thin ones, then by score (ranked rows only)."""
    if eligible is None:
        eligible = pd.Series(True, index=table.index)
    part = table[eligible.to_numpy()]
    order = part.sort_values(["segment", "thin", "score"], ascending=[True, True, False])
    ranks = (order.groupby("segment").cumcount() + 1).astype("float64")
    return ranks.reindex(table.index)


def _first_shares(features: pd.DataFrame | None, labels: pd.Series | None) -> dict:
    if features is None or labels is None or "first_channel" not in features:
        return {}
    frame = pd.DataFrame(
        {"segment": labels.reindex(features.index), "ch": features["first_channel"]}
    )
    shares = frame.groupby("segment")["ch"].value_counts(normalize=True)
    return {(s, c): float(v) for (s, c), v in shares.items()}


def _reason(r: pd.Series, role: str, language: str, *, only: bool = False) -> str:
    ch = channel_label(r["channel"], language)
    if language == "es":
        ch = ch.lower() if ch not in ("SMS",) else ch
    reach = format_percent(r["reach"], language, 0)
    if role == "untested":
        text = _t("untested", language, reach=reach, ch=ch, n=int(r["engaged"]))
        if r["engaged"] > 0:
            text += " " + _t("thin", language, n=int(r["engaged"]))
        return text
    if r["purchases"] <= 0 or not np.isfinite(r["conversion_ratio"]):
        text = _t("reason_nobuy", language, reach=reach, ch=ch, role=_t(f"role.{role}", language))
    else:
        text = _t(
            "reason",
            language,
            reach=reach,
            ch=ch,
            ratio=_t("x", language, v=format_number(r["conversion_ratio"], language, 1)),
            ci_label=_t("ci", language),
            lo=format_number(r["conversion_ratio_low"], language, 1),
            hi=format_number(r["conversion_ratio_high"], language, 1),
        )
        if r["revenue_per_customer"] > 0:
            text += _t(
                "reason_value", language, rpc=format_money(r["revenue_per_customer"], language)
            )
    if only:
        text += _t("only_channel", language)
    if r["thin"]:
        text += " " + _t("thin", language, n=int(r["engaged"]))
    return text


def _sensitivity(
    table: pd.DataFrame, comp: dict[str, pd.Series], weights: Mapping[str, float]
) -> pd.DataFrame:
    """Top channel per segment when each weight moves by -20 % and +20 %."""
    base_top = table[table["rank"] == 1].set_index("segment")["channel"]
    alts: dict[Any, set[str]] = {s: set() for s in base_top.index}
    for k in weights:
        for f in (0.8, 1.2):
            w = dict(weights)
            w[k] = w[k] * f
            t = table.copy()
            t["score"], t["rank"] = _score_and_rank(t, comp, w)
            top = t[t["rank"] == 1].set_index("segment")["channel"]
            for s, c in top.items():
                if c != base_top[s]:
                    alts[s].add(c)
    return pd.DataFrame(
        {
            "segment": base_top.index,
            "top": base_top.to_numpy(),
            "stable": [not alts[s] for s in base_top.index],
            "alternatives": [", ".join(sorted(alts[s])) for s in base_top.index],
        }
    )


# ---------------------------------------------------------------------- gaps and exports


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
    language: str = "en",
    segment_names: Mapping[Any, str] | None = None,
) -> pd.DataFrame:
    """Cross-channel patterns per segment, formatted for the report.

    Per segment: share of customers using 2+ channels and their revenue per customer against
    single-channel customers of the segment; share of customers who researched on the web and
    bought in a store (ROPO), visited a store and bought online (showrooming), and phoned or
    chatted after a web visit (columns of :func:`omniseg.features.build_features`).

    With one channel in the data a :class:`~omniseg.channels.NotApplicable` (reason
    ``"one_channel"``) instead: nobody can use two channels.
    """
    from omniseg.channels.attribution import NotApplicable

    lang = check_language(language)
    present = _present_channels(features)
    if present is not None and len(present) < 2:
        return NotApplicable("patterns", "one_channel", tuple(present))
    lab = labels.reindex(features.index)
    rows = []
    for seg in sorted(lab.dropna().unique()):
        part = features.loc[(lab == seg).to_numpy()]
        omni = part["omnichannel"].astype(bool) if "omnichannel" in part else None
        money = part["monetary"].astype("float64").fillna(0) if "monetary" in part else None
        row = {_t("segment", lang): str((segment_names or {}).get(seg, seg))}
        if omni is not None:
            row[_t("pat.multi", lang)] = format_percent(float(omni.mean()), lang, 0)
            if money is not None:
                row[_t("pat.multi_value", lang)] = format_money(float(money[omni].mean()), lang)
                row[_t("pat.single_value", lang)] = (
                    format_money(float(money[~omni].mean()), lang) if (~omni).any() else "–"
                )
        for col in ("ropo_purchases", "showrooming_purchases", "contact_after_web"):
            if col in part:
                share = float((part[col].astype("float64").fillna(0) > 0).mean())
                row[_t(f"pat.{col}", lang)] = format_percent(share, lang, 0)
        rows.append(row)
    return pd.DataFrame(rows)


def activation_lists(
    plan: ChannelPlan,
    labels: pd.Series,
    *,
    customers: pd.DataFrame | None = None,
    top: int = 1,
    hash_key_env: str | None = None,
    default_country: str = "ES",
    output_dir: str | Path | None = None,
) -> dict[tuple[Any, str], pd.DataFrame]:
    """Customer lists per segment x recommended channel, ready for an email, SMS or ads tool.

    Parameters
    ----------
    plan : ChannelPlan
    labels : Series
        Segment per person id.
    customers : DataFrame, optional
        CRM table with ``customer_id`` and ``email``/``phone``; with ``hash_key_env`` their
        HMAC-SHA256 (key from that environment variable, never written anywhere) is added as
        ``email_hash``/``phone_hash``, computed on the identifier as identity resolution
        normalises it (:func:`omniseg.identity.normalise_email`, ``normalise_phone`` to E.164),
        so ``612 345 678`` and ``+34 612-345-678`` hash alike, as an ads platform's matching
        expects; an identifier that is not valid gets no hash.
    top : int
        How many of each segment's first-ranked channels get a list (thin ones and untested
        options are skipped).
    hash_key_env : str, optional
    default_country : str
        Country of phone numbers written without an international prefix.
    output_dir : path, optional
        Write each list to ``<output_dir>/activation/<segment>_<channel>.csv`` (atomic).

    Returns
    -------
    dict
        ``{(segment, channel): DataFrame}`` with ``person_id`` (and hashes).
    """
    from omniseg.identity.resolver import normalise_email, normalise_phone

    key = None
    if hash_key_env:
        secret = os.environ.get(hash_key_env)
        if not secret:
            raise ParameterError(
                f"Environment variable {hash_key_env} is not set: it must hold the key for "
                "hashing identifiers."
            )
        key = secret.encode("utf-8")
    t = plan.table
    chosen = t[(t["rank"] <= top) & ~t["thin"] & (t["status"] == "ranked")]
    out = {}
    for r in chosen.itertuples():
        ids = labels.index[labels.to_numpy() == r.segment]
        frame = pd.DataFrame({"person_id": ids.astype(str)})
        if key is not None and customers is not None:
            crm = customers.set_index(customers["customer_id"].astype(str))
            for col, norm in (
                ("email", normalise_email),
                ("phone", lambda s: normalise_phone(s, default_country)),
            ):
                if col in crm:
                    values = norm(crm[col].astype("string")).reindex(frame["person_id"])
                    frame[f"{col}_hash"] = [
                        None
                        if pd.isna(v)
                        else hmac.new(key, v.encode(), hashlib.sha256).hexdigest()
                        for v in values
                    ]
        out[(r.segment, r.channel)] = frame
        if output_dir:
            atomic_write(
                Path(output_dir) / "activation" / f"{plan.name(r.segment)}_{r.channel}.csv",
                frame.set_index("person_id").to_csv,
                private=True,
            )
    return out


def report_channel_plan(
    data: Any,
    features: pd.DataFrame,
    segmentation: Any,
    *,
    language: str = "en",
    output_dir: str | Path | None = None,
    weights: Mapping[str, float] | None = None,
    costs: Mapping[str, float] | None = None,
    events: pd.DataFrame | None = None,
) -> tuple[ChannelPlan, Any, pd.DataFrame]:
    """The channel-plan step of a report run.

    Links survey respondents to segments (customer id, else the typing tool) for stated
    preference and survey CSAT, weighted to the customer base
    (:func:`omniseg.voice.report_survey_weights`); builds journeys from the resolved
    interactions and attributes conversions per segment with Markov removal effects; scores and
    ranks channels; finds omnichannel gaps. With ``output_dir``, writes ``channel_plan.csv`` and
    the activation lists (``activation/``).

    ``events`` are the interactions with ``person_id``; default: the run's
    (:func:`omniseg.features.resolved_events` with ``output_dir`` as the run folder, read from
    ``person_ids.parquet`` when an earlier step wrote it, so identities are resolved once).

    Without an interactions table (a CRM-only export: ``data.profile.has_interactions`` is
    false) there is nothing to rank, attribute or follow: all three results are a
    :class:`~omniseg.channels.NotApplicable` (reason ``"no_interactions"``), nothing is
    written, and :func:`report_section` words each section as one sentence.

    Returns
    -------
    plan : ChannelPlan
    journeys : omniseg.channels.Journeys
    gaps : DataFrame
    """
    from omniseg.channels.attribution import (
        NotApplicable,
        attribution_status,
        build_journeys,
        markov_attribution,
    )
    from omniseg.features.pipeline import resolved_events

    if not getattr(getattr(data, "profile", None), "has_interactions", True):
        return (
            NotApplicable("plan", "no_interactions"),
            NotApplicable("journeys", "no_interactions"),
            NotApplicable("gaps", "no_interactions"),
        )

    labels = segmentation.labels
    names = dict(enumerate(segmentation.names))
    preference, csat = None, None
    survey, codebook = getattr(data, "survey", None), getattr(data, "codebook", None)
    if survey is not None and codebook is not None:
        from omniseg.voice.respondents import link_respondents
        from omniseg.voice.survey_tables import channel_tables
        from omniseg.voice.survey_weights import report_survey_weights

        links = link_respondents(survey, labels, typing_tool=segmentation.typing_tool)
        # respondents count as the customers they stand for (unplaced ones: only in "all")
        weighting = report_survey_weights(data, features, segmentation, links=links)
        tables = channel_tables(
            survey, codebook, segments=links, weights=weighting.weights.fillna(0.0)
        )
        pref = tables["preference"]
        pref = pref[(pref["segment"] != "all") & ~pref["suppressed"]]
        preference = pref.pivot_table(index="segment", columns="channel", values="share")
        sat = tables["satisfaction"]
        sat = sat[(sat["segment"] != "all") & ~sat["suppressed"]]
        csat = sat.pivot_table(index="segment", columns="channel", values="mean")
    if events is None:  # the run's resolved interactions (resolved once per run)
        events = resolved_events(data, cache_dir=output_dir)
    journeys = build_journeys(events, segments=labels)
    shares = {}
    for seg in sorted(labels.unique()):
        if seg in journeys.segments and attribution_status(journeys, segment=seg) is None:
            part = markov_attribution(journeys, segment=seg)
            shares[seg] = part.set_index("channel")["share"]
    # segments whose journeys cannot be attributed (one channel, no purchases) are valued by
    # their revenue per customer through each channel instead
    attributed = pd.DataFrame(shares).T if shares else None
    metrics = channel_metrics(
        features,
        labels,
        survey_preference=preference,
        attributed_share=attributed,
        costs=costs,
        survey_csat=csat,
        events=events,
    )
    plan = channel_plan(
        metrics,
        features=features,
        labels=labels,
        weights=weights,
        language=language,
        segment_names=names,
    )
    gaps = omnichannel_gaps(features, labels, segment_names=names)
    if output_dir:
        plan.to_csv(Path(output_dir) / "channel_plan.csv")
        activation_lists(plan, labels, output_dir=output_dir)
    return plan, journeys, gaps


def report_section(
    name: str,
    *,
    plan: ChannelPlan,
    journeys: Any,
    gaps: pd.DataFrame,
    features: pd.DataFrame,
    segmentation: Any,
    language: str = "en",
) -> list[Any]:
    """What the channel-plan notebook displays for one section, in order.

    ``name`` is ``"plan"`` (heading, the not-in-data sentence, the top channels, the score heat
    map when there are channels to compare), ``"attribution"``, ``"journeys"``, ``"patterns"``
    or ``"gaps"``. A section that does not apply to the data (one channel, no journeys, no
    purchases) is its heading and ONE sentence in ``language`` instead of its table or chart.
    """
    from omniseg.channels import attribution as at
    from omniseg.report.display import paragraph, section, table

    lang = check_language(language)
    names = dict(enumerate(segmentation.names))

    def head(key: str, anchor: str, lead: str | None, level: int = 3) -> Any:
        return section(
            channel_text(key, lang),
            anchor=anchor,
            level=level,
            lead=channel_text(lead, lang) if lead else None,
        )

    def na(result: Any) -> list[Any]:
        return [paragraph(result.text(lang))]

    if isinstance(plan, at.NotApplicable):  # no interactions at all: every section, one sentence
        titles = {
            "plan": ("title", "channel-plan", 2),
            "attribution": ("attr_title", "attribution", 3),
            "journeys": ("journey_title", "journeys", 3),
            "patterns": ("pat_title", "journey-patterns", 3),
            "gaps": ("gaps_title", "omnichannel-gaps", 3),
        }
        if name in titles:
            key, anchor, level = titles[name]
            return [head(key, anchor, None, level), *na(at.NotApplicable(name, plan.reason))]
    if name == "plan":
        out = [head("title", "channel-plan", "lead", level=2)]
        if plan.absent_channels:
            out.append(paragraph(plan.not_in_data_text(lang)))
        out.append(table(plan.top(3), align="left"))
        if plan.table["score"].notna().any():
            out.append(plan.plot_scores())
        return out
    if name == "attribution":
        result = at.attribution_table(journeys)
        if isinstance(result, at.NotApplicable):
            return [head("attr_title", "attribution", None), *na(result)]
        return [
            head("attr_title", "attribution", "attr_lead"),
            at.plot_attribution(result, language=lang),
        ]
    if name == "journeys":
        out = [head("journey_title", "journeys", None)]
        sankey = at.plot_sankey(journeys, language=lang)
        if isinstance(sankey, at.NotApplicable):
            return [*out, *na(sankey)]
        return [
            *out,
            sankey,
            at.plot_transitions(at.transition_matrix(journeys), language=lang),
        ]
    if name == "patterns":
        result = journey_patterns(features, segmentation.labels, language=lang, segment_names=names)
        if _not_applicable(result) is not None:
            return [head("pat_title", "journey-patterns", None), *na(result)]
        return [head("pat_title", "journey-patterns", "pat_lead"), table(result)]
    if name == "gaps":
        result = gaps_table(gaps, lang)
        if _not_applicable(result) is not None:
            return [head("gaps_title", "omnichannel-gaps", None), *na(result)]
        return [head("gaps_title", "omnichannel-gaps", "gaps_lead"), table(result)]
    raise ParameterError(
        "The 'name' parameter of report_section must be one of 'plan', 'attribution', "
        f"'journeys', 'patterns', 'gaps'. Got {name!r} instead."
    )
