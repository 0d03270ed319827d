"""Interview themes: transcripts in Spanish and English -> themes, tags, quotes per segment.

Interview transcripts say *why* customers behave as the data shows. This module turns a folder of
transcripts (or a table, see :func:`omniseg.ingest.load_interviews`) into a handful of themes a
strategist can read:

1. :func:`split_answers` keeps the interviewee's words only (interviewer lines such as
   ``Entrevistadora:`` / ``Interviewer:`` are dropped) and splits them into sentences;
2. :func:`scrub_pii` replaces emails, phone numbers and personal names by ``[email]``,
   ``[phone]`` and ``[name]`` *before* anything else sees the text, so no theme label, quote,
   table or chart can show them;
3. :func:`detect_language` tells Spanish from English per document (stop words and accented
   letters), which chooses nothing but is reported per theme;
4. :func:`extract_themes` leaves out self-introductions (age, where the interviewee lives, years
   as a customer: :data:`INTRODUCTION_PATTERNS`) and represents every other distinct answer
   sentence by TF-IDF weights of its words -- lower-cased, accents folded, Spanish and English
   stop words removed, every word cut to its first :data:`STEM_LENGTH` letters (a crude stemmer
   that also joins most inflections and many Spanish/English cognates: *notificaciones* and
   *notifications* both become ``notif``) -- and factorises that matrix with non-negative matrix
   factorisation (NMF). The number of themes is the elbow of the reconstruction error over a
   range (see :func:`extract_themes`);
5. :class:`InterviewThemes` holds the themes (labelled by their top words), each interview's
   share of talk per theme, the interviews tagged with each theme, representative quotes (the
   answer sentences closest to a theme, scrubbed), prevalence and lift per segment, a plotly
   chart and escaped HTML;
6. :func:`link_interviews` ties each interview to a segment: by ``customer_id``, by
   ``respondent_id`` (survey respondents), or with the typing tool when the interview's profile
   holds every answer the tool needs.

Everything is deterministic for a given ``random_state``. See ``docs/interviews.md``. The report
texts (English and Spanish) live in :data:`omniseg.report.i18n.MESSAGES` under the ``interviews.``
prefix.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from omniseg.errors import ParameterError

__all__ = [
    "DEFAULT_CONFIG",
    "ENGLISH_STOP_WORDS",
    "INTERVIEWER_LABELS",
    "INTRODUCTION_PATTERNS",
    "SPANISH_STOP_WORDS",
    "STEM_LENGTH",
    "InterviewThemes",
    "detect_language",
    "extract_themes",
    "link_interviews",
    "plot_themes",
    "scrub_pii",
    "split_answers",
]

# --------------------------------------------------------------------------------------------
# vocabulary (data: a deployment may extend these sets)
# --------------------------------------------------------------------------------------------


def _words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Spanish stop words, accents folded (compared after :func:`_fold`). Function words, common
#: verbs of little content (ser, estar, tener, hacer...) and conversational fillers of interviews.
SPANISH_STOP_WORDS: frozenset[str] = frozenset(
    _words_of("""
    a al algo alguien algun alguna algunas alguno algunos alli ante antes aqui asi aun
    aunque bastante bien bueno cada casi claro como con contra cosa cosas cual cuales
    cualquier cuando cuanto de del demas desde despues donde dos el ella ellas ello ellos en
    entonces entre era eran eres es esa esas ese eso esos esta estaba estaban estado estamos
    estan estar estas este esto estos estoy fue fueron gracias ha haber habia hace hacen
    hacer hago han has hasta hay he hemos la las le les lo los mas me mi mia mias mio mios
    mis mismo misma mucha muchas mucho muchos muy nada ni no nos nosotros nuestra nuestras
    nuestro nuestros o os otra otras otro otros para pero poco pocos por porque pregunta
    preguntar pues puede pueden puedo que quien quienes se sea sean ser si sido siempre sin
    sobre sois solo somos son soy su sus tal tambien tan tanto te tenemos tener tengo ti
    tiene tienen toda todas todo todos tu tus un una unas uno unos usted ustedes va vais
    vale vamos verdad vez veces vosotros voy y ya yo cierto sinceramente ahora luego dice
    decir pasa quiero gusta gustaria
    """)
)

#: English stop words (lower case; contractions are split at the apostrophe by the tokenizer).
ENGLISH_STOP_WORDS: frozenset[str] = frozenset(
    _words_of("""
    a about above actually after again against all almost also always am an and any anything
    are as at be because been before being below between both bit but by can cannot could
    did do does doing done down during each either else even ever every few for from get
    gets getting got had has have having he her here hers herself him himself his how
    however i if in into is it its itself just like ll lot me more most much my myself never
    no nor not now of off often on once one only or other others our ours ourselves out over
    own quite re really s same she should so some something sometimes such t than thank
    thanks that the their theirs them themselves then there these they thing things this
    those though through to too under until up us usually ve very was way we well were what
    whatever when where whether which while who whom whose why will with would yes yeah yet
    you your yours yourself d m honestly okay ok need needs want wants give gives keep keeps
    tell tells go goes going make makes take takes know came come another everywhere
    """)
)

#: How many leading letters of a (folded) word are kept: a truncation stemmer. Five letters join
#: inflections (compro/comprar/compras -> ``compr``) and many cognates across the two languages
#: (producto/product -> ``produ``, problema/problem -> ``probl``).
STEM_LENGTH = 5

#: Speaker labels (folded, lower case) of the interviewer: their lines are not the customer's
#: words. A line "Label: text" whose label starts with one of these is dropped.
INTERVIEWER_LABELS: tuple[str, ...] = (
    "entrevistador",
    "entrevistadora",
    "interviewer",
    "moderador",
    "moderadora",
    "moderator",
    "facilitator",
    "investigador",
    "investigadora",
    "researcher",
    "pregunta",
    "question",
    "p",
    "q",
    "e",
    "i",
)

#: Defaults of :func:`extract_themes`, overridable by its ``config=`` argument.
DEFAULT_CONFIG: dict[str, Any] = {
    "k_range": (4, 30),  # numbers of themes tried when n_themes is None
    "n_top_terms": 8,  # words kept per theme (top_terms)
    "n_label_terms": 4,  # words in a theme's label
    "coherence_terms": 5,  # top words whose co-occurrence measures a theme's coherence
    "min_df": 2,  # a word must appear in at least this many distinct sentences
    "tag_threshold": 0.15,  # share of an interview's talk on a theme to tag it
    "max_iter": 2000,
    "drop_introductions": True,  # self-introductions never shape a theme (INTRODUCTION_PATTERNS)
}

_PLACEHOLDERS = ("[email]", "[phone]", "[name]")

#: Self-introductions (age, where the interviewee lives, how long they have been a customer),
#: matched on the folded sentence (lower case, no accents). They say who speaks, which the CRM
#: already holds, not what they care about, so they are left out like sentences without a
#: content word: they shape no theme, are never quoted and do not count in the share of talk.
#: Left in, their words made themes of their own ("anos · marca · sms · vivo") or joined others
#: ("shop · live · good · look"). ``config["drop_introductions"] = False`` keeps them.
INTRODUCTION_PATTERNS: tuple[str, ...] = (
    r"\bi(?:['’]| a)m (?:about |around |nearly |almost )?\d{1,3}\b",  # I'm 28
    r"\b\d{1,3} years old\b",
    r"\bi(?: have|['’]ve| am|['’]m)? ?(?:live|lived|living) in\b",  # I live in ...
    r"\b(?:a |your )?customer (?:for|since)\b",  # a customer for about 5 years
    r"\btengo (?:unos |casi )?\d{1,3} anos\b",  # tengo 28 años
    r"\bvivo en\b",
    r"\bcliente desde\b",  # soy cliente desde hace unos 5 años
)
_INTRODUCTION = re.compile("|".join(INTRODUCTION_PATTERNS))

# --------------------------------------------------------------------------------------------
# text helpers
# --------------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z]+")
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
_SPEAKER = re.compile(r"^\s*[*_#>\-\s]*(?P<label>[^:\n]{1,40}?)[*_\s]*:[*_\s]*(?P<text>.*)$")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)]*\s+(?=[\"'“«(¿¡]*[A-ZÁÉÍÓÚÜÑ0-9\[])")


def _fold(text: str) -> str:
    """Lower-case ``text`` and strip accents, character by character (length is preserved)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in base if not unicodedata.combining(c))
        out.append(base[:1] if len(base) >= 1 else ch)
    return "".join(out).lower()


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _check_text(text: Any, name: str = "text") -> str:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    if not isinstance(text, str):
        raise ParameterError(f"The '{name}' parameter must be a string. Got {type(text).__name__}.")
    return text


