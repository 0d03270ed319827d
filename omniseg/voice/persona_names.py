"""Persona names: the segment's distinguishing traits, the name's noun and modifiers, first names.

Naming is deterministic: the segment's *signature channel* (the channel whose share of
interactions is most above average, significant) gives the noun (:data:`CHANNEL_NOUNS`:
"app-first buyer", "store loyalist"), its median age against everyone's gives the modifier
("young" under 35, "senior" from 55), its revenue per customer an optional "high-value". Spanish
names agree with the segment's majority gender. The first name comes from a fixed list per
language and gender (:data:`FIRST_NAMES`), picked by segment number.

When no channel sets a segment apart the noun is "customer" and the name takes the segment's
most distinctive other trait (:func:`_trait_candidates`: value tier, recency, frequency, tenure,
age, region, survey attitudes; each the segment against everyone else by effect size, Cohen's d
or h of at least :data:`MIN_TRAIT_EFFECT`). Names are unique (:func:`_unique_names`): when two
segments would get the same name each adds its next most distinctive trait.

A persona holds its name as facts (:class:`PersonaName`: noun, modifiers, traits, gender, which
first name), worded at display time; names are told apart in every supported language at once,
so the same persona has the same traits in English and Spanish.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from omniseg.config.vocabulary import CANONICAL_CHANNELS
from omniseg.report import i18n
from omniseg.report.catalog import CatalogView
from omniseg.report.i18n import SUPPORTED_LANGUAGES, check_language

if TYPE_CHECKING:
    from omniseg.voice.persona_model import Persona

__all__ = ["CHANNEL_NOUNS", "FIRST_NAMES", "MIN_TRAIT_EFFECT", "PersonaName"]


#: The genders of a name's words, as catalog contexts (``msgctxt``), neutral/male first.
_GENDERS = ("male", "female")


def _word(name: str, female: bool, language: str) -> str:
    """A word of the persona name (catalog key ``persona_name.<name>``) in the gender's form."""
    return i18n.pt(_GENDERS[1 if female else 0], f"persona_name.{name}", language)


def _nouns(channel: str) -> Mapping[str, tuple[str, str]]:
    return CatalogView(
        lambda: i18n.SUPPORTED_LANGUAGES,
        lambda language: tuple(_word(f"noun.{channel}", f, language) for f in (False, True)),
    )


