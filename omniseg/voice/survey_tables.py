"""Survey tables: NPS and the channel tables, overall and per segment, weighted or not.

:func:`nps` computes the net promoter score of an ``nps`` item and :func:`channel_tables` the
channel usage, preference and satisfaction shares. Both take optional weights (a survey column,
a Series aligned to the survey, or the result of :func:`omniseg.voice.rake`) and optional
segments (:func:`omniseg.voice.link_respondents`). See ``docs/survey.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omniseg._checks import bad_parameter
from omniseg._checks import check_int as _check_int
from omniseg.config.vocabulary import normalise_channel, normalise_channels, order_channels
from omniseg.errors import DataValidationError, ParameterError, Problem
from omniseg.voice.survey import (
    CODEBOOK_SOURCE,
    SURVEY_SOURCE,
    _answers,
    _check_survey,
    _items,
    _nps_items,
    _numeric,
    _recoded,
    _rows,
)

__all__ = ["OVERALL", "channel_tables", "nps"]


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
        raise bad_parameter("weights", caller, "the name of a survey column or None", weights)
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
        survey's index, one value per row, or the output of
        :func:`~omniseg.voice.respondents.link_respondents`.
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