def detect_language(text: str) -> str:
    """The language of ``text``: ``"es"`` or ``"en"``.

    Counts Spanish and English stop words (each list's words that are not also the other's, such
    as "que", "los", "the", "and"); Spanish letters (ñ, accents, ¿ ¡) add to the Spanish count.
    Deterministic; a text with no evidence either way (empty, numbers only) is ``"en"``.

    Parameters
    ----------
    text : str

    Returns
    -------
    {"es", "en"}

    Examples
    --------
    >>> detect_language("Siempre comparo precios en la web antes de decidirme.")
    'es'
    >>> detect_language("I always compare prices online first.")
    'en'
    """
    text = _check_text(text)
    words = _words(text)
    es = sum(w in _ES_ONLY for w in words)
    en = sum(w in _EN_ONLY for w in words)
    es += sum(ch in "ñÑ¿¡áéíóúÁÉÍÓÚ" for ch in text)
    return "es" if es > en else "en"


_ES_ONLY = SPANISH_STOP_WORDS - ENGLISH_STOP_WORDS
_EN_ONLY = ENGLISH_STOP_WORDS - SPANISH_STOP_WORDS


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


def _is_interviewer(label: str) -> bool:
    folded = " ".join(_words(label))
    if not folded:
        return False
    first = folded.split()[0]
    return any(folded == lab or first == lab for lab in INTERVIEWER_LABELS)


