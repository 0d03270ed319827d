"""Survey weights: raking (iterative proportional fitting) to known population margins.

Who answers a survey is not a random draw of the customer base: in the demo, promotion hunters
answer one invitation in five and call-centre customers one in eight, so an unweighted average
over-represents the first. :func:`rake` gives every respondent a weight such that the weighted
sample reproduces known shares of the population on a few variables at once (age band, region,
gender, segment), e.g. taken from the CRM with
:func:`~omniseg.voice.margins.margins_from_population` (age bands and margins live in
:mod:`omniseg.voice.margins`). Each raking variable is a *margin*: the algorithm adjusts the
weights to one margin after the other and repeats until every margin is met. Weights are kept
within bounds relative to the mean weight (trimming, re-raking after every trim), because a handful
of respondents with huge weights make every weighted figure noisy; the price is measured by Kish's
effective sample size and design effect, and :attr:`RakingResult.achieved` shows how close each
margin came to its target.

The library emits no warnings: a run that did not converge says so (``converged=False``) and its
``achieved`` table shows by how much each margin is missed.

Examples
--------
>>> import pandas as pd
>>> sample = pd.DataFrame({"sex": ["f", "f", "m", "m", "m", "m"]})
>>> result = rake(sample, {"sex": pd.Series({"f": 0.5, "m": 0.5})})
>>> result.weights.round(2).tolist()
[1.5, 1.5, 0.75, 0.75, 0.75, 0.75]
>>> round(result.effective_sample_size, 2)  # 6**2 / 6.75
5.33

See ``docs/survey.md``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from omniseg._checks import bad_parameter, check_int
from omniseg.errors import MAX_ROWS_SHOWN, ParameterError
from omniseg.report.i18n import check_language, format_number, format_percent, t
from omniseg.report.templating import render
from omniseg.voice.margins import _check_key, _columns_of, _margin_name

__all__ = ["RakingResult", "effective_sample_size", "rake"]


#: How far shares given as targets may be from summing to 1.
SHARE_SUM_TOLERANCE = 1e-6
#: Relative slack when counting weights that sit on a trimming bound.
_ON_BOUND = 1e-9


def effective_sample_size(weights: Any) -> float:
    """Kish's effective sample size ``(sum w)**2 / sum(w**2)``.

    How many unweighted respondents would give the same precision as these weighted ones: ``n``
    for equal weights, less the more the weights vary. The design effect of weighting is
    ``n / effective_sample_size``.

    Examples
    --------
    >>> effective_sample_size([1, 1, 2, 4])  # 8**2 / 22
    2.909090909090909
    """
    w = np.asarray(weights, dtype="float64")
    total = w.sum()
    squares = (w**2).sum()
    return float(total**2 / squares) if squares > 0 else 0.0


# ------------------------------------------------------------------------------------------
# result
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RakingResult:
    """Weights from :func:`rake`, and how well they reproduce the targets.

    Attributes
    ----------
    weights : Series
        One weight per sample row, with the sample's index. They sum to the sum of the base
        weights (the sample size without base weights), so the mean weight is 1.
    converged : bool
        Whether every margin was met within ``tol`` (with the weights within the trimming
        bounds) before ``max_iter`` sweeps.
    iterations : int
        Sweeps made (one sweep adjusts to every margin once, then trims).
    achieved : DataFrame
        One row per margin category: ``variable``, ``category``, ``n`` (respondents),
        ``sample_share`` (unweighted), ``target``, ``achieved`` (weighted share) and
        ``difference_pp`` (achieved − target, in percentage points).
    n : int
        Sample size.
    effective_sample_size : float
        Kish: ``(sum w)**2 / sum(w**2)``.
    design_effect : float
        ``n / effective_sample_size``: how much weighting inflates variances (1 = no loss).
    trimmed : int
        Respondents whose weight sits on a trimming bound.
    trim : tuple of float or None
        The bounds, relative to the mean weight.
    """

    weights: pd.Series
    converged: bool
    iterations: int
    achieved: pd.DataFrame
    n: int
    effective_sample_size: float
    design_effect: float
    trimmed: int
    trim: tuple[float, float] | None

    @property
    def max_error_pp(self) -> float:
        """The largest absolute gap between a weighted share and its target, in points."""
        diffs = self.achieved["difference_pp"].abs()
        return float(diffs.max()) if len(diffs) else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data for a run manifest (JSON-safe; the weights themselves are left out).

        Returns
        -------
        dict
            ``converged``, ``iterations``, ``n``, ``effective_sample_size``, ``design_effect``,
            ``trimmed``, ``trim``, ``max_error_pp``, ``weight_min``, ``weight_max`` and
            ``achieved`` (a list of records of the :attr:`achieved` table).
        """
        records = [
            {
                "variable": str(r.variable),
                "category": str(r.category),
                "n": int(r.n),
                "sample_share": float(r.sample_share),
                "target": float(r.target),
                "achieved": float(r.achieved),
                "difference_pp": float(r.difference_pp),
            }
            for r in self.achieved.itertuples(index=False)
        ]
        w = self.weights.to_numpy(dtype="float64")
        return {
            "converged": bool(self.converged),
            "iterations": int(self.iterations),
            "n": int(self.n),
            "effective_sample_size": float(self.effective_sample_size),
            "design_effect": float(self.design_effect),
            "trimmed": int(self.trimmed),
            "trim": None if self.trim is None else [float(b) for b in self.trim],
            "max_error_pp": self.max_error_pp,
            "weight_min": float(w.min()) if len(w) else None,
            "weight_max": float(w.max()) if len(w) else None,
            "achieved": records,
        }

    def summary_text(self, language: str = "en") -> str:
        """One sentence for a report: convergence, effective sample size, design effect."""
        check_language(language)
        key = "weighting.converged" if self.converged else "weighting.not_converged"
        return t(
            key,
            language,
            n=format_number(self.n, language),
            iterations=self.iterations,
            ess=format_number(self.effective_sample_size, language),
            deff=format_number(self.design_effect, language, digits=2),
            trimmed=format_number(self.trimmed, language),
            error=format_number(self.max_error_pp, language, digits=2),
        )

    def table_html(
        self,
        language: str = "en",
        *,
        variable_labels: Mapping[str, str] | None = None,
        category_labels: Mapping[tuple[str, str], str] | None = None,
    ) -> str:
        """The targets-vs-achieved table as HTML (every text escaped).

        ``variable_labels`` (``{"age_band": "age band"}``) and ``category_labels``
        (``{("segment", "0"): "S1"}``) replace the names shown; the others are shown as they are.
        """
        check_language(language)
        header, rows = self._table_cells(language, variable_labels, category_labels)
        return render("blocks/rows_table.html.j2", header=header, rows=rows)

    def _table_cells(
        self,
        language: str,
        variable_labels: Mapping[str, str] | None = None,
        category_labels: Mapping[tuple[str, str], str] | None = None,
    ) -> tuple[list[str], list[list[str]]]:
        """The header and rows of :meth:`table_html`, worded and formatted (not yet escaped)."""
        variables, categories = variable_labels or {}, category_labels or {}
        header = [
            t(k, language)
            for k in (
                "weighting.variable",
                "weighting.category",
                "weighting.n",
                "weighting.sample_share",
                "weighting.target",
                "weighting.achieved",
                "weighting.difference",
            )
        ]
        rows = []
        for r in self.achieved.itertuples(index=False):
            variable, category = str(r.variable), str(r.category)
            rows.append(
                [
                    variables.get(variable, variable),
                    categories.get((variable, category), category),
                    format_number(r.n, language),
                    format_percent(r.sample_share, language),
                    format_percent(r.target, language),
                    format_percent(r.achieved, language),
                    format_number(r.difference_pp, language, digits=2),
                ]
            )
        return header, rows

    def to_html(self, language: str = "en") -> str:
        """An HTML summary and the targets-vs-achieved table (every text escaped)."""
        check_language(language)
        header, rows = self._table_cells(language)
        return render(
            "raking.html.j2",
            css_class="omniseg-weighting" + ("" if self.converged else " omniseg-warning"),
            title=t("weighting.title", language),
            summary=self.summary_text(language),
            header=header,
            rows=rows,
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return (
            f"RakingResult(n={self.n}, converged={self.converged}, iterations={self.iterations}, "
            f"effective_sample_size={self.effective_sample_size:.1f}, "
            f"design_effect={self.design_effect:.3f}, trimmed={self.trimmed}, "
            f"max_error_pp={self.max_error_pp:.3g})"
        )


# ------------------------------------------------------------------------------------------
# raking
# ------------------------------------------------------------------------------------------


def _check_params(max_iter: Any, tol: Any, trim: Any) -> tuple[int, float, tuple | None]:
    max_iter = check_int(max_iter, "max_iter", "rake", 1)
    if (
        isinstance(tol, bool)
        or not isinstance(tol, Real)
        or not math.isfinite(float(tol))
        or not tol > 0
    ):
        raise bad_parameter("tol", "rake", "a float in (0, inf)", tol)
    if trim is not None:
        ok = (
            isinstance(trim, Sequence)
            and not isinstance(trim, str)
            and len(trim) == 2
            and all(isinstance(b, Real) and not isinstance(b, bool) for b in trim)
        )
        if not ok or not (0 <= trim[0] <= 1 <= trim[1]) or math.isnan(float(trim[1])):
            raise bad_parameter(
                "trim",
                "rake",
                "None or a pair (low, high) of bounds relative to the mean weight, with "
                "0 <= low <= 1 <= high",
                trim,
            )
        trim = (float(trim[0]), float(trim[1]))
    return int(max_iter), float(tol), trim


def _row_names(sample: pd.DataFrame, mask: np.ndarray) -> str:
    positions = np.flatnonzero(mask)
    if "respondent_id" in sample.columns:
        label = "respondent_id"
        shown = [str(v) for v in sample["respondent_id"].iloc[positions[:MAX_ROWS_SHOWN]]]
    else:
        label = "index"
        shown = [str(v) for v in sample.index[positions[:MAX_ROWS_SHOWN]]]
    more = f" and {len(positions) - MAX_ROWS_SHOWN} more" if len(positions) > MAX_ROWS_SHOWN else ""
    return f"{label} {', '.join(shown)}{more}"


def _shown(values: list, limit: int = 10) -> str:
    text = ", ".join(repr(v) for v in values[:limit])
    return text + (f" and {len(values) - limit} more" if len(values) > limit else "")


def _plain(value: Hashable) -> Hashable:
    """Category as a plain Python value (numpy scalars -> int/float/str), tuples element-wise."""
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value.item() if isinstance(value, np.generic) else value


def _targets(key: str | tuple[str, ...], target: Any, problems: list[str]) -> pd.Series | None:
    """Target shares of one margin (counts normalised), or None after recording problems."""
    name = _margin_name(key)
    if isinstance(target, Mapping):
        target = pd.Series(dict(target), dtype="float64")
    if not isinstance(target, pd.Series):
        problems.append(
            f"targets of margin '{name}' must be a pandas Series (or dict) of shares or counts "
            f"indexed by category; got {type(target).__name__}"
        )
        return None
    values = pd.to_numeric(target, errors="coerce").astype("float64")
    if target.index.has_duplicates:
        dup = list(dict.fromkeys(target.index[target.index.duplicated()]))
        problems.append(f"targets of margin '{name}' list categories twice: {_shown(dup)}")
        return None
    bad = ~np.isfinite(values.to_numpy()) | (values.to_numpy() < 0)
    if bad.any():
        problems.append(
            f"targets of margin '{name}' must be numbers >= 0; categories "
            f"{_shown([_plain(c) for c in target.index[bad]])} are not"
        )
        return None
    total = float(values.sum())
    if abs(total - 1) <= SHARE_SUM_TOLERANCE:
        return values / total
    whole = bool(np.all(values.to_numpy() == np.round(values.to_numpy())))
    if total > 0 and (whole or bool((values > 1).any())):
        return values / total  # counts
    problems.append(
        f"target shares of margin '{name}' sum to {total:.6g}, not 1: shares must sum to 1 "
        f"(within {SHARE_SUM_TOLERANCE:g}); give counts, or correct the shares"
    )
    return None


def _sample_keys(sample: pd.DataFrame, cols: list[str]) -> pd.Series:
    if len(cols) == 1:
        return sample[cols[0]].astype("object")
    return pd.Series(
        list(zip(*(sample[c].astype("object") for c in cols), strict=True)),
        index=sample.index,
        dtype=object,
    )


def _base(base_weights: Any, sample: pd.DataFrame) -> np.ndarray:
    n = len(sample)
    if base_weights is None:
        return np.ones(n)
    if isinstance(base_weights, pd.Series):
        if not base_weights.index.equals(sample.index):
            missing = ~sample.index.isin(base_weights.index)
            if missing.any() or base_weights.index.has_duplicates:
                raise ParameterError(
                    "The 'base_weights' parameter of rake must be a Series with one weight per "
                    "sample row (same index as the sample) or an array of length "
                    f"{n}. {int(missing.sum())} sample row(s) have no base weight."
                )
            base_weights = base_weights.reindex(sample.index)
        values = pd.to_numeric(base_weights, errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
    else:
        values = np.asarray(base_weights, dtype="float64")
    if values.shape != (n,):
        raise ParameterError(
            "The 'base_weights' parameter of rake must hold one weight per sample row: the "
            f"sample has {n} rows, base_weights has shape {values.shape}."
        )
    bad = ~(np.isfinite(values) & (values > 0))
    if bad.any():
        raise ParameterError(
            f"The 'base_weights' parameter of rake must hold finite weights > 0. "
            f"{int(bad.sum())} are not ({_row_names(sample, bad)})."
        )
    return values


def rake(
    sample: pd.DataFrame,
    margins: Mapping[str | tuple[str, ...], Any],
    *,
    max_iter: int = 100,
    tol: float = 1e-6,
    trim: tuple[float, float] | None = (0.2, 5.0),
    base_weights: Any = None,
) -> RakingResult:
    """Weight a sample so that it reproduces population margins (raking / IPF).

    Starting from the base weights, each sweep adjusts the weights to every margin in turn
    (multiplying the weights of each category by target total / weighted total) and then clips
    them to the trimming bounds; the next sweep re-rakes. It stops when every weighted share is
    within ``tol`` of its target after a sweep (``converged=True``) or after ``max_iter`` sweeps.
    Without trimming this converges to the weights closest to the base weights (in the
    Kullback-Leibler sense) that meet every margin, whenever such weights exist.

    Parameters
    ----------
    sample : DataFrame
        One row per respondent, with a column per raking variable holding the same categories
        as the targets (e.g. ``age_band``, ``region``, ``gender`` of a survey).
    margins : dict
        ``{column: targets}``; the targets are a Series (or dict) indexed by category holding
        either shares (summing to 1 within 1e-6) or counts (any positive total; normalised).
        A key may be a tuple of columns for a joint margin, with a MultiIndex Series (as
        :func:`~omniseg.voice.margins.margins_from_population` returns). Categories with a target
        of 0 and no respondents are ignored.
    max_iter : int, default 100
        Most sweeps.
    tol : float, default 1e-6
        Largest accepted gap between a weighted share and its target (1e-6 = 0.0001 points).
    trim : (float, float) or None, default (0.2, 5.0)
        Bounds on the weights relative to the mean weight: no respondent counts less than a
        fifth or more than five times the average respondent. ``None`` does not trim. Tight
        bounds may make the margins unreachable: the result then says ``converged=False``.
    base_weights : Series or array-like, optional
        Design weights to start from (one per row, > 0; a Series is aligned on the sample's
        index). The raked weights keep their total. By default every respondent starts at 1.

    Returns
    -------
    RakingResult

    Raises
    ------
    ParameterError
        Bad parameters, and, listed together: a margin column not in the sample; missing values
        in a raking variable (naming the column and the respondents); targets that are not
        numbers >= 0 or shares that do not sum to 1; a sample category missing from the targets;
        a target category with no respondents (it cannot be reached: collapse it with a
        neighbouring category in both the sample and the targets); a target of 0 for a category
        that has respondents.

    Examples
    --------
    Two variables, four respondents per cell except one; the targets are met exactly:

    >>> sample = pd.DataFrame({"age": ["young"] * 4 + ["old"] * 2,
    ...                        "sex": ["f", "f", "m", "m", "f", "m"]})
    >>> result = rake(sample, {"age": {"young": 0.5, "old": 0.5},
    ...                        "sex": pd.Series({"f": 600, "m": 400})}, trim=None)
    >>> result.converged
    True
    >>> result.achieved[["variable", "category", "target", "achieved"]].round(3)
      variable category  target  achieved
    0      age    young     0.5       0.5
    1      age      old     0.5       0.5
    2      sex        f     0.6       0.6
    3      sex        m     0.4       0.4
    """
    if not isinstance(sample, pd.DataFrame):
        raise ParameterError(
            f"The 'sample' parameter of rake must be a pandas DataFrame. Got "
            f"{type(sample).__name__} instead."
        )
    if not isinstance(margins, Mapping) or not margins:
        raise ParameterError(
            "The 'margins' parameter of rake must be a non-empty dict {column: target shares}. "
            f"Got {margins!r} instead."
        )
    max_iter, tol, trim = _check_params(max_iter, tol, trim)
    base = _base(base_weights, sample)
    n = len(sample)
    if n == 0:
        raise ParameterError("The sample has no rows: there is nobody to weight.")

    problems: list[str] = []
    # (name, codes per respondent, target shares per code, labels, respondents per code)
    prepared: list[tuple[str, np.ndarray, np.ndarray, list, np.ndarray]] = []
    for raw_key, raw_target in margins.items():
        key = _check_key(raw_key, "rake")
        name = _margin_name(key)
        cols = _columns_of(key)
        absent = [c for c in cols if c not in sample.columns]
        if absent:
            problems.append(
                f"margin '{name}': column(s) {absent} not in the sample. Columns found: "
                f"{list(sample.columns)}"
            )
            continue
        missing = sample[cols].isna().any(axis=1).to_numpy()
        if missing.any():
            problems.append(
                f"column '{name}' has {int(missing.sum())} missing value(s) "
                f"({_row_names(sample, missing)}); every respondent needs a category to be "
                "weighted: fill them in, or drop those respondents (or add an 'unknown' "
                "category with its population share)"
            )
        target = _targets(key, raw_target, problems)
        if target is None or missing.any():
            continue
        keys = _sample_keys(sample, cols)
        cats = [_plain(c) for c in target.index]
        shares = target.to_numpy()
        lookup = {c: i for i, c in enumerate(cats)}
        codes = np.array([lookup.get(_plain(v), -1) for v in keys], dtype=np.int64)
        unknown = codes < 0
        if unknown.any():
            extra = pd.Series(keys[unknown].map(_plain)).value_counts(sort=False)
            listed = ", ".join(f"{c!r} ({k} respondent(s))" for c, k in extra.items())
            problems.append(
                f"margin '{name}': sample categories {listed} are not in the targets "
                f"(target categories: {_shown(cats)}); give them a target share, or recode them"
            )
            continue
        counts = np.bincount(codes, minlength=len(cats))
        unreachable = [c for c, k, s in zip(cats, counts, shares, strict=True) if k == 0 and s > 0]
        if unreachable:
            problems.append(
                f"margin '{name}': target categories {_shown(unreachable)} have no respondents, "
                "so they cannot be reached; collapse each with a neighbouring category (in the "
                "sample and in the targets alike) or drop the margin"
            )
        zero = [c for c, k, s in zip(cats, counts, shares, strict=True) if k > 0 and s == 0]
        if zero:
            problems.append(
                f"margin '{name}': categories {_shown(zero)} have a target of 0 but have "
                "respondents; drop those respondents, or give the category its share"
            )
        if not unreachable and not zero:
            prepared.append((name, codes, shares, cats, counts))
    if problems:
        k = len(problems)
        raise ParameterError(
            f"Cannot rake the sample to these margins ({k} problem{'s' if k != 1 else ''}):\n"
            + "\n".join(f"  - {p}" for p in problems)
        )

    w, iterations, converged, trimmed = _ipf(base, prepared, max_iter, tol, trim)
    weights = pd.Series(w, index=sample.index, name="weight")
    achieved = _achieved(w, prepared)
    ess = effective_sample_size(w)
    return RakingResult(
        weights=weights,
        converged=converged,
        iterations=iterations,
        achieved=achieved,
        n=n,
        effective_sample_size=ess,
        design_effect=float(n / ess) if ess > 0 else float("inf"),
        trimmed=trimmed,
        trim=trim,
    )


def _max_gap(w: np.ndarray, prepared: list) -> float:
    total = w.sum()
    gap = 0.0
    for _name, codes, shares, _cats, _counts in prepared:
        current = np.bincount(codes, weights=w, minlength=len(shares)) / total
        gap = max(gap, float(np.abs(current - shares).max()))
    return gap


def _ipf(
    base: np.ndarray, prepared: list, max_iter: int, tol: float, trim: tuple | None
) -> tuple[np.ndarray, int, bool, int]:
    w = base.astype("float64").copy()
    total = w.sum()
    mean = total / len(w)
    low, high = (trim[0] * mean, trim[1] * mean) if trim is not None else (0.0, np.inf)
    converged = False
    iterations = 0
    if _max_gap(w, prepared) <= tol and (trim is None or bool(np.all((w >= low) & (w <= high)))):
        return w, 0, True, 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        for _name, codes, shares, _cats, _counts in prepared:
            current = np.bincount(codes, weights=w, minlength=len(shares))
            factor = np.divide(
                shares * total, current, out=np.ones_like(current), where=current > 0
            )
            w *= factor[codes]
        if trim is not None:
            np.clip(w, low, high, out=w)
        if _max_gap(w, prepared) <= tol:
            converged = True
            break
    trimmed = 0
    if trim is not None:
        on_low = w <= low * (1 + _ON_BOUND) if low > 0 else np.zeros(len(w), dtype=bool)
        on_high = w >= high * (1 - _ON_BOUND)
        trimmed = int((on_low | on_high).sum())
    return w, iterations, converged, trimmed


def _achieved(w: np.ndarray, prepared: list) -> pd.DataFrame:
    total = w.sum()
    n = len(w)
    frames = []
    for name, codes, shares, cats, counts in prepared:
        weighted = np.bincount(codes, weights=w, minlength=len(shares)) / total
        frames.append(
            pd.DataFrame(
                {
                    "variable": name,
                    "category": [
                        " / ".join(map(str, c)) if isinstance(c, tuple) else c for c in cats
                    ],
                    "n": counts.astype("int64"),
                    "sample_share": counts / n,
                    "target": shares,
                    "achieved": weighted,
                    "difference_pp": 100 * (weighted - shares),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
