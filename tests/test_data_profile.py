"""The data profile: what the inputs hold decides what each section can say."""

from __future__ import annotations

import pandas as pd
import pytest

import omniseg
from omniseg.ingest.data import ValidationReport
from omniseg.ingest.data_profile import DataProfile, profile_data
from omniseg.ingest.overview import data_limits
from omniseg.report.i18n import format_money, set_currency


def _data(n: int = 60, channels=("store",), **extra) -> omniseg.CustomerData:
    ids = [f"C{i % 20}" for i in range(n)]
    events = pd.DataFrame(
        {
            "timestamp": [f"2026-0{1 + i % 6}-{1 + i % 27:02d} 10:00" for i in range(n)],
            "channel": [channels[i % len(channels)] for i in range(n)],
            "event": ["purchase" if i % 3 == 0 else "view" for i in range(n)],
            "customer_id": ids,
            **extra,
        }
    )
    crm = pd.DataFrame({"customer_id": [f"C{i}" for i in range(20)], "age": range(20, 40)})
    return omniseg.load_data(crm, events)


def test_single_channel_data_says_which_sections_do_not_apply():
    profile = _data(revenue=[12.5] * 60).profile
    assert profile.channels == {"store": 60} and profile.n_channels == 1
    assert profile.purchases == 20 and profile.revenue == 750.0  # every row with revenue
    assert profile.linked_by_customer_id and profile.demographics == ["age"]
    assert profile.not_applicable() == {
        "identity": "customer_id_everywhere",
        "omnichannel": "one_channel",
        "attribution": "one_channel",
        "journeys": "one_channel",
        "survey": "no_survey",
        "interviews": "no_interviews",
    }
    assert profile.period_start == "2026-01-01" and profile.months == 6
    spanish = data_limits(profile, "es")
    assert len(spanish) == 6 and spanish[1].startswith("Las comparaciones omnicanal")
    # `omniseg validate` prints the same list, before any report is run
    printed = str(_data(revenue=[12.5] * 60).report)
    assert "Not applicable to these data:" in printed
    assert "  - Attribution of purchases to channels does not apply" in printed


def test_purchases_without_revenue_say_value_figures_are_not_available():
    profile = _data(channels=("web", "app")).profile
    assert profile.not_applicable()["value"] == "no_revenue"
    assert "attribution" not in profile.not_applicable()
    assert any("carry no revenue" in s for s in data_limits(profile))


def test_order_lines_without_an_order_id_are_flagged_and_an_order_id_clears_it():
    n = 200
    events = pd.DataFrame(
        {
            "timestamp": ["2026-03-01 10:00"] * n,
            "channel": ["store"] * n,
            "event": ["purchase"] * n,
            "customer_id": [f"C{i % 10}" for i in range(n)],
            "revenue": [float(i % 7 + 1) for i in range(n)],
            "product": [f"P{i}" for i in range(n)],
        }
    )
    crm = pd.DataFrame({"customer_id": [f"C{i}" for i in range(10)]})
    lines = omniseg.load_data(crm, events).profile
    assert lines.orders == "lines_suspected"
    assert any("order lines" in s for s in data_limits(lines))
    ordered = omniseg.load_data(crm, events.assign(order_id=[f"O{i % 10}" for i in range(n)]))
    assert ordered.profile.orders == "order_id"


def test_the_demo_profile_applies_everywhere():
    data = omniseg.load_demo()
    profile = data.profile
    assert profile.n_channels == 8 and profile.not_applicable() == {}
    assert profile.survey_respondents == 789 and profile.interviews == 60
    assert profile.orders == "purchases" and not profile.linked_by_customer_id
    assert data_limits(profile) == []


def test_profile_travels_with_the_validation_report():
    data = _data(revenue=[3.0] * 60)
    again = ValidationReport.from_dict(data.report.to_dict())
    assert again.profile == data.profile
    assert again.to_dict()["profile"]["not_applicable"]["journeys"] == "one_channel"
    assert DataProfile.from_dict({**data.profile.to_dict(), "unknown_key": 1}) == data.profile
    assert profile_data(data, currency="USD").currency == "USD"


def test_money_is_shown_in_the_run_currency():
    # regression: revenue in another currency was shown as euros
    try:
        set_currency("USD")
        assert format_money(1234, "en") == "$1,234"
        assert format_money(1234, "es") == "1.234\u00a0US$"
        set_currency("GBP")
        assert format_money(10, "en") == "£10"
    finally:
        set_currency("EUR")
    assert format_money(10, "en") == "€10"


@pytest.mark.parametrize("code", ["MXN", "CLP", "COP"])
def test_latin_american_currencies_have_a_symbol(code):
    try:
        set_currency(code)
        assert "€" not in format_money(5, "es")
    finally:
        set_currency("EUR")
