"""Tests of interview themes (omniseg.voice.interviews): language, PII scrubbing, answers, themes,
links.

Planted-theme recovery: the demo generator (omniseg.demo.responses._THEME_TEXT) writes every
planted theme
from a bank of 4 English and 4 Spanish sentences. The test derives each theme's characteristic
words from those banks (the 3 stems with the highest TF-IDF across the 15 banks), so nothing about
the answer is written into omniseg.voice.interviews, which never reads the generator.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from omniseg.demo.population import FIRST_NAMES, SURNAMES
from omniseg.demo.responses import _THEME_TEXT
from omniseg.errors import ParameterError
from omniseg.report.paths import demo_data_dir
from omniseg.voice.answers import split_answers
from omniseg.voice.interviews import InterviewThemes, link_interviews
from omniseg.voice.language import _fold, detect_language
from omniseg.voice.pii import scrub_pii
from omniseg.voice.themes import _stems, extract_themes

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"\+34 \d{3} \d{3} \d{3}")
FULL_NAMES = [f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES]


@pytest.fixture(scope="module")
def demo(demo_data) -> pd.DataFrame:
    return demo_data.interviews  # load_demo(), shared (tests/conftest.py)


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return pd.read_csv(demo_data_dir() / "truth" / "interviews.csv")


@pytest.fixture(scope="module")
def fitted(demo) -> InterviewThemes:
    return extract_themes(demo)


def planted_pii(text: str) -> list[str]:
    found = [m.group(0) for m in EMAIL.finditer(text)] + PHONE.findall(text)
    found += [n for n in FULL_NAMES if n in text]
    return found


def characteristic_stems() -> dict[str, list[str]]:
    themes = list(_THEME_TEXT["en"])
    counts = {th: Counter() for th in themes}
    for lang in _THEME_TEXT:
        for th, bank in _THEME_TEXT[lang].items():
            for sentence in bank:
                counts[th].update(set(_stems(sentence)))
    n_with = Counter(s for th in themes for s in counts[th])
    return {
        th: [
            s
            for s, _ in sorted(
                counts[th].items(),
                key=lambda kv: (-kv[1] * np.log(len(themes) / n_with[kv[0]]), kv[0]),
            )[:3]
        ]
        for th in themes
    }


# ------------------------------------------------------------------ language


def test_detect_language_agrees_with_demo_language_column(demo):
    detected = [detect_language(t) for t in demo["text"]]
    assert detected == demo["language"].tolist()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Siempre compro en la tienda de mi barrio.", "es"),
        ("I always buy in the shop near my home.", "en"),
        ("Pagar con un clic", "es"),
        ("", "en"),
        ("12345", "en"),
    ],
)
def test_detect_language_hand_made(text, expected):
    assert detect_language(text) == expected


# ------------------------------------------------------------------ PII


def test_demo_plants_pii_where_truth_says(demo, truth):
    has = {
        iid: bool(planted_pii(t)) for iid, t in zip(demo["interview_id"], demo["text"], strict=True)
    }
    assert has == dict(zip(truth["interview_id"], truth["has_pii"], strict=True))


def test_scrubbed_demo_answers_hold_no_planted_pii(demo):
    for text in demo["text"]:
        planted = planted_pii(text)
        scrubbed = " ".join(scrub_pii(s) for s in split_answers(text))
        for value in planted:
            assert value not in scrubbed
        for part in {p for v in planted if " " in v and "@" not in v for p in v.split()}:
            assert not re.search(rf"\b{re.escape(part)}\b", scrubbed)
        assert not EMAIL.search(scrubbed) and not re.search(r"\d{3} \d{3} \d{3}", scrubbed)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Escribidme a laura.h@gmail.com.", "Escribidme a [email]."),
        ("Mi móvil: +34 621 550 370", "Mi móvil: [phone]"),
        ("Llamad al 621-550-370 o al 0034621550370", "Llamad al [phone] o al [phone]"),
        ("Call (+34) 621 55 03 70 now", "Call [phone] now"),
        ("Por cierto, soy Laura Hernández y vivo aquí.", "Por cierto, soy [name] y vivo aquí."),
        ("Me llamo María de la Cruz.", "Me llamo [name]."),
        ("Hi, I'm John Smith.", "Hi, I'm [name]."),
        ("my name is john smith and I shop here", "my name is [name] and I shop here"),
        ("Tengo 36 años y gasto 12,50 € al mes desde 2024.", None),
        ("Soy cliente desde hace 5 años.", None),
        ("I'm 28 and I live in Vigo.", None),
    ],
)
def test_scrub_pii_hand_made(text, expected):
    assert scrub_pii(text) == (text if expected is None else expected)


def test_scrub_pii_names_from_a_list():
    names = ["Ana", "Blanco", "José Núñez"]
    text = "Ana me atendió; el señor Blanco no. Vino jose nuñez. La camisa blanco roto."
    assert scrub_pii(text, names=names) == (
        "[name] me atendió; el señor [name] no. Vino [name]. La camisa blanco roto."
    )


def test_scrub_pii_rejects_non_text():
    with pytest.raises(ParameterError, match="must be a string"):
        scrub_pii(123)


# ------------------------------------------------------------------ answers


def test_split_answers_drops_interviewer_and_splits_sentences():
    text = (
        "---\nEntrevistadora: ¿Qué tal?\nCliente: Muy bien. ¿Y usted? Todo perfecto!\n"
        "**Interviewer:** Why?\n**Customer:** It is fast… I like it.\nP: ¿Algo más?\n"
        "R: No, nada más."
    )
    assert split_answers(text) == [
        "Muy bien.",
        "¿Y usted?",
        "Todo perfecto!",
        "It is fast…",
        "I like it.",
        "No, nada más.",
    ]


def test_split_answers_demo_has_no_interviewer_questions(demo):
    for text in demo["text"]:
        answers = split_answers(text)
        assert answers and not any(
            q in a for a in answers for q in ("¿Cómo sueles", "How do you usually")
        )


# ------------------------------------------------------------------ themes


def test_planted_themes_recovered(fitted):
    """For each planted theme, the found theme most of its sentences fall into has one of the
    theme's characteristic words among its top terms."""
    char = characteristic_stems()
    bank = {_fold(s): th for lang in _THEME_TEXT for th, b in _THEME_TEXT[lang].items() for s in b}
    sent = fitted.sentences.assign(
        planted=fitted.sentences["sentence"].map(lambda s: bank.get(_fold(s)))
    )
    top = fitted.themes.set_index("theme")["top_stems"]
    recovered = []
    for th, words in char.items():
        best = sent.loc[sent["planted"] == th, "theme"].value_counts().idxmax()
        if set(words) & set(top[best]):
            recovered.append(th)
    # measured: 13 of 15 (compare_online and trust land in themes mixing other sentences)
    assert len(recovered) >= 12, recovered


