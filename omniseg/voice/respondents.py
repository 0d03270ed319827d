"""Survey respondents placed in segments (:func:`link_respondents`).

A respondent is placed through their customer id when the segmentation covers that customer, or
by the typing tool from their survey answers for the others; the result says which way each was
placed. See ``docs/survey.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omniseg.errors import DataValidationError, ParameterError, Problem
from omniseg.voice.survey import SURVEY_SOURCE, _check_survey

__all__ = ["link_respondents"]


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
