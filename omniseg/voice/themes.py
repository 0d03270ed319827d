"""Interview themes: TF-IDF of the answer sentences factorised by NMF (:func:`extract_themes`).

:func:`extract_themes` parses each transcript (:func:`~omniseg.voice.answers.parse_transcript`:
interviewer turns and headings set aside and counted), scrubs personal data
(:func:`~omniseg.voice.pii.scrub_pii`), leaves out self-introductions (age, where the
interviewee lives, years as a customer: :data:`INTRODUCTION_PATTERNS`) and represents every
other distinct answer sentence by TF-IDF weights of its *terms*
(:class:`~omniseg.voice.text_terms.TermAnalyzer`: lemmas, stop words and fillers out, numbers
and URLs out, a bilingual lexicon and cognates joining Spanish and English, phrases of adjacent
words), then factorises that matrix with non-negative matrix factorisation (NMF). The number of
themes is the most stable one across refits on other interviews, with coherence on held-out
interviews breaking near ties (:mod:`omniseg.voice.theme_selection`). The result is an
:class:`omniseg.voice.interviews.InterviewThemes`, with :attr:`~InterviewThemes.coverage`
counting what became of the text. Everything is deterministic for a given ``random_state``;
see ``docs/interviews.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from omniseg._checks import bad_parameter, check_int
from omniseg.errors import ParameterError
from omniseg.voice.answers import _check_interviews, parse_transcript
from omniseg.voice.interviews import InterviewThemes
from omniseg.voice.language import (
    _check_text,
    _fold,
    detect_language,
)
from omniseg.voice.pii import _as_list, _name_pattern, scrub_pii
from omniseg.voice.sentiment import polarity
from omniseg.voice.text_terms import TermAnalyzer, cognate_map
from omniseg.voice.theme_selection import choose_n_themes, npmi

__all__ = ["DEFAULT_CONFIG", "INTRODUCTION_PATTERNS", "extract_themes"]


#: Defaults of :func:`extract_themes`, overridable by its ``config=`` argument.
DEFAULT_CONFIG: dict[str, Any] = {
    "k_range": (4, 30),  # numbers of themes tried when n_themes is None
    "n_top_terms": 8,  # words kept per theme (top_terms)
    "n_label_terms": 4,  # words in a theme's label
    "coherence_terms": 5,  # top words whose co-occurrence measures a theme's coherence
    "coherent_terms": True,  # first words: the coherence_terms of the top that co-occur most
    "min_df": 2,  # a word must appear in at least this many distinct sentences
    "tag_threshold": 0.15,  # share of an interview's talk on a theme to tag it
    "max_iter": 400,
    "tol": 1e-3,  # NMF stopping tolerance (coordinate descent)
    "drop_introductions": True,  # self-introductions never shape a theme (INTRODUCTION_PATTERNS)
    "min_theme_share": 0.02,  # the smallest theme holds at least this share of the sentences
    "near_tie": 0.02,  # numbers of themes this close in stability to the chosen one are ties
    "loss": "frobenius",  # NMF loss: "frobenius" (coordinate descent, fast) or "kullback-leibler"
    "max_df": 0.5,  # a term in more than this share of the sentences says nothing about a theme
    "phrases": True,  # adjacent content words as phrase terms ("tiempo de espera")
    "extra_stop_words": (),  # the user's own fillers and words never used as theme words
}

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
# sentences
# --------------------------------------------------------------------------------------------


def _stems(sentence: str, language: str | None = None) -> list[str]:
    """The content terms of a sentence, without phrases: its lemmas (or lexicon concepts) with
    stop words, fillers, numbers and URLs out (:class:`~omniseg.voice.text_terms.TermAnalyzer`).
    (The name is historical: words are lemmatised, no longer cut to five letters.)"""
    return TermAnalyzer(phrases=False).terms(sentence, language)


def _excluded_stems(terms: Iterable[str] | None) -> frozenset[str]:
    """The terms of ``exclude_terms`` (every content word of every term, in both languages)."""
    if terms is None:
        return frozenset()
    if isinstance(terms, str) or not isinstance(terms, Iterable):
        raise bad_parameter(
            "exclude_terms",
            "extract_themes",
            "a list of words or phrases (e.g. the CRM's city names)",
            terms,
        )
    analyzer = TermAnalyzer(phrases=False, concepts=False)
    return frozenset(
        term
        for text in terms
        if isinstance(text, str) and text.strip()
        for lang in ("es", "en")
        for term in analyzer.terms(text, lang)
    )


def _sentences(
    interviews: pd.DataFrame,
    language: str | None,
    names: Any,
    exclude: frozenset[str] = frozenset(),
    drop_introductions: bool = False,
    analyzer: TermAnalyzer | None = None,
    counts: dict[str, int] | None = None,
) -> pd.DataFrame:
    """Every answer sentence, scrubbed, with its ``key``: the content stems that shape themes
    (empty, like a sentence without content words, for a self-introduction when
    ``drop_introductions``)."""
    pattern = None if names is None else _name_pattern(_as_list(names))
    analyzer = analyzer if analyzer is not None else TermAnalyzer()
    counts = counts if counts is not None else {}
    rows = []
    for _, row in interviews.iterrows():
        text = _check_text(row["text"])
        lang = language
        if lang is None:
            given = row.get("language") if "language" in interviews.columns else None
            given = None if given is None or pd.isna(given) else str(given).strip().lower()
            lang = given if given in ("es", "en") else detect_language(text)
            lang = lang if lang in ("es", "en") else "other"
        parsed = parse_transcript(text)
        for key in ("interviewer_turns", "dropped_lines", "characters_dropped"):
            counts[key] = counts.get(key, 0) + int(getattr(parsed, key))
        for pos, sentence in enumerate(parsed.sentences):
            clean = scrub_pii(sentence, pattern)
            intro = drop_introductions and _INTRODUCTION.search(_fold(clean)) is not None
            rows.append(
                {
                    "interview_id": str(row["interview_id"]),
                    "position": pos,
                    "language": lang,
                    "sentence": clean,
                    "key": "" if intro else _key(analyzer.terms(clean, lang), exclude),
                    "introduction": bool(intro),
                }
            )
    columns = ["interview_id", "position", "language", "sentence", "key", "introduction"]
    return pd.DataFrame(rows, columns=columns)


def _key(terms: list[str], exclude: frozenset[str]) -> str:
    """A sentence's terms as the vectoriser's text, excluded words (and phrases holding
    one) left out."""
    return " ".join(t for t in terms if not exclude.intersection(t.split("_")))


def _join_cognates(content: pd.DataFrame, analyzer: TermAnalyzer) -> pd.DataFrame:
    """Spanish and English terms spelled alike become one term (:func:`cognate_map`)."""
    counts: dict[str, dict[str, int]] = {}
    for key, lang in zip(content["key"], content["language"], strict=True):
        for term in set(key.split()):
            counts.setdefault(term, {}).setdefault(lang, 0)
            counts[term][lang] += 1
    mapping = cognate_map(counts)
    if not mapping:
        return content
    analyzer.merge(mapping)

    def join(key: str) -> str:
        return " ".join("_".join(mapping.get(p, p) for p in t.split("_")) for t in key.split())

    return content.assign(key=content["key"].map(join))


# --------------------------------------------------------------------------------------------
# themes
# --------------------------------------------------------------------------------------------


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
    codebook: Mapping[str, Iterable[str]] | str | None = None,
) -> InterviewThemes:
    """Find the themes interviewees talk about, in Spanish and English transcripts.

    Method. Every interview is cut into the interviewee's sentences
    (:func:`~omniseg.voice.answers.parse_transcript`), scrubbed
    (:func:`~omniseg.voice.pii.scrub_pii`) and reduced to terms
    (:class:`~omniseg.voice.text_terms.TermAnalyzer`): lemmas (``simplemma``) with stop words
    (the ``stop-words`` lists), conversational fillers, numbers, URLs and handles removed; a
    lemma of the bilingual customer-experience lexicon becomes its concept (*precio* and
    *price* are ``price``), Spanish and English lemmas spelled alike are joined
    (:func:`~omniseg.voice.text_terms.cognate_map`), and adjacent terms also form phrases
    (``tiempo de espera``). The *distinct* sentences (a sentence repeated verbatim counts once)
    are weighted by TF-IDF (terms in at least ``config["min_df"]`` sentences and at most
    ``config["max_df"]`` of them) and factorised by NMF (Frobenius loss, coordinate descent,
    NNDSVDa start: deterministic). A sentence's weights over the themes, scaled to sum to 1,
    say how much it is about each theme; an interview's weights are the mean over its
    sentences (its *share of talk* per theme; 0 for an interview with no content sentence).

    Number of themes. With ``n_themes=None`` about eight numbers over ``config["k_range"]``
    are each fitted three times on the sentences of a different random 80 % of the interviews; the
    most stable number is kept (the fits' themes matched one to one are the most alike),
    among those whose smallest theme holds at least ``config["min_theme_share"]`` of the
    sentences; numbers within ``config["near_tie"]`` of its stability are near ties, the largest
    of them is kept and the others flagged. Coherence (NPMI of the top
    ``config["coherence_terms"]`` terms on the held-out interviews) is reported beside it. The
    evidence is ``InterviewThemes.selection``.

    Labels. A theme's label leads with its top phrase (when it weighs at least half its top
    term), then its top lemmas as written in the theme's main language;
    ``themes["forms"]`` lists the words of the transcripts each top term stands for, and
    ``themes["languages"]`` whether the theme holds both languages
    (``InterviewThemes.bilingual_share``).

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
    codebook : mapping or path, optional
        A deductive codebook, ``{theme name: [seed words]}`` or a YAML file
        (:mod:`omniseg.voice.codebook`): sentences holding a theme's seed words are coded to it
        and kept as that theme (``themes["source"] == "codebook"``, labelled with its name);
        the rest are left to NMF, whose themes are what is left over (``"found"``).

    Returns
    -------
    InterviewThemes
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    cfg = _check_config(config)
    interviews = _check_interviews(interviews)
    if language is not None and language not in ("es", "en"):
        raise bad_parameter("language", "extract_themes", "'es', 'en' or None", language)
    analyzer = TermAnalyzer(extra_stop_words=cfg["extra_stop_words"], phrases=bool(cfg["phrases"]))
    counts: dict[str, int] = {}
    sentences = _sentences(
        interviews,
        language,
        names,
        _excluded_stems(exclude_terms),
        drop_introductions=bool(cfg["drop_introductions"]),
        analyzer=analyzer,
        counts=counts,
    )
    sentences = _join_cognates(sentences, analyzer)
    content = sentences[sentences["key"] != ""]
    book, coded = None, None
    if codebook is not None:
        from omniseg.voice.codebook import code_sentences, read_codebook

        book = read_codebook(codebook)
        coded = code_sentences(content["key"], book, analyzer)
    rest = content if coded is None else content[coded < 0]
    distinct = rest.drop_duplicates("key")["key"].tolist()
    vectorizer = TfidfVectorizer(
        analyzer=str.split,
        min_df=int(cfg["min_df"]),
        max_df=float(cfg["max_df"]),
        sublinear_tf=True,
        norm="l2",
    )
    try:
        if book is None:
            X_distinct = vectorizer.fit_transform(distinct)
        else:  # one vocabulary for the coded sentences and the rest
            vectorizer.fit(content.drop_duplicates("key")["key"].tolist())
            X_distinct = vectorizer.transform(distinct)
    except ValueError:
        X_distinct = None
    n_terms = 0 if X_distinct is None else X_distinct.shape[1]
    max_k = min(len(distinct) - 1, n_terms - 1)
    low, high = cfg["k_range"]
    if n_themes is not None:
        n_themes = check_int(n_themes, "n_themes", "extract_themes", 1)
        if n_themes > max_k:
            raise ParameterError(
                f"n_themes={n_themes} should be <= {max(max_k, 0)}: the transcripts hold "
                f"{len(distinct)} distinct answer sentences and {n_terms} words used in at least "
                f"{cfg['min_df']} of them."
            )
        candidates = [n_themes]
    else:
        top = min(high, max_k)
        # eight numbers over the range, closer together at the small end
        grid = np.unique(np.round(np.geomspace(low, max(top, low), 8)).astype(int))
        candidates = [int(k) for k in grid if low <= k <= top]
        if not candidates and book is not None:
            candidates = []  # the codebook's themes hold nearly everything: no new theme
        elif not candidates:
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

    def fit(rows, k: int) -> NMF:
        kl = cfg["loss"] == "kullback-leibler"
        model = NMF(
            n_components=k,
            init="nndsvda",
            beta_loss=cfg["loss"],
            solver="mu" if kl else "cd",
            max_iter=int(cfg["max_iter"]),
            tol=1e-5 if kl else float(cfg["tol"]),
            random_state=random_state,
        )
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning at max_iter: weights still usable
            model.fit(rows)
        return model

    n_coh = int(cfg["coherence_terms"])
    if book is not None and not candidates and n_themes is None:
        model, selection = (
            None,
            pd.DataFrame(
                columns=[
                    "k",
                    "reconstruction_error",
                    "coherence",
                    "stability",
                    "chosen",
                    "near_tie",
                ]
            ),
        )
    elif n_themes is not None:
        model = fit(X_distinct, n_themes)
        coherence = float(np.mean([npmi(np.argsort(-h)[:n_coh], occ) for h in model.components_]))
        selection = pd.DataFrame(
            {
                "k": [n_themes],
                "reconstruction_error": [float(model.reconstruction_err_)],
                "coherence": [coherence],
                "stability": [np.nan],
                "chosen": [True],
                "near_tie": [False],
            }
        )
    else:
        # the document of each distinct sentence (its first), for the held-out splits
        first = rest.drop_duplicates("key")["interview_id"]
        unit_docs = pd.Index(pd.unique(content["interview_id"])).get_indexer(first)
        selection = choose_n_themes(
            X_distinct,
            unit_docs,
            occ,
            np.arange(occ.shape[0]),
            candidates,
            fit,
            n_top=n_coh,
            random_state=random_state,
            tie=float(cfg["near_tie"]),
            min_share=float(cfg["min_theme_share"]),
        )
        k = int(selection.loc[selection["chosen"], "k"].iloc[0])
        model = fit(X_distinct, k)
    if book is not None:
        model = _CodedModel(vectorizer, content, coded, list(book), model)
    return _build(
        sentences, content, vectorizer, model, terms, selection, cfg, analyzer, counts, occ
    )


