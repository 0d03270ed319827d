"""The statistics of drift between two runs: population stability index and migration.

:func:`population_stability_index` measures how far a feature's distribution moved between
two runs (and :func:`psi_level` names it); :func:`migration_matrix` counts customers from their
previous segment to their new one. :func:`~omniseg.segments.drift.compare_runs` combines them
into a :class:`~omniseg.segments.drift_report.DriftReport`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from omniseg._checks import check_int, check_real
from omniseg.errors import ParameterError

__all__ = [
    "GONE",
    "NEW",
    "PSI_BOUNDS",
    "migration_counts",
    "migration_matrix",
    "population_stability_index",
    "psi_level",
]

#: Row label of :func:`migration_matrix` for customers present in the later run only.
NEW = "(new)"
#: Column label of :func:`migration_matrix` for customers present in the earlier run only.
GONE = "(gone)"
#: The usual PSI limits: below the first a feature is ``stable``, up to the second ``moderate``,
#: above it ``major``. A deployment may change them (they are read when a level is computed).
PSI_BOUNDS: tuple[float, float] = (0.1, 0.25)


# ------------------------------------------------------------------------------------------
# argument checks
# ------------------------------------------------------------------------------------------


def _check_labels(labels: object, name: str, caller: str) -> pd.Series:
    if not isinstance(labels, pd.Series):
        raise ParameterError(
            f"The '{name}' parameter of {caller} must be a pandas Series of segment labels "
            f"indexed by customer id. Got {type(labels).__name__} instead. Fix: for a table "
            "with 'customer_id' and 'segment' columns, pass "
            "table.set_index('customer_id')['segment']."
        )
    dup = labels.index.duplicated()
    if dup.any():
        raise ParameterError(
            f"The '{name}' parameter of {caller} has {int(dup.sum())} duplicate customer id(s) "
            "in its index; each customer must have one segment per run. Fix: drop the "
            "duplicates (labels[~labels.index.duplicated()]) or check how the runs were joined."
        )
    missing = labels.isna()
    if missing.any():
        raise ParameterError(
            f"The '{name}' parameter of {caller} has {int(missing.sum())} customer(s) without a "
            "segment label. Fix: drop customers the model did not score (labels.dropna()) or "
            "give them a segment of their own."
        )
    reserved = labels.isin([NEW, GONE])
    if reserved.any():
        raise ParameterError(
            f"The '{name}' parameter of {caller} uses the reserved segment label "
            f"{labels[reserved].iloc[0]!r} (it marks customers present in one run only). "
            "Fix: rename that segment."
        )
    return labels


def check_label_pair(before: object, after: object, caller: str) -> tuple[pd.Series, pd.Series]:
    """The two runs' labels, checked: Series by customer id sharing at least one customer."""
    before = _check_labels(
        before, "before" if caller == "migration_matrix" else "before_labels", caller
    )
    after = _check_labels(
        after, "after" if caller == "migration_matrix" else "after_labels", caller
    )
    if len(before) == 0 or len(after) == 0:
        raise ParameterError(
            f"Both runs given to {caller} must label at least one customer. Got "
            f"{len(before)} customer(s) before and {len(after)} after."
        )
    if not before.index.isin(after.index).any():
        raise ParameterError(
            f"The two runs given to {caller} have no customer in common ({len(before)} "
            f"customers before, {len(after)} after), so nobody's migration can be followed. "
            "Fix: index both Series by the same customer id, with the same type (e.g. '00123' "
            f"vs 123). Ids found: before {_examples(before.index)}, after {_examples(after.index)}."
        )
    return before, after


def _examples(index: pd.Index) -> str:
    shown = ", ".join(repr(v) for v in index[:3])
    return f"[{shown}{', ...' if len(index) > 3 else ''}] ({index.dtype})"


