"""Checks of a run's settings against its data, made before any report notebook starts.

:func:`omniseg.config.load_params` checks each parameter on its own and
:func:`omniseg.ingest.load_data`
checks each input on its own; some problems only show when both are known: a model file to
re-score with that is missing, damaged or untrusted, an earlier run to compare with that cannot be
read, or too few customers for the segments asked for. Without these checks the notebooks would
trip on them 20-30 s into a run, with exit code 1 and the message cut off. ``omniseg validate``
and ``omniseg report`` both run them (exit code 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omniseg.config.vocabulary import IDENTIFIER_COLUMNS
from omniseg.errors import (
    DataValidationError,
    ModelFileError,
    OmnisegError,
    ParameterError,
    Problem,
)

__all__ = ["MIN_PERSONS", "SEGMENT_NOTEBOOKS", "check_run", "needs_segments", "persons_needed"]

#: The fewest customers a segmentation is fitted on (with 2 per segment asked for, if more).
MIN_PERSONS = 10
#: The shipped report notebooks that segment the customers (the others describe the data).
SEGMENT_NOTEBOOKS = ("03_segments.ipynb", "04_personas.ipynb", "05_channel_plan.ipynb")


def persons_needed(segmentation: dict[str, Any]) -> int:
    """How many customers the run's segmentation settings need.

    Parameters
    ----------
    segmentation : dict
        The run's ``segmentation`` settings (already checked by :mod:`omniseg.config.params`).

    Returns
    -------
    int
        1 when re-scoring with a saved model; else ``max(MIN_PERSONS, 2 * largest k)``, the
        rule :class:`omniseg.segments.Segmenter` applies when it fits.
    """
    from omniseg.segments.segmenter import Segmenter

    if segmentation.get("model"):
        return 1
    kw = {"n_segments": segmentation["n_segments"]} if segmentation.get("n_segments") else {}
    if isinstance(kw.get("n_segments"), list):
        kw["n_segments"] = tuple(kw["n_segments"])
    return max(MIN_PERSONS, 2 * max(Segmenter(**kw)._candidates()))


def needs_segments(params: Any) -> bool:
    """Whether the run's notebooks segment the customers (the shipped sections from 03 on).

    A run of your own notebooks (``notebook_dir``) or of the data sections only (01, 02) is not
    held to the segmentation's minimum size.
    """
    return params.notebook_dir is None and any(
        name in SEGMENT_NOTEBOOKS for name in params.notebooks
    )


def _persons_at_most(data: Any) -> int:
    """An upper bound of the persons identity resolution can find (CRM + distinct identifiers)."""
    inter = data.interactions
    return len(data.customers) + sum(
        int(inter[c].nunique()) for c in IDENTIFIER_COLUMNS if c in inter
    )


def _check_model(path: Path) -> None:
    from omniseg.segments.models import load_model

    if not path.exists():
        raise ParameterError(
            f"The 'segmentation.model' parameter names {path}, which does not exist. Fix: give "
            "the model.skops of an earlier report run (reports/<run>/model.skops)."
        )
    try:
        load_model(path)
    except ModelFileError as exc:
        raise ParameterError(f"segmentation.model: {exc}") from None


def _check_previous(path: Path) -> None:
    from omniseg.segments.segmentation_report import read_segments

    try:
        read_segments(path, what="segmentation.previous")
    except OmnisegError:
        raise
    except Exception as exc:  # a CSV pandas cannot parse, a binary file, ...
        raise ParameterError(
            f"segmentation.previous: {path} cannot be read as an omniseg segments.csv "
            f"({type(exc).__name__}). Fix: give an earlier run's folder (reports/<run>) or its "
            "segments.csv."
        ) from None


def check_run(data: Any, params: Any) -> None:
    """Check the run's settings against its loaded data; raise on the first kind of problem.

    Parameters
    ----------
    data : omniseg.ingest.CustomerData
        The validated inputs.
    params : omniseg.config.RunParams

    Raises
    ------
    ParameterError
        ``segmentation.model`` missing, damaged or untrusted; ``segmentation.previous``
        unreadable.
    DataValidationError
        Fewer customers than the segmentation needs (when the run segments them:
        :func:`needs_segments`).
    """
    seg = params.segmentation
    if seg.get("model"):
        _check_model(Path(seg["model"]))
    if seg.get("previous"):
        _check_previous(Path(seg["previous"]))
    if not needs_segments(params):
        return
    need = persons_needed(seg)
    found = _persons_at_most(data)
    if found < need:
        report = data.report.tables.get("customers")
        source = report.source if report is not None else "<customers>"
        asked = seg.get("n_segments") or "3 to 10"
        raise DataValidationError(
            [
                Problem(
                    source,
                    None,
                    f"the inputs hold at most {found} customer(s) (CRM customers plus distinct "
                    f"identifiers in the interactions); segmenting into {asked} segments needs "
                    f"at least {need}",
                    "add customers, or ask for fewer segments (segmentation.n_segments: 2 needs "
                    f"{max(MIN_PERSONS, 4)})",
                )
            ]
        )
