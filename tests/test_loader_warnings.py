"""Loader warnings are message keys with parameters, worded at display time (issue 15)."""

import json
import re
import string
from pathlib import Path

import pandas as pd

import omniseg.ingest as ingest_package
from omniseg.ingest import overview as ov
from omniseg.ingest.io import load_data
from omniseg.ingest.loader_warnings import LoaderWarning
from omniseg.ingest.snapshot import load_snapshot, save_snapshot
from omniseg.report.i18n import MESSAGES

INGEST = Path(ingest_package.__file__).parent


def _emitted_keys() -> set[str]:
    """Every ``loader.*`` message key written in the ingest stage's source."""
    keys: set[str] = set()
    for path in INGEST.glob("*.py"):
        keys |= set(re.findall(r"\"(loader\.[a-z_.]+)\"", path.read_text(encoding="utf-8")))
    keys |= {f"loader.gender_reason.labels_{lang}" for lang in ("en", "es")}  # built from a code
    return keys


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_loader_key_has_english_and_spanish_with_the_same_fields():
    keys = _emitted_keys()
    assert len(keys) > 20
    for key in sorted(keys):
        assert key in MESSAGES, key
        assert set(MESSAGES[key]) >= {"en", "es"}, key
        assert _fields(MESSAGES[key]["en"]) == _fields(MESSAGES[key]["es"]), key
    stale = {k for k in MESSAGES if k.startswith("loader.")} - keys
    assert not stale, stale


def _messy_data():
    customers = pd.DataFrame(
        {"customer_id": ["C1", "C2", "C2"], "gender": ["M", "M", "M"], "email": [None] * 3}
    )
    interactions = pd.DataFrame(
        {
            "timestamp": ["2026-01-05", "2026-01-05", "2026-01-06", "2026-02-07"],
            "channel": ["store", "store", "Kiosk", "web"],
            "event": ["purchase", "purchase", "purchase", "view"],
            "customer_id": ["C1", "C1", "C2", "C1"],
            "revenue": ["15.597", "15.597", "20", None],
        }
    )
    return load_data(customers, interactions)


def test_real_loader_warnings_come_out_in_spanish_in_the_overview():
    data = _messy_data()
    english = ov.quality_warnings(data)
    spanish = ov.quality_warnings(data, "es")
    for text in (
        "exact duplicate row dropped",
        "followed by three digits",
        "column 'gender'",
        "(raw labels ['Kiosk'])",
    ):
        assert any(text in w for w in english), text
    joined = "\n".join(spanish)
    for text in (
        "se eliminó 1 fila duplicada exacta",  # rows dropped (customers, interactions)
        "seguido de tres cifras",  # ambiguous numbers
        "el código M puede ser mujer",  # gender codes
        "(etiquetas originales ['Kiosk'])",  # raw labels: the regex route left them in English
    ):
        assert text in joined, text
    for text in ("exact duplicate", "raw labels", " because ", "If that is wrong", "dropped"):
        assert text not in joined, text
    assert len(spanish) == len(english)


def test_empty_optional_columns_warning_in_spanish():
    data = _messy_data()
    warning = next(w for w in data.report.warnings if "optional column" in w)
    assert str(warning) == (
        "<DataFrame customers>: 1 optional column empty on every row, dropped: ['email']"
    )
    assert warning.text("es") == (
        "<DataFrame customers>: 1 columna opcional vacía en todas las filas, descartada: ['email']"
    )


def test_warnings_read_as_their_english_text():
    data = _messy_data()
    for warning in data.report.warnings:
        assert isinstance(warning, LoaderWarning)
        text = str(warning)
        assert warning == text and text in data.report.warnings
        assert warning.split(":")[0] == text.split(":")[0]
        assert f"  - {text}" in str(data.report)


def test_a_snapshot_gives_back_the_same_warnings(tmp_path):
    data = _messy_data()
    json.dumps(data.report.to_dict())  # JSON-serialisable without a fallback
    save_snapshot(data, tmp_path)
    again = load_snapshot(tmp_path).report.warnings
    assert [w.to_dict() for w in again] == [w.to_dict() for w in data.report.warnings]
    assert [w.text("es") for w in again] == [w.text("es") for w in data.report.warnings]


def test_plain_text_warnings_are_kept_as_written():
    assert LoaderWarning.from_dict("an older snapshot's text") == "an older snapshot's text"
    from omniseg.report.i18n import translate_loader_warning

    assert translate_loader_warning("as is", "es") == "as is"
