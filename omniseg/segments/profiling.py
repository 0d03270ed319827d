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
and reported (``SegmentProfile.notes`` in the profile's language and ``tests["note"]`` as codes).

See ``docs/profiling.md``.

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
>>> describe_trait(cell)
'Mean age 67 vs 36 for everyone else (index 130)'
>>> describe_trait(cell, "es")
'Media de age: 67 frente a 36 del resto (índice 130)'
"""

from __future__ import annotations

import html
import math
import warnings
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from numbers import Real

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import special, stats

from omniseg._checks import check_int as _check_int
from omniseg.errors import ParameterError
from omniseg.report.i18n import check_language, format_number, format_percent, t

__all__ = [
    "CORRECTIONS",
    "SegmentProfile",
    "adjust_pvalues",
    "describe_trait",
    "profile_segments",
]

#: Multiple-testing corrections :func:`profile_segments` accepts.
CORRECTIONS: tuple[str, ...] = ("fdr_bh", "holm", "bonferroni", "none")

#: Display names of the corrections (the same in every language).
CORRECTION_NAMES: dict[str, str] = {
    "fdr_bh": "Benjamini-Hochberg",
    "holm": "Holm",
    "bonferroni": "Bonferroni",
    "none": "",
}

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

#: Below this expected count a 2x2 cell test uses Fisher's exact test instead of chi-square.
MIN_EXPECTED = 5.0
#: |standardized difference| at which the heat-map colour is at its deepest.
COLOUR_LIMIT = 1.0
#: Relative size under which a pooled standard deviation counts as zero (rounding noise).
_ZERO_SD = 1e-10

_BLUE = (33, 102, 172)  # above everyone else
_RED = (178, 24, 43)  # below everyone else


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


def _check_correction(value: object, caller: str) -> str:
    if value is None:
        return "none"
    if not isinstance(value, str) or value not in CORRECTIONS:
        raise ParameterError(
            f"The 'correction' parameter of {caller} must be one of {CORRECTIONS}. "
            f"Got {value!r} instead."
        )
    return value


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
# multiple testing
# ------------------------------------------------------------------------------------------


def adjust_pvalues(p_values: object, method: str = "fdr_bh") -> np.ndarray:
    """p-values adjusted for multiple testing; missing p-values stay missing.

    Parameters
    ----------
    p_values : array-like of float
        p-values in [0, 1]; NaN for tests that were not run (they do not count in the family).
    method : {"fdr_bh", "holm", "bonferroni", "none"}, default "fdr_bh"
        Benjamini-Hochberg (false discovery rate; via ``scipy.stats.false_discovery_control``),
        Holm's step-down or Bonferroni (family-wise error rate), or no correction.

    Returns
    -------
    ndarray
        Adjusted p-values in the order given, capped at 1.

    Raises
    ------
    ParameterError
        If ``method`` is unknown or a p-value is outside [0, 1].

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    >>> adjust_pvalues([0.01, 0.04, 0.03], "holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_pvalues([0.01, 0.04, 0.03], "bonferroni").round(3).tolist()
    [0.03, 0.12, 0.09]
    """
    method = _check_correction(method, "adjust_pvalues")
    p = np.asarray(p_values, dtype=float).ravel()
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    if ((q < 0) | (q > 1)).any():
        raise ParameterError(
            "The 'p_values' parameter of adjust_pvalues must hold values in [0, 1]. "
            f"Got values from {q.min()!r} to {q.max()!r} instead."
        )
    m = q.size
    if m == 0:
        return out
    if method == "fdr_bh":
        adjusted = stats.false_discovery_control(q, method="bh")
    elif method == "holm":
        order = np.argsort(q, kind="stable")
        stepped = np.maximum.accumulate((m - np.arange(m)) * q[order])
        adjusted = np.empty(m)
        adjusted[order] = stepped
    elif method == "bonferroni":
        adjusted = q * m
    else:
        adjusted = q.copy()
    out[ok] = np.minimum(adjusted, 1.0)
    return out


# ------------------------------------------------------------------------------------------
# statistics per feature
# ------------------------------------------------------------------------------------------


def _empty_test(kind: str, n: int) -> dict:
    return {
        "kind": kind,
        "test": None,
        "statistic": np.nan,
        "dof": np.nan,
        "p_value": np.nan,
        "p_adjusted": np.nan,
        "significant": False,
        "effect_size": np.nan,
        "effect_measure": None,
        "anova_f": np.nan,
        "anova_p": np.nan,
        "n": int(n),
        "k": 0,
        "note": "",
    }


def _numeric_feature(
    name: Hashable, x: np.ndarray, codes: np.ndarray, segments: list, min_size: int
) -> tuple[list[dict], dict]:
    """Cells and the across-segment test of one numeric feature (``x`` float, NaN = missing)."""
    k = len(segments)
    valid = np.isfinite(x)
    xv, cv = x[valid], codes[valid]
    n = xv.size
    test = _empty_test("numeric", n)
    if n == 0:
        test["note"] = "all_missing"
        return [], test
    if xv.min() == xv.max():
        test["note"] = "constant"
        return [], test

    cnt = np.bincount(cv, minlength=k).astype(float)
    n_rest = n - cnt
    m0 = float(xv.mean())
    xc = xv - m0  # centred: sums of squares without cancellation
    s = np.bincount(cv, weights=xc, minlength=k)
    mean_c = np.divide(s, cnt, out=np.full(k, np.nan), where=cnt > 0)
    ss = np.bincount(cv, weights=(xc - np.nan_to_num(mean_c)[cv]) ** 2, minlength=k)
    rest_c = np.divide(s.sum() - s, n_rest, out=np.full(k, np.nan), where=n_rest > 0)
    medians = pd.Series(xv).groupby(cv).median().reindex(range(k)).to_numpy()

    index_ok = m0 > 0 and xv.min() >= 0
    scale = max(float(np.abs(xv).max()), 1e-300)
    present = cnt > 0
    std_diff = np.full(k, np.nan)
    for g in range(k):
        if cnt[g] == 0 or n_rest[g] == 0 or n < 3:
            continue
        others = present.copy()
        others[g] = False
        ss_rest = float(np.sum(ss[others] + cnt[others] * (mean_c[others] - rest_c[g]) ** 2))
        sd = math.sqrt(max(ss[g] + ss_rest, 0.0) / (n - 2))
        diff = mean_c[g] - rest_c[g]
        if sd <= _ZERO_SD * scale:
            std_diff[g] = 0.0 if abs(diff) <= _ZERO_SD * scale else math.copysign(math.inf, diff)
        else:
            std_diff[g] = diff / sd

    # segment vs everyone else: Mann-Whitney U on ranks computed once (scipy's asymptotic
    # formula with tie and continuity corrections; scipy itself for its exact small cases)
    ranks = stats.rankdata(xv)
    ties = np.unique(xv, return_counts=True)[1].astype(float)
    has_ties = bool((ties > 1).any())
    tie_term = float(np.sum(ties**3 - ties))
    rank_sums = np.bincount(cv, weights=ranks, minlength=k)
    p_cell = np.full(k, np.nan)
    for g in range(k):
        n1, n2 = cnt[g], n_rest[g]
        if n1 < min_size or n2 < min_size:
            continue
        if (n1 <= 8 or n2 <= 8) and not has_ties:
            p_cell[g] = stats.mannwhitneyu(xv[cv == g], xv[cv != g]).pvalue
            continue
        u1 = rank_sums[g] - n1 * (n1 + 1) / 2
        u = max(u1, n1 * n2 - u1)
        sd_u = math.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
        p_cell[g] = min(1.0, 2 * special.ndtr(-(u - n1 * n2 / 2 - 0.5) / sd_u))

    cells = [
        {
            "segment": seg,
            "feature": name,
            "level": None,
            "kind": "numeric",
            "n": int(cnt[g]),
            "value": mean_c[g] + m0,
            "median": medians[g],
            "rest_value": rest_c[g] + m0,
            "overall_value": m0,
            "index": 100 * (mean_c[g] + m0) / m0 if index_ok else np.nan,
            "std_diff": std_diff[g],
            "test": "mannwhitneyu" if not np.isnan(p_cell[g]) else None,
            "p_value": p_cell[g],
        }
        for g, seg in enumerate(segments)
    ]

    tested = [g for g in range(k) if cnt[g] >= min_size]
    groups = [xv[cv == g] for g in tested]
    test["k"] = len(groups)
    if len(groups) < 2:
        test["note"] = "too_few_groups"
        return cells, test
    pooled = np.concatenate(groups)
    if pooled.min() == pooled.max():
        test["note"] = "constant"
        return cells, test
    h, p = stats.kruskal(*groups)
    f, p_f = stats.f_oneway(*groups)
    n_t, k_t = pooled.size, len(groups)
    eta2 = max(0.0, (h - k_t + 1) / (n_t - k_t)) if n_t > k_t else np.nan
    test.update(
        test="kruskal",
        statistic=float(h),
        dof=k_t - 1,
        p_value=float(p),
        effect_size=eta2,
        effect_measure="eta_squared",
        anova_f=float(f),
        anova_p=float(p_f),
        n=int(n_t),
    )
    return cells, test


def _levels(values: pd.Series, kind: str) -> list:
    """Levels of a categorical feature in display order."""
    if kind == "bool":
        return [False, True]
    if isinstance(values.dtype, pd.CategoricalDtype):
        seen = set(values.unique())
        return [c for c in values.cat.categories if c in seen]
    counts = values.value_counts(sort=False)
    return sorted(counts.index, key=lambda level: (-counts[level], str(level)))


def _cell_2x2(a: float, b: float, c: float, d: float) -> tuple[float, str]:
    """Two-sided p of a 2x2 table [[a, b], [c, d]] and the test used."""
    n = a + b + c + d
    rows, cols = (a + b, c + d), (a + c, b + d)
    if min(rows) == 0 or min(cols) == 0:
        return np.nan, None
    if min(r * q for r in rows for q in cols) / n < MIN_EXPECTED:
        return float(stats.fisher_exact([[a, b], [c, d]]).pvalue), "fisher"
    chi2 = n * (a * d - b * c) ** 2 / (rows[0] * rows[1] * cols[0] * cols[1])
    return float(special.chdtrc(1, chi2)), "chi2"


def _categorical_feature(
    name: Hashable,
    column: pd.Series,
    kind: str,
    codes: np.ndarray,
    segments: list,
    min_size: int,
    max_levels: int,
) -> tuple[list[dict], dict]:
    """Cells and the across-segment test of one categorical or bool feature."""
    k = len(segments)
    valid = column.notna().to_numpy()
    values = column[valid]
    cv = codes[valid]
    n = int(valid.sum())
    test = _empty_test(kind, n)
    if n == 0:
        test["note"] = "all_missing"
        return [], test
    if kind == "bool":
        values = values.astype(bool)
    levels = _levels(values, kind)
    if kind != "bool" and len(levels) > max_levels:
        test["note"] = "too_many_levels"
        return [], test
    present = values.unique()
    if len(present) < 2:
        test["note"] = "constant"
        return [], test

    level_codes = pd.Categorical(values, categories=levels).codes
    table = np.zeros((k, len(levels)))
    np.add.at(table, (cv, level_codes), 1)
    cnt = table.sum(axis=1)
    n_rest = n - cnt
    col_total = table.sum(axis=0)
    overall = col_total / n

    cells = []
    shown = [levels.index(True)] if kind == "bool" else range(len(levels))
    for j in shown:
        for g, seg in enumerate(segments):
            share = table[g, j] / cnt[g] if cnt[g] else np.nan
            rest = (col_total[j] - table[g, j]) / n_rest[g] if n_rest[g] else np.nan
            h = (
                2 * math.asin(math.sqrt(share)) - 2 * math.asin(math.sqrt(rest))
                if not (np.isnan(share) or np.isnan(rest))
                else np.nan
            )
            p, used = np.nan, None
            if cnt[g] >= min_size and n_rest[g] >= min_size:
                a = table[g, j]
                c = col_total[j] - a
                p, used = _cell_2x2(a, cnt[g] - a, c, n_rest[g] - c)
            cells.append(
                {
                    "segment": seg,
                    "feature": name,
                    "level": levels[j],
                    "kind": kind,
                    "n": int(cnt[g]),
                    "value": share,
                    "median": np.nan,
                    "rest_value": rest,
                    "overall_value": overall[j],
                    "index": 100 * share / overall[j] if overall[j] > 0 else np.nan,
                    "std_diff": h,
                    "test": used,
                    "p_value": p,
                }
            )

    sub = table[cnt >= min_size]
    sub = sub[:, sub.sum(axis=0) > 0]
    test["k"] = int(sub.shape[0])
    if sub.shape[0] < 2:
        test["note"] = "too_few_groups"
        return cells, test
    if sub.shape[1] < 2:
        test["note"] = "constant"
        return cells, test
    res = stats.chi2_contingency(sub, correction=False)
    n_t = float(sub.sum())
    v = math.sqrt(res.statistic / (n_t * (min(sub.shape) - 1)))
    test.update(
        test="chi2",
        statistic=float(res.statistic),
        dof=int(res.dof),
        p_value=float(res.pvalue),
        effect_size=v,
        effect_measure="cramers_v",
        n=int(n_t),
    )
    return cells, test


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
    language: str = "en",
    segment_names: Mapping | None = None,
    max_levels: int = 30,
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
    language : {"en", "es"}, default "en"
        Language of the notes, the HTML table and the figure.
    segment_names : mapping, optional
        Segment id -> display name (ids without a name are shown as they are).
    max_levels : int, default 30
        Categorical features with more levels than this (ids, free text) are left out and
        reported.

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
    correction = _check_correction(correction, "profile_segments")
    min_size = _check_int(min_size, "min_size", "profile_segments", 1)
    max_levels = _check_int(max_levels, "max_levels", "profile_segments", 2)
    language = check_language(language)
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
                found, test = _numeric_feature(name, x, codes, segments, min_size)
            elif kind in ("bool", "categorical"):
                found, test = _categorical_feature(
                    name, column, kind, codes, segments, min_size, max_levels
                )
            else:
                found, test = [], _empty_test("unsupported", int(column.notna().sum()))
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
        language=language,
        segment_names=dict(segment_names or {}),
        n_unlabelled=int((~labelled).sum()),
    )
    profile.notes = profile._notes(max_levels)
    return profile


@dataclass
class SegmentProfile:
    """The result of :func:`profile_segments`.

    Attributes
    ----------
    cells : DataFrame
        Long table, one row per segment x feature (x level for categorical features):
        ``segment``, ``feature``, ``level`` (None for numeric), ``kind`` (numeric, bool,
        categorical), ``n`` (the segment's non-missing values), ``value`` (segment mean or share),
        ``median`` (numeric), ``rest_value`` (everyone else), ``overall_value`` (everyone),
        ``index`` (100 = average), ``std_diff`` (Cohen's d, or Cohen's h for shares), ``test``
        (mannwhitneyu, chi2 or fisher; None when not tested), ``p_value``, ``p_adjusted`` and
        ``significant``.
    tests : DataFrame
        One row per feature (index ``feature``): ``kind`` (numeric, bool, categorical,
        unsupported), ``test`` (kruskal, chi2 or None),
        ``statistic``, ``dof``, ``p_value``, ``p_adjusted``, ``significant``, ``effect_size``,
        ``effect_measure`` (eta_squared, cramers_v), ``anova_f``, ``anova_p``, ``n``, ``k`` (the
        segments tested) and ``note`` (why a feature was not tested: all_missing, constant,
        too_many_levels, too_few_groups, unsupported_type; empty when tested).
    sizes : Series
        Customers per segment (index ``segment``).
    alpha, correction, min_size, language
        The parameters the profile was computed with.
    segment_names : dict
        Segment id -> display name.
    n_unlabelled : int
        Rows left out for having no segment.
    notes : list of str
        What was left out or not tested, in the profile's language.
    """

    cells: pd.DataFrame
    tests: pd.DataFrame
    sizes: pd.Series
    alpha: float = 0.05
    correction: str = "fdr_bh"
    min_size: int = 10
    language: str = "en"
    segment_names: dict = field(default_factory=dict)
    n_unlabelled: int = 0
    notes: list[str] = field(default_factory=list)

    # -- labels -------------------------------------------------------------------------------

    def segment_label(self, segment: object) -> str:
        """Display name of a segment (its name in ``segment_names``, else the id as text)."""
        return str(self.segment_names.get(segment, segment))

    def _language(self, language: str | None) -> str:
        return check_language(self.language if language is None else language)

    def _notes(self, max_levels: int) -> list[str]:
        lang = self.language
        notes = []
        if self.n_unlabelled:
            notes.append(t("profile.note_unlabelled", lang, n=format_number(self.n_unlabelled)))
        small = [s for s in self.sizes.index if self.sizes[s] < self.min_size]
        if small:
            names = ", ".join(self.segment_label(s) for s in small)
            notes.append(t("profile.note_small", lang, min_size=self.min_size, segments=names))
        by_note = self.tests.groupby("note", sort=False).groups
        keys = {
            "all_missing": ("profile.note_missing", {}),
            "constant": ("profile.note_constant", {}),
            "too_many_levels": ("profile.note_levels", {"max_levels": max_levels}),
            "unsupported_type": ("profile.note_unsupported", {}),
            "too_few_groups": ("profile.note_untested", {"min_size": self.min_size}),
        }
        for note, (key, extra) in keys.items():
            if note in by_note:
                names = ", ".join(str(f) for f in by_note[note])
                notes.append(t(key, lang, features=names, **extra))
        return notes

    def _segments(self) -> list:
        return list(self.sizes.index)

    @staticmethod
    def _row_label(feature: object, level: object, kind: str, language: str | None) -> str:
        if kind == "numeric":
            return (
                str(feature)
                if language is None
                else t("profile.mean_of", language, feature=feature)
            )
        if kind == "bool":
            return str(feature)
        return f"{feature}: {level}"

    def _rows(self) -> pd.DataFrame:
        """One row per (feature, level) in profile order."""
        return self.cells.drop_duplicates(["feature", "level"])[["feature", "level", "kind"]]

    # -- tables -------------------------------------------------------------------------------

    def to_frame(self, value: str = "index") -> pd.DataFrame:
        """Wide table: one row per feature (``"feature: level"`` for categories), one column per
        segment.

        Parameters
        ----------
        value : {"index", "std_diff", "value", "p_adjusted"}, default "index"
            The cell column to spread.

        Returns
        -------
        DataFrame
        """
        allowed = ("index", "std_diff", "value", "p_adjusted")
        if value not in allowed:
            raise ParameterError(
                f"The 'value' parameter of SegmentProfile.to_frame must be one of {allowed}. "
                f"Got {value!r} instead."
            )
        labels = [
            self._row_label(f, lv, k, None)
            for f, lv, k in zip(
                self.cells["feature"], self.cells["level"], self.cells["kind"], strict=True
            )
        ]
        frame = self.cells.assign(row=labels)
        order = list(dict.fromkeys(labels))
        wide = frame.pivot(index="row", columns="segment", values=value)
        wide = wide.reindex(index=order, columns=self._segments())
        wide.index.name = None
        wide.columns.name = "segment"
        return wide

    def top_features(
        self, segment: object = None, n: int = 5, *, language: str | None = None
    ) -> pd.DataFrame:
        """The features that set a segment apart most, ranked.

        Only significant cells count; they are ranked by ``|std_diff|`` (Cohen's d for numeric
        features, Cohen's h for shares, so both are on one scale), then by adjusted p-value. Both
        directions count: a segment that uses the store far less than everyone else is as
        distinctive as one that uses it far more.

        Parameters
        ----------
        segment : segment id, optional
            One segment; default every segment, ``n`` rows each.
        n : int, default 5
            Rows per segment.
        language : {"en", "es"}, optional
            Language of the ``description`` column (default the profile's).

        Returns
        -------
        DataFrame
            ``segment``, ``rank`` (1 = most distinctive), ``feature``, ``level``, ``kind``,
            ``value``, ``rest_value``, ``index``, ``std_diff``, ``p_adjusted`` and
            ``description`` (a sentence, see :func:`describe_trait`).
        """
        n = _check_int(n, "n", "SegmentProfile.top_features", 1)
        language = self._language(language)
        segments = self._segments()
        if segment is not None:
            if segment not in segments:
                raise ParameterError(
                    f"The 'segment' parameter of SegmentProfile.top_features must be one of "
                    f"{segments}. Got {segment!r} instead."
                )
            segments = [segment]
        columns = [
            "segment",
            "rank",
            "feature",
            "level",
            "kind",
            "value",
            "rest_value",
            "index",
            "std_diff",
            "p_adjusted",
            "description",
        ]
        sig = self.cells[self.cells["significant"]]
        parts = []
        for seg in segments:
            part = sig[sig["segment"] == seg].assign(_abs=lambda d: d["std_diff"].abs())
            part = part.sort_values(["_abs", "p_adjusted"], ascending=[False, True]).head(n)
            part = part.assign(rank=np.arange(1, len(part) + 1))
            parts.append(part)
        out = pd.concat(parts) if parts else sig.iloc[:0]
        out = out.assign(
            description=[describe_trait(row, language) for _, row in out.iterrows()]
            if len(out)
            else pd.Series(dtype=object)
        )
        return out[columns].reset_index(drop=True)

    # -- figures ------------------------------------------------------------------------------

    def plot_heatmap(
        self,
        *,
        value: str = "index",
        language: str | None = None,
        fig: go.Figure | None = None,
    ) -> go.Figure:
        """Heat map of the profile: features down, segments across.

        Parameters
        ----------
        value : {"index", "std_diff"}, default "index"
            What the cells show. With ``"index"`` the colour is ``log2(index / 100)``, so 50 and
            200 are equally deep (capped at 50 and 200); with ``"std_diff"`` the colour is the
            standardized difference (capped at ±1.5). Blue is above, red below. Cells without an
            index (features with negative values) fall back to the standardized difference's
            colour.
        language : {"en", "es"}, optional
            Default the profile's language.
        fig : plotly Figure, optional
            A figure to draw into.

        Returns
        -------
        plotly.graph_objects.Figure
        """
        if value not in ("index", "std_diff"):
            raise ParameterError(
                "The 'value' parameter of SegmentProfile.plot_heatmap must be 'index' or "
                f"'std_diff'. Got {value!r} instead."
            )
        language = self._language(language)
        segments = self._segments()
        rows = self._rows()
        lookup = {
            (r["segment"], r["feature"], r["level"] if r["kind"] != "numeric" else None): r
            for r in self.cells.to_dict("records")
        }
        limit = 1.0 if value == "index" else 1.5  # log2 of 200 / 100, or |d|
        z, text, hover = [], [], []
        for row in rows.itertuples(index=False):
            level = row.level if row.kind != "numeric" else None
            z_row, text_row, hover_row = [], [], []
            for seg in segments:
                cell = lookup[(seg, row.feature, level)]
                d = _clip(cell["std_diff"], 1.5)
                has_index = _finite(cell["index"]) and cell["index"] > 0
                if value == "std_diff":
                    colour, shown = d, _signed_or_dash(cell["std_diff"], language)
                elif has_index:
                    colour = max(-limit, min(limit, math.log2(cell["index"] / 100)))
                    shown = format_number(cell["index"], language)
                else:  # no index: the mean, coloured by the standardized difference
                    colour = None if d is None else d / 1.5 * limit
                    shown = _value(cell["value"], row.kind, language)
                z_row.append(colour)
                text_row.append(shown + ("*" if cell["significant"] else ""))
                hover_row.append(html.escape(self._cell_text(cell, seg, language)))
            z.append(z_row)
            text.append(text_row)
            hover.append(hover_row)
        y = [
            html.escape(self._row_label(r.feature, r.level, r.kind, language))
            for r in rows.itertuples(index=False)
        ]
        x = [
            html.escape(f"{self.segment_label(s)} ({self._size_text(s, language)})")
            for s in segments
        ]
        colorbar: dict = {"title": {"text": "d", "side": "right"}}
        if value == "index":
            ticks = [50, 75, 100, 150, 200]
            colorbar.update(tickvals=[math.log2(v / 100) for v in ticks], ticktext=ticks)
            colorbar["title"]["text"] = t("profile.fig_index", language).split(": ")[-1]
        fig = fig if fig is not None else go.Figure()
        fig.add_trace(
            go.Heatmap(
                z=z,
                x=x,
                y=y,
                text=text,
                texttemplate="%{text}",
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
                colorscale="RdBu",
                zmid=0,
                zmin=-limit,
                zmax=limit,
                colorbar=colorbar,
                xgap=1,
                ygap=1,
            )
        )
        fig.update_layout(
            title=t("profile.fig_index" if value == "index" else "profile.fig_std_diff", language),
            template="plotly_white",
            height=max(320, 140 + 26 * len(y)),
            yaxis={"autorange": "reversed"},
            xaxis={"side": "top"},
            separators=",." if language == "es" else ".,",
        )
        return fig

    def _size_text(self, segment: object, language: str) -> str:
        return t("profile.size", language, n=format_number(int(self.sizes[segment]), language))

    def _cell_text(self, cell: Mapping, segment: object, language: str) -> str:
        sentence = describe_trait(cell, language)
        parts = [f"{self.segment_label(segment)}: {sentence}"]
        if _finite(cell["index"]) and (_finite(cell["std_diff"]) or _infinite(cell["std_diff"])):
            parts.append(f"d = {_signed(cell['std_diff'], language)}")
        if _finite(cell["p_adjusted"]):
            parts.append(t("profile.p_adjusted", language, p=_p(cell["p_adjusted"], language)))
        else:
            parts.append(t("profile.not_tested", language))
        return " · ".join(parts)

    # -- HTML ---------------------------------------------------------------------------------

    def to_html(self, language: str | None = None) -> str:
        """A heat-map-style HTML table of the profile (every label escaped).

        Rows are features (levels for categorical features), columns the segments with their
        size. Each cell shows the index (the mean when there is none) on a background coloured by
        the standardized difference (blue above everyone else, red below); significant cells are
        bold; hovering shows the sentence of :func:`describe_trait` and the adjusted p-value. The
        last column gives the per-feature test and effect size.

        Parameters
        ----------
        language : {"en", "es"}, optional
            Default the profile's language.

        Returns
        -------
        str
        """
        language = self._language(language)
        esc = html.escape
        segments = self._segments()
        head = [
            f'<th style="text-align:left">{esc(t("profile.feature", language))}</th>',
            f"<th>{esc(t('profile.everyone', language))}</th>",
        ]
        for seg in segments:
            size = self._size_text(seg, language)
            small = self.sizes[seg] < self.min_size
            extra = f"<br><small>{esc(t('profile.not_tested', language))}</small>" if small else ""
            head.append(
                f"<th>{esc(self.segment_label(seg))}<br>"
                f'<small style="font-weight:normal">{esc(size)}</small>{extra}</th>'
            )
        head.append(f"<th>{esc(t('profile.test', language))}</th>")

        lookup = {
            (r["segment"], r["feature"], r["level"] if r["kind"] != "numeric" else None): r
            for r in self.cells.to_dict("records")
        }
        body = []
        missing_index = False
        for row in self._rows().itertuples(index=False):
            level = row.level if row.kind != "numeric" else None
            label = self._row_label(row.feature, row.level, row.kind, language)
            first = lookup[(segments[0], row.feature, level)]
            cells = [
                f'<th style="text-align:left">{esc(label)}</th>',
                f"<td>{esc(_value(first['overall_value'], row.kind, language))}</td>",
            ]
            for seg in segments:
                cell = lookup[(seg, row.feature, level)]
                if _finite(cell["index"]):
                    shown = format_number(cell["index"], language)
                else:
                    shown = _value(cell["value"], row.kind, language)
                    missing_index = missing_index or _finite(cell["value"])
                style = _cell_style(cell["std_diff"], bool(cell["significant"]))
                title = esc(self._cell_text(cell, seg, language), quote=True)
                cells.append(f'<td style="{style}" title="{title}">{esc(shown)}</td>')
            cells.append(f"<td>{esc(self._test_text(row.feature, language))}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")

        legend = [t("profile.legend", language)]
        alpha = format_percent(self.alpha, language, digits=_alpha_digits(self.alpha))
        if self.correction == "none":
            legend.append(t("profile.legend_sig_none", language, alpha=alpha))
        else:
            name = CORRECTION_NAMES[self.correction]
            legend.append(t("profile.legend_sig", language, alpha=alpha, correction=name))
        if missing_index:
            legend.append(t("profile.legend_no_index", language))
        notes = "".join(f"<li>{esc(note)}</li>" for note in self.notes)
        return (
            '<div class="os-profile">'
            f"<p><strong>{esc(t('profile.title', language))}</strong></p>"
            '<table class="os-table os-profile-table" style="border-collapse:collapse">'
            f"<thead><tr>{''.join(head)}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
            f'<p class="os-lead"><small>{esc(" ".join(legend))}</small></p>'
            + (f'<ul class="os-list">{notes}</ul>' if notes else "")
            + "</div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def _test_text(self, feature: object, language: str) -> str:
        test = self.tests.loc[feature]
        if test["test"] is None or not _finite(test["p_value"]):
            return t("profile.not_tested", language)
        name = "Kruskal-Wallis" if test["test"] == "kruskal" else "χ²"
        measure = "η²" if test["effect_measure"] == "eta_squared" else "V"
        effect = format_number(test["effect_size"], language, 2)
        p = _p(test["p_adjusted"], language)
        return f"{name} · {measure} = {effect} · {t('profile.p_adjusted', language, p=p)}"


# ------------------------------------------------------------------------------------------
# sentences and formatting
# ------------------------------------------------------------------------------------------


def _finite(value: object) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _infinite(value: object) -> bool:
    try:
        return value is not None and math.isinf(float(value))
    except (TypeError, ValueError):
        return False


def _clip(value: object, limit: float) -> float | None:
    if _finite(value) or _infinite(value):
        return max(-limit, min(limit, float(value)))
    return None


def _signed(value: float, language: str) -> str:
    if _infinite(value):  # both groups constant and different: a standardized difference of
        return t("seg.no_overlap", language)  # infinity is not a number to show
    text = format_number(value, language, 2)
    return f"+{text}" if float(value) > 0 else text


def _signed_or_dash(value: float, language: str) -> str:
    return _signed(value, language) if _finite(value) or _infinite(value) else "–"


def _p(value: float, language: str) -> str:
    if value < 0.001:
        return f"< {format_number(0.001, language, 3)}"
    return f"= {format_number(value, language, 3)}"


def _alpha_digits(alpha: float) -> int:
    return 0 if round(100 * alpha, 6).is_integer() else 1


def _digits(*values: float) -> int:
    """Decimal places for numbers of this size: 67, 4.2, 0.35."""
    finite = [abs(float(v)) for v in values if _finite(v)]
    top = max(finite, default=0.0)
    return 0 if top >= 10 else 1 if top >= 1 else 2


def _value(value: float, kind: str, language: str) -> str:
    if kind == "numeric":
        return format_number(value, language, _digits(value))
    return format_percent(value, language)


def _cell_style(std_diff: float, significant: bool) -> str:
    style = "text-align:right;padding:2px 8px"
    if _finite(std_diff) or _infinite(std_diff):
        share = min(abs(float(std_diff)) / COLOUR_LIMIT, 1.0)
        base = _BLUE if std_diff > 0 else _RED
        r, g, b = (round(255 + (c - 255) * share) for c in base)
        style += f";background-color:rgb({r},{g},{b})"
        if share > 0.6:
            style += ";color:white"
    if significant:
        style += ";font-weight:bold"
    return style


def describe_trait(cell: Mapping, language: str = "en") -> str:
    """One plain sentence about a profile cell: the segment against everyone else.

    Parameters
    ----------
    cell : mapping or Series
        A row of :attr:`SegmentProfile.cells` (needs ``feature``, ``level``, ``value``,
        ``rest_value`` and ``index``; ``kind`` and ``std_diff`` are used when present).
    language : {"en", "es"}, default "en"

    Returns
    -------
    str
        ``"Mean age 67 vs 45 for everyone else (index 149)"`` for a numeric feature,
        ``"first_channel: store: 42.0% vs 20.0% for everyone else (index 210)"`` for a level.
        Without an index (features with negative values) the standardized difference is given.

    Examples
    --------
    >>> describe_trait({"feature": "age", "level": None, "value": 67.2, "rest_value": 45.1,
    ...                 "index": 149.3})
    'Mean age 67 vs 45 for everyone else (index 149)'
    >>> describe_trait({"feature": "omnichannel", "level": True, "kind": "bool", "value": 0.425,
    ...                 "rest_value": 0.2, "index": 182.0}, "es")
    'omnichannel: 42,5\\xa0% frente a 20,0\\xa0% del resto (índice 182)'
    >>> describe_trait({"feature": "margin", "level": None, "value": -1.25, "rest_value": 0.5,
    ...                 "index": float("nan"), "std_diff": -0.8}, "es")
    'Media de margin: -1,2 frente a 0,5 del resto (diferencia estandarizada -0,80)'
    """
    language = check_language(language)
    level = cell.get("level")
    kind = cell.get("kind")
    if kind is None:
        kind = (
            "numeric"
            if level is None or (isinstance(level, float) and math.isnan(level))
            else ("bool" if isinstance(level, bool | np.bool_) else "categorical")
        )
    feature, value, rest = cell["feature"], cell["value"], cell["rest_value"]
    if kind == "numeric":
        digits = _digits(value, rest)
        text = t(
            "profile.trait_mean",
            language,
            feature=feature,
            value=format_number(value, language, digits),
            rest=format_number(rest, language, digits),
        )
    else:
        label = str(feature) if kind == "bool" else f"{feature}: {level}"
        if kind == "bool" and not level:
            label = f"{feature}: {level}"
        text = t(
            "profile.trait_share",
            language,
            label=label,
            value=format_percent(value, language),
            rest=format_percent(rest, language),
        )
    index = cell.get("index", np.nan)
    std_diff = cell.get("std_diff", np.nan)
    if _finite(index):
        text += t("profile.trait_index", language, index=format_number(index, language))
    elif _finite(std_diff) or _infinite(std_diff):
        text += t("profile.trait_d", language, d=_signed(std_diff, language))
    return text
