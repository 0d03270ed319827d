"""Raking margins: survey age bands and target shares counted on the population.

:func:`age_band` puts ages in the survey's bands (:data:`AGE_BANDS`) so that the customer base
and the survey can be compared; :func:`margins_from_population` counts the target shares of each
raking variable (or joint variable, a tuple of columns) on a population such as the CRM's
customers, in the form :func:`omniseg.voice.rake` takes. See ``docs/survey.md``.

Examples
--------
>>> import pandas as pd
>>> age_band(pd.Series([19, 40, 70])).tolist()
['18-24', '35-44', '65+']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from omniseg.errors import ParameterError

__all__ = ["AGE_BANDS", "AGE_BAND_STARTS", "age_band", "margins_from_population"]


#: The survey's age bands, youngest first (labels as written in the survey's ``age_band``).
AGE_BANDS: tuple[str, ...] = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
#: The first age of each band of :data:`AGE_BANDS`; the last band is open-ended.
AGE_BAND_STARTS: tuple[int, ...] = (18, 25, 35, 45, 55, 65)


# ------------------------------------------------------------------------------------------
# age bands and margins
# ------------------------------------------------------------------------------------------


def age_band(
    age: pd.Series,
    *,
    labels: Sequence[str] = AGE_BANDS,
    starts: Sequence[float] = AGE_BAND_STARTS,
) -> pd.Series:
    """The survey's age band of each age, so that CRM ages and survey bands can be compared.

    An age belongs to the last band whose first age it reaches: 24.9 is in "18-24", 25 in
    "25-34", 65 and above in "65+". Missing ages, ages that are not numbers and ages below the
    first band (under 18) give ``<NA>``.

    Parameters
    ----------
    age : Series
        Ages in years (numbers, or text holding numbers).
    labels : sequence of str, default :data:`AGE_BANDS`
        Band labels, youngest first.
    starts : sequence of float, default :data:`AGE_BAND_STARTS`
        The first age of each band, increasing.

    Returns
    -------
    Series
        pandas ``string`` dtype, same index as ``age``.

    Examples
    --------
    >>> age_band(pd.Series([17, 18, 24.5, 25, 64, 65, 90, None])).tolist()
    [<NA>, '18-24', '18-24', '25-34', '55-64', '65+', '65+', <NA>]
    """
    if not isinstance(age, pd.Series):
        raise ParameterError(
            f"The 'age' parameter of age_band must be a pandas Series. Got {type(age).__name__} "
            "instead."
        )
    labels = list(labels)
    edges = np.asarray(list(starts), dtype="float64")
    if len(labels) != len(edges) or len(edges) == 0 or np.any(np.diff(edges) <= 0):
        raise ParameterError(
            "The 'labels' and 'starts' parameters of age_band must have the same non-zero "
            f"length, with increasing starts. Got {len(labels)} labels and starts "
            f"{edges.tolist()}."
        )
    values = pd.to_numeric(age.astype("object"), errors="coerce").astype("float64").to_numpy()
    position = np.searchsorted(edges, values, side="right") - 1
    known = ~np.isnan(values) & (position >= 0)
    out = np.full(len(values), None, dtype=object)
    out[known] = np.asarray(labels, dtype=object)[position[known]]
    return pd.Series(out, index=age.index, dtype="string", name=age.name)


def _margin_name(key: str | tuple[str, ...]) -> str:
    return " × ".join(key) if isinstance(key, tuple) else key


def _columns_of(key: str | tuple[str, ...]) -> list[str]:
    return list(key) if isinstance(key, tuple) else [key]


def _check_key(key: Any, caller: str) -> str | tuple[str, ...]:
    if isinstance(key, str) and key:
        return key
    if isinstance(key, list | tuple) and key and all(isinstance(k, str) and k for k in key):
        return tuple(key) if len(key) > 1 else key[0]
    raise ParameterError(
        f"Margins of {caller} are named by a column name or a tuple of column names (a joint "
        f"margin such as ('age_band', 'region')). Got {key!r} instead."
    )


def margins_from_population(
    population: pd.DataFrame, columns: Sequence[str | Sequence[str]]
) -> dict[str | tuple[str, ...], pd.Series]:
    """Population shares of each category, as targets for :func:`rake`.

    Parameters
    ----------
    population : DataFrame
        One row per member of the population (e.g. the CRM's customers), with the raking
        variables already in the survey's categories (see :func:`age_band`,
        :func:`omniseg.config.normalise_genders`).
    columns : sequence
        One entry per margin: a column name, or a tuple of column names for a joint margin
        (``("age_band", "region")``: the share of each age band × region cell).

    Returns
    -------
    dict
        ``{column or tuple: Series of shares}``, summing to 1, indexed by category (a
        MultiIndex for a joint margin), sorted by category. Each margin is computed over the rows
        where its columns are known: a missing age does not count as a category of its own.

    Raises
    ------
    ParameterError
        A column is not in ``population``, or has no known value.

    Examples
    --------
    >>> crm = pd.DataFrame({"region": ["N", "N", "S", None], "sex": ["f", "m", "f", "f"]})
    >>> margins = margins_from_population(crm, ["region", ("region", "sex")])
    >>> margins["region"].round(3).to_dict()
    {'N': 0.667, 'S': 0.333}
    >>> margins[("region", "sex")].round(3).to_dict()
    {('N', 'f'): 0.333, ('N', 'm'): 0.333, ('S', 'f'): 0.333}
    """
    caller = "margins_from_population"
    if not isinstance(population, pd.DataFrame):
        raise ParameterError(
            f"The 'population' parameter of {caller} must be a pandas DataFrame. "
            f"Got {type(population).__name__} instead."
        )
    if isinstance(columns, str) or not isinstance(columns, Sequence) or not columns:
        raise ParameterError(
            f"The 'columns' parameter of {caller} must be a non-empty list of column names or "
            f"tuples of column names. Got {columns!r} instead."
        )
    out: dict[str | tuple[str, ...], pd.Series] = {}
    for raw in columns:
        key = _check_key(raw, caller)
        cols = _columns_of(key)
        missing = [c for c in cols if c not in population.columns]
        if missing:
            raise ParameterError(
                f"Column(s) {missing} of margin '{_margin_name(key)}' not in the population. "
                f"Columns found: {list(population.columns)}"
            )
        known = population[cols].dropna()
        if known.empty:
            raise ParameterError(
                f"Margin '{_margin_name(key)}' has no population row with a known value."
            )
        counts = known.astype("object").value_counts(sort=False) if len(cols) > 1 else None
        if counts is None:
            counts = known[cols[0]].astype("object").value_counts(sort=False)
            counts.index.name = cols[0]
        shares = (counts / counts.sum()).sort_index().astype("float64")
        shares.name = "share"
        out[key] = shares
    return out
