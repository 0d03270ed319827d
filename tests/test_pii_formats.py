"""Known answers of PII scrubbing (omniseg.voice.pii.scrub_pii) on Spanish and English formats, and
of language detection (omniseg.voice.language.detect_language) on other languages.

Each row is a measured defect of the previous rules turned into a regression test: identifiers,
cards, IBANs, addresses, URLs and handles that survived; case numbers, sums and dates that became
``[phone]``; names cut short or invented after an introduction; Catalan, Portuguese and French
called Spanish.
"""

from __future__ import annotations

import re

import pytest

from omniseg.voice.language import detect_language
from omniseg.voice.pii import _PLACEHOLDERS, scrub_pii

# ------------------------------------------------------------------ formats that are scrubbed

SCRUBBED = [
    # national ids (DNI / NIE, valid check letter)
    ("Mi DNI es 12345678Z.", "Mi DNI es [id]."),
    ("DNI 12345678-Z y NIE X1234567L", "DNI [id] y NIE [id]"),
    ("NIE X-1234567-L o 12.345.678-Z", "NIE [id] o [id]"),
    ("el 12 345 678 Z", "el [id]"),
    ("nie y1234567x", "nie [id]"),
    # IBAN (valid checksum)
    ("Mi IBAN es ES91 2100 0418 4502 0005 1332 y más.", "Mi IBAN es [iban] y más."),
    ("IBAN: ES9121000418450200051332", "IBAN: [iban]"),
    ("es91 2100 0418 4502 0005 1332", "[iban]"),
    ("My account is GB29 NWBK 6016 1331 9268 19.", "My account is [iban]."),
    # payment cards (Luhn-valid)
    ("Pagué con la 4111 1111 1111 1111 ayer", "Pagué con la [card] ayer"),
    ("card 4111-1111-1111-1111", "card [card]"),
    ("Amex 3782 822463 10005 or 378282246310005", "Amex [card] or [card]"),
    ("Mastercard 5555555555554444.", "Mastercard [card]."),
    # phones
    ("Llámame al 612 345 678.", "Llámame al [phone]."),
    ("Mi móvil: +34 612-345-678", "Mi móvil: [phone]"),
    ("o al 0034 612345678", "o al [phone]"),
    ("el fijo (91) 123 45 67", "el fijo [phone]"),
    ("el 912 34 56 78 o el 91 123 45 67", "el [phone] o el [phone]"),
    ("Mi número es 612.345.678", "Mi número es [phone]"),
    ("Tel.612345678 / Móvil:712345678", "Tel.[phone] / Móvil:[phone]"),
    ("Atención al cliente: 900 123 456", "Atención al cliente: [phone]"),
    ("en 2024 612 345 678", "en 2024 [phone]"),
    ("Call +44 20 7946 0958 today", "Call [phone] today"),
    ("or 020 7946 0958, or 07700 900123", "or [phone], or [phone]"),
    ("+44 (0)20 7946 0958", "[phone]"),
    ("Ring (555) 123-4567 or 555-123-4567", "Ring [phone] or [phone]"),
    ("toll free 1-800-555-1234", "toll free [phone]"),
    ("+1 (555) 123-4567", "[phone]"),
    # addresses
    ("Vivo en Calle Mayor 12, 28013 Madrid.", "Vivo en [address]."),
    ("Enviadlo a C/ Alcalá 45 3º B, por favor", "Enviadlo a [address], por favor"),
    ("en la Avda. de la Constitución 3", "en la [address]"),
    ("vivo en calle mayor 12, bajo A.", "vivo en [address]."),
    ("Paseo de la Castellana 259D, planta 3, 28046 Madrid", "[address]"),
    ("Plaza de España s/n, 28008 Madrid.", "[address]."),
    ("la tienda de Gran Vía 28 cierra tarde", "la tienda de [address] cierra tarde"),
    ("Código postal 28013", "Código postal [address]"),
    ("I live at 221B Baker Street.", "I live at [address]."),
    ("10 Downing Street, London SW1A 2AA", "[address]"),
    ("Flat 3, 10 Downing Street", "[address]"),
    ("1600 Pennsylvania Avenue, Washington, DC 20500", "[address]"),
    ("near London SW1A 2AA", "near London [address]"),
    ("my postcode is SW1A 2AA", "my postcode is [address]"),
    # URLs and handles
    ("Lo vi en https://tienda.es/ofertas?id=5.", "Lo vi en [url]."),
    ("(ver www.ejemplo.com/pedido)", "(ver [url])"),
    ("http://example.com, then", "[url], then"),
    ("Sígueme en @usuario o @ana.lopez_92.", "Sígueme en [handle] o [handle]."),
    ("DM me @john_doe", "DM me [handle]"),
    # emails first: neither a handle nor a URL
    ("laura@www.ejemplo.com", "[email]"),
]


