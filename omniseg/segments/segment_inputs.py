"""Which inputs the segments follow, and the typing tool that asks about them.

:func:`input_dominance` measures how much of each basis input the segments explain (eta² for
numbers, normalised mutual information for categories): a
:class:`~omniseg.segments.segmentation.Segmentation` warns when its segments are one input
re-labelled. :func:`fit_typing_tool` fits the report's typing tool: the default questions, or a
customer table's most telling attributes when those cannot be answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TYPING_ATTRIBUTES", "fit_typing_tool", "input_dominance"]


def input_dominance(features: pd.DataFrame, labels: np.ndarray, basis: Any) -> pd.DataFrame:
    """How much of each basis input the segments explain.

    Numbers: eta² (the share of the input's variance between segments, the R² of the input on
    the segment labels); categories: normalised mutual information with the labels. The channel
    mix counts as one input (the main channel, as a category). A value near 1 means the
    segments are that input re-labelled (e.g. age bands), whatever the other inputs say.

    Parameters
    ----------
    features : DataFrame
    labels : ndarray
    basis : SegmentationBasis
        Fitted.

    Returns
    -------
    DataFrame
        ``column``, ``measure`` (``"eta2"`` or ``"nmi"``), ``value``; one row per input.
    """
    from sklearn.metrics import normalized_mutual_info_score

    rows = []
    sources = dict.fromkeys(spec["source"] for spec in basis.columns_ if spec["kind"] != "mix")
    if basis.channels_:
        cols = [f"interactions_{c}" for c in basis.channels_]
        counts = features[cols].fillna(0).to_numpy(float)
        main = np.where(counts.sum(axis=1) > 0, counts.argmax(axis=1), -1)
        value = normalized_mutual_info_score(main, labels)
        rows.append({"column": "main_channel", "measure": "nmi", "value": float(value)})
    for col in sources:
        values = features[col]
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype
        ):
            x = values.astype("float64").to_numpy(na_value=np.nan)
            ok = np.isfinite(x)
            if ok.sum() < 3 or np.nanvar(x[ok]) == 0:
                continue
            grand = x[ok].mean()
            groups = pd.Series(x[ok]).groupby(labels[ok])
            between = float((groups.count() * (groups.mean() - grand) ** 2).sum())
            total = float(((x[ok] - grand) ** 2).sum())
            rows.append({"column": col, "measure": "eta2", "value": between / total})
        else:
            codes = pd.factorize(values.astype("string").fillna("(missing)"))[0]
            rows.append(
                {
                    "column": col,
                    "measure": "nmi",
                    "value": float(normalized_mutual_info_score(codes, labels)),
                }
            )
    return pd.DataFrame(rows, columns=["column", "measure", "value"])


#: Questions the typing tool of a plain customer table asks at most (its attributes that tell
#: the segments apart best, by :func:`input_dominance`).
TYPING_ATTRIBUTES = 5


def fit_typing_tool(
    features: pd.DataFrame,
    labels: Any,
    segment_names: Sequence[str],
    *,
    basis: Any = None,
    seed: int = 42,
) -> Any:
    """The report's typing tool: the default questions, or a customer table's own attributes.

    The default questions (age, main channel, number of channels) need the CRM's age or the
    interactions. A table where none of them can be answered or varies (a CRM-only export
    without age; one channel and no CRM) is asked the :data:`TYPING_ATTRIBUTES` basis inputs
    that tell the segments apart best (eta² or normalised mutual information with the labels,
    :func:`input_dominance`), as they are.

    Parameters
    ----------
    features : DataFrame
    labels : array-like
        Segment per row of ``features``.
    segment_names : sequence of str
    basis : SegmentationBasis, optional
        The fitted basis the segments were formed on (needed for the attribute questions).
    seed : int

    Returns
    -------
    omniseg.segments.TypingTool
        Fitted.
    """
    from omniseg.segments.typing_questions import DEFAULT_QUESTIONS, TYPING_QUESTIONS
    from omniseg.segments.typing_tool import TypingTool

    labels = np.asarray(labels)
    questions = None

    def informative(name: str) -> bool:
        answers = TYPING_QUESTIONS[name].derive(features)
        return answers is not None and answers.dropna().astype(str).nunique() >= 2

    if basis is not None and not any(informative(q) for q in DEFAULT_QUESTIONS):
        ranked = input_dominance(features, labels, basis).sort_values(
            ["value", "column"], ascending=[False, True], kind="stable"
        )
        ranked = ranked[ranked["column"].isin(features.columns)]
        questions = ranked["column"].head(TYPING_ATTRIBUTES).tolist() or None
    # depth 4: on the demo data depth 3 never assigns the smallest planted segment
    # (cross-validated accuracy 0.78 vs 0.91 at depth 4)
    kw = {} if questions is None else {"questions": questions}
    return TypingTool(max_depth=4, random_state=seed, **kw).fit(
        features, labels, segment_names=list(segment_names)
    )
