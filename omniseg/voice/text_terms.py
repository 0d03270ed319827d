"""The words of interview text that can carry a theme: lemmas, stop words, fillers, concepts.

:class:`TermAnalyzer` turns a (PII-scrubbed) sentence into its *terms*, the units themes are made
of, in four steps:

1. **Clean.** Placeholders of scrubbed personal data, URLs (``https://…``, ``www.…``, link
   shorteners such as ``nyti.ms/…``), social handles and hashtags, numbers and number words
   are removed; English contractions lose their clitic (*doesn't* → *does*).
2. **Lemmatise** each word with ``simplemma`` (dictionary lemmas for Spanish and English, with
   its data inside the wheel: no download), in the sentence's language (both for text of
   another or unknown language): *notificaciones* → *notificación*, *comprando* → *comprar*,
   *saves* → *save*. Unlike cutting words to five letters, different words stay different
   (*partido*, *partir*, *participación*), and a label shows the forms actually merged.
3. **Drop** stop words (the maintained ``stop-words`` lists for Spanish and English, plus
   omniseg's own), conversational fillers (:data:`FILLERS`: *digo*, *creo*, *sabe*, *you know*,
   *I mean*…) and words under three letters, in both languages (interviews mix them), before
   and after lemmatising; ``extra_stop_words`` adds the user's.
4. **Join the languages.** A lemma listed in the bilingual customer-experience lexicon
   (``omniseg/voice/data/concepts.yaml``: price, waiting, staff, delivery, stock, app,
   website, returns, trust…) becomes its concept (*precio* and *price* are both ``price``);
   :func:`cognate_map` then joins a Spanish and an English lemma that are spelled alike (a
   common prefix of at least five letters and lengths within two: *producto*/*product*,
   *problema*/*problem*), so answers about the same thing in either language share terms.

Adjacent terms of a sentence (with at most one stop word between them: *tiempo de espera*)
also form a **phrase** term (``tiempo_espera``), kept by the vectoriser when it is frequent
enough; a theme's label leads with its top phrase.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["FILLERS", "TermAnalyzer", "cognate_map", "concept_lexicon"]

#: Conversational fillers and discourse words per language: frequent in speech, about nothing.
#: Measured as theme words on real transcripts (issue 17) before they were listed.
FILLERS: dict[str, tuple[str, ...]] = {
    "es": (
        "sabe", "saber", "digo", "decir", "dicho", "espero", "hacer", "haciendo",
        "ir", "van", "vamos", "queda", "quedar", "creo", "creer", "quiero", "querer", "poder",
        "podemos", "parte", "caso", "posible", "cosa", "cosas", "bueno", "pues", "vale", "hombre",
        "mira", "oye", "vez", "veces", "día", "días", "tema", "verdad", "claro", "señor",
        "señora", "señoría",
        "señorías", "gracias", "usted", "ustedes", "hoy", "aquí", "ahí", "allí", "entonces",
        "necesitar", "necesito", "realmente", "simplemente", "evidentemente", "efectivamente",
        "obviamente", "punto",
        "forma", "manera", "momento", "tener", "tengo", "hay", "haber", "ser", "estar", "dar",
        "mismo", "misma", "tan", "tanto", "además", "cada", "solo", "sólo", "año",
        "años", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
        "diez", "cien", "ciento", "mil", "millón", "millones", "primer", "primero", "primera",
        "segundo", "segunda", "tercero", "tercera", "ejemplo", "volver", "once", "doce",
        "trece", "catorce", "quince", "dieciséis", "veinte", "treinta", "cuarenta", "cincuenta",
        "sesenta", "setenta", "ochenta", "noventa", "doscientos", "quinientos", "salir",
        "salar",  # simplemma reads "sale" (salir) as salar
    ),
    "en": (
        "know", "mean", "think", "thing", "things", "really", "actually", "basically",
        "literally", "just", "like", "well", "yeah", "okay", "ok", "right", "sort", "kind",
        "lot", "lots", "bit", "way", "get", "got", "getting", "make", "made", "say", "said",
        "tell", "told", "going", "go", "come", "want", "need", "hon", "honourable", "member",
        "members", "friend", "gentleman", "lady", "mr", "speaker", "minister", "secretary",
        "house", "people", "time", "year", "years", "today", "point", "question", "case",
        "fact", "matter", "sure", "hope", "believe", "agree", "one", "two", "three", "four",
        "five", "six", "seven", "eight", "nine", "ten", "hundred", "thousand", "million",
        "billion", "first", "second", "third", "percent", "per", "cent", "let", "look", "put",
        "take", "thank", "thanks", "day", "days",
        "yes", "no", "don", "doesn", "didn", "won", "isn", "aren", "wasn", "couldn", "wouldn",
        "shouldn", "ll", "ve", "re", "http", "https", "www", "com",
    ),
}  # fmt: skip

_CONCEPTS_FILE = Path(__file__).parent / "data" / "concepts.yaml"
_URL = re.compile(
    r"(?i)\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|es|co|uk|ms|ly|gl|io|me)(?:/\S*)?"
)
_HANDLE = re.compile(r"(?<![\w@])[@#][\w.]+")
_PLACEHOLDER = re.compile(r"\[[a-z]+\]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_CLITIC = re.compile(r"['’](?:s|t|re|ve|ll|d|m)$")


def _fold(text: str) -> str:
    """Lower case without accents (``Notificación`` → ``notificacion``).

    Not :func:`omniseg.voice.language._fold`, which keeps every character's position (PII
    scrubbing maps matches back to the text) and so normalises one character at a time: this
    one runs on every word of every sentence and needs no positions."""
    if text.isascii():
        return text.lower()
    return _fold_word(text) if len(text) < 40 else _strip_accents(text)


def _strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:  # words repeat: fold each once
    return _strip_accents(word)


@functools.cache
def _stop_words(extra: tuple[str, ...] = ()) -> frozenset[str]:
    """Folded stop words and fillers of both languages (and ``extra``)."""
    import stop_words

    from omniseg.voice.language import ENGLISH_STOP_WORDS, SPANISH_STOP_WORDS

    words = set(SPANISH_STOP_WORDS) | set(ENGLISH_STOP_WORDS)
    for lang in ("es", "en"):
        words |= {_fold(w) for w in stop_words.get_stop_words(lang)}
        words |= {_fold(w) for w in FILLERS[lang]}
    words |= {_fold(w) for w in extra}
    return frozenset(w for w in words if w and "_" not in w)


@functools.cache
def concept_lexicon() -> dict[tuple[str, str], str]:
    """(language, folded lemma) -> concept, from the shipped bilingual lexicon
    (``data/concepts.yaml``). Per language: Spanish *local* (a shop) is a store, English
    *local* is not.

    Returns
    -------
    dict
        E.g. ``{("es", "precio"): "price", ("en", "price"): "price", ...}``.
    """
    import yaml

    raw = yaml.safe_load(_CONCEPTS_FILE.read_text(encoding="utf-8"))
    out: dict[tuple[str, str], str] = {}
    for concept, words in raw["concepts"].items():
        for lang in ("en", "es"):
            for word in words.get(lang, []):
                out.setdefault((lang, _fold(str(word))), str(concept))
    return out


@functools.cache
def _lemma(word: str, languages: tuple[str, ...]) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang=languages)


@dataclass
class TermAnalyzer:
    """Sentence -> terms (see the module's description).

    Parameters
    ----------
    extra_stop_words : iterable of str
        More words never used as terms (the user's fillers, brand names...).
    concepts : bool
        Map lemmas through the bilingual lexicon.
    phrases : bool
        Add phrase terms of adjacent content words.

    Attributes
    ----------
    forms_ : Counter
        (term, language, lemma as written, accents kept) -> how often: a term's lemmas.
    words_ : Counter
        (term, word as written in the text) -> how often: the forms a term merged.
    """

    extra_stop_words: Iterable[str] = ()
    concepts: bool = True
    phrases: bool = True
    forms_: Counter = field(default_factory=Counter, repr=False)
    words_: Counter = field(default_factory=Counter, repr=False)

    def __post_init__(self) -> None:
        self._stops = _stop_words(tuple(sorted({str(w) for w in self.extra_stop_words})))
        self._lexicon = concept_lexicon() if self.concepts else {}
        self._index: dict[str, list[tuple[int, str, str]]] | None = None
        self._seen: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[str, str] | None]] = {}

    def words(self, sentence: str, language: str | None) -> list[str | None]:
        """The sentence's words as terms, ``None`` where a stop word or filler stood."""
        languages = (language,) if language in ("es", "en") else ("es", "en")
        text = _PLACEHOLDER.sub(" ", sentence)
        text = _HANDLE.sub(" ", _URL.sub(" ", text))
        out: list[str | None] = []
        self._index = None
        for match in _WORD.finditer(text):
            raw, found = self._word(match.group(0), languages)
            if found is None:
                out.append(None)
                continue
            term, written = found
            self.forms_[(term, language or "", written)] += 1
            self.words_[(term, raw)] += 1
            out.append(term)
        return out

    def _word(self, word: str, languages: tuple[str, ...]) -> tuple[str, tuple[str, str] | None]:
        """(the word lower case without clitic, (its term, its lemma as written) or None for a
        stop word), computed once per word and languages: words repeat."""
        key = (word, languages)
        hit = self._seen.get(key)
        if hit is not None:
            return hit
        raw = _CLITIC.sub("", word.lower())
        folded = _fold(raw)
        result: tuple[str, tuple[str, str] | None] = (raw, None)
        if len(folded) >= 3 and folded not in self._stops:
            written = _lemma(raw, languages)
            lemma = _fold(written)
            if len(lemma) >= 3 and lemma not in self._stops:
                term = next(
                    (
                        self._lexicon[(lang, lemma)]
                        for lang in languages
                        if (lang, lemma) in self._lexicon
                    ),
                    lemma,
                )
                result = (raw, (term, written))
        self._seen[key] = result
        return result

    def terms(self, sentence: str, language: str | None) -> list[str]:
        """The sentence's terms: its content lemmas (or concepts), then its phrases."""
        words = self.words(sentence, language)
        terms = [w for w in words if w is not None]
        if self.phrases:
            for i, w in enumerate(words):
                if w is None:
                    continue
                nxt = words[i + 1] if i + 1 < len(words) else None
                if nxt is None and i + 2 < len(words):
                    nxt = words[i + 2]  # one stop word between: "tiempo de espera"
                if nxt is not None and nxt != w:
                    terms.append(f"{w}_{nxt}")
        return terms

    def surface(self, term: str, language: str | None = None) -> str:
        """A term's lemma as written most often (in ``language``, if given and it was written
        in it; a phrase: each of its words), else the term itself."""
        if "_" in term:
            return " ".join(self.surface(part, language) for part in term.split("_"))
        if self._index is None:  # term -> its (count, language, lemma as written)
            self._index = {}
            for (t, lang, w), n in self.forms_.items():
                self._index.setdefault(t, []).append((n, lang, w))
        forms = self._index.get(term, [])
        best = [(n, w) for n, _, w in forms]
        if language is not None:
            best = [(n, w) for n, lang, w in forms if lang == language] or best
        if not best:
            return term
        return sorted(best, key=lambda nw: (-nw[0], nw[1]))[0][1]

    def merged(self, term: str, n: int = 4) -> list[str]:
        """The words of the text a term stands for, most frequent first (at most ``n``)."""
        parts = term.split("_")
        found = [(c, w) for (t, w), c in self.words_.items() if t in parts]
        return [w for _, w in sorted(found, key=lambda cw: (-cw[0], cw[1]))[:n]]

    def merge(self, mapping: Mapping[str, str]) -> None:
        """Record that each term of ``mapping`` was joined with its value (cognates)."""
        self._index = None
        for (t, lang, w), n in list(self.forms_.items()):
            if t in mapping:
                self.forms_[(mapping[t], lang, w)] += n
                del self.forms_[(t, lang, w)]
        for (t, w), n in list(self.words_.items()):
            if t in mapping:
                self.words_[(mapping[t], w)] += n
                del self.words_[(t, w)]


def cognate_map(counts: Mapping[str, Mapping[str, int]], min_prefix: int = 5) -> dict[str, str]:
    """Spanish and English terms spelled alike, each pair mapped to one of them.

    Parameters
    ----------
    counts : mapping
        term -> {language: how many sentences of that language hold it}.
    min_prefix : int
        Letters the two must share at the start.

    Returns
    -------
    dict
        term -> the term it is joined with (the Spanish one), for the English member of each
        pair: ``{"product": "producto", "problem": "problema"}``. Terms used in both languages
        already (``app``), phrases and concepts of the lexicon are left alone.
    """
    lexicon = set(concept_lexicon().values())  # concepts are joined already

    def only(lang: str) -> list[str]:
        other = "en" if lang == "es" else "es"
        return sorted(
            t
            for t, c in counts.items()
            if "_" not in t
            and t not in lexicon
            and c.get(lang, 0) > 0
            and c.get(other, 0) == 0
            and len(t) >= min_prefix
        )

    spanish = only("es")
    by_prefix: dict[str, list[str]] = {}
    for t in spanish:
        by_prefix.setdefault(t[:min_prefix], []).append(t)
    out: dict[str, str] = {}
    for en in only("en"):
        for es in by_prefix.get(en[:min_prefix], []):
            if abs(len(es) - len(en)) <= 2 and es not in out.values():
                common = len(_common_prefix(es, en))
                if common >= min(len(es), len(en)) - 2:
                    out[en] = es
                    break
    return out


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]