@pytest.mark.parametrize(("text", "expected"), SCRUBBED)
def test_formats_are_scrubbed(text, expected):
    assert scrub_pii(text) == expected


# ------------------------------------------------------------------ look-alikes left alone

LOOKALIKES = [
    # case and file references
    "El proyecto de ley 121/000069 se aprobó.",
    "Consulte el expediente 2023/45678.",
    "Expediente 2023-45678, registro 00012345",
    # large sums and amounts
    "El presupuesto es de 1.234.567.890 euros.",
    "We sold 1,234,567 euros of stock.",
    "Unos 1 634 567 890 habitantes",
    "Costó 612 345 678 € y 612.345.678 euros",
    "Gano 30.000 € al año y gasto 12,50 € al mes.",
    # dates, years, times, percentages
    "Llegó el 12/03/2024, el 2024-03-12 o el 12.03.2024 a las 10:30.",
    "Son las 10.30 h y vino el 3/4 de la gente, ratio 1:2.",
    "Desde 2019, 2020 y 2021 ha subido un 12,5 % y luego 45%.",
    "In 2019 Oxford Street was busy.",
    # ages, order numbers without a phone's shape, plain counts
    "Tengo 36 años, 2 hijos de 5 y 7 años y nací en 1985.",
    "Mi pedido 123456789 y el 4012-3456-7890 no llegaron.",
    "Order 0012345678 and 00123456789 are late.",
    "Order 5551234567 shipped.",
    # failed checksums and check letters
    "El 12345678A no es un DNI y pagué 12345678 a Hacienda.",
    "IBAN ES00 2100 0418 4502 0005 1332 no vale.",
    "La 4111 1111 1111 1112 no vale, ni la 1234 5678 9012 3456.",
    # streets without a house number, and words that follow street types
    "Vivo en la calle principal desde hace 3 años.",
    "Quedamos en la Plaza Mayor a las 10.",
    "La entrega cuesta menos de 10 euros.",
    "Crucé la calle y anduve 200 metros.",
    "I bought a PS5 2TB last week.",
    # @ inside words, and no URL without a scheme or www
    "Hola amig@s, comprad en tienda.es",
    # title-case phrases after weak cues
    "Yo soy Presidente del Gobierno.",
    "I am Head of Sales.",
    "Soy Directora de Marketing.",
    "I'm Happy with it.",
    "Soy Cliente desde 2010.",
    "Soy cliente desde hace 5 años.",
    "I'm 28 and I live in Vigo.",
    "mi nombre es difícil de pronunciar",
    "My name is not important.",
]


@pytest.mark.parametrize("text", LOOKALIKES)
def test_lookalikes_are_left_alone(text):
    assert scrub_pii(text) == text


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # strong cues: up to four words in any case, particles inside
        ("Mi nombre es josé luis pérez", "Mi nombre es [name]"),
        ("mi nombre es José Luis Pérez García y vivo aquí", "mi nombre es [name] y vivo aquí"),
        ("me llamo ana y trabajo en Madrid", "me llamo [name] y trabajo en Madrid"),
        ("Me llamo José y vivo en Madrid", "Me llamo [name] y vivo en Madrid"),
        ("Me llamo María de la Cruz.", "Me llamo [name]."),
        ("my name is john smith and I shop here", "my name is [name] and I shop here"),
        ("My name's Sarah Long, hi.", "My name's [name], hi."),
        ("my name is li ming and I work here", "my name is [name] and I work here"),
        ("me llamo luis fernando garcía lópez martínez", "me llamo [name] martínez"),
        # weak cues: capitalised, not a title; an honorific stays
        ("Soy la señora García.", "Soy la señora [name]."),
        ("I'm Dr. Smith.", "I'm Dr. [name]."),
        ("Hola, soy Laura, directora de marketing.", "Hola, soy [name], directora de marketing."),
        ("Soy Federico Mayor Zaragoza.", "Soy [name]."),
        ("Hi, I'm John O'Brien.", "Hi, I'm [name]."),
        ("This is John from the store.", "This is [name] from the store."),
        ("Por cierto, soy Laura Hernández y vivo aquí.", "Por cierto, soy [name] y vivo aquí."),
    ],
)
def test_introduced_names(text, expected):
    assert scrub_pii(text) == expected