def _recovered(fitted) -> list[str]:
    char = characteristic_stems()
    bank = {_fold(s): th for lang in _THEME_TEXT for th, b in _THEME_TEXT[lang].items() for s in b}
    sent = fitted.sentences.assign(
        planted=fitted.sentences["sentence"].map(lambda s: bank.get(_fold(s)))
    )
    top = fitted.themes.set_index("theme")["top_stems"]
    return [
        th
        for th, words in char.items()
        if set(words) & set(top[sent.loc[sent["planted"] == th, "theme"].value_counts().idxmax()])
    ]


def test_place_names_are_not_theme_words(demo, fitted, demo_data):
    crm = demo_data.customers
    places = sorted(set(crm["city"].dropna()) | set(crm["region"].dropna()))
    place_stems = {w for p in places for w in _stems(p)}
    # without the exclusion, and with the self-introductions kept ("I live in Santiago de
    # Compostela"), city names are among a theme's top words
    # (the number of themes fixed: this compares words, not the choice of k)
    kept = extract_themes(demo, n_themes=15, config={"drop_introductions": False})
    shown = {w for stems in kept.themes["top_stems"] for w in stems}
    assert shown & place_stems
    # where places are named only in introductions, dropping those is enough
    assert not {w for stems in fitted.themes["top_stems"] for w in stems} & place_stems
    cleaned = extract_themes(
        demo, n_themes=15, exclude_terms=places, config={"drop_introductions": False}
    )
    shown = {w for stems in cleaned.themes["top_stems"] for w in stems}
    assert not shown & place_stems
    assert len(cleaned.sentences) == len(kept.sentences)  # the sentences are all kept
    # and the planted themes come out more cleanly (measured: 14 of 15, trust mixed in)
    assert len(_recovered(cleaned)) >= 14, _recovered(cleaned)
    with pytest.raises(ParameterError, match="exclude_terms"):
        extract_themes(demo, exclude_terms="Madrid")


