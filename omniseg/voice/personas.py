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
Cards list only channels the segment uses (at least 1 % of its customers), and no channel lines
at all when the data has one channel.

Privacy: a segment smaller than ``min_customers`` (default 10) gets no card content (only its
size), survey statements need ``min_respondents`` (default 5), and quotes are taken from
PII-scrubbed interview sentences only.

The report texts (English and Spanish) live in :data:`omniseg.report.i18n.MESSAGES` under the
``personas.`` prefix; :func:`persona_text` returns the section texts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment

from omniseg.atomic import atomic_write_text
from omniseg.config.vocabulary import CANONICAL_CHANNELS, fold_label
from omniseg.errors import ParameterError
from omniseg.report import i18n
from omniseg.report.i18n import (
    channel_label,
    check_language,
    format_money,
    format_number,
    format_percent,
)
from omniseg.report.paths import TEMPLATES_DIR

__all__ = [
    "Evidence",
    "Persona",
    "build_personas",
    "persona_cards_html",
    "persona_text",
    "personas_table",
    "report_personas",
    "write_personas_json",
]

#: Persona nouns per signature channel: {channel: {language: (neutral/male, female)}}.
CHANNEL_NOUNS: dict[str, dict[str, tuple[str, str]]] = {
    "app": {
        "en": ("app-first buyer", "app-first buyer"),
        "es": ("Comprador de app", "Compradora de app"),
    },
    "web": {
        "en": ("web researcher", "web researcher"),
        "es": ("Investigador web", "Investigadora web"),
    },
    "store": {
        "en": ("store loyalist", "store loyalist"),
        "es": ("Fiel a la tienda", "Fiel a la tienda"),
    },
    "phone": {
        "en": ("phone-reliant customer", "phone-reliant customer"),
        "es": ("Cliente del teléfono", "Clienta del teléfono"),
    },
    "chat": {
        "en": ("chat-led customer", "chat-led customer"),
        "es": ("Cliente del chat", "Clienta del chat"),
    },
    "email": {
        "en": ("email deal seeker", "email deal seeker"),
        "es": ("Cazador de ofertas por email", "Cazadora de ofertas por email"),
    },
    "sms": {
        "en": ("SMS deal seeker", "SMS deal seeker"),
        "es": ("Cazador de ofertas por SMS", "Cazadora de ofertas por SMS"),
    },
    "social": {
        "en": ("social shopper", "social shopper"),
        "es": ("Comprador social", "Compradora social"),
    },
}
_GENERIC_NOUN = {"en": ("customer", "customer"), "es": ("Cliente", "Clienta")}
_AGE_WORDS = {
    "young": {"en": "Young", "es": ("joven", "joven")},
    "senior": {"en": "Senior", "es": ("sénior", "sénior")},
}
_HIGH_VALUE = {"en": "high-value", "es": ("de alto valor", "de alto valor")}

#: Fictional first names per language and gender (picked by segment number).
FIRST_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "es": {
        "female": (
            "Lucía",
            "Carmen",
            "Marta",
            "Elena",
            "Paula",
            "Rosa",
            "Irene",
            "Nuria",
            "Sara",
            "Pilar",
        ),
        "male": (
            "Javier",
            "Antonio",
            "Pablo",
            "Manuel",
            "Diego",
            "Luis",
            "Sergio",
            "Andrés",
            "Raúl",
            "Tomás",
        ),
    },
    "en": {
        "female": (
            "Emma",
            "Grace",
            "Olivia",
            "Helen",
            "Sophie",
            "Ruth",
            "Chloe",
            "Alice",
            "Laura",
            "Mary",
        ),
        "male": (
            "James",
            "Oliver",
            "Daniel",
            "George",
            "Thomas",
            "Peter",
            "Samuel",
            "Henry",
            "Adam",
            "Paul",
        ),
    },
}


def _t(key: str, language: str, **kw: Any) -> str:
    # Always ``str.format`` (also without fields), as when the texts lived in this module.
    return i18n.t(f"personas.{key}", language).format(**kw)


def _texts(language: str) -> dict[str, str]:
    # Every personas text in ``language``, unformatted and without the prefix (for the cards).
    return {
        key.removeprefix("personas."): texts[language]
        for key, texts in i18n.MESSAGES.items()
        if key.startswith("personas.")
    }


def persona_text(key: str, language: str = "en") -> str:
    """Section texts of the personas report (``title``, ``lead``, ``compare``)."""
    return _t(key, check_language(language))


@dataclass
class Evidence:
    """What a statement rests on."""

    n: int
    index: float | None = None
    p_adjusted: float | None = None
    source: str = "customers"  # customers | survey | interviews