#: Persona nouns per signature channel, read-only: {channel: {language: (neutral/male,
#: female)}} (catalog keys ``persona_name.noun.<channel>``, contexts ``male``/``female``).
CHANNEL_NOUNS: Mapping[str, Mapping[str, tuple[str, str]]] = CatalogView(
    lambda: [
        key.removeprefix("persona_name.noun.")
        for key in i18n.catalog_keys("persona_name.noun.", context="male")
        if key != "persona_name.noun.generic"
    ],
    _nouns,
)

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
    attitudes: list[tuple[float, str, Any]] | None = None,
    attributes: Sequence[str] = (),
) -> list[tuple[float, str, str, dict]]:
    """The segment's distinctive traits, most distinctive first.

    Each is ``(effect, code, word key, format fields)``: numeric features of
    :data:`_NAME_TRAITS` by Cohen's d, the region by Cohen's h of its most frequent level in the
    segment (a majority of the segment), survey constructs by their standardised difference
    (``attitudes``: effect, construct code and its :class:`~omniseg.voice.persona_model.Label`),
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
    for d, construct, label in attitudes or []:
        if abs(d) >= MIN_TRAIT_EFFECT:
            side = "high" if d > 0 else "low"
            out.append((abs(d), f"attitude:{construct}:{side}", f"attitude_{side}", {"c": label}))
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
    words = {k: v.text(language) if hasattr(v, "text") else v for k, v in fields.items()}
    return text.format(**words)


@dataclass
class PersonaName:
    """The facts a persona's name is built from; :meth:`text` words it in a language.

    Attributes
    ----------
    channel : str or None
        Signature channel (the noun, :data:`CHANNEL_NOUNS`); None: the generic "customer".
    age : {"young", "senior"} or None
        The age word.
    high_value : bool
        The "high-value" tier.
    female : bool
        The segment's majority gender is female (Spanish nouns and adjectives agree).
    extras : list of (str, dict)
        Further traits: word key (``personas.trait.<key>``) and its fields (a region, an
        attribute, a :class:`~omniseg.voice.persona_model.Label` of a survey construct).
    first : int
        Which fictional first name (:data:`FIRST_NAMES`, picked by segment number).
    code : str or None
        Segment code appended (``... · S2``) when nothing else tells two names apart.
    """

    channel: str | None = None
    age: str | None = None
    high_value: bool = False
    female: bool = False
    extras: list[tuple[str, dict]] = field(default_factory=list)
    first: int = 0
    code: str | None = None

    def text(self, language: str = "en") -> str:
        """The descriptive name in ``language``."""
        language = check_language(language)
        name = _full_name(
            self.channel, self.age, self.high_value, self.extras, self.female, language
        )
        return name if self.code is None else f"{name} · {self.code}"

    def first_name_text(self, language: str = "en") -> str:
        """The fictional first name in ``language``."""
        names = FIRST_NAMES[check_language(language)]["female" if self.female else "male"]
        return names[self.first % len(names)]


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
    noun = _word(f"noun.{channel if channel in CHANNEL_NOUNS else 'generic'}", female, language)

    def after(key: str) -> bool:  # placed after the noun: "customer from Madrid", "with ..."
        return key == "region" or key.startswith("attr_")

    words = [_trait_word(k, f, female, language) for k, f in extras if not after(k)]
    region = [_trait_word(k, f, female, language) for k, f in extras if after(k)]
    if language == "en":
        parts = [_word(f"age.{age_word}", female, language)] if age_word else []
        if high_value:
            parts.append(_word("high_value", female, language))
        parts += [*words, noun, *region]
        text = " ".join(parts)
        return text[0].upper() + text[1:]
    parts = [noun]
    if age_word:
        parts.append(_word(f"age.{age_word}", female, language))
    if high_value:
        parts.append(_word("high_value", female, language))
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


def _clashes(by_seg: dict[int, Persona]) -> list[list[int]]:
    """Segments whose names are alike in some language (each group once, segments in order)."""
    parent = {seg: seg for seg in by_seg}

    def root(seg: int) -> int:
        while parent[seg] != seg:
            seg = parent[seg]
        return seg

    clashing: set[int] = set()
    for language in SUPPORTED_LANGUAGES:
        groups: dict[str, list[int]] = {}
        for seg, p in by_seg.items():
            groups.setdefault(p.name_text(language), []).append(seg)
        for segs in groups.values():
            if len(segs) > 1:
                clashing.update(segs)
                for seg in segs[1:]:
                    parent[root(seg)] = root(segs[0])
    out: dict[int, list[int]] = {}
    for seg in by_seg:
        if seg in clashing:
            out.setdefault(root(seg), []).append(seg)
    return list(out.values())


def _rename(p: Persona, naming: tuple) -> None:
    channel, age_word, high_value, female, candidates, extras = naming
    p.naming = PersonaName(
        channel=channel,
        age=age_word,
        high_value=high_value,
        female=female,
        extras=[(k, f) for _, _, k, f in candidates[:extras]],
        first=p.naming.first if p.naming is not None else p.segment,
    )


def _unique_names(
    personas: list[Persona],
    naming: dict[int, tuple],
    features: pd.DataFrame | None = None,
    lab: np.ndarray | None = None,
) -> None:
    """Give segments that share a name their next most distinctive trait, until names differ;
    segments still alike against everyone get the trait that sets each apart from the others
    sharing its name (the segment code only when nothing does). Names are compared in every
    supported language: a persona has the same traits in all of them."""
    by_seg = {p.segment: p for p in personas if not p.suppressed}
    for _ in range(12):
        clashes = _clashes(by_seg)
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
                _rename(by_seg[seg], naming[seg])
                by_seg[seg].traits.append(candidates[extras - 1][1])
        if not progressed:
            break
    clashes = _clashes(by_seg)
    if features is not None and lab is not None:
        for segs in clashes:
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
                _rename(by_seg[seg], naming[seg])
                by_seg[seg].traits.append(f"{own[0][1]}:among")
        clashes = _clashes(by_seg)
    for segs in clashes:  # out of traits: the segment code tells them apart
        for seg in segs:
            by_seg[seg].naming.code = by_seg[seg].code
