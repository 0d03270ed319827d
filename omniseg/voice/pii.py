"""Personal data out of interview text: identifiers, contact details and names become placeholders.

:func:`scrub_pii` replaces personal data by placeholders *before* anything else sees the text, so
no theme label, quote, table or chart can show them (see ``docs/interviews.md``). Spanish and
English formats are recognised, in this order (an earlier kind is never re-read as a later one):

============  ================================================================================
placeholder   what becomes it (and how it is told from a look-alike)
============  ================================================================================
``[email]``   ``laura.h@gmail.com``
``[url]``     ``https://…``, ``http://…``, ``www.…`` (up to the next space; closing punctuation
              is left out)
``[handle]``  a social handle ``@usuario`` (not the ``@`` of an email, nor ``amig@s``)
``[iban]``    ``ES91 2100 0418 4502 0005 1332`` (grouped or not) *with a valid checksum*
              (``stdnum.iban``)
``[id]``      Spanish DNI ``12345678Z`` / ``12.345.678-Z`` and NIE ``X1234567L`` /
              ``X-1234567-L`` *with a valid check letter* (``stdnum.es.dni``,
              ``stdnum.es.nie``)
``[card]``    payment cards: 13-19 digits starting 2-6, contiguous or in card groups (4-4-4-4,
              4-6-5…), *Luhn-valid* (``stdnum.luhn``)
``[phone]``   numbers with a phone's shape: ``+CC``/``(+CC)`` then 8-15 digits in all, ``00CC``
              then 10-15; Spanish 9 digits starting 6-9 (``612 345 678``, ``612.345.678``,
              ``(91) 123 45 67``, ``912 34 56 78``); UK 10-11 digits starting ``0`` in groups of
              3-6 (``020 7946 0958``, ``07700 900123``); US ``(555) 123-4567`` /
              ``555-123-4567``
``[address]`` a street *with its house number*, floor, door, postcode and city: Spanish street
              type first (``Calle Mayor 12, 28013 Madrid``, ``C/ Alcalá 45 3º B``,
              ``Avda. de la Constitución 3``, ``Plaza de España s/n``, ``Gran Vía 28``;
              ``calle``/``avenida`` also with a lower-case name, ``plaza``, ``paseo``,
              ``camino``... only with a capitalised one), English number first
              (``221B Baker Street``, ``10 Downing Street, London SW1A 2AA``, capitalised);
              a postcode after a cue (``CP 28013``, ``postcode SW1A 2AA``) or a UK postcode
              after a capitalised word (``London SW1A 2AA``)
``[name]``    see below
============  ================================================================================

**Left alone** (the look-alikes measured on real transcripts): case and file references
(``121/000069``, ``expediente 2023/45678``: a ``/`` never joins a phone), amounts
(``1.234.567.890``, ``1,234,567 euros``, ``612 345 678 €``: thousands groupings, and any number
followed by a currency, ``%`` or a unit), dates (``12/03/2024``, ``2024-03-12``,
``12.03.2024``), years, times (``10:30``), percentages, ages, prices, order numbers without a
phone's shape, and numbers whose checksum or check letter fails (``12345678A`` is no DNI).

**Names** become ``[name]``:

* every word of ``names`` (e.g. the CRM's first and last names; matched ignoring case and accents
  when a whole full name is given, and when capitalised for a single word, so the surname
  "Blanco" does not remove the colour "blanco");
* after a *strong* introduction (``me llamo``, ``mi nombre es``, ``my name is``, ``my name's``):
  up to 4 name-like words in any case ("mi nombre es josé luis pérez"), with particles between
  them (``de``, ``del``, ``de la``, ``y``, ``van``…), stopping at punctuation, a stop word
  (:data:`~omniseg.voice.language.SPANISH_STOP_WORDS`,
  :data:`~omniseg.voice.language.ENGLISH_STOP_WORDS`) or a verb of ``_VERB_WORDS`` ("me llamo
  ana y trabajo..."); none starts with a word of :data:`NOT_NAME_WORDS` ("mi nombre es difícil
  de pronunciar"); a name that starts capitalised ends at the first lower-case word;
* after a *weak* cue (``soy``, ``I am``, ``I'm``, ``this is``) or ``call me`` / ``le habla``:
  capitalised words only, and not when the first is a title, role or common word of
  :data:`NOT_NAME_WORDS` or a stop word ("Soy Presidente del Gobierno", "I am Head of Sales",
  "I'm Happy", "Soy Cliente" stay); an honorific is kept and the name after it taken ("soy la
  señora García" -> "soy la señora [name]").

A name nobody introduces and that is not in ``names`` cannot be recognised: pass the CRM names
when quotes are shown outside the research team. A brand after a weak cue ("This is Zara") is
taken for a name. Phone shapes are this module's own rules (``phonenumbers`` is not a
dependency); a run of digits is read in at most 8 groups, so the cost stays linear.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
from stdnum import iban as _stdnum_iban
from stdnum import luhn as _stdnum_luhn
from stdnum.es import dni as _stdnum_dni
from stdnum.es import nie as _stdnum_nie

from omniseg.voice.language import ENGLISH_STOP_WORDS, SPANISH_STOP_WORDS, _check_text, _fold

__all__ = ["NOT_NAME_WORDS", "scrub_pii"]


#: Every placeholder :func:`scrub_pii` writes (themes strip them, quotes skip sentences with one).
_PLACEHOLDERS = (
    "[email]",
    "[url]",
    "[handle]",
    "[iban]",
    "[id]",
    "[card]",
    "[phone]",
    "[address]",
    "[name]",
)

_STOP = SPANISH_STOP_WORDS | ENGLISH_STOP_WORDS


def _words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CAP = r"[A-ZÁÉÍÓÚÜÑÀÈÌÒÙÇ][a-záéíóúüñàèìòùç'’\-]+"

# --------------------------------------------------------------------------------------------
# vocabulary of the name rules (folded: lower case, no accents)
# --------------------------------------------------------------------------------------------

#: Titles, roles, departments and common words that follow "soy" / "I am" capitalised without
#: being a name ("Soy Directora de Marketing", "I am Head of Sales", "I'm Happy"), folded.
#: No name starts with one of these (after any cue).
#: Data: a deployment may extend it.
NOT_NAME_WORDS: frozenset[str] = _words_of(
    """
    presidente presidenta vicepresidente vicepresidenta gobierno ministro ministra alcalde
    alcaldesa concejal concejala director directora directivo directiva subdirector
    subdirectora jefe jefa gerente responsable encargado encargada coordinador coordinadora
    consejero consejera delegado delegada socio socia cliente clienta usuario usuaria comprador
    compradora empleado empleada trabajador trabajadora dependiente dependienta vendedor
    vendedora comercial tecnico tecnica ingeniero ingeniera abogado abogada medico medica
    enfermero enfermera profesor profesora maestro maestra estudiante alumno alumna jubilado
    jubilada autonomo autonoma madre padre hijo hija abuelo abuela fundador fundadora
    propietario propietaria dueno duena miembro fan vegano vegana espanol espanola madrileno
    madrilena catalan catalana andaluz andaluza gallego gallega vasco vasca marketing ventas
    compras finanzas recursos humanos operaciones logistica atencion calidad departamento area
    equipo empresa tienda marca nuevo nueva feliz contento contenta fiel habitual dificil facil
    raro rara comun largo larga corto corta complicado complicada secreto importante
    irrelevante igual senor senora
    president vice government minister director head chief manager lead leader supervisor
    officer executive ceo cfo cto coo vp founder owner partner member client customer user
    buyer shopper employee staff engineer developer nurse teacher student retired mum mom dad
    mother father parent vegan vegetarian sales finance operations purchasing procurement hr
    support department team happy sad glad sorry fine good great sure ready busy tired new back
    interested satisfied unhappy disappointed loyal regular british english spanish american
    hard easy long short weird unusual common difficult complicated funny simple secret
    important irrelevant afraid still already pleased delighted frustrated confused curious
    honest aware calling writing looking trying sir madam
    """
)

#: Verbs that end a lower-case name after a strong cue ("me llamo ana y trabajo en..."), folded
#: (the stop word lists already hold soy, tengo, es, am, have, like...).
_VERB_WORDS: frozenset[str] = _words_of(
    """
    vivo trabajo compro uso llevo vengo suelo prefiero creo pienso necesito busco pago gasto
    naci estudio hablo escribo llamo soy estoy tengo quiero
    live lived work worked shop buy bought use used think love prefer spend pay moved grew
    study studied am was have
    """
)

#: Surname particles: kept inside a name when a name-like word follows.
_PARTICLES = frozenset(
    {"de", "del", "la", "los", "las", "y", "i", "van", "von", "da", "di", "dos", "das"}
)
_CLITICS = frozenset({"s", "m", "re", "ve", "ll", "d", "t"})

_CUE = re.compile(
    r"(?i)\b(?:(?P<strong>me\s+llamo|mi\s+nombre\s+es|my\s+name\s+is|my\s+name['’]s)"
    r"|(?P<weak>call\s+me|les?\s+habla|te\s+habla|soy|i\s+am|i['’]m|this\s+is))\s+"
)
_HONORIFIC = re.compile(
    r"(?i:(?:(?:el|la|the)\s+)?(?:señor|señora|señorita|sr|sra|srta|don|doña|dña|mr|mrs|ms|miss"
    r"|dr|dra|doctor|doctora|profesor|profesora|prof)\b\.?\s+)"
)
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_BLANK = re.compile(r"[ \t]+")

# --------------------------------------------------------------------------------------------
# contact details and identifiers
# --------------------------------------------------------------------------------------------

_ANY_DIGIT = re.compile(r"\d")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'«»]+")
_URL_TRAIL = ".,;:!?)]}»”’'\""
_HANDLE = re.compile(r"(?<![\w@.])@\w(?:[\w.]{0,28}\w)?(?![\w@])")
_IBAN = re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}(?:[ \-]?[A-Za-z0-9]){11,30}(?![\w])")
_NATIONAL_ID = re.compile(
    r"(?<![\w.\-/])(?:[XYZ][ \-]?\d{7}|[xyz]\d{7}|\d{8}|\d{2}\.\d{3}\.\d{3}|\d{2} \d{3} \d{3})"
    r"(?P<sep>[ \-]?)(?P<letter>[A-Za-z])(?![\w])"
)
_CARD = re.compile(r"(?<![\w.,/+\-])[2-6]\d{3,}(?:[ \-]\d+)*(?![\w])")
_DIGITS = re.compile(r"\d+")
_MAX_GROUPS = 8  # a phone or card number is written in at most this many groups
# a digit group, or a bracketed one ("(91)", "(+34)", "(0)"), then more joined by one separator
_PHONE_GROUP = r"(?:\(\+?\d{1,4}\)|\+?\d+)"
_PHONE_SEP = r"(?:[ ]?[.\-][ ]?|[ ]|(?<=\))[ ]?|[ ]?(?=\())"
_PHONE = re.compile(
    rf"(?<![\w@/+\-])(?<!\d[.,:])(?:{_PHONE_GROUP})(?:{_PHONE_SEP}(?:\(\d{{1,4}}\)|\d+))*"
)
_PHONE_TOKEN = re.compile(r"\(\+?\d+\)|\+?\d+")
# what makes a number an amount, a share or a measure rather than a phone or a house number
_AMOUNT_AFTER = re.compile(
    r"\s*(?:%|€|\$|£|(?i:euros?|eur|usd|gbp|d[oó]lares|dollars?|libras|pounds?|por\s+ciento"
    r"|percent|per\s+cent|años|anos|veces|minutos|min|horas|días|dias|metros|km|kilómetros"
    r"|kilometros|personas|people|years|times|minutes|hours|days|miles|meters|metres|unidades"
    r"|units|pedidos|orders|clientes|customers)\b)"
)
_AMOUNT_BEFORE = re.compile(r"[€$£]\s*$")

# --------------------------------------------------------------------------------------------
# addresses
# --------------------------------------------------------------------------------------------

# street types (the ambiguous words, plaza, paseo, camino..., need a capitalised street name),
# and streets named without one (Gran Vía)
_ES_STREET = re.compile(
    r"(?i)(?<![\w/])(?:(?P<abbr>c/|c\.|avda\.|avd\.|av\.|pza\.|pl\.|p\.?º|cno\.|ctra\.|rda\."
    r"|trav\.|urb\.|psje\.)|(?P<street>calle|avenida|avda|carretera|ctra|travesía|travesia"
    r"|urbanización|urbanizacion|carrer|callejón|callejon)\b|(?P<other>plaza|paseo|camino|ronda"
    r"|glorieta|pasaje|rambla|alameda|bulevar|rúa)\b|(?P<named>gran\s+v[ií]a)\b)\s*"
)
_STREET_WORD = re.compile(r"[^\W\d_]+(?:[.'’\-][^\W\d_]+)*\.?")
_SPACES = re.compile(r"\s+")
_DECIMAL_AFTER = re.compile(r"[.,:/]\d")
# a number of 10 or more digits grouped in thousands by spaces or dots
_THOUSANDS = re.compile(r"\d{1,3}(?:(?: \d{3}){3,}|(?:\.\d{3}){3,})")
_ES_NUMBER = re.compile(
    r"\s*,?\s*(?:(?i:n\.?\s?[º°]|núm\.?|num\.?|número|numero)\s*)?(?:\d{1,4}[A-Za-z]?(?![\w])|s/n\b)"
)
_ES_FLOOR = re.compile(
    r"(?:\s*,?\s*(?:\d{1,2}\s*[ºª°](?:\s*-?\s*[A-Z]|-?[a-z]|\s*-?\s*\d{1,2})?(?![\w])"
    r"|(?i:bajo|entresuelo|entlo\.?|ático|atico|pral\.?)(?:\s*-?\s*[A-Z])?(?![\w])"
    r"|(?i:piso|planta|puerta|pta\.|esc\.|escalera|portal|bloque|blq\.)\s*[A-Za-z0-9]{1,3}(?![\w])"
    r"|(?i:izquierda|izq\.|izda\.|derecha|dcha\.|dcho\.|centro)(?![\w])))*"
)
_ES_POSTCODE = re.compile(r"\s*,?\s*(?:(?i:c\.?p\.?)\s*)?(?:0[1-9]|[1-4]\d|5[0-2])\d{3}(?![\w])")
_EN_STREET_TYPE = (
    r"(?i:street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|crescent|terrace|place|pl|square"
    r"|sq|court|ct|boulevard|blvd|gardens|grove|mews|row|way|parade|hill|walk)\b"
)
_UK_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})"
_EN_ADDRESS = re.compile(
    r"(?<![\w.,/:])(?:(?i:flat|apt\.?|apartment|unit)\s+\w{1,4},?\s+)?"
    rf"(?!(?:19|20)\d\d\b)\d{{1,4}}[A-Za-z]?,?\s+(?:{_CAP}\s+){{1,4}}{_EN_STREET_TYPE}"
    rf"(?:,?\s+(?:{_CAP},?\s+){{0,2}}{_UK_POSTCODE}(?![\w])"
    rf"|,\s*{_CAP}(?:\s+{_CAP})?,?\s+[A-Z]{{2}}\s+\d{{5}}(?:-\d{{4}})?(?![\w]))?"
)
# a postcode on its own: after a cue, or (UK format) after a capitalised word such as the city
_POSTCODE_CUE = re.compile(
    r"(?i:\b(?:c\.\s?p\.|cp|c[oó]digo\s+postal|post\s?code|postal\s+code|zip(?:\s+code)?)"
    rf"(?:\s+(?:is|es|era|was))?\s*:?\s*)(?P<code>\d{{5}}(?:-\d{{4}})?(?![\w])|{_UK_POSTCODE}(?![\w]))"
)
_UK_POSTCODE_AFTER_WORD = re.compile(
    rf"(?P<word>\b{_CAP})(?P<sep>,?\s+)(?P<code>{_UK_POSTCODE})(?![\w])(?<!GB)(?<!TB)"
)


# --------------------------------------------------------------------------------------------
# the function
# --------------------------------------------------------------------------------------------


def scrub_pii(text: str, names: Iterable[str] | re.Pattern | None = None) -> str:
    """Replace personal data in ``text`` by placeholders.

    In this order: emails -> ``[email]``, URLs -> ``[url]``, social handles -> ``[handle]``,
    IBANs -> ``[iban]``, DNI/NIE numbers -> ``[id]``, payment cards -> ``[card]``, phone numbers
    -> ``[phone]``, street addresses and postcodes -> ``[address]``, personal names ->
    ``[name]``. Numbers are validated (IBAN checksum, DNI/NIE check letter, Luhn, a phone's
    shape), so case references, amounts, dates, times and percentages are left as they are;
    the module docstring (:mod:`omniseg.voice.pii`) lists the formats and the look-alikes.

    Names are the words of ``names`` wherever they appear, and the words after a
    self-introduction: up to 4 words in any case after "me llamo", "mi nombre es", "my name
    is"; capitalised words that are not a title or common word (:data:`NOT_NAME_WORDS`) after
    "soy", "I'm", "I am", "this is". A name nobody introduces and that is not in ``names``
    cannot be recognised: pass the CRM names when quotes are shown outside the research team.

    Parameters
    ----------
    text : str
        One sentence or a whole text; ``None`` or NaN give ``""``.
    names : iterable of str, or compiled pattern, optional
        Names to remove wherever they appear (full names or single first/last names; a
        DataFrame's every column). A whole full name is matched ignoring case and accents, a
        single word only when written capitalised.

    Returns
    -------
    str
        ``text`` with each piece of personal data replaced by its placeholder.

    Raises
    ------
    ParameterError
        If ``text`` is not a string.

    Examples
    --------
    >>> scrub_pii("Soy Laura Hernández, escribidme a laura.h@gmail.com o al +34 621 550 370.")
    'Soy [name], escribidme a [email] o al [phone].'
    >>> scrub_pii("Mi DNI es 12345678Z y vivo en C/ Alcalá 45 3º B.")
    'Mi DNI es [id] y vivo en [address].'
    >>> scrub_pii("El expediente 121/000069 cuesta 1.234.567.890 euros.")
    'El expediente 121/000069 cuesta 1.234.567.890 euros.'
    >>> scrub_pii("I'm 28 and my friend Ana Ruiz told me.", names=["Ana Ruiz"])
    "I'm 28 and my friend [name] told me."
    """
    text = _check_text(text)
    if not text:
        return text
    if "@" in text:
        text = _EMAIL.sub("[email]", text)
    text = _URL.sub(_url, text)
    if "@" in text:
        text = _HANDLE.sub("[handle]", text)
    if _ANY_DIGIT.search(text):
        text = _sub_shrinking(_IBAN, text, _is_iban, "[iban]")
        text = _NATIONAL_ID.sub(_national_id, text)
        text = _sub_groups(_CARD, text, _is_card, "[card]")
        text = _sub_groups(_PHONE, text, _is_phone, "[phone]", _PHONE_TOKEN)
    text = _addresses(text)
    text = _introduced_names(text)
    if names is not None:
        pattern = names if isinstance(names, re.Pattern) else _name_pattern(_as_list(names))
        if pattern is not None:
            text = _replace_names(text, pattern)
    return text


# --------------------------------------------------------------------------------------------
# validators
# --------------------------------------------------------------------------------------------


def _url(match: re.Match) -> str:
    url = match.group(0)
    core = url.rstrip(_URL_TRAIL)
    return "[url]" + url[len(core) :]


def _is_iban(candidate: str) -> bool:
    return bool(_stdnum_iban.is_valid(candidate))


def _national_id(match: re.Match) -> str:
    raw = match.group(0)
    # "12345678 a": a lower-case letter after a space is a word, not a check letter
    if match.group("sep") == " " and match.group("letter").islower():
        return raw
    number = re.sub(r"[\s.\-]", "", raw).upper()
    valid = _stdnum_nie.is_valid(number) if number[0] in "XYZ" else _stdnum_dni.is_valid(number)
    return "[id]" if valid else raw


def _is_card(candidate: str, groups: list[str]) -> bool:
    digits = "".join(groups)
    if not 13 <= len(digits) <= 19 or digits[0] not in "23456":
        return False
    sizes = [len(g) for g in groups]
    shaped = (
        len(sizes) == 1
        or (sizes[0] == 4 and all(s == 4 for s in sizes[1:-1]) and 1 <= sizes[-1] <= 4)
        or sizes in ([4, 6, 5], [4, 6, 4])
    )
    return shaped and bool(_stdnum_luhn.is_valid(digits))


def _is_phone(candidate: str, groups: list[str]) -> bool:
    """Whether a run of digit groups has a phone's shape (see the module docstring)."""
    digits = "".join(g.strip("()+") for g in groups)
    sizes = [len(g.strip("()+")) for g in groups]
    n = len(digits)
    if groups[0].lstrip("(").startswith("+"):
        trunk = sum(g == "(0)" for g in groups)
        return 8 <= n - trunk <= 15
    if digits.startswith("00"):
        return digits[2:3] != "0" and 10 <= n - 2 <= 15
    if n == 9 and digits[0] in "6789":  # Spanish
        return len(sizes) == 1 or all(2 <= s <= 4 for s in sizes)
    if n in (10, 11) and digits[0] == "0" and digits[1] != "0":  # UK, with its trunk 0
        return len(sizes) == 1 or all(3 <= s <= 6 for s in sizes)
    if n == 10 and digits[0] in "23456789":  # US / Canada, grouped only
        return sizes == [3, 3, 4]
    if n == 11 and digits[0] == "1":
        return sizes == [1, 3, 3, 4]
    return False


def _sub_shrinking(
    pattern: re.Pattern, text: str, valid: Callable[[str], bool], placeholder: str
) -> str:
    """Replace each match of ``pattern``, or its longest prefix ending before a separator, that
    ``valid`` accepts (so a word read into the end of an IBAN does not hide it)."""

    def repl(match: re.Match) -> str:
        raw = match.group(0)
        ends = [len(raw)] + [i for i in range(len(raw) - 1, 0, -1) if raw[i] in " -"]
        for end in ends:
            if valid(raw[:end]):
                return placeholder + raw[end:]
        return raw

    return pattern.sub(repl, text)


def _sub_groups(
    pattern: re.Pattern,
    text: str,
    valid: Callable[[str, list[str]], bool],
    placeholder: str,
    token: re.Pattern = _DIGITS,
) -> str:
    """Replace the runs of digit groups ``valid`` accepts: the whole match of ``pattern``, else
    its longest sub-run between spaces (a year or a price next to a phone does not hide it).

    A run followed by a currency, ``%`` or unit, or preceded by a currency sign, is an amount;
    so is a match of 10 or more digits grouped in thousands ("1 634 567 890"), none of it kept.
    """
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        if _THOUSANDS.fullmatch(match.group(0)):
            continue
        tokens = list(token.finditer(match.group(0)))
        base = match.start()
        spans = [(base + t.start(), base + t.end()) for t in tokens]
        i, n = 0, len(spans)
        while i < n:
            found = False
            if i == 0 or text[spans[i - 1][1] : spans[i][0]].strip() == "":
                for j in range(min(n, i + _MAX_GROUPS), i, -1):
                    if j < n and text[spans[j - 1][1] : spans[j][0]].strip() != "":
                        continue
                    start, end = spans[i][0], spans[j - 1][1]
                    groups = [text[a:b] for a, b in spans[i:j]]
                    if (
                        valid(text[start:end], groups)
                        and not _AMOUNT_AFTER.match(text, end)
                        and not _AMOUNT_BEFORE.search(text, max(0, start - 3), start)
                        and not _DECIMAL_AFTER.match(text, end)
                    ):
                        pieces.append(text[last:start])
                        pieces.append(placeholder)
                        last = end
                        i = j
                        found = True
                        break
            if not found:
                i += 1
    pieces.append(text[last:])
    return "".join(pieces)


# --------------------------------------------------------------------------------------------
# addresses
# --------------------------------------------------------------------------------------------


def _addresses(text: str) -> str:
    """Street addresses (Spanish street type first, English number first) and postcodes."""
    if _ES_STREET.search(text):
        text = _spanish_addresses(text)
    text = _EN_ADDRESS.sub("[address]", text)
    text = _POSTCODE_CUE.sub(
        lambda m: m.group(0)[: m.start("code") - m.start()] + "[address]", text
    )
    return _UK_POSTCODE_AFTER_WORD.sub(
        lambda m: m.group("word") + m.group("sep") + "[address]", text
    )


def _spanish_addresses(text: str) -> str:
    pieces: list[str] = []
    last = 0
    pos = 0
    while True:
        match = _ES_STREET.search(text, pos)
        if match is None:
            break
        end = _spanish_address_end(
            text, match.end(), need_cap=match.group("other") is not None, named=bool(match["named"])
        )
        if end is None:
            pos = match.end()
            continue
        pieces.append(text[last : match.start()])
        pieces.append("[address]")
        last = pos = end
    pieces.append(text[last:])
    return "".join(pieces)


def _spanish_address_end(text: str, pos: int, need_cap: bool, named: bool) -> int | None:
    """End of the Spanish address whose street name starts at ``pos``.

    The name (1-6 words, particles between; no stop word or verb; capitalised first when
    ``need_cap``; none when the street is ``named``), then a house number (``12``, ``12B``,
    ``nº 12``, ``s/n``) that is not an amount or a measure, then floor and door (``3º B``,
    ``bajo A``, ``izda.``), then a postcode and its city. None when no house number follows:
    a street alone ("la calle principal") is no address.
    """
    n_words = 0
    end = pos
    for _ in range(0 if named else 7):
        word = _STREET_WORD.match(text, end)
        if word is None or text[end : end + 3].lower() == "s/n":
            break
        folded = _fold(word.group(0).rstrip("."))
        if folded not in _PARTICLES and folded != "el":
            if folded in _STOP or folded in _VERB_WORDS:
                return None
            if n_words == 0 and need_cap and not word.group(0)[:1].isupper():
                return None
            n_words += 1
        end = word.end()
        blank = _SPACES.match(text, end)
        if blank is None:
            break
        end = blank.end()
    if n_words == 0 and not named:
        return None
    end = len(text[:end].rstrip())
    number = _ES_NUMBER.match(text, end)
    if (
        number is None
        or _AMOUNT_AFTER.match(text, number.end())
        or _DECIMAL_AFTER.match(text, number.end())
    ):
        return None
    end = _ES_FLOOR.match(text, number.end()).end()
    postcode = _ES_POSTCODE.match(text, end)
    if postcode is not None:
        end = postcode.end()
        city = _SPACES.match(text, end)
        if city is not None:
            end = _name_end(text, city.end(), capitalised=True, max_words=4, default=end)
    return end


# --------------------------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------------------------


def _introduced_names(text: str) -> str:
    pieces: list[str] = []
    last = 0
    for cue in _CUE.finditer(text):
        start = cue.end()
        if start < last:
            continue
        honorific = _HONORIFIC.match(text, start)
        if honorific is not None:
            start = honorific.end()
        strong = cue.group("strong") is not None
        end = _name_end(text, start, capitalised=not strong, max_words=4, default=start)
        if end > start:
            pieces.append(text[last:start])
            pieces.append("[name]")
            last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _name_end(text: str, pos: int, *, capitalised: bool, max_words: int, default: int) -> int:
    """End of the name that starts at ``pos`` (``default`` when none does).

    Up to ``max_words`` name-like words separated by blanks, with surname particles between
    them; ``capitalised`` takes capitalised words only, otherwise a name that starts
    capitalised ends at the first lower-case word and one in lower case takes either.
    """
    end = default
    n = 0
    first_cap = False
    while n < max_words:
        match = _NAME_WORD.match(text, pos)
        if match is None:
            break
        word = match.group(0)
        folded = _fold(word)
        cap = word[:1].isupper()
        if not (n > 0 and folded in _PARTICLES):
            if not _name_like(folded, cap, capitalised or (n > 0 and first_cap), first=n == 0):
                break
            if n == 0:
                first_cap = cap
            n += 1
            end = match.end()
        blank = _BLANK.match(text, match.end())
        if blank is None:
            break
        pos = blank.end()
    return end


def _name_like(folded: str, cap: bool, need_cap: bool, first: bool) -> bool:
    """Whether a word can be part of a name: not a stop word, a verb or (first) a title."""
    if need_cap and not cap:
        return False
    if len(folded) < 2 or folded in _STOP or folded in _VERB_WORDS:
        return False
    if first and folded in NOT_NAME_WORDS:
        return False
    if "'" in folded or "’" in folded:
        head, _, tail = folded.replace("’", "'").partition("'")
        if tail in _CLITICS or (len(head) > 1 and head in _STOP):
            return False
    return True


def _name_pattern(names: Iterable[Any]) -> re.Pattern | None:
    """One regex (on folded text) for the given names: full names and their single words."""
    full: set[str] = set()
    single: set[str] = set()
    for raw in names:
        if raw is None or (not isinstance(raw, str) and pd.isna(raw)):
            continue
        folded = " ".join(_fold(str(raw)).split())
        if len(folded) < 2:
            continue
        full.add(folded)
        for part in folded.split():
            if len(part) >= 2 and part not in _PARTICLES:
                single.add(part)
    if not full:
        return None
    alts = sorted(full | single, key=lambda s: (-len(s), s))
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w])")


def _as_list(names: Any) -> list[Any]:
    if isinstance(names, str):
        return [names]
    if isinstance(names, pd.DataFrame):
        return [v for col in names.columns for v in names[col].tolist()]
    return list(names)


def _replace_names(text: str, pattern: re.Pattern) -> str:
    folded = _fold(text)
    pieces = []
    last = 0
    for m in pattern.finditer(folded):
        original = text[m.start() : m.end()]
        # a single word must be written capitalised to count as a name; a full name always does
        if " " not in m.group(0) and not original[:1].isupper():
            continue
        pieces.append(text[last : m.start()])
        pieces.append("[name]")
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces)