@dataclass
class Persona:
    """One segment as a persona (see the module docstring).

    Attributes
    ----------
    segment : int
    code : str
        ``S1``, ``S2``, ...
    name : str
        Descriptive name in ``language``.
    first_name : str
        Fictional first name.
    language : str
    customers, share, revenue_share, revenue_per_customer
        Size and value.
    signature_channel : str or None
        Canonical channel the name is built on.
    traits : list of str
        The traits the name is built from, as codes (``"channel:app"``, ``"age:young"``,
        ``"value:high"``, ``"recency:lapsed"``, ``"region:Norte"``...).
    who, behaviour, channels, attitudes : list of (str, Evidence)
        Statements with their evidence.
    goals, frustrations : list of str
        From survey constructs and interview themes.
    themes : list of str
        Labels of the segment's most over-represented interview themes.
    quotes : list of str
        Scrubbed interview sentences.
    notes : list of str
        Honesty notes (thin evidence, suppression).
    suppressed : bool
        True when the segment is below the minimum size: only ``code``, ``customers`` are set.
    """

    segment: int
    code: str
    name: str
    first_name: str
    language: str
    customers: int
    share: float
    revenue_share: float | None = None
    revenue_per_customer: float | None = None
    median_age: float | None = None
    signature_channel: str | None = None
    traits: list[str] = field(default_factory=list)
    nps: float | None = None
    who: list[tuple[str, Evidence]] = field(default_factory=list)
    behaviour: list[tuple[str, Evidence]] = field(default_factory=list)
    channels: list[tuple[str, Evidence]] = field(default_factory=list)
    attitudes: list[tuple[str, Evidence]] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    frustrations: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    suppressed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (statements as ``{"text", "n", "index", "p_adjusted", "source"}``)."""
        out = asdict(self)
        for key in ("who", "behaviour", "channels", "attitudes"):
            out[key] = [
                {"text": text, **{k: _json(v) for k, v in asdict(ev).items()}}
                for text, ev in getattr(self, key)
            ]
        return {k: _json(v) for k, v in out.items()}

    def _repr_html_(self) -> str:
        return persona_cards_html([self])


def _json(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return None if not np.isfinite(v) else round(float(v), 6)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, dict):
        return {k: _json(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_json(x) for x in v]
    return v


# ---------------------------------------------------------------------- building


def _female_share(gender: pd.Series) -> float:
    g = gender.dropna().astype(str)
    return float((g == "female").mean()) if len(g) else float("nan")


#: Numeric traits a persona name may use: feature -> trait name (words in i18n
#: ``personas.trait.<name>_high`` / ``_low``). Order breaks ties of equal effect size.
_NAME_TRAITS: dict[str, str] = {
    "monetary": "value",
    "recency_days": "recency",
    "frequency": "frequency",
    "tenure_days": "tenure",
    "age": "age",
}
_RECENCY_WORDS = {"high": "lapsed", "low": "active"}
#: Smallest effect size (Cohen's d or h, segment vs everyone else) a name trait needs.
MIN_TRAIT_EFFECT = 0.5


def _cohen_d(seg: pd.Series, rest: pd.Series) -> float:
    seg, rest = seg.dropna(), rest.dropna()
    if len(seg) < 2 or len(rest) < 2:
        return 0.0
    pooled = float(np.sqrt((seg.var() + rest.var()) / 2))
    return float((seg.mean() - rest.mean()) / pooled) if pooled > 0 else 0.0


def _trait_candidates(
    features: pd.DataFrame,
    mask: np.ndarray,
    attitudes: list[tuple[float, str]] | None = None,
    attributes: Sequence[str] = (),
) -> list[tuple[float, str, str, dict]]:
    """The segment's distinctive traits, most distinctive first.

    Each is ``(effect, code, word key, format fields)``: numeric features of
    :data:`_NAME_TRAITS` by Cohen's d, the region by Cohen's h of its most frequent level in the
    segment (a majority of the segment), survey constructs by their standardised difference,
    and the ``attributes`` of a plain customer table (:func:`_attribute_traits`); only effects
    of at least :data:`MIN_TRAIT_EFFECT` in size.
    """
    out = []
    for col, trait in _NAME_TRAITS.items():
        if col not in features:
            continue
        x = pd.to_numeric(features[col], errors="coerce").astype("float64")
        d = _cohen_d(x[mask], x[~mask])
        if abs(d) < MIN_TRAIT_EFFECT:
            continue
        side = "high" if d > 0 else "low"
        word = _RECENCY_WORDS[side] if trait == "recency" else side
        out.append((abs(d), f"{trait}:{word}", f"{trait}_{word}", {}))
    if "region" in features:
        values = features["region"].astype("string")
        seg = values[mask].dropna()
        rest = values[~mask].dropna()
        if len(seg) and len(rest):
            top = str(seg.value_counts().index[0])
            p1, p0 = float((seg == top).mean()), float((rest == top).mean())
            h = 2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p0))
            if p1 >= 0.5 and h >= MIN_TRAIT_EFFECT:
                out.append((float(h), f"region:{top}", "region", {"v": top}))
    for d, label in attitudes or []:
        if abs(d) >= MIN_TRAIT_EFFECT:
            side = "high" if d > 0 else "low"
            out.append((abs(d), f"attitude:{label}:{side}", f"attitude_{side}", {"c": label}))
    out += _attribute_traits(features, mask, attributes or ())
    out.sort(key=lambda c: -c[0])  # stable: ties keep the order above
    return out


def _cohen_h(p1: float, p0: float) -> float:
    return float(2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p0)))


def _attribute_traits(
    features: pd.DataFrame, mask: np.ndarray, attributes: Sequence[str]
) -> list[tuple[float, str, str, dict]]:
    """Name traits from a plain customer table's own attributes (the segments' basis columns).

    Numbers by Cohen's d (``with high tenure``); 0/1 and true/false columns by Cohen's h of the
    share of 1 (``with partner`` / ``without partner``); categories by Cohen's h of the
    segment's most frequent level, when a majority of the segment has it (``with contract
    Month-to-month``). Only effects of at least :data:`MIN_TRAIT_EFFECT`.
    """
    out = []
    for col in attributes:
        if col not in features or col in _NAME_TRAITS or col == "region":
            continue
        values = features[col]
        label = str(col).replace("_", " ")
        if pd.api.types.is_bool_dtype(values.dtype) or (
            pd.api.types.is_numeric_dtype(values.dtype) and set(values.dropna().unique()) <= {0, 1}
        ):
            x = values.astype("float64")
            seg, rest = x[mask].dropna(), x[~mask].dropna()
            if not len(seg) or not len(rest):
                continue
            h = _cohen_h(float(seg.mean()), float(rest.mean()))
            if abs(h) >= MIN_TRAIT_EFFECT:
                side = "yes" if h > 0 else "no"
                out.append((abs(h), f"attribute:{col}:{side}", f"attr_{side}", {"c": label}))
        elif pd.api.types.is_numeric_dtype(values.dtype):
            x = values.astype("float64")
            d = _cohen_d(x[mask], x[~mask])
            if abs(d) >= MIN_TRAIT_EFFECT:
                side = "high" if d > 0 else "low"
                out.append((abs(d), f"attribute:{col}:{side}", f"attr_{side}", {"c": label}))
        else:
            text = values.astype("string")
            seg, rest = text[mask].dropna(), text[~mask].dropna()
            if not len(seg) or not len(rest):
                continue
            top = str(seg.value_counts().index[0])
            p1, p0 = float((seg == top).mean()), float((rest == top).mean())
            h = _cohen_h(p1, p0)
            if p1 >= 0.5 and h >= MIN_TRAIT_EFFECT:
                out.append((h, f"attribute:{col}:{top}", "attr_level", {"c": label, "v": top}))
    return out


def _trait_word(key: str, fields: dict, female: bool, language: str) -> str:
    text = i18n.t(f"personas.trait.{key}{'.f' if female else ''}", language)
    return text.format(**fields)


def _full_name(
    channel: str | None,
    age_word: str | None,
    high_value: bool,
    extras: list[tuple[str, dict]],
    female: bool,
    language: str,
) -> str:
    """The persona name: channel noun, age word and value tier, plus ``extras`` (word keys of
    further traits; those of :func:`after` follow the noun)."""
    nouns = CHANNEL_NOUNS.get(channel or "", _GENERIC_NOUN)[language]
    noun = nouns[1] if female else nouns[0]

    def after(key: str) -> bool:  # placed after the noun: "customer from Madrid", "with ..."
        return key == "region" or key.startswith("attr_")

    words = [_trait_word(k, f, female, language) for k, f in extras if not after(k)]
    region = [_trait_word(k, f, female, language) for k, f in extras if after(k)]
    if language == "en":
        parts = [_AGE_WORDS[age_word]["en"]] if age_word else []
        if high_value:
            parts.append(_HIGH_VALUE["en"])
        parts += [*words, noun, *region]
        text = " ".join(parts)
        return text[0].upper() + text[1:]
    parts = [noun]
    if age_word:
        parts.append(_AGE_WORDS[age_word]["es"][1 if female else 0])
    if high_value:
        parts.append(_HIGH_VALUE["es"][1 if female else 0])
    return " ".join([*parts, *words, *region])


def _signature_channel(features: pd.DataFrame, mask: np.ndarray, profile: Any) -> str | None:
    """The channel whose interaction share is most above average in the segment."""
    best, best_d = None, 0.0
    for ch in CANONICAL_CHANNELS:
        col = f"share_{ch}"
        if col not in features:
            continue
        x = features[col].astype("float64")
        seg, rest = x[mask].dropna(), x[~mask].dropna()
        if len(seg) < 2 or len(rest) < 2:
            continue
        pooled = np.sqrt((seg.var() + rest.var()) / 2)
        d = (seg.mean() - rest.mean()) / pooled if pooled > 0 else 0.0
        if d > best_d:
            best, best_d = ch, float(d)
    return best if best_d >= 0.5 else None


def build_personas(
    segmentation: Any,
    features: pd.DataFrame,
    *,
    survey: pd.DataFrame | None = None,
    codebook: dict | None = None,
    respondent_segments: pd.Series | None = None,
    themes: Any = None,
    interview_segments: pd.Series | None = None,
    language: str = "en",
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
    language : {"en", "es"}
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
    """
    language = check_language(language)
    if min_customers < 1 or min_respondents < 1:
        raise ParameterError("min_customers and min_respondents must be >= 1.")
    labels = segmentation.labels.reindex(features.index)
    if labels.isna().any():
        raise ParameterError(
            "The segmentation does not cover every row of the feature table: pass the table the "
            "segmentation was built from."
        )
    lab = labels.to_numpy(dtype=int)
    sizes = segmentation.sizes.set_index("segment")
    conf = segmentation.confidence
    survey_part = _survey_evidence(
        survey, codebook, labels, respondent_segments, language, survey_weights
    )
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
                    name=code,
                    first_name="",
                    language=language,
                    customers=n,
                    share=share,
                    suppressed=True,
                    notes=[_t("suppressed", language, m=min_customers)],
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
                _attitude_effects(survey_part, seg, min_respondents, language),
                attributes,
            )
            if c[1].split(":")[0] not in covered
        ]
        extras = 0 if channel else min(1, len(candidates))  # a generic noun takes a trait
        naming[seg] = (channel, age_word, high_value, female, candidates, extras)
        traits = [f"channel:{channel}"] if channel else []
        traits += [f"age:{age_word}"] if age_word else []
        traits += ["value:high"] if high_value else []
        name = _full_name(
            channel,
            age_word,
            high_value,
            [(k, f) for _, _, k, f in candidates[:extras]],
            female,
            language,
        )
        traits += [c for _, c, _, _ in candidates[:extras]]
        names = FIRST_NAMES[language]["female" if female else "male"]
        first = names[seg % len(names)]
        p = Persona(
            segment=seg,
            code=code,
            name=name,
            first_name=first,
            language=language,
            customers=n,
            share=share,
            revenue_share=_float(sizes.loc[seg, "revenue_share"]),
            revenue_per_customer=_float(rpc),
            median_age=_float(median_age),
            signature_channel=channel,
            traits=traits,
        )
        _who(p, features, mask, ages, female_share, language)
        _behaviour(p, features, mask, overall_rpc, language, n_data_channels)
        if n_data_channels != 1:  # one channel in the data: nothing to say about channels
            _channels(p, features, mask, language)
        border = float(conf["borderline"].to_numpy()[mask].mean())
        if border >= 0.15:
            p.notes.append(_t("borderline", language, share=format_percent(border, language)))
        _attitudes(p, survey_part, seg, min_respondents, language)
        _themes(p, theme_part, seg, language)
        personas.append(p)
    _unique_names(personas, naming, language, features, lab)
    return personas


