"""scikit-learn's generic estimator checks for the segments stage's estimators.

``SegmentationBasis``, ``Segmenter`` and ``TypingTool`` follow scikit-learn's API (parameters
stored unchanged in ``__init__`` and checked in ``fit``, fitted attributes ending in ``_``,
``n_features_in_``/``feature_names_in_``, ``NotFittedError`` before ``fit``, cloning, tags), and
``parametrize_with_checks`` runs every generic check on them. The checks that fail do so for one
documented reason: the three estimators fit on a pandas DataFrame with named feature columns
(the customer feature table: they pick blocks and questions by column name, read text columns
as categories) and refuse a NumPy array or a sparse matrix with a ``ParameterError`` (tested in
``tests/test_segment.py`` and ``tests/test_typing_tool.py``), while those checks build their
data as arrays. They are listed in :func:`expected_failed_checks`, which checks that each one
is listed for that reason only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

from omniseg.errors import ParameterError
from omniseg.segments.basis import SegmentationBasis
from omniseg.segments.segmenter import Segmenter
from omniseg.segments.typing_tool import TypingTool

#: Small, fast settings for the checks' random numeric data (a few dozen rows): two segments
#: fixed (no choice of k, no stability refits), one restart; a tool asking the first column
#: with 2-fold cross-validation.
ESTIMATORS = [
    SegmentationBasis(),
    Segmenter(n_segments=2, n_init=1, n_stability=0),
    TypingTool(questions=("x0",), cv=2),
]

_NEEDS_DATAFRAME = (
    "fits on a pandas DataFrame with named feature columns only; the check passes a NumPy "
    "array or sparse matrix, refused with a ParameterError (by design, tested)"
)

#: Checks that build their input as arrays, for every estimator here.
_ARRAY_CHECKS = (
    "check_complex_data",
    "check_dict_unchanged",
    "check_dont_overwrite_parameters",
    "check_dtype_object",
    "check_estimator_sparse_array",
    "check_estimator_sparse_matrix",
    "check_estimator_sparse_tag",
    "check_estimators_dtypes",
    "check_estimators_empty_data_messages",
    "check_estimators_fit_returns_self",
    "check_estimators_overwrite_params",
    "check_estimators_pickle",
    "check_f_contiguous_array_estimator",
    "check_fit2d_1feature",
    "check_fit2d_1sample",
    "check_fit2d_predict1d",
    "check_fit_check_is_fitted",
    "check_fit_idempotent",
    "check_fit_score_takes_y",
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_n_features_in",
    "check_n_features_in_after_fitting",
    "check_pipeline_consistency",
    "check_positive_only_tag_during_fit",
    "check_readonly_memmap_input",
)
_TRANSFORMER_CHECKS = (
    "check_transformer_data_not_an_array",
    "check_transformer_general",
    "check_transformer_preserve_dtypes",
)
_CLUSTERER_CHECKS = ("check_clustering",)
_CLASSIFIER_CHECKS = (
    "check_classifier_data_not_an_array",
    "check_classifiers_classes",
    "check_classifiers_one_label",
    "check_classifiers_regression_target",
    "check_classifiers_train",
    "check_requires_y_none",
    "check_supervised_y_2d",
)


def expected_failed_checks(estimator: object) -> dict[str, str]:
    """Check name -> why it fails, for ``estimator`` (see the module docstring)."""
    names = list(_ARRAY_CHECKS)
    if isinstance(estimator, SegmentationBasis | Segmenter):
        names += _TRANSFORMER_CHECKS
    if isinstance(estimator, Segmenter):
        names += _CLUSTERER_CHECKS
    if isinstance(estimator, TypingTool):
        names += _CLASSIFIER_CHECKS
    return dict.fromkeys(names, _NEEDS_DATAFRAME)


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_refuses_arrays_with_parameter_error(estimator):
    """What the expected failures share: an array is refused, as a ValueError subclass."""
    X = np.random.default_rng(0).normal(size=(20, 2))
    y = np.r_[np.zeros(10, int), np.ones(10, int)]
    with pytest.raises(ValueError, match="pandas DataFrame"):
        clone(estimator).fit(X, y)


def _table() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"x0": np.r_[rng.normal(0, 1, 30), rng.normal(8, 1, 30)]})


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_api_on_a_dataframe(estimator):
    """On a DataFrame: NotFittedError before fit, then fitted attributes and feature names."""
    X = _table()
    y = (X["x0"] > 4).astype(int).to_numpy()
    est = clone(estimator)
    method = "predict" if hasattr(est, "predict") else "transform"
    with pytest.raises(NotFittedError):
        getattr(est, method)(X)
    assert est.fit(X, y) is est
    assert est.n_features_in_ == 1
    assert list(est.feature_names_in_) == ["x0"]
    assert getattr(est, method)(X).shape[0] == len(X)
    assert clone(est).get_params() == estimator.get_params()


def test_segmenter_is_a_transformer():
    """``Segmenter`` has ``transform``: TransformerMixin gives it ``fit_transform`` and tags."""
    X = _table()
    seg = Segmenter(n_segments=2, n_init=1, n_stability=0)
    assert get_tags(seg).transformer_tags is not None
    assert get_tags(seg).estimator_type == "clusterer"
    np.testing.assert_allclose(seg.fit_transform(X), clone(seg).fit(X).transform(X))
    assert np.bincount(seg.fit_predict(X)).tolist() == [30, 30]


@pytest.mark.parametrize(
    ("estimator", "message"),
    [
        (
            Segmenter(min_share=0.9),
            "The 'min_share' parameter of Segmenter must be a float in [0.0, 0.5]. Got 0.9 "
            "instead.",
        ),
        (
            Segmenter(n_init=0),
            "The 'n_init' parameter of Segmenter must be an int in [1, inf). Got 0 instead.",
        ),
        (
            # regression: a borderline that is not a number raised a TypeError (0 <= "high")
            Segmenter(borderline="high"),
            "The 'borderline' parameter of Segmenter must be a float in [0.0, 1.0]. Got 'high' "
            "instead.",
        ),
        (
            SegmentationBasis(scaling="z"),
            "The 'scaling' parameter of SegmentationBasis must be one of ['auto', 'log', "
            "'none']. Got 'z' instead.",
        ),
        (
            SegmentationBasis(channel_prior=-1),
            "The 'channel_prior' parameter of SegmentationBasis must be a number >= 0. Got -1 "
            "instead.",
        ),
        (
            TypingTool(questions=("x0",), model="forest"),
            "The 'model' parameter of TypingTool must be one of ['tree', 'logistic']. Got "
            "'forest' instead.",
        ),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, str) else "",
)
def test_parameters_are_checked_in_fit_with_the_one_template(estimator, message):
    """Parameters are stored unchanged by ``__init__`` and refused in ``fit`` (ParameterError)."""
    X = _table()
    y = (X["x0"] > 4).astype(int).to_numpy()
    with pytest.raises(ParameterError) as err:
        estimator.fit(X, y)
    assert str(err.value) == message
    assert isinstance(err.value, ValueError)
