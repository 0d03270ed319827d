"""How many themes: stability across refits and coherence on held-out documents.

:func:`choose_n_themes` fits each candidate number of themes ``k`` three times, each time on the
answer sentences of a different random 80 % of the documents (interviews), and measures:

* **coherence** — the mean normalised pointwise mutual information (NPMI, Lau et al. 2014) of
  each theme's top terms, counted in the 20 % of documents that fit did *not* see (held out),
  so a theme only scores if its words go together in text the model has not learnt from; the
  mean of the fits;
* **stability** — how alike the fits' themes are: for each pair of fits, the themes matched one
  to one (Hungarian assignment on the cosine similarity of their term weights) and the mean
  matched similarity; averaged over the pairs;
* **reconstruction error** of the first fit (the old elbow criterion, reported).

A number is *eligible* when, in every fit, its smallest theme is the main theme of at least
``min_share`` of the sentences fitted (a theme of two sentences is a fragment, not something
people talk about; it has nothing to quote). The numbers are tried from the smallest up; the
first fit that makes an ineligible number after an eligible one ends the search (more themes
only make the smallest one smaller), which spares the costliest fits: the table then stops
at that number.

The number kept is the most **stable** eligible one: the themes a refit on other interviews
gives back most alike, as segmentation keeps the segments that come back. Numbers within
``tie`` of its stability are *near ties*: the largest of them is kept (as stable, and finer:
themes can be read together, a merged theme cannot be read apart) and the others are flagged
(``near_tie``), which the report states, since choosing between them is a judgement call.
Coherence is reported, not used to choose: on interviews, where one person talks about several
themes, held-out co-occurrence rewards merging the themes one segment talks about (on the demo
it prefers 4-5 themes for 15 planted ones). A user who knows better fixes ``n_themes``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

__all__ = ["choose_n_themes", "npmi"]


def npmi(top: Sequence[int], occurrence: np.ndarray) -> float:
    """Mean NPMI of the pairs of ``top`` terms over the documents of ``occurrence``.

    Parameters
    ----------
    top : sequence of int
        Column indices of the terms.
    occurrence : ndarray of bool
        Documents x terms: whether the document holds the term.

    Returns
    -------
    float
        In [-1, 1]; a pair never seen together scores -1, a pair always together 1.
    """
    n = occurrence.shape[0]
    if n == 0 or len(top) < 2:
        return 0.0
    sub = occurrence[:, list(top)].astype(float)
    df = sub.sum(axis=0)
    co = sub.T @ sub
    values = []
    for i in range(len(top)):
        for j in range(i + 1, len(top)):
            p_ab = co[i, j] / n
            if p_ab <= 0:
                values.append(-1.0)
            elif p_ab >= 1:
                values.append(1.0)
            else:
                pmi = math.log(p_ab / ((df[i] / n) * (df[j] / n)))
                values.append(pmi / -math.log(p_ab))
    return float(np.mean(values))


def _stability(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.optimize import linear_sum_assignment

    an = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    bn = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
    sim = an @ bn.T
    rows, cols = linear_sum_assignment(-sim)
    return float(sim[rows, cols].mean())


def choose_n_themes(
    X,
    unit_documents: np.ndarray,
    occurrence: np.ndarray,
    occurrence_documents: np.ndarray,
    candidates: Sequence[int],
    fit: Callable[[object, int], object],
    *,
    n_top: int = 5,
    random_state: int = 0,
    tie: float = 0.02,
    min_share: float = 0.02,
    n_refits: int = 3,
) -> pd.DataFrame:
    """The evidence for each number of themes, and the one chosen.

    Parameters
    ----------
    X : sparse matrix
        TF-IDF of the distinct answer sentences (rows) over the terms.
    unit_documents : ndarray of int
        The document (interview) code of each row of ``X``.
    occurrence : ndarray of bool
        Sentences x terms presence, for the held-out coherence.
    occurrence_documents : ndarray of int
        The document code of each row of ``occurrence``.
    candidates : sequence of int
        Numbers of themes to try.
    fit : callable
        ``fit(X_rows, k)`` returns a fitted NMF (with ``components_`` and
        ``reconstruction_err_``).
    n_top : int
        Top terms per theme whose coherence is measured.
    random_state : int
        Seed of the two document splits.
    tie : float
        Stability this close to the best makes a near tie (see the module's description).
    min_share : float
        Share of the fitted sentences the smallest theme must hold (eligibility).
    n_refits : int
        Fits per number of themes, each on another random 80 % of the documents.

    Returns
    -------
    DataFrame
        ``k``, ``reconstruction_error``, ``coherence``, ``stability``, ``smallest_share``,
        ``eligible``, ``chosen``, ``near_tie``.
    """
    rng = np.random.default_rng(random_state)
    n_docs = int(max(unit_documents.max(), occurrence_documents.max())) + 1
    splits = []
    for _ in range(n_refits):
        held = np.zeros(n_docs, dtype=bool)
        held[rng.permutation(n_docs)[: max(1, round(0.2 * n_docs))]] = True
        splits.append((held, np.nonzero(~held[unit_documents])[0]))
    rows = []
    for k in sorted(candidates):
        fits, coherence, smallest = [], [], []
        for held, rows_in in splits:
            rows_ = X[rows_in]
            model = fit(rows_, k)
            fits.append(model)
            main = np.asarray(model.transform(rows_)).argmax(axis=1)
            smallest.append(np.bincount(main, minlength=k).min() / max(len(main), 1))
            coherence.append(
                np.mean(
                    [
                        npmi(np.argsort(-h)[:n_top], occurrence[held[occurrence_documents]])
                        for h in model.components_
                    ]
                )
            )
            if smallest[-1] < min_share and any(r["smallest_share"] >= min_share for r in rows):
                break  # ineligible, and a smaller number was not: larger ones are not tried
        rows.append(
            {
                "k": int(k),
                "reconstruction_error": float(fits[0].reconstruction_err_),
                "coherence": float(np.mean(coherence)),
                "stability": float(
                    np.mean(
                        [
                            _stability(a.components_, b.components_)
                            for i, a in enumerate(fits)
                            for b in fits[i + 1 :]
                        ]
                    )
                )
                if len(fits) > 1
                else float("nan"),
                "smallest_share": float(min(smallest)),
            }
        )
        if rows[-1]["smallest_share"] < min_share and any(
            r["smallest_share"] >= min_share for r in rows
        ):
            break
    table = pd.DataFrame(rows)
    table["eligible"] = table["smallest_share"] >= min_share
    pool = table[table["eligible"]] if table["eligible"].any() else table
    top = float(pool["stability"].max())
    ties = pool[pool["stability"] >= top - tie]
    best = ties.sort_values("k").iloc[-1]  # equally stable: the finer themes
    table["chosen"] = table["k"] == int(best["k"])
    table["near_tie"] = table["k"].isin(ties["k"]) & ~table["chosen"]
    return table