def split_answers(text: str) -> list[str]:
    """The interviewee's sentences: interviewer lines dropped, answers split into sentences.

    A line "Label: text" is a speaker turn. Turns whose label is an interviewer's
    (:data:`INTERVIEWER_LABELS`: "Entrevistadora", "Interviewer", "Moderador", "P", "Q"...) are
    dropped; other turns, and lines with no label (a turn continued on the next line, or a
    transcript with no labels at all), are kept. Markdown emphasis around labels (``**P:**``) and
    headings are ignored. Sentences end at ``.``, ``!``, ``?`` or ``…`` followed by a capital
    letter, a digit or an opening mark.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str

    Examples
    --------
    >>> split_answers("Interviewer: Why?\\nCustomer: It is fast. I like it!")
    ['It is fast.', 'I like it!']
    """
    text = _check_text(text)
    kept: list[str] = []
    interviewer = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped == "---" or stripped.startswith("#"):
            continue
        m = _SPEAKER.match(stripped)
        if m and len(m.group("label").split()) <= 3 and not _has_sentence_end(m.group("label")):
            interviewer = _is_interviewer(m.group("label"))
            body = m.group("text").strip()
        else:
            body = stripped
        if not interviewer and body:
            kept.append(body)
    sentences: list[str] = []
    for turn in kept:
        for s in _SENTENCE_END.split(turn):
            s = s.strip()
            if s and re.search(r"\w", s):
                sentences.append(s)
    return sentences


def _has_sentence_end(label: str) -> bool:
    return bool(re.search(r"[.!?]", label))


# --------------------------------------------------------------------------------------------
# sentences
# --------------------------------------------------------------------------------------------


def _stems(sentence: str) -> list[str]:
    """Content word stems of a (scrubbed) sentence: folded, stop words out, cut to STEM_LENGTH."""
    for ph in _PLACEHOLDERS:
        sentence = sentence.replace(ph, " ")
    return [
        w[:STEM_LENGTH]
        for w in _words(sentence)
        if len(w) >= 3 and w not in SPANISH_STOP_WORDS and w not in ENGLISH_STOP_WORDS
    ]


def _check_interviews(interviews: Any) -> pd.DataFrame:
    if not isinstance(interviews, pd.DataFrame):
        raise ParameterError(
            "The 'interviews' parameter must be a DataFrame with columns 'interview_id' and "
            "'text' (omniseg.ingest.load_interviews returns one). "
            f"Got {type(interviews).__name__} instead."
        )
    missing = [c for c in ("interview_id", "text") if c not in interviews.columns]
    if missing:
        raise ParameterError(
            f"The interviews table needs columns {missing}. Columns found: "
            f"{[str(c) for c in interviews.columns]}."
        )
    ids = interviews["interview_id"].astype("string")
    if ids.isna().any() or ids.duplicated().any():
        raise ParameterError(
            "Column 'interview_id' of the interviews must be unique and never missing: "
            f"{int(ids.isna().sum())} missing, {int(ids.duplicated().sum())} repeated."
        )
    return interviews


def _excluded_stems(terms: Iterable[str] | None) -> frozenset[str]:
    """The stems of ``exclude_terms`` (every content word of every term)."""
    if terms is None:
        return frozenset()
    if isinstance(terms, str) or not isinstance(terms, Iterable):
        raise ParameterError(
            "The 'exclude_terms' parameter of extract_themes must be a list of words or phrases "
            f"(e.g. the CRM's city names). Got {terms!r} instead."
        )
    return frozenset(
        stem for term in terms if isinstance(term, str) and term.strip() for stem in _stems(term)
    )


def _sentences(
    interviews: pd.DataFrame,
    language: str | None,
    names: Any,
    exclude: frozenset[str] = frozenset(),
    drop_introductions: bool = False,
) -> pd.DataFrame:
    """Every answer sentence, scrubbed, with its ``key``: the content stems that shape themes
    (empty, like a sentence without content words, for a self-introduction when
    ``drop_introductions``)."""
    pattern = None if names is None else _name_pattern(_as_list(names))
    rows = []
    for _, row in interviews.iterrows():
        text = _check_text(row["text"])
        lang = language
        if lang is None:
            given = row.get("language") if "language" in interviews.columns else None
            given = None if given is None or pd.isna(given) else str(given).strip().lower()
            lang = given if given in ("es", "en") else detect_language(text)
        for pos, sentence in enumerate(split_answers(text)):
            clean = scrub_pii(sentence, pattern)
            intro = drop_introductions and _INTRODUCTION.search(_fold(clean)) is not None
            rows.append(
                {
                    "interview_id": str(row["interview_id"]),
                    "position": pos,
                    "language": lang,
                    "sentence": clean,
                    "key": "" if intro else " ".join(w for w in _stems(clean) if w not in exclude),
                }
            )
    return pd.DataFrame(rows, columns=["interview_id", "position", "language", "sentence", "key"])


def _surface_forms(sentences: pd.Series) -> dict[str, str]:
    """Stem -> the word most often written for it (lower case, accents kept)."""
    counts: dict[str, dict[str, int]] = {}
    for sentence in sentences:
        for ph in _PLACEHOLDERS:
            sentence = sentence.replace(ph, " ")
        for word in re.findall(r"[^\W\d_]+", sentence.lower()):
            folded = _fold(word)
            if len(folded) < 3:
                continue
            stem = folded[:STEM_LENGTH]
            counts.setdefault(stem, {})
            counts[stem][word] = counts[stem].get(word, 0) + 1
    return {s: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for s, c in counts.items()}


# --------------------------------------------------------------------------------------------
# themes
# --------------------------------------------------------------------------------------------


def _npmi(top: np.ndarray, co: np.ndarray, df: np.ndarray, n: int) -> float:
    """Mean normalised pointwise mutual information of the pairs of ``top`` terms.

    ``co``/``df``: how many documents hold both / each term. Pairs never seen together score -1.
    """
    values = []
    for i in range(len(top)):
        for j in range(i + 1, len(top)):
            a, b = top[i], top[j]
            p_ab = co[a, b] / n
            if p_ab <= 0:
                values.append(-1.0)
            elif p_ab >= 1:
                values.append(1.0)
            else:
                pmi = math.log(p_ab / ((df[a] / n) * (df[b] / n)))
                values.append(pmi / -math.log(p_ab))
    return float(np.mean(values)) if values else 0.0


