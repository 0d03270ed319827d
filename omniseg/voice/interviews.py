"""Interview themes per segment: the :class:`InterviewThemes` result, its chart and linking.

Interview transcripts say *why* customers behave as the data shows. The steps live in their own
modules: :func:`omniseg.voice.answers.split_answers` keeps the interviewee's words,
:func:`omniseg.voice.pii.scrub_pii` removes emails, phone numbers and names,
:func:`omniseg.voice.language.detect_language` tells Spanish from English and
:func:`omniseg.voice.themes.extract_themes` finds the themes (TF-IDF + NMF). This module holds
what a strategist reads:

- :class:`InterviewThemes` holds the themes (labelled by their top words), each interview's share
  of talk per theme, the interviews tagged with each theme, representative quotes (the answer
  sentences closest to a theme, scrubbed), prevalence and lift per segment, and escaped HTML;
- :func:`plot_themes` draws them (plotly);
- :func:`link_interviews` ties each interview to a segment: by ``customer_id``, by
  ``respondent_id`` (survey respondents), or with the typing tool when the interview's profile
  holds every answer the tool needs.

See ``docs/interviews.md``. The report texts (English and Spanish) live in
:data:`omniseg.report.i18n.MESSAGES` under the ``interviews.`` prefix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from omniseg._checks import check_int
from omniseg.errors import ParameterError
from omniseg.report.chart_style import chart_layout
from omniseg.voice.answers import _check_interviews
from omniseg.voice.language import ENGLISH_STOP_WORDS, SPANISH_STOP_WORDS, _fold

__all__ = ["InterviewThemes", "link_interviews", "plot_themes"]


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
    """Themes found in interview transcripts (see :func:`~omniseg.voice.themes.extract_themes`).

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
        For each number of themes tried: ``k``, ``reconstruction_error``, ``coherence`` (NPMI on
        held-out interviews), ``stability`` (refits alike), ``smallest_share``, ``eligible``,
        ``chosen`` and ``near_tie`` (:mod:`omniseg.voice.theme_selection`).
    n_interviews : int
    coverage : dict
        What became of the text, counted (nothing is dropped silently): ``sentences`` (answer
        sentences found), ``introductions`` (self-introductions left out), ``without_terms``
        (no content word: greetings, fillers), ``outside_vocabulary`` (content words too rare
        to shape a theme), ``themed`` (sentences in :attr:`sentences`), and the transcripts'
        ``interviewer_turns``, ``dropped_lines`` (headings, separators) and
        ``characters_dropped`` (:func:`omniseg.voice.answers.parse_transcript`).
    """

    themes: pd.DataFrame
    doc_themes: pd.DataFrame = field(repr=False)
    tags: dict[str, list[int]] = field(repr=False)
    sentences: pd.DataFrame = field(repr=False)
    closeness: pd.DataFrame = field(repr=False)
    selection: pd.DataFrame = field(repr=False)
    n_interviews: int = 0
    coverage: dict[str, int] = field(default_factory=dict, repr=False)

    def method_text(self, language: str = "en") -> str:
        """How the themes were found, in ``language``: what text shaped them (counted), the
        share of bilingual themes, and why this number of themes (with its near ties)."""
        from omniseg.report.i18n import check_language, format_number, format_percent, t

        lang = check_language(language)
        cov = {k: format_number(self.coverage.get(k, 0), lang) for k in (
            "themed", "sentences", "introductions", "without_terms", "outside_vocabulary",
            "interviewer_turns",
        )}  # fmt: skip
        sel = self.selection
        chosen = sel[sel["chosen"]].iloc[0] if "chosen" in sel and sel["chosen"].any() else None
        stability = np.nan if chosen is None else float(chosen.get("stability", np.nan))
        text = t(
            "themes.method",
            lang,
            **cov,
            bilingual=format_percent(self.bilingual_share, lang, 0),
            k=self.n_themes,
            stability=format_number(stability, lang, 2) if np.isfinite(stability) else "–",
        )
        if "near_tie" in sel and sel["near_tie"].any():
            ks = ", ".join(str(int(k)) for k in sel.loc[sel["near_tie"], "k"])
            text += " " + t("themes.near_tie", lang, ks=ks)
        return text

    @property
    def bilingual_share(self) -> float:
        """Share of the themes that hold both Spanish and English answers (``languages`` is
        ``"es+en"``); NaN without themes."""
        if not len(self.themes):
            return float("nan")
        return float((self.themes["languages"] == "es+en").mean())

    @property
    def n_themes(self) -> int:
        """The number of themes."""
        return len(self.themes)

    def label(self, theme: int, language: str | None = None) -> str:
        """The label (top terms) of ``theme``: in ``language`` (each term's lemma as that
        language writes it, when the transcripts use it), else in the theme's main language."""
        tid = _check_theme(self.themes, theme)
        column = f"label_{language}" if language is not None else "label"
        column = column if column in self.themes else "label"
        return str(self.themes.loc[self.themes["theme"] == tid, column].iloc[0])

    def quotes(
        self,
        theme: int,
        n: int = 3,
        segment_labels: pd.Series | None = None,
        segment: Any = None,
        *,
        min_words: int = 4,
    ) -> list[str]:
        """Representative quotes of ``theme``: the answer sentences closest to it worth quoting.

        Candidates are the sentences mostly about the theme (of ``segment`` when given). A
        sentence is skipped when it

        - has fewer than ``min_words`` content words (words that are not in
          :data:`~omniseg.voice.language.SPANISH_STOP_WORDS` or
          :data:`~omniseg.voice.language.ENGLISH_STOP_WORDS`, accents folded);
        - is a greeting, thanks or procedural line (:data:`QUOTE_SKIP_PATTERNS`: "gracias",
          "buenos días", "thank you", "good morning", "I beg to move", "order, order"...);
        - is mostly a form of address: at least half its content words are words of address
          (:data:`FORMS_OF_ADDRESS`: "señora", "Sr.", "hon.", "Member"...) or capitalised
          names, one at least a word of address ("Señor Presidente, señor ministro García");
        - holds a scrubbed placeholder (``[email]``, ``[phone]``, ``[name]``, ``[iban]``... any
          lower-case word in square brackets).

        The rest are ranked by the cosine similarity of their words to the theme (ties:
        interview id, then position) and a sentence with the same content words as a better one
        (its ``key``: said in several interviews, say) is quoted once. When fewer than ``n``
        sentences pass, fewer are returned: never a fragment to fill up. Deterministic.

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
        min_words : int, default 4
            Fewest content words of a quote (0 quotes sentences of any length; the other rules
            still apply).

        Returns
        -------
        list of str
            Scrubbed sentences, closest first; at most ``n``, possibly none.
        """
        tid = _check_theme(self.themes, theme)
        n = check_int(n, "n", "InterviewThemes.quotes", 0)
        min_words = check_int(min_words, "min_words", "InterviewThemes.quotes", 0)
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
        idx = np.flatnonzero(mask)
        worth = [_worth_quoting(s, min_words) for s in sent["sentence"].iloc[idx]]
        mask[idx] = np.asarray(worth, dtype=bool)
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
        from omniseg.report.templating import render

        check_language(language)
        columns = ("theme", "label", "prevalence", "interviews", "languages", "quotes")
        rows = [
            {
                "theme": int(row.theme),
                "label": str(row.label),
                "prevalence": format_percent(row.prevalence, language),
                "interviews": format_number(row.n_interviews, language),
                "languages": str(row.languages),
                "quotes": self.quotes(int(row.theme), n=n_quotes),
            }
            for row in self.themes.itertuples(index=False)
        ]
        lead = t(
            "interviews.lead",
            language,
            k=self.n_themes,
            n=self.n_interviews,
            sentences=len(self.sentences),
        )
        return render(
            "interview_themes.html.j2",
            title=t("interviews.title", language),
            lead=lead,
            header=[t(f"interviews.col_{c}", language) for c in columns],
            rows=rows,
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
            y=[
                f"{int(r.theme)}. {getattr(r, f'label_{language}', r.label)}"
                for r in data.itertuples(index=False)
            ],
            orientation="h",
            marker_color="#1f6f8b",
            customdata=data["n_interviews"].tolist(),
            hovertemplate=t("interviews.hover", language) + "<extra></extra>",
        )
    )
    fig.update_layout(
        **chart_layout(language),
        title=t("interviews.fig_prevalence", language),
        height=max(320, 28 * len(data) + 120),
        xaxis={"title": t("interviews.col_prevalence", language), "tickformat": ".0%"},
        margin={"l": 260},
    )
    return fig


