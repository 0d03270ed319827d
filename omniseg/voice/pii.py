"""Personal data out of interview text: emails, phone numbers and names become placeholders.

:func:`scrub_pii` replaces emails, phone numbers and personal names by ``[email]``, ``[phone]``
and ``[name]`` *before* anything else sees the text, so no theme label, quote, table or chart can
show them (see ``docs/interviews.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from omniseg.voice.language import ENGLISH_STOP_WORDS, SPANISH_STOP_WORDS, _check_text, _fold

__all__ = ["scrub_pii"]


_PLACEHOLDERS = ("[email]", "[phone]", "[name]")
_CAP = r"[A-ZÁÉÍÓÚÜÑÀÈÌÒÙÇ][a-záéíóúüñàèìòùç'’\-]+"
_PARTICLE = r"(?:de|del|de la|de los|y|i|van|von)"
_NAME_SEQ = rf"{_CAP}(?:\s+(?:{_PARTICLE}\s+)?{_CAP}){{0,3}}"
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# a run of digits, spaces, dots, dashes, slashes and brackets, optionally led by + or 00
_PHONE = re.compile(r"(?<![\w@+])(?:\+|\(\+?)?\d[\d\s().\-/]{6,}\d(?![\w@])")
_INTRO = re.compile(
    r"(?:(?i:\bme\s+llamo|\bmi\s+nombre\s+es|\bsoy|\bmy\s+name\s+is|\bmy\s+name's|\bi\s+am|\bi'm"
    r"|\bi’m|\bthis\s+is|\bcall\s+me|\ble\s+habla|\bles\s+habla|\bte\s+habla)\s+)"
    rf"(?P<name>{_NAME_SEQ})"
)
# after an unmistakable cue, a name may be written in lower case ("my name is john smith")
_STRONG_INTRO = re.compile(
    r"(?i:\b(?:me\s+llamo|mi\s+nombre\s+es|my\s+name\s+is|my\s+name's)\s+)"
    r"(?P<name>[^\W\d_]+(?:\s+[^\W\d_]+)?)"
)


def _name_pattern(names: Iterable[Any]) -> re.Pattern | None:
    """One regex (on folded text) for the given names: full names and their single words."""
    full: set[str] = set()
    single: set[str] = set()
    for raw in names:
        if raw is None or (not isinstance(raw, str) and pd.isna(raw)):
            continue
        folded = " ".join(_fold(str(raw)).split())
        if len(folded) < 2:
            continue
        full.add(folded)
        for part in folded.split():
            if len(part) >= 2 and part not in _PARTICLES:
                single.add(part)
    if not full:
        return None
    alts = sorted(full | single, key=lambda s: (-len(s), s))
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w])")


_PARTICLES = frozenset({"de", "del", "la", "los", "las", "y", "i", "van", "von", "da", "di"})


def scrub_pii(text: str, names: Iterable[str] | None = None) -> str:
    """Replace emails, phone numbers and personal names in ``text`` by placeholders.

    * emails -> ``[email]``;
    * phone numbers -> ``[phone]``: runs of 9 to 15 digits, possibly led by ``+`` or ``00`` and
      split by spaces, dots, dashes, slashes or brackets ("+34 621 550 370", "621-550-370",
      "0034621550370", "(+34) 621 55 03 70"). Shorter numbers (ages, prices, years) are kept;
    * personal names -> ``[name]``: every word of ``names`` (e.g. the CRM's first and last names;
      matched ignoring case and accents when a whole full name is given, and when capitalised for
      a single word, so the surname "Blanco" does not remove the colour "blanco"), and the
      capitalised words after a self-introduction: "soy Laura Hernández", "me llamo ...", "mi
      nombre es ...", "my name is ...", "I'm John Smith", "this is ...".

    A name nobody introduces and that is not in ``names`` cannot be recognised: pass the CRM
    names when quotes are shown outside the research team.

    Parameters
    ----------
    text : str
    names : iterable of str, optional
        Names to remove wherever they appear (full names or single first/last names).

    Returns
    -------
    str

    Examples
    --------
    >>> scrub_pii("Soy Laura Hernández, escribidme a laura.h@gmail.com o al +34 621 550 370.")
    'Soy [name], escribidme a [email] o al [phone].'
    >>> scrub_pii("I'm 28 and my friend Ana Ruiz told me.", names=["Ana Ruiz"])
    "I'm 28 and my friend [name] told me."
    """
    text = _check_text(text)
    if not text:
        return text
    text = _EMAIL.sub("[email]", text)
    text = _PHONE.sub(_phone_or_keep, text)
    text = _INTRO.sub(lambda m: m.group(0)[: m.start("name") - m.start()] + "[name]", text)
    text = _STRONG_INTRO.sub(_strong_name, text)
    if names is not None:
        pattern = names if isinstance(names, re.Pattern) else _name_pattern(_as_list(names))
        if pattern is not None:
            text = _replace_names(text, pattern)
    return text


def _strong_name(match: re.Match) -> str:
    words = match.group("name").split()
    stop = SPANISH_STOP_WORDS | ENGLISH_STOP_WORDS
    keep = []
    for w in words:
        if _fold(w) in stop or w == "name":
            break
        keep.append(w)
    if not keep:
        return match.group(0)
    head = match.group(0)[: match.start("name") - match.start()]
    rest = match.group("name")[len(" ".join(keep)) :]
    return head + "[name]" + rest


def _as_list(names: Any) -> list[Any]:
    if isinstance(names, str):
        return [names]
    if isinstance(names, pd.DataFrame):
        return [v for col in names.columns for v in names[col].tolist()]
    return list(names)


def _phone_or_keep(match: re.Match) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return "[phone]" if 9 <= digits <= 15 else match.group(0)


def _replace_names(text: str, pattern: re.Pattern) -> str:
    folded = _fold(text)
    pieces = []
    last = 0
    for m in pattern.finditer(folded):
        original = text[m.start() : m.end()]
        # a single word must be written capitalised to count as a name; a full name always does
        if " " not in m.group(0) and not original[:1].isupper():
            continue
        pieces.append(text[last : m.start()])
        pieces.append("[name]")
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces)
