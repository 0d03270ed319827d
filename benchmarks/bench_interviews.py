"""Interview themes against the plain baseline: coherence on held-out text, fillers, time.

    python benchmarks/bench_interviews.py            # House of Commons (1,000 speeches) + demo
    python benchmarks/bench_interviews.py --corpus hoc --repeat 10   # about 10,000 documents

For each corpus the documents are split once (seeded) into 80 % to fit and 20 % held out.

* **baseline**: scikit-learn's TF-IDF (its stock English stop-word list, min_df=2) of whole
  documents, NMF with the same number of themes omniseg chose;
* **baseline on the answers only**: the same, on the interviewee's sentences
  (``omniseg.voice.answers.parse_transcript``: speaker labels and interviewer turns removed);
* **omniseg**: ``omniseg.voice.themes.extract_themes`` on the same 80 %, choosing its number of
  themes (stability across refits, coherence on held-out documents).

Printed per corpus: the number of themes, each model's NPMI coherence of its top 5 terms on
the held-out documents (each counted in its own representation of those documents: raw
words for the baseline, omniseg's lemmas and concepts, read in each document's language, for
omniseg), how many themes have a stop
word or conversational filler (the ``stop-words`` lists and omniseg's fillers, both
languages) or a URL fragment among their top 5 words, and the wall times with their ratio.
``--repeat N`` makes the corpus N times larger (each copy's documents get their own ids and
a copy number word appended to every sentence, so they are not verbatim duplicates) to time
10,000 documents.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
HOC = ROOT / "tests" / "data" / "text" / "house_of_commons_sample.csv.gz"


def _hoc(repeat: int) -> pd.DataFrame:
    raw = pd.read_csv(HOC).dropna(subset=["text"])
    raw = raw[raw["text"].str.len() > 0]
    parts = []
    for r in range(repeat):
        suffix = "" if r == 0 else f" copy{r}"
        parts.append(
            pd.DataFrame(
                {
                    "interview_id": [f"R{r}S{i:04d}" for i in range(len(raw))],
                    "text": [
                        re.sub(r"([.!?])(\s|$)", rf"\1{suffix}\2", t) if suffix else t
                        for t in raw["text"].astype(str)
                    ],
                    "language": "en",
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _demo() -> pd.DataFrame:
    import omniseg

    return omniseg.load_demo().interviews


def _npmi_of(top_terms: list[list[str]], docs: list[set[str]]) -> float:
    from omniseg.voice.theme_selection import npmi

    vocab = sorted({t for top in top_terms for t in top})
    index = {t: i for i, t in enumerate(vocab)}
    occ = np.array([[t in d for t in vocab] for d in docs], dtype=bool)
    return float(np.mean([npmi([index[t] for t in top], occ) for top in top_terms]))


def _bad_words() -> frozenset[str]:
    from omniseg.voice.text_terms import _fold, _stop_words

    return frozenset(_fold(w) for w in _stop_words())


def _flagged(words: list[list[str]], bad: frozenset[str]) -> int:
    from omniseg.voice.text_terms import _fold

    url = re.compile(r"^(?:http|https|www|com|html|nyti|reut|twimg|bit|ly)$")
    return sum(
        any(
            _fold(p) in bad or url.match(_fold(p))
            for w in top[:5]
            for p in re.split(r"[\s_]+", w)
            if p
        )
        for top in words
    )


def bench(name: str, docs: pd.DataFrame, seed: int = 0) -> None:
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    from omniseg.voice.text_terms import TermAnalyzer
    from omniseg.voice.themes import extract_themes

    rng = np.random.default_rng(seed)
    held = np.zeros(len(docs), dtype=bool)
    held[rng.permutation(len(docs))[: round(0.2 * len(docs))]] = True
    train, test = docs[~held].reset_index(drop=True), docs[held].reset_index(drop=True)

    t0 = time.perf_counter()
    themes = extract_themes(train, random_state=seed)
    ours_s = time.perf_counter() - t0
    k = len(themes.themes)
    ours_top = [list(t)[:5] for t in themes.themes["top_stems"]]
    ours_words = [list(t)[:5] for t in themes.themes["top_terms"]]
    analyzer = TermAnalyzer()
    test_terms = [
        set(analyzer.terms(text, lang))
        for text, lang in zip(test["text"], test["language"], strict=True)
    ]

    t0 = time.perf_counter()
    vec = TfidfVectorizer(stop_words="english", min_df=2)
    X = vec.fit_transform(train["text"])
    base = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400).fit(X)
    base_s = time.perf_counter() - t0
    terms = np.array(vec.get_feature_names_out())
    base_top = [list(terms[np.argsort(-h)[:5]]) for h in base.components_]
    analyse = CountVectorizer(stop_words="english").build_analyzer()
    test_words = [set(analyse(text)) for text in test["text"]]

    # the same baseline on the interviewee's answers only (speaker labels and the interviewer's
    # turns removed, as omniseg reads them): the comparison on the same text
    from omniseg.voice.answers import parse_transcript

    def answers(texts: pd.Series) -> list[str]:
        return [" ".join(parse_transcript(str(t)).sentences) for t in texts]

    vec_a = TfidfVectorizer(stop_words="english", min_df=2)
    base_a = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400).fit(
        vec_a.fit_transform(answers(train["text"]))
    )
    terms_a = np.array(vec_a.get_feature_names_out())
    base_a_top = [list(terms_a[np.argsort(-h)[:5]]) for h in base_a.components_]
    test_answers = [set(analyse(text)) for text in answers(test["text"])]

    fixed_t0 = time.perf_counter()
    extract_themes(train, random_state=seed, n_themes=k)
    fixed_s = time.perf_counter() - fixed_t0

    bad = _bad_words()
    print(f"\n== {name}: {len(train):,} documents fitted, {len(test):,} held out")
    chosen = themes.selection[themes.selection["chosen"]].iloc[0]
    ties = themes.selection.loc[themes.selection["near_tie"], "k"].tolist()
    print(f"themes chosen: k={k} (stability {chosen['stability']:.2f}; near ties: {ties})")
    print(f"bilingual themes: {themes.themes['languages'].eq('es+en').mean():.0%}")
    print(f"NPMI on held-out docs   omniseg {_npmi_of(ours_top, test_terms):+.3f}   "
          f"baseline {_npmi_of(base_top, test_words):+.3f}   "
          f"(baseline on the answers only {_npmi_of(base_a_top, test_answers):+.3f})")  # fmt: skip
    print(f"themes with a stop word, filler or URL in their top 5: omniseg "
          f"{_flagged(ours_words, bad)}/{k}   baseline {_flagged(base_top, bad)}/{k}   "
          f"(answers only {_flagged(base_a_top, bad)}/{k})")  # fmt: skip
    print(
        f"time: omniseg {ours_s:.1f} s (k chosen; {fixed_s:.1f} s at fixed k)   baseline "
        f"{base_s:.1f} s   ratio {ours_s / base_s:.1f}x ({fixed_s / base_s:.1f}x at fixed k)"
    )
    print("omniseg themes:  " + " | ".join(themes.themes["label"].head(8)))
    print("baseline themes: " + " | ".join(" · ".join(t[:4]) for t in base_top[:8]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["hoc", "demo", "all"], default="all")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if args.corpus in ("hoc", "all"):
        bench(f"House of Commons x{args.repeat}", _hoc(args.repeat))
    if args.corpus in ("demo", "all"):
        bench("demo interviews (es/en)", _demo())


if __name__ == "__main__":
    main()
