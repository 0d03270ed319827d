"""Interview themes on text nobody here wrote (issue 17): lemmas instead of truncation, stop
words and fillers out, numbers and URLs out, Spanish and English meeting in one theme, the
number of themes by stability with its evidence, counted coverage, no NaN; on 300 real House of
Commons speeches (tests/data/text/, see its README) and hand-made bilingual corpora."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omniseg.voice.text_terms import TermAnalyzer, _fold, _stop_words, cognate_map
from omniseg.voice.themes import extract_themes

HOC = Path(__file__).parent / "data" / "text" / "house_of_commons_sample.csv.gz"


@pytest.fixture(scope="module")
def speeches() -> pd.DataFrame:
    raw = pd.read_csv(HOC).dropna(subset=["text"]).head(300)
    return pd.DataFrame(
        {
            "interview_id": [f"S{i:03d}" for i in range(len(raw))],
            "text": raw["text"].astype(str).to_numpy(),
            "language": "en",
        }
    )


@pytest.fixture(scope="module")
def hoc_themes(speeches):
    return extract_themes(speeches, random_state=0)


def test_lemmas_keep_different_words_apart_and_join_inflections():
    a = TermAnalyzer(phrases=False)
    # the 5-letter truncation merged these; lemmas do not
    assert a.terms("El partido y la participación", "es") == ["partido", "participacion"]
    assert len(set(a.terms("presidente y presión", "es"))) == 2
    assert len(set(a.terms("transparencia y transporte", "es"))) == 2
    # inflections meet, and a lexicon concept joins the languages
    assert a.terms("compro, comprando, compraba", "es") == ["buy"] * 3
    assert a.terms("notificaciones", "es") == a.terms("notifications", "en") == ["notification"]
    assert a.terms("el precio", "es") == a.terms("the prices", "en") == ["price"]
    # a Spanish word is not an English concept: "local" is a shop in Spanish only
    assert a.terms("la tienda local", "es") == ["store", "store"]
    assert a.terms("the local authority", "en") == ["local", "authority"]


def test_fillers_numbers_urls_handles_and_contractions_are_not_terms():
    a = TermAnalyzer(phrases=False)
    assert a.terms("Pues, sabe, digo yo que creo que queda parte del caso.", "es") == []
    assert a.terms("I don't know, it doesn't, you know, I mean, won't.", "en") == []
    text = "Delivery https://nyti.ms/2xYz or www.example.com and @acme #retail: 3 tres ciento 1.234"
    assert a.terms(text, "en") == ["delivery"]
    assert a.terms("delivery 48h", "en") == ["delivery"]
    extra = TermAnalyzer(phrases=False, extra_stop_words=["acme"])
    assert extra.terms("Acme delivery", "en") == ["delivery"]


def test_phrases_and_their_surface_forms():
    a = TermAnalyzer()
    terms = a.terms("El tiempo de espera al teléfono es largo", "es")
    assert "wait_call" in terms  # "espera al teléfono": one stop word between
    assert a.surface("wait_call", "es") == "espera teléfono"
    assert set(a.merged("wait")) == {"espera"}


def test_cognates_join_spanish_and_english_spelled_alike():
    counts = {
        "categoria": {"es": 5},
        "category": {"en": 4},
        "importante": {"es": 3},
        "important": {"en": 3},
        "producto": {"es": 3},  # a lexicon concept is joined already (product)
        "app": {"es": 2, "en": 2},  # used in both already
        "carta": {"es": 2},
        "cart": {"en": 2},  # too short a shared prefix (4 letters)
    }
    assert cognate_map(counts) == {"category": "categoria", "important": "importante"}


def _bilingual_corpus() -> pd.DataFrame:
    """Three planted themes, each said in Spanish and in English by different people."""
    bank = {
        "delivery": (
            [
                "La entrega llegó tarde y el paquete vino roto.",
                "El envío tardó una semana en llegar.",
            ],
            ["The delivery was late and the parcel arrived broken.", "Shipping took a week."],
        ),
        "price": (
            ["El precio es demasiado caro para lo que es.", "Comparo precios antes de comprar."],
            ["The price is too expensive for what it is.", "I compare prices before I buy."],
        ),
        "staff": (
            ["El personal de la tienda me aconseja muy bien.", "La dependienta fue muy amable."],
            ["The staff in the store give me good advice.", "The assistant was very friendly."],
        ),
    }
    rows = []
    rng = np.random.default_rng(3)
    for i in range(48):
        lang = "es" if i % 2 else "en"
        themes = rng.choice(list(bank), size=2, replace=False)
        sentences = [s for th in themes for s in bank[th][0 if lang == "es" else 1]]
        rows.append({"interview_id": f"I{i:02d}", "text": " ".join(sentences), "language": lang})
    return pd.DataFrame(rows)


def test_planted_cross_language_themes_hold_both_languages():
    result = extract_themes(_bilingual_corpus(), n_themes=3, random_state=0)
    assert result.bilingual_share == 1.0
    themes = result.themes.set_index("theme")
    found = {tuple(sorted(t[:2])) for t in themes["top_stems"]}
    assert any("delivery" in t for t in found) and any("price" in t for t in found)
    assert any("staff" in t or "advice" in t for t in found)
    # each planted theme's sentences, in both languages, fall in one theme
    sent = result.sentences
    for word in ("delivery", "price"):
        mine = sent[sent["key"].str.split().map(lambda k, w=word: w in k)]
        assert mine["theme"].nunique() == 1 and set(mine["language"]) == {"es", "en"}


def test_real_speeches_have_no_filler_stop_word_or_url_among_top_terms(hoc_themes):
    stops = _stop_words()
    for words in hoc_themes.themes["top_terms"]:
        parts = [_fold(p) for w in list(words)[:5] for p in w.split()]
        assert not [p for p in parts if p in stops], words
        assert not [p for p in parts if re.search(r"http|www|\d", p)], words
    labels = hoc_themes.themes["label"].tolist()
    assert all(len(label) > 10 for label in labels)  # words, not 5-letter stems
    assert not [w for label in labels for w in re.split(r"[ ·:]+", label) if w in {"don", "doesn"}]


def test_the_number_of_themes_has_its_evidence(hoc_themes):
    sel = hoc_themes.selection
    assert {"k", "coherence", "stability", "smallest_share", "eligible", "near_tie"} <= set(sel)
    assert sel["chosen"].sum() == 1
    chosen = sel[sel["chosen"]].iloc[0]
    assert chosen["eligible"] and chosen["k"] == hoc_themes.n_themes
    eligible = sel[sel["eligible"]]
    assert chosen["stability"] >= eligible["stability"].max() - 0.02  # the most stable (or a tie)
    assert sel["near_tie"].dtype == bool and not (sel["near_tie"] & sel["chosen"]).any()
    assert "themes" in hoc_themes.method_text("en") and "temas" in hoc_themes.method_text("es")


def test_nothing_is_dropped_silently_and_doc_themes_has_no_nan(speeches):
    talk = speeches.head(40).copy()
    talk.loc[0, "text"] = "Thank you. Yes."  # no content word at all
    talk.loc[1, "text"] = "I think: the local authority must fund more council housing now."
    result = extract_themes(talk, n_themes=2, random_state=0)
    assert not result.doc_themes.isna().any().any()
    assert (result.doc_themes.loc["S000"] == 0).all()
    cov = result.coverage
    assert cov["sentences"] == (
        cov["introductions"] + cov["without_terms"] + cov["outside_vocabulary"] + cov["themed"]
    )
    assert cov["without_terms"] >= 2 and cov["themed"] == len(result.sentences)
    kept = result.sentences[result.sentences["interview_id"] == "S001"]["sentence"]
    assert kept.str.contains("I think: the local authority").any()  # not taken as a speaker
    assert result.n_interviews == len(talk)


@pytest.mark.parametrize(
    ("sentence", "language", "expected"),
    [
        ("The app is fast and easy", "en", (1.0, 2)),
        ("La entrega no fue rápida", "es", (-1.0, 1)),  # negation flips
        ("Waiting on the phone for twenty minutes is frustrating.", "en", (-1.0, 2)),
        ("It doesn't work well", "en", (-1.0, 1)),
        ("Me encanta la app pero es lenta", "es", (0.0, 2)),
        ("The store opens at nine", "en", (0.0, 0)),  # no polar word: neutral, n = 0
    ],
)
def test_polarity_from_the_shipped_lexicon(sentence, language, expected):
    from omniseg.voice.sentiment import polarity

    assert polarity(sentence, language) == expected


def test_each_theme_has_its_sentiment_with_its_n():
    result = extract_themes(_bilingual_corpus(), n_themes=3, random_state=0)
    themes = result.themes
    assert {"sentiment", "sentiment_n"} <= set(themes)
    by_word = {t[0]: row for t, row in zip(themes["top_stems"], themes.itertuples(), strict=True)}
    staff = next(row for word, row in by_word.items() if word in ("staff", "advice", "friendly"))
    delivery = next(row for word, row in by_word.items() if word in ("delivery", "late"))
    assert staff.sentiment > 0 > delivery.sentiment  # kind staff, late broken parcels
    assert staff.sentiment_n > 0 and delivery.sentiment_n > 0


def test_theme_labels_read_in_the_report_language():
    """A theme's label is worded in each language from the lemmas the transcripts use; a persona
    holds its themes language-free and words them when shown."""
    result = extract_themes(_bilingual_corpus(), n_themes=3, random_state=0)
    themes = result.themes
    assert {"label_es", "label_en"} <= set(themes)
    tid = next(
        int(t)
        for t, stems in zip(themes["theme"], themes["top_stems"], strict=True)
        if "price" in stems[:2]
    )
    assert "precio" in result.label(tid, "es") and "price" in result.label(tid, "en")
    assert result.label(tid) == themes.set_index("theme").loc[tid, "label"]
    fig = result.plot_themes(language="es")
    assert any("precio" in y for y in fig.data[0].y)


def test_a_deductive_codebook_keeps_its_themes_and_finds_the_rest(tmp_path):
    """The user's themes are kept as given (their seed words in either language code the
    sentences), and what is left over comes out as new themes."""
    from omniseg.errors import ParameterError

    book = tmp_path / "codebook.yaml"
    book.write_text("themes:\n  Entregas: [entrega, delivery]\n  Precio: [precio, price]\n")
    result = extract_themes(_bilingual_corpus(), codebook=book, n_themes=1, random_state=0)
    themes = result.themes.set_index("label")
    assert set(themes.index) >= {"Entregas", "Precio"}
    assert set(themes.loc[["Entregas", "Precio"], "source"]) == {"codebook"}
    found = themes[themes["source"] == "found"]
    assert len(found) == 1 and any(w in found["top_stems"].iloc[0][:3] for w in ("staff", "advice"))
    sent = result.sentences
    coded = sent[sent["theme"] == int(themes.loc["Entregas", "theme"])]
    assert set(coded["language"]) == {"es", "en"}  # seed words in either language
    assert coded["key"].str.contains("delivery").all()
    assert result.label(int(themes.loc["Precio", "theme"]), "es") == "Precio"
    with pytest.raises(ParameterError, match="seed words"):
        extract_themes(_bilingual_corpus(), codebook={"Entregas": "entrega"})
    with pytest.raises(ParameterError, match="does not exist"):
        extract_themes(_bilingual_corpus(), codebook=tmp_path / "missing.yaml")


def test_theme_settings_reach_the_personas_from_params_and_the_workbench(tmp_path):
    """``themes:`` in a params file (n_themes, extra_stop_words, a codebook path relative to
    the file) is checked before any work and reaches the personas' themes."""
    import omniseg
    from omniseg.config.params import load_params
    from omniseg.errors import ParameterError

    (tmp_path / "book.yaml").write_text("themes:\n  Precio: [precio, price]\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    text = "run_name: t\ndata: {customers: c.csv}\nthemes: {n_themes: 2, codebook: book.yaml}\n"
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    params = load_params(tmp_path / "p.yaml")
    assert params.themes == {"n_themes": 2, "codebook": (tmp_path / "book.yaml").resolve()}
    for bad, match in (
        ({"n_themes": 1}, "n_themes"),
        ({"extra_stop_words": "acme"}, "list of words"),
        ({"codebook": str(tmp_path / "none.yaml")}, "does not exist"),
        ({"topics": 3}, "Unknown key"),
    ):
        with pytest.raises(ParameterError, match=match):
            load_params({"data": {"customers": str(tmp_path / "c.csv")}, "themes": bad})
    data = omniseg.load_demo()
    wb = omniseg.Workbench(
        data,
        progress=False,
        settings={
            "themes": {
                "n_themes": 3,
                "extra_stop_words": ["app"],
                "codebook": {"Precio": ["precio", "price"]},
            }
        },
    )
    themes = wb.themes.themes
    assert (themes["source"] == "found").sum() == 3 and "Precio" in set(themes["label"])
    assert not any("app" in stems for stems in themes["top_stems"])


def test_a_themes_first_words_are_its_heaviest_that_are_said_together():
    from omniseg.voice.themes import _coherent_order

    # six heavy words; 0, 1, 2, 4 and 5 are said together, 3 (the third heaviest) never with
    # them: the five shown are the five that go together, heaviest first, then word 3
    occ = np.zeros((40, 6), dtype=bool)
    occ[:20, [0, 1, 2, 4, 5]] = True
    occ[20:, 3] = True
    top = np.array([0, 1, 3, 2, 4, 5])
    assert _coherent_order(top, occ, 5).tolist() == [0, 1, 2, 4, 5, 3]
    # no more words than shown, or too few sentences to judge: the weight order stays
    assert _coherent_order(top[:5], occ, 5).tolist() == [0, 1, 3, 2, 4]
    assert _coherent_order(top, occ[:1], 5).tolist() == top.tolist()


def test_the_search_for_the_number_of_themes_stops_at_the_first_ineligible_number():
    from types import SimpleNamespace

    from omniseg.voice.theme_selection import choose_n_themes

    rng = np.random.default_rng(0)
    n = 200
    X = rng.random((n, 12))
    tried = []

    def fit(rows, k):  # from 6 themes on, one theme holds no sentence
        tried.append(k)
        H = np.eye(k, 12) + 0.01
        cols = k - 1 if k >= 6 else k

        def transform(R, cols=cols, k=k):
            W = np.zeros((R.shape[0], k))
            W[np.arange(R.shape[0]), np.arange(R.shape[0]) % cols] = 1.0
            return W

        return SimpleNamespace(components_=H, reconstruction_err_=1.0, transform=transform)

    table = choose_n_themes(
        X, np.arange(n) % 20, X > 0.5, np.arange(n) % 20, [9, 4, 5, 6, 12], fit, random_state=0
    )
    assert table["k"].tolist() == [4, 5, 6]  # tried from the smallest; 9 and 12 never fitted
    assert sorted(set(tried)) == [4, 5, 6] and tried.count(6) == 1  # one fit of 6 was enough
    assert table["eligible"].tolist() == [True, True, False]
    assert table.loc[table["chosen"], "k"].item() == 5  # equally stable: the finer eligible
    # when no number is eligible, every one is tried and all refits made
    tried.clear()
    choose_n_themes(X, np.arange(n) % 20, X > 0.5, np.arange(n) % 20, [6, 7], fit)
    assert tried == [6, 6, 6, 7, 7, 7]


@pytest.mark.parametrize(
    "text", ["Ñandú ÁRBOL café", "plain ascii Text", "naïve façade — 20 €", ""]
)
def test_folding_keeps_length_and_strips_accents(text):
    from omniseg.voice.language import _fold as fold_in_place

    folded = fold_in_place(text)
    assert len(folded) == len(text)
    assert folded == folded.lower() and not re.search(r"[áéíóúñïç]", folded)
    assert _fold(text) == folded  # the per-word fold agrees (no character here grows in NFKD)