class _CodedModel:
    """The codebook's themes (one per code: its sentences' mean TF-IDF as term weights, each
    coded sentence wholly about its code) followed by NMF's themes of the other sentences,
    as ``_build`` reads a fitted NMF: ``components_`` and ``transform`` (of the content
    sentences, in order)."""

    def __init__(self, vectorizer, content, coded, names, found) -> None:
        X = vectorizer.transform(content["key"].tolist())
        n_codes = len(names)
        rows = [
            np.asarray(X[np.nonzero(coded == c)[0]].mean(axis=0)).ravel()
            if (coded == c).any()
            else np.zeros(X.shape[1])
            for c in range(n_codes)
        ]
        H_found = found.components_ if found is not None else np.zeros((0, X.shape[1]))
        self.components_ = np.vstack([np.array(rows).reshape(n_codes, -1), H_found])
        W = np.zeros((X.shape[0], len(self.components_)))
        W[np.nonzero(coded >= 0)[0], coded[coded >= 0]] = 1.0
        rest = np.nonzero(coded < 0)[0]
        if found is not None and len(rest):
            W[rest, n_codes:] = found.transform(X[rest])
        self._W = W
        self.theme_names_ = [*names, *([None] * (len(self.components_) - n_codes))]

    def transform(self, X) -> np.ndarray:
        return self._W