# --------------------------------------------------------------------------------------------
# quotes worth quoting
# --------------------------------------------------------------------------------------------

#: Greetings, thanks and procedural lines, never quoted (:meth:`InterviewThemes.quotes`): regular
#: expressions per language, searched in the accent-folded, lower-case sentence. Every list
#: applies to every sentence (a transcript may mix languages). Data: a deployment may extend it.
QUOTE_SKIP_PATTERNS: dict[str, tuple[str, ...]] = {
    "es": (
        # "gracias", "muchas gracias (a ti)", but not "gracias a que / a la app" (= "thanks to")
        r"\bgracias\b(?!\s+a\s+(?!ti\b|usted|vosotr|todos\b|todas\b))",
        r"\bbuen(?:os|as)\s+(?:dias|tardes|noches)\b",
        r"\bhola\b",
        r"\b(?:adios|hasta\s+(?:luego|pronto|manana)|de\s+nada|encantad[oa]s?\s+de)\b",
        r"\bsi,?\s+senor(?:a|ita|ia)?\b",
        r"\b(?:tiene\s+(?:usted\s+)?la\s+palabra|se\s+levanta\s+la\s+sesion|con\s+(?:su\s+)?permiso)\b",
    ),
    "en": (
        # "thank you", "thanks", but not "thanks to the app"
        r"\bthank(?:s|\s+you)\b(?!\s+to\b)",
        r"\bgood\s+(?:morning|afternoon|evening|night)\b",
        r"^\W*(?:hi|hello|hey)\b",
        r"\b(?:goodbye|bye|you['’]?re\s+welcome|nice\s+to\s+meet\s+you)\b",
        r"\bi\s+beg\s+to\s+move\b",
        r"\border,?\s+order\b",
        r"\bhear,?\s+hear\b",
        r"\b(?:point\s+of\s+order|i\s+give\s+way|give\s+way\?|i\s+beg\s+your\s+pardon)\b",
        r"\byes,?\s+(?:sir|madam|ma['’]?am)\b",
    ),
}

