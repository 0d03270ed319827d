"""Scheduled re-scoring: assign segments to new data with a saved model, and compare runs.

Used by ``omniseg score``. The new data is either a folder of inputs (resolved and turned into
the feature table exactly as in a report run) or a feature table. The output CSV (``person_id,
segment, segment_code, segment_name, confidence, borderline``; the name is the one the model
was saved with: its persona's name in a report run's ``model.skops``) is written to a temporary
file and renamed, so a scheduled job never leaves a half-written file; with ``previous`` the
segments are compared with an earlier run's by code (:func:`omniseg.segments.compare_runs`)
and the verdict is printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from omniseg.atomic import atomic_write
from omniseg.errors import DataValidationError, ParameterError, Problem

__all__ = ["ScoreResult", "read_feature_table", "score_customers"]


@dataclass
class ScoreResult:
    """What :func:`score_customers` wrote."""

    path: Path
    segments: pd.DataFrame
    drift: Any
    summary: str
    #: values the model did not see when fitted (``SegmentationBasis.unseen_levels``)
    unseen: pd.DataFrame | None = None


def read_feature_table(path: str | Path) -> pd.DataFrame:
    """Read a feature table (Parquet or CSV) with a ``person_id`` column or index."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"Feature table {path} does not exist.")
    if path.suffix.lower() in (".parquet", ".pq"):
        frame = pd.read_parquet(path)
    elif path.suffix.lower() == ".csv":
        frame = pd.read_csv(path, dtype={"person_id": "string"})
    else:
        raise ParameterError(
            f"{path.name}: a feature table must be .parquet or .csv. Fix: save it as Parquet."
        )
    if frame.index.name != "person_id":
        if "person_id" not in frame:
            raise DataValidationError(
                [
                    Problem(
                        path.name,
                        "person_id",
                        "the feature table has no person_id column",
                        "write the table from omniseg.features.build_features (person_id "
                        "column) or name the id column person_id",
                    )
                ]
            )
        dup = frame["person_id"].duplicated(keep=False).to_numpy()
        if dup.any():
            rows = [int(i) + 2 for i in dup.nonzero()[0]]
            raise DataValidationError(
                [
                    Problem(
                        path.name,
                        "person_id",
                        "person ids appear on several rows",
                        "keep one row per person",
                        tuple(rows[:5]),
                        len(rows),
                    )
                ]
            )
        frame = frame.set_index("person_id")
    return frame


def score_customers(
    model: str | Path,
    *,
    data: str | Path | None = None,
    features: str | Path | pd.DataFrame | None = None,
    output: str | Path = "segments.csv",
    previous: str | Path | None = None,
    progress: bool = False,
) -> ScoreResult:
    """Assign segments with a saved model and write them to ``output``.

    Parameters
    ----------
    model : path
        A ``.skops`` file from a report run or :func:`omniseg.segments.save_model`.
    data : path, optional
        Folder of inputs (``omniseg.ingest.load_data_dir`` layout).
    features : path or DataFrame, optional
        A feature table instead of ``data``.
    output : path
        CSV to write.
    previous : path, optional
        An earlier ``segments.csv`` or run folder: compare with it.
    progress : bool

    Returns
    -------
    ScoreResult
    """
    from omniseg.segments.models import load_model
    from omniseg.segments.segmentation import Segmentation
    from omniseg.segments.segmentation_report import read_segments

    bundle = load_model(model)
    if (data is None) == (features is None):
        raise ParameterError("Give exactly one of data (a folder) or features (a table).")
    if data is not None:
        from omniseg.features.pipeline import customer_features
        from omniseg.ingest.io import load_data_dir

        table = customer_features(load_data_dir(data), progress=progress)
    elif isinstance(features, pd.DataFrame):
        table = features
    else:
        table = read_feature_table(features)
    unseen = bundle["segmenter"].basis_.unseen_levels(table)
    seg = Segmentation.from_segmenter(bundle["segmenter"], table, profile=False)
    names = bundle["segment_names"]
    frame = seg.to_frame()
    frame["segment_name"] = [names[s] for s in frame["segment"]]
    frame.index.name = "person_id"
    out = Path(output)
    atomic_write(out, frame.round({"confidence": 4}).to_csv, private=True)
    counts = frame["segment_name"].value_counts().reindex(names, fill_value=0)
    lines = [
        f"Scored {len(frame):,} customers with {Path(model).name} ({bundle['method']}, "
        f"{bundle['n_segments']} segments, saved {bundle['created']}):",
        *(f"  {n}: {c:,} ({c / max(len(frame), 1):.1%})" for n, c in counts.items()),
        f"  between segments: {frame['borderline'].mean():.1%}",
    ]
    if len(unseen):
        hit = np.zeros(len(table), dtype=bool)
        for r in unseen.itertuples():
            if r.column == "channel mix":
                hit |= (table[r.value].fillna(0) > 0).to_numpy()
            else:
                hit |= (table[r.column].astype("string") == r.value).fillna(False).to_numpy()
        lines.append(
            f"  {int(hit.sum()):,} customer(s) ({hit.mean():.1%}) hold values the model did not "
            "see when it was fitted; they were scored on their other columns (refit the "
            "segmentation if these values matter):"
        )
        lines += [
            f"    {r.column}: {r.value!r}, {r.customers:,} customer(s)" for r in unseen.itertuples()
        ]
    drift = None
    if previous is not None:
        from omniseg.segments.drift import compare_runs

        # compared by code (S1, S2...): a segment keeps it when its persona's name changes
        drift = compare_runs(
            read_segments(previous),
            frame["segment_code"],
            segment_names=dict(zip(seg.codes, names, strict=True)),
        )
        lines.append(drift.summary())
    return ScoreResult(
        path=out, segments=frame, drift=drift, summary="\n".join(lines), unseen=unseen
    )
