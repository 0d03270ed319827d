"""The statistics of a segment profile: tests, effect sizes and multiple-testing correction.

For :func:`~omniseg.segments.profiling.profile_segments`: per numeric feature, the segment
against everyone else (mean, median, index, Cohen's d, Mann-Whitney U) and one Kruskal-Wallis
test across segments (eta squared) next to a one-way ANOVA; per categorical or bool feature, each
level's share, Cohen's h, a 2x2 chi-square or Fisher test, and one chi-square test of
independence (Cramér's V); and :func:`adjust_pvalues` (Benjamini-Hochberg, Holm, Bonferroni).
The profile's object and wording are in :mod:`omniseg.segments.segment_profile`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import numpy as np
import pandas as pd
from scipy import special, stats

from omniseg.errors import ParameterError

__all__ = [
    "CORRECTIONS",
    "MIN_EXPECTED",
    "adjust_pvalues",
]

#: Multiple-testing corrections :func:`profile_segments` accepts.
CORRECTIONS: tuple[str, ...] = ("fdr_bh", "holm", "bonferroni", "none")
#: Below this expected count a 2x2 cell test uses Fisher's exact test instead of chi-square.
MIN_EXPECTED = 5.0
#: Relative size under which a pooled standard deviation counts as zero (rounding noise).
_ZERO_SD = 1e-10


def check_correction(value: object, caller: str) -> str:
    if value is None:
        return "none"
    if not isinstance(value, str) or value not in CORRECTIONS:
        raise ParameterError(
            f"The 'correction' parameter of {caller} must be one of {CORRECTIONS}. "
            f"Got {value!r} instead."
        )
    return value


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
    method = check_correction(method, "adjust_pvalues")
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


def empty_test(kind: str, n: int) -> dict:
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


def numeric_feature(
    name: Hashable, x: np.ndarray, codes: np.ndarray, segments: list, min_size: int
) -> tuple[list[dict], dict]:
    """Cells and the across-segment test of one numeric feature (``x`` float, NaN = missing)."""
    k = len(segments)
    valid = np.isfinite(x)
    xv, cv = x[valid], codes[valid]
    n = xv.size
    test = empty_test("numeric", n)
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


def categorical_feature(
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
    test = empty_test(kind, n)
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
