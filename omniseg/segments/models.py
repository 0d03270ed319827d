"""Saving and loading fitted segmentations safely (skops), for scheduled re-scoring.

A model file (``.skops``) holds the fitted :class:`~omniseg.segments.segmenter.Segmenter` (its
basis:
medians, scales, the average channel mix; its clustering), the optional
:class:`~omniseg.segments.typing_tool.TypingTool`, and metadata (omniseg version, creation time, the
features it needs, its segment names). It is written with `skops <https://skops.readthedocs.io>`_,
not pickle: loading a pickle runs whatever code the file says, so a pickle from an untrusted
place is a security hole. skops stores plain data and rebuilds only the object types it is told
to trust; :func:`load_model` trusts skops' safe defaults plus exactly the type names omniseg
itself writes (:data:`ALLOWED_TYPES`, matched whole, never by module prefix) and refuses a file
that asks for any other type or function (a tampered or foreign file) with a
:class:`~omniseg.errors.ModelFileError` naming them, before anything in the file is built. A file
that was truncated, edited by hand or is not a skops file at all (a pickle renamed ``.skops``)
fails the same way.

Files are written to a temporary name and renamed, so an interrupted save never leaves a broken
model where a scheduled job will look for it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from omniseg.atomic import atomic_write
from omniseg.errors import ModelFileError, ParameterError
from omniseg.segments.segmenter import Segmenter

__all__ = [
    "ALLOWED_TYPES",
    "MODEL_FORMAT",
    "ModelFileError",
    "load_model",
    "model_info",
    "save_model",
]

#: Format tag and version written into every model file.
MODEL_FORMAT = "omniseg-segmentation"
_FORMAT_VERSION = 1

#: The exact object types :func:`save_model` writes beyond skops' own safe defaults (plain
#: containers, NumPy arrays, scikit-learn estimators), found by saving every method
#: (k-means, GMM, Ward, latent class with continuous and categorical columns) with both typing
#: tools; ``tests/battery/test_battery_models.py`` checks that every file ``save_model`` can
#: write needs nothing else. Names are matched exactly: trusting a module prefix (``numpy.``,
#: ``builtins.``) would let a crafted file call any function under it while loading, such as
#: ``numpy.testing._private.utils.runstring`` (an ``exec``) or ``builtins.exit``.
ALLOWED_TYPES: frozenset[str] = frozenset(
    {
        "numpy.dtype",
        "omniseg.segments.basis.SegmentationBasis",
        "omniseg.segments.segmenter.Segmenter",
        "omniseg.segments.clustering._Fitted",
        "omniseg.segments.typing_tool.TypingTool",
        "sklearn.tree._tree.Tree",
        "stepmix.stepmix.StepMix",
        "stepmix.emission.nested.Nested",
        "stepmix.emission.gaussian.GaussianDiag",
        "stepmix.emission.gaussian.GaussianDiagNan",
        "stepmix.emission.categorical.MultinoulliNan",
    }
)


def _version() -> str:
    from omniseg import __version__

    return __version__


def save_model(
    segmenter: Segmenter,
    path: str | Path,
    *,
    typing_tool: Any = None,
    segment_names: list[str] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Path:
    """Save a fitted segmentation (and typing tool) to a ``.skops`` file, atomically.

    Parameters
    ----------
    segmenter : Segmenter
        Fitted.
    path : str or Path
        Destination (``.skops`` is the usual suffix); its folder is created.
    typing_tool : TypingTool, optional
        Fitted typing tool saved alongside.
    segment_names : list of str, optional
        Display names of the segments (persona names); default ``S1``, ``S2``, ...
    metadata : dict, optional
        Extra JSON-like values (run name, data snapshot, ...).

    Returns
    -------
    Path
    """
    import skops.io as sio

    if not isinstance(segmenter, Segmenter) or not hasattr(segmenter, "labels_"):
        raise ParameterError("save_model needs a fitted omniseg Segmenter (call fit first).")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    k = segmenter.n_segments_
    names = list(segment_names) if segment_names is not None else [f"S{i + 1}" for i in range(k)]
    if len(names) != k:
        raise ParameterError(f"segment_names has {len(names)} names for {k} segments.")
    bundle = {
        "format": MODEL_FORMAT,
        "format_version": _FORMAT_VERSION,
        "omniseg_version": _version(),
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "features": [str(c) for c in segmenter.feature_names_in_],
        "segment_names": [str(n) for n in names],
        "method": segmenter.method,
        "n_segments": int(k),
        "metadata": _plain(metadata or {}),
        "segmenter": segmenter,
        "typing_tool": typing_tool,
    }
    return atomic_write(path, lambda tmp: sio.dump(bundle, tmp))


def _plain(value: Any) -> Any:
    """JSON-like copy (skops stores it as data, not objects)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _untrusted(path: Path) -> list[str]:
    """The non-default types ``path`` asks for, refused unless each is in ``ALLOWED_TYPES``.

    ``skops.io.get_untrusted_types`` only reads the file's schema (JSON): nothing in the file is
    imported or called before every type it names has been checked.
    """
    import skops.io as sio

    try:
        types = sio.get_untrusted_types(file=path)
    except Exception as exc:  # not a zip, no schema, bad JSON, unknown node kinds ...
        raise ModelFileError(
            f"{path} is not a readable omniseg model file ({type(exc).__name__}). It may be "
            "damaged or truncated, or be another kind of file (a pickle, for example). Fix: "
            "save the model again with `omniseg report` or omniseg.segments.models.save_model."
        ) from None
    bad = sorted(set(types) - ALLOWED_TYPES)
    if bad:
        raise ModelFileError(
            f"{path} asks to rebuild object types omniseg does not trust: {bad}. A model file "
            "written by omniseg contains only the types in "
            "omniseg.segments.models.ALLOWED_TYPES, so "
            "this file was modified or comes from elsewhere; nothing in it was loaded or run. "
            "Fix: use a model file saved by omniseg from a source you trust."
        )
    return list(types)


