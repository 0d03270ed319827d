"""The persona objects: :class:`Persona` (one segment as a persona) and :class:`Evidence`.

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
    check_language,
)

__all__ = ["Evidence", "Persona", "persona_text"]


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
        from omniseg.voice.persona_cards import persona_cards_html

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