def _elbow_distance(k: np.ndarray, error: np.ndarray) -> np.ndarray:
    """How far below the straight line from the first to the last point each point of the
    (k, reconstruction error) curve lies, both axes scaled to [0, 1] (the Kneedle elbow)."""
    if len(k) < 3 or error[0] == error[-1]:
        return np.zeros(len(k))
    x = (k - k[0]) / (k[-1] - k[0])
    y = (error - error[-1]) / (error[0] - error[-1])
    return (1 - x) - y


def _check_config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    cfg = dict(DEFAULT_CONFIG)
    if config is not None:
        unknown = sorted(set(config) - set(DEFAULT_CONFIG))
        if unknown:
            raise ParameterError(
                f"Unknown config keys {unknown} for extract_themes. Known keys: "
                f"{sorted(DEFAULT_CONFIG)}."
            )
        cfg.update(config)
    low, high = cfg["k_range"]
    if not (isinstance(low, int) and isinstance(high, int) and 2 <= low <= high):
        raise ParameterError(
            f"config['k_range'] must be two ints (low, high) with 2 <= low <= high. "
            f"Got {cfg['k_range']!r} instead."
        )
    t = cfg["tag_threshold"]
    if not (isinstance(t, int | float) and 0 < t < 1):
        raise ParameterError(f"config['tag_threshold'] must be in (0, 1). Got {t!r} instead.")
    return cfg


