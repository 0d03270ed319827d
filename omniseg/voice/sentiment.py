"""Polarity of interview sentences from a shipped lexicon: positive, negative or neutral.

:func:`polarity` scores a sentence from -1 (only negative words) to +1 (only positive words):
its words are lemmatised (``simplemma``, as :mod:`omniseg.voice.text_terms` does), looked up in
``omniseg/voice/data/sentiment.yaml`` (a small customer-experience lexicon for English and
Spanish, written for omniseg: works offline, no model), and a negation (*no*, *not*, *never*,
*nunca*, *sin*...) within the two words before a polar word flips it. The score is
``(positive - negative) / (positive + negative)``, 0 when the sentence holds no polar word. A
lexicon misses irony and domain words it does not list: read a theme's mean polarity as a
tendency, with the number of sentences it rests on.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

__all__ = ["polarity"]

_FILE = Path(__file__).parent / "data" / "sentiment.yaml"
_NEGATIONS = frozenset(
    {"no", "not", "never", "nunca", "sin", "ni", "tampoco", "nothing", "nada", "nor", "without"}
)
_WORD = re.compile(r"[^\W\d_]+(?:['’]t)?")


@functools.cache
def _lexicon() -> dict[tuple[str, str], int]:
    import yaml

    from omniseg.voice.text_terms import _fold

    raw = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    out: dict[tuple[str, str], int] = {}
    for lang, groups in raw.items():
        for word in groups.get("positive", []):
            out[(lang, _fold(str(word)))] = 1
        for word in groups.get("negative", []):
            out[(lang, _fold(str(word)))] = -1
    return out


@functools.lru_cache(maxsize=1 << 16)
def _value(word: str, languages: tuple[str, ...]) -> int:
    """+1, -1 or 0: the lexicon's polarity of the word's lemma, else of the word."""
    from omniseg.voice.text_terms import _fold, _lemma

    lexicon = _lexicon()
    lemma = _fold(_lemma(re.sub(r"['’]t$", "", word), languages))
    for key in (lemma, _fold(word)):
        for lang in languages:
            if (lang, key) in lexicon:
                return lexicon[(lang, key)]
    return 0


def polarity(sentence: str, language: str | None = None) -> tuple[float, int]:
    """The sentence's polarity and how many polar words it rests on.

    Parameters
    ----------
    sentence : str
    language : {"es", "en"}, optional
        The sentence's language; other or None: both lexicons.

    Returns
    -------
    score : float
        In [-1, 1]; 0 without a polar word.
    n : int
        Polar words found.

    Examples
    --------
    >>> polarity("The app is fast and easy", "en")
    (1.0, 2)
    >>> polarity("La entrega no fue rápida", "es")
    (-1.0, 1)
    """
    languages = (language,) if language in ("es", "en") else ("es", "en")
    words = [w.lower() for w in _WORD.findall(str(sentence))]
    pos = neg = 0
    for i, word in enumerate(words):
        value = _value(word, languages)
        if not value:
            continue
        before = words[max(0, i - 2) : i]
        if any(w in _NEGATIONS or w.endswith(("n't", "n’t")) for w in before):
            value = -value
        pos += value > 0
        neg += value < 0
    n = pos + neg
    return ((pos - neg) / n if n else 0.0), n