@pytest.mark.parametrize(
    ("sentence", "intro"),
    [
        ("I'm 28 and I live in Vitoria.", True),
        ("I’m about 40.", True),
        ("I've lived in Vigo all my life.", True),
        ("I've been a customer for about 7 years now.", True),
        ("Tengo 44 años y vivo en Bilbao.", True),
        ("Soy cliente desde hace unos 3 años.", True),
        ("Confío en esta marca desde hace muchos años.", False),
        ("I buy for the whole family in the shop.", False),
        ("The delivery came in 2 days.", False),
    ],
)
def test_introduction_patterns(sentence, intro):
    from omniseg.voice.themes import _INTRODUCTION

    assert (_INTRODUCTION.search(_fold(sentence)) is not None) is intro


def test_self_introductions_never_shape_a_theme(demo, fitted):
    """The demo's interviews open with age, city or years as a customer (planted by the
    generator, one per interview); those sentences are left out and none of their words labels
    a theme."""
    kept = extract_themes(demo, config={"drop_introductions": False})
    intro = r"\bI live in\b|\bvivo en\b|customer for|cliente desde"
    n_intro = kept.sentences["sentence"].str.contains(intro, regex=True).sum()
    # one per interview; those left with no content word once lemmatised ("I'm 28 and I live
    # in Vitoria": live is a stop word, the city excluded) shape no theme either way
    said = [x for text in demo["text"] for x in split_answers(text) if re.search(intro, x)]
    assert len(said) == len(demo)
    assert len(demo) // 2 <= n_intro <= sum(1 for x in said if _stems(x))
    assert len(kept.sentences) - len(fitted.sentences) == n_intro
    assert not fitted.sentences["sentence"].str.contains(intro, regex=True).any()
    assert {w for stems in kept.themes["top_stems"] for w in stems} & {"live", "vivo"}
    assert not {w for stems in fitted.themes["top_stems"] for w in stems} & {"live", "vivo"}
    # the planted themes still come out (measured: 15 of 15 with the defaults)
    assert len(_recovered(fitted)) >= 14, _recovered(fitted)


def test_themes_table_and_tags(fitted, demo):
    themes = fitted.themes
    assert list(themes["theme"]) == list(range(1, len(themes) + 1))
    assert 4 <= fitted.n_themes <= 30
    assert themes["prevalence"].is_monotonic_decreasing
    assert np.allclose(fitted.doc_themes.sum(axis=1), 1.0)
    assert set(fitted.tags) == set(demo["interview_id"])
    assert fitted.selection["chosen"].sum() == 1
    assert set(themes["languages"]) <= {"es", "en", "es+en"}


def test_quotes_have_no_pii_and_belong_to_their_theme(fitted, demo):
    all_pii = [v for t in demo["text"] for v in planted_pii(t)]
    for tid in fitted.themes["theme"]:
        quotes = fitted.quotes(int(tid), n=3)
        assert quotes
        own = set(fitted.sentences.loc[fitted.sentences["theme"] == tid, "sentence"])
        assert set(quotes) <= own
        for q in quotes:
            assert not any(v in q for v in all_pii)
            assert "[" not in q


def test_quotes_per_segment(fitted, truth):
    labels = truth.set_index("interview_id")["segment"]
    tid = int(fitted.themes["theme"].iloc[0])
    for seg in labels.unique():
        ids = set(labels.index[labels == seg])
        quotes = fitted.quotes(tid, n=5, segment_labels=labels, segment=seg)
        sent = fitted.sentences
        assert set(quotes) <= set(sent.loc[sent["interview_id"].isin(ids), "sentence"])
    with pytest.raises(ParameterError, match="need segment_labels"):
        fitted.quotes(tid, segment="ropo")
    with pytest.raises(ParameterError, match="theme must be one of"):
        fitted.quotes(999)


def test_by_segment_prevalence_and_lift(fitted, truth):
    labels = truth.set_index("interview_id")["segment"]
    table = fitted.by_segment(labels)
    assert len(table) == 5 * fitted.n_themes
    assert (table.groupby("segment")["prevalence"].sum().round(6) == 1).all()
    # every segment has a theme talked about at least twice as much as by everyone
    assert (table.groupby("segment")["lift"].max() > 2).all()