def _n_data_channels(features: pd.DataFrame) -> int | None:
    """How many channels have interactions in the table (None without interactions_ columns)."""
    cols = [f"interactions_{c}" for c in CANONICAL_CHANNELS if f"interactions_{c}" in features]
    if not cols:
        return None
    sums = features[cols].apply(pd.to_numeric, errors="coerce").fillna(0).sum()
    return int((sums > 0).sum())


def _unique_names(
    personas: list[Persona],
    naming: dict[int, tuple],
    language: str,
    features: pd.DataFrame | None = None,
    lab: np.ndarray | None = None,
) -> None:
    """Give segments that share a name their next most distinctive trait, until names differ;
    segments still alike against everyone get the trait that sets each apart from the others
    sharing its name (the segment code only when nothing does)."""
    by_seg = {p.segment: p for p in personas if not p.suppressed}
    for _ in range(12):
        groups: dict[str, list[int]] = {}
        for seg, p in by_seg.items():
            groups.setdefault(p.name, []).append(seg)
        clashes = [segs for segs in groups.values() if len(segs) > 1]
        if not clashes:
            return
        progressed = False
        for segs in clashes:
            for seg in segs:
                channel, age_word, high_value, female, candidates, extras = naming[seg]
                if extras >= len(candidates):
                    continue
                extras += 1
                progressed = True
                naming[seg] = (channel, age_word, high_value, female, candidates, extras)
                p = by_seg[seg]
                p.name = _full_name(
                    channel,
                    age_word,
                    high_value,
                    [(k, f) for _, _, k, f in candidates[:extras]],
                    female,
                    language,
                )
                p.traits.append(candidates[extras - 1][1])
        if not progressed:
            break
    groups = {}
    for seg, p in by_seg.items():
        groups.setdefault(p.name, []).append(seg)
    if features is not None and lab is not None:
        for segs in [s for s in groups.values() if len(s) > 1]:
            # out of traits against everyone: each against the others that share its name
            among = np.isin(lab, segs)
            part = features.loc[among]
            for seg in segs:
                channel, age_word, high_value, female, candidates, extras = naming[seg]
                taken = {c[1].split(":")[0] for c in candidates[:extras]} | {"channel", "age"}
                own = []
                for c in _trait_candidates(part, lab[among] == seg):
                    kind = c[1].split(":")[0]
                    if kind == "value" and high_value:
                        if c[1] == "value:high":  # the higher of high-value segments: top
                            own.append((c[0], "value:top", "value_top", {}))
                        continue
                    if kind not in taken:
                        own.append(c)
                if not own:
                    continue
                chosen = [*candidates[:extras], own[0]]
                if own[0][1] == "value:top":  # "top-value" replaces "high-value", in front
                    high_value = False
                    chosen = [own[0], *candidates[:extras]]
                naming[seg] = (channel, age_word, high_value, female, chosen, len(chosen))
                p = by_seg[seg]
                p.name = _full_name(
                    channel, age_word, high_value, [(k, f) for _, _, k, f in chosen], female,
                    language,
                )  # fmt: skip
                p.traits.append(f"{own[0][1]}:among")
        groups = {}
        for seg, p in by_seg.items():
            groups.setdefault(p.name, []).append(seg)
    for segs in groups.values():
        if len(segs) > 1:  # out of traits: the segment code tells them apart
            for seg in segs:
                by_seg[seg].name = f"{by_seg[seg].name} · {by_seg[seg].code}"


