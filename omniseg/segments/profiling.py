"""Segment profiling: what sets each segment apart from everyone else, with significance.

For every feature and every segment, :func:`profile_segments` compares the segment with everyone
else (all other labelled customers):

* **numeric** features: the segment mean (and median), the mean of everyone else and of everyone;
  the *index* ``100 * segment mean / overall mean`` (100 = average); the *standardized difference*
  (Cohen's d, segment vs everyone else, pooled standard deviation); a Mann-Whitney U test of the
  segment against everyone else; and one Kruskal-Wallis test per feature across segments (with
  eta squared) next to a one-way ANOVA.
* **categorical** features (strings, ``category``, bool): for each level, its share in the segment,
  in everyone else and in everyone; the index of the shares; a standardized difference of
  proportions (Cohen's h); a two-sided 2x2 test of the segment against everyone else (Pearson
  chi-square, or Fisher's exact test when an expected count is below 5); and one chi-square test
  of independence per feature (segments x levels, with Cramér's V). A bool feature shows its
  ``True`` level only (the ``False`` level is the mirror image).

p-values are corrected for multiple testing within two families: the per-feature tests, and the
per-cell (segment x feature x level) tests. Benjamini-Hochberg is the default (``"fdr_bh"``);
``"holm"`` and ``"bonferroni"`` control the family-wise error instead; ``"none"`` leaves them as
they are. A feature is *significant* when its adjusted p-value is below ``alpha``; a cell when its
adjusted p-value is below ``alpha`` *and* its feature is significant (protected tests: no cell is
flagged in a feature whose test across segments finds no difference, which keeps chance findings
out of the table when many real differences make Benjamini-Hochberg lenient).

The library emits no warnings: constant features, features with no values, categorical features
with too many levels, unsupported types (dates) and segments smaller than ``min_size`` are handled
and reported (``SegmentProfile.notes`` as facts, worded by ``SegmentProfile.note_texts``, and
``tests["note"]`` as codes).

The statistics are in :mod:`omniseg.segments.profile_stats`, the :class:`SegmentProfile`
result, its heat map, HTML and sentences (:func:`describe_trait`) in
:mod:`omniseg.segments.segment_profile`. See ``docs/profiling.md``.

Examples
--------
>>> import pandas as pd
>>> features = pd.DataFrame(
...     {"age": [60, 70, 65, 72, 30, 35, 40, 38], "store": [1, 1, 1, 0, 0, 0, 1, 0]},
...     index=pd.Index(list("abcdefgh"), name="person_id"),
... )
>>> profile = profile_segments(features, [1, 1, 1, 1, 2, 2, 2, 2], min_size=2)
>>> cell = profile.cells.query("segment == 1 and feature == 'age'").iloc[0]
>>> float(cell["value"]), float(cell["rest_value"]), round(float(cell["index"]), 1)
(66.75, 35.75, 130.2)
>>> from omniseg.segments.segment_profile import describe_trait
>>> describe_trait(cell)
'Mean age 67 vs 36 for everyone else (index 130)'
>>> describe_trait(cell, "es")
'Media de age: 67 frente a 36 del resto (índice 130)'
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from numbers import Real

import numpy as np
import pandas as pd

from omniseg._checks import check_int as _check_int
from omniseg.errors import ParameterError
from omniseg.segments.profile_stats import (
    adjust_pvalues,
    categorical_feature,
    check_correction,
    empty_test,
    numeric_feature,
)
from omniseg.segments.segment_profile import SegmentProfile

__all__ = ["CELL_COLUMNS", "TEST_COLUMNS", "profile_segments"]

#: Columns of :attr:`SegmentProfile.cells`, in order.
CELL_COLUMNS: tuple[str, ...] = (
    "segment",
    "feature",
    "level",
    "kind",
    "n",
    "value",
    "median",
    "rest_value",
    "overall_value",
    "index",
    "std_diff",
    "test",
    "p_value",
    "p_adjusted",
    "significant",
)

#: Columns of :attr:`SegmentProfile.tests` (indexed by feature), in order.
TEST_COLUMNS: tuple[str, ...] = (
    "kind",
    "test",
    "statistic",
    "dof",
    "p_value",
    "p_adjusted",
    "significant",
    "effect_size",
    "effect_measure",
    "anova_f",
    "anova_p",
    "n",
    "k",
    "note",
)


# ------------------------------------------------------------------------------------------
# parameters
# ------------------------------------------------------------------------------------------


def _check_alpha(value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not math.isfinite(float(value))
        or not 0 < value < 1
    ):
        raise ParameterError(
            "The 'alpha' parameter of profile_segments must be a float in (0, 1). "
            f"Got {value!r} instead."
        )
    return float(value)


def _check_features(features: object) -> pd.DataFrame:
    if not isinstance(features, pd.DataFrame):
        raise ParameterError(
            "The 'features' parameter of profile_segments must be a pandas DataFrame. "
            f"Got {type(features).__name__} instead."
        )
    if len(features) == 0:
        raise ParameterError("The 'features' parameter of profile_segments has no rows.")
    if features.columns.has_duplicates:
        dupes = sorted({str(c) for c in features.columns[features.columns.duplicated()]})
        raise ParameterError(
            f"The 'features' parameter of profile_segments has duplicate column names: {dupes}."
        )
    return features


def _check_columns(features: pd.DataFrame, columns: object) -> tuple[list[Hashable], bool]:
    """The columns to profile and whether the user chose them."""
    if columns is None:
        return list(features.columns), False
    if isinstance(columns, str) or not hasattr(columns, "__iter__"):
        columns = [columns]
    chosen = list(dict.fromkeys(columns))
    missing = [c for c in chosen if c not in features.columns]
    if missing:
        raise ParameterError(
            f"The 'columns' parameter of profile_segments names columns not in features: "
            f"{missing}. Columns found: {list(features.columns)}."
        )
    if not chosen:
        raise ParameterError("The 'columns' parameter of profile_segments is empty.")
    return chosen, True


def _check_labels(features: pd.DataFrame, labels: object) -> pd.Series:
    """Labels as a Series on ``features.index`` (missing where a customer has no segment)."""
    if isinstance(labels, pd.DataFrame):
        if labels.shape[1] != 1:
            raise ParameterError(
                "The 'labels' parameter of profile_segments must be one column of segment ids. "
                f"Got a DataFrame with {labels.shape[1]} columns instead."
            )
        labels = labels.iloc[:, 0]
    if isinstance(labels, pd.Series):
        if labels.index.equals(features.index):
            return labels.set_axis(features.index)
        if labels.index.has_duplicates:
            raise ParameterError(
                "The 'labels' parameter of profile_segments is a Series whose index has "
                "duplicate ids, so it cannot be aligned to the rows of features."
            )
        shared = features.index.isin(labels.index)
        if not shared.any():
            raise ParameterError(
                "The 'labels' parameter of profile_segments is a Series whose index shares no "
                "id with the index of features: Series are aligned by index. Pass "
                "labels.to_numpy() to align by position instead."
            )
        return labels.reindex(features.index)
    try:
        values = np.asarray(labels, dtype=object)
    except Exception as exc:  # pragma: no cover - exotic array-likes
        raise ParameterError(
            "The 'labels' parameter of profile_segments must be array-like. "
            f"Got {type(labels).__name__} instead."
        ) from exc
    if values.ndim != 1:
        raise ParameterError(
            "The 'labels' parameter of profile_segments must be one-dimensional. "
            f"Got an array of shape {values.shape} instead."
        )
    if len(values) != len(features):
        raise ParameterError(
            f"labels has {len(values)} values but features has {len(features)} rows; "
            "they must have one label per row."
        )
    if isinstance(labels, pd.Categorical | pd.Index):
        return pd.Series(labels, index=features.index)
    return pd.Series(values, index=features.index)


def _segment_order(labels: pd.Series) -> list:
    present = labels.dropna()
    if isinstance(labels.dtype, pd.CategoricalDtype):
        seen = set(present.unique())
        return [c for c in labels.cat.categories if c in seen]
    uniques = list(pd.unique(present))
    try:
        return sorted(uniques)
    except TypeError:
        return uniques


def _kind(column: pd.Series) -> str:
    """``"numeric"``, ``"bool"``, ``"categorical"`` or ``"unsupported"``."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        return "unsupported"
    if pd.api.types.is_complex_dtype(dtype):
        return "unsupported"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        present = column.dropna()
        if len(present) and all(isinstance(v, bool | np.bool_) for v in present):
            return "bool"
        return "categorical"
    return "unsupported"


