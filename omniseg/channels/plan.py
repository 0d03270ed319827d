"""Channel prioritisation per segment: evidence, a documented score, roles and reasons.

For each segment x channel, :func:`~omniseg.channels.metrics.channel_metrics` measures

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
retain / serve, rules in :func:`_role`), a **reason** citing the numbers (worded in the
language asked for when the plan is shown: :meth:`ChannelPlan.reason_texts`),
and a flag when its evidence is thin (fewer than ``min_engaged`` engaged customers): thin
channels are listed after the confident ones instead of being ranked confidently. A
**sensitivity** check moves each weight ±20 % and reports whether the top channel changes.

**Only channels the data and the segment use are ranked.** Candidates are the channels with at
least one interaction in the data (:func:`~omniseg.channels.metrics.data_channels`), not the
canonical list: a channel with no interactions at all is listed once, outside the ranking, as
"not in your data" (``ChannelPlan.absent_channels``) and never scored from its prior alone. A
channel the data has but a segment does not use (no engaged customer, or reach below
``min_reach`` = 1 % *and* fewer than ``min_engaged`` engaged customers) is an **untested
option** (``status == "untested"``): it has no rank and no score, never gets an activation list,
and the report lists it apart. A
segment with a single used channel gets that channel alone, with a sentence saying there is
nothing to compare it with (no score). Attribution, journeys, cross-channel patterns and gaps
that do not apply (one channel, no journeys, no purchases) come back as
:class:`omniseg.channels.NotApplicable` and the report shows one sentence instead.

The plan is computed without language: it holds numbers, codes (roles, statuses) and flags.
Its texts (English and Spanish) live in the catalogs (``omniseg/report/locale``) under the
``channels.`` prefix and are worded by :meth:`ChannelPlan.top_table`,
:meth:`ChannelPlan.to_frame`, :meth:`ChannelPlan.plot_scores` and :func:`channel_text`.

This module holds the scored plan (:func:`channel_plan`, :class:`ChannelPlan`); the metrics are
in :mod:`omniseg.channels.metrics`, the gaps and journey patterns in
:mod:`omniseg.channels.gaps`, the activation lists in :mod:`omniseg.channels.activation` and the
report's sections in :mod:`omniseg.channels.plan_report`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from omniseg._checks import bad_parameter
from omniseg.atomic import atomic_write
from omniseg.config.vocabulary import CANONICAL_CHANNELS
from omniseg.errors import ParameterError
from omniseg.report import i18n
from omniseg.report.chart_style import chart_layout, finding_title
from omniseg.report.i18n import (
    channel_in_sentence,
    channel_label,
    check_language,
    format_money,
    format_number,
    format_percent,
)

__all__ = ["DEFAULT_WEIGHTS", "ChannelPlan", "channel_plan", "channel_text"]

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

    The plan holds numbers and codes only; its texts (the reasons, the table for the report,
    the heat map's title) are worded in the language asked for when it is shown.

    Attributes
    ----------
    table : DataFrame
        :func:`channel_metrics` plus ``status`` (``"ranked"``: a channel the segment uses;
        ``"untested"``: one it barely uses, never ranked), ``score``, the normalised components
        ``c_<name>``, ``rank`` (1 = invest first; thin channels after confident ones; missing
        for untested channels), ``thin``, ``only_channel`` (the segment's one ranked channel),
        ``role``.
    weights : dict
        The weights used (after dropping components without data).
    sensitivity : DataFrame
        Per segment: the top channel, and the top channel when each weight moves ±20 %.
    segment_names : dict
    absent_channels : tuple of str
        Canonical channels with no interactions at all in the data: not ranked, listed once.
    """

    table: pd.DataFrame
    weights: dict[str, float]
    sensitivity: pd.DataFrame
    segment_names: dict = field(default_factory=dict)
    absent_channels: tuple[str, ...] = ()

    def name(self, seg: Any) -> str:
        return str(self.segment_names.get(seg, seg))

    def reason_texts(self, language: str = "en") -> pd.Series:
        """Why each channel of :attr:`table` ranks where it does, one sentence per row (same
        index as the table), in ``language``."""
        lang = check_language(language)
        return pd.Series(
            [_reason(r, lang) for _, r in self.table.iterrows()],
            index=self.table.index,
            dtype="object",
        )

    def to_frame(self, language: str = "en", *, include_absent: bool = True) -> pd.DataFrame:
        """The plan as a tidy table (one row per segment x channel the data has, ranked first,
        then the untested options; with ``include_absent``, one row per channel not in the
        data, without a segment, ``status == "not_in_data"``); ``reason`` in ``language``."""
        lang = check_language(language)
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
        ]
        out = self.table[cols].copy()
        out["reason"] = self.reason_texts(lang)
        out.insert(1, "segment_name", [self.name(s) for s in out["segment"]])
        out = out.sort_values(["segment", "rank"], na_position="last").reset_index(drop=True)
        out["rank"] = out["rank"].astype("Int64")
        if include_absent and self.absent_channels:
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

    def to_csv(self, path: str | Path, language: str = "en") -> Path:
        """Write ``channel_plan.csv`` atomically (its ``reason`` column in ``language``)."""
        frame = self.to_frame(language).set_index("segment")
        return atomic_write(path, frame.to_csv)

    def not_in_data_text(self, language: str = "en") -> str:
        """One sentence listing the channels not in the data ("" when every channel is)."""
        lang = check_language(language)
        if not self.absent_channels:
            return ""
        names = ", ".join(channel_label(c, lang) for c in self.absent_channels)
        return _t("not_in_data", lang, channels=names)

    def top_table(self, n: int = 3, language: str = "en") -> pd.DataFrame:
        """The ``n`` first channels of each segment, for the report (translated, formatted).

        Untested options are listed on one extra row per segment, without a rank; a segment
        that uses none of the data's channels gets one row saying so.
        """
        lang = check_language(language)
        reasons = self.reason_texts(lang)
        rows = []
        sens = self.sensitivity.set_index("segment")
        for seg, part in self.table.sort_values(["segment", "rank"]).groupby("segment"):
            ranked = part[part["status"] == "ranked"]
            untested = part[part["status"] == "untested"]
            for i, (idx, r) in enumerate(ranked.head(n).iterrows()):
                stable = bool(sens.loc[seg, "stable"]) if seg in sens.index else True
                if i > 0:
                    verdict = ""
                elif stable:
                    verdict = _t("yes", lang)
                else:
                    alternatives = ", ".join(
                        channel_label(c, lang) for c in sens.loc[seg, "alternatives"]
                    )
                    verdict = _t("no_changes", lang, alt=alternatives)
                rows.append(
                    {
                        _t("segment", lang): self.name(seg) if i == 0 else "",
                        _t("rank", lang): str(int(r["rank"])) + (" *" if r["thin"] else ""),
                        _t("channel", lang): channel_label(r["channel"], lang),
                        _t("role", lang): _t(f"role.{r['role']}", lang),
                        _t("score", lang): format_number(r["score"], lang, 2),
                        _t("why", lang): reasons[idx],
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

    def plot_scores(self, language: str = "en", *, fig: go.Figure | None = None) -> go.Figure:
        """Heat map of priority scores, segments x channels of the data, best per segment
        marked (untested channels and single-channel segments have no score: "–")."""
        lang = check_language(language)
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
        firsts = self.table[self.table["rank"] == 1]["channel"].value_counts()
        finding = None
        if len(firsts) and len(pivot) >= 2:
            if firsts.iloc[0] >= 2:
                finding = _t(
                    "fig_scores.finding",
                    lang,
                    channel=channel_label(firsts.index[0], lang),
                    n=int(firsts.iloc[0]),
                    k=len(pivot),
                )
            elif len(firsts) == len(pivot):
                finding = _t("fig_scores.finding_each", lang)
        fig.update_layout(
            **chart_layout(lang),
            title=finding_title(_t("fig_scores", lang), finding),
            height=140 + 50 * len(pivot),
            yaxis={"autorange": "reversed"},
        )
        return fig

    def _repr_html_(self) -> str:
        from omniseg.report.display import table
        from omniseg.report.display_options import display_language

        return table(self.top_table(3, display_language())).data


def channel_plan(
    metrics: pd.DataFrame,
    *,
    features: pd.DataFrame | None = None,
    labels: pd.Series | None = None,
    weights: Mapping[str, float] | None = None,
    min_engaged: int = 30,
    min_reach: float = 0.01,
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
    segment_names : dict, optional
    absent_channels : sequence of str, optional
        Channels not in the data (default: ``metrics.attrs["absent_channels"]``, else the
        canonical channels without rows in ``metrics``).

    Returns
    -------
    ChannelPlan
        Worded at display time: :meth:`ChannelPlan.top_table`, :meth:`ChannelPlan.to_frame`,
        :meth:`ChannelPlan.reason_texts` take the language.
    """
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
        raise bad_parameter("min_reach", "channel_plan", "a share in [0, 1)", min_reach)
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
    roles, only = [], []
    for _, r in table.iterrows():
        seg_rows = table[table["segment"] == r["segment"]]
        role = _role(r, seg_rows, first.get((r["segment"], r["channel"]), 0.0))
        if r["status"] == "untested":
            role = "untested"
        roles.append(role)
        only.append(r["status"] == "ranked" and int(n_ranked.get(r["segment"], 0)) == 1)
    table["role"] = roles
    table["only_channel"] = only
    sens = _sensitivity(table, comp, used)
    return ChannelPlan(
        table=table,
        weights=used,
        sensitivity=sens,
        segment_names=dict(segment_names or {}),
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


def _reason(r: pd.Series, language: str) -> str:
    """Why a row of the plan ranks where it does (from its numbers, role and flags)."""
    role = r["role"]
    ch = channel_in_sentence(r["channel"], language)
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
    if r["only_channel"]:
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
            "alternatives": [tuple(sorted(alts[s])) for s in base_top.index],
        }
    )
