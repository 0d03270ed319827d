"""The report's first section, "In one page": segments, findings, actions, limits, changes.

:func:`build_summary` gathers what the run computed (segments named by their personas, the
channel plan, the omnichannel gaps, the data profile, the drift against an earlier run) into a
language-free :class:`RunSummary`; :meth:`RunSummary.to_html` words it in the report language
from the catalog (``summary.*`` keys) through one template (``summary.html.j2``, autoescaped).

* **The segments**, one card each: the persona's name and code, size and share of revenue, one
  line on who they are (the persona's first "who" statement), the first channel and its role,
  and the main action (:func:`omniseg.summary.actions.main_actions`).
* **Key findings** (:mod:`omniseg.summary.findings`): each with its number, its interval or
  n, and a link to the section with the evidence.
* **What to do next** (:mod:`omniseg.summary.actions`): each action with who it concerns, how
  many customers and its file.
* **What the data could not answer** (:func:`omniseg.ingest.overview.data_limits`).
* **What changed since the last run** (:mod:`omniseg.summary.changes`), when the run was
  compared with an earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from babel.lists import format_list

from omniseg.report.i18n import (
    channel_label,
    check_language,
    format_money,
    format_number,
    format_percent,
    t,
)
from omniseg.summary.actions import Action, first_ranked, main_actions, plan_actions
from omniseg.summary.changes import RunChanges, run_changes
from omniseg.summary.findings import Finding, key_findings

__all__ = ["RunSummary", "SegmentLine", "build_summary"]


@dataclass(frozen=True)
class SegmentLine:
    """One segment of the summary, without language."""

    segment: int
    customers: int
    share: float
    revenue_share: float | None
    persona: Any
    channel: str | None = None
    role: str | None = None


@dataclass
class RunSummary:
    """What the summary shows, computed once and worded in any language.

    Attributes
    ----------
    segments : list of SegmentLine
    findings : list of Finding
    actions : list of Action
    main : dict
        Segment -> its main :class:`Action`.
    names : list of str
        The segments' display names (in the run's language), in segment order.
    codes : list of str
        Their codes (``S1``...).
    profile : omniseg.ingest.DataProfile or None
        For what the data could not answer.
    changes : RunChanges or None
        Against the earlier run, when one was given.
    has_plan : bool
        Whether the run has a channel plan (not without interactions).
    """

    segments: list[SegmentLine]
    findings: list[Finding]
    actions: list[Action]
    main: dict[int, Action] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    profile: Any = None
    changes: RunChanges | None = None
    has_plan: bool = True

    # ------------------------------------------------------------------ wording

    def _name(self, segment: int | None) -> str:
        return "" if segment is None else self.names[segment]

    def finding_text(self, finding: Finding, language: str = "en") -> str:
        """One finding as a sentence in ``language``, with its number and interval or n."""
        lang = check_language(language)
        f = finding.figures
        pct = lambda v: format_percent(v, lang)  # noqa: E731
        num = lambda v, d=0: format_number(v, lang, d)  # noqa: E731
        seg = self._name(finding.segment)
        if finding.rule == "value_per_customer":
            return t(
                "summary.finding.value_per_customer",
                lang,
                segment=seg,
                ratio=num(f["ratio"], 1),
                value=format_money(f["revenue_per_customer"], lang),
                average=format_money(f["average"], lang),
                low=num(f["low"], 1),
                high=num(f["high"], 1),
                n=num(finding.n),
            )
        if finding.rule == "unanswered":
            key = "summary.finding.unanswered"
            if f.get("others") is None:
                key += "_alone"
            return t(
                key,
                lang,
                segment=seg,
                share=pct(f["share"]),
                customers=num(f["customers"]),
                n=num(finding.n),
                low=pct(f["low"]),
                high=pct(f["high"]),
                others=pct(f.get("others")),
            )
        if finding.rule == "multichannel":
            return t(
                "summary.finding.multichannel",
                lang,
                ratio=num(f["ratio"], 1),
                low=num(f["low"], 1),
                high=num(f["high"], 1),
                multi=num(f["multi"]),
                single=num(f["single"]),
                multi_share=pct(f["multi_share"]),
            )
        if finding.rule == "concentration":
            return t(
                "summary.finding.concentration",
                lang,
                segments=format_list([self._name(s) for s in f["segments"]], locale=lang),
                revenue=pct(f["revenue_share"]),
                customers=pct(f["customer_share"]),
                n=num(finding.n),
            )
        if f["kind"] == "channel":
            return t(
                "summary.finding.least_stable_channel",
                lang,
                segment=seg,
                channel=channel_label(f["channel"], lang),
                alternatives=", ".join(channel_label(a, lang) for a in f["alternatives"]),
                n=num(finding.n),
            )
        return t(
            "summary.finding.least_stable_borderline",
            lang,
            segment=seg,
            share=pct(f["share"]),
            customers=num(f["customers"]),
            n=num(finding.n),
        )

    def action_text(self, action: Action, language: str = "en") -> str:
        """What to do, in ``language``."""
        lang = check_language(language)
        channel = channel_label(action.channel, lang)
        if action.kind == "recover":
            return t("summary.action.recover", lang, channel=channel)
        if action.kind == "pilot" and action.figures.get("thin"):
            return t(
                "summary.action.pilot_thin",
                lang,
                channel=channel,
                segment=self._name(action.segment),
                n=format_number(action.figures.get("engaged") or 0, lang),
            )
        if action.kind == "pilot":
            return t(
                "summary.action.pilot",
                lang,
                channel=channel,
                segment=self._name(action.segment),
                preference=format_percent(action.figures["preference"], lang, 0),
            )
        role = t(f"channels.role.{action.figures['role']}", lang)
        return t(
            "summary.action.activate",
            lang,
            channel=channel,
            segment=self._name(action.segment),
            role=role,
        )

    def card_action_text(self, action: Action, segment: int, language: str = "en") -> str:
        """A segment's main action, as its card says it (its own customers only)."""
        lang = check_language(language)
        customers = action.customers
        if action.kind == "recover":
            customers = (action.figures.get("segments") or {}).get(segment, 0)
        return t(
            f"summary.card.{action.kind}",
            lang,
            customers=format_number(customers, lang),
            channel=channel_label(action.channel, lang),
        )

    def who_text(self, action: Action, language: str = "en") -> str:
        """Who an action concerns, with the consent it respects."""
        lang = check_language(language)
        if action.segment is not None:
            who = self._name(action.segment)
        else:
            per = action.figures.get("segments") or {}
            top = max(per, key=per.get) if per else None
            who = t(
                "summary.who.all",
                lang,
                segment=self._name(top) if top is not None else "",
                n=format_number(per.get(top, 0), lang),
            )
        if action.consent is not None:
            return who + " · " + t("summary.consent.applied", lang, flag=action.consent)
        return who + " · " + t("summary.consent.none", lang)

    def actions_table(self, language: str = "en") -> pd.DataFrame:
        """The action list: action, who, customers, file (one row per action)."""
        lang = check_language(language)
        return pd.DataFrame(
            {
                t("summary.col.action", lang): [self.action_text(a, lang) for a in self.actions],
                t("summary.col.who", lang): [self.who_text(a, lang) for a in self.actions],
                t("summary.col.customers", lang): [
                    format_number(a.customers, lang) for a in self.actions
                ],
                t("summary.col.file", lang): [a.file or "—" for a in self.actions],
            }
        )

    def to_html(self, language: str = "en") -> str:
        """The summary's body (segment cards, findings, actions, limits, changes) as HTML."""
        from omniseg.ingest.overview import data_limits
        from omniseg.report.display import table
        from omniseg.report.templating import render
        from omniseg.segments.segmentation_charts import segment_color

        lang = check_language(language)
        cards = []
        for line in self.segments:
            p = line.persona
            said = (getattr(p, "who", None) or []) + (getattr(p, "behaviour", None) or [])
            if getattr(p, "suppressed", False) or not said:
                who = t("summary.too_small", lang) if getattr(p, "suppressed", False) else ""
            else:
                who = said[0].text(lang)  # who they are, else how they buy
            figures = [
                t(
                    "summary.size",
                    lang,
                    customers=format_number(line.customers, lang),
                    share=format_percent(line.share, lang),
                )
            ]
            if line.revenue_share is not None:
                figures.append(
                    t("summary.revenue", lang, share=format_percent(line.revenue_share, lang))
                )
            channel = (
                t(
                    "summary.first_channel",
                    lang,
                    channel=channel_label(line.channel, lang),
                    role=t(f"channels.role.{line.role}", lang),
                )
                if line.channel
                else t(
                    "summary.no_channel"
                    if self.actions or self.has_plan
                    else "summary.no_interactions",
                    lang,
                )
            )
            action = self.main.get(line.segment)
            cards.append(
                {
                    "colour": segment_color(line.segment),  # as in every chart
                    "first_name": p.first_name_text(lang),
                    "name": self.names[line.segment],
                    "figures": figures,
                    "who": who,
                    "channel": channel,
                    "action": ""
                    if action is None
                    else self.card_action_text(action, line.segment, lang),
                    "file": "" if action is None else action.file,
                }
            )
        findings = [{"text": self.finding_text(f, lang), "anchor": f.anchor} for f in self.findings]
        limits = data_limits(self.profile, lang) if self.profile is not None else []
        changes = self._changes_context(lang) if self.changes is not None else None
        return render(
            "summary.html.j2",
            t=lambda key, **kw: t(key, lang, **kw),
            cards=cards,
            findings=findings,
            actions=table(self.actions_table(lang), align="left").data if self.actions else "",
            limits=limits,
            changes=changes,
        )

    def _repr_html_(self) -> str:
        from omniseg.report.display_options import display_language

        return self.to_html(display_language())

    def _changes_context(self, lang: str) -> dict[str, Any]:
        from omniseg.report.display import table

        ch = self.changes
        drift = ch.drift
        codes = dict(zip(self.codes, self.names, strict=True))
        sizes = pd.DataFrame(
            {
                t("summary.col.segment", lang): [codes.get(s, str(s)) for s in ch.sizes["segment"]],
                t("summary.col.before", lang): [
                    format_percent(v, lang) for v in ch.sizes["share_before"]
                ],
                t("summary.col.after", lang): [
                    format_percent(v, lang) for v in ch.sizes["share_after"]
                ],
                t("summary.col.change", lang): [
                    format_number(v, lang, 1) + " " + t("summary.pp", lang)
                    for v in ch.sizes["change_pp"]
                ],
            }
        )
        personas = [
            t(
                "summary.changes.persona",
                lang,
                segment=codes.get(c["code"], c["code"]),
                before=c["before"],
            )
            for c in ch.personas
        ]
        plan = [
            t(
                "summary.changes.plan",
                lang,
                segment=codes.get(c["code"], c["code"]),
                before=channel_label(c["before"], lang),
                after=channel_label(c["after"], lang),
            )
            for c in ch.plan
        ]
        if "personas" in ch.compared and not personas:
            personas = [t("summary.changes.personas_same", lang)]
        if "plan" in ch.compared and not plan:
            plan = [t("summary.changes.plan_same", lang)]
        return {
            "verdict": drift.verdict_text(lang),
            "reasons": drift.reason_texts(lang),
            "kept": t(
                "summary.changes.kept",
                lang,
                share=format_percent(drift.stability, lang),
                n=format_number(drift.n_common, lang),
            ),
            "sizes": table(sizes).data,
            "lines": personas + plan,
        }


