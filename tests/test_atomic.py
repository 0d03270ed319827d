"""Atomic writes: readable files, nothing left behind on failure, the old file kept."""

from __future__ import annotations

import pandas as pd
import pytest

from omniseg.atomic import atomic_write, atomic_write_text
from omniseg.errors import ParameterError
from omniseg.segments.segmentation_report import read_segments


def test_atomic_write_replaces_and_cleans_up(tmp_path):
    path = atomic_write_text(tmp_path / "sub" / "a.txt", "old")
    assert path.read_text() == "old" and (path.stat().st_mode & 0o777) == 0o644

    def broken(tmp: str) -> None:
        with open(tmp, "w") as fh:
            fh.write("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, broken)
    assert path.read_text() == "old"
    assert [p.name for p in path.parent.iterdir()] == ["a.txt"]


def test_read_segments_checks_the_file(tmp_path):
    pd.DataFrame({"person_id": ["C1"], "segment_name": ["S1"]}).to_csv(
        tmp_path / "segments.csv", index=False
    )
    assert read_segments(tmp_path).to_dict() == {"C1": "S1"}
    with pytest.raises(ParameterError, match="does not exist"):
        read_segments(tmp_path / "nope")
    pd.DataFrame({"id": ["C1"]}).to_csv(tmp_path / "other.csv", index=False)
    with pytest.raises(ParameterError, match=r"\['person_id', 'segment_name'\]"):
        read_segments(tmp_path / "other.csv")
