"""Report language: catalog completeness, Spanish number formats, errors."""

from __future__ import annotations

import pandas as pd
import pytest

from omniseg.config.vocabulary import CANONICAL_CHANNELS, CANONICAL_EVENTS
from omniseg.errors import ParameterError
from omniseg.report.i18n import (
    CHANNEL_LABELS,
    EVENT_LABELS,
    MESSAGES,
    SUPPORTED_LANGUAGES,
    channel_label,
    event_label,
    format_money,
    format_number,
    format_percent,
    t,
)


def test_every_message_exists_in_every_language():
    for key, texts in MESSAGES.items():
        assert set(texts) == set(SUPPORTED_LANGUAGES), key
    assert set(CHANNEL_LABELS) == set(EVENT_LABELS) == set(SUPPORTED_LANGUAGES)
    assert set(CHANNEL_LABELS["en"]) == set(CHANNEL_LABELS["es"]) == set(CANONICAL_CHANNELS)
    assert set(EVENT_LABELS["en"]) == set(EVENT_LABELS["es"]) == set(CANONICAL_EVENTS)


@pytest.mark.parametrize(
    ("func", "value", "en", "es"),
    [
        (format_number, 1234567, "1,234,567", "1.234.567"),
        (format_percent, 0.62, "62.0%", "62,0\u00a0%"),
        (format_money, 1234.4, "€1,234", "1.234\u00a0€"),
        (format_number, float("nan"), "–", "–"),
        (format_number, pd.NA, "–", "–"),
        (format_number, None, "–", "–"),
        (format_percent, 0.0, "0.0%", "0,0\u00a0%"),
        (format_money, -1500, "-€1,500", "-1.500\u00a0€"),
    ],
)
def test_number_formats(func, value, en, es):
    assert func(value, "en") == en
    assert func(value, "es") == es


def test_decimals_in_spanish():
    assert format_number(1234.5, "es", digits=2) == "1.234,50"
    assert format_number(1234.5, "es", digits=1) == "1.234,5"
    assert format_number(1234.5, "en", digits=1) == "1,234.5"
    assert format_percent(0.12345, "es", digits=2) == "12,35\u00a0%"
    assert format_money(1234.5, "es", digits=2) == "1.234,50\u00a0€"


def test_channel_labels():
    assert channel_label("store", "es") == "Tienda"
    assert channel_label("phone", "es") == "Teléfono"
    assert channel_label("kiosk", "es") == "Kiosk"
    spanish = {c: channel_label(c, "es") for c in ("email", "social", "web", "app", "chat", "sms")}
    assert spanish == {
        "email": "Correo electrónico", "social": "Redes sociales", "web": "Web", "app": "App",
        "chat": "Chat", "sms": "SMS",
    }  # fmt: skip
    assert event_label("purchase", "es") == "Compra"
    assert event_label("complaint") == "Complaint"
    assert event_label("refund", "es") == "Refund"


def test_bad_language_and_key():
    with pytest.raises(ParameterError, match=r"must be one of \('en', 'es'\). Got 'fr' instead"):
        t("report.title", "fr")
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        t("no.such.key", "en")
    for func in (channel_label, event_label, format_number, format_percent, format_money):
        with pytest.raises(ParameterError, match="Got 'fr' instead"):
            func("web" if func in (channel_label, event_label) else 1, "fr")
    with pytest.raises(ValueError):  # ParameterError is a ValueError for generic handlers
        t("report.title", None)
    assert t("report.run", "es", run="demo") == "Ejecución: demo"


def test_loader_warnings_are_translated_for_spanish_reports():
    from omniseg.ingest.loader_warnings import LoaderWarning
    from omniseg.report.i18n import translate_loader_warning

    samples = [
        (
            LoaderWarning(
                "loader.duplicates",
                {"src": "c.csv", "n": 1025, "share": 0.005, "rows": 205000, "caution": ""},
            ),
            "c.csv: 1,025 exact duplicate rows dropped",
            "se eliminaron 1.025 filas",
        ),
        (
            LoaderWarning("loader.anonymous", {"src": "i.csv", "n": 18477, "share": 0.127}),
            "i.csv: 18,477 rows (12.7%) have no identifier (anonymous); they count in channel "
            "totals but cannot be linked to a customer",
            "18.477 filas (12,7\xa0%) no tienen",
        ),
        (
            LoaderWarning("loader.unknown_customers", {"src": "i.csv", "n": 3}),
            "i.csv: 3 rows have a customer_id that is not in the CRM",
            "no está en el CRM",
        ),
        (
            LoaderWarning("loader.unknown_respondents", {"src": "s.csv", "n": 2}),
            "s.csv: 2 respondents linked to a customer_id that is not in the CRM",
            "2 encuestados vinculados",
        ),
        (
            LoaderWarning(
                "loader.unknown_channels",
                {"src": "i.csv", "n": 1, "channels": ["kiosk"], "labels": ["Kiosk"]},
            ),
            "i.csv: 1 unknown channel label kept as-is: ['kiosk'] (raw labels ['Kiosk']); map it "
            "with channel_aliases= if it is a known channel",
            "1 etiqueta de canal desconocida se mantiene",
        ),
        (
            LoaderWarning("loader.unknown_events", {"src": "i.csv", "events": ["refund"]}),
            "i.csv: event label outside the canonical set kept as-is: ['refund']",
            "de evento",
        ),
    ]
    for warning, english, spanish in samples:
        assert str(warning).startswith(english)
        assert spanish in translate_loader_warning(warning, "es"), english
        assert translate_loader_warning(warning, "en") == str(warning)
    assert translate_loader_warning("something new", "es") == "something new"


def test_ambiguous_number_and_gender_code_warnings_read_in_spanish():
    """The loader's warnings for 15.597-like cells and a lone M gender code (issue 14) have a
    Spanish form; an unknown wording would come back in English, which this test catches."""
    import pandas as pd

    from omniseg.ingest.io import load_data
    from omniseg.report.i18n import translate_loader_warning

    customers = pd.DataFrame({"customer_id": ["C1", "C2"], "gender": ["M", "M"]})
    interactions = pd.DataFrame(
        {
            "timestamp": ["2026-01-05", "2026-01-06"],
            "channel": ["store", "store"],
            "event": ["purchase", "purchase"],
            "customer_id": ["C1", "C2"],
            "revenue": ["15.597", "20"],
        }
    )
    warnings = load_data(customers, interactions).report.warnings
    number = next(w for w in warnings if "three digits" in w)
    gender = next(w for w in warnings if "column 'gender'" in w)
    es_number = translate_loader_warning(number, "es")
    es_gender = translate_loader_warning(gender, "es")
    assert "seguido de tres cifras" in es_number and "como decimales" in es_number
    assert "nada en el archivo muestra una coma decimal" in es_number
    assert "number_format: {decimal: '.', thousands: ','}" in es_number
    assert "el código M puede ser mujer" in es_gender and "se leyó como hombre" in es_gender
    for text in (es_number, es_gender):
        assert " because " not in text and "If that is wrong" not in text
