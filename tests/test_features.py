"""Feature table: hand-computed values, edge cases, engine equivalence, lifetimes agreement."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omniseg.config.vocabulary import CANONICAL_CHANNELS
from omniseg.errors import DataValidationError, ParameterError
from omniseg.features.definitions import FEATURES, feature_descriptions
from omniseg.features.lifetimes import lifetimes_summary
from omniseg.features.table import build_features
from omniseg.identity.resolver import IdentityResolver
from omniseg.ingest.io import load_interactions

EVENTS = [
    # person, timestamp, channel, event, revenue, satisfaction
    ("P1", "2026-01-01 10:00", "web", "view", None, None),
    ("P1", "2026-01-03 12:00", "store", "purchase", 100.0, None),
    ("P1", "2026-01-10 09:00", "phone", "contact", None, 4.0),
    ("P1", "2026-01-11 08:00", "email", "click", None, None),
    ("P1", "2026-01-20 10:00", "email", "view", None, None),
    ("P1", "2026-01-25 10:00", "app", "purchase", 50.0, None),
    ("P2", "2026-01-05 10:00", "store", "view", None, None),
    ("P3", "2026-01-07 10:00", "store", "purchase", 30.0, None),  # same second as the web view
    ("P3", "2026-01-07 10:00", "web", "view", None, None),
    ("P3", "2026-01-08 09:00", "web", "purchase", 20.0, None),
    ("P3", "2026-01-09 10:00", "web", "view", None, None),
    ("P3", "2026-01-09 15:00", "phone", "contact", None, 2.0),
    (None, "2026-01-09 15:00", "web", "view", None, None),  # anonymous: ignored
]


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    frame = pd.DataFrame(
        EVENTS, columns=["person_id", "timestamp", "channel", "event", "revenue", "satisfaction"]
    )
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    return frame


@pytest.fixture(scope="module")
def table(events) -> pd.DataFrame:
    crm = pd.DataFrame(
        {
            "customer_id": ["P1", "C9"],
            "age": [40, 30],
            "gender": ["F", "M"],
            "consent_email": [True, False],
        }
    )
    return build_features(events, crm).set_index("person_id")


def test_rfm_and_tenure(table):
    p1 = table.loc["P1"]
    # reference date: the day after the last touchpoint (2026-01-26 00:00)
    assert p1["n_interactions"] == 6 and p1["frequency"] == 2
    assert p1["monetary"] == 150 and p1["aov"] == 75
    assert p1["recency_days"] == pytest.approx(14 / 24)
    assert p1["tenure_days"] == pytest.approx(24 + 14 / 24)
    assert p1["first_seen"] == pd.Timestamp("2026-01-01 10:00")
    assert p1["last_seen"] == pd.Timestamp("2026-01-25 10:00")


def test_customer_without_purchase_and_single_event(table):
    p2 = table.loc["P2"]
    assert p2["n_interactions"] == 1 and p2["frequency"] == 0 and p2["monetary"] == 0
    assert math.isnan(p2["aov"]) and math.isnan(p2["recency_days"])
    assert math.isnan(p2["channel_switch_rate"])
    assert p2["first_channel"] == p2["last_channel"] == "store"
    assert not p2["omnichannel"]


def test_channel_mix(table):
    p1 = table.loc["P1"]
    assert (p1["interactions_email"], p1["interactions_web"], p1["interactions_sms"]) == (2, 1, 0)
    assert p1["share_email"] == pytest.approx(2 / 6)
    assert (p1["purchases_store"], p1["revenue_store"]) == (1, 100)
    assert (p1["purchases_app"], p1["revenue_app"]) == (1, 50)
    assert p1["n_channels"] == 5 and p1["omnichannel"]
    assert (p1["first_channel"], p1["last_channel"]) == ("web", "app")
    assert p1["channel_switch_rate"] == pytest.approx(4 / 5)
    assert p1["email_click_rate"] == 0.5 and math.isnan(p1["sms_click_rate"])
    assert p1["satisfaction_phone"] == 4 and math.isnan(p1["satisfaction_web"])


def test_ties_on_the_same_timestamp_follow_the_channel_order(table):
    p3 = table.loc["P3"]
    # web and store at the same second: web comes first in the canonical order
    assert (p3["first_channel"], p3["last_channel"]) == ("web", "phone")
    assert p3["channel_switch_rate"] == pytest.approx(3 / 4)


def test_journeys(table):
    p1, p3 = table.loc["P1"], table.loc["P3"]
    assert p1["ropo_purchases"] == 1  # web on 01-01, store purchase on 01-03
    assert p1["showrooming_purchases"] == 0  # last store touchpoint 22 days before the app buy
    assert p1["contact_after_web"] == 0
    assert p1["unanswered_contacts"] == 0  # the email click followed within 48 h
    assert p3["ropo_purchases"] == 1  # web view at the same second counts
    assert p3["showrooming_purchases"] == 1
    assert p3["contact_after_web"] == 1
    assert p3["unanswered_contacts"] == 1
    assert p3["contacts"] == 1 and p3["complaints"] == 0


def test_crm_join_and_never_seen_customers(table):
    assert table.loc["P1", "age"] == 40 and table.loc["P1", "consent_email"]
    assert pd.isna(table.loc["P3", "age"])  # unknown to the CRM
    c9 = table.loc["C9"]
    assert c9["n_interactions"] == 0 and c9["monetary"] == 0 and not c9["omnichannel"]
    assert len(table) == 4  # P1, P2, P3, C9: the anonymous row is ignored


def test_time_zones_in_the_input_become_utc():
    raw = pd.DataFrame(
        {
            "timestamp": ["2026-03-01T01:30:00+02:00", "2026-03-01T09:00:00Z"],
            "channel": ["web", "app"],
            "event": ["view", "purchase"],
            "customer_id": ["C1", "C1"],
            "revenue": [None, "10"],
        }
    )
    events = load_interactions(raw).assign(person_id="C1")
    row = build_features(events).iloc[0]
    assert row["first_seen"] == pd.Timestamp("2026-02-28 23:30")  # the day before, in UTC
    assert row["recency_days"] == pytest.approx(15 / 24)


def test_parquet_and_dataframe_give_identical_tables(events, tmp_path):
    folder = tmp_path / "events"
    folder.mkdir()
    events.iloc[:6].to_parquet(folder / "part-0.parquet")
    events.iloc[6:].to_parquet(folder / "part-1.parquet")
    pd.testing.assert_frame_equal(build_features(folder), build_features(events))


def test_config_and_errors(events):
    wide = build_features(events, config={"ropo_days": 0.01}).set_index("person_id")
    assert wide.loc["P1", "ropo_purchases"] == 0
    with pytest.raises(ParameterError, match=r"Unknown config key\(s\) \['ropo'\]"):
        build_features(events, config={"ropo": 3})
    with pytest.raises(DataValidationError, match="person_id"):
        build_features(events.drop(columns="person_id"))
    with pytest.raises(DataValidationError, match="no interaction has a person"):
        build_features(events.assign(person_id=None))


def test_every_column_is_documented(table):
    documented = set()
    for name, _ in FEATURES:
        for part in name.split(", "):
            if "<ch>" in part:
                documented |= {part.replace("<ch>", c) for c in CANONICAL_CHANNELS}
            documented.add(part)
    columns = {c for c in table.reset_index().columns if not c.startswith("consent_")}
    assert columns <= documented, columns - documented
    assert len(feature_descriptions()) == len(FEATURES)


def test_rfm_matches_lifetimes_on_cdnow():
    import lifetimes
    from lifetimes.utils import summary_data_from_transaction_data

    path = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
    tx = pd.read_csv(path, sep=r"\s+", dtype={"customer_id": str, "date": str})
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    assert len(tx) == 69_659
    expected = summary_data_from_transaction_data(
        tx, "customer_id", "date", monetary_value_col="dollar_value"
    )
    ours = lifetimes_summary(tx, monetary_col="dollar_value")
    assert len(ours) == len(expected) == 23_570
    expected = expected.loc[ours.index, ["frequency", "recency", "T", "monetary_value"]]
    np.testing.assert_allclose(ours.to_numpy(), expected.to_numpy(), atol=1e-6)


def test_planted_journeys_show_up_in_the_demo(demo_events):
    data, events = demo_events  # load_demo(), identities resolved: shared (tests/conftest.py)
    table = build_features(events, data.customers)
    truth = pd.read_csv(
        Path(__file__).resolve().parents[1] / "data/demo/truth/customers.csv", dtype=str
    )
    by_segment = table.merge(truth, left_on="person_id", right_on="customer_id").groupby("segment")
    ropo = by_segment["ropo_purchases"].mean()
    assert ropo.idxmax() == "ropo"
    assert by_segment["contact_after_web"].mean().idxmax() == "service_reliant"
    assert by_segment["share_app"].mean().idxmax() == "digital_first"
    assert by_segment["share_store"].mean().idxmax() == "store_loyal"
    assert by_segment["email_click_rate"].mean().idxmax() == "promo_responsive"


def test_lazy_resolved_parquet_gives_the_dataframe_table_on_the_demo(tmp_path, demo_data):
    """The feature build keys the lazy output of ``transform`` by identity resolution's integer
    person codes (no person_id text per event); the table is the DataFrame path's."""
    from omniseg.identity.origin import transform_origin

    data = demo_data
    path = tmp_path / "interactions.parquet"
    data.interactions.to_parquet(path)
    resolver = IdentityResolver().fit(data.customers, path)
    lazy = resolver.transform(path)
    assert transform_origin(lazy) is not None
    ours = build_features(lazy, data.customers)
    frame = IdentityResolver().fit(data.customers, data.interactions)
    events = data.interactions.assign(person_id=frame.transform(data.interactions))
    expected = build_features(events, data.customers)
    assert len(ours) == len(expected) > 4_000
    pd.testing.assert_frame_equal(ours, expected)