def test_everything_in_one_answer():
    text = (
        "Soy Laura Hernández, DNI 12345678Z, vivo en C/ Alcalá 45 3º B, 28014 Madrid; "
        "escribidme a laura.h@gmail.com, a @laurah o al +34 621 550 370. "
        "Pago con la 4111 1111 1111 1111 y domicilio en ES91 2100 0418 4502 0005 1332. "
        "Lo vi en www.tienda.es el 12/03/2024 por 1.234.567 euros (expediente 121/000069)."
    )
    assert scrub_pii(text) == (
        "Soy [name], DNI [id], vivo en [address]; "
        "escribidme a [email], a [handle] o al [phone]. "
        "Pago con la [card] y domicilio en [iban]. "
        "Lo vi en [url] el 12/03/2024 por 1.234.567 euros (expediente 121/000069)."
    )


def test_every_placeholder_written_is_listed():
    written = set()
    for text, expected in SCRUBBED:
        written |= set(re.findall(r"\[[a-z]+\]", expected))
        assert set(re.findall(r"\[[a-z]+\]", scrub_pii(text))) <= set(_PLACEHOLDERS)
    assert written | {"[name]"} == set(_PLACEHOLDERS)


# ------------------------------------------------------------------ language

PARAGRAPHS = {
    "ca": (
        "Compro sempre a la botiga del barri perquè és més còmode i també tenen bons preus. "
        "Però aquesta vegada no he trobat res amb el meu número."
    ),
    "ca_app": "La veritat és que l'aplicació funciona molt bé, però els enviaments triguen massa.",
    "pt": (
        "Eu sempre compro na loja do bairro porque é mais barato. Não sei se você também faz "
        "isso, mas eu gosto muito. Obrigado."
    ),
    "pt_delivery": (
        "A entrega demorou uma semana e o atendimento não respondeu às minhas mensagens."
    ),
    "fr": (
        "Je fais toujours mes courses au marché parce que c'est moins cher. Mais la livraison "
        "est très lente et le service client ne répond pas. Merci."
    ),
    "fr_order": "Nous avons commandé une veste et elle est arrivée avec deux jours de retard.",
    "es": (
        "Siempre compro en la tienda de mi barrio porque está cerca y los precios son buenos. "
        "Pero esta vez el pedido llegó tarde."
    ),
    "es_app": "La aplicación va muy bien, pero los envíos tardan demasiado y nadie contesta.",
    "en": (
        "I always buy in the shop near my home because it is close and the prices are good. "
        "But this time the order was late."
    ),
    "en_app": "The app works well, but deliveries take too long and nobody answers.",
}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("ca", "other"),
        ("ca_app", "other"),
        ("pt", "other"),
        ("pt_delivery", "other"),
        ("fr", "other"),
        ("fr_order", "other"),
        ("es", "es"),
        ("es_app", "es"),
        ("en", "en"),
        ("en_app", "en"),
    ],
)
def test_detect_language_paragraphs(key, expected):
    assert detect_language(PARAGRAPHS[key]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # too little evidence of another language: the Spanish/English rule decides
        ("Merci.", "en"),
        ("Obrigado pela ajuda", "en"),
        ("Very good, merci beaucoup.", "en"),
        ("Muy bien, merci.", "es"),
        ("", "en"),
        ("12345", "en"),
    ],
)
def test_detect_language_short_text_keeps_es_en(text, expected):
    assert detect_language(text) == expected
