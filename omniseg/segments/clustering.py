"""The clustering methods :class:`~omniseg.segments.segmenter.Segmenter` fits, and their helpers.

:func:`_fit_method` fits one method (k-means, Gaussian mixture, Ward on a sample, latent class)
behind one interface (:class:`_Fitted`: ``predict``, ``proba``, ``bic``); :func:`_stability_pair`
is one stability refit pair (ARI between two 80 % subsample fits). Nearest centres, the data
and measurement models of a latent class fit (StepMix), the
Calinski-Harabasz index, rows of a mixed basis, the thread limit of small fits and the seeds
derived from ``random_state``.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score
from sklearn.mixture import GaussianMixture

from omniseg.errors import ParameterError

# building blocks of this stage's other modules, imported by name; nothing here is public
__all__ = []

#: The clustering methods :class:`~omniseg.segments.segmenter.Segmenter` offers.
METHODS: tuple[str, ...] = ("kmeans", "gmm", "ward", "latent_class")
#: Subsample share of each stability refit.
_STABILITY_FRACTION = 0.8
#: Fits on at most this many rows run single-threaded (see :func:`thread_limit`).
_SINGLE_THREAD_ROWS = 50_000


def nearest_centres(X: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest centre of each row and the Euclidean distances to every centre."""
    d2 = (X**2).sum(axis=1)[:, None] - 2 * X @ centers.T + (centers**2).sum(axis=1)[None, :]
    d = np.sqrt(np.clip(d2, 0, None))
    return d.argmin(axis=1), d


def latent_class_data(mixed: tuple | None) -> np.ndarray:
    """The StepMix input of a mixed basis: continuous then categorical columns."""
    assert mixed is not None
    continuous, categorical, _ = mixed
    return np.column_stack([continuous, categorical])


def latent_class_measurement(mixed: tuple) -> dict[str, Any]:
    """StepMix measurement models: diagonal Gaussians for the continuous columns, categorical
    distributions for the others.

    The continuous block comes from the basis, which imputes it, so it has no missing values:
    StepMix's plain ``gaussian_diag`` is then the same model as ``gaussian_diag_nan`` and 4x
    faster (0.12 s instead of 0.47 s per fit on the demo's 5,000 customers, same iterations and
    log-likelihood to 1e-6). Categorical codes may be missing (a level unseen in ``fit``), so
    they keep the missing-value model.
    """
    continuous, categorical, _ = mixed
    desc: dict[str, Any] = {}
    if continuous.shape[1]:
        gaussian = "gaussian_diag_nan" if np.isnan(continuous).any() else "gaussian_diag"
        desc["continuous"] = {"model": gaussian, "n_columns": continuous.shape[1]}
    if categorical.shape[1]:
        desc["categorical"] = {"model": "categorical_nan", "n_columns": categorical.shape[1]}
    return desc


def calinski_harabasz(Z: np.ndarray, labels: np.ndarray) -> float:
    """Calinski-Harabasz index; ``inf`` when segments have no within-segment variation.

    scikit-learn returns 1.0 in that case (and astronomically large values when the variation
    is only rounding noise), which reads as a real number; ``inf`` is shown as "not
    meaningful" by reports.
    """
    within = sum(
        float(((Z[labels == c] - Z[labels == c].mean(axis=0)) ** 2).sum())
        for c in np.unique(labels)
    )
    total = float(((Z - Z.mean(axis=0)) ** 2).sum())
    if total == 0 or within <= 1e-12 * total:
        return float("inf")
    return float(calinski_harabasz_score(Z, labels))


def take_rows(mixed: tuple | None, idx: np.ndarray) -> tuple | None:
    """Rows ``idx`` of a mixed basis (``None`` stays ``None``)."""
    if mixed is None:
        return None
    return (mixed[0][idx], mixed[1][idx], mixed[2])


def thread_limit(n_rows: int) -> Any:
    """Limit BLAS/OpenMP to one thread for small fits.

    Measured on the 2-core machines with another process busy: choosing k for 5,000 customers
    took 113 s with scikit-learn's default threads (OpenMP threads wait on each other when a core
    is taken) and 4 s with one thread. Small fits gain nothing from threads; parallelism comes
    from running refits side by side (``n_jobs``) instead.
    """
    from contextlib import nullcontext

    if n_rows > _SINGLE_THREAD_ROWS:
        return nullcontext()
    return _thread_controller().limit(limits=1)


