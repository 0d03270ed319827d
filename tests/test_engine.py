"""The embedded DuckDB engine: memory cap from the environment."""

from __future__ import annotations

import pandas as pd
import pytest

from omniseg.engine import MEMORY_LIMIT_ENV, connect
from omniseg.errors import ParameterError
from omniseg.features.table import build_features


def _setting(con, name: str) -> str:
    return con.raw_sql(f"SELECT current_setting('{name}')").fetchall()[0][0]


def test_memory_limit_from_the_environment_caps_duckdb(monkeypatch):
    default = _setting(connect(), "memory_limit")
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "256MB")
    con = connect()
    assert _setting(con, "memory_limit") != default
    assert _setting(con, "memory_limit").startswith(("244", "256"))  # MiB or MB display
    assert "omniseg-duckdb-spill" in _setting(con, "temp_directory")


def test_capped_engine_gives_the_same_features(monkeypatch):
    events = pd.DataFrame(
        {
            "person_id": ["a", "a", "b", "b", "b"],
            "timestamp": pd.to_datetime(
                [
                    "2025-01-01 10:00",
                    "2025-01-02 09:00",
                    "2025-01-01 08:00",
                    "2025-01-03 08:00",
                    "2025-01-03 12:00",
                ]
            ),
            "channel": ["web", "store", "app", "app", "email"],
            "event": ["view", "purchase", "view", "purchase", "click"],
            "revenue": [None, 40.0, None, 25.5, None],
        }
    )
    expected = build_features(events)
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "128MB")
    pd.testing.assert_frame_equal(build_features(events), expected)
    assert expected["monetary"].tolist() == [40.0, 25.5]


@pytest.mark.parametrize("value", ["lots", "2 apples", "-1GB"])
def test_a_bad_memory_limit_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, value)
    with pytest.raises(ParameterError, match=f"{MEMORY_LIMIT_ENV}=.*not a memory size.*2GB"):
        connect()