def segment_order(*series: pd.Series) -> list[Hashable]:
    """Every label of ``series``: in category order, else sorted, else by first appearance."""
    cats = [s.cat.categories for s in series if isinstance(s.dtype, pd.CategoricalDtype)]
    seen = list(dict.fromkeys(v for s in series for v in s.drop_duplicates().tolist()))
    if cats:
        ordered = list(dict.fromkeys(v for c in cats for v in c.tolist()))
        return ordered + [v for v in seen if v not in set(ordered)]
    try:
        return sorted(seen)
    except TypeError:
        return seen


# ------------------------------------------------------------------------------------------
# population stability index
# ------------------------------------------------------------------------------------------


def _as_series(values: object, name: str) -> pd.Series:
    if isinstance(values, pd.Series):
        return values.reset_index(drop=True)
    if isinstance(values, pd.DataFrame) or np.ndim(values) != 1:
        raise ParameterError(
            f"The '{name}' parameter of population_stability_index must be a 1-D array-like "
            f"(a Series, array or list). Got {type(values).__name__} instead. Fix: pass one "
            "column, e.g. features['monetary']."
        )
    return pd.Series(values)


def numeric_values(values: pd.Series) -> np.ndarray | None:
    """``values`` as floats with NaN for missing, or None if they are not numeric."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return None
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        out = values.to_numpy(dtype="int64", na_value=0).astype(float)
        out[values.isna().to_numpy()] = np.nan
        return out
    if pd.api.types.is_numeric_dtype(dtype):
        return values.to_numpy(dtype=float, na_value=np.nan)
    return None


def _bin_counts_numeric(
    expected: np.ndarray, actual: np.ndarray, bins: int
) -> tuple[np.ndarray, np.ndarray]:
    present = expected[~np.isnan(expected)]
    if len(present):
        quantiles = np.quantile(present, np.linspace(0, 1, bins + 1)[1:-1])
        inner = np.unique(quantiles)
    else:
        inner = np.array([])
    n_bins = len(inner) + 1  # open ends: (-inf, e1], (e1, e2], ..., (ek, inf)

    def counts(x: np.ndarray) -> np.ndarray:
        nan = np.isnan(x)
        idx = np.searchsorted(inner, x[~nan], side="left")
        return np.append(np.bincount(idx, minlength=n_bins), nan.sum())

    return counts(expected), counts(actual)


def _bin_counts_categorical(
    expected: pd.Series, actual: pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    both = pd.concat([expected.astype(object), actual.astype(object)], ignore_index=True)
    codes, uniques = pd.factorize(both, use_na_sentinel=False)
    n = len(uniques)
    return (
        np.bincount(codes[: len(expected)], minlength=n),
        np.bincount(codes[len(expected) :], minlength=n),
    )


def population_stability_index(
    expected: Sequence | np.ndarray | pd.Series,
    actual: Sequence | np.ndarray | pd.Series,
    *,
    bins: int = 10,
    categorical: bool | None = None,
    epsilon: float = 1e-4,
) -> float:
    """Population stability index (PSI) of a feature between a reference and a new sample.

    ``PSI = sum over bins of (a - e) * ln(a / e)``, where ``e`` and ``a`` are the shares of the
    ``expected`` (reference, e.g. the previous run) and ``actual`` (new) samples in each bin. It
    is 0 for identical distributions and grows as they move apart; the usual reading is below
    0.1 stable, 0.1 to 0.25 moderate shift, above 0.25 major shift (:func:`psi_level`).

    Parameters
    ----------
    expected, actual : array-like, 1-D
        The feature in the reference and in the new sample (any lengths).
    bins : int, default 10
        Numeric features: the number of quantile bins, whose edges are the quantiles of
        ``expected`` (so each holds about ``1 / bins`` of it). Repeated edges, from values
        shared by many customers (such as 0 purchases), are merged, so there may be fewer
        bins. The first and last bins are open-ended (values of ``actual`` beyond the
        reference's range fall in them); bins are closed on the right, like ``pandas.qcut``.
    categorical : bool, optional
        Treat the feature as categories: one bin per level seen in either sample (a level
        absent from one sample gets share 0 there, floored at ``epsilon``). By default text,
        boolean and categorical columns are categorical and numbers, dates and durations are
        binned by quantiles; ``True`` forces levels for a numeric code (such as
        ``n_channels``), ``False`` requires numbers.
    epsilon : float, default 1e-4
        Floor of every share before the logarithm: a bin empty in one sample counts as holding
        ``epsilon`` of it (shares are not renormalised), which keeps the PSI finite. The floor
        caps what a single emptied bin can add (about ``a * ln(a / epsilon)``, 0.92 for a bin
        of 10 % with the default); a bin empty in both samples adds nothing.

    Returns
    -------
    float
        The PSI, 0 or more.

    Raises
    ------
    ParameterError
        If a sample is empty or not 1-D, ``bins`` is not an int of at least 2, ``epsilon`` is
        not in (0, 0.1], or ``categorical=False`` is given a non-numeric feature.

    Notes
    -----
    Missing values (NaN, None, NaT) form a bin of their own in both modes, so a feature that
    starts being recorded less often also shows as a shift. PSI is symmetric in its terms
    but not in its bins: the quantile edges come from ``expected``.

    Examples
    --------
    Shares 25/25/25/25 % in the reference and 10/20/30/40 % in the new sample:

    >>> expected = [1, 2, 3, 4, 5, 6, 7, 8]  # two values in each quartile bin
    >>> actual = [1] * 2 + [3] * 4 + [5] * 6 + [7] * 8
    >>> round(population_stability_index(expected, actual, bins=4), 4)
    0.2282
    >>> population_stability_index(["web", "store"], ["store", "web"])
    0.0
    """
    caller = "population_stability_index"
    bins = check_int(bins, "bins", caller, 2)
    epsilon = check_real(epsilon, "epsilon", caller, 0.0, 0.1, open_low=True)
    if categorical not in (None, True, False):
        raise ParameterError(
            f"The 'categorical' parameter of {caller} must be True, False or None (decide "
            f"from the data type). Got {categorical!r} instead."
        )
    e_series = _as_series(expected, "expected")
    a_series = _as_series(actual, "actual")
    for name, s in (("expected", e_series), ("actual", a_series)):
        if len(s) == 0:
            raise ParameterError(
                f"The '{name}' parameter of {caller} is empty; a PSI needs at least one value "
                "in each sample."
            )
    e_num = a_num = None
    if categorical is not True:
        e_num, a_num = numeric_values(e_series), numeric_values(a_series)
        if categorical is False and (e_num is None or a_num is None):
            bad = "expected" if e_num is None else "actual"
            raise ParameterError(
                f"The '{bad}' parameter of {caller} must be numeric with categorical=False. Got "
                f"dtype {(e_series if e_num is None else a_series).dtype} instead. Fix: pass "
                "categorical=True (or None) to compare its levels."
            )
    if e_num is not None and a_num is not None:
        e_counts, a_counts = _bin_counts_numeric(e_num, a_num, int(bins))
    else:
        e_counts, a_counts = _bin_counts_categorical(e_series, a_series)
    e = np.maximum(e_counts / e_counts.sum(), epsilon)
    a = np.maximum(a_counts / a_counts.sum(), epsilon)
    psi = float(np.sum((a - e) * np.log(a / e)))
    return max(psi, 0.0)


def psi_level(psi: float, bounds: tuple[float, float] | None = None) -> str:
    """The usual reading of a PSI: ``"stable"``, ``"moderate"`` or ``"major"``.

    Parameters
    ----------
    psi : float
        A population stability index.
    bounds : (float, float), optional
        Upper limits of ``stable`` (exclusive) and ``moderate`` (inclusive); default
        :data:`PSI_BOUNDS`, ``(0.1, 0.25)``.

    Returns
    -------
    str
        ``"stable"`` below 0.1, ``"moderate"`` from 0.1 to 0.25, ``"major"`` above 0.25; an
        empty string for a missing PSI.

    Examples
    --------
    >>> psi_level(0.05), psi_level(0.25), psi_level(0.3)
    ('stable', 'moderate', 'major')
    """
    low, high = PSI_BOUNDS if bounds is None else bounds
    if psi is None or (isinstance(psi, float) and math.isnan(psi)):
        return ""
    if psi < low:
        return "stable"
    return "moderate" if psi <= high else "major"


# ------------------------------------------------------------------------------------------
# migration
# ------------------------------------------------------------------------------------------


def migration_matrix(
    before: pd.Series, after: pd.Series, *, normalize: Literal["index"] | None = None
) -> pd.DataFrame:
    """Customers by segment in one run (rows) and in the next (columns).

    Parameters
    ----------
    before, after : Series
        Segment label per customer, indexed by customer id (unique), in the earlier and the
        later run. Both runs must share at least one customer.
    normalize : {None, "index"}, default None
        ``None`` gives counts; ``"index"`` divides each row by its total, so a cell is the share
        of the row segment's customers who went to the column segment (rows without customers
        are NaN).

    Returns
    -------
    DataFrame
        Rows: the segments (index named ``before``) then :data:`NEW`, ``"(new)"``, for
        customers present in ``after`` only. Columns: the segments (named ``after``) then
        :data:`GONE`, ``"(gone)"``, for customers present in ``before`` only. Segments are in
        category order for categorical labels, else sorted; a segment seen in one run only is
        still a row and a column. The ``("(new)", "(gone)")`` cell is always 0.

    Raises
    ------
    ParameterError
        If a run is not a Series, has duplicate customer ids or missing labels, or the runs
        have no customer in common.

    Examples
    --------
    >>> before = pd.Series(["A", "A", "B"], index=["c1", "c2", "c3"])
    >>> after = pd.Series(["A", "B", "B"], index=["c1", "c2", "c4"])
    >>> migration_matrix(before, after, normalize="index")  # doctest: +NORMALIZE_WHITESPACE
    after     A    B  (gone)
    before
    A       0.5  0.5     0.0
    B       0.0  0.0     1.0
    (new)   0.0  1.0     0.0
    """
    if normalize not in (None, "index"):
        raise ParameterError(
            "The 'normalize' parameter of migration_matrix must be None (counts) or 'index' "
            f"(shares of each row). Got {normalize!r} instead."
        )
    before, after = check_label_pair(before, after, "migration_matrix")
    return migration_counts(before, after, segment_order(before, after), normalize)


def migration_counts(
    before: pd.Series,
    after: pd.Series,
    segments: list[Hashable],
    normalize: Literal["index"] | None = None,
) -> pd.DataFrame:
    """The migration matrix of checked labels over ``segments`` (``(new)`` row, ``(gone)``)."""
    rows = [*segments, NEW]
    cols = [*segments, GONE]
    pos = {label: i for i, label in enumerate(segments)}
    joined = pd.concat(
        [before.astype(object).rename("before"), after.astype(object).rename("after")],
        axis=1,
        join="outer",
    )
    r = joined["before"].map(pos).fillna(len(segments)).to_numpy(dtype=int)
    c = joined["after"].map(pos).fillna(len(segments)).to_numpy(dtype=int)
    counts = np.zeros((len(rows), len(cols)), dtype=np.int64)
    np.add.at(counts, (r, c), 1)
    index = pd.Index(rows, name="before", dtype=object)
    columns = pd.Index(cols, name="after", dtype=object)
    if normalize == "index":
        totals = counts.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = np.where(totals > 0, counts / np.where(totals > 0, totals, 1), np.nan)
        return pd.DataFrame(shares, index=index, columns=columns)
    return pd.DataFrame(counts, index=index, columns=columns)