def extract_themes(
    interviews: pd.DataFrame,
    *,
    n_themes: int | None = None,
    random_state: int = 0,
    language: str | None = None,
    names: Iterable[str] | None = None,
    config: Mapping[str, Any] | None = None,
    exclude_terms: Iterable[str] | None = None,
) -> InterviewThemes:
    """Find the themes interviewees talk about, in Spanish and English transcripts.

    Method. Every interview is cut into the interviewee's sentences (:func:`split_answers`),
    scrubbed (:func:`scrub_pii`) and reduced to content word stems: folded to lower-case ASCII,
    Spanish and English stop words removed, cut to :data:`STEM_LENGTH` letters. The *distinct*
    sentences (a sentence repeated verbatim, such as a stock phrase, counts once) are weighted by
    TF-IDF and factorised by NMF (Kullback-Leibler loss, which suits sparse word counts; NNDSVDa
    start, so runs are deterministic). A sentence's weights over the themes, scaled to sum to 1,
    say how much it is about each theme; an interview's weights are the mean over its sentences
    (its *share of talk* per theme).

    Number of themes. With ``n_themes=None`` each number in ``config["k_range"]`` is fitted and
    the *elbow* of the reconstruction error curve is kept (Kneedle: the number farthest below
    the straight line from the first to the last, both axes scaled to [0, 1]). Topic coherence,
    the mean normalised pointwise mutual information (NPMI) of the top
    ``config["coherence_terms"]`` words of each theme from how often the words appear in the
    same *interview* (Lau et al. 2014), is reported beside it as evidence but does not choose:
    on the demo it jumps between neighbouring numbers. Both are in
    ``InterviewThemes.selection``.

    Bilingual themes. Spanish and English sentences meet in one theme only through words they
    share after folding and stemming (app, stock, SMS, *notif*\\ icaciones/\\ *notif*\\ ications,
    *produ*\\ cto/\\ *produ*\\ ct, *probl*\\ ema/\\ *probl*\\ em...). Where the two languages
    share no such word, a theme appears once per language: ``themes["languages"]`` says so.

    Parameters
    ----------
    interviews : DataFrame
        ``interview_id`` and ``text`` (optionally ``language``), as
        :func:`omniseg.ingest.load_interviews` returns.
    n_themes : int, optional
        Fix the number of themes instead of choosing it.
    random_state : int, default 0
        Seed of NMF (with NNDSVDa the start is deterministic anyway).
    language : {"es", "en"}, optional
        The language of every transcript. By default the ``language`` column where it holds
        "es" or "en", else :func:`detect_language` per interview.
    names : iterable of str, optional
        Personal names to scrub as well (e.g. the CRM's first and last names).
    config : mapping, optional
        Overrides of :data:`DEFAULT_CONFIG`.
    exclude_terms : iterable of str, optional
        Words never used as theme words, such as the CRM's city and region names: an
        interviewee's "I live in Santiago de Compostela" says where they live, not what they
        care about, and a theme labelled "dependientes · compostela · santiago" misleads.
        Each term is folded and stemmed like the transcripts (every word of "Santiago de
        Compostela"); the sentences are kept.

    Returns
    -------
    InterviewThemes
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    cfg = _check_config(config)
    interviews = _check_interviews(interviews)
    if language is not None and language not in ("es", "en"):
        raise ParameterError(
            f"The 'language' parameter must be 'es', 'en' or None. Got {language!r} instead."
        )
    sentences = _sentences(
        interviews,
        language,
        names,
        _excluded_stems(exclude_terms),
        drop_introductions=bool(cfg["drop_introductions"]),
    )
    content = sentences[sentences["key"] != ""]
    distinct = content.drop_duplicates("key")["key"].tolist()
    vectorizer = TfidfVectorizer(
        analyzer=str.split, min_df=int(cfg["min_df"]), sublinear_tf=True, norm="l2"
    )
    try:
        X_distinct = vectorizer.fit_transform(distinct)
    except ValueError:
        X_distinct = None
    n_terms = 0 if X_distinct is None else X_distinct.shape[1]
    max_k = min(len(distinct) - 1, n_terms - 1)
    low, high = cfg["k_range"]
    if n_themes is not None:
        if not isinstance(n_themes, int) or isinstance(n_themes, bool) or n_themes < 1:
            raise ParameterError(
                f"The 'n_themes' parameter of extract_themes must be an int in [1, inf). "
                f"Got {n_themes!r} instead."
            )
        if n_themes > max_k:
            raise ParameterError(
                f"n_themes={n_themes} should be <= {max(max_k, 0)}: the transcripts hold "
                f"{len(distinct)} distinct answer sentences and {n_terms} words used in at least "
                f"{cfg['min_df']} of them."
            )
        candidates = [n_themes]
    else:
        candidates = list(range(low, min(high, max_k) + 1))
        if not candidates:
            raise ParameterError(
                f"Too little text to find themes: {len(distinct)} distinct answer sentences and "
                f"{n_terms} words used in at least {cfg['min_df']} of them (at least "
                f"{low + 1} of each are needed for {low} themes). Fix: add transcripts or pass "
                "a smaller config['k_range']."
            )
    terms = np.array(vectorizer.get_feature_names_out())
    # document (interview) co-occurrence of the words, for coherence
    codes, _ = pd.factorize(content["interview_id"])
    vocab = {w: i for i, w in enumerate(terms)}
    occ = np.zeros((codes.max() + 1 if len(codes) else 0, len(terms)), dtype=bool)
    for c, key in zip(codes, content["key"], strict=True):
        for w in key.split():
            j = vocab.get(w)
            if j is not None:
                occ[c, j] = True
    occ_f = occ.astype(float)
    co = occ_f.T @ occ_f
    df = occ_f.sum(axis=0)
    n_docs = occ.shape[0]

    def fit(k: int) -> NMF:
        model = NMF(
            n_components=k,
            init="nndsvda",
            beta_loss="kullback-leibler",
            solver="mu",
            max_iter=int(cfg["max_iter"]),
            tol=1e-5,
            random_state=random_state,
        )
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning at max_iter: weights still usable
            model.fit(X_distinct)
        return model

    n_coh = int(cfg["coherence_terms"])
    scores = []
    models = {}
    for k in candidates:
        model = fit(k)
        models[k] = model
        coherence = float(
            np.mean([_npmi(np.argsort(-h)[:n_coh], co, df, n_docs) for h in model.components_])
        )
        scores.append(
            {
                "k": k,
                "reconstruction_error": float(model.reconstruction_err_),
                "coherence": coherence,
            }
        )
    selection = pd.DataFrame(scores)
    selection["elbow_distance"] = _elbow_distance(
        selection["k"].to_numpy(float), selection["reconstruction_error"].to_numpy(float)
    )
    k = int(selection["k"].iloc[int(np.argmax(selection["elbow_distance"].to_numpy()))])
    selection["chosen"] = selection["k"] == k
    model = models[k]
    return _build(sentences, content, vectorizer, model, terms, selection, cfg)


def _build(sentences, content, vectorizer, model, terms, selection, cfg) -> InterviewThemes:
    H = model.components_
    X = vectorizer.transform(content["key"].tolist())
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        W = model.transform(X)
    # sentences none of whose words made the vocabulary say nothing about any theme
    keep = W.sum(axis=1) > 0
    content = content[keep]
    X = X[np.nonzero(keep)[0]]
    W = W[keep]
    shares = W / W.sum(axis=1, keepdims=True)
    # closeness of each sentence to each theme: cosine between its TF-IDF row and the theme
    Hn = H / np.maximum(np.linalg.norm(H, axis=1, keepdims=True), 1e-12)
    closeness = np.asarray(X @ Hn.T)
    ids = sentences["interview_id"].drop_duplicates().tolist()
    per = pd.DataFrame(shares).groupby(content["interview_id"].to_numpy()).sum()
    n_sent = content.groupby("interview_id").size()
    per = per.reindex(ids).fillna(0.0)
    doc = per.div(n_sent.reindex(ids).clip(lower=1).to_numpy(), axis=0)
    # renumber the themes by prevalence (1 = most talked about)
    prevalence = doc.mean(axis=0).to_numpy()
    order = np.argsort(-prevalence, kind="stable")
    theme_ids = list(range(1, len(order) + 1))
    doc = pd.DataFrame(doc.to_numpy()[:, order], index=pd.Index(ids, name="interview_id"))
    doc.columns = pd.Index(theme_ids, name="theme")
    H = H[order]
    shares = shares[:, order]
    closeness = closeness[:, order]
    forms = _surface_forms(content["sentence"])
    n_top = int(cfg["n_top_terms"])
    threshold = float(cfg["tag_threshold"])
    tags = {
        iid: [
            int(c)
            for c in row.sort_values(ascending=False, kind="stable").index
            if row[c] >= threshold
        ]
        for iid, row in doc.iterrows()
    }
    main = shares.argmax(axis=1)
    langs = content["language"].to_numpy()
    rows = []
    for j, tid in enumerate(theme_ids):
        top = np.argsort(-H[j], kind="stable")[:n_top]
        stems = [str(terms[i]) for i in top if H[j, i] > 0]
        words = [forms.get(s, s) for s in stems]
        mine = langs[main == j]
        share_es = float(np.mean(mine == "es")) if len(mine) else float("nan")
        present = [
            lang for lang, s in (("es", share_es), ("en", 1 - share_es)) if len(mine) and s >= 0.2
        ]
        rows.append(
            {
                "theme": tid,
                "label": " · ".join(words[: int(cfg["n_label_terms"])]),
                "top_terms": words,
                "top_stems": stems,
                "prevalence": float(doc[tid].mean()),
                "n_interviews": int(sum(tid in v for v in tags.values())),
                "n_sentences": int((main == j).sum()),
                "share_es": share_es,
                "languages": "+".join(present),
            }
        )
    themes = pd.DataFrame(rows)
    sent = content[["interview_id", "position", "language", "sentence", "key"]].reset_index(
        drop=True
    )
    sent["theme"] = [theme_ids[j] for j in main]
    sent["weight"] = shares[np.arange(len(main)), main] if len(main) else []
    return InterviewThemes(
        themes=themes,
        doc_themes=doc,
        tags=tags,
        sentences=sent,
        closeness=pd.DataFrame(closeness, columns=theme_ids),
        selection=selection,
        n_interviews=len(ids),
    )


def _check_theme(themes: pd.DataFrame, theme: Any) -> int:
    valid = themes["theme"].tolist()
    if (
        isinstance(theme, bool)
        or not isinstance(theme, int | np.integer)
        or int(theme) not in valid
    ):
        raise ParameterError(f"theme must be one of the theme ids {valid}. Got {theme!r} instead.")
    return int(theme)


def _check_labels(labels: Any, name: str = "segment_labels") -> pd.Series:
    if isinstance(labels, Mapping):
        labels = pd.Series(dict(labels))
    if not isinstance(labels, pd.Series):
        raise ParameterError(
            f"The '{name}' parameter must be a pandas Series (interview_id -> segment). "
            f"Got {type(labels).__name__} instead."
        )
    out = labels.dropna()
    out.index = out.index.astype(str)
    return out


@dataclass
class InterviewThemes:
    """Themes found in interview transcripts (see :func:`extract_themes`).

    Attributes
    ----------
    themes : DataFrame
        One row per theme, most talked about first: ``theme`` (id, 1..k), ``label`` (its top
        words), ``top_terms`` (list of words, the most frequent spelling of each stem),
        ``top_stems``, ``prevalence`` (mean share of an interview's talk on the theme),
        ``n_interviews`` (interviews tagged with it), ``n_sentences`` (sentences mostly about
        it), ``share_es`` (Spanish share of those sentences) and ``languages`` ("es", "en" or
        "es+en": the languages with at least 20% of them).
    doc_themes : DataFrame
        Interview (index ``interview_id``) x theme: share of the interview's answer sentences on
        each theme (rows sum to 1 when the interview has content words).
    tags : dict
        interview_id -> theme ids whose share reaches ``config["tag_threshold"]``, largest
        first.
    sentences : DataFrame
        The scrubbed answer sentences with content words: ``interview_id``, ``position``,
        ``language``, ``sentence``, ``key`` (stems), ``theme`` (the one it is most about) and
        ``weight`` (its share on that theme).
    closeness : DataFrame
        Sentence x theme cosine similarity between the sentence's TF-IDF vector and the theme.
    selection : DataFrame
        ``k``, ``coherence``, ``reconstruction_error`` and ``chosen`` for each number tried.
    n_interviews : int
    """

    themes: pd.DataFrame
    doc_themes: pd.DataFrame = field(repr=False)
    tags: dict[str, list[int]] = field(repr=False)
    sentences: pd.DataFrame = field(repr=False)
    closeness: pd.DataFrame = field(repr=False)
    selection: pd.DataFrame = field(repr=False)
    n_interviews: int = 0

    @property
    def n_themes(self) -> int:
        """The number of themes."""
        return len(self.themes)

    def label(self, theme: int) -> str:
        """The label (top words) of ``theme``."""
        tid = _check_theme(self.themes, theme)
        return str(self.themes.loc[self.themes["theme"] == tid, "label"].iloc[0])

    def quotes(
        self,
        theme: int,
        n: int = 3,
        segment_labels: pd.Series | None = None,
        segment: Any = None,
    ) -> list[str]:
        """Representative quotes of ``theme``: the answer sentences closest to it.

        Candidates are the sentences mostly about the theme; they are ranked by the cosine
        similarity of their words to the theme (ties: interview id, then position), sentences
        holding a scrubbed placeholder (``[email]``...) are skipped and a sentence said in
        several interviews is quoted once. Deterministic.

        Parameters
        ----------
        theme : int
            A theme id (``themes["theme"]``).
        n : int, default 3
            At most this many quotes.
        segment_labels : Series, optional
            interview_id -> segment (e.g. from :func:`link_interviews`). Needed with
            ``segment``.
        segment : optional
            Quote only interviews of this segment.

        Returns
        -------
        list of str
            Scrubbed sentences, closest first.
        """
        tid = _check_theme(self.themes, theme)
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise ParameterError(f"n must be an int >= 0. Got {n!r} instead.")
        sent = self.sentences
        mask = (sent["theme"] == tid).to_numpy().copy()
        if segment is not None:
            if segment_labels is None:
                raise ParameterError(
                    "Quotes of one segment need segment_labels (interview_id -> segment), "
                    "e.g. link_interviews(...).set_index('interview_id')['segment']."
                )
            labels = _check_labels(segment_labels)
            in_seg = set(labels.index[labels == segment])
            mask &= sent["interview_id"].isin(in_seg).to_numpy()
        has_ph = sent["sentence"].str.contains(r"\[(?:email|phone|name)\]", regex=True)
        mask &= ~has_ph.fillna(False).to_numpy(dtype=bool)
        cand = sent[mask].assign(score=self.closeness[tid].to_numpy()[mask])
        cand = cand.sort_values(
            ["score", "interview_id", "position"], ascending=[False, True, True], kind="stable"
        )
        cand = cand.drop_duplicates("key")
        return cand["sentence"].head(n).tolist()

    def by_segment(self, labels: pd.Series) -> pd.DataFrame:
        """Theme prevalence per segment, and lift over all linked interviews.

        Parameters
        ----------
        labels : Series
            interview_id -> segment; interviews without a segment (NaN) are left out.

        Returns
        -------
        DataFrame
            One row per segment and theme: ``segment``, ``theme``, ``label``, ``n_interviews``
            (of the segment), ``prevalence`` (mean share of talk on the theme), ``share_tagged``
            (share of the segment's interviews tagged with it) and ``lift`` (prevalence over the
            prevalence among all linked interviews; 2 = twice as talked about). Sorted by segment,
            then lift.
        """
        labels = _check_labels(labels, "labels")
        labels = labels[labels.index.isin(self.doc_themes.index)]
        if labels.empty:
            raise ParameterError(
                "None of the labelled interviews is in these themes: labels must be indexed by "
                "interview_id."
            )
        doc = self.doc_themes.loc[labels.index]
        overall = doc.mean(axis=0)
        label_of = dict(zip(self.themes["theme"], self.themes["label"], strict=True))
        rows = []
        for seg, ids in labels.groupby(labels, sort=True).groups.items():
            part = doc.loc[list(ids)]
            for tid in doc.columns:
                prev = float(part[tid].mean())
                base = float(overall[tid])
                rows.append(
                    {
                        "segment": seg,
                        "theme": int(tid),
                        "label": label_of[tid],
                        "n_interviews": len(part),
                        "prevalence": prev,
                        "share_tagged": float(
                            np.mean([int(tid) in self.tags.get(i, []) for i in part.index])
                        ),
                        "lift": prev / base if base > 0 else float("nan"),
                    }
                )
        out = pd.DataFrame(rows)
        out["_seg"] = out["segment"].astype(str)
        out = out.sort_values(["_seg", "lift"], ascending=[True, False], kind="stable")
        return out.drop(columns="_seg").reset_index(drop=True)

    def to_dict(self, n_quotes: int = 3) -> dict[str, Any]:
        """A JSON-safe summary: themes (with scrubbed quotes), tags and the choice of k."""
        themes = []
        for row in self.themes.itertuples(index=False):
            themes.append(
                {
                    "theme": int(row.theme),
                    "label": str(row.label),
                    "top_terms": [str(w) for w in row.top_terms],
                    "prevalence": round(float(row.prevalence), 6),
                    "n_interviews": int(row.n_interviews),
                    "n_sentences": int(row.n_sentences),
                    "languages": str(row.languages),
                    "share_es": None if pd.isna(row.share_es) else round(float(row.share_es), 6),
                    "quotes": self.quotes(int(row.theme), n=n_quotes),
                }
            )
        return {
            "n_themes": self.n_themes,
            "n_interviews": int(self.n_interviews),
            "themes": themes,
            "tags": {str(k): [int(t) for t in v] for k, v in self.tags.items()},
            "selection": [
                {
                    "k": int(r.k),
                    "coherence": round(float(r.coherence), 6),
                    "reconstruction_error": round(float(r.reconstruction_error), 6),
                    "chosen": bool(r.chosen),
                }
                for r in self.selection.itertuples(index=False)
            ],
        }

    def to_html(self, language: str = "en", n_quotes: int = 2) -> str:
        """An HTML table of the themes with their quotes; every text is escaped."""
        from omniseg.report.i18n import check_language, format_number, format_percent, t

        check_language(language)
        esc = html.escape
        head = "".join(
            f"<th>{esc(t(f'interviews.col_{c}', language))}</th>"
            for c in ("theme", "label", "prevalence", "interviews", "languages", "quotes")
        )
        body = []
        for row in self.themes.itertuples(index=False):
            quotes = "".join(
                f"<li>“{esc(q)}”</li>" for q in self.quotes(int(row.theme), n=n_quotes)
            )
            body.append(
                "<tr>"
                f"<td>{int(row.theme)}</td>"
                f"<td>{esc(str(row.label))}</td>"
                f"<td>{esc(format_percent(row.prevalence, language))}</td>"
                f"<td>{esc(format_number(row.n_interviews, language))}</td>"
                f"<td>{esc(str(row.languages))}</td>"
                f"<td><ul>{quotes}</ul></td>"
                "</tr>"
            )
        lead = t(
            "interviews.lead",
            language,
            k=self.n_themes,
            n=self.n_interviews,
            sentences=len(self.sentences),
        )
        return (
            f"<div class='omniseg-interviews'><h3>{esc(t('interviews.title', language))}</h3>"
            f"<p>{esc(lead)}</p><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def plot_themes(self, *, fig: Any = None, language: str = "en") -> Any:
        """Horizontal bars of each theme's share of talk (see :func:`plot_themes`)."""
        return plot_themes(self, fig=fig, language=language)


def plot_themes(themes: InterviewThemes, *, fig: Any = None, language: str = "en") -> Any:
    """Horizontal bars: each theme's share of what interviewees talk about.

    Parameters
    ----------
    themes : InterviewThemes
    fig : plotly Figure, optional
        Figure to add the bars to (a new one by default).
    language : {"en", "es"}, default "en"

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    from omniseg.report.i18n import check_language, t

    if not isinstance(themes, InterviewThemes):
        raise ParameterError(
            f"plot_themes needs an InterviewThemes (from extract_themes). Got "
            f"{type(themes).__name__} instead."
        )
    check_language(language)
    data = themes.themes.iloc[::-1]
    fig = fig if fig is not None else go.Figure()
    fig.add_trace(
        go.Bar(
            x=data["prevalence"].round(4).tolist(),
            y=[f"{int(r.theme)}. {r.label}" for r in data.itertuples(index=False)],
            orientation="h",
            marker_color="#1f6f8b",
            customdata=data["n_interviews"].tolist(),
            hovertemplate=t("interviews.hover", language) + "<extra></extra>",
        )
    )
    fig.update_layout(
        title=t("interviews.fig_prevalence", language),
        template="plotly_white",
        height=max(320, 28 * len(data) + 120),
        xaxis={"title": t("interviews.col_prevalence", language), "tickformat": ".0%"},
        margin={"l": 260},
        separators=",." if language == "es" else ".,",
    )
    return fig


# --------------------------------------------------------------------------------------------
# segments
# --------------------------------------------------------------------------------------------


def _lookup(values: pd.Series | None, index: pd.Series) -> pd.Series | None:
    if values is None:
        return None
    if not isinstance(values, pd.Series):
        raise ParameterError(
            f"Segments must be a pandas Series (id -> segment). Got {type(values).__name__}."
        )
    clean = values.dropna()
    clean = clean[~clean.index.duplicated(keep="first")]
    clean.index = clean.index.astype(str)
    keys = index.astype("string")
    return pd.Series(
        [clean.get(k) if not pd.isna(k) else None for k in keys], index=index.index, dtype=object
    )


def link_interviews(
    interviews: pd.DataFrame,
    segments: pd.Series,
    respondent_segments: pd.Series | None = None,
    typing_tool: Any = None,
) -> pd.DataFrame:
    """The segment of each interview, and how it was found.

    In order: the interview's ``customer_id`` in ``segments``; its ``respondent_id`` in
    ``respondent_segments`` (survey respondents, e.g. typed from their answers or linked through
    the survey's ``customer_id``); the ``typing_tool``'s answer from the interview's own profile.
    Interviews hold only what the front matter says (usually ``age`` and ``gender``): the tool is
    applied only when every question it asks can be derived from the interview table and is
    answered for that interview (a tool asking the main channel cannot type an interviewee
    nobody asked about channels). ``note`` says why an interview stays unlinked.

    Parameters
    ----------
    interviews : DataFrame
        ``interview_id`` and optionally ``customer_id``, ``respondent_id`` and profile columns.
    segments : Series
        customer (person) id -> segment.
    respondent_segments : Series, optional
        respondent id -> segment.
    typing_tool : omniseg.segments.TypingTool, optional
        A fitted tool.

    Returns
    -------
    DataFrame
        ``interview_id``, ``segment``, ``how`` ("customer_id", "respondent_id", "typing_tool" or
        None) and ``note``.
    """
    _check_interviews(interviews.assign(text="") if "text" not in interviews else interviews)
    frame = interviews.reset_index(drop=True)
    n = len(frame)
    segment = pd.Series([None] * n, dtype=object)
    how = pd.Series([None] * n, dtype=object)
    note = pd.Series([""] * n, dtype=object)
    for col, values in (("customer_id", segments), ("respondent_id", respondent_segments)):
        if col not in frame.columns:
            if values is not None:
                _lookup(values, pd.Series([], dtype="string"))  # type check only
            continue
        found = _lookup(values, frame[col])
        if found is None:
            continue
        take = how.isna() & found.notna()
        segment[take] = found[take]
        how[take] = col
    left = how.isna()
    if typing_tool is not None and left.any():
        from sklearn.utils.validation import check_is_fitted

        from omniseg.segments.typing_questions import typing_inputs

        check_is_fitted(typing_tool)
        questions = list(typing_tool.feature_names_in_)
        try:
            answers = typing_inputs(frame, questions)
        except ParameterError:
            answers = None
            have = [str(c) for c in frame.columns if c not in ("text", "interview_id")]
            note[left] = f"typing tool not applied: it asks {questions}, interviews hold {have}"
        if answers is not None:
            complete = left & answers.notna().all(axis=1)
            if complete.any():
                segment[complete] = list(typing_tool.predict(frame[complete]))
                how[complete] = "typing_tool"
            note[left & ~complete] = "typing tool not applied: unanswered " + ", ".join(questions)
    still = how.isna() & (note == "")
    note[still] = "no customer_id or respondent_id with a known segment"
    return pd.DataFrame(
        {
            "interview_id": frame["interview_id"].astype(str).to_numpy(),
            "segment": segment.to_numpy(),
            "how": how.to_numpy(),
            "note": note.to_numpy(),
        }
    )
