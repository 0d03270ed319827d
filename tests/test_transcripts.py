"""Regression tests of transcript reading (omniseg.voice.answers) and quote choice
(InterviewThemes.quotes), one per defect measured on real transcripts:

1. content lines taken for speaker labels or headings and dropped ("I think: ...", "#1 problem
   ...", "Note: ...", a whole long speech);
2. what is dropped is counted (parse_transcript);
3. sentences cut after abbreviations ("Sr. García", "The hon. Member");
4. greetings, forms of address, one-word lines and placeholders chosen as quotes.

Every expected value below is written out by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from omniseg.errors import ParameterError
from omniseg.voice.answers import (
    PARTICIPANT_LABELS,
    TranscriptParse,
    parse_transcript,
    split_answers,
)
from omniseg.voice.interviews import InterviewThemes
from omniseg.voice.themes import extract_themes


def _stripped_length(text: str) -> int:
    return sum(len(line.strip()) for line in text.splitlines() if line.strip())


# ------------------------------------------------------------------ 1. content kept


def test_label_like_opening_is_content_not_a_speaker():
    text = (
        "Entrevistadora: ¿Qué es lo que menos te gusta?\n"
        "Cliente: Hay dos cosas.\n"
        "I think: the price is too high\n"
        "Note: the app crashed twice"
    )
    assert split_answers(text) == [
        "Hay dos cosas.",
        "I think: the price is too high",
        "Note: the app crashed twice",
    ]
    # in a transcript without speaker labels too
    assert split_answers("I think: the price is too high") == ["I think: the price is too high"]


def test_hash_followed_by_a_digit_is_content_and_headings_are_dropped():
    text = (
        "# Entrevista 12\n"
        "## 2. Precio y envío\n"
        "#1 problem for me is delivery\n"
        "# Why I left. It was the price\n"
        "---\n"
        "* * *\n"
        "Customer: Delivery takes a week."
    )
    parse = parse_transcript(text)
    assert parse.sentences == [
        "#1 problem for me is delivery",
        "# Why I left.",  # a "#" line that reads as sentences is content
        "It was the price",
        "Delivery takes a week.",
    ]
    assert parse.dropped_lines == 4  # two headings, two separators


def test_a_long_speech_after_a_colon_is_kept_whole():
    # measured: a 2,522-character speech opening "Mi experiencia con la tienda:" vanished whole
    speech = "Mi experiencia con la tienda: " + " ".join(
        f"La entrega número {i} llegó tarde y nadie me avisó del retraso." for i in range(40)
    )
    assert len(speech) > 2500
    text = f"Entrevistadora: Cuéntame.\nCliente: Vale.\n{speech}"
    parse = parse_transcript(text)
    assert parse.sentences[0] == "Vale."
    assert parse.sentences[1].startswith("Mi experiencia con la tienda: La entrega número 0 ")
    assert len(parse.sentences) == 1 + 40
    assert parse.characters_kept == len("Vale.") + len(speech)


# ------------------------------------------------------------------ speakers


def test_two_speaker_transcript_with_known_labels():
    text = (
        "**Entrevistadora:** Buenos días, ¿cómo sueles comprar con nosotros?\n"
        "**Cliente:** Casi siempre desde la app. La Sra. García de la tienda me ayudó mucho.\n"
        "Entrevistadora: ¿Y qué mejorarías?\n"
        "me refiero a la web\n"
        "Cliente: Los gastos de envío, p. ej. en pedidos pequeños. Son caros.\n"
        "y tardan mucho"
    )
    parse = parse_transcript(text)
    assert parse.sentences == [
        "Casi siempre desde la app.",
        "La Sra. García de la tienda me ayudó mucho.",
        "Los gastos de envío, p. ej. en pedidos pequeños.",
        "Son caros.",
        "y tardan mucho",  # a line without label continues the customer's turn
    ]
    assert parse.interviewer_turns == 2  # "me refiero a la web" continues the second one
    assert parse.kept_turns == 2
    assert parse.dropped_lines == 0


def test_repeated_labels_are_speakers_and_kept_without_the_label():
    text = (
        "Ana: Yo compro en la tienda del barrio.\n"
        "Luis: Yo prefiero la web. Es más rápido.\n"
        "Ana: Pero en la tienda me aconsejan.\n"
        "Luis: Eso es verdad."
    )
    parse = parse_transcript(text)
    # neither is an interviewer label: both are kept, without their label
    assert parse.sentences == [
        "Yo compro en la tienda del barrio.",
        "Yo prefiero la web.",
        "Es más rápido.",
        "Pero en la tienda me aconsejan.",
        "Eso es verdad.",
    ]
    assert (parse.interviewer_turns, parse.kept_turns) == (0, 4)
    # a label said once is content, unless the caller names it
    once = "Cliente: Compro en la web.\nMarta: Nada más."
    assert split_answers(once) == ["Compro en la web.", "Marta: Nada más."]
    assert split_answers(once, speaker_labels=["Marta"]) == ["Compro en la web.", "Nada más."]
    assert split_answers(once, speaker_labels=("marta",)) == ["Compro en la web.", "Nada más."]
    # after an interviewer's turn, an unknown label said once continues that turn (dropped,
    # and counted): naming the speaker keeps it
    after = "Entrevistador: ¿Algo más?\nMarta: Nada más."
    assert parse_transcript(after).sentences == []
    assert parse_transcript(after).characters_dropped == _stripped_length(after)
    assert split_answers(after, speaker_labels=["Marta"]) == ["Nada más."]


def test_interviewer_labels_with_a_name_or_number_and_participant_labels():
    text = (
        "Entrevistadora Ana: ¿Qué te frena?\n"
        "Cliente 3: El precio.\n"
        "Interviewer 2: And?\n"
        "Respondent: Delivery.\n"
        "Question is: why would I pay more?\n"  # not an interviewer label: content
        "P1: ¿Algo más?\n"
        "R1: No."
    )
    assert split_answers(text) == [
        "El precio.",
        "Delivery.",
        "Question is: why would I pay more?",
        "No.",
    ]
    assert {"cliente", "customer", "respondent", "r"} <= set(PARTICIPANT_LABELS)


def test_speaker_labels_must_be_a_list_of_strings():
    with pytest.raises(ParameterError, match="'speaker_labels' parameter of parse_transcript"):
        parse_transcript("Ana: hola", speaker_labels="Ana")
    with pytest.raises(ParameterError, match="'speaker_labels' parameter of parse_transcript"):
        parse_transcript("Ana: hola", speaker_labels=["Ana", 3])


# ------------------------------------------------------------------ 2. counts


def test_parse_transcript_counts_every_line():
    text = (
        "# Entrevista 7\n"
        "\n"
        "Interviewer: Why do you buy online?\n"
        "Customer: It is fast. I like it!\n"
        "Interviewer: Anything else?\n"
        "please be honest\n"
        "---\n"
        "Customer: No.\n"
    )
    parse = parse_transcript(text)
    assert isinstance(parse, TranscriptParse)
    assert parse == TranscriptParse(
        sentences=["It is fast.", "I like it!", "No."],
        interviewer_turns=2,
        dropped_lines=2,
        kept_turns=2,
        characters_kept=len("It is fast. I like it!") + len("No."),
        characters_dropped=_stripped_length(text) - len("It is fast. I like it!") - len("No."),
    )
    assert parse.characters_kept + parse.characters_dropped == _stripped_length(text)
    assert split_answers(text) == parse.sentences
    with pytest.raises(AttributeError):
        parse.kept_turns = 0  # frozen


def test_parse_transcript_without_labels_and_empty():
    assert parse_transcript("Compro en la web. Es cómodo.") == TranscriptParse(
        ["Compro en la web.", "Es cómodo."], 0, 0, 1, 28, 0
    )
    assert parse_transcript("") == TranscriptParse([], 0, 0, 0, 0, 0)
    assert parse_transcript(None) == TranscriptParse([], 0, 0, 0, 0, 0)


# ------------------------------------------------------------------ 3. abbreviations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Me atendió el Sr. García. Fue muy amable.",
            ["Me atendió el Sr. García.", "Fue muy amable."],
        ),
        (
            "La Sra. Pérez y la Dra. Ruiz. Luego nadie.",
            ["La Sra. Pérez y la Dra. Ruiz.", "Luego nadie."],
        ),
        ("Hablé con D. Luis y con Dña. Carmen.", ["Hablé con D. Luis y con Dña. Carmen."]),
        ("¿Ud. Sabe cuánto tarda? No.", ["¿Ud. Sabe cuánto tarda?", "No."]),
        (
            "Compro ropa, zapatos, etc. Y a veces libros.",
            ["Compro ropa, zapatos, etc. Y a veces libros."],
        ),
        ("Hay tiendas, p. ej. Zara, que van bien.", ["Hay tiendas, p. ej. Zara, que van bien."]),
        ("Tardó aprox. 20 minutos. Demasiado.", ["Tardó aprox. 20 minutos.", "Demasiado."]),
        (
            "Vivo en la Avda. Castilla, núm. 3. Es lejos.",
            ["Vivo en la Avda. Castilla, núm. 3.", "Es lejos."],
        ),
        ("Está en la pág. 12 del folleto.", ["Está en la pág. 12 del folleto."]),
        ("Pagué 3.5 euros. Barato.", ["Pagué 3.5 euros.", "Barato."]),
        ("The hon. Member is right. I agree.", ["The hon. Member is right.", "I agree."]),
        (
            "Mr. Smith and Mrs. Jones came. Then Ms. Lee.",
            ["Mr. Smith and Mrs. Jones came.", "Then Ms. Lee."],
        ),
        ("Ask Prof. Brown or Dr. Who. They know.", ["Ask Prof. Brown or Dr. Who.", "They know."]),
        ("J. Smith served me. Great.", ["J. Smith served me.", "Great."]),
        ("Shops, e.g. Zara, i.e. Big ones. Fine.", ["Shops, e.g. Zara, i.e. Big ones.", "Fine."]),
        ("It is approx. 20 minutes. Too long.", ["It is approx. 20 minutes.", "Too long."]),
        (
            "Store No. 5 is on St. Mark street. Nice.",
            ["Store No. 5 is on St. Mark street.", "Nice."],
        ),
        ("I said no. Then I left.", ["I said no.", "Then I left."]),
        ("Online vs. In store. Both.", ["Online vs. In store.", "Both."]),
        ("It is fast… I like it. Really!", ["It is fast…", "I like it.", "Really!"]),
    ],
)
def test_sentences_do_not_end_after_abbreviations(text, expected):
    assert split_answers(text) == expected


# ------------------------------------------------------------------ 4. quotes


def _themes_from(rows: list[tuple[str, int, str, str, float]]) -> InterviewThemes:
    """An InterviewThemes of 2 themes from (interview_id, position, sentence, key, closeness to
    theme 1) rows, every sentence on theme 1."""
    sentences = pd.DataFrame(
        {
            "interview_id": [r[0] for r in rows],
            "position": [r[1] for r in rows],
            "language": "es",
            "sentence": [r[2] for r in rows],
            "key": [r[3] for r in rows],
            "theme": 1,
            "weight": 1.0,
        }
    )
    closeness = pd.DataFrame(
        {1: [r[4] for r in rows], 2: np.zeros(len(rows))}, index=sentences.index
    )
    themes = pd.DataFrame({"theme": [1, 2], "label": ["envío · pedido", "tienda · app"]})
    return InterviewThemes(
        themes=themes,
        doc_themes=pd.DataFrame(),
        tags={},
        sentences=sentences,
        closeness=closeness,
        selection=pd.DataFrame(),
        n_interviews=4,
    )


_QUOTE_ROWS = [
    # the closest sentences are the ones not worth quoting
    ("A", 0, "Gracias, señora, por el envío del pedido a casa tan rápido y tan barato.", "g", 0.99),
    ("A", 1, "Via", "via", 0.98),
    ("A", 2, "The hon.", "hon", 0.97),
    ("A", 3, "Buenos días, quería hablar del envío de los pedidos grandes a domicilio.", "b", 0.96),
    ("B", 0, "Thank you, the delivery of my last order came on time again.", "t", 0.95),
    (
        "B",
        1,
        "Señor Presidente, señoras y señores diputados, señor ministro García Pérez.",
        "s",
        0.94,
    ),
    ("B", 2, "Mi [iban] quedó guardado al pagar el envío del pedido grande.", "i", 0.93),
    ("B", 3, "Lo mandaron a [address] aunque pedí recogida del pedido en tienda.", "d", 0.92),
    ("C", 0, "El envío llega rápido.", "envio llega rapido", 0.91),  # 3 content words
    ("C", 1, "I beg to move that the delivery charges for small orders be reviewed.", "m", 0.90),
    # the quotes
    ("C", 2, "El envío del pedido tardó dos semanas y nadie me avisó del retraso.", "k1", 0.80),
    ("D", 0, "The delivery of the parcel took two weeks and nobody told me why.", "k2", 0.70),
    ("D", 1, "El envío del pedido tardó dos semanas y nadie me avisó del retraso.", "k1", 0.70),
    (
        "A",
        4,
        "Gracias a la app veo dónde está mi pedido y a qué hora llega el repartidor a casa.",
        "k3",
        0.60,
    ),
]


def test_quotes_skip_greetings_address_short_lines_and_placeholders():
    res = _themes_from(_QUOTE_ROWS)
    expected = [
        "El envío del pedido tardó dos semanas y nadie me avisó del retraso.",
        "The delivery of the parcel took two weeks and nobody told me why.",
        # "gracias a" is "thanks to", not thanks
        "Gracias a la app veo dónde está mi pedido y a qué hora llega el repartidor a casa.",
    ]
    assert res.quotes(1, n=3) == expected
    # fewer sentences pass than asked: fewer quotes, no fragment to fill up
    assert res.quotes(1, n=10) == expected
    assert res.quotes(2, n=3) == []
    # the length rule is min_words; the other rules hold without it
    assert res.quotes(1, n=2, min_words=0) == ["Via", "El envío llega rápido."]
    assert res.quotes(1, n=1, min_words=15) == []
    # segments still restrict the quotes
    labels = pd.Series({"A": "x", "B": "x", "C": "y", "D": "y"})
    assert res.quotes(1, n=3, segment_labels=labels, segment="x") == [expected[2]]
    with pytest.raises(ParameterError, match=r"'min_words' parameter of InterviewThemes\.quotes"):
        res.quotes(1, min_words=-1)
    with pytest.raises(ParameterError, match=r"'min_words' parameter of InterviewThemes\.quotes"):
        res.quotes(1, min_words=True)


def test_quotes_of_extracted_themes_are_never_greetings_or_fragments():
    delivery = [
        "Muchas gracias por preguntar por el envío rápido del pedido a casa, de verdad.",
        "El envío del pedido a casa tardó dos semanas y el repartidor no avisó nada.",
        "Envío.",
        "El pedido llegó roto y el envío a casa lo tuve que pagar otra vez entero.",
    ]
    shop = [
        "Buenos días, la tienda del barrio tiene dependientes amables y buenos consejos.",
        "En la tienda del barrio los dependientes me aconsejan bien sobre cada producto.",
        "Tienda.",
        "Los dependientes de la tienda conocen el producto y me ahorran devoluciones.",
    ]
    frame = pd.DataFrame(
        {
            "interview_id": [f"I{i}" for i in range(6)],
            "text": [
                "Entrevistadora: ¿Qué tal?\nCliente: " + " ".join(delivery if i % 2 else shop)
                for i in range(6)
            ],
        }
    )
    res = extract_themes(frame, n_themes=2, language="es")
    quotes = [q for t in res.themes["theme"] for q in res.quotes(int(t), n=5)]
    assert quotes
    said = set(res.sentences["sentence"])
    assert "Envío." in said and delivery[0] in said and shop[0] in said
    assert not {"Envío.", "Tienda.", delivery[0], shop[0]} & set(quotes)
    assert set(quotes) <= {delivery[1], delivery[3], shop[1], shop[3]}