def _label(words: list[str], terms: list[str], weights: np.ndarray, n_words: int) -> str:
    """A theme's label: its top phrase, when it weighs at least half the top term, then its
    top single words (not already in the phrase)."""
    phrase = next(
        (
            w
            for w, t, h in zip(words, terms, weights, strict=True)
            if "_" in t and h >= 0.5 * max(weights)
        ),
        None,
    )
    singles = [w for w, t in zip(words, terms, strict=True) if "_" not in t]
    if phrase is None:
        return " · ".join(singles[:n_words])
    rest = [w for w in singles if w not in phrase.split()][: max(n_words - 1, 1)]
    return f"{phrase}: " + " · ".join(rest) if rest else phrase


def _coherent_order(top: np.ndarray, occurrence: np.ndarray, n_coherent: int) -> np.ndarray:
    """``top`` (term columns, heaviest first) reordered: the ``n_coherent`` of them whose
    pairs co-occur most in the fitted interviews (mean NPMI), heaviest first, then the rest.

    A theme's heaviest words are not always the ones that go together: NMF also gives weight to
    a word a few of its sentences share with another theme. Its words are shown, and its
    coherence measured, on the subset that does go together (chosen on the interviews fitted;
    the benchmark measures it on held-out ones)."""
    if len(top) <= n_coherent or occurrence.shape[0] < 2:
        return top
    from itertools import combinations

    pair = np.zeros((len(top), len(top)))
    for a, b in combinations(range(len(top)), 2):
        pair[a, b] = pair[b, a] = npmi([top[a], top[b]], occurrence)
    best = max(
        combinations(range(len(top)), n_coherent),
        key=lambda c: (np.mean([pair[a, b] for a, b in combinations(c, 2)]), [-i for i in c]),
    )
    return np.concatenate([top[list(best)], np.delete(top, list(best))])