def load_model(path: str | Path) -> dict[str, Any]:
    """Load a model file saved by :func:`save_model`, refusing untrusted content.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    dict
        ``segmenter`` (fitted :class:`~omniseg.segments.segmenter.Segmenter`), ``typing_tool`` (or
        None), ``segment_names``, ``features``, ``method``, ``n_segments``,
        ``omniseg_version``, ``created``, ``metadata``.

    Raises
    ------
    ModelFileError
        Missing file, damaged file, a file of another kind, or types outside the trusted list.
    """
    import skops.io as sio

    path = Path(path)
    if not path.is_file():
        raise ModelFileError(
            f"Model file {path} does not exist. Fix: pass the .skops file a report run wrote "
            "(reports/<run>/model.skops) or one saved with omniseg.segments.models.save_model."
        )
    trusted = _untrusted(path)
    try:
        bundle = sio.load(path, trusted=trusted)
    except Exception as exc:  # damaged content inside a valid archive
        raise ModelFileError(
            f"{path} could not be read as an omniseg model ({type(exc).__name__}: {exc}). Fix: "
            "save the model again."
        ) from None
    if not isinstance(bundle, dict) or bundle.get("format") != MODEL_FORMAT:
        raise ModelFileError(
            f"{path} is a skops file but not an omniseg segmentation model. Fix: pass a file "
            "saved by omniseg.segments.models.save_model."
        )
    if int(bundle.get("format_version", 0)) > _FORMAT_VERSION:
        raise ModelFileError(
            f"{path} was written by a newer omniseg ({bundle.get('omniseg_version')}). Fix: "
            "upgrade omniseg to read it."
        )
    if not isinstance(bundle.get("segmenter"), Segmenter):
        raise ModelFileError(f"{path} holds no fitted Segmenter.")
    return bundle


def model_info(path: str | Path) -> pd.Series:
    """What a model file contains (method, segments, features, version, creation time)."""
    bundle = load_model(path)
    return pd.Series(
        {
            "method": bundle["method"],
            "n_segments": bundle["n_segments"],
            "segment_names": ", ".join(bundle["segment_names"]),
            "features": ", ".join(bundle["features"]),
            "typing_tool": bundle["typing_tool"] is not None,
            "omniseg_version": bundle["omniseg_version"],
            "created": bundle["created"],
        }
    )