#: Words of address (folded, lower case): a sentence whose content words are mostly these and
#: capitalised names is a form of address, not a quote (:meth:`InterviewThemes.quotes`).
FORMS_OF_ADDRESS: frozenset[str] = frozenset(
    {
        # Spanish
        *("senor", "senora", "senorita", "senores", "senoras", "don", "dona", "sr", "sra"),
        *("srta", "sres", "sras", "dna", "ud", "uds", "vd", "senoria", "senorias"),
        *("presidente", "presidenta", "ministro", "ministra", "diputado", "diputada"),
        *("diputados", "diputadas", "excelentisimo", "excelentisima", "ilustrisimo"),
        # English
        *("mr", "mrs", "ms", "miss", "sir", "madam", "madame", "dr", "prof", "hon"),
        *("honourable", "honorable", "gentleman", "gentlemen", "lady", "ladies", "member"),
        *("members", "friend", "speaker", "chairman", "chairwoman", "deputy", "minister"),
    }
)

_SKIP = re.compile("|".join(p for pats in QUOTE_SKIP_PATTERNS.values() for p in pats))
_PLACEHOLDER = re.compile(r"\[[a-z]+(?:_[a-z]+)*\]")
_WORD = re.compile(r"[a-z]+")
_STOP = SPANISH_STOP_WORDS | ENGLISH_STOP_WORDS


def _worth_quoting(sentence: str, min_words: int) -> bool:
    """Whether ``sentence`` may be quoted (see :meth:`InterviewThemes.quotes`)."""
    if not isinstance(sentence, str) or _PLACEHOLDER.search(sentence):
        return False
    folded = _fold(sentence)
    if _SKIP.search(folded):
        return False
    content = [(m.group(0), m.start()) for m in _WORD.finditer(folded) if m.group(0) not in _STOP]
    if len(content) < max(min_words, 1):
        return False
    first = _WORD.search(folded)
    address = sum(w in FORMS_OF_ADDRESS for w, _ in content)
    names = sum(
        w not in FORMS_OF_ADDRESS
        and sentence[i].isupper()
        and first is not None
        and i != first.start()
        for w, i in content
    )
    return not (address and 2 * (address + names) >= len(content))


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
