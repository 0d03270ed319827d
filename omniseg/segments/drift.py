"""Drift between two runs of a saved segmentation model: is the model still fit for the data?

A scheduled report re-scores new data with a saved segmentation model. :func:`compare_runs`
compares the segment labels (and, optionally, the feature tables) of two runs:

- **segment sizes**: how the share of customers in each segment changed, in percentage points;
- **migration**: a matrix of customers from their previous segment (rows) to their new one
  (columns), with customers present in one run only in a ``"(new)"`` row / ``"(gone)"`` column;
- **stability**: the share of customers present in both runs who kept their segment;
- **population stability index** (PSI, :func:`population_stability_index`) of key features:
  how far each feature's distribution moved from the previous run;
- a **refit verdict**: ``should_refit`` with plain-language reasons (English or Spanish) citing
  the numbers, when a segment's share, the migration or a feature's PSI exceeds its limit.

The result, :class:`DriftReport`, shows itself in JupyterLab (escaped HTML), draws its figures
with plotly and serialises to JSON for a run manifest. The library emits no warnings: the
verdict is data for the report to show. See ``docs/drift.md``.

Examples
--------
>>> import pandas as pd
>>> before = pd.Series(["A", "A", "B", "B"], index=[1, 2, 3, 4])
>>> after = pd.Series(["A", "B", "B", "B"], index=[1, 2, 3, 5])
>>> migration_matrix(before, after)  # doctest: +NORMALIZE_WHITESPACE
after   A  B  (gone)
before
A       1  1       0
B       0  1       1
(new)   0  1       0
>>> report = compare_runs(before, after)
>>> report.stability
0.6666666666666666
>>> report.should_refit
True
>>> report.reasons[0]
'Segment A shrank from 50.0% to 25.0% (-25.0 pp; limit ±5.0 pp).'
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from jinja2 import Environment

from omniseg._checks import check_real
from omniseg.errors import ParameterError
from omniseg.report.i18n import check_language, format_number, format_percent, t

__all__ = [
    "GONE",
    "NEW",
    "PSI_BOUNDS",
    "DriftReport",
    "compare_runs",
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
#: Text columns with more distinct values than this (identifiers, free text) are not default
#: key features of :func:`compare_runs`.
MAX_DEFAULT_LEVELS = 50
#: How many features with a PSI above the limit get a sentence of their own in the reasons.
MAX_PSI_REASONS = 5


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


def _check_pair(before: object, after: object, caller: str) -> tuple[pd.Series, pd.Series]:
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


def _segment_order(*series: pd.Series) -> list[Hashable]:
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


def _numeric_values(values: pd.Series) -> np.ndarray | None:
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
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 2:
        raise ParameterError(
            f"The 'bins' parameter of {caller} must be an int in [2, inf). Got {bins!r} instead."
        )
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
        e_num, a_num = _numeric_values(e_series), _numeric_values(a_series)
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
    before, after = _check_pair(before, after, "migration_matrix")
    return _migration(before, after, _segment_order(before, after), normalize)


def _migration(
    before: pd.Series,
    after: pd.Series,
    segments: list[Hashable],
    normalize: Literal["index"] | None = None,
) -> pd.DataFrame:
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


# ------------------------------------------------------------------------------------------
# the report
# ------------------------------------------------------------------------------------------

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_HTML = _ENV.from_string(
    """
<div class="omniseg-drift" style="font-family: sans-serif; font-size: 13px">
<p><strong>{{ title }}</strong></p>
<p style="padding: 6px 10px; border-left: 4px solid {{ color }}"><strong>{{ verdict }}</strong></p>
<p>{{ summary }}</p>
{% if reasons %}
<p><strong>{{ reasons_title }}</strong></p>
<ul>{% for r in reasons %}<li>{{ r }}</li>{% endfor %}</ul>
{% endif %}
{% for tbl in tables %}
<p><strong>{{ tbl.caption }}</strong></p>
{% if tbl.rows %}
<table class="os-table" style="border-collapse: collapse">
<thead><tr>{% for h in tbl.header %}
<th style="text-align:left; padding: 2px 10px; border-bottom: 1px solid #ccc">{{ h }}</th>
{% endfor %}</tr></thead>
<tbody>
{% for row in tbl.rows %}
<tr>{% for cell in row %}
<td style="padding: 2px 10px{% if not loop.first %}; text-align:right{% endif %}">{{ cell }}</td>
{% endfor %}</tr>
{% endfor %}
</tbody></table>
{% else %}
<p>{{ tbl.empty }}</p>
{% endif %}
{% endfor %}
</div>
"""
)


def _json_value(value: Any) -> Any:
    """A JSON-safe copy of a label or number (NaN becomes None)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)


