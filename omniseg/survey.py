"""Survey scoring: construct scores, reliability (Cronbach's alpha), NPS, per-customer features.

A *construct* is an attitude measured by several Likert items: the codebook gives each such item
``type: likert``, a ``scale: [lo, hi]``, ``construct: <name>`` and ``reverse: true`` for items
worded the other way round ("I find online shopping complicated" for digital affinity). Reverse
items are recoded as ``lo + hi - x`` before anything else, so that a high score always means more
of the construct.

Every function takes the survey as a DataFrame (as :func:`omniseg.io.load_survey` returns it) and
the codebook as :func:`omniseg.io.load_codebook` returns it (a hand-written dict is checked the
same way). Answers are checked before they are used: a codebook item missing from the survey, a
non-numeric answer or an answer outside the item's scale raises one
:class:`~omniseg.errors.DataValidationError` listing every problem, with spreadsheet-style row
numbers (the header is row 1, the survey's first respondent row 2). The library emits no warnings:
weak constructs are *flagged* (:func:`reliability`) for the report to show.

See ``docs/survey.md``.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
import pandas as pd

from omniseg.errors import MAX_ROWS_SHOWN, DataValidationError, ParameterError, Problem
from omniseg.io import load_codebook

__all__ = [
    "constructs",
    "cronbach_alpha",
    "customer_survey_features",
    "item_rest_correlations",
    "nps",
    "reliability",
    "score_constructs",
]

#: The source name survey problems are reported under.
SURVEY_SOURCE = "<survey>"
#: The source name codebook problems found here are reported under.
CODEBOOK_SOURCE = "<codebook>"
#: Spreadsheet row of the survey's first respondent (the header is row 1).
_FIRST_ROW = 2


# ------------------------------------------------------------------------------------------
# parameters and codebook
# ------------------------------------------------------------------------------------------


def _check_int(value: object, name: str, caller: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise ParameterError(
            f"The '{name}' parameter of {caller} must be an int in [{low}, inf). "
            f"Got {value!r} instead."
        )
    return int(value)


def _check_real(value: object, name: str, caller: str, low: float, high: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not math.isfinite(float(value))
        or not low <= value <= high
    ):
        raise ParameterError(
            f"The '{name}' parameter of {caller} must be a float in [{low}, {high}]. "
            f"Got {value!r} instead."
        )
    return float(value)


def _check_survey(survey: object, caller: str) -> pd.DataFrame:
    if not isinstance(survey, pd.DataFrame):
        raise ParameterError(
            f"The 'survey' parameter of {caller} must be a pandas DataFrame. "
            f"Got {type(survey).__name__} instead."
        )
    return survey


def _items(codebook: dict) -> dict[str, dict]:
    """The codebook's items, checked and with defaults filled in (idempotent on a loaded one)."""
    return load_codebook(codebook)["items"]


def constructs(codebook: dict) -> dict[str, list[str]]:
    """The constructs of a codebook and their Likert items, in codebook order.

    Parameters
    ----------
    codebook : dict
        As returned by :func:`omniseg.io.load_codebook`: ``{"items": {name: spec}}``. Items of
        ``type: likert`` with a ``construct`` key belong to that construct; other items (single
        choice, NPS, numeric) belong to none.

    Returns
    -------
    dict
        ``{construct: [item, ...]}``.

    Examples
    --------
    >>> constructs({"items": {
    ...     "q1": {"type": "likert", "scale": [1, 5], "construct": "trust"},
    ...     "q2": {"type": "likert", "scale": [1, 5], "construct": "trust", "reverse": True},
    ...     "nps": {"type": "nps"},
    ... }})
    {'trust': ['q1', 'q2']}
    """
    return _groups(_items(codebook))