def test_person_key_collisions_fall_back_to_exact_codes(events, monkeypatch):
    """Events are keyed by a 64-bit hash of person_id; if two persons shared a key, exact dense
    codes are used instead and the table does not change."""
    import ibis.expr.types.generic as generic

    expected = build_features(events)
    # a "hash" with collisions: the length of the text (every person id here has 2 characters)
    monkeypatch.setattr(generic.Value, "hash", lambda self: self.length().cast("int64"))
    assert events["person_id"].dropna().str.len().nunique() == 1
    pd.testing.assert_frame_equal(build_features(events), expected)


def test_outer_keys_in_the_engine_match_arrow():
    """The CRM join's key union (one outer join in DuckDB) sorts and places keys exactly as the
    Arrow fallback does, byte order included (case, accents, prefixes)."""
    import pyarrow as pa

    from omniseg.engine import connect
    from omniseg.features.crm_join import _outer_keys

    left = pa.array(["C2", "c1", "Ñu", "P-ab", "C10", "é", "C1"], pa.string())
    right = pa.array(["C1", "C3", "é", "Nu", "C10", "a"], pa.string())
    engine = _outer_keys(left, right, connect())
    arrow = _outer_keys(left, right, None)
    assert engine[0].to_pylist() == arrow[0].to_pylist()
    assert engine[0].to_pylist() == sorted({*left.to_pylist(), *right.to_pylist()}, key=str.encode)
    np.testing.assert_array_equal(engine[1], arrow[1])
    np.testing.assert_array_equal(engine[2], arrow[2])


