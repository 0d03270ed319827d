"""The persona objects: :class:`Persona` (one segment as a persona), :class:`Evidence`, and the
language-free pieces of its card: :class:`Statement`, :class:`Figure` and :class:`Label`.

A persona is computed once and worded at display time: its statements are catalog keys with
their parameters (numbers, shares, amounts, channel, feature and construct codes), its name the
facts it is built from (:class:`~omniseg.voice.persona_names.PersonaName`), so one persona shows
in English or Spanish (:meth:`Persona.to_html`, :meth:`Persona.name_text`) without recomputing.

Also the section texts of the personas report (:func:`persona_text`); they live in
:data:`omniseg.report.i18n.MESSAGES` under the ``personas.`` prefix. Personas are built by
:func:`omniseg.voice.personas.build_personas`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from omniseg.report import i18n
from omniseg.report.i18n import (
    channel_label,
    check_language,
    format_money,
    format_number,
    format_percent,
)
from omniseg.voice.persona_names import PersonaName

__all__ = ["Evidence", "Figure", "Label", "Persona", "Statement", "persona_text"]


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


_FIGURE_KINDS = ("number", "percent", "money")


@dataclass(frozen=True)
class Figure:
    """A number of a statement, worded at display time.

    Attributes
    ----------
    value : float or None
        Missing values are shown as ``'–'``.
    kind : {"number", "percent", "money"}
        ``percent`` is a share (``0.62``); ``money`` an amount in the run's currency.
    digits : int or None
        Decimal places; None: the formatter's default (1 for a percent, 0 otherwise).
    """

    value: float | None
    kind: str = "number"
    digits: int | None = None

    def text(self, language: str = "en") -> str:
        """The figure in ``language`` (separators, percent sign, currency)."""
        language = check_language(language)
        digits = {} if self.digits is None else {"digits": self.digits}
        if self.kind == "percent":
            return format_percent(self.value, language, **digits)
        if self.kind == "money":
            return format_money(self.value, language, **digits)
        return format_number(self.value, language, **digits)


@dataclass(frozen=True)
class Label:
    """A code of a statement or name, worded at display time.

    Attributes
    ----------
    kind : {"channel", "feature", "construct", "theme"}
    code : str
        Canonical channel, feature column, survey construct or interview theme id.
    labels : dict, optional
        A construct's labels from the survey codebook, or a theme's labels
        (``label_en``, ``label_es``, ``label``); without one, the code in words.
    lower : bool
        The first letter in lower case (a construct inside a persona name).
    """

    kind: str
    code: str
    labels: dict[str, str] | None = field(default=None, hash=False)
    lower: bool = False

    def text(self, language: str = "en") -> str:
        """The label in ``language``."""
        language = check_language(language)
        if self.kind == "channel":
            text = channel_label(self.code, language)
        elif self.kind == "feature":
            from omniseg.features.labels import feature_label

            text = feature_label(self.code, language)
        else:
            labels = self.labels or {}
            text = str(
                labels.get(f"label_{language}")
                or labels.get("label")
                or self.code.replace("_", " ").capitalize()
            )
        return text[:1].lower() + text[1:] if self.lower else text


def _word(value: Any, language: str) -> Any:
    return value.text(language) if isinstance(value, Figure | Label) else value


@dataclass
class Statement:
    """One statement of a persona card: a catalog key, its parameters and its evidence.

    Attributes
    ----------
    key : str
        Message key under ``personas.`` in :data:`omniseg.report.i18n.MESSAGES`
        (``median_age``, ``rfm``, ``channel_line``...).
    fields : dict
        The key's parameters: :class:`Figure` and :class:`Label` values are worded in the
        language asked for, others (counts, a region, a scale's top) shown as they are.
    evidence : Evidence or None
        What the statement rests on (None for goals and notes).
    prefix : Label or None
        Shown before the statement (``Region: Norte (62 %)``).
    """

    key: str
    fields: dict[str, Any] = field(default_factory=dict)
    evidence: Evidence | None = None
    prefix: Label | None = None

    def text(self, language: str = "en") -> str:
        """The statement in ``language``."""
        language = check_language(language)
        words = {name: _word(value, language) for name, value in self.fields.items()}
        text = _t(self.key, language, **words)
        return f"{self.prefix.text(language)}: {text}" if self.prefix is not None else text


@dataclass
class Persona:
    """One segment as a persona (see the module docstring); words come at display time.

    Attributes
    ----------
    segment : int
    code : str
        ``S1``, ``S2``, ...
    customers, share, revenue_share, revenue_per_customer
        Size and value.
    naming : PersonaName or None
        What the name is built from (None when suppressed): :meth:`name_text` and
        :meth:`first_name_text` word it.
    signature_channel : str or None
        Canonical channel the name is built on.
    traits : list of str
        The traits the name is built from, as codes (``"channel:app"``, ``"age:young"``,
        ``"value:high"``, ``"recency:lapsed"``, ``"region:Norte"``, ``"attitude:trust:high"``...).
    who, behaviour, channels, attitudes : list of Statement
        Statements with their evidence.
    channel_mix : dict
        Channel -> the segment's mean share of interactions there, for every channel it uses
        (empty with one channel in the data); drawn on the persona's slide.
    goals : list of Statement
        From survey constructs.
    frustrations : list of str
        Interview sentences with a complaint cue.
    themes : list of Label
        The segment's most over-represented interview themes (their labels in each language).
    quotes : list of str
        Scrubbed interview sentences.
    notes : list of Statement
        Honesty notes (thin evidence, suppression).
    suppressed : bool
        True when the segment is below the minimum size: only ``code``, ``customers`` are set.
    """

    segment: int
    code: str
    customers: int
    share: float
    naming: PersonaName | None = None
    revenue_share: float | None = None
    revenue_per_customer: float | None = None
    median_age: float | None = None
    signature_channel: str | None = None
    traits: list[str] = field(default_factory=list)
    nps: float | None = None
    who: list[Statement] = field(default_factory=list)
    behaviour: list[Statement] = field(default_factory=list)
    channels: list[Statement] = field(default_factory=list)
    #: mean share of the segment's interactions per channel it uses (at least 1 % reach)
    channel_mix: dict[str, float] = field(default_factory=dict)
    attitudes: list[Statement] = field(default_factory=list)
    goals: list[Statement] = field(default_factory=list)
    frustrations: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    notes: list[Statement] = field(default_factory=list)
    suppressed: bool = False

    def name_text(self, language: str = "en") -> str:
        """The descriptive name in ``language`` (the segment code when suppressed)."""
        language = check_language(language)
        return self.code if self.naming is None else self.naming.text(language)

    def segment_label(self, language: str = "en") -> str:
        """The segment's name in every table, legend and file of a run: the descriptive name
        with the code, ``"Young app-first buyer (S1)"``; the code alone when suppressed."""
        language = check_language(language)
        if self.naming is None:
            return self.code
        name = self.name_text(language)
        return i18n.t("seg.display_name", language, name=name, code=self.code)

    def first_name_text(self, language: str = "en") -> str:
        """The fictional first name in ``language`` (``""`` when suppressed)."""
        language = check_language(language)
        return "" if self.naming is None else self.naming.first_name_text(language)

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """JSON-safe dict in ``language`` (statements as ``{"text", "n", "index",
        "p_adjusted", "source"}``)."""
        language = check_language(language)

        def statements(items: list[Statement]) -> list[dict[str, Any]]:
            return [
                {"text": s.text(language), **asdict(s.evidence or Evidence(n=0))} for s in items
            ]

        out = {
            "segment": self.segment,
            "code": self.code,
            "name": self.name_text(language),
            "first_name": self.first_name_text(language),
            "display_name": self.segment_label(language),
            "language": language,
            "customers": self.customers,
            "share": self.share,
            "revenue_share": self.revenue_share,
            "revenue_per_customer": self.revenue_per_customer,
            "median_age": self.median_age,
            "signature_channel": self.signature_channel,
            "traits": list(self.traits),
            "nps": self.nps,
            "who": statements(self.who),
            "behaviour": statements(self.behaviour),
            "channels": statements(self.channels),
            "channel_mix": {ch: round(float(v), 6) for ch, v in self.channel_mix.items()},
            "attitudes": statements(self.attitudes),
            "goals": [s.text(language) for s in self.goals],
            "frustrations": list(self.frustrations),
            "themes": [_word(x, language) for x in self.themes],
            "quotes": list(self.quotes),
            "notes": [s.text(language) for s in self.notes],
            "suppressed": self.suppressed,
        }
        return {k: _json(v) for k, v in out.items()}

    def to_html(self, language: str = "en") -> str:
        """The persona's card in ``language`` (an HTML fragment)."""
        from omniseg.voice.persona_cards import persona_cards_html

        return persona_cards_html([self], language)

    def _repr_html_(self) -> str:
        from omniseg.report.display_options import display_language

        return self.to_html(display_language())


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
