"""Survey scoring: construct scores, reliability (Cronbach's alpha), NPS, per-customer features.

A *construct* is an attitude measured by several Likert items: the codebook gives each such item
``type: likert``, a ``scale: [lo, hi]``, ``construct: <name>`` and ``reverse: true`` for items
worded the other way round ("I find online shopping complicated" for digital affinity). Reverse
items are recoded as ``lo + hi - x`` before anything else, so that a high score always means more
of the construct.

Every function takes the survey as a DataFrame (as :func:`omniseg.ingest.load_survey` returns it)
and
the codebook as :func:`omniseg.ingest.load_codebook` returns it (a hand-written dict is checked the
same way). Answers are checked before they are used: a codebook item missing from the survey, a
non-numeric answer or an answer outside the item's scale raises one
:class:`~omniseg.errors.DataValidationError` listing every problem, with spreadsheet-style row
numbers (the header is row 1, the survey's first respondent row 2). The library emits no warnings:
weak constructs are *flagged* (:func:`reliability`) for the report to show.

Weights come from :func:`omniseg.voice.rake`; :func:`channel_tables` and :func:`nps` use
them. :func:`link_respondents` places respondents in segments (through their customer id, or the
typing tool for the others) and says which way each was placed.

See ``docs/survey.md``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from omniseg._checks import check_int as _check_int
from omniseg._checks import check_real as _check_real
from omniseg.config.vocabulary import normalise_channel, normalise_channels, order_channels
from omniseg.errors import MAX_ROWS_SHOWN, DataValidationError, ParameterError, Problem
from omniseg.ingest.io import load_codebook

__all__ = [
    "OVERALL",
    "channel_tables",
    "constructs",
    "cronbach_alpha",
    "customer_survey_features",
    "item_rest_correlations",
    "link_respondents",
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
        As returned by :func:`omniseg.ingest.load_codebook`: ``{"items": {name: spec}}``. Items of
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
                    f"add the '{col}' column (load the survey with omniseg.ingest.load_survey)",
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
        :func:`omniseg.ingest.load_survey` returns it). Blank cells are missing answers.
    codebook : dict
        As returned by :func:`omniseg.ingest.load_codebook`.
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
        As returned by :func:`omniseg.ingest.load_codebook`; its item of ``type: nps`` is used.
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
        As returned by :func:`omniseg.ingest.load_codebook`.
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


# ------------------------------------------------------------------------------------------
# channel tables
# ------------------------------------------------------------------------------------------

#: The ``segment`` label of the rows of :func:`channel_tables` about all respondents.
OVERALL = "all"


def _weights(weights: Any, survey: pd.DataFrame, caller: str) -> np.ndarray:
    """One weight >= 0 per survey row (ones without weights)."""
    n = len(survey)
    if weights is None:
        return np.ones(n)
    if hasattr(weights, "weights") and isinstance(weights.weights, pd.Series):  # RakingResult
        weights = weights.weights
    name = "weights"
    if isinstance(weights, str):
        if weights not in survey.columns:
            raise ParameterError(
                f"The 'weights' parameter of {caller} must be a survey column, a Series aligned "
                f"to the survey, a RakingResult or None. Got {weights!r}, which is not a column."
            )
        name, weights = weights, survey[weights]
    if isinstance(weights, pd.Series):
        weights = _aligned(
            weights,
            survey,
            f"The 'weights' Series of {caller} must have one weight per survey row "
            "(the survey's index).",
        )
        problems: list[Problem] = []
        values = _numeric(weights.reset_index(drop=True), name, problems)
        if problems:
            raise DataValidationError(problems)
    else:
        values = np.asarray(weights, dtype="float64")
        if values.shape != (n,):
            raise ParameterError(
                f"The 'weights' parameter of {caller} must hold one weight per survey row: the "
                f"survey has {n} rows, weights has shape {values.shape}."
            )
    bad = ~(np.isfinite(values) & (values >= 0))
    if bad.any():
        positions = np.flatnonzero(bad)
        raise DataValidationError(
            [
                Problem(
                    SURVEY_SOURCE,
                    name,
                    f"{len(positions)} respondent(s) have a missing or negative weight",
                    "give every respondent a weight >= 0, or drop the row",
                    _rows(positions),
                    len(positions),
                )
            ]
        )
    return values


def _aligned(values: pd.Series, survey: pd.DataFrame, error: str) -> pd.Series:
    """``values`` in the order of the survey's rows (by index); ``error`` when its index has
    duplicates or misses survey rows."""
    if values.index.equals(survey.index):
        return values
    if values.index.has_duplicates or not survey.index.isin(values.index).all():
        raise ParameterError(error)
    return values.reindex(survey.index)


def _segments(segments: Any, survey: pd.DataFrame, caller: str) -> np.ndarray | None:
    """One segment label per survey row (None where unplaced), or None without segments."""
    if segments is None:
        return None
    if isinstance(segments, str):
        if segments not in survey.columns:
            raise ParameterError(
                f"The 'segments' parameter of {caller} must be a survey column, a Series aligned "
                f"to the survey or None. Got {segments!r}, which is not a column."
            )
        segments = survey[segments]
    if isinstance(segments, pd.DataFrame) and "segment" in segments.columns:
        segments = segments["segment"]  # the output of link_respondents
    if isinstance(segments, pd.Series):
        segments = _aligned(
            segments,
            survey,
            f"The 'segments' Series of {caller} must have one segment per survey row "
            "(the survey's index; missing = not placed in a segment).",
        )
        values = segments.astype("object").to_numpy()
    else:
        values = np.asarray(segments, dtype=object)
        if values.shape != (len(survey),):
            raise ParameterError(
                f"The 'segments' parameter of {caller} must hold one segment per survey row: "
                f"the survey has {len(survey)} rows, segments has shape {values.shape}."
            )
    values = np.array([None if pd.isna(v) else v for v in values], dtype=object)
    if any(isinstance(v, str) and v == OVERALL for v in values):
        raise ParameterError(
            f"A segment is named {OVERALL!r}, which channel_tables uses for all respondents. "
            "Rename it."
        )
    return values


def _satisfaction_items(items: dict[str, dict]) -> list[tuple[str, str]]:
    """(channel, item) of the codebook's channel satisfaction items, in report channel order.

    An item rates a channel when it has a ``channel`` key, or when it is a Likert item named
    ``sat_<channel>``.
    """
    found: dict[str, str] = {}
    for name, spec in items.items():
        channel = spec.get("channel")
        if channel is None and spec["type"] == "likert" and name.startswith("sat_"):
            channel = name[len("sat_") :]
        if channel is not None and spec["type"] in ("likert", "numeric"):
            found.setdefault(normalise_channel(channel) or str(channel), name)
    return [(ch, found[ch]) for ch in order_channels(list(found))]


def _groups_of(segment: np.ndarray | None) -> list[tuple[Any, np.ndarray | None]]:
    """(label, mask) of all respondents, then of each segment (in sorted order)."""
    out: list[tuple[Any, np.ndarray | None]] = [(OVERALL, None)]
    if segment is not None:
        labels = list(dict.fromkeys(v for v in segment if v is not None))
        try:
            labels = sorted(labels)
        except TypeError:
            labels = sorted(labels, key=str)
        out += [(label, np.array([v == label for v in segment], dtype=bool)) for label in labels]
    return out


def channel_tables(
    survey: pd.DataFrame,
    codebook: dict,
    *,
    weights: Any = None,
    segments: Any = None,
    min_n: int = 5,
    preference_item: str = "pref_channel",
) -> dict[str, pd.DataFrame]:
    """Stated channel preference and satisfaction per channel, overall and per segment.

    Parameters
    ----------
    survey : DataFrame
        As :func:`omniseg.ingest.load_survey` returns it, with the preference item
        (``pref_channel``: the channel the respondent prefers to buy through; labels are
        normalised with :func:`omniseg.config.normalise_channel`, so "Tienda" is ``store``)
        and/or the satisfaction items (codebook Likert items with a ``channel`` key, or named
        ``sat_<channel>``; blank = the respondent does not use the channel).
    codebook : dict
        As returned by :func:`omniseg.ingest.load_codebook`.
    weights : str, Series, array-like or RakingResult, optional
        Respondent weights (>= 0): a survey column, a Series on the survey's index, one value
        per row, or the result of :func:`omniseg.voice.rake`. Shares and means are weighted;
        ``n`` stays a head count and ``n_effective`` is Kish's effective sample size of the cell.
    segments : str, Series, array-like or DataFrame, optional
        The segment of each respondent (missing = not placed): a survey column, a Series on the
        survey's index, one value per row, or the output of :func:`link_respondents`.
        Respondents without a segment count only in the ``"all"`` rows.
    min_n : int, default 5
        Cells with fewer respondents than this are suppressed: share/mean NaN and
        ``suppressed=True`` (counts are kept, so a reader sees why).
    preference_item : str, default "pref_channel"
        The column of the stated preferred channel.

    Returns
    -------
    dict
        ``"preference"``: one row per group and channel: ``segment`` (``"all"`` for every
        respondent, then each segment), ``channel``, ``n`` (respondents of the group who named a
        channel), ``chosen`` (of them, how many named this one), ``n_effective``, ``share``
        (weighted share naming the channel; NaN when suppressed), ``suppressed``.
        ``"satisfaction"``: ``segment``, ``channel``, ``item``, ``n`` (respondents of the group
        who rated the channel), ``n_effective``, ``mean`` (weighted mean rating on the item's
        scale, after reverse coding; NaN when suppressed), ``suppressed``. Channels are in the
        report order (:func:`omniseg.config.order_channels`). A table the survey has no
        items for is empty.

    Raises
    ------
    DataValidationError
        The survey has neither the preference item nor satisfaction items; ratings that are
        not numbers or lie outside their scale; missing or negative weights.
    ParameterError
        Bad ``weights``, ``segments`` or ``min_n``; a segment named ``"all"``.

    Examples
    --------
    >>> import pandas as pd
    >>> codebook = {"items": {
    ...     "pref_channel": {"type": "single_choice", "options": ["web", "store"]},
    ...     "sat_web": {"type": "likert", "scale": [1, 5], "channel": "web"},
    ... }}
    >>> survey = pd.DataFrame({
    ...     "respondent_id": ["R1", "R2", "R3", "R4"],
    ...     "pref_channel": ["web", "Tienda", "store", None],
    ...     "sat_web": [5, 3, None, 4],
    ... })
    >>> tables = channel_tables(survey, codebook, min_n=2)
    >>> tables["preference"][["segment", "channel", "n", "chosen", "share"]]
      segment channel  n  chosen     share
    0     all     web  3       1  0.333333
    1     all   store  3       2  0.666667
    >>> tables["satisfaction"][["channel", "n", "mean", "suppressed"]]
      channel  n  mean  suppressed
    0     web  3   4.0       False
    """
    caller = "channel_tables"
    survey = _check_survey(survey, caller)
    min_n = _check_int(min_n, "min_n", caller, 1)
    items = _items(codebook)
    w = _weights(weights, survey, caller)
    segment = _segments(segments, survey, caller)
    rated = _satisfaction_items(items)
    has_pref = isinstance(preference_item, str) and preference_item in survey.columns
    if not has_pref and not rated:
        raise DataValidationError(
            [
                Problem(
                    SURVEY_SOURCE,
                    str(preference_item),
                    f"neither the preference item '{preference_item}' nor channel satisfaction "
                    f"items (sat_<channel>) found. Columns found: {list(survey.columns)}",
                    "add the columns, or pass preference_item= with the column's name",
                )
            ]
        )
    ratings = _recoded(survey, items, [item for _, item in rated]) if rated else None
    groups = _groups_of(segment)

    pref_rows = []
    if has_pref:
        chosen = normalise_channels(survey[preference_item]).to_numpy(dtype=object, na_value=None)
        options = items.get(preference_item, {}).get("options") or []
        channels = order_channels(
            [normalise_channel(o) for o in options]
            + [c for c in chosen if c is not None]
            + [ch for ch, _ in rated]
        )
        answered = np.array([c is not None for c in chosen], dtype=bool)
        for label, mask in groups:
            base = answered if mask is None else answered & mask
            n = int(base.sum())
            wb = w[base]
            total = wb.sum()
            ess = float(total**2 / (wb**2).sum()) if n and (wb**2).sum() > 0 else 0.0
            suppressed = n < min_n or not total > 0
            for ch in channels:
                pick = base & np.array([c == ch for c in chosen], dtype=bool)
                share = float(w[pick].sum() / total) if not suppressed else float("nan")
                pref_rows.append(
                    {
                        "segment": label,
                        "channel": ch,
                        "n": n,
                        "chosen": int(pick.sum()),
                        "n_effective": ess,
                        "share": share,
                        "suppressed": suppressed,
                    }
                )
    sat_rows = []
    for j, (ch, item) in enumerate(rated):
        values = ratings[:, j]
        has = ~np.isnan(values)
        for label, mask in groups:
            base = has if mask is None else has & mask
            n = int(base.sum())
            wb = w[base]
            total = wb.sum()
            ess = float(total**2 / (wb**2).sum()) if n and (wb**2).sum() > 0 else 0.0
            suppressed = n < min_n or not total > 0
            mean = float((wb * values[base]).sum() / total) if not suppressed else float("nan")
            sat_rows.append(
                {
                    "segment": label,
                    "channel": ch,
                    "item": item,
                    "n": n,
                    "n_effective": ess,
                    "mean": mean,
                    "suppressed": suppressed,
                }
            )
    pref_cols = ["segment", "channel", "n", "chosen", "n_effective", "share", "suppressed"]
    sat_cols = ["segment", "channel", "item", "n", "n_effective", "mean", "suppressed"]
    preference = pd.DataFrame(pref_rows, columns=pref_cols).astype(
        {"n": "int64", "chosen": "int64", "n_effective": "float64", "share": "float64"}
    )
    satisfaction = pd.DataFrame(sat_rows, columns=sat_cols).astype(
        {"n": "int64", "n_effective": "float64", "mean": "float64"}
    )
    preference["suppressed"] = preference["suppressed"].astype(bool)
    satisfaction["suppressed"] = satisfaction["suppressed"].astype(bool)
    # all respondents first, then segments; channels in report order within each group
    satisfaction = satisfaction.sort_values(
        "segment", key=lambda s: s.map({g: i for i, (g, _) in enumerate(groups)}), kind="stable"
    ).reset_index(drop=True)
    return {"preference": preference, "satisfaction": satisfaction}


# ------------------------------------------------------------------------------------------
# respondents -> segments
# ------------------------------------------------------------------------------------------


def link_respondents(
    survey: pd.DataFrame, customer_segments: pd.Series, typing_tool: Any = None
) -> pd.DataFrame:
    """The segment of each respondent, and how it was found.

    A respondent whose ``customer_id`` has a segment in ``customer_segments`` gets it
    (``how="customer_id"``: the segment of what the customer *does*). The others — anonymous
    respondents, and customers the segmentation did not cover — are placed by the typing tool
    from their survey answers (``how="typing_tool"``: a prediction, right about as often as the
    tool's cross-validated accuracy), when one is given and the respondent answered at least one
    of its questions. Everyone else has no segment (``segment`` and ``how`` None).

    Parameters
    ----------
    survey : DataFrame
        As :func:`omniseg.ingest.load_survey` returns it: ``respondent_id``, optionally
        ``customer_id`` (blank for anonymous respondents), and the typing tool's questions
        (``age_band``, ``pref_channel``, ``sat_<channel>``...).
    customer_segments : Series
        Segment per customer, indexed by customer id (e.g.
        ``Segmentation.to_frame()["segment"]``, indexed by ``person_id``).
    typing_tool : TypingTool, optional
        A fitted :class:`omniseg.segments.TypingTool`; its ``predict`` is called on the
        survey rows of respondents not linked through ``customer_id``.

    Returns
    -------
    DataFrame
        Same index as ``survey``: ``respondent_id``, ``segment`` (object; None when not
        placed) and ``how`` (``"customer_id"``, ``"typing_tool"`` or None).

    Raises
    ------
    DataValidationError
        No ``respondent_id`` column.
    ParameterError
        ``customer_segments`` is not a Series; the typing tool cannot derive its questions from
        the survey (raised by the tool).

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"respondent_id": ["R1", "R2", "R3"],
    ...                        "customer_id": ["C1", None, "C9"]})
    >>> link_respondents(survey, pd.Series({"C1": "store_loyal", "C2": "ropo"}))
      respondent_id      segment          how
    0            R1  store_loyal  customer_id
    1            R2         None         None
    2            R3         None         None
    """
    caller = "link_respondents"
    survey = _check_survey(survey, caller)
    if not isinstance(customer_segments, pd.Series):
        raise ParameterError(
            f"The 'customer_segments' parameter of {caller} must be a pandas Series of segments "
            f"indexed by customer id. Got {type(customer_segments).__name__} instead."
        )
    if "respondent_id" not in survey.columns:
        raise DataValidationError(
            [
                Problem(
                    SURVEY_SOURCE,
                    "respondent_id",
                    "required column 'respondent_id' not found. Columns found: "
                    f"{list(survey.columns)}",
                    "add the 'respondent_id' column (load the survey with "
                    "omniseg.ingest.load_survey)",
                )
            ]
        )
    n = len(survey)
    segment = np.full(n, None, dtype=object)
    how = np.full(n, None, dtype=object)
    known = customer_segments[customer_segments.notna()]
    known = known[~known.index.duplicated(keep="first")]
    lookup = {str(k): v for k, v in known.items()}
    if "customer_id" in survey.columns:
        ids = survey["customer_id"].astype("object").to_numpy()
        for i, cid in enumerate(ids):
            if not pd.isna(cid) and str(cid).strip() in lookup:
                segment[i] = lookup[str(cid).strip()]
                how[i] = "customer_id"
    rest = np.flatnonzero(how == None)  # noqa: E711 - elementwise on an object array
    if typing_tool is not None and len(rest):
        from omniseg.segments.typing_questions import typing_inputs

        rows = survey.iloc[rest]
        questions = list(getattr(typing_tool, "feature_names_in_", []))
        inputs = typing_inputs(rows, questions) if questions else None
        answered = (
            inputs.notna().any(axis=1).to_numpy()
            if inputs is not None
            else np.ones(len(rest), dtype=bool)
        )
        if answered.any():
            predicted = np.asarray(typing_tool.predict(rows.iloc[np.flatnonzero(answered)]))
            placed = rest[answered]
            for i, value in zip(placed, predicted, strict=True):
                segment[i] = value.item() if isinstance(value, np.generic) else value
                how[i] = "typing_tool"
    return pd.DataFrame(
        {
            "respondent_id": survey["respondent_id"].to_numpy(),
            "segment": pd.Series(segment, index=survey.index, dtype=object),
            "how": pd.Series(how, index=survey.index, dtype=object),
        },
        index=survey.index,
    )