def test_a_repeated_crm_customer_counts_once_with_its_first_row(events):
    crm = pd.DataFrame({"customer_id": ["P1", "C9", "P1"], "age": [40, 30, 99]})
    table = build_features(events, crm).set_index("person_id")
    assert len(table) == 4 and table.loc["P1", "age"] == 40


def test_order_lines_with_an_order_id_count_as_orders_not_as_purchases():
    """Issue 14: order lines exported one row per product counted 28.2 purchases per customer
    and an average order of a seventh of the real one; an order_id groups them."""
    rng = np.random.default_rng(3)
    rows = []
    for person, n_orders in (("a", 4), ("b", 2), ("c", 1)):
        for k in range(n_orders):
            for _line in range(int(rng.integers(2, 8))):
                rows.append((person, f"2026-0{k + 1}-10 12:00", f"{person}-{k}", 10.0))
    rows.append(("c", "2026-05-01 09:00", None, 40.0))  # a line without an order id: an order
    ev = pd.DataFrame(rows, columns=["person_id", "timestamp", "order_id", "revenue"]).assign(
        channel="store", event="purchase", timestamp=lambda d: pd.to_datetime(d["timestamp"])
    )
    got = build_features(ev).set_index("person_id")
    assert got["frequency"].to_dict() == {"a": 4, "b": 2, "c": 2}
    assert got["purchases_store"].to_dict() == {"a": 4, "b": 2, "c": 2}
    spend = ev.groupby("person_id")["revenue"].sum()
    np.testing.assert_allclose(got["aov"], spend / [4, 2, 2])
    lines = build_features(ev.drop(columns="order_id")).set_index("person_id")
    assert lines["frequency"].to_dict() == ev.groupby("person_id").size().to_dict()
