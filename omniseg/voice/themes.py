"""Interview themes: TF-IDF of the answer sentences factorised by NMF (:func:`extract_themes`).

:func:`extract_themes` leaves out self-introductions (age, where the interviewee lives, years as
a customer: :data:`INTRODUCTION_PATTERNS`) and represents every other distinct answer sentence by
TF-IDF weights of its words -- lower-cased, accents folded, Spanish and English stop words
removed, every word cut to its first :data:`STEM_LENGTH` letters (a crude stemmer that also joins
most inflections and many Spanish/English cognates: *notificaciones* and *notifications* both
become ``notif``) -- and factorises that matrix with non-negative matrix factorisation (NMF). The
number of themes is the elbow of the reconstruction error over a range. The result is an
:class:`omniseg.voice.interviews.InterviewThemes`. Everything is deterministic for a given
``random_state``; see ``docs/interviews.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from omniseg._checks import bad_parameter, check_int
from omniseg.errors import ParameterError
from omniseg.voice.answers import _check_interviews, split_answers
from omniseg.voice.interviews import InterviewThemes
from omniseg.voice.language import (
    ENGLISH_STOP_WORDS,
    SPANISH_STOP_WORDS,
    _check_text,
    _fold,
    _words,
    detect_language,
)
from omniseg.voice.pii import _PLACEHOLDERS, _as_list, _name_pattern, scrub_pii

__all__ = ["DEFAULT_CONFIG", "INTRODUCTION_PATTERNS", "STEM_LENGTH", "extract_themes"]


#: How many leading letters of a (folded) word are kept: a truncation stemmer. Five letters join
#: inflections (compro/comprar/compras -> ``compr``) and many cognates across the two languages
#: (producto/product -> ``produ``, problema/problem -> ``probl``).
STEM_LENGTH = 5

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


def _stems(sentence: str) -> list[str]:
    """Content word stems of a (scrubbed) sentence: folded, stop words out, cut to STEM_LENGTH."""
    for ph in _PLACEHOLDERS:
        sentence = sentence.replace(ph, " ")
    return [
        w[:STEM_LENGTH]
        for w in _words(sentence)
        if len(w) >= 3 and w not in SPANISH_STOP_WORDS and w not in ENGLISH_STOP_WORDS
    ]


def _excluded_stems(terms: Iterable[str] | None) -> frozenset[str]:
    """The stems of ``exclude_terms`` (every content word of every term)."""
    if terms is None:
        return frozenset()
    if isinstance(terms, str) or not isinstance(terms, Iterable):
        raise bad_parameter(
            "exclude_terms",
            "extract_themes",
            "a list of words or phrases (e.g. the CRM's city names)",
            terms,
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

    Method. Every interview is cut into the interviewee's sentences
    (:func:`~omniseg.voice.answers.split_answers`), scrubbed (:func:`~omniseg.voice.pii.scrub_pii`)
    and reduced to content word stems: folded to lower-case ASCII,
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
        raise bad_parameter("language", "extract_themes", "'es', 'en' or None", language)
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
        n_themes = check_int(n_themes, "n_themes", "extract_themes", 1)
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
