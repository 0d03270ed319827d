"""Data overview: known answers on a hand-built dataset, figures, and no raw identifiers out."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from omniseg import overview as ov
from omniseg.io import load_data

ROWS = [
    # timestamp, channel, event, customer_id, email, phone, loyalty_id, device_id, revenue, sat
    ("2026-01-30 10:00", "Web", "view", None, " ANA@x.es ", None, None, None, None, None),
    ("2026-01-31 12:00", "web", "purchase", "C1", "ana@x.es", None, None, None, "100", None),
    ("2026-02-01 09:00", "App", "view", None, None, None, None, "d1", None, None),
    ("2026-02-01 09:05", "app", "purchase", None, "bo@x.es", None, None, "d1", "50", None),
    ("2026-02-02 10:00", "Tienda", "purchase", None, None, None, "123", None, "80", None),
    ("2026-02-03 11:00", "store", "view", None, None, None, None, None, None, None),
    (
        "2026-02-03 12:00",
        "call centre",
        "contact",
        None,
        None,
        "+34 612 345 678",
        None,
        None,
        None,
        "4",
    ),
    ("2026-02-04 12:00", "phone", "complaint", None, None, "0034699000111", None, None, None, "2"),
    ("2026-02-05 08:00", "E-mail", "click", None, "bo@x.es", None, None, None, None, None),
    ("2026-02-06 08:00", "email", "view", None, "zed@x.es", None, None, None, None, None),
    ("2026-02-07 10:00", "SMS", "view", None, None, "699000111", None, None, None, None),
    ("2026-02-08 10:00", "kiosk", "view", "C2", None, None, None, None, None, None),
    ("2026-02-09 10:00", "web", "view", None, None, None, None, None, None, None),
    ("2026-02-10 10:00", "chat", "contact", None, "Bo@X.es", None, None, None, None, "5"),
    ("2026-03-01 10:00", "web", "purchase", None, "ana@x.es", None, None, None, "20", None),
]
COLUMNS = ["timestamp", "channel", "event", "customer_id", "email", "phone", "loyalty_id",
           "device_id", "revenue", "satisfaction"]  # fmt: skip


@pytest.fixture(scope="module")
def data():
    customers = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3", "C4"],
            "email": ["ana@x.es", "bo@x.es", None, None],
            "phone": ["612345678", None, "699 000 111", None],
            "loyalty_id": ["0000123", None, None, None],
        }
    )
    return load_data(customers, pd.DataFrame(ROWS, columns=COLUMNS))


def test_channel_summary_known_answers(data):
    s = ov.channel_summary(data).set_index("channel")
    assert list(s.index) == ["web", "app", "email", "phone", "chat", "sms", "store", "kiosk"]
    assert s["interactions"].to_dict() == {
        "web": 4, "app": 2, "email": 2, "phone": 2, "chat": 1, "sms": 1, "store": 2, "kiosk": 1,
    }  # fmt: skip
    assert s.loc["web", "identified_interactions"] == 3
    assert s.loc["store", "identified_interactions"] == 1
    assert s["distinct_identifiers"].to_dict() == {
        "web": 2, "app": 2, "email": 2, "phone": 2, "chat": 1, "sms": 1, "store": 1, "kiosk": 1,
    }  # fmt: skip
    assert s.loc["web", "purchases"] == 2 and s.loc["web", "revenue"] == 120
    assert s.loc["web", "conversion"] == pytest.approx(0.5)
    assert s.loc["store", "revenue_share"] == pytest.approx(80 / 250)
    assert s.loc["web", "share_of_interactions"] == pytest.approx(4 / 15)
    assert s.loc["phone", "complaints"] == 1 and s.loc["phone", "mean_satisfaction"] == 3.0
    assert math.isnan(s.loc["web", "mean_satisfaction"])


def test_identity_fragmentation_known_answers(data):
    f = ov.identity_fragmentation(data).set_index("identifier")
    assert f["rows"].to_dict() == {
        "customer_id": 2, "email": 7, "phone": 3, "loyalty_id": 1, "device_id": 2,
    }  # fmt: skip
    assert f["distinct_raw"].to_dict() == {
        "customer_id": 2, "email": 5, "phone": 3, "loyalty_id": 1, "device_id": 1,
    }  # fmt: skip
    assert f["distinct_clean"].to_dict() == {
        "customer_id": 2, "email": 3, "phone": 2, "loyalty_id": 1, "device_id": 1,
    }  # fmt: skip
    assert f.loc["email", "matched_crm"] == 2  # ana and bo; zed is not in the CRM
    assert f.loc["phone", "matched_crm"] == 2  # +34 prefix and spaces cleaned on both sides
    assert f.loc["loyalty_id", "matched_crm"] == 1  # leading zeros
    assert pd.isna(f.loc["device_id", "matched_crm"])
    assert f.loc["email", "share_of_rows"] == pytest.approx(7 / 15)


def test_fragmentation_summary_known_answers(data):
    s = ov.fragmentation_summary(data)
    assert s["crm_customers"] == 4
    assert s["distinct_identifiers"] == 9
    assert s["identifiers_per_customer"] == pytest.approx(9 / 4)
    assert s["linkable_share"] == pytest.approx(11 / 15)
    assert s["anonymous_share"] == pytest.approx(2 / 15)


def test_totals(data):
    tot = ov.overview_totals(data)
    assert (tot["customers"], tot["interactions"], tot["purchases"]) == (4, 15, 4)
    assert tot["revenue"] == 250 and tot["months"] == 3 and tot["channels"] == 8


def test_monthly_activity_across_month_boundary(data):
    m = ov.monthly_activity(data)
    web = m[m["channel"] == "web"].set_index("month")
    assert web["interactions"].tolist() == [2, 1, 1]
    assert web["revenue"].tolist() == [100, 0, 20]
    app_jan = m[(m["channel"] == "app") & (m["month"] == "2026-01-01")]
    assert app_jan["interactions"].item() == 0  # the grid is complete


def test_quality_warnings_flag_gaps_and_sparse_channels():
    rows = [(f"2026-{mo:02d}-10", "web", "view", "C1") for mo in (1, 2, 4, 5)]
    rows += [(f"2026-{mo:02d}-11", "store", "view", "C1") for mo in range(1, 6) for _ in range(30)]
    data = load_data(
        pd.DataFrame({"customer_id": ["C1"]}),
        pd.DataFrame(rows, columns=["timestamp", "channel", "event", "customer_id"]),
    )
    warnings = ov.quality_warnings(data)
    assert any("'web' has no interactions in 2026-03" in w for w in warnings)
    assert not any("sparse" in w for w in warnings)
    es = ov.quality_warnings(data, "es")
    assert any("no tiene interacciones en 2026-03" in w for w in es)


@pytest.mark.parametrize("language", ["en", "es"])
def test_figures_and_tables_in_both_languages(data, language):
    fig = ov.plot_channel_summary(ov.channel_summary(data), language=language)
    assert len(fig.data) == 4
    assert fig.layout.title.text == (
        "Channels at a glance" if language == "en" else "Los canales de un vistazo"
    )
    labels = list(fig.data[0].y)
    assert ("Tienda" in labels) == (language == "es")
    monthly = ov.plot_monthly_activity(ov.monthly_activity(data), language=language)
    assert len(monthly.data) == 8
    ident = ov.plot_identity_fragmentation(ov.identity_fragmentation(data), language=language)
    assert ident.data[0].name == (
        "Distinct as written" if language == "en" else "Distintos tal cual"
    )
    tables = ov.overview_tables(data, language)
    assert set(tables) == {"totals", "channels", "identity"}
    revenue = tables["totals"].iloc[6, 1]
    assert revenue == ("€250" if language == "en" else "250\u00a0€")


def test_no_raw_identifier_leaves_the_overview(data):
    outputs = [
        ov.plot_channel_summary(ov.channel_summary(data)).to_json(),
        ov.plot_identity_fragmentation(ov.identity_fragmentation(data)).to_json(),
        ov.plot_monthly_activity(ov.monthly_activity(data)).to_json(),
        *(t.to_json() for t in ov.overview_tables(data).values()),
        str(ov.fragmentation_summary(data)),
    ]
    for text in outputs:
        for secret in ("ana@x.es", "bo@x.es", "612345678", "699000111", 'd1"', 'C1"'):
            assert secret not in text


def test_plot_functions_check_their_input():
    with pytest.raises(ValueError, match=r"plot_channel_summary needs columns \['channel'"):
        ov.plot_channel_summary(pd.DataFrame({"x": [1]}))
    with pytest.raises(TypeError, match="expects a DataFrame"):
        ov.plot_monthly_activity([1, 2])