def _groups(items: dict[str, dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, spec in items.items():
        if spec["type"] == "likert" and spec.get("construct") is not None:
            out.setdefault(str(spec["construct"]), []).append(name)
    return out


def _nps_items(items: dict[str, dict]) -> list[str]:
    return [name for name, spec in items.items() if spec["type"] == "nps"]


# ------------------------------------------------------------------------------------------
# answers: checked and converted to a float matrix
# ------------------------------------------------------------------------------------------


def _rows(positions: np.ndarray) -> tuple[int, ...]:
    return tuple(int(p) + _FIRST_ROW for p in positions[:MAX_ROWS_SHOWN])


def _examples(values: pd.Series) -> str:
    shown = list(dict.fromkeys(str(v) for v in values.head(3)))
    return ", ".join(repr(v) for v in shown)


def _numeric(column: pd.Series, name: str, problems: list[Problem]) -> np.ndarray:
    """The column as float64 (missing answers NaN); unreadable cells become problems."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column):
        return column.astype("float64").to_numpy(na_value=np.nan)
    text = column.astype("string").str.strip()
    blank = text.isna() | (text == "")
    values = pd.to_numeric(text.mask(blank), errors="coerce").astype("float64")
    bad = (values.isna() & ~blank).to_numpy()
    if bad.any():
        positions = np.flatnonzero(bad)
        problems.append(
            Problem(
                SURVEY_SOURCE,
                name,
                f"{len(positions)} answer(s) that are not numbers, "
                f"e.g. {_examples(column.iloc[positions])}",
                "answer with a number on the item's scale, or leave the cell blank",
                _rows(positions),
                len(positions),
            )
        )
    return values.to_numpy()


def _answers(
    survey: pd.DataFrame, items: dict[str, dict], names: list[str], required: tuple[str, ...] = ()
) -> np.ndarray:
    """Checked answers of ``names`` as an (n_respondents, n_items) float matrix.

    Raises one DataValidationError with every missing column, unreadable and out-of-scale answer.
    """
    problems: list[Problem] = []
    for col in required:
        if col not in survey.columns:
            problems.append(
                Problem(
                    SURVEY_SOURCE,
                    col,
                    f"required column '{col}' not found. Columns found: {list(survey.columns)}",
                    f"add the '{col}' column (load the survey with omniseg.io.load_survey)",
                )
            )
    missing = [name for name in names if name not in survey.columns]
    for name in missing:
        construct = items[name].get("construct")
        of = f" of construct '{construct}'" if construct is not None else ""
        problems.append(
            Problem(
                SURVEY_SOURCE,
                name,
                f"codebook item '{name}'{of} is not a column of the survey",
                "add the column, rename it, or remove the item from the codebook",
            )
        )
    matrix = np.full((len(survey), len(names)), np.nan)
    for j, name in enumerate(names):
        if name in missing:
            continue
        values = _numeric(survey[name], name, problems)
        lo, hi = items[name].get("scale") or (-np.inf, np.inf)
        outside = ~np.isnan(values) & ((values < lo) | (values > hi))
        if outside.any():
            positions = np.flatnonzero(outside)
            shown = ", ".join(dict.fromkeys(f"{v:g}" for v in values[positions][:3]))
            problems.append(
                Problem(
                    SURVEY_SOURCE,
                    name,
                    f"{len(positions)} answer(s) outside the item's scale [{lo}, {hi}], "
                    f"e.g. {shown}",
                    f"correct or blank the answers outside [{lo}, {hi}] (rows count the header as "
                    "row 1), or fix the item's scale in the codebook",
                    _rows(positions),
                    len(positions),
                )
            )
        matrix[:, j] = values
    if problems:
        raise DataValidationError(problems)
    return matrix


def _recoded(survey: pd.DataFrame, items: dict[str, dict], names: list[str], **kw) -> np.ndarray:
    """Checked answers with reverse items recoded as ``lo + hi - x``."""
    matrix = _answers(survey, items, names, **kw)
    reverse = np.array([bool(items[n].get("reverse", False)) for n in names], dtype=bool)
    if reverse.any():
        scale = np.array([items[n]["scale"] for n in names], dtype="float64")
        flipped = scale[:, 0] + scale[:, 1] - matrix
        matrix = np.where(reverse, flipped, matrix)
    return matrix


def _flat(groups: dict[str, list[str]]) -> list[str]:
    return [name for names in groups.values() for name in names]


# ------------------------------------------------------------------------------------------
# scores
# ------------------------------------------------------------------------------------------


def score_constructs(
    survey: pd.DataFrame, codebook: dict, *, min_items: int | None = None
) -> pd.DataFrame:
    """Score every construct of the codebook for every respondent.

    A construct's score is the mean of its Likert items after reverse coding (``lo + hi - x`` on
    the item's scale ``[lo, hi]``), over the items the respondent answered. A respondent who
    answered fewer than ``min_items`` of a construct's items gets NaN for it.

    Parameters
    ----------
    survey : DataFrame
        One row per respondent, with ``respondent_id`` and the codebook's items as columns (as
        :func:`omniseg.io.load_survey` returns it). Blank cells are missing answers.
    codebook : dict
        As returned by :func:`omniseg.io.load_codebook`.
    min_items : int, optional
        Fewest answered items for a score. By default half of the construct's items, rounded up
        (2 of 3, 4 of 8). A value above a construct's item count means all of its items.

    Returns
    -------
    DataFrame
        ``respondent_id``, ``customer_id`` (when the survey has it), then one float column per
        construct named after it, in codebook order; one row per survey row, in survey order.

    Raises
    ------
    DataValidationError
        ``respondent_id`` or a construct item missing from the survey; answers that are not
        numbers or lie outside their item's scale (with row numbers, header = row 1).
    ParameterError
        ``min_items`` is not an int >= 1.

    Examples
    --------
    >>> import pandas as pd
    >>> codebook = {"items": {
    ...     "q1": {"type": "likert", "scale": [1, 5], "construct": "trust"},
    ...     "q2": {"type": "likert", "scale": [1, 5], "construct": "trust"},
    ...     "q3": {"type": "likert", "scale": [1, 5], "construct": "trust", "reverse": True},
    ... }}
    >>> survey = pd.DataFrame({
    ...     "respondent_id": ["R1", "R2", "R3"],
    ...     "q1": [5, 4, None],
    ...     "q2": [4, None, None],
    ...     "q3": [1, 2, 3],  # reversed: 5, 4, 3
    ... })
    >>> score_constructs(survey, codebook)
      respondent_id     trust
    0            R1  4.666667
    1            R2  4.000000
    2            R3       NaN

    R3 answered one item of three; ``min_items=1`` scores it anyway:

    >>> score_constructs(survey, codebook, min_items=1)["trust"].tolist()
    [4.666666666666667, 4.0, 3.0]
    """
    caller = "score_constructs"
    survey = _check_survey(survey, caller)
    if min_items is not None:
        min_items = _check_int(min_items, "min_items", caller, 1)
    items = _items(codebook)
    groups = _groups(items)
    matrix = _recoded(survey, items, _flat(groups), required=("respondent_id",))
    ids = ["respondent_id", *(["customer_id"] if "customer_id" in survey.columns else [])]
    out = survey[ids].reset_index(drop=True)
    start = 0
    for construct, members in groups.items():
        block = matrix[:, start : start + len(members)]
        start += len(members)
        needed = min(min_items or math.ceil(len(members) / 2), len(members))
        answered = (~np.isnan(block)).sum(axis=1)
        total = np.nansum(block, axis=1)
        score = np.full(len(block), np.nan)
        np.divide(total, answered, out=score, where=answered >= needed)
        out[construct] = score
    return out


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
        As returned by :func:`omniseg.io.load_codebook`.

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
        As returned by :func:`omniseg.io.load_codebook`.
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


# ------------------------------------------------------------------------------------------
# NPS
# ------------------------------------------------------------------------------------------


def _nps_item(items: dict[str, dict], item: str | None, caller: str) -> str:
    found = _nps_items(items)
    if item is not None:
        if item not in found:
            raise ParameterError(
                f"The 'item' parameter of {caller} must be an item of type nps in the codebook "
                f"({found}). Got {item!r} instead."
            )
        return item
    if not found:
        raise DataValidationError(
            [
                Problem(
                    CODEBOOK_SOURCE,
                    None,
                    "the codebook has no item of type 'nps'",
                    "give the 'how likely are you to recommend us' item type: nps (scale 0-10)",
                )
            ]
        )
    if len(found) > 1:
        raise ParameterError(
            f"The 'item' parameter of {caller} must name one of the codebook's nps items "
            f"{found} when there are several. Got None instead."
        )
    return found[0]


def nps(
    survey: pd.DataFrame,
    codebook: dict,
    *,
    weights: str | None = None,
    item: str | None = None,
) -> dict[str, float]:
    """Net Promoter Score: promoters (9-10), passives (7-8) and detractors (0-6).

    Parameters
    ----------
    survey : DataFrame
        One row per respondent with the NPS item as a column (blank = not answered).
    codebook : dict
        As returned by :func:`omniseg.io.load_codebook`; its item of ``type: nps`` is used.
    weights : str, optional
        Name of a survey column of respondent weights (non-negative), for weighted shares.
        By default every respondent counts once.
    item : str, optional
        The NPS item, when the codebook has several.

    Returns
    -------
    dict
        ``n`` (respondents who answered), ``n_effective`` (Kish's effective sample size
        ``sum(w)**2 / sum(w**2)``; ``n`` without weights), ``promoters``, ``passives``,
        ``detractors`` (shares in [0, 1], weighted when ``weights`` is given) and ``nps``
        (``100 * (promoters - detractors)``, in points from -100 to 100). Shares and NPS are NaN
        when nobody answered.

    Raises
    ------
    DataValidationError
        No nps item in the codebook, the item missing from the survey, answers that are not
        numbers or lie outside the item's scale, missing or negative weights of respondents who
        answered.
    ParameterError
        ``weights`` is not a survey column; ``item`` is not an nps item (or is needed).

    Examples
    --------
    >>> import pandas as pd
    >>> codebook = {"items": {"nps": {"type": "nps", "scale": [0, 10]}}}
    >>> survey = pd.DataFrame({"respondent_id": ["R1", "R2", "R3", "R4"],
    ...                        "nps": [10, 9, 7, 3], "w": [1.0, 1.0, 1.0, 3.0]})
    >>> nps(survey, codebook)  # doctest: +NORMALIZE_WHITESPACE
    {'n': 4, 'n_effective': 4.0, 'promoters': 0.5, 'passives': 0.25, 'detractors': 0.25,
     'nps': 25.0}

    Weighted, the detractor counts three times: promoters 2/6, detractors 3/6.

    >>> round(nps(survey, codebook, weights="w")["nps"], 2)
    -16.67
    """
    caller = "nps"
    survey = _check_survey(survey, caller)
    items = _items(codebook)
    name = _nps_item(items, item, caller)
    if weights is not None and (not isinstance(weights, str) or weights not in survey.columns):
        raise ParameterError(
            f"The 'weights' parameter of {caller} must be the name of a survey column or None. "
            f"Got {weights!r} instead."
        )
    score = _answers(survey, items, [name])[:, 0]
    answered = ~np.isnan(score)
    if weights is None:
        w = np.ones(len(survey))
    else:
        problems: list[Problem] = []
        w = _numeric(survey[weights], weights, problems)
        bad = answered & ~(np.isfinite(w) & (w >= 0))
        if bad.any():
            positions = np.flatnonzero(bad)
            problems.append(
                Problem(
                    SURVEY_SOURCE,
                    weights,
                    f"{len(positions)} respondent(s) with an NPS answer have a missing or "
                    "negative weight",
                    "give every respondent a weight >= 0, or drop the row",
                    _rows(positions),
                    len(positions),
                )
            )
        if problems:
            raise DataValidationError(problems)
    w = w[answered]
    score = score[answered]
    total = w.sum()
    n = int(answered.sum())
    if n == 0 or not total > 0:
        nan = float("nan")
        shares = {"promoters": nan, "passives": nan, "detractors": nan, "nps": nan}
        return {"n": n, "n_effective": 0.0, **shares}
    promoters = float(w[score >= 9].sum() / total)
    passives = float(w[(score >= 7) & (score < 9)].sum() / total)
    detractors = float(w[score < 7].sum() / total)
    return {
        "n": n,
        "n_effective": float(total**2 / (w**2).sum()),
        "promoters": promoters,
        "passives": passives,
        "detractors": detractors,
        "nps": 100 * (promoters - detractors),
    }


# ------------------------------------------------------------------------------------------
# per-customer features
# ------------------------------------------------------------------------------------------


def customer_survey_features(
    survey: pd.DataFrame, codebook: dict, *, min_items: int | None = None
) -> pd.DataFrame:
    """Survey features of customers, to join to the feature table on ``person_id == customer_id``.

    Only respondents linked to a customer (non-null ``customer_id``) are used. A customer who
    answered more than once gets the mean of their responses' scores (each score averaged over
    the responses where it is defined; a construct NaN in every response stays NaN).

    Parameters
    ----------
    survey : DataFrame
        As for :func:`score_constructs`, with a ``customer_id`` column.
    codebook : dict
        As returned by :func:`omniseg.io.load_codebook`.
    min_items : int, optional
        Passed to :func:`score_constructs`.

    Returns
    -------
    DataFrame
        One row per linked customer, sorted by ``customer_id``: ``customer_id``, then
        ``survey_<construct>`` per construct, then ``survey_nps`` (the 0-10 answer) when the
        codebook has one nps item, or ``survey_nps_<item>`` per nps item when it has several.

    Raises
    ------
    DataValidationError
        No ``customer_id`` column; otherwise as :func:`score_constructs` (and the nps items are
        checked the same way).
    ParameterError
        As :func:`score_constructs`.

    Examples
    --------
    >>> import pandas as pd
    >>> codebook = {"items": {
    ...     "q1": {"type": "likert", "scale": [1, 5], "construct": "trust"},
    ...     "q2": {"type": "likert", "scale": [1, 5], "construct": "trust"},
    ...     "nps": {"type": "nps", "scale": [0, 10]},
    ... }}
    >>> survey = pd.DataFrame({
    ...     "respondent_id": ["R1", "R2", "R3", "R4"],
    ...     "customer_id": ["C2", None, "C1", "C2"],
    ...     "q1": [5, 1, 2, 3], "q2": [5, 1, 4, 3], "nps": [10, 0, 6, 8],
    ... })
    >>> customer_survey_features(survey, codebook)
      customer_id  survey_trust  survey_nps
    0          C1           3.0         6.0
    1          C2           4.0         9.0
    """
    caller = "customer_survey_features"
    survey = _check_survey(survey, caller)
    if "customer_id" not in survey.columns:
        raise DataValidationError(
            [
                Problem(
                    SURVEY_SOURCE,
                    "customer_id",
                    "the survey has no 'customer_id' column, so no respondent is linked to a "
                    "customer",
                    "add the respondents' CRM customer_id (blank for anonymous respondents)",
                )
            ]
        )
    scores = score_constructs(survey, codebook, min_items=min_items)
    items = _items(codebook)
    nps_names = _nps_items(items)
    features = scores.drop(columns="respondent_id").rename(
        columns={c: f"survey_{c}" for c in _groups(items)}
    )
    if nps_names:
        answers = _answers(survey, items, nps_names)
        labels = ["survey_nps"] if len(nps_names) == 1 else [f"survey_nps_{n}" for n in nps_names]
        features[labels] = answers
    linked = features[features["customer_id"].notna()]
    out = linked.groupby("customer_id", sort=True).mean()
    return out.reset_index()
