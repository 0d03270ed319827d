"""Report language: catalog completeness, Spanish number formats, errors."""

from __future__ import annotations

import pytest

from omniseg.errors import ParameterError
from omniseg.i18n import (
    MESSAGES,
    SUPPORTED_LANGUAGES,
    channel_label,
    format_money,
    format_number,
    format_percent,
    t,
)


def test_every_message_exists_in_every_language():
    for key, texts in MESSAGES.items():
        assert set(texts) == set(SUPPORTED_LANGUAGES), key


@pytest.mark.parametrize(
    ("func", "value", "en", "es"),
    [
        (format_number, 1234567, "1,234,567", "1.234.567"),
        (format_percent, 0.62, "62.0%", "62,0\u00a0%"),
        (format_money, 1234.4, "€1,234", "1.234\u00a0€"),
        (format_number, float("nan"), "–", "–"),
    ],
)
def test_number_formats(func, value, en, es):
    assert func(value, "en") == en
    assert func(value, "es") == es


def test_decimals_in_spanish():
    assert format_number(1234.5, "es", digits=2) == "1.234,50"


def test_channel_labels():
    assert channel_label("store", "es") == "Tienda"
    assert channel_label("phone", "es") == "Teléfono"
    assert channel_label("kiosk", "es") == "Kiosk"


def test_bad_language_and_key():
    with pytest.raises(ParameterError, match=r"must be one of \('en', 'es'\). Got 'fr' instead"):
        t("report.title", "fr")
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        t("no.such.key", "en")
    assert t("report.run", "es", run="demo") == "Ejecución: demo"