def _float(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


def _who(p: Persona, features, mask, ages, female_share, language) -> None:
    n = int(mask.sum())
    if ages is not None and np.isfinite(p.median_age or np.nan):
        overall = float(ages.median())
        p.who.append(
            (
                _t(
                    "median_age",
                    language,
                    v=format_number(p.median_age, language),
                    a=format_number(overall, language),
                ),
                Evidence(n=int(ages[mask].notna().sum()), index=_index(p.median_age, overall)),
            )
        )
    if np.isfinite(female_share):
        overall_f = _female_share(features["gender"])
        p.who.append(
            (
                _t("gender", language, share=format_percent(female_share, language, 0)),
                Evidence(n=n, index=_index(female_share, overall_f)),
            )
        )
    for col in ("income_band", "region"):
        if col in features:
            values = features.loc[mask, col].dropna().astype(str)
            if len(values):
                top = values.value_counts().index[0]
                s = float((values == top).mean())
                overall_s = float((features[col].dropna().astype(str) == top).mean())
                from omniseg.features.labels import feature_label

                p.who.append(
                    (
                        f"{feature_label(col, language)}: "
                        + _t("top_level", language, v=top, share=format_percent(s, language, 0)),
                        Evidence(n=len(values), index=_index(s, overall_s)),
                    )
                )


def _index(value: float, overall: float) -> float | None:
    if not (np.isfinite(value) and np.isfinite(overall)) or overall <= 0:
        return None
    return round(100 * value / overall, 1)


def _behaviour(p: Persona, features, mask, overall_rpc, language, n_channels=None) -> None:
    n = int(mask.sum())
    part = features.loc[mask]
    if {"frequency", "aov", "monetary"} <= set(features.columns):
        f = float(part["frequency"].astype("float64").mean())
        aov = float(part["aov"].astype("float64").median())
        m = float(part["monetary"].astype("float64").fillna(0).mean())
        p.behaviour.append(
            (
                _t(
                    "rfm",
                    language,
                    f=format_number(f, language, 1),
                    aov=format_money(aov, language),
                    m=format_money(m, language),
                    ma=format_money(overall_rpc, language),
                ),
                Evidence(n=n, index=_index(m, overall_rpc)),
            )
        )
    if "recency_days" in features:
        d = part["recency_days"].astype("float64").median()
        if np.isfinite(d):
            p.behaviour.append(
                (
                    _t("recency", language, d=format_number(d, language)),
                    Evidence(n=int(part["recency_days"].notna().sum())),
                )
            )
    if {"first_channel", "last_channel"} <= set(features.columns) and n_channels != 1:
        first = part["first_channel"].dropna().astype(str)
        last = part["last_channel"].dropna().astype(str)
        if len(first) and len(last):
            omni = (
                float(part["omnichannel"].astype("float64").mean())
                if "omnichannel" in part
                else float("nan")
            )
            p.behaviour.append(
                (
                    _t(
                        "journey",
                        language,
                        first=channel_label(first.value_counts().index[0], language),
                        last=channel_label(last.value_counts().index[0], language),
                        omni=format_percent(omni, language, 0),
                    ),
                    Evidence(n=len(first)),
                )
            )


#: A channel used by fewer than this share of a segment's customers gets no card line.
MIN_CHANNEL_REACH = 0.01


def _channels(p: Persona, features, mask, language) -> None:
    rows = []
    for ch in CANONICAL_CHANNELS:
        col = f"share_{ch}"
        if col in features:
            x = features[col].astype("float64")
            seg, overall = float(x[mask].mean()), float(x.mean())
            inter = f"interactions_{ch}"
            used = features.get(inter, x)
            reach = float((pd.to_numeric(used[mask], errors="coerce").fillna(0) > 0).mean())
            if not np.isfinite(seg) or seg <= 0 or reach < MIN_CHANNEL_REACH:
                continue  # a channel the segment does not use: no line
            rows.append((seg, ch, overall, int(x[mask].notna().sum())))
    rows.sort(key=lambda r: -r[0])
    for seg, ch, overall, n in rows[:3]:
        idx = _index(seg, overall)
        p.channels.append(
            (
                _t(
                    "channel_line",
                    language,
                    ch=channel_label(ch, language),
                    share=format_percent(seg, language, 0),
                    idx=format_number(idx, language) if idx is not None else "–",
                ),
                Evidence(n=n, index=idx),
            )
        )


# ---------------------------------------------------------------------- survey and interviews


def _survey_evidence(
    survey, codebook, labels, respondent_segments, language, weights=None
) -> dict | None:
    if survey is None or codebook is None:
        return None
    if weights is not None:
        if not isinstance(weights, pd.Series) or not weights.index.equals(survey.index):
            raise ParameterError(
                "The 'survey_weights' parameter of build_personas must be a Series on the "
                "survey's index (one weight per survey row), such as the weights of "
                "omniseg.voice.weight_to_customers."
            )
        weights = pd.to_numeric(weights, errors="coerce").to_numpy(dtype="float64")
        if np.any(weights[np.isfinite(weights)] < 0):
            raise ParameterError("The 'survey_weights' of build_personas must be >= 0.")
    from omniseg.voice import survey as sv

    scores = sv.score_constructs(survey, codebook)
    if respondent_segments is not None:
        seg = scores["respondent_id"].map(respondent_segments)
    elif "customer_id" in scores:
        seg = scores["customer_id"].map(labels)
    else:
        return None
    rel = sv.reliability(survey, codebook)
    constructs = list(sv.constructs(codebook))
    nps_item = next(
        (name for name, item in codebook["items"].items() if item.get("type") == "nps"), None
    )
    scale_hi = {}
    for c, items in sv.constructs(codebook).items():
        scale_hi[c] = codebook["items"][items[0]].get("scale", [1, 5])[1]
    extra = {"_segment": seg.to_numpy()}
    if weights is not None:  # scores are one row per survey row, in survey order
        extra["_w"] = weights
    return {
        "scores": scores.assign(**extra),
        "reliability": rel,
        "constructs": constructs,
        "nps_item": nps_item,
        "survey": survey.assign(**extra),
        "codebook": codebook,
        "scale_hi": scale_hi,
    }


def _attitude_effects(part: dict | None, seg: int, min_respondents: int, language: str):
    """(standardised difference, construct label) of the segment's respondents vs everyone."""
    if part is None:
        return []
    scores = part["scores"]
    mine = scores[scores["_segment"] == seg]
    if len(mine) < min_respondents:
        return []
    out = []
    for c in part["constructs"]:
        if c not in scores or int(mine[c].notna().sum()) < min_respondents:
            continue
        if "_w" in scores:
            v, _ = _weighted_stats(mine[c], mine["_w"])
            a, sd = _weighted_stats(scores[c], scores["_w"])
        else:
            v, a, sd = float(mine[c].mean()), float(scores[c].mean()), float(scores[c].std())
        if np.isfinite(v) and np.isfinite(sd) and sd > 0:
            label = _construct_label(c, part["codebook"], language)
            out.append(((v - a) / sd, label[:1].lower() + label[1:]))
    return out


def _construct_label(name: str, codebook: dict, language: str) -> str:
    labels = (codebook.get("constructs") or {}).get(name) or {}
    if isinstance(labels, dict):
        got = labels.get(f"label_{language}") or labels.get("label")
        if got:
            return str(got)
    return name.replace("_", " ").capitalize()


def _attitudes(p: Persona, part: dict | None, seg: int, min_respondents: int, language) -> None:
    if part is None:
        return
    scores = part["scores"]
    mine = scores[scores["_segment"] == seg]
    n = len(mine)
    if n < min_respondents:
        p.notes.append(_t("few_respondents", language, n=n, m=min_respondents))
        return
    rel = part["reliability"]
    weighted = "_w" in scores
    diffs = []
    for c in part["constructs"]:
        if c not in scores:
            continue
        if weighted:  # the respondents as the customers they stand for
            v, _ = _weighted_stats(mine[c], mine["_w"])
            a, sd = _weighted_stats(scores[c], scores["_w"])
        else:
            v = float(mine[c].mean())
            a = float(scores[c].mean())
            sd = float(scores[c].std())
        nn = int(mine[c].notna().sum())
        if nn < min_respondents or not np.isfinite(v):
            continue
        diffs.append(((v - a) / sd if sd > 0 else 0.0, c, v, a, nn))
    diffs.sort(key=lambda d: -abs(d[0]))
    for d, c, v, a, _nn in diffs:
        if d >= 0.5:  # a construct well above everyone's: what this persona seeks
            p.goals.append(
                _t(
                    "goal_line",
                    language,
                    c=_construct_label(c, part["codebook"], language),
                    v=format_number(v, language, 1),
                    a=format_number(a, language, 1),
                )
            )
    for _d, c, v, a, nn in diffs[:3]:
        label = _construct_label(c, part["codebook"], language)
        p.attitudes.append(
            (
                _t(
                    "construct_line",
                    language,
                    c=label,
                    v=format_number(v, language, 1),
                    hi=part["scale_hi"].get(c, 5),
                    a=format_number(a, language, 1),
                    n=nn,
                ),
                Evidence(n=nn, index=_index(v, a), source="survey"),
            )
        )
        ok = "reliable" not in rel.columns or bool(
            rel.set_index("construct").get("reliable", pd.Series(dtype=bool)).get(c, True)
        )
        if not ok:
            alpha = rel.set_index("construct")["alpha"].get(c, np.nan)
            p.notes.append(_t("unreliable", language, c=label, a=format_number(alpha, language, 2)))
    item = part["nps_item"]
    if item is not None:
        from omniseg.voice import survey as sv

        allx = part["survey"]
        w = "_w" if "_w" in allx else None
        if w is not None:  # respondents without a weight are left out of weighted figures
            allx = allx[allx[w].notna()]
        sub = allx[allx["_segment"] == seg].drop(columns="_segment")
        if sub[item].notna().sum() >= min_respondents:
            mine_nps = sv.nps(sub, part["codebook"], weights=w)
            all_nps = sv.nps(allx.drop(columns="_segment"), part["codebook"], weights=w)
            p.nps = _float(mine_nps["nps"])
            p.attitudes.append(
                (
                    _t(
                        "nps_line",
                        language,
                        v=format_number(mine_nps["nps"], language),
                        a=format_number(all_nps["nps"], language),
                        n=int(mine_nps["n"]),
                    ),
                    Evidence(n=int(mine_nps["n"]), source="survey"),
                )
            )


def _weighted_stats(values: pd.Series, weights: pd.Series) -> tuple[float, float]:
    """Weighted mean and standard deviation of the answered values with a weight."""
    x = values.to_numpy(dtype="float64", na_value=np.nan)
    w = weights.to_numpy(dtype="float64", na_value=np.nan)
    ok = np.isfinite(x) & np.isfinite(w) & (w > 0)
    if not ok.any():
        return float("nan"), float("nan")
    x, w = x[ok], w[ok]
    mean = float(np.average(x, weights=w))
    return mean, float(np.sqrt(np.average((x - mean) ** 2, weights=w)))


def _theme_evidence(themes: Any, interview_segments: pd.Series | None) -> dict | None:
    if themes is None or interview_segments is None:
        return None
    return {"themes": themes, "segments": interview_segments}


def _themes(p: Persona, part: dict | None, seg: int, language: str) -> None:
    if part is None:
        return
    segs = part["segments"]
    if not (segs == seg).any():
        p.notes.append(_t("no_interviews", language))
        return
    themes = part["themes"]
    table = themes.by_segment(segs)
    mine = table[table["segment"] == seg] if "segment" in table else table.loc[[seg]]
    mine = mine.sort_values("lift", ascending=False) if "lift" in mine else mine
    labels = themes.themes.set_index("theme")["label"]
    top = [t for t in mine["theme"].tolist() if mine.set_index("theme").loc[t, "lift"] > 1][:3]
    p.themes = [str(labels[t]) for t in top]
    quotes: list[str] = []
    for t in top:
        for q in themes.quotes(t, n=2, segment_labels=segs, segment=seg):
            if q not in quotes:
                quotes.append(q)
            if len(quotes) >= 3:
                break
        if len(quotes) >= 3:
            break
    p.quotes = quotes
    # frustrations: sentences of the segment's themes that carry a complaint cue
    seen = set(quotes)
    for t in top:
        for q in themes.quotes(t, n=8, segment_labels=segs, segment=seg):
            if q not in seen and _NEGATIVE.search(fold_label(q) or ""):
                p.frustrations.append(q)
                seen.add(q)
            if len(p.frustrations) >= 2:
                return


#: Complaint cues (accent-folded, Spanish and English) that mark an interview sentence as a
#: frustration. A heuristic, not sentiment analysis: it is shown as quotes, never as a score.
#: Negations ("no", "never") are not cues: "they have never let me down" is praise.
_NEGATIVE = re.compile(
    r"\b(worse|worst|peor|enfad\w*|quicio|molest\w*|annoy\w*|hate|odio|lent[oa]s?|slow\w*|"
    r"problem\w*|colg\w*|crash\w*|froze|agotad\w*|sold out|complicad\w*|difficult|"
    r"frustr\w*|queja\w*|complain\w*|musiquita|me voy a otra|go to another)\b"
)


# ---------------------------------------------------------------------- output


#: The persona cards template (jinja2, rendered with autoescape).
_CARD_TEMPLATE = TEMPLATES_DIR / "persona_cards.html.j2"


def persona_cards_html(personas: Sequence[Persona]) -> str:
    """Persona cards as one HTML fragment (jinja2 with autoescape: every text is escaped)."""
    from omniseg.segments.segmentation import SEGMENT_COLORS

    if not personas:
        return ""
    language = personas[0].language
    env = Environment(autoescape=True)
    template = env.from_string(_CARD_TEMPLATE.read_text(encoding="utf-8"))
    return template.render(
        personas=personas,
        colors=SEGMENT_COLORS,
        text=_texts(language),
        fmt_pct=lambda v: "–" if v is None else format_percent(v, language),
        fmt_num=lambda v: format_number(v, language),
    )


def personas_table(personas: Sequence[Persona]) -> pd.DataFrame:
    """A comparison table of all personas (suppressed ones show their size only)."""
    if not personas:
        return pd.DataFrame()
    lang = personas[0].language
    rows = []
    for p in personas:
        rows.append(
            {
                _t("segment_col", lang): p.code,
                _t("name_col", lang): "" if p.suppressed else f"{p.first_name} · {p.name}",
                _t("customers", lang).capitalize(): format_number(p.customers, lang),
                _t("of_customers", lang): format_percent(p.share, lang),
                _t("of_revenue", lang): "–"
                if p.revenue_share is None
                else format_percent(p.revenue_share, lang),
                _t("rpc_col", lang): "–"
                if p.revenue_per_customer is None
                else format_money(p.revenue_per_customer, lang),
                _t("age_col", lang): "–"
                if p.median_age is None
                else format_number(p.median_age, lang),
                _t("main_channel_col", lang): "–"
                if p.signature_channel is None
                else channel_label(p.signature_channel, lang),
                _t("nps_col", lang): "–" if p.nps is None else format_number(p.nps, lang),
                _t("theme_col", lang): p.themes[0] if p.themes else "–",
            }
        )
    table = pd.DataFrame(rows)
    # a column no persona has a figure for (no revenue, no age, one channel, no survey) says
    # nothing: left out, the data limits say why
    empty = [c for c in table.columns[2:] if (table[c] == "–").all()]
    return table.drop(columns=empty)


def write_personas_json(personas: Sequence[Persona], path: str | Path) -> Path:
    """Write ``personas.json`` atomically."""
    return atomic_write_text(
        path,
        json.dumps([p.to_dict() for p in personas], ensure_ascii=False, indent=2) + "\n",
    )


def report_personas(
    data: Any,
    features: pd.DataFrame,
    segmentation: Any,
    *,
    language: str = "en",
    seed: int = 0,
    output_dir: str | Path | None = None,
) -> tuple[list[Persona], Any]:
    """The personas step of a report run: link survey and interviews, build, write JSON.

    Survey respondents are placed in segments through their ``customer_id`` and, for those
    not linked to a customer, with the segmentation's typing tool; interviews likewise (see
    :func:`omniseg.voice.link_respondents` and :func:`omniseg.voice.link_interviews`).
    Survey figures are weighted to the customer base
    (:func:`omniseg.voice.report_survey_weights`).
    With ``output_dir``, ``personas.json`` is written there.

    Parameters
    ----------
    data : omniseg.ingest.CustomerData
    features : DataFrame
    segmentation : omniseg.segments.Segmentation
    language : {"en", "es"}
    seed : int
    output_dir : path, optional

    Returns
    -------
    personas : list of Persona
    themes : omniseg.voice.InterviewThemes or None
        The interview themes the personas quote (None without interviews).
    """
    survey = getattr(data, "survey", None)
    codebook = getattr(data, "codebook", None)
    if segmentation.typing_tool is None:  # places respondents and interviewees without an id
        from omniseg.segments.segmentation import fit_typing_tool

        segmentation.typing_tool = fit_typing_tool(
            features,
            segmentation.labels.to_numpy(),
            segmentation.names,
            basis=getattr(getattr(segmentation, "segmenter", None), "basis_", None),
            seed=seed,
        )
    respondent_segments, survey_links = None, None
    if survey is not None and codebook is not None:
        from omniseg.voice import survey as sv

        survey_links = sv.link_respondents(
            survey, segmentation.labels, typing_tool=segmentation.typing_tool
        )
        respondent_segments = survey_links.set_index("respondent_id")["segment"].dropna()
    themes, interview_segments = None, None
    interviews = getattr(data, "interviews", None)
    if interviews is not None and len(interviews):
        try:
            from omniseg.voice import interviews as iv
        except ImportError:  # pragma: no cover - module not installed
            iv = None
        if iv is not None and hasattr(iv, "extract_themes") and hasattr(iv, "link_interviews"):
            # where interviewees live is not what they talk about: places are not theme words
            places = [
                str(v)
                for col in ("city", "region")
                if col in getattr(data, "customers", pd.DataFrame()).columns
                for v in data.customers[col].dropna().unique()
            ]
            themes = iv.extract_themes(interviews, random_state=seed, exclude_terms=places)
            links = iv.link_interviews(
                interviews,
                segmentation.labels,
                respondent_segments=respondent_segments,
                typing_tool=segmentation.typing_tool,
            )
            interview_segments = links.set_index("interview_id")["segment"].dropna()
    from omniseg.voice.survey_weights import report_survey_weights

    weighting = report_survey_weights(data, features, segmentation, links=survey_links)
    personas = build_personas(
        segmentation,
        features,
        survey=survey,
        codebook=codebook,
        respondent_segments=respondent_segments,
        themes=themes,
        interview_segments=interview_segments,
        language=language,
        survey_weights=None if weighting is None else weighting.weights,
    )
    if output_dir:
        write_personas_json(personas, Path(output_dir) / "personas.json")
    return personas, themes