@functools.cache
def _thread_controller() -> Any:
    """This process's BLAS/OpenMP libraries, found once (by the first small fit, after numpy
    and scikit-learn loaded them): ``threadpool_limits`` looks them up in ``/proc`` on every
    call, 4 ms each, 0.6 s of the 160 stability refits of one segmentation."""
    from threadpoolctl import ThreadpoolController  # sklearn.cluster (OpenMP) is loaded above

    return ThreadpoolController()


def derived_seed(*parts: int) -> int:
    """A seed derived from ``parts`` (the same parts always give the same seed)."""
    return int(np.random.SeedSequence([int(p) for p in parts]).generate_state(1)[0])


class _Fitted:
    """A fitted clustering of one method with a common interface."""

    def __init__(self, method: str, model: Any, centers: np.ndarray | None) -> None:
        self.method = method
        self.model = model
        self.centers = centers

    def predict(self, X: np.ndarray, mixed: tuple | None = None) -> np.ndarray:
        if self.method == "latent_class":
            return self.model.predict(latent_class_data(mixed))
        if self.centers is not None:
            return nearest_centres(X, self.centers)[0]
        return self.model.predict(X)

    def proba(self, X: np.ndarray, mixed: tuple | None = None) -> np.ndarray:
        if self.method == "latent_class":
            return self.model.predict_proba(latent_class_data(mixed))
        return self.model.predict_proba(X)

    def bic(self, X: np.ndarray, mixed: tuple | None = None) -> float:
        if self.method == "latent_class":
            return float(self.model.bic(latent_class_data(mixed)))
        if self.method == "gmm":
            return float(self.model.bic(X))
        return float("nan")


def _fit_method(
    method: str,
    X: np.ndarray,
    k: int,
    seed: int,
    *,
    n_init: int,
    params: Mapping[str, Any],
    mixed: tuple | None = None,
    ward_sample: int = 5000,
) -> tuple[_Fitted, np.ndarray]:
    """Fit one clustering; returns it and the labels of ``X``."""
    if method == "kmeans":
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed, **params).fit(X)
        return _Fitted(method, model, model.cluster_centers_), model.labels_.astype(int)
    if method == "gmm":
        kw = {"covariance_type": "tied", "reg_covar": 1e-4, **params}
        model = GaussianMixture(n_components=k, n_init=n_init, random_state=seed, **kw).fit(X)
        return _Fitted(method, model, None), model.predict(X).astype(int)
    if method == "ward":
        rng = np.random.default_rng(seed)
        idx = (
            np.sort(rng.choice(len(X), ward_sample, replace=False))
            if len(X) > ward_sample
            else np.arange(len(X))
        )
        sub = AgglomerativeClustering(n_clusters=k, linkage="ward", **params).fit_predict(X[idx])
        centers = np.vstack([X[idx][sub == c].mean(axis=0) for c in range(k)])
        return _Fitted(method, None, centers), nearest_centres(X, centers)[0]
    if method == "latent_class":
        from stepmix.stepmix import StepMix

        kw = {"abs_tol": 1e-6, "max_iter": 300, **params}
        model = StepMix(
            n_components=k,
            measurement=latent_class_measurement(mixed),
            n_init=n_init,
            random_state=seed,
            verbose=0,
            progress_bar=0,
            **kw,
        )
        data = latent_class_data(mixed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence notes: BIC and stability show fit
            model.fit(data)
        return _Fitted(method, model, None), model.predict(data).astype(int)
    raise ParameterError(f"Unknown method {method!r}. Choose one of {list(METHODS)}.")


def _stability_pair(
    method: str,
    X: np.ndarray,
    mixed: tuple | None,
    k: int,
    seeds: tuple[int, int],
    params: Mapping[str, Any],
    ward_sample: int,
) -> float:
    """ARI between the labelings of ``X`` by models fitted on two random 80% subsamples."""
    labelings = []
    m = max(k + 1, round(_STABILITY_FRACTION * len(X)))
    with thread_limit(len(X)):
        for seed in seeds:
            rng = np.random.default_rng(seed)
            idx = np.sort(rng.choice(len(X), min(m, len(X)), replace=False))
            fitted, _ = _fit_method(
                method,
                X[idx],
                k,
                seed,
                n_init=3,
                params=params,
                mixed=take_rows(mixed, idx),
                ward_sample=ward_sample,
            )
            labelings.append(fitted.predict(X, mixed))
    return float(adjusted_rand_score(*labelings))
