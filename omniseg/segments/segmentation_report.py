"""The segmentation step of a report run: fit or re-score, write the run's files, compare runs.

:func:`report_segmentation` is what the segments notebook calls; it writes :data:`MODEL_FILE` and
:data:`SEGMENTS_FILE` into the run folder, which :func:`read_segments` reads back for the next
run's drift comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from omniseg.atomic import atomic_write
from omniseg.errors import ParameterError
from omniseg.segments.segment_inputs import fit_typing_tool
from omniseg.segments.segmentation import Segmentation
from omniseg.segments.segmenter import Segmenter

__all__ = ["MODEL_FILE", "SEGMENTS_FILE", "read_segments", "report_segmentation"]

#: File names a report run writes into its folder.
MODEL_FILE = "model.skops"
SEGMENTS_FILE = "segments.csv"


def report_segmentation(
    features: pd.DataFrame,
    settings: dict[str, Any] | None = None,
    *,
    seed: int = 0,
    output_dir: str | Path | None = None,
    progress: bool = False,
    name_segments: Callable[[Segmentation], Sequence[str]] | None = None,
) -> tuple[Segmentation, Any]:
    """The segmentation step of a report run.

    Fits a :class:`~omniseg.segments.Segmenter` with the run's settings, or re-scores with the
    saved model named by ``settings["model"]``; with ``output_dir`` writes ``model.skops`` and
    ``segments.csv`` (person, segment, confidence) there, atomically; with
    ``settings["previous"]`` (an earlier run folder or its ``segments.csv``) compares the two
    runs (:func:`omniseg.segments.compare_runs`).

    Parameters
    ----------
    features : DataFrame
        Customer feature table indexed by person.
    settings : dict, optional
        ``method``, ``n_segments``, ``blocks``, ``block_weights``, ``model``, ``previous``.
    seed : int
    output_dir : path, optional
    progress : bool
    name_segments : callable, optional
        Given the segmentation (segments named by their codes, typing tool set), returns one
        display name per segment (a report run's Workbench: the personas' names with their
        codes); the segmentation, ``segments.csv``, ``model.skops`` and the drift report then
        use them. Runs are compared by code, which a re-scored segment keeps.

    Returns
    -------
    segmentation : Segmentation
    drift : DriftReport or None
    """
    from omniseg.segments.models import load_model, save_model

    settings = dict(settings or {})
    model_path = settings.pop("model", None)
    previous = settings.pop("previous", None)
    typing_tool = None
    if model_path:
        bundle = load_model(model_path)
        segmenter = bundle["segmenter"]
        typing_tool = bundle.get("typing_tool")
    else:
        kw = {k: v for k, v in settings.items() if v is not None}
        if isinstance(kw.get("n_segments"), list):
            kw["n_segments"] = tuple(int(k) for k in kw["n_segments"])
        segmenter = Segmenter(random_state=seed, progress=progress, **kw).fit(features)
    result = Segmentation.from_segmenter(segmenter, features)
    if typing_tool is None:
        typing_tool = fit_typing_tool(
            features,
            result.labels.to_numpy(),
            result.names,
            basis=getattr(segmenter, "basis_", None),
            seed=seed,
        )
    result.typing_tool = typing_tool
    if name_segments is not None:
        result = result.renamed(name_segments(result))
    if output_dir:
        out = Path(output_dir)
        if not model_path:
            save_model(
                segmenter,
                out / MODEL_FILE,
                typing_tool=typing_tool,
                segment_names=result.names,
                metadata={"features_rows": len(features)},
            )
        frame = result.to_frame()
        frame.index.name = "person_id"
        atomic_write(out / SEGMENTS_FILE, frame.round({"confidence": 4}).to_csv, private=True)
    drift = None
    if previous:
        from omniseg.segments.drift import compare_runs

        before = read_segments(previous, what="segmentation.previous")
        codes = result.codes  # segments are compared by code: names may change between runs
        drift = compare_runs(
            before,
            pd.Series([codes[s] for s in result.labels], index=result.labels.index),
            segment_names=dict(zip(codes, result.names, strict=True)),
        )
    return result, drift


def read_segments(path: str | Path, *, what: str = "previous") -> pd.Series:
    """The segment code of each person in an earlier run's ``segments.csv``.

    The code (``segment_code``: ``S1``, ``S2``...) is what stays the same between runs of one
    model; files written before segments had names carry it as ``segment_name``.

    Parameters
    ----------
    path : path
        A run folder (``reports/<run>``) or its ``segments.csv``.
    what : str
        Name of the setting or option, for error messages.

    Returns
    -------
    Series
        The code (text) indexed by ``person_id``.
    """
    path = Path(path)
    if path.is_dir():
        path = path / SEGMENTS_FILE
    if not path.is_file():
        raise ParameterError(
            f"{what}: {path} does not exist. Fix: give an earlier run's folder (reports/<run>) "
            "or its segments.csv."
        )
    frame = pd.read_csv(path, dtype={"person_id": "string"})
    missing = [c for c in ("person_id", "segment_name") if c not in frame]
    if missing:
        raise ParameterError(
            f"{path} has no {missing} column(s): it is not a segments.csv written by omniseg."
        )
    column = "segment_code" if "segment_code" in frame else "segment_name"
    return frame.set_index("person_id")[column].astype(str)
