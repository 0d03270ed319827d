"""Data overview: known answers on a hand-built dataset, figures, and no raw identifiers out."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import pandas as pd
import plotly.graph_objects as go
import pytest

import omniseg.ingest as ov
from omniseg.errors import ParameterError
from omniseg.ingest.io import load_data
from omniseg.ingest.overview_charts import CHANNEL_COLORS

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


CUSTOMERS = {
    "customer_id": ["C1", "C2", "C3", "C4"],
    "email": ["ana@x.es", "bo@x.es", None, None],
    "phone": ["612345678", None, "699 000 111", None],
    "loyalty_id": ["0000123", None, None, None],
}
CANONICAL = {"Web": "web", "App": "app", "Tienda": "store", "call centre": "phone",
             "E-mail": "email", "SMS": "sms"}  # fmt: skip


@pytest.fixture(scope="module")
def data():
    return load_data(pd.DataFrame(CUSTOMERS), pd.DataFrame(ROWS, columns=COLUMNS))


@pytest.fixture(scope="module")
def standin():
    """The same data built by hand, as the loader would type it, with one loader warning."""
    inter = pd.DataFrame(ROWS, columns=COLUMNS)
    inter["timestamp"] = pd.to_datetime(inter["timestamp"])
    inter["channel"] = inter["channel"].replace(CANONICAL).astype("string")
    for c in ("event", "customer_id", "email", "phone", "loyalty_id", "device_id"):
        inter[c] = inter[c].astype("string")
    inter["revenue"] = inter["revenue"].astype(float)
    inter["satisfaction"] = inter["satisfaction"].astype(float)
    report = SimpleNamespace(warnings=["interactions.csv: 1 exact duplicate row(s) dropped"])
    return SimpleNamespace(
        customers=pd.DataFrame(CUSTOMERS).astype("string"), interactions=inter, report=report
    )


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
    assert any("'web' has no interactions in Mar 2026" in w for w in warnings)  # reader's months
    assert not any("fragile" in w for w in warnings)  # web has 4 / 154 = 2.6 %
    es = ov.quality_warnings(data, "es")
    assert any("no tiene interacciones en mar 2026" in w for w in es)


@pytest.mark.parametrize("language", ["en", "es"])
def test_figures_and_tables_in_both_languages(data, language):
    fig = ov.plot_channel_summary(ov.channel_summary(data), language=language)
    assert len(fig.data) == 4
    assert fig.layout.title.subtitle.text == (
        "Channels at a glance" if language == "en" else "Los canales de un vistazo"
    )  # what it measures; the title states the finding
    finding = {"en": "Web brings 48.0% of revenue", "es": "Web aporta el 48,0\xa0% de los ingresos"}
    assert fig.layout.title.text == finding[language]
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
    with pytest.raises(
        TypeError, match="'monthly' parameter of plot_monthly_activity must be a Da"
    ):
        ov.plot_monthly_activity([1, 2])


def test_a_hand_built_standin_gives_the_same_answers(data, standin):
    pd.testing.assert_frame_equal(ov.channel_summary(standin), ov.channel_summary(data))
    pd.testing.assert_frame_equal(
        ov.identity_fragmentation(standin), ov.identity_fragmentation(data)
    )
    pd.testing.assert_frame_equal(ov.monthly_activity(standin), ov.monthly_activity(data))
    assert ov.fragmentation_summary(standin) == ov.fragmentation_summary(data)


def test_quality_warnings_keep_loader_warnings_and_flag_sparse_channels(standin):
    warnings = ov.quality_warnings(standin)
    assert warnings[0] == "interactions.csv: 1 exact duplicate row(s) dropped"
    rows = [("2026-01-10", "web", "view", "C1")] * 199 + [("2026-01-11", "kiosk", "view", "C1")]
    inter = pd.DataFrame(rows, columns=["timestamp", "channel", "event", "customer_id"])
    inter["timestamp"] = pd.to_datetime(inter["timestamp"])
    thin = SimpleNamespace(customers=pd.DataFrame({"customer_id": ["C1"]}), interactions=inter)
    assert ov.quality_warnings(thin) == [
        "Channel 'kiosk' has only 0.50% of interactions: its figures are fragile."
    ]
    assert "0,50\u00a0%" in ov.quality_warnings(thin, "es")[0]


def test_identifier_column_without_values_is_reported_with_zeros(standin):
    inter = standin.interactions.assign(loyalty_id=pd.Series(pd.NA, dtype="string"))
    f = ov.identity_fragmentation(SimpleNamespace(customers=standin.customers, interactions=inter))
    row = f.set_index("identifier").loc["loyalty_id"]
    assert (row["rows"], row["distinct_raw"], row["distinct_clean"], row["matched_crm"]) == (
        0, 0, 0, 0,
    )  # fmt: skip


def test_empty_interactions_do_not_fail(standin):
    empty = SimpleNamespace(customers=standin.customers, interactions=standin.interactions[:0])
    assert ov.channel_summary(empty).empty and ov.monthly_activity(empty).empty
    assert ov.fragmentation_summary(empty)["linkable_share"] == 0
    assert ov.overview_totals(empty)["months"] == 0
    assert ov.quality_warnings(empty) == []
    assert len(ov.plot_channel_summary(ov.channel_summary(empty)).data) == 4


@pytest.mark.parametrize("language", ["en", "es"])
def test_monthly_figure_switches_between_measures(data, language):
    fig = ov.plot_monthly_activity(ov.monthly_activity(data), language=language)
    assert fig.layout.yaxis.title.text == ("Interactions" if language == "en" else "Interacciones")
    assert fig.layout.xaxis.title.text == ("Month" if language == "en" else "Mes")
    assert fig.layout.template.layout.paper_bgcolor == "white"  # plotly_white
    names = [trace.name for trace in fig.data]
    assert names[0] == "Web" and names[-1] == "Kiosk"
    assert ("Tienda" in names) == (language == "es")
    web = fig.data[0]
    assert list(web.x) == ["2026-01", "2026-02", "2026-03"] and list(web.y) == [2, 1, 1]
    buttons = fig.layout.updatemenus[0].buttons
    labels = [b.label for b in buttons]
    assert labels == (
        ["Interactions", "Purchases", "Revenue"]
        if language == "en"
        else ["Interacciones", "Compras", "Ingresos"]
    )
    revenue = buttons[2].args[0]
    assert revenue["y"][0] == [100.0, 0.0, 20.0]
    assert revenue["text"][0][0] == ("€100" if language == "en" else "100\u00a0€")
    assert buttons[2].args[1]["yaxis.title.text"] == labels[2]
    assert list(buttons[2].args[2]) == list(range(8))
    # drawn into a figure that already has a trace, the dropdown leaves that trace alone
    base = go.Figure(go.Scatter(x=[1], y=[1]))
    fig = ov.plot_monthly_activity(ov.monthly_activity(data), language=language, fig=base)
    assert fig is base and len(fig.data) == 9
    assert list(fig.layout.updatemenus[0].buttons[0].args[2]) == list(range(1, 9))


@pytest.mark.parametrize("language", ["en", "es"])
def test_figures_use_channel_colours_and_language_numbers(data, language):
    s = ov.channel_summary(data)
    fig = ov.plot_channel_summary(s, language=language)
    assert [a.text for a in fig.layout.annotations] == (
        ["Interactions", "People reached", "Purchases", "Revenue"]
        if language == "en"
        else ["Interacciones", "Personas alcanzadas", "Compras", "Ingresos"]
    )
    revenue = fig.data[3]
    store = list(revenue.y).index("Store" if language == "en" else "Tienda")
    assert revenue.text[store] == ("€80" if language == "en" else "80\u00a0€")
    assert revenue.marker.color[store] == CHANNEL_COLORS["store"]
    monthly = ov.plot_monthly_activity(ov.monthly_activity(data), language=language)
    colours = {trace.name: trace.line.color for trace in monthly.data}
    assert colours["Web"] == CHANNEL_COLORS["web"]
    ident = ov.plot_identity_fragmentation(ov.identity_fragmentation(data), language=language)
    assert [trace.name for trace in ident.data] == (
        ["Distinct as written", "Distinct after cleaning", "Matching a CRM customer"]
        if language == "en"
        else ["Distintos tal cual", "Distintos tras limpiar", "Coinciden con el CRM"]
    )
    assert ident.data[2].y[-1] is None  # device_id: the CRM has none
    assert ident.layout.separators == ("," + "." if language == "es" else ".,")


def test_spanish_tables(data):
    tables = ov.overview_tables(data, "es")
    channels = tables["channels"].set_index("Canal")
    assert channels.loc["Web", "Cuota de interacciones"] == "26,7\u00a0%"
    assert channels.loc["Web", "Compras por 100 interacciones"] == "50,00"
    assert channels.loc["Teléfono", "Satisfacción media (1-5)"] == "3,00"
    assert channels.loc["Web", "Satisfacción media (1-5)"] == "–"
    identity = tables["identity"].set_index("Identificador")
    assert identity.loc["Correo electrónico", "Filas que lo llevan"] == "7 (46,7\u00a0%)"
    assert identity.loc["Dispositivo de la app", "Coinciden con el CRM"] == "–"


def test_no_raw_identifier_in_returned_frames(data):
    frames = [
        ov.channel_summary(data),
        ov.monthly_activity(data),
        ov.identity_fragmentation(data),
        *ov.overview_tables(data, "es").values(),
    ]
    text = " ".join(f.to_json(date_format="iso") for f in frames)
    text += json.dumps(ov.overview_totals(data), default=str)
    text += " ".join(ov.quality_warnings(data))
    for secret in ("ana@x.es", "ANA@x", "bo@x.es", "zed@", "612345678", "699000111", "0000123"):
        assert secret.lower() not in text.lower()


def test_plot_arguments_are_checked_before_drawing(data):
    s = ov.channel_summary(data)
    with pytest.raises(ParameterError, match=r"Got 'fr' instead"):
        ov.plot_channel_summary(s, language="fr")
    with pytest.raises(ParameterError):
        ov.overview_tables(data, "de")
    with pytest.raises(TypeError, match="'fig' parameter"):
        ov.plot_identity_fragmentation(ov.identity_fragmentation(data), fig="figure")
    fig = go.Figure()
    assert ov.plot_identity_fragmentation(ov.identity_fragmentation(data), fig=fig) is fig


def test_order_lines_with_an_order_id_show_orders_and_lines_in_the_totals():
    """Issue 14: order lines were shown as purchases; with an order_id both figures are shown."""
    import pandas as pd

    import omniseg
    import omniseg.ingest as ov
    from omniseg.report.i18n import t

    crm = pd.DataFrame({"customer_id": ["C1", "C2"]})
    lines = pd.DataFrame(
        {
            "timestamp": ["2026-01-05 10:00"] * 3 + ["2026-02-01 10:00"] * 2,
            "channel": "store",
            "event": "purchase",
            "customer_id": ["C1", "C1", "C1", "C2", "C2"],
            "order_id": ["T1", "T1", "T2", "T3", None],
            "revenue": [10.0, 5.0, 7.0, 3.0, 4.0],
        }
    )
    data = omniseg.load_data(crm, lines)
    tot = ov.overview_totals(data)
    assert (tot["purchases"], tot["orders"]) == (5, 4)  # a line without an order id: an order
    table = ov.overview_tables(data, "en")["totals"]
    shown = dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))
    assert shown[t("kpi.orders", "en")] == "4" and shown[t("kpi.order_lines", "en")] == "5"
    assert t("kpi.purchases", "en") not in shown
    assert (
        ov.overview_totals(omniseg.load_data(crm, lines.drop(columns="order_id")))["orders"] is None
    )


def test_chart_titles_state_their_finding_or_what_they_measure():
    """The channel chart's title names the channel with the largest share of revenue, or of
    interactions without revenue; with nothing to compare it is what the chart measures."""
    from omniseg.ingest.overview_charts import _channels_finding

    rows = pd.DataFrame({"channel": ["web", "store"], "interactions": [30, 10],
                         "revenue": [100.0, 300.0]})  # fmt: skip
    assert _channels_finding(rows, "en") == "Store brings 75.0% of revenue"
    rows["revenue"] = 0.0
    assert _channels_finding(rows, "es") == "Web concentra el 75,0\xa0% de las interacciones"
    rows["interactions"] = 0
    assert _channels_finding(rows, "en") is None