def build_summary(
    data: Any,
    features: pd.DataFrame,
    segmentation: Any,
    personas: list[Any],
    plan: Any,
    gaps: Any,
    *,
    drift: Any = None,
    previous: str | Path | None = None,
    seed: int = 0,
    output_dir: str | Path | None = None,
) -> RunSummary:
    """The run's summary (see the module's description).

    Parameters
    ----------
    data : omniseg.ingest.CustomerData
    features : DataFrame
    segmentation : omniseg.segments.Segmentation
        Named by its personas (:attr:`omniseg.Workbench.segments`).
    personas : list of Persona
    plan : omniseg.channels.ChannelPlan or NotApplicable
    gaps : DataFrame or NotApplicable
    drift : omniseg.segments.DriftReport, optional
        Against ``previous``.
    previous : path, optional
        The earlier run's folder or ``segments.csv``.
    seed : int
    output_dir : path, optional
        The run folder: the action lists are written there.

    Returns
    -------
    RunSummary
    """
    table = getattr(plan, "table", None)
    sizes = segmentation.sizes.set_index("segment")
    lines = []
    for p in personas:
        seg = int(p.segment)
        channel = role = None
        if isinstance(table, pd.DataFrame):
            first = first_ranked(table[table["segment"] == seg])
            if len(first):
                channel, role = str(first.iloc[0]["channel"]), str(first.iloc[0]["role"])
        revenue = sizes.loc[seg, "revenue_share"] if "revenue_share" in sizes else None
        has_revenue = (
            revenue is not None and pd.notna(revenue) and getattr(data.profile, "revenue", 0)
        )
        lines.append(
            SegmentLine(
                segment=seg,
                customers=int(sizes.loc[seg, "customers"]),
                share=float(sizes.loc[seg, "share"]),
                revenue_share=float(revenue) if has_revenue else None,
                persona=p,
                channel=channel,
                role=role,
            )
        )
    actions = plan_actions(features, segmentation, plan, output_dir=output_dir)
    changes = None
    if drift is not None and previous is not None:
        changes = run_changes(drift, previous, personas=personas, plan=plan)
    return RunSummary(
        segments=lines,
        findings=key_findings(features, segmentation, plan=plan, gaps=gaps, seed=seed),
        actions=actions,
        main=main_actions(actions, features, segmentation),
        names=list(segmentation.names),
        codes=list(segmentation.codes),
        profile=getattr(data, "profile", None),
        changes=changes,
        has_plan=isinstance(table, pd.DataFrame),
    )