def _signed(value: float, language: str, digits: int = 1) -> str:
    text = format_number(value, language, digits)
    return text if text.startswith("-") or text == "–" else f"+{text}"


@dataclass
class DriftReport:
    """How the segments moved between two runs, and whether the model should be refit.

    Built by :func:`compare_runs`; shown as a summary in JupyterLab (escaped HTML).

    Attributes
    ----------
    sizes : DataFrame
        One row per segment: ``segment`` (the label), ``n_before``, ``n_after`` (customers in
        each run), ``share_before``, ``share_after`` (share of the run's customers, 0–1) and
        ``change_pp`` (the change of share in percentage points).
    migration : DataFrame
        Counts of customers by segment before (rows) and after (columns), with ``"(new)"`` and
        ``"(gone)"`` (:func:`migration_matrix`).
    migration_share : DataFrame
        ``migration`` with each row divided by its total.
    stability : float
        Share of the customers present in both runs who kept their segment.
    psi : DataFrame
        One row per key feature (index ``feature``): ``psi`` and ``level`` (``stable``,
        ``moderate``, ``major``); empty without feature tables.
    should_refit : bool
        Whether any limit was exceeded.
    reasons : list of str
        One sentence per exceeded limit, in ``language``, citing the numbers.
    n_before, n_after, n_common : int
        Customers in the earlier run, in the later run and in both.
    thresholds : dict
        The limits used: ``psi``, ``share`` and ``migration``.
    segment_names : dict
        Label -> display name used in sentences, tables and figures.
    language : str
        Language of ``reasons``, the HTML and the figures.
    """

    sizes: pd.DataFrame
    migration: pd.DataFrame
    migration_share: pd.DataFrame
    stability: float
    psi: pd.DataFrame
    should_refit: bool
    reasons: list[str]
    n_before: int
    n_after: int
    n_common: int
    thresholds: dict[str, float] = field(default_factory=dict)
    segment_names: dict[Hashable, str] = field(default_factory=dict)
    language: str = "en"

    # -- text ------------------------------------------------------------------------------

    def _name(self, label: Hashable) -> str:
        if label == NEW:
            return t("drift.new", self.language)
        if label == GONE:
            return t("drift.gone", self.language)
        return str(self.segment_names.get(label, label))

    @property
    def n_new(self) -> int:
        """Customers present in the later run only."""
        return int(self.migration.loc[NEW].sum())

    @property
    def n_gone(self) -> int:
        """Customers present in the earlier run only."""
        return int(self.migration[GONE].sum())

    @property
    def verdict(self) -> str:
        """One sentence: refit the model, or not."""
        key = "drift.verdict.refit" if self.should_refit else "drift.verdict.stable"
        return t(key, self.language)

    def summary(self) -> str:
        """One sentence with the customer counts and the stability."""
        lang = self.language
        return t(
            "drift.summary",
            lang,
            n_before=format_number(self.n_before, lang),
            n_after=format_number(self.n_after, lang),
            n_common=format_number(self.n_common, lang),
            stability=format_percent(self.stability, lang),
            n_new=format_number(self.n_new, lang),
            n_gone=format_number(self.n_gone, lang),
        )

    def __str__(self) -> str:
        lines = [self.verdict, self.summary(), *(f"  - {r}" for r in self.reasons)]
        return "\n".join(lines)

    # -- HTML and JSON ---------------------------------------------------------------------

    def _tables(self) -> list[dict[str, Any]]:
        lang = self.language
        sizes = {
            "caption": t("drift.sizes_title", lang),
            "header": [
                t(f"drift.col.{c}", lang)
                for c in ("segment", "n_before", "n_after", "share_before", "share_after")
            ]
            + [t("drift.col.change", lang)],
            "rows": [
                [
                    self._name(r.segment),
                    format_number(r.n_before, lang),
                    format_number(r.n_after, lang),
                    format_percent(r.share_before, lang),
                    format_percent(r.share_after, lang),
                    f"{_signed(r.change_pp, lang)}\u00a0{t('drift.pp', lang)}",
                ]
                for r in self.sizes.itertuples(index=False)
            ],
        }
        psi = {
            "caption": t("drift.psi_title", lang),
            "header": [t(f"drift.col.{c}", lang) for c in ("feature", "psi", "level")],
            "rows": [
                [
                    str(feature),
                    format_number(row["psi"], lang, 3),
                    t(f"drift.level.{row['level']}", lang) if row["level"] else "–",
                ]
                for feature, row in self.psi.iterrows()
            ],
            "empty": t("drift.no_psi", lang),
        }
        return [sizes, psi]

    def to_html(self) -> str:
        """The summary as an HTML fragment (every text escaped): verdict, reasons, tables."""
        lang = self.language
        return _HTML.render(
            title=t("drift.title", lang),
            verdict=self.verdict,
            color="#c0392b" if self.should_refit else "#2e8b57",
            summary=self.summary(),
            reasons_title=t("drift.reasons", lang),
            reasons=self.reasons,
            tables=self._tables(),
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for a run manifest (JSON-safe: labels as str/int, NaN as None).

        Returns
        -------
        dict
            ``should_refit``, ``verdict``, ``reasons``, ``language``, ``stability``,
            ``n_before``, ``n_after``, ``n_common``, ``n_new``, ``n_gone``, ``thresholds``,
            ``sizes`` (list of row dicts, each with the segment's display ``name``),
            ``migration`` (``before`` and ``after`` labels and the ``counts`` rows) and ``psi``
            (list of ``feature``, ``psi``, ``level``).
        """
        return {
            "should_refit": bool(self.should_refit),
            "verdict": self.verdict,
            "reasons": list(self.reasons),
            "language": self.language,
            "stability": _json_value(float(self.stability)),
            "n_before": int(self.n_before),
            "n_after": int(self.n_after),
            "n_common": int(self.n_common),
            "n_new": self.n_new,
            "n_gone": self.n_gone,
            "thresholds": {k: float(v) for k, v in self.thresholds.items()},
            "sizes": [
                {"name": self._name(row["segment"])} | {k: _json_value(v) for k, v in row.items()}
                for row in self.sizes.to_dict(orient="records")
            ],
            "migration": {
                "before": [_json_value(v) for v in self.migration.index],
                "after": [_json_value(v) for v in self.migration.columns],
                "counts": self.migration.to_numpy().astype(int).tolist(),
            },
            "psi": [
                {"feature": _json_value(f), "psi": _json_value(row["psi"]), "level": row["level"]}
                for f, row in self.psi.iterrows()
            ],
        }

    # -- figures ---------------------------------------------------------------------------

    def plot_sizes(self, *, fig: go.Figure | None = None) -> go.Figure:
        """Grouped bars: each segment's share of customers before and after.

        Parameters
        ----------
        fig : plotly Figure, optional
            Figure to add the bars to (a new one by default).

        Returns
        -------
        plotly.graph_objects.Figure
        """
        lang = self.language
        names = [self._name(s) for s in self.sizes["segment"]]
        fig = fig if fig is not None else go.Figure()
        for when, color in (("before", "#9fb7c9"), ("after", "#1f6f8b")):
            shares = self.sizes[f"share_{when}"]
            counts = self.sizes[f"n_{when}"]
            fig.add_trace(
                go.Bar(
                    name=t(f"drift.{when}", lang),
                    x=names,
                    y=shares.round(4).tolist(),
                    marker_color=color,
                    text=[format_percent(s, lang) for s in shares],
                    textposition="outside",
                    customdata=[format_number(n, lang) for n in counts],
                    hovertemplate="%{x}: %{text} (%{customdata})<extra>"
                    + t(f"drift.{when}", lang)
                    + "</extra>",
                )
            )
        fig.update_layout(
            title=t("drift.fig.sizes", lang),
            barmode="group",
            template="plotly_white",
            height=420,
            yaxis={"title": t("drift.share_axis", lang), "tickformat": ".0%"},
            separators=",." if lang == "es" else ".,",
        )
        return fig

    def plot_migration(
        self, *, kind: Literal["heatmap", "sankey"] = "heatmap", fig: go.Figure | None = None
    ) -> go.Figure:
        """Where each segment's customers went: a heat map of row shares, or a Sankey diagram.

        Parameters
        ----------
        kind : {"heatmap", "sankey"}, default "heatmap"
            The heat map shows, per previous segment (row), the share of its customers in each
            new segment (column), with the counts; the Sankey diagram draws the flows of
            customers between the runs.
        fig : plotly Figure, optional
            Figure to draw into (a new one by default).

        Returns
        -------
        plotly.graph_objects.Figure
        """
        if kind not in ("heatmap", "sankey"):
            raise ParameterError(
                "The 'kind' parameter of DriftReport.plot_migration must be 'heatmap' or "
                f"'sankey'. Got {kind!r} instead."
            )
        lang = self.language
        rows = [self._name(r) for r in self.migration.index]
        cols = [self._name(c) for c in self.migration.columns]
        counts = self.migration.to_numpy()
        fig = fig if fig is not None else go.Figure()
        if kind == "heatmap":
            shares = self.migration_share.to_numpy()
            z = [[None if np.isnan(v) else round(float(v), 4) for v in row] for row in shares]
            text = [
                [
                    f"{format_percent(s, lang, 0)} ({format_number(n, lang)})" if n else ""
                    for s, n in zip(srow, nrow, strict=True)
                ]
                for srow, nrow in zip(shares, counts, strict=True)
            ]
            fig.add_trace(
                go.Heatmap(
                    z=z,
                    x=cols,
                    y=rows,
                    text=text,
                    texttemplate="%{text}",
                    colorscale="Blues",
                    zmin=0,
                    zmax=1,
                    hovertemplate=t("drift.migration_hover", lang) + "<extra></extra>",
                    colorbar={"tickformat": ".0%"},
                )
            )
            fig.update_layout(
                xaxis_title=t("drift.axis.after", lang),
                yaxis={"title": t("drift.axis.before", lang), "autorange": "reversed"},
            )
        else:
            source, target, value = [], [], []
            for i in range(counts.shape[0]):
                for j in range(counts.shape[1]):
                    if counts[i, j]:
                        source.append(i)
                        target.append(len(rows) + j)
                        value.append(int(counts[i, j]))
            fig.add_trace(
                go.Sankey(
                    node={
                        "label": [
                            *(f"{r} · {t('drift.before', lang)}" for r in rows),
                            *(f"{c} · {t('drift.after', lang)}" for c in cols),
                        ],
                        "pad": 12,
                    },
                    link={"source": source, "target": target, "value": value},
                )
            )
        fig.update_layout(
            title=t("drift.fig.migration", lang),
            template="plotly_white",
            height=480,
            separators=",." if lang == "es" else ".,",
        )
        return fig


# ------------------------------------------------------------------------------------------
# compare_runs
# ------------------------------------------------------------------------------------------


def _default_key_features(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    keys = []
    for col in before.columns:
        if col not in after.columns:
            continue
        s = before[col]
        text = _numeric_values(s) is None and not (
            pd.api.types.is_bool_dtype(s.dtype) or isinstance(s.dtype, pd.CategoricalDtype)
        )
        if text and s.nunique(dropna=True) > MAX_DEFAULT_LEVELS:
            continue
        keys.append(col)
    return keys


def _check_features(
    before_features: object, after_features: object, key_features: object
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[str]]:
    caller = "compare_runs"
    if before_features is None and after_features is None:
        if key_features is not None:
            raise ParameterError(
                f"The 'key_features' parameter of {caller} needs the feature tables of both "
                "runs. Fix: pass before_features= and after_features= too, or drop key_features."
            )
        return None, None, []
    for name, frame in (("before_features", before_features), ("after_features", after_features)):
        if not isinstance(frame, pd.DataFrame):
            raise ParameterError(
                f"The '{name}' parameter of {caller} must be a pandas DataFrame (the feature "
                f"table of the run) when the other run's features are given. Got "
                f"{type(frame).__name__} instead. Fix: pass both feature tables, or neither."
            )
    if key_features is None:
        return (
            before_features,
            after_features,
            _default_key_features(before_features, after_features),
        )
    if isinstance(key_features, str) or not isinstance(key_features, Sequence):
        raise ParameterError(
            f"The 'key_features' parameter of {caller} must be a list of column names. Got "
            f"{key_features!r} instead. Fix: key_features=['monetary', 'frequency']."
        )
    keys = list(dict.fromkeys(key_features))
    for name, frame in (("before_features", before_features), ("after_features", after_features)):
        absent = [k for k in keys if k not in frame.columns]
        if absent:
            raise ParameterError(
                f"The key feature(s) {absent} are not columns of '{name}'. Columns found: "
                f"{list(frame.columns)[:20]}{' ...' if frame.shape[1] > 20 else ''}."
            )
    return before_features, after_features, keys


def compare_runs(
    before_labels: pd.Series,
    after_labels: pd.Series,
    *,
    before_features: pd.DataFrame | None = None,
    after_features: pd.DataFrame | None = None,
    key_features: Sequence[str] | None = None,
    segment_names: Mapping[Hashable, str] | None = None,
    psi_threshold: float = 0.25,
    share_threshold: float = 0.05,
    migration_threshold: float = 0.2,
    language: str = "en",
) -> DriftReport:
    """Compare two runs of a segmentation model and say whether it should be refit.

    The model should be refit (``should_refit``) when any of three rules fires:

    1. a segment's share of customers changed by more than ``share_threshold`` (absolute:
       0.05 is 5 percentage points);
    2. more than ``migration_threshold`` of the customers present in both runs changed
       segment;
    3. a key feature's PSI (:func:`population_stability_index`, 10 quantile bins of the
       earlier run) is above ``psi_threshold``.

    Parameters
    ----------
    before_labels, after_labels : Series
        Segment label per customer, indexed by customer id (unique, no missing labels), in the
        earlier and in the later run. The runs must share at least one customer.
    before_features, after_features : DataFrame, optional
        The feature tables the model scored in each run (one row per customer). Give both or
        neither; without them no PSI is computed.
    key_features : list of str, optional
        Columns whose PSI is computed. By default every column of both tables, except text
        columns with more than 50 distinct values (identifiers, free text).
    segment_names : mapping, optional
        Label -> display name for sentences, tables and figures (e.g. ``{0: "Loyal
        in-store"}``); labels without a name are shown as they are.
    psi_threshold : float, default 0.25
        PSI above which a feature's shift calls for a refit (0.25: the usual "major" shift).
    share_threshold : float, default 0.05
        Change of a segment's share (0–1) above which a refit is called for.
    migration_threshold : float, default 0.2
        Share of common customers changing segment above which a refit is called for.
    language : {"en", "es"}, default "en"
        Language of the reasons, the HTML summary and the figures.

    Returns
    -------
    DriftReport

    Raises
    ------
    ParameterError
        If the labels are not Series, have duplicate ids or missing labels, the runs share no
        customer, a threshold is out of range, only one feature table is given, or a key
        feature is not a column of both tables.

    Examples
    --------
    >>> before = pd.Series(list("AAAABBBBCC"), index=range(10))
    >>> after = pd.Series(list("AAABBBBBCC"), index=range(10))
    >>> report = compare_runs(before, after, segment_names={"A": "Loyal"}, language="es")
    >>> report.sizes[["segment", "share_before", "share_after", "change_pp"]]
      segment  share_before  share_after  change_pp
    0       A           0.4          0.3      -10.0
    1       B           0.4          0.5       10.0
    2       C           0.2          0.2        0.0
    >>> print(report.reasons[0].replace("\\xa0", " "))  # Spanish uses non-breaking spaces
    El segmento Loyal se redujo del 40,0 % al 30,0 % (-10,0 p. p.; límite ±5,0 p. p.).
    """
    caller = "compare_runs"
    language = check_language(language)
    psi_threshold = check_real(psi_threshold, "psi_threshold", caller, 0.0, math.inf, open_low=True)
    share_threshold = check_real(
        share_threshold, "share_threshold", caller, 0.0, 1.0, open_low=True
    )
    migration_threshold = check_real(
        migration_threshold, "migration_threshold", caller, 0.0, 1.0, open_low=True
    )
    if segment_names is not None and not isinstance(segment_names, Mapping):
        raise ParameterError(
            f"The 'segment_names' parameter of {caller} must be a mapping of segment label to "
            f"display name. Got {type(segment_names).__name__} instead. Fix: "
            "segment_names={0: 'Loyal in-store', 1: 'Digital first'}."
        )
    before, after = _check_pair(before_labels, after_labels, caller)
    before_features, after_features, keys = _check_features(
        before_features, after_features, key_features
    )

    segments = _segment_order(before, after)
    migration = _migration(before, after, segments)
    migration_share = _migration(before, after, segments, normalize="index")

    n_before = before.value_counts().reindex(segments, fill_value=0).to_numpy()
    n_after = after.value_counts().reindex(segments, fill_value=0).to_numpy()
    share_before = n_before / len(before)
    share_after = n_after / len(after)
    sizes = pd.DataFrame(
        {
            "segment": pd.Series(segments, dtype=object),
            "n_before": n_before.astype(np.int64),
            "n_after": n_after.astype(np.int64),
            "share_before": share_before,
            "share_after": share_after,
            "change_pp": 100 * (share_after - share_before),
        }
    )

    common = migration.iloc[:-1, :-1].to_numpy()
    n_common = int(common.sum())
    stability = float(np.trace(common) / n_common)

    psi_rows = {
        key: population_stability_index(before_features[key], after_features[key]) for key in keys
    }
    psi = pd.DataFrame(
        {
            "psi": pd.Series(psi_rows, dtype=float),
            "level": pd.Series({k: psi_level(v) for k, v in psi_rows.items()}, dtype=object),
        },
        index=pd.Index(keys, name="feature", dtype=object),
    )

    report = DriftReport(
        sizes=sizes,
        migration=migration,
        migration_share=migration_share,
        stability=stability,
        psi=psi,
        should_refit=False,
        reasons=[],
        n_before=len(before),
        n_after=len(after),
        n_common=n_common,
        thresholds={
            "psi": psi_threshold,
            "share": share_threshold,
            "migration": migration_threshold,
        },
        segment_names=dict(segment_names or {}),
        language=language,
    )
    report.reasons = _reasons(report)
    report.should_refit = bool(report.reasons)
    return report


def _exceeds(value: float, limit: float) -> bool:
    """``value > limit``, ignoring float noise (a change of exactly 5 pp is not above 5 pp)."""
    return round(value - limit, 12) > 0


def _reasons(report: DriftReport) -> list[str]:
    lang = report.language
    limits = report.thresholds
    pp = t("drift.pp", lang)
    reasons = []
    sizes = report.sizes.assign(abs_change=report.sizes["change_pp"].abs())
    for row in sizes.sort_values("abs_change", ascending=False, kind="stable").itertuples():
        if not _exceeds(abs(row.share_after - row.share_before), limits["share"]):
            continue
        key = "drift.reason.grew" if row.change_pp > 0 else "drift.reason.shrank"
        reasons.append(
            t(
                key,
                lang,
                segment=report._name(row.segment),
                before=format_percent(row.share_before, lang),
                after=format_percent(row.share_after, lang),
                change=f"{_signed(row.change_pp, lang)} {pp}",
                limit=f"{format_number(100 * limits['share'], lang, 1)} {pp}",
            )
        )
    moved = 1 - report.stability
    if _exceeds(moved, limits["migration"]):
        reasons.append(
            t(
                "drift.reason.migration",
                lang,
                moved=format_percent(moved, lang),
                n_moved=format_number(round(moved * report.n_common), lang),
                n_common=format_number(report.n_common, lang),
                limit=format_percent(limits["migration"], lang),
            )
        )
    mask = np.array([_exceeds(v, limits["psi"]) for v in report.psi["psi"].fillna(0)], dtype=bool)
    shifted = report.psi.loc[mask]
    shifted = shifted.sort_values("psi", ascending=False, kind="stable")
    for feature, row in shifted.head(MAX_PSI_REASONS).iterrows():
        reasons.append(
            t(
                "drift.reason.psi",
                lang,
                feature=feature,
                psi=format_number(row["psi"], lang, 2),
                level=t(f"drift.level.{row['level']}", lang),
                limit=format_number(limits["psi"], lang, 2),
            )
        )
    if len(shifted) > MAX_PSI_REASONS:
        rest = shifted.index[MAX_PSI_REASONS:]
        reasons.append(
            t(
                "drift.reason.psi_more",
                lang,
                n=len(rest),
                features=", ".join(str(f) for f in rest),
                limit=format_number(limits["psi"], lang, 2),
            )
        )
    return reasons