# ------------------------------------------------------------------------------------------
# the profile
# ------------------------------------------------------------------------------------------


def profile_segments(
    features: pd.DataFrame,
    labels: object,
    *,
    columns: object = None,
    alpha: float = 0.05,
    correction: str = "fdr_bh",
    min_size: int = 10,
    segment_names: Mapping | None = None,
    max_levels: int = 30,
    feature_labeller: Callable[[Sequence, str], Mapping] | None = None,
) -> SegmentProfile:
    """Profile segments: each segment against everyone else, feature by feature, with tests.

    Parameters
    ----------
    features : DataFrame
        One row per customer (the index is the person or customer id). Numeric, bool and
        categorical or string columns; missing values (and infinities) are ignored feature by
        feature. Date columns are left out and reported.
    labels : array-like or Series
        The segment of each row (ints or strings). A Series is aligned on ``features.index``;
        anything else by position. Rows without a label (NaN/None) are left out and reported.
    columns : list of str, optional
        The features to profile (default: every column).
    alpha : float, default 0.05
        Significance level applied to adjusted p-values.
    correction : {"fdr_bh", "holm", "bonferroni", "none"}, default "fdr_bh"
        Multiple-testing correction, applied within each family: the per-feature tests, and the
        per-cell segment-vs-everyone-else tests.
    min_size : int, default 10
        A segment is tested only when it, and everyone else, have at least this many values of
        the feature. Smaller segments are still described (means, shares, index) and reported.
    segment_names : mapping, optional
        Segment id -> display name (ids without a name are shown as they are).
    max_levels : int, default 30
        Categorical features with more levels than this (ids, free text) are left out and
        reported.
    feature_labeller : callable, optional
        ``feature_labeller(features, language) -> {feature: label}`` gives the features'
        display names when the profile is shown (e.g.
        :func:`omniseg.features.labels.feature_labels`); default their own names.

    Returns
    -------
    SegmentProfile

    Raises
    ------
    ParameterError
        On a bad parameter, labels that do not match the rows, or a chosen column of an
        unsupported type.

    Notes
    -----
    Numeric features: ``index = 100 * segment mean / overall mean``. It is NaN when the overall
    mean is not positive or the feature has negative values (a ratio of means is meaningless
    across zero); read ``std_diff`` there. ``std_diff`` is Cohen's d of the segment against
    everyone else with the pooled standard deviation ``sqrt((SS_segment + SS_rest) / (n - 2))``
    (±inf when both groups are constant but differ). The per-feature test is Kruskal-Wallis
    (robust to the skew of spend and counts) with ``eta² = (H - k + 1) / (n - k)`` (floored at
    0); a one-way ANOVA is reported next to it (``anova_f``, ``anova_p``). Cells are tested with a
    two-sided Mann-Whitney U test (scipy's ``method="auto"``).

    Categorical features: ``std_diff`` is Cohen's h, ``2 asin(sqrt(p_segment)) - 2
    asin(sqrt(p_rest))``, on the same "0.2 small, 0.5 medium, 0.8 large" scale as d. The
    per-feature test is Pearson's chi-square test of independence without Yates' correction on
    the segments x levels table of the tested segments; Cramér's V is
    ``sqrt(chi2 / (n * (min(rows, columns) - 1)))`` without bias correction.

    Only segments with at least ``min_size`` values enter the per-feature test. A cell is
    ``significant`` when its adjusted p-value is below ``alpha`` and its feature's test is
    significant too.

    Examples
    --------
    >>> import pandas as pd
    >>> features = pd.DataFrame({
    ...     "spend": [90, 110, 100, 95, 105, 20, 30, 25, 35, 15],
    ...     "channel": ["store"] * 4 + ["web"] * 2 + ["web"] * 4,
    ... })
    >>> profile = profile_segments(features, ["A"] * 5 + ["B"] * 5, min_size=3)
    >>> profile.sizes.to_dict()
    {'A': 5, 'B': 5}
    >>> profile.tests["effect_measure"].to_dict()
    {'spend': 'eta_squared', 'channel': 'cramers_v'}
    >>> profile.to_frame().round(0)
    segment             A      B
    spend           160.0   40.0
    channel: web     33.0  167.0
    channel: store  200.0    0.0
    """
    features = _check_features(features)
    chosen, explicit = _check_columns(features, columns)
    alpha = _check_alpha(alpha)
    correction = check_correction(correction, "profile_segments")
    min_size = _check_int(min_size, "min_size", "profile_segments", 1)
    max_levels = _check_int(max_levels, "max_levels", "profile_segments", 2)
    if feature_labeller is not None and not callable(feature_labeller):
        raise ParameterError(
            "The 'feature_labeller' parameter of profile_segments must be a function "
            "(features, language) -> {feature: label} or None. Got "
            f"{type(feature_labeller).__name__} instead."
        )
    if segment_names is not None and not isinstance(segment_names, Mapping):
        raise ParameterError(
            "The 'segment_names' parameter of profile_segments must be a mapping of segment id "
            f"to name. Got {type(segment_names).__name__} instead."
        )
    if explicit:
        bad = [c for c in chosen if _kind(features[c]) == "unsupported"]
        if bad:
            raise ParameterError(
                f"profile_segments cannot profile columns {bad} of type "
                f"{[str(features[c].dtype) for c in bad]}: use numeric, bool, categorical or "
                "string columns (derive e.g. days since a date first)."
            )

    label_series = _check_labels(features, labels)
    labelled = label_series.notna().to_numpy()
    segments = _segment_order(label_series)
    if not segments:
        raise ParameterError("The 'labels' parameter of profile_segments holds no segment.")
    positions = {seg: i for i, seg in enumerate(segments)}
    codes = np.array([positions[v] for v in label_series[labelled]], dtype=np.intp)
    rows = features.loc[labelled, chosen]
    sizes = pd.Series(
        np.bincount(codes, minlength=len(segments)),
        index=pd.Index(segments, name="segment"),
        name="customers",
    )

    cells: list[dict] = []
    tests: dict[Hashable, dict] = {}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for name in chosen:
            column = rows[name]
            kind = _kind(column)
            if kind == "numeric":
                x = column.to_numpy(dtype=float, na_value=np.nan, copy=True)
                x[~np.isfinite(x)] = np.nan
                found, test = numeric_feature(name, x, codes, segments, min_size)
            elif kind in ("bool", "categorical"):
                found, test = categorical_feature(
                    name, column, kind, codes, segments, min_size, max_levels
                )
            else:
                found, test = [], empty_test("unsupported", int(column.notna().sum()))
                test["note"] = "unsupported_type"
            cells.extend(found)
            tests[name] = test

    cell_frame = pd.DataFrame(cells, columns=list(CELL_COLUMNS))
    # None (numeric) stays None next to string and bool levels
    cell_frame["level"] = pd.Series([c["level"] for c in cells], dtype=object)
    if len(cell_frame):
        cell_frame["p_adjusted"] = adjust_pvalues(cell_frame["p_value"], correction)
    for column in ("value", "median", "rest_value", "overall_value", "index", "std_diff"):
        cell_frame[column] = cell_frame[column].astype(float)
    for column in ("p_value", "p_adjusted"):
        cell_frame[column] = cell_frame[column].astype(float)

    test_frame = pd.DataFrame.from_dict(tests, orient="index", columns=list(TEST_COLUMNS))
    test_frame.index = pd.Index(list(tests), name="feature")
    if len(test_frame):
        test_frame["p_adjusted"] = adjust_pvalues(test_frame["p_value"], correction)
    test_frame["significant"] = (test_frame["p_adjusted"] < alpha).astype(bool)
    # protected cell tests: a cell counts only where its feature differs across segments at all
    protected = cell_frame["feature"].map(test_frame["significant"]).fillna(False).astype(bool)
    cell_frame["significant"] = ((cell_frame["p_adjusted"] < alpha) & protected).astype(bool)

    profile = SegmentProfile(
        cells=cell_frame,
        tests=test_frame,
        sizes=sizes,
        alpha=alpha,
        correction=correction,
        min_size=min_size,
        max_levels=max_levels,
        segment_names=dict(segment_names or {}),
        n_unlabelled=int((~labelled).sum()),
        feature_labeller=feature_labeller,
    )
    profile.notes = profile._note_facts()
    return profile
