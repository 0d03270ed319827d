"""Personas: names from planted traits, evidence, suppression, language, escaping, JSON."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omniseg.segments.segmentation import segment_customers
from omniseg.voice.persona_cards import persona_cards_html, personas_table, write_personas_json
from omniseg.voice.persona_names import FIRST_NAMES
from omniseg.voice.personas import build_personas

TRUTH = Path(__file__).resolve().parents[1] / "data" / "demo" / "truth"
CHANNELS = ("web", "app", "email", "social", "phone", "chat", "sms", "store")


def _table(groups, seed=0) -> pd.DataFrame:
    """Hand-made feature table: each group = (n, main channel, age, female share, spend)."""
    rng = np.random.default_rng(seed)
    rows = []
    for n, channel, age, female, spend in groups:
        for _ in range(n):
            counts = {c: rng.poisson(0.5) for c in CHANNELS}
            counts[channel] += 20
            total = sum(counts.values())
            row = {f"interactions_{c}": v for c, v in counts.items()}
            row.update({f"share_{c}": v / total for c, v in counts.items()})
            row.update(
                {
                    "age": float(rng.normal(age, 2)),
                    "gender": "female" if rng.random() < female else "male",
                    "region": "<script>alert(1)</script>",
                    "frequency": 3,
                    "monetary": float(spend),
                    "aov": spend / 3,
                    "recency_days": 20.0,
                    "first_channel": channel,
                    "last_channel": channel,
                    "omnichannel": True,
                }
            )
            rows.append(row)
    frame = pd.DataFrame(rows)
    frame.index = pd.Index([f"C{i:05d}" for i in range(len(frame))], name="person_id")
    return frame


def test_names_follow_signature_channel_age_value_and_gender():
    features = _table(
        [(120, "app", 27, 0.9, 100), (100, "store", 70, 0.2, 600), (80, "phone", 45, 0.5, 90)]
    )
    seg = segment_customers(features, n_segments=3, random_state=0)
    personas = {p.signature_channel: p for p in build_personas(seg, features)}
    en = {k: p.name_text("en") for k, p in personas.items()}
    assert en["app"] == "Young app-first buyer"
    assert en["store"] == "Senior high-value store loyalist"  # 600 >= 1.5 x mean spend
    assert en["phone"] == "Phone-reliant customer"
    # the same personas, worded in Spanish: nothing is recomputed
    es = {k: p.name_text("es") for k, p in personas.items()}
    assert es["app"] == "Compradora de app joven"  # 90% women
    assert es["store"] == "Fiel a la tienda sénior de alto valor"
    assert es["phone"] in ("Cliente del teléfono", "Clienta del teléfono")
    # fictional first names: from the language's list, distinct, the same on every run
    again = {p.signature_channel: p for p in build_personas(seg, features)}
    first = {k: p.first_name_text("es") for k, p in personas.items()}
    assert first == {k: p.first_name_text("es") for k, p in again.items()}
    assert len(set(first.values())) == 3
    assert first["app"] in FIRST_NAMES["es"]["female"]
    assert personas["app"].first_name_text("en") in FIRST_NAMES["en"]["female"]
    app = personas["app"]
    assert app.customers == 120 and app.share == pytest.approx(120 / 300)
    statement = app.who[0]
    assert statement.key == "median_age" and statement.fields["v"].value == pytest.approx(27, 0.1)
    assert statement.text("en").startswith("Median age 27")
    assert statement.text("es").startswith("Edad mediana 27")
    ev = statement.evidence
    assert ev.n == 120 and ev.index < 100


def test_small_segment_is_suppressed_and_card_shows_no_details():
    features = _table(
        [(200, "app", 27, 0.5, 100), (150, "store", 70, 0.5, 300), (6, "sms", 40, 0.5, 50)]
    )
    seg = segment_customers(features, n_segments=3, random_state=0, min_share=0.0)
    personas = build_personas(seg, features, min_customers=10)
    small = [p for p in personas if p.customers < 10]
    assert len(small) == 1 and small[0].suppressed
    assert small[0].who == [] and small[0].channels == [] and small[0].first_name_text() == ""
    assert small[0].name_text("es") == small[0].code
    assert "suppressed for privacy" in small[0].notes[0].text("en")
    html = persona_cards_html(personas)
    assert "Fewer than 10 customers" in html


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_cards_escape_injected_text_and_json_is_plain():
    features = _table([(100, "app", 27, 0.5, 100), (100, "store", 70, 0.5, 300)])
    seg = segment_customers(features, n_segments=2, random_state=0)
    personas = build_personas(seg, features)
    personas[0].quotes = ['<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>']
    html = persona_cards_html(personas)
    parser = _Tags()
    parser.feed(html)
    assert "script" not in parser.tags and "img" not in parser.tags and "a" not in parser.tags
    assert "&lt;script&gt;" in html and "&lt;img" in html
    table = personas_table(personas)
    assert table.shape[0] == 2 and "Persona" in table.columns
    assert "Segmento" in personas_table(personas, "es").columns


def test_personas_json_round_trip(tmp_path):
    features = _table([(100, "app", 27, 0.5, 100), (100, "store", 70, 0.5, 300)])
    seg = segment_customers(features, n_segments=2, random_state=0)
    personas = build_personas(seg, features)
    path = write_personas_json(personas, tmp_path / "personas.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [d["code"] for d in data] == ["S1", "S2"]
    assert {"text", "n", "index", "p_adjusted", "source"} <= set(data[0]["who"][0])
    assert data[0]["language"] == "en" and data[0]["name"] == personas[0].name_text("en")
    es = write_personas_json(personas, tmp_path / "personas_es.json", language="es")
    data_es = json.loads(es.read_text(encoding="utf-8"))
    assert data_es[0]["language"] == "es" and data_es[0]["name"] == personas[0].name_text("es")
    assert data_es[0]["who"][0]["text"].startswith("Edad mediana")
    assert [d["traits"] for d in data_es] == [d["traits"] for d in data]  # codes, not words


# ------------------------------------------------------------------------------ demo data

PLANTED_NAMES = {
    "digital_first": ("app-first buyer", "Young"),
    "store_loyal": ("store loyalist", "Senior"),
    "ropo": ("web researcher", None),
    "service_reliant": ("phone-reliant customer", "Senior"),
    "promo_responsive": ("email deal seeker", None),
}


@pytest.fixture(scope="module")
def demo(demo_pipeline):
    # load_demo(), customer_features(data), segment_customers(features, random_state=42): shared
    # (tests/conftest.py)
    return demo_pipeline


def test_demo_personas_name_the_planted_traits(demo):
    data, features, seg = demo
    personas = build_personas(seg, features, survey=data.survey, codebook=data.codebook)
    truth = pd.read_csv(TRUTH / "customers.csv").set_index("customer_id")["segment"]
    planted = pd.read_csv(TRUTH / "segments.csv").set_index("segment")
    common = seg.labels.index.intersection(truth.index)
    mapping = pd.crosstab(truth[common], seg.labels[common]).idxmax(axis=1)
    by_segment = {p.segment: p for p in personas}
    for name, found in mapping.items():
        persona = by_segment[found]
        noun, age = PLANTED_NAMES[name]
        persona_name = persona.name_text("en")
        assert noun in persona_name.lower(), (name, persona_name)
        assert persona.signature_channel == planted.loc[name, "best_channel"]
        if age:
            assert persona_name.startswith(age), (name, persona_name)
        # attitudes come from the linked survey respondents, with their numbers
        assert persona.attitudes and all(s.evidence.n >= 5 for s in persona.attitudes)
    # planted attitudes: the digital segment's highest construct is digital affinity
    digital = by_segment[mapping["digital_first"]]
    assert digital.attitudes[0].text("en").startswith("Digital affinity")
    # Spanish cards use the codebook's Spanish construct labels
    assert digital.attitudes[0].text("es").startswith("Afinidad digital")
    texts = " ".join([s.text("es") for p in personas for s in p.attitudes + p.goals])
    assert "Brand trust" not in texts and "Digital affinity" not in texts
    # planted NPS order: store-loyal highest, call-centre reliant lowest
    nps = {n: by_segment[mapping[n]].nps for n in mapping.index}
    assert max(nps, key=nps.get) in ("store_loyal", "digital_first")
    assert min(nps, key=nps.get) == "service_reliant"


def test_demo_personas_quote_their_own_segment_and_scrub_pii(demo):
    from omniseg.voice.persona_cards import report_personas

    data, features, seg = demo
    personas, themes = report_personas(data, features, seg, seed=42)
    assert themes is not None
    truth = pd.read_csv(TRUTH / "customers.csv").set_index("customer_id")["segment"]
    interviews = pd.read_csv(TRUTH / "interviews.csv").set_index("interview_id")
    texts = data.interviews.set_index("interview_id")["text"]
    common = seg.labels.index.intersection(truth.index)
    mapping = pd.crosstab(seg.labels[common], truth[common]).idxmax(axis=1)  # found -> planted
    for p in personas:
        assert 2 <= len(p.quotes) <= 3, p.name_text()
        planted = mapping[p.segment]
        for quote in p.quotes + p.frustrations:
            sources = [i for i, text in texts.items() if quote in text]
            assert sources, quote  # a real sentence of a transcript, not invented
            assert interviews.loc[sources, "segment"].eq(planted).any(), (p.name_text(), quote)
            assert "@" not in quote and "[phone]" not in quote and "[name]" not in quote
        assert p.themes  # the segment's over-represented interview themes, labelled
    # survey respondents not linked to a customer are placed by the typing tool
    assert sum(s.evidence.n for p in personas for s in p.attitudes[-1:]) > 729


@pytest.mark.parametrize("kwargs", [{"min_customers": 0}, {"min_respondents": 2.5}])
def test_minimums_are_checked_with_the_one_template(kwargs):
    from omniseg.errors import ParameterError

    features = _table([(60, "app", 27, 0.5, 100), (60, "store", 70, 0.5, 300)])
    seg = segment_customers(features, n_segments=2, random_state=0, min_share=0.0)
    name = next(iter(kwargs))
    with pytest.raises(ParameterError, match=f"The '{name}' parameter of build_personas"):
        build_personas(seg, features, **kwargs)
