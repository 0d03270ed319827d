"""The benchmark's pandas baseline computes the same table as ``build_features``.

``benchmarks/pandas_features.py`` is written independently (sort, groupby, pivot, shift,
merge_asof, merge), so agreement on the demo data and on hand-made edge cases checks both: the
benchmark compares like with like, and the feature definitions hold under a second reading.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omniseg.features.table import build_features

ROOT = Path(__file__).resolve().parents[1]


def _reference():
    spec = importlib.util.spec_from_file_location(
        "pandas_features", ROOT / "benchmarks" / "pandas_features.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reference():
    return _reference()


@pytest.fixture(scope="module")
def demo(demo_events):
    # load_demo() and its interactions with IdentityResolver().fit(customers, interactions)'s
    # person ids: shared (tests/conftest.py)
    data, events = demo_events
    return events, data


def test_same_table_as_build_features_on_the_demo(reference, demo):
    events, data = demo
    ours = build_features(events, data.customers)
    theirs = reference.pandas_features(events, data.customers)
    assert len(ours) > 4_000
    assert ours["ropo_purchases"].sum() > 100 and ours["unanswered_contacts"].sum() > 100
    pd.testing.assert_frame_equal(ours, theirs)


def test_same_table_on_edge_cases(reference):
    """Raw labels, a missing channel, ties at one second, identical touchpoints, windows at
    their exact ends, anonymous rows and a person with a single touchpoint."""
    rows = [
        ("A", "2026-01-01 10:00:00", "WEB", "View", None, None),
        ("A", "2026-01-08 10:00:00", "Tienda", "compra", 10.0, None),  # ropo: exactly 7 days
        ("A", "2026-01-08 10:00:00", "Tienda", "compra", 10.0, None),  # identical: counts twice
        ("A", "2026-01-08 10:00:00", "web", "view", None, None),  # same second as the buys
        ("A", "2026-01-09 10:00:00", "Call Center", "contact", None, 5.0),
        ("A", "2026-01-11 10:00:00", "email", "click", None, None),  # 48 h: answered
        ("A", "2026-01-12 10:00:00", "chat", "complaint", None, 1.0),  # never answered
        ("A", "2026-01-12 10:00:00", None, "view", None, None),  # missing channel
        ("B", "2026-01-03 00:00:00", "app", "purchase", 5.0, None),
        ("B", "2026-01-02 00:00:00", "store", "view", None, 3.0),  # showrooming
        ("B", "2026-01-02 00:00:00", "sms", "click", None, None),
        ("C", "2026-01-05 08:00:00", "store", "purchase", None, None),  # revenue missing
        (None, "2026-01-05 08:00:00", "web", "view", None, None),
    ]
    events = pd.DataFrame(
        rows, columns=["person_id", "timestamp", "channel", "event", "revenue", "satisfaction"]
    )
    events["timestamp"] = pd.to_datetime(events["timestamp"])
    crm = pd.DataFrame({"customer_id": ["A", "Z"], "age": [30, 40], "consent_sms": [True, False]})
    ours = build_features(events, crm)
    theirs = reference.pandas_features(events, crm)
    pd.testing.assert_frame_equal(ours, theirs)
    a = ours.set_index("person_id").loc["A"]
    assert (a["ropo_purchases"], a["unanswered_contacts"], a["n_channels"]) == (2, 1, 6)
    assert ours.set_index("person_id").loc["B", "showrooming_purchases"] == 1
    assert np.isnan(ours.set_index("person_id").loc["C", "channel_switch_rate"])


def test_same_table_with_other_journey_windows(reference, demo):
    """Both read ``config``: shorter windows change both tables the same way."""
    events, _ = demo
    config = {"ropo_days": 1, "showrooming_days": 2, "follow_up_hours": 2}
    ours = build_features(events, config=config)
    pd.testing.assert_frame_equal(ours, reference.pandas_features(events, config=config))
    default = build_features(events)
    assert 0 < ours["ropo_purchases"].sum() < default["ropo_purchases"].sum()
    assert ours["unanswered_contacts"].sum() > default["unanswered_contacts"].sum()
