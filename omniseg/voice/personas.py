"""Data-driven personas: one per segment, every statement backed by evidence.

A :class:`Persona` turns a segment into something every team can recognise: a descriptive name
built from the segment's most distinguishing traits ("Young app-first buyer" / "Compradora de app
joven") and a fictional first name; size and value; demographics, behaviour (RFM, preferred
channels, typical journey), attitudes (survey constructs that stand out, NPS), goals and
frustrations (interview themes), and quotes. Nothing is invented: every statement carries its
evidence (number of people, index against the average, adjusted p-value), and a persona whose
evidence is thin (few survey respondents, an unreliable construct, no interviews) says so.

Naming is deterministic: the segment's *signature channel* (the channel whose share of
interactions is most above average, significant) gives the noun ("app-first buyer", "store
loyalist"), its median age against everyone's gives the modifier ("young" under 35, "senior" from
55), its revenue per customer an optional "high-value". Spanish names agree with the segment's
majority gender ("Compradora de app joven" when most of the segment are women). The first name
comes from a fixed list per language and gender, picked by segment number, so the same
segmentation always gives the same names and no two personas share one.

When no channel sets a segment apart (one channel in the data, or every segment uses them alike)
the noun is "customer" and the name takes the segment's most distinctive other trait
(:func:`_trait_candidates`: value tier, recency — active / lapsed —, frequency, tenure, age,
region, survey attitudes; each the segment against everyone else by effect size, Cohen's d or h
of at least 0.5): "Lapsed customer", "Young high-value customer". Names are unique: when two
segments would get the same name each adds its next most distinctive trait, with no "(2)"
suffix (the segment code is appended only if they run out of traits).
``Persona.traits`` lists the traits of the name as language-free codes (``"recency:lapsed"``).

Personas are computed without a language: each statement is a catalog key with its figures and
codes (:class:`~omniseg.voice.persona_model.Statement`) and the name the facts it is built from
(:class:`~omniseg.voice.persona_names.PersonaName`); the cards, the table and ``personas.json``
word them in the language asked for (``persona.to_html("es")``, ``persona.name_text("es")``,
:func:`~omniseg.voice.persona_cards.persona_cards_html`), so switching a report's language
never means recomputing.
Cards list only channels the segment uses (at least 1 % of its customers), and no channel lines
at all when the data has one channel.

Privacy: a segment smaller than ``min_customers`` (default 10) gets no card content (only its
size), survey statements need ``min_respondents`` (default 5), and quotes are taken from
PII-scrubbed interview sentences only.

:func:`build_personas` (this module) builds them. The pieces live in their own modules: the
:class:`~omniseg.voice.persona_model.Persona` and
:class:`~omniseg.voice.persona_model.Evidence` objects in :mod:`omniseg.voice.persona_model`,
naming in :mod:`omniseg.voice.persona_names`, the card sections' evidence in
:mod:`omniseg.voice.persona_evidence`, and the cards, table, ``personas.json`` and report section
in :mod:`omniseg.voice.persona_cards`. The report texts (English and Spanish) live in
:data:`omniseg.report.i18n.MESSAGES` under the ``personas.`` prefix;
:func:`~omniseg.voice.persona_model.persona_text` returns the section texts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omniseg._checks import check_int
from omniseg.config.vocabulary import CANONICAL_CHANNELS
from omniseg.errors import ParameterError
from omniseg.voice.persona_evidence import (
    _attitude_effects,
    _attitudes,
    _behaviour,
    _channels,
    _female_share,
    _float,
    _survey_evidence,
    _theme_evidence,
    _themes,
    _who,
)
from omniseg.voice.persona_model import Figure, Persona, Statement
from omniseg.voice.persona_names import (
    PersonaName,
    _signature_channel,
    _trait_candidates,
    _unique_names,
)

__all__ = ["build_personas"]


def build_personas(
    segmentation: Any,
    features: pd.DataFrame,
    *,
    survey: pd.DataFrame | None = None,
    codebook: dict | None = None,
    respondent_segments: pd.Series | None = None,
    themes: Any = None,
    interview_segments: pd.Series | None = None,
    min_customers: int = 10,
    min_respondents: int = 5,
    survey_weights: pd.Series | None = None,
) -> list[Persona]:
    """One :class:`Persona` per segment.

    Parameters
    ----------
    segmentation : omniseg.segments.Segmentation
        Segments of ``features`` (its ``labels``, ``sizes``, ``confidence``, ``profile``).
    features : DataFrame
        The customer feature table the segmentation describes (index = person id).
    survey, codebook : optional
        Survey answers and codebook (:mod:`omniseg.voice.survey`), for attitudes and NPS.
    respondent_segments : Series, optional
        Segment of each survey respondent (index ``respondent_id``), e.g. from
        ``omniseg.voice.link_respondents``; by default respondents are linked through their
        ``customer_id`` only.
    themes : omniseg.voice.InterviewThemes, optional
        Interview themes, for goals/frustrations and quotes.
    interview_segments : Series, optional
        Segment of each interview (index ``interview_id``).
    min_customers, min_respondents : int
        Privacy and honesty thresholds.
    survey_weights : Series, optional
        A weight per survey row, on the survey's index (``SurveyWeighting.weights`` of
        :func:`omniseg.voice.weight_to_customers`): construct averages and NPS are
        weighted, and respondents with a missing weight are left out of them. Counts (``n``)
        stay head counts.

    Returns
    -------
    list of Persona
        Language-free: worded by their presentation methods (``to_html``, ``name_text``...).
    """
    min_customers = check_int(min_customers, "min_customers", "build_personas", 1)
    min_respondents = check_int(min_respondents, "min_respondents", "build_personas", 1)
    labels = segmentation.labels.reindex(features.index)
    if labels.isna().any():
        raise ParameterError(
            "The segmentation does not cover every row of the feature table: pass the table the "
            "segmentation was built from."
        )
    lab = labels.to_numpy(dtype=int)
    sizes = segmentation.sizes.set_index("segment")
    conf = segmentation.confidence
    survey_part = _survey_evidence(survey, codebook, labels, respondent_segments, survey_weights)
    theme_part = _theme_evidence(themes, interview_segments)
    ages = features["age"].astype("float64") if "age" in features else None
    overall_rpc = (
        float(features["monetary"].astype("float64").fillna(0).mean())
        if "monetary" in features
        else float("nan")
    )
    personas = []
    naming: dict[int, tuple] = {}
    n_data_channels = _n_data_channels(features)
    # a plain customer table (CRM only) is segmented on its own attributes: they name personas
    basis = getattr(getattr(segmentation, "segmenter", None), "basis_", None)
    blocks = getattr(basis, "blocks_", None) or {}
    attributes = [c for c in blocks.get("attributes", []) if isinstance(c, str)]
    for seg in range(len(segmentation.names)):
        code = segmentation.names[seg]
        mask = lab == seg
        n = int(mask.sum())
        share = float(sizes.loc[seg, "share"])
        if n < min_customers:
            personas.append(
                Persona(
                    segment=seg,
                    code=code,
                    customers=n,
                    share=share,
                    suppressed=True,
                    notes=[Statement("suppressed", {"m": min_customers})],
                )
            )
            continue
        part = features.loc[mask]
        female_share = _female_share(part["gender"]) if "gender" in part else float("nan")
        female = bool(female_share > 0.55) if np.isfinite(female_share) else False
        median_age = float(ages[mask].median()) if ages is not None else float("nan")
        age_word = None
        if np.isfinite(median_age):
            age_word = "young" if median_age < 35 else ("senior" if median_age >= 55 else None)
        rpc = float(sizes.loc[seg, "revenue_per_customer"])
        high_value = bool(np.isfinite(rpc) and overall_rpc > 0 and rpc >= 1.5 * overall_rpc)
        channel = _signature_channel(features, mask, segmentation.profile)
        covered = {"age"} if age_word else set()
        if high_value:
            covered.add("value")
        candidates = [
            c
            for c in _trait_candidates(
                features,
                mask,
                _attitude_effects(survey_part, seg, min_respondents),
                attributes,
            )
            if c[1].split(":")[0] not in covered
        ]
        extras = 0 if channel else min(1, len(candidates))  # a generic noun takes a trait
        naming[seg] = (channel, age_word, high_value, female, candidates, extras)
        traits = [f"channel:{channel}"] if channel else []
        traits += [f"age:{age_word}"] if age_word else []
        traits += ["value:high"] if high_value else []
        name = PersonaName(
            channel=channel,
            age=age_word,
            high_value=high_value,
            female=female,
            extras=[(k, f) for _, _, k, f in candidates[:extras]],
            first=seg,  # the first name is picked by segment number
        )
        traits += [c for _, c, _, _ in candidates[:extras]]
        p = Persona(
            segment=seg,
            code=code,
            naming=name,
            customers=n,
            share=share,
            revenue_share=_float(sizes.loc[seg, "revenue_share"]),
            revenue_per_customer=_float(rpc),
            median_age=_float(median_age),
            signature_channel=channel,
            traits=traits,
        )
        _who(p, features, mask, ages, female_share)
        _behaviour(p, features, mask, overall_rpc, n_data_channels)
        if n_data_channels != 1:  # one channel in the data: nothing to say about channels
            _channels(p, features, mask)
        border = float(conf["borderline"].to_numpy()[mask].mean())
        if border >= 0.15:
            p.notes.append(Statement("borderline", {"share": Figure(border, "percent")}))
        _attitudes(p, survey_part, seg, min_respondents)
        _themes(p, theme_part, seg)
        personas.append(p)
    _unique_names(personas, naming, features, lab)
    return personas


def _n_data_channels(features: pd.DataFrame) -> int | None:
    """How many channels have interactions in the table (None without interactions_ columns)."""
    cols = [f"interactions_{c}" for c in CANONICAL_CHANNELS if f"interactions_{c}" in features]
    if not cols:
        return None
    sums = features[cols].apply(pd.to_numeric, errors="coerce").fillna(0).sum()
    return int((sums > 0).sum())
