"""The channel plan part of the report: :func:`report_channel_plan` computes the plan, the
journeys and the gaps of a run, and :func:`report_section` builds each section (plan, attribution,
journeys, patterns, gaps) in English or Spanish."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from omniseg._checks import bad_parameter
from omniseg.channels.activation import activation_lists
from omniseg.channels.applicability import _not_applicable
from omniseg.channels.gaps import gaps_table, journey_patterns, omnichannel_gaps, patterns_table
from omniseg.channels.metrics import channel_metrics
from omniseg.channels.plan import ChannelPlan, channel_plan, channel_text
from omniseg.report.i18n import (
    check_language,
)

__all__ = ["report_channel_plan", "report_section"]


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
    from omniseg.channels.applicability import NotApplicable, attribution_status
    from omniseg.channels.attribution import markov_attribution
    from omniseg.channels.journeys import build_journeys
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
        segment_names=names,
    )
    gaps = omnichannel_gaps(features, labels, segment_names=names)
    if output_dir:
        plan.to_csv(Path(output_dir) / "channel_plan.csv", check_language(language))
        codes = getattr(segmentation, "codes", None) or segmentation.names
        activation_lists(
            plan,
            labels,
            output_dir=output_dir,
            file_names=dict(enumerate(codes)),
            consent=features.filter(like="consent_"),
        )
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
    from omniseg.channels.applicability import NotApplicable
    from omniseg.channels.attribution import attribution_table
    from omniseg.channels.charts import (
        plot_attribution,
        plot_sankey,
        plot_transitions,
        transition_matrix,
    )
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

    if isinstance(plan, NotApplicable):  # no interactions at all: every section, one sentence
        titles = {
            "plan": ("title", "channel-plan", 2),
            "attribution": ("attr_title", "attribution", 3),
            "journeys": ("journey_title", "journeys", 3),
            "patterns": ("pat_title", "journey-patterns", 3),
            "gaps": ("gaps_title", "omnichannel-gaps", 3),
        }
        if name in titles:
            key, anchor, level = titles[name]
            return [head(key, anchor, None, level), *na(NotApplicable(name, plan.reason))]
    if name == "plan":
        out = [head("title", "channel-plan", "lead", level=2)]
        if plan.absent_channels:
            out.append(paragraph(plan.not_in_data_text(lang)))
        out.append(table(plan.top_table(3, lang), align="left"))
        if plan.table["score"].notna().any():
            out.append(plan.plot_scores(lang))
        return out
    if name == "attribution":
        result = attribution_table(journeys)
        if isinstance(result, NotApplicable):
            return [head("attr_title", "attribution", None), *na(result)]
        return [
            head("attr_title", "attribution", "attr_lead"),
            plot_attribution(result, language=lang),
        ]
    if name == "journeys":
        out = [head("journey_title", "journeys", None)]
        sankey = plot_sankey(journeys, language=lang)
        if isinstance(sankey, NotApplicable):
            return [*out, *na(sankey)]
        return [
            *out,
            sankey,
            plot_transitions(transition_matrix(journeys), language=lang),
        ]
    if name == "patterns":
        result = journey_patterns(features, segmentation.labels, segment_names=names)
        if _not_applicable(result) is not None:
            return [head("pat_title", "journey-patterns", None), *na(result)]
        return [
            head("pat_title", "journey-patterns", "pat_lead"),
            table(patterns_table(result, lang)),
        ]
    if name == "gaps":
        result = gaps_table(gaps, lang)
        if _not_applicable(result) is not None:
            return [head("gaps_title", "omnichannel-gaps", None), *na(result)]
        return [head("gaps_title", "omnichannel-gaps", "gaps_lead"), table(result)]
    expected = "one of 'plan', 'attribution', 'journeys', 'patterns', 'gaps'"
    raise bad_parameter("name", "report_section", expected, name)
