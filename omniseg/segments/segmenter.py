"""Segmentation: the :class:`Segmenter` estimator, choosing the number of segments, confidence.

``Segmenter`` follows scikit-learn's conventions (``fit``/``predict``/``fit_predict``,
``random_state``, fitted attributes ending in ``_``) and wraps:

1. a :class:`~omniseg.segments.SegmentationBasis` (which features, how scaled and weighted);
2. one of four clustering methods, comparable through the same result object:

   ===============  ==========================================================================
   ``kmeans``       scikit-learn ``KMeans`` (full Lloyd; ``MiniBatchKMeans`` measured slower
                    on these machines, ``../shared/NOTES.md``). The default.
   ``gmm``          ``GaussianMixture`` (``covariance_type="tied"`` by default: on the demo data
                    full covariances overfit the channel-mix columns, ARI 0.50 vs 0.82); has
                    posterior probabilities and BIC.
   ``ward``         agglomerative clustering (Ward linkage) on a random sample of at most
                    ``ward_sample`` customers, the others assigned to the nearest centroid.
   ``latent_class`` a latent class (finite mixture) model of mixed data with StepMix:
                    Gaussian for numeric basis columns, categorical for text columns
                    (multinoulli), so categories are modelled as categories, not as one-hot
                    distances; posterior probabilities and BIC.
   ===============  ==========================================================================

3. **choosing the number of segments** over ``n_segments`` (default 3..10) on a random subsample
   of at most ``selection_sample`` customers: silhouette, Calinski-Harabasz, Davies-Bouldin, BIC
   (mixtures), the smallest segment's share, and **stability**: ``n_stability`` pairs of random
   80 % subsamples are each clustered and both models label the whole subsample; the adjusted
   Rand index (ARI) between the two labelings measures whether the segments come back when the
   data changes a little (the reproducibility idea of cluster ensembles, Ben-Hur et al. 2002;
   Lange et al. 2004). **Rule**: among the k whose smallest segment holds at least ``min_share``
   of the customers, the *largest* k whose stability is reliably high (the 10th percentile of
   its ARIs at least ``min_stability``); if none qualifies, the k with the highest 10th
   percentile. Silhouette and Calinski-Harabasz are shown as evidence but not used to choose:
   on the demo data both prefer 4 segments where 5 are planted, because two planted segments
   that share their channel mix but not their age are a smaller gain in those indices than in
   reproducibility (k=4: 10th-percentile ARI 0.63, k=5: 0.99, k=6: 0.87).

Segments are numbered by size (segment 0 the largest) so the same data and seed always give the
same numbering, whatever the clustering's internal order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.metrics import (
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from omniseg._checks import bad_parameter, check_int, check_real
from omniseg.errors import ParameterError
from omniseg.segments.basis import SegmentationBasis
from omniseg.segments.clustering import (
    METHODS,
    _fit_method,
    _stability_pair,
    calinski_harabasz,
    derived_seed,
    nearest_centres,
    take_rows,
    thread_limit,
)

__all__ = ["METHODS", "Segmenter", "segment_labels"]

_PROBA_METHODS = ("gmm", "latent_class")
_INT_TYPES = (int, np.integer)
#: Rows the silhouette is computed on (it is quadratic in the rows).
_SILHOUETTE_SAMPLE = 4000


def segment_labels(n: int, language: str = "en") -> list[str]:
    """Display names of segments 0..n-1: ``["S1", "S2", ...]`` (the same in every language)."""
    return [f"S{i + 1}" for i in range(n)]


# ---------------------------------------------------------------------- estimator


class Segmenter(TransformerMixin, ClusterMixin, BaseEstimator):
    """Segment customers from their feature table, choosing the number of segments.

    Parameters
    ----------
    method : {"kmeans", "gmm", "ward", "latent_class"}
        Clustering method (see the module docstring).
    n_segments : int or sequence of int
        A fixed number of segments, or the candidates to choose from (default 3..10).
    blocks, block_weights, channel_prior, scaling
        The segmentation basis: see :class:`~omniseg.segments.SegmentationBasis`.
    min_share : float
        Smallest acceptable segment, as a share of customers (a k whose smallest segment is
        smaller is not chosen).
    min_stability : float
        Stability (10th percentile of the refit ARIs) a k needs to be chosen.
    n_stability : int
        Pairs of subsample refits per k (0: no stability, choose by silhouette).
    selection_sample : int
        Customers the choice of k is made on (a random subsample when there are more); the
        final model is fitted on everyone.
    n_init : int
        Restarts of the final fit (k-means, mixtures).
    ward_sample : int
        Customers Ward's method is fitted on.
    borderline : float, optional
        Confidence under which a customer is flagged as sitting between segments; default 0.15
        for the centroid margin (k-means, Ward) and 0.6 for a posterior probability (mixtures).
    method_params : dict, optional
        Extra keyword arguments for the underlying estimator.
    random_state : int
        Seed of every random step.
    n_jobs : int
        Parallel workers for the stability refits (results do not depend on it).
    progress : bool
        Show a progress bar on the console while choosing k.

    Attributes
    ----------
    basis_ : SegmentationBasis
    n_segments_ : int
        The number of segments used.
    labels_ : ndarray of int
        Segment (0 = largest) of each training row.
    cluster_centers_ : ndarray or None
        Segment centres in the basis space (centroid methods and mixtures' means).
    selection_ : DataFrame
        One row per candidate k: ``silhouette``, ``calinski_harabasz``, ``davies_bouldin``,
        ``bic``, ``min_share``, ``stability`` (mean ARI), ``stability_q10``, ``eligible``,
        ``chosen``. Empty when ``n_segments`` is a single number.
    selection_reason_ : str
        Why this k (English; :mod:`omniseg.segments.segmentation` words it for reports).
    feature_names_in_ : ndarray
    n_features_in_ : int

    Notes
    -----
    Passes scikit-learn's generic estimator checks that use DataFrames or only the API
    (``tests/test_estimator_checks.py``). The checks that build their data as NumPy arrays or
    sparse matrices are expected to fail: it fits on a pandas DataFrame with named
    feature columns and refuses an array with a :class:`~omniseg.errors.ParameterError`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"age": np.r_[rng.normal(25, 2, 60), rng.normal(60, 2, 60)]})
    >>> seg = Segmenter(n_segments=2, random_state=0).fit(X)
    >>> seg.n_segments_, np.bincount(seg.labels_).tolist()
    (2, [60, 60])
    """

    def __init__(
        self,
        method: str = "kmeans",
        n_segments: int | Sequence[int] = tuple(range(3, 11)),
        *,
        blocks: Mapping[str, Any] | None = None,
        block_weights: Mapping[str, float] | None = None,
        channel_prior: float = 5.0,
        scaling: str = "auto",
        min_share: float = 0.03,
        min_stability: float = 0.9,
        n_stability: int = 20,
        selection_sample: int = 20000,
        n_init: int = 10,
        ward_sample: int = 5000,
        borderline: float | None = None,
        method_params: Mapping[str, Any] | None = None,
        random_state: int = 0,
        n_jobs: int = 1,
        progress: bool = False,
    ) -> None:
        self.method = method
        self.n_segments = n_segments
        self.blocks = blocks
        self.block_weights = block_weights
        self.channel_prior = channel_prior
        self.scaling = scaling
        self.min_share = min_share
        self.min_stability = min_stability
        self.n_stability = n_stability
        self.selection_sample = selection_sample
        self.n_init = n_init
        self.ward_sample = ward_sample
        self.borderline = borderline
        self.method_params = method_params
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.progress = progress

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        # the basis imputes missing values (median) and reads text and categorical columns
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags

    # ------------------------------------------------------------------ checks

    def _candidates(self) -> list[int]:
        ks = self.n_segments
        if isinstance(ks, _INT_TYPES):
            ks = [int(ks)]
        expected = "an int >= 2 or a list of distinct ints >= 2"
        if isinstance(ks, bool) or not isinstance(ks, Iterable):
            raise bad_parameter("n_segments", "Segmenter", expected, self.n_segments)
        out = sorted({int(k) for k in ks if isinstance(k, _INT_TYPES)})
        if not out or len(out) != len(list(ks)) or out[0] < 2:
            raise bad_parameter("n_segments", "Segmenter", expected, self.n_segments)
        return out

    def _check_params(self) -> None:
        if self.method not in METHODS:
            raise bad_parameter("method", "Segmenter", f"one of {list(METHODS)}", self.method)
        check_real(self.min_share, "min_share", "Segmenter", 0.0, 0.5)
        check_real(self.min_stability, "min_stability", "Segmenter", 0.0, 1.0)
        check_int(self.n_stability, "n_stability", "Segmenter", 0)
        check_int(self.selection_sample, "selection_sample", "Segmenter", 100)
        check_int(self.n_init, "n_init", "Segmenter", 1)
        check_int(self.ward_sample, "ward_sample", "Segmenter", 100)
        if isinstance(self.random_state, bool) or not isinstance(self.random_state, _INT_TYPES):
            raise bad_parameter("random_state", "Segmenter", "an int (a seed)", self.random_state)
        if self.borderline is not None:
            check_real(self.borderline, "borderline", "Segmenter", 0.0, 1.0)

    # ------------------------------------------------------------------ fit

    def fit(self, X: pd.DataFrame, y: Any = None) -> Segmenter:
        """Build the basis, choose the number of segments and fit the final model.

        Parameters
        ----------
        X : DataFrame
            Customer feature table, one row per customer.
        y : ignored

        Returns
        -------
        self
        """
        self._check_params()
        ks = self._candidates()
        basis = SegmentationBasis(
            blocks=self.blocks,
            block_weights=self.block_weights,
            channel_prior=self.channel_prior,
            scaling=self.scaling,
        ).fit(X)
        Z = basis.transform(X)
        mixed = basis.transform_mixed(X) if self.method == "latent_class" else None
        if len(Z) < max(ks) * 2 or len(Z) < 10:
            raise ParameterError(
                f"{len(Z)} customers are too few to form up to {max(ks)} segments. Fix: use "
                "more customers or fewer segments."
            )
        self.basis_ = basis
        params = dict(self.method_params or {})
        if len(ks) > 1:
            with thread_limit(min(len(Z), self.selection_sample)):
                k, table, reason = self._select(Z, mixed, ks, params)
        else:
            k, table, reason = ks[0], _empty_selection(), f"fixed at {ks[0]} by the caller"
        # a dict of lists, not a DataFrame: the fitted model is saved with skops, which stores
        # plain containers and arrays safely but not pandas objects
        self._selection = {c: table[c].tolist() for c in table.columns}
        self.selection_reason_ = reason
        with thread_limit(len(Z)):
            fitted, labels = _fit_method(
                self.method,
                Z,
                k,
                derived_seed(self.random_state, k, 0),
                n_init=self.n_init,
                params=params,
                mixed=mixed,
                ward_sample=self.ward_sample,
            )
        counts = np.bincount(labels, minlength=k)
        # segments numbered by size, ties by the first row of each (deterministic)
        first = np.array(
            [np.flatnonzero(labels == c)[0] if counts[c] else len(labels) for c in range(k)]
        )
        order = np.lexsort((first, -counts))
        self._relabel = np.empty(k, dtype=int)
        self._relabel[order] = np.arange(k)
        self._fitted = fitted
        self.n_segments_ = k
        self.labels_ = self._relabel[labels]
        self.cluster_centers_ = self._centers(Z, self.labels_)
        self.feature_names_in_ = np.asarray(basis.feature_names_in_, dtype=str)
        self.n_features_in_ = basis.n_features_in_
        self.basis_columns_ = list(basis.get_feature_names_out())
        return self

    @property
    def selection_(self) -> pd.DataFrame:
        """One row per candidate k with the evidence for the choice (see the class docs)."""
        check_is_fitted(self, "labels_")
        if not self._selection.get("k"):
            return _empty_selection()
        return pd.DataFrame(self._selection)

    def _centers(self, Z: np.ndarray, labels: np.ndarray) -> np.ndarray:
        return np.vstack(
            [
                Z[labels == c].mean(axis=0) if (labels == c).any() else np.full(Z.shape[1], np.nan)
                for c in range(self.n_segments_)
            ]
        )

    def _select(
        self, Z: np.ndarray, mixed: tuple | None, ks: list[int], params: dict[str, Any]
    ) -> tuple[int, pd.DataFrame, str]:
        rng = np.random.default_rng(derived_seed(self.random_state, 1))
        if len(Z) > self.selection_sample:
            idx = np.sort(rng.choice(len(Z), self.selection_sample, replace=False))
            Zs, ms = Z[idx], take_rows(mixed, idx)
        else:
            Zs, ms = Z, mixed
        sil_idx = (
            np.sort(rng.choice(len(Zs), _SILHOUETTE_SAMPLE, replace=False))
            if len(Zs) > _SILHOUETTE_SAMPLE
            else np.arange(len(Zs))
        )
        from tqdm.auto import tqdm

        tasks = [(k, b) for k in ks for b in range(self.n_stability)]
        bar = tqdm(
            total=len(ks) + len(tasks),
            desc=f"choosing k ({self.method})",
            unit="fit",
            disable=not self.progress,
        )
        rows = []
        for k in ks:
            fitted, labels = _fit_method(
                self.method,
                Zs,
                k,
                derived_seed(self.random_state, k, 0),
                n_init=self.n_init,
                params=params,
                mixed=ms,
                ward_sample=self.ward_sample,
            )
            counts = np.bincount(labels, minlength=k)
            n_found = int((counts > 0).sum())
            ok = n_found > 1 and n_found < len(Zs)
            sl = labels[sil_idx]
            rows.append(
                {
                    "k": k,
                    "silhouette": float(silhouette_score(Zs[sil_idx], sl))
                    if ok and len(np.unique(sl)) > 1
                    else float("nan"),
                    "calinski_harabasz": calinski_harabasz(Zs, labels) if ok else float("nan"),
                    "davies_bouldin": float(davies_bouldin_score(Zs, labels))
                    if ok
                    else float("nan"),
                    "bic": fitted.bic(Zs, ms),
                    "min_share": float(counts.min() / len(Zs)),
                }
            )
            bar.update(1)
        aris: dict[int, list[float]] = {k: [] for k in ks}
        if tasks:
            results = Parallel(n_jobs=self.n_jobs)(
                delayed(_stability_pair)(
                    self.method,
                    Zs,
                    ms,
                    k,
                    (
                        derived_seed(self.random_state, k, b, 1),
                        derived_seed(self.random_state, k, b, 2),
                    ),
                    params,
                    self.ward_sample,
                )
                for k, b in tasks
            )
            for (k, _), ari in zip(tasks, results, strict=True):
                aris[k].append(ari)
                bar.update(1)
        bar.close()
        table = pd.DataFrame(rows)
        table["stability"] = [float(np.mean(aris[k])) if aris[k] else np.nan for k in ks]
        table["stability_q10"] = [
            float(np.quantile(aris[k], 0.1)) if aris[k] else np.nan for k in ks
        ]
        table["eligible"] = table["min_share"] >= self.min_share
        pool = table[table["eligible"]]
        if pool.empty:
            pool = table
            note = f"no k keeps every segment above {self.min_share:.0%} of customers; "
        else:
            note = ""
        if self.n_stability == 0:
            best = pool.sort_values(["silhouette", "k"], ascending=[False, True]).iloc[0]
            k = int(best["k"])
            reason = note + f"highest silhouette ({best['silhouette']:.2f}) at k={k}"
        else:
            stable = pool[pool["stability_q10"] >= self.min_stability]
            if len(stable):
                k = int(stable["k"].max())
                q = float(stable.loc[stable["k"] == k, "stability_q10"].iloc[0])
                reason = note + (
                    f"the largest k whose segments come back in 90% of subsample refits with "
                    f"ARI >= {self.min_stability:.2f} (k={k}: {q:.2f})"
                )
            else:
                best = pool.sort_values(["stability_q10", "k"], ascending=[False, True]).iloc[0]
                k = int(best["k"])
                reason = note + (
                    f"no k reaches stability {self.min_stability:.2f}; the most stable is "
                    f"k={k} ({best['stability_q10']:.2f}): read its segments with caution"
                )
        table["chosen"] = table["k"] == k
        return k, table, reason

    # ------------------------------------------------------------------ use

    def _basis(self, X: pd.DataFrame) -> tuple[np.ndarray, tuple | None]:
        check_is_fitted(self, "labels_")
        Z = self.basis_.transform(X)
        mixed = self.basis_.transform_mixed(X) if self.method == "latent_class" else None
        return Z, mixed

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Segment (0 = largest) of each row of a feature table."""
        Z, mixed = self._basis(X)
        return self._relabel[self._fitted.predict(Z, mixed)]

    def fit_predict(self, X: pd.DataFrame, y: Any = None) -> np.ndarray:
        """Fit and return the segments of the training rows."""
        return self.fit(X).labels_

    def _has_proba(self) -> bool:
        return self.method in _PROBA_METHODS

    @available_if(_has_proba)
    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Posterior probability of each segment (mixture methods only)."""
        Z, mixed = self._basis(X)
        raw = self._fitted.proba(Z, mixed)
        out = np.empty_like(raw)
        out[:, self._relabel] = raw
        return out

    def confidence(self, X: pd.DataFrame) -> pd.DataFrame:
        """How clearly each customer belongs to their segment.

        For mixtures, ``confidence`` is the posterior probability of the assigned segment. For
        k-means and Ward it is the centroid margin ``1 - d1 / d2`` (``d1``, ``d2``: distances
        to the nearest and second-nearest segment centre): 0 means exactly between two
        segments, 1 on the centre. ``borderline`` flags customers under :attr:`borderline`.

        Returns
        -------
        DataFrame
            ``segment``, ``confidence``, ``second_segment``, ``borderline``; index of ``X``.
        """
        Z, _ = self._basis(X)
        if self._has_proba():
            p = self.predict_proba(X)
            order = np.argsort(-p, axis=1, kind="stable")
            seg, second = order[:, 0], order[:, 1]
            conf = p[np.arange(len(p)), seg]
            threshold = 0.6 if self.borderline is None else self.borderline
        else:
            seg = self.predict(X)
            _, d = nearest_centres(Z, self.cluster_centers_)
            d_own = d[np.arange(len(d)), seg]
            d_other = d.copy()
            d_other[np.arange(len(d)), seg] = np.inf
            second = d_other.argmin(axis=1)
            d2 = d_other[np.arange(len(d)), second]
            with np.errstate(divide="ignore", invalid="ignore"):
                conf = np.where(d2 > 0, 1 - d_own / d2, 0.0)
            conf = np.clip(conf, 0, 1)
            threshold = 0.15 if self.borderline is None else self.borderline
        return pd.DataFrame(
            {
                "segment": seg.astype(int),
                "confidence": conf.astype(float),
                "second_segment": second.astype(int),
                "borderline": conf < threshold,
            },
            index=X.index,
        )

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """The basis matrix of ``X`` (the space segments are formed in)."""
        return self._basis(X)[0]


def _empty_selection() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            "k",
            "silhouette",
            "calinski_harabasz",
            "davies_bouldin",
            "bic",
            "min_share",
            "stability",
            "stability_q10",
            "eligible",
            "chosen",
        ]
    )
