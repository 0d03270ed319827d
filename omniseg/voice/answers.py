"""The interviewee's answers in a transcript: speaker turns, interviewer turns dropped, sentences.

:func:`parse_transcript` reads a transcript line by line and says what it kept and dropped;
:func:`split_answers` returns only its sentences. The rules, in order, for each non-blank line:

- **Separators** (``---``, ``***``, ``* * *``, ``===``...) and **markdown headings** (a line of
  one to six ``#`` followed by a short title: at most 8 words and no sentence end, e.g.
  ``## Precio``) are dropped and counted (``dropped_lines``). ``#1 problem for me is delivery``
  (a ``#`` followed by a digit) and a ``#`` line that reads as a sentence are content.
- A ``Label: text`` prefix (at most 3 words before the colon, no sentence end in them; markdown
  emphasis such as ``**P:**`` allowed) is a **speaker label** only when it fits the transcript's
  speaker pattern: the same label (accents and case folded, digits ignored: ``P1`` and ``P2``
  are both ``p``) starts at least 2 lines of the transcript, or it is a known interviewer label
  (:data:`INTERVIEWER_LABELS`), a known participant label (:data:`PARTICIPANT_LABELS`) or one of
  the ``speaker_labels`` given. A known label may be followed by a name or number
  (``Entrevistadora Ana:``, ``Customer 3:``). Any other ``Label:`` line (``I think: the price is
  too high``, ``Note: ...``) is content and kept whole, label included.
- A speaker label starts a **turn**. Turns of an interviewer label are dropped (counted in
  ``interviewer_turns``); other turns are kept without their label (``kept_turns``). A line with
  no speaker label continues the current turn (kept or dropped with it); the lines before the
  first label (or a whole transcript without labels) form one kept turn.
- Kept lines are split into **sentences**: a sentence ends at ``.``, ``!``, ``?`` or ``…``
  followed by a capital letter, a digit or an opening mark, except after an abbreviation
  (:data:`ABBREVIATIONS`: ``Sr.``, ``Dra.``, ``p. ej.``, ``etc.``, ``Mr.``, ``hon.``, ``e.g.``...),
  a capital initial (``J. Smith``) or ``No.`` before a number (``No. 5``). ``3.5`` never ends a
  sentence (no space after the point).

Characters are counted on the stripped non-blank lines: ``characters_kept`` (the kept text, labels
excluded) plus ``characters_dropped`` (interviewer turns, headings, separators and the labels of
kept turns) is the length of all of them. ``_check_interviews`` checks the interviews table every
step reads (:func:`omniseg.ingest.load_interviews` returns one).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from omniseg._checks import bad_parameter
from omniseg.errors import ParameterError
from omniseg.voice.language import _check_text, _fold, _words

__all__ = [
    "ABBREVIATIONS",
    "INTERVIEWER_LABELS",
    "PARTICIPANT_LABELS",
    "TranscriptParse",
    "parse_transcript",
    "split_answers",
]


#: Speaker labels (folded, lower case) of the interviewer: their turns are not the customer's
#: words. A label equal to one of these, or starting with a word of several letters of these
#: followed by a name or number ("Entrevistadora Ana", "Interviewer 2"), is the interviewer's.
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

#: Speaker labels (folded, lower case) of the interviewee: always read as speaker labels (their
#: turns are kept, without the label), matched like :data:`INTERVIEWER_LABELS`.
PARTICIPANT_LABELS: tuple[str, ...] = (
    "cliente",
    "clienta",
    "customer",
    "client",
    "participant",
    "participante",
    "entrevistado",
    "entrevistada",
    "interviewee",
    "respondent",
    "encuestado",
    "encuestada",
    "usuario",
    "usuaria",
    "user",
    "consumidor",
    "consumidora",
    "consumer",
    "respuesta",
    "answer",
    "r",
    "a",
    "c",
)

#: Abbreviations (folded, lower case, with their point) after which a sentence does not end
#: (Spanish and English). ``no.`` is one only before a number (``No. 5``); a capital initial
#: (``J.``, ``J.R.``) is one too.
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        # Spanish
        *("sr.", "sra.", "srta.", "sres.", "sras.", "dr.", "dra.", "dres.", "d.", "dna."),
        *("ud.", "uds.", "vd.", "vds.", "etc.", "p.", "ej.", "aprox.", "num.", "pag."),
        *("avda.", "av.", "c/."),
        # English
        *("hon.", "mr.", "mrs.", "ms.", "prof.", "st.", "vs.", "e.g.", "i.e.", "approx.", "jr."),
    }
)
_NUMBER_ABBREVIATIONS = frozenset({"no."})

_SEPARATOR = re.compile(r"^(?:[-*_=~]\s*){3,}$")
_HEADING = re.compile(r"^#{1,6}(?!\d)(?P<title>.*)$")
_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_SPEAKER = re.compile(
    r"^[*_>\-\s]*(?P<label>[^:\n]{1,40}?)[*_\s]*:(?!//)[*_\s]*(?P<text>.*)$", re.DOTALL
)
_LABEL_TOKEN = re.compile(r"[^\W_]+")
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”»)]*\s+(?=[\"'“«(¿¡]*[A-ZÁÉÍÓÚÜÑ0-9\[])")
_OPENING = "\"'“«(¿¡["
_INITIALS = re.compile(r"(?:[A-ZÁÉÍÓÚÜÑ]\.)+")


@dataclass(frozen=True)
class TranscriptParse:
    """What :func:`parse_transcript` kept and dropped of one transcript.

    Attributes
    ----------
    sentences : list of str
        The interviewee's sentences, in order (what :func:`split_answers` returns).
    interviewer_turns : int
        Turns dropped because their speaker label is an interviewer's.
    dropped_lines : int
        Headings and separator lines dropped.
    kept_turns : int
        Turns kept (with some text): one per non-interviewer speaker label, plus the text before
        the first label.
    characters_kept : int
        Characters of the kept text (labels excluded), counted on stripped lines.
    characters_dropped : int
        Characters of the interviewer turns, headings, separators and labels of kept turns;
        ``characters_kept + characters_dropped`` is the length of all stripped non-blank lines.
    """

    sentences: list[str]
    interviewer_turns: int
    dropped_lines: int
    kept_turns: int
    characters_kept: int
    characters_dropped: int


def _folded_label(label: str) -> str:
    return " ".join(_words(label))


def _matches(label: str, known: Iterable[str]) -> bool:
    """Whether ``label`` is one of ``known`` (folded), or one of its words of several letters
    followed only by capitalised words or numbers ("Cliente Ana", "Interviewer 2")."""
    known = frozenset(known)
    folded = _folded_label(label)
    if not folded:
        return False
    if folded in known:
        return True
    tokens = _LABEL_TOKEN.findall(label)
    if len(tokens) < 2:
        return False
    first = _folded_label(tokens[0])
    return (
        len(first) > 1
        and first in known
        and all(t[:1].isupper() or t[:1].isdigit() for t in tokens[1:])
    )


def _is_abbreviation(token: str, rest: str) -> bool:
    """Whether ``token`` (ending in ``.``) is an abbreviation, given the text after it."""
    token = token.lstrip(_OPENING)
    if _INITIALS.fullmatch(token):
        return True
    folded = _fold(token)
    if folded in ABBREVIATIONS:
        return True
    return folded in _NUMBER_ABBREVIATIONS and rest.lstrip(_OPENING + " ")[:1].isdigit()


def _has_sentence_end(label: str) -> bool:
    if re.search(r"[!?…]", label):
        return True
    tokens = label.split()
    for i, token in enumerate(tokens):
        if "." in token and not (
            token.endswith(".") and _is_abbreviation(token, " ".join(tokens[i + 1 :]))
        ):
            return True
    return False


def _is_heading(line: str) -> bool:
    m = _HEADING.match(line)
    if m is None:
        return False
    title = m.group("title").strip().strip("#").strip()
    if len(title.split()) > 8:
        return False
    title = _SECTION_NUMBER.sub("", title)
    return _split_sentences(title) == [title] and not re.search(r"[.!?…][\"'”»)]*$", title)


def _candidate_label(line: str) -> tuple[str, str] | None:
    """``(label, text)`` when ``line`` has the shape ``Label: text``, else None."""
    m = _SPEAKER.match(line)
    if m is None:
        return None
    label = m.group("label").strip()
    if len(label.split()) > 3 or _has_sentence_end(label) or not _folded_label(label):
        return None
    return label, m.group("text").strip()


def _split_sentences(text: str) -> list[str]:
    """``text`` cut at sentence ends (see the module docstring), pieces stripped."""
    pieces: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.start()
        if text[end - 1] == ".":
            before = text[start:end].split()
            if before and _is_abbreviation(before[-1], text[m.end() :]):
                continue
        pieces.append(text[start:end])
        start = m.end()
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


def _check_speaker_labels(speaker_labels: Any, caller: str) -> frozenset[str]:
    if speaker_labels is None:
        return frozenset()
    if isinstance(speaker_labels, str) or not isinstance(speaker_labels, Iterable):
        raise bad_parameter(
            "speaker_labels",
            caller,
            "a list of speaker labels (e.g. ['Ana', 'Luis'])",
            speaker_labels,
        )
    labels = list(speaker_labels)
    bad = [lab for lab in labels if not isinstance(lab, str)]
    if bad:
        raise bad_parameter("speaker_labels", caller, "a list of strings", speaker_labels)
    return frozenset(f for f in (_folded_label(lab) for lab in labels) if f)


def parse_transcript(text: str, speaker_labels: Iterable[str] | None = None) -> TranscriptParse:
    """The interviewee's sentences of a transcript, with counts of what was kept and dropped.

    See the module docstring for the rules: which ``Label:`` prefixes are speaker labels, which
    lines are headings or separators, how turns continue and where sentences end.

    Parameters
    ----------
    text : str
        The transcript (missing values read as empty).
    speaker_labels : iterable of str, optional
        Labels of this transcript's speakers (e.g. ``["Ana", "Luis"]``), read as speaker labels
        even when they start a single line. Whether a turn is the interviewer's is still decided
        by :data:`INTERVIEWER_LABELS`.

    Returns
    -------
    TranscriptParse

    Raises
    ------
    ParameterError
        ``text`` is not a string, or ``speaker_labels`` is not a list of strings.

    Examples
    --------
    >>> p = parse_transcript("# Visit 3\\nInterviewer: Why?\\nCustomer: It is fast. I like it!")
    >>> p.sentences, p.interviewer_turns, p.dropped_lines, p.kept_turns
    (['It is fast.', 'I like it!'], 1, 1, 1)
    """
    text = _check_text(text)
    given = _check_speaker_labels(speaker_labels, "parse_transcript")
    lines = [s for s in (line.strip() for line in text.splitlines()) if s]
    layout: list[tuple[str, tuple[str, str] | None]] = []
    for line in lines:
        if _SEPARATOR.match(line) or _is_heading(line):
            layout.append(("drop", None))
        else:
            layout.append(("text", _candidate_label(line)))
    repeated = Counter(_folded_label(c[0]) for kind, c in layout if c is not None)

    turns: list[list[str]] = []
    current: list[str] | None = None
    interviewer = False
    interviewer_turns = dropped_lines = kept = dropped = 0
    for line, (kind, cand) in zip(lines, layout, strict=True):
        if kind == "drop":
            dropped_lines += 1
            dropped += len(line)
            continue
        if cand is not None and (
            repeated[_folded_label(cand[0])] >= 2
            or _matches(cand[0], INTERVIEWER_LABELS)
            or _matches(cand[0], PARTICIPANT_LABELS)
            or _matches(cand[0], given)
        ):
            label, body = cand
            interviewer = _matches(label, INTERVIEWER_LABELS)
            if interviewer:
                interviewer_turns += 1
                dropped += len(line)
                continue
            current = []
            turns.append(current)
            dropped += len(line) - len(body)
            line = body
        elif interviewer:
            dropped += len(line)
            continue
        elif current is None:
            current = []
            turns.append(current)
        if line:
            current.append(line)
            kept += len(line)
    sentences = [
        s for turn in turns for part in turn for s in _split_sentences(part) if re.search(r"\w", s)
    ]
    return TranscriptParse(
        sentences=sentences,
        interviewer_turns=interviewer_turns,
        dropped_lines=dropped_lines,
        kept_turns=sum(1 for turn in turns if turn),
        characters_kept=kept,
        characters_dropped=dropped,
    )


def split_answers(text: str, speaker_labels: Iterable[str] | None = None) -> list[str]:
    """The interviewee's sentences: interviewer turns dropped, answers split into sentences.

    ``parse_transcript(text, speaker_labels).sentences``: see :func:`parse_transcript` and the
    module docstring for which lines are speaker labels, headings and separators, and where
    sentences end.

    Parameters
    ----------
    text : str
    speaker_labels : iterable of str, optional
        Labels of this transcript's speakers, read as speaker labels even on a single line.

    Returns
    -------
    list of str

    Examples
    --------
    >>> split_answers("Interviewer: Why?\\nCustomer: It is fast. I like it!")
    ['It is fast.', 'I like it!']
    >>> split_answers("Cliente: Me atendió la Sra. García.\\nI think: the price is too high")
    ['Me atendió la Sra. García.', 'I think: the price is too high']
    """
    return parse_transcript(text, speaker_labels).sentences


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
