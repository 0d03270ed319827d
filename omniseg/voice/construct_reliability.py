"""Reliability of survey constructs: Cronbach's alpha and item-rest correlations.

A construct measured by several Likert items (see :mod:`omniseg.voice.survey`) is reliable when
its items move together. :func:`cronbach_alpha` measures that on an answer matrix,
:func:`item_rest_correlations` shows which item pulls a construct down and :func:`reliability`
flags the constructs below ``min_alpha`` for the report to show (the library emits no warnings).
Reverse items are recoded first. See ``docs/survey.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from omniseg._checks import check_real as _check_real
from omniseg.errors import ParameterError
from omniseg.voice.survey import _check_survey, _flat, _groups, _items, _recoded

__all__ = ["cronbach_alpha", "item_rest_correlations", "reliability"]


# ------------------------------------------------------------------------------------------
# reliability
# ------------------------------------------------------------------------------------------


def cronbach_alpha(x: np.ndarray) -> float:
    """Cronbach's alpha of a complete (respondents x items) answer matrix.

    ``k / (k - 1) * (1 - sum(item variances) / variance(total))`` with sample variances
    (``ddof=1``). NaN when it is undefined: fewer than 2 items or 2 respondents, or a total score
    that does not vary.

    Parameters
    ----------
    x : array-like of shape (n_respondents, n_items)
        Answers after reverse coding, without missing values.

    Returns
    -------
    float

    Examples
    --------
    Item variances 1 and 1/3, total scores 3, 5, 6 with variance 7/3, so alpha is
    ``2 * (1 - (4/3) / (7/3)) = 6/7``:

    >>> round(cronbach_alpha([[1, 2], [2, 3], [3, 3]]), 4)
    0.8571
    """
    x = np.asarray(x, dtype="float64")
    if x.ndim != 2:
        raise ParameterError(
            f"The 'x' parameter of cronbach_alpha must be a 2-D array. Got {x.ndim} dimension(s) "
            "instead."
        )
    n, k = x.shape
    if k < 2 or n < 2:
        return float("nan")
    total_var = x.sum(axis=1).var(ddof=1)
    if not total_var > 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var))


def _item_rest(x: np.ndarray) -> np.ndarray:
    """Correlation of each column with the sum of the other columns (NaN where undefined)."""
    n, k = x.shape
    if n < 2 or k < 2:
        return np.full(k, np.nan)
    rest = x.sum(axis=1, keepdims=True) - x
    xc = x - x.mean(axis=0)
    rc = rest - rest.mean(axis=0)
    denom = np.sqrt((xc**2).sum(axis=0) * (rc**2).sum(axis=0))
    out = np.full(k, np.nan)
    np.divide((xc * rc).sum(axis=0), denom, out=out, where=denom > 0)
    return out


def _complete_blocks(survey: pd.DataFrame, codebook: dict):
    """Yield (construct, items, complete-case matrix after reverse coding) per construct."""
    items = _items(codebook)
    groups = _groups(items)
    matrix = _recoded(survey, items, _flat(groups))
    start = 0
    for construct, members in groups.items():
        block = matrix[:, start : start + len(members)]
        start += len(members)
        yield construct, members, block[~np.isnan(block).any(axis=1)]


def item_rest_correlations(survey: pd.DataFrame, codebook: dict) -> pd.DataFrame:
    """Correlation of each Likert item with the rest of its construct (corrected item-total r).

    Computed on the construct's complete cases after reverse coding, like :func:`reliability`.
    A low or negative value points to an item that measures something else, or whose reverse
    flag in the codebook is wrong.

    Parameters
    ----------
    survey : DataFrame
        As for :func:`score_constructs`.
    codebook : dict
        As returned by :func:`omniseg.ingest.load_codebook`.

    Returns
    -------
    DataFrame
        ``construct``, ``item``, ``item_rest_r`` (NaN for a single-item construct, fewer than 2
        complete cases, or an item or rest that does not vary), in codebook order.

    Raises
    ------
    DataValidationError
        As :func:`score_constructs`.

    Examples
    --------
    >>> import pandas as pd
    >>> codebook = {"items": {
    ...     "q1": {"type": "likert", "scale": [1, 5], "construct": "trust"},
    ...     "q2": {"type": "likert", "scale": [1, 5], "construct": "trust", "reverse": True},
    ... }}
    >>> survey = pd.DataFrame({"respondent_id": ["R1", "R2", "R3"],
    ...                        "q1": [1, 3, 5], "q2": [5, 3, 2]})
    >>> item_rest_correlations(survey, codebook).round(3)
      construct item  item_rest_r
    0     trust   q1        0.982
    1     trust   q2        0.982
    """
    survey = _check_survey(survey, "item_rest_correlations")
    frames = [
        pd.DataFrame({"construct": construct, "item": members, "item_rest_r": _item_rest(x)})
        for construct, members, x in _complete_blocks(survey, codebook)
    ]
    if not frames:
        return pd.DataFrame(
            {
                "construct": pd.Series(dtype=object),
                "item": pd.Series(dtype=object),
                "item_rest_r": pd.Series(dtype="float64"),
            }
        )
    return pd.concat(frames, ignore_index=True)


def reliability(survey: pd.DataFrame, codebook: dict, *, min_alpha: float = 0.7) -> pd.DataFrame:
    """Internal consistency of every construct: Cronbach's alpha and the weakest item.

    Alpha is computed on the construct's complete cases (respondents who answered all its items)
    after reverse coding, with sample variances (``ddof=1``). No warning is emitted: a construct
    below ``min_alpha`` is flagged ``reliable=False`` for the report to show.

    Parameters
    ----------
    survey : DataFrame
        As for :func:`score_constructs`.
    codebook : dict
        As returned by :func:`omniseg.ingest.load_codebook`.
    min_alpha : float, default 0.7
        Alpha at or above which a construct counts as reliable (0.7 is the usual rule of thumb
        for scales used to compare groups).

    Returns
    -------
    DataFrame
        One row per construct, in codebook order: ``construct``, ``n_items``, ``n_respondents``
        (complete cases used), ``alpha`` (NaN when undefined: a single item, fewer than 2
        complete cases, or a constant total), ``lowest_item`` and ``lowest_item_rest_r`` (the item
        with the lowest item-rest correlation, see :func:`item_rest_correlations`; None/NaN when
        undefined) and ``reliable`` (``alpha >= min_alpha``; False when alpha is NaN).

    Raises
    ------
    DataValidationError
        As :func:`score_constructs`.
    ParameterError
        ``min_alpha`` is not a number in [0, 1].

    Examples
    --------
    >>> import pandas as pd
    >>> codebook = {"items": {
    ...     "q1": {"type": "likert", "scale": [1, 5], "construct": "trust"},
    ...     "q2": {"type": "likert", "scale": [1, 5], "construct": "trust"},
    ...     "q3": {"type": "likert", "scale": [1, 5], "construct": "trust", "reverse": True},
    ...     "q4": {"type": "likert", "scale": [1, 5], "construct": "speed"},
    ... }}
    >>> survey = pd.DataFrame({
    ...     "respondent_id": ["R1", "R2", "R3", "R4"],
    ...     "q1": [1, 2, 4, 5], "q2": [2, 2, 4, 5], "q3": [5, 4, 2, None], "q4": [1, 2, 3, 4],
    ... })
    >>> reliability(survey, codebook)[["construct", "n_respondents", "alpha", "reliable"]]
      construct  n_respondents     alpha  reliable
    0     trust              3  0.980769      True
    1     speed              4       NaN     False
    """
    survey = _check_survey(survey, "reliability")
    min_alpha = _check_real(min_alpha, "min_alpha", "reliability", 0.0, 1.0)
    rows = []
    for construct, members, x in _complete_blocks(survey, codebook):
        r = _item_rest(x)
        defined = ~np.isnan(r)
        lowest = int(np.argmin(np.where(defined, r, np.inf))) if defined.any() else None
        alpha = cronbach_alpha(x)
        rows.append(
            {
                "construct": construct,
                "n_items": len(members),
                "n_respondents": len(x),
                "alpha": alpha,
                "lowest_item": members[lowest] if lowest is not None else None,
                "lowest_item_rest_r": float(r[lowest]) if lowest is not None else float("nan"),
                "reliable": bool(alpha >= min_alpha),  # NaN compares False
            }
        )
    columns = [
        "construct",
        "n_items",
        "n_respondents",
        "alpha",
        "lowest_item",
        "lowest_item_rest_r",
        "reliable",
    ]
    return pd.DataFrame(rows, columns=columns).astype(
        {
            "n_items": "int64",
            "n_respondents": "int64",
            "alpha": "float64",
            "lowest_item_rest_r": "float64",
            "reliable": "bool",
        }
    )
