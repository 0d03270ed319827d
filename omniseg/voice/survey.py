"""Survey scoring: constructs, construct scores and per-customer survey features.

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
weak constructs are *flagged* (:func:`omniseg.voice.construct_reliability.reliability`) for
the report to show. The checks and conversions of this module are shared by the other survey
modules: :mod:`omniseg.voice.construct_reliability` (Cronbach's alpha, item-rest correlations),
:mod:`omniseg.voice.survey_tables` (NPS and channel tables, which take the weights of
:func:`omniseg.voice.rake`) and :mod:`omniseg.voice.respondents` (:func:`link_respondents
<omniseg.voice.respondents.link_respondents>` places respondents in segments, through their
customer id or the typing tool, and says which way each was placed).

See ``docs/survey.md``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from omniseg._checks import check_int as _check_int
from omniseg.errors import MAX_ROWS_SHOWN, DataValidationError, ParameterError, Problem
from omniseg.ingest.survey_table import load_codebook

__all__ = ["constructs", "customer_survey_features", "score_constructs"]


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