def test_html_escapes_script_and_to_dict_is_json(demo):
    payload = "<script>alert('x')</script>"
    extra = pd.DataFrame(
        {
            "interview_id": ["X1", "X2"],
            "text": [f"Customer: The app is slow. {payload} The app is slow again."] * 2,
            "language": ["en", "en"],
        }
    )
    frame = pd.concat([demo[["interview_id", "text", "language"]], extra], ignore_index=True)
    res = extract_themes(frame, n_themes=8)
    out = res._repr_html_() + res.to_html("es")
    assert "<script>" not in out
    every_quote = res.to_html(n_quotes=50)  # the planted sentence is one of the quotes
    assert "<script>" not in every_quote and "“The app is slow. &lt;script&gt;" in every_quote
    labelled = replace(res, themes=res.themes.assign(label=payload))
    page = labelled.to_html()
    assert "<script>" not in page
    assert page.count("<td>&lt;script&gt;alert(") == 8  # the label of each of the 8 themes
    assert json.loads(json.dumps(res.to_dict()))["n_themes"] == 8
    fig = res.plot_themes(language="es")
    assert len(fig.data) == 1 and len(fig.data[0].y) == 8


def test_deterministic(demo):
    a = extract_themes(demo, n_themes=10).to_dict()
    b = extract_themes(demo, n_themes=10).to_dict()
    assert a == b


def test_extract_themes_errors(demo):
    with pytest.raises(ParameterError, match="'n_themes' parameter"):
        extract_themes(demo, n_themes=0)
    with pytest.raises(ParameterError, match="needs columns"):
        extract_themes(demo.drop(columns="text"))
    with pytest.raises(ParameterError, match="Too little text"):
        extract_themes(pd.DataFrame({"interview_id": ["a"], "text": ["Customer: Hi."]}))


# ------------------------------------------------------------------ links


def test_link_interviews_by_ids_and_typing_tool(demo, truth):
    segments = truth.drop_duplicates("customer_id").set_index("customer_id")["segment"]
    resp = truth.dropna(subset=["respondent_id"]).set_index("respondent_id")["segment"]
    links = link_interviews(demo, segments, respondent_segments=resp)
    assert list(links.columns[:3]) == ["interview_id", "segment", "how"]
    assert set(links["how"]) == {"customer_id", "respondent_id"}
    assert (links["segment"].to_numpy() == truth["segment"].to_numpy()).all()
    # without respondent segments, respondents stay unlinked unless a typing tool fits
    links = link_interviews(demo, segments)
    assert links["how"].isna().sum() == demo["customer_id"].isna().sum()


def test_link_interviews_typing_tool(demo, truth):
    from omniseg.segments.typing_tool import TypingTool

    rng = np.random.default_rng(13)
    X = pd.DataFrame({"age": rng.integers(18, 80, 200)})
    tool = TypingTool(questions=["age"], cv=3).fit(X, np.where(X["age"] < 45, "young", "old"))
    segments = truth.drop_duplicates("customer_id").set_index("customer_id")["segment"]
    links = link_interviews(demo, segments, typing_tool=tool)
    typed = links[links["how"] == "typing_tool"]
    assert len(typed) == demo["customer_id"].isna().sum()
    age = demo.set_index("interview_id")["age"].astype(float)
    assert (typed["segment"] == np.where(age[typed["interview_id"]] < 45, "young", "old")).all()
    # a question every customer answers alike is not asked (issue 14): age alone is enough
    constant = TypingTool(cv=3).fit(
        pd.DataFrame({"age": X["age"], "main_channel": "web", "n_channels": 2}),
        np.where(X["age"] < 45, "young", "old"),
    )
    assert constant.skipped_questions_ == ["main_channel", "n_channels"]
    typed = link_interviews(demo, segments, typing_tool=constant)
    assert (typed["how"] == "typing_tool").sum() == demo["customer_id"].isna().sum()
    # a question that varies but that interviews cannot answer: they stay unlinked, with why
    default = TypingTool(cv=3).fit(
        pd.DataFrame(
            {
                "age": X["age"],
                "main_channel": rng.choice(["web", "app", "store"], len(X)),
                "n_channels": rng.integers(1, 4, len(X)),
            }
        ),
        np.where(X["age"] < 45, "young", "old"),
    )
    links = link_interviews(demo, segments, typing_tool=default)
    assert not (links["how"] == "typing_tool").any()
    assert links.loc[links["how"].isna(), "note"].str.contains("main_channel").all()


def test_parameter_errors_use_the_one_template(fitted, demo):
    # issue 15: the checks of omniseg._checks, worded "The '<name>' parameter of <caller> ..."
    tid = int(fitted.themes["theme"].iloc[0])
    with pytest.raises(ParameterError, match=r"'n' parameter of InterviewThemes.quotes .*\[0"):
        fitted.quotes(tid, n=-1)
    with pytest.raises(ParameterError, match="'language' parameter of extract_themes"):
        extract_themes(demo, language="fr")
    with pytest.raises(ValueError, match="'n_themes' parameter of extract_themes"):
        extract_themes(demo, n_themes=True)
