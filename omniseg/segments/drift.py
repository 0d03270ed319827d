"""Drift between two runs of a saved segmentation model: is the model still fit for the data?

A scheduled report re-scores new data with a saved segmentation model. :func:`compare_runs`
compares the segment labels (and, optionally, the feature tables) of two runs:

- **segment sizes**: how the share of customers in each segment changed, in percentage points;
- **migration**: a matrix of customers from their previous segment (rows) to their new one
  (columns), with customers present in one run only in a ``"(new)"`` row / ``"(gone)"`` column;
- **stability**: the share of customers present in both runs who kept their segment;
- **population stability index** (PSI, :func:`population_stability_index`) of key features:
  how far each feature's distribution moved from the previous run;
- a **refit verdict**: ``should_refit`` with its reasons (facts: a code and the numbers), when a
  segment's share, the migration or a feature's PSI exceeds its limit; worded in English or
  Spanish when shown (``DriftReport.reason_texts(language)``).

The result, :class:`DriftReport`, shows itself in JupyterLab (escaped HTML), draws its figures
with plotly and serialises to JSON for a run manifest. The library emits no warnings: the
verdict is data for the report to show. The statistics (PSI, migration) are in
:mod:`omniseg.segments.drift_stats`, the report in :mod:`omniseg.segments.drift_report`. See
``docs/drift.md``.

Examples
--------
>>> import pandas as pd
>>> from omniseg.segments.drift_stats import migration_matrix
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
>>> report.reasons[0]["code"], report.reasons[0]["segment"]
('shrank', 'A')
>>> report.reason_texts()[0]
'Segment A shrank from 50.0% to 25.0% (-25.0 pp; limit ±5.0 pp).'
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from omniseg._checks import check_real
from omniseg.errors import ParameterError
from omniseg.segments.drift_report import DriftReport, drift_reasons
from omniseg.segments.drift_stats import (
    check_label_pair,
    migration_counts,
    numeric_values,
    population_stability_index,
    psi_level,
    segment_order,
)

__all__ = ["MAX_DEFAULT_LEVELS", "compare_runs"]

#: Text columns with more distinct values than this (identifiers, free text) are not default
#: key features of :func:`compare_runs`.
MAX_DEFAULT_LEVELS = 50


# ------------------------------------------------------------------------------------------
# compare_runs
# ------------------------------------------------------------------------------------------


def _default_key_features(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    keys = []
    for col in before.columns:
        if col not in after.columns:
            continue
        s = before[col]
        text = numeric_values(s) is None and not (
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
    >>> report = compare_runs(before, after, segment_names={"A": "Loyal"})
    >>> report.sizes[["segment", "share_before", "share_after", "change_pp"]]
      segment  share_before  share_after  change_pp
    0       A           0.4          0.3      -10.0
    1       B           0.4          0.5       10.0
    2       C           0.2          0.2        0.0
    >>> print(report.reason_texts("es")[0].replace("\\xa0", " "))  # Spanish: non-breaking spaces
    El segmento Loyal se redujo del 40,0 % al 30,0 % (-10,0 p. p.; límite ±5,0 p. p.).
    """
    caller = "compare_runs"
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
    before, after = check_label_pair(before_labels, after_labels, caller)
    before_features, after_features, keys = _check_features(
        before_features, after_features, key_features
    )

    segments = segment_order(before, after)
    migration = migration_counts(before, after, segments)
    migration_share = migration_counts(before, after, segments, normalize="index")

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
    )
    report.reasons = drift_reasons(report)
    report.should_refit = bool(report.reasons)
    return report