def _build(
    sentences, content, vectorizer, model, terms, selection, cfg, analyzer, counts, occurrence
) -> InterviewThemes:
    H = model.components_
    X = vectorizer.transform(content["key"].tolist())
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        W = model.transform(X)
    # sentences none of whose words made the vocabulary say nothing about any theme
    keep = W.sum(axis=1) > 0
    intro = sentences["introduction"].to_numpy(dtype=bool)
    coverage = {
        "sentences": len(sentences),
        "introductions": int(intro.sum()),
        "without_terms": int(((sentences["key"] == "") & ~intro).sum()),
        "outside_vocabulary": int((~keep).sum()),
        "themed": int(keep.sum()),
        **counts,
    }
    content = content[keep]
    X = X[np.nonzero(keep)[0]]
    W = W[keep]
    shares = W / W.sum(axis=1, keepdims=True)
    in_sentence = (X > 0).toarray()  # sentences x terms: which words each sentence holds
    # closeness of each sentence to each theme: cosine between its TF-IDF row and the theme
    Hn = H / np.maximum(np.linalg.norm(H, axis=1, keepdims=True), 1e-12)
    closeness = np.asarray(X @ Hn.T)
    ids = sentences["interview_id"].drop_duplicates().tolist()
    per = pd.DataFrame(shares).groupby(content["interview_id"].to_numpy()).sum()
    n_sent = content.groupby("interview_id").size()
    per = per.reindex(ids).fillna(0.0)
    # an interview with no content sentence talks about no theme: 0, not NaN
    doc = per.div(n_sent.reindex(ids).fillna(0).clip(lower=1).to_numpy(), axis=0)
    # renumber the themes by prevalence (1 = most talked about)
    prevalence = doc.mean(axis=0).to_numpy()
    order = np.argsort(-prevalence, kind="stable")
    theme_ids = list(range(1, len(order) + 1))
    doc = pd.DataFrame(doc.to_numpy()[:, order], index=pd.Index(ids, name="interview_id"))
    doc.columns = pd.Index(theme_ids, name="theme")
    H = H[order]
    names = getattr(model, "theme_names_", None)
    names = [names[j] for j in order] if names is not None else [None] * len(order)
    shares = shares[:, order]
    closeness = closeness[:, order]
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
    polar = [polarity(x, lang) for x, lang in zip(content["sentence"], langs, strict=True)]
    scores = np.array([p[0] for p in polar])
    polar_n = np.array([p[1] > 0 for p in polar])
    rows = []
    for j, tid in enumerate(theme_ids):
        top = np.argsort(-H[j], kind="stable")[:n_top]
        top = top[H[j, top] > 0]
        if cfg["coherent_terms"]:
            top = _coherent_order(top, in_sentence, int(cfg["coherence_terms"]))
        stems = [str(terms[i]) for i in top]
        mine = langs[main == j]
        share_es = float(np.mean(mine == "es")) if len(mine) else float("nan")
        lead = "es" if share_es >= 0.5 else "en"  # words as the theme's main language writes them
        words = [analyzer.surface(t, lead) for t in stems]
        weights = H[j, top[: len(stems)]]
        share_en = float(np.mean(mine == "en")) if len(mine) else float("nan")
        # (text in another language counts for neither: detect_language says "other")
        present = [
            lang for lang, s in (("es", share_es), ("en", share_en)) if len(mine) and s >= 0.2
        ]
        rows.append(
            {
                "theme": tid,
                "label": names[j] or _label(words, stems, weights, int(cfg["n_label_terms"])),
                # the label worded in each language (a term's lemma as that language writes it)
                "source": "codebook" if names[j] else "found",
                **{
                    f"label_{lang}": names[j]
                    or _label(
                        [analyzer.surface(t, lang) for t in stems],
                        stems,
                        weights,
                        int(cfg["n_label_terms"]),
                    )
                    for lang in ("es", "en")
                },
                "top_terms": words,
                "top_stems": stems,
                # the words of the transcripts each top term stands for (what it merged)
                "forms": {analyzer.surface(t, lead): analyzer.merged(t) for t in stems[:3]},
                "prevalence": float(doc[tid].mean()),
                "n_interviews": int(sum(tid in v for v in tags.values())),
                "n_sentences": int((main == j).sum()),
                "share_es": share_es,
                # mean polarity of its sentences that hold a polar word (omniseg.voice.sentiment)
                "sentiment": float(scores[(main == j) & polar_n].mean())
                if ((main == j) & polar_n).any()
                else float("nan"),
                "sentiment_n": int(((main == j) & polar_n).sum()),
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
        coverage=coverage,
    )
