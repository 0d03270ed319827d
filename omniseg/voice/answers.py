"""The interviewee's answers in a transcript: interviewer lines dropped, split into sentences.

:func:`split_answers` keeps the interviewee's words only (interviewer lines such as
``Entrevistadora:`` / ``Interviewer:``, see :data:`INTERVIEWER_LABELS`, are dropped) and splits
them into sentences. ``_check_interviews`` checks the interviews table every step reads
(:func:`omniseg.ingest.load_interviews` returns one).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from omniseg.errors import ParameterError
from omniseg.voice.language import _check_text, _words

__all__ = ["INTERVIEWER_LABELS", "split_answers"]


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
_SPEAKER = re.compile(r"^\s*[*_#>\-\s]*(?P<label>[^:\n]{1,40}?)[*_\s]*:[*_\s]*(?P<text>.*)$")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)]*\s+(?=[\"'“«(¿¡]*[A-ZÁÉÍÓÚÜÑ0-9\[])")


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
