"""Report text and number formats in English and Spanish: the module the stages import.

The texts are gettext catalogs, ``omniseg/report/locale/<language>/LC_MESSAGES/omniseg.po``
(read by :mod:`omniseg.report.catalog`; ``docs/catalog.md`` says how to add or change a text or
add a language). Numbers, percentages and money are written by Babel for the language
(:mod:`omniseg.report.number_formats`): Spanish readers see ``1.234,5``, ``62,0 %``, ``1.234 €``
(with non-breaking spaces, so a table cell never wraps before the sign). Loader warnings are
worded by :mod:`omniseg.report.loader_wording`. This module re-exports their public names and
adds the channel and event labels.

Examples
--------
>>> t("overview.title", "es")
'Resumen de los datos'
>>> channel_label("store", "es")
'Tienda'
>>> format_number(1234.5, "es", digits=1)
'1.234,5'
"""

from __future__ import annotations

from collections.abc import Mapping

from omniseg.config.vocabulary import CANONICAL_CHANNELS
from omniseg.report.catalog import (
    SUPPORTED_LANGUAGES,
    catalog_keys,
    check_language,
    format_text,
    has_text,
    language_texts,
    pt,
    t,
    texts,
)
from omniseg.report.date_formats import format_date, format_month
from omniseg.report.loader_wording import translate_loader_warning
from omniseg.report.number_formats import (
    currency_symbol,
    format_money,
    format_number,
    format_percent,
    set_currency,
)

__all__ = [
    "CHANNEL_LABELS",
    "EVENT_LABELS",
    "MESSAGES",
    "SUPPORTED_LANGUAGES",
    "catalog_keys",
    "channel_in_sentence",
    "channel_label",
    "check_language",
    "currency_symbol",
    "event_label",
    "format_date",
    "format_money",
    "format_month",
    "format_number",
    "format_percent",
    "format_text",
    "has_text",
    "language_texts",
    "pt",
    "set_currency",
    "t",
    "texts",
    "translate_loader_warning",
]

#: Every context-free text, read-only: key -> language -> text (unformatted; a text with plural
#: forms shows its last form). Texts are changed in the catalogs, not here.
MESSAGES: Mapping[str, Mapping[str, str]] = texts("")
#: Language -> canonical channel -> display name (catalog keys ``channel.<name>``), read-only.
CHANNEL_LABELS: Mapping[str, Mapping[str, str]] = texts("channel.", by_language=True)
#: Language -> canonical event -> display name (catalog keys ``event.<name>``), read-only.
EVENT_LABELS: Mapping[str, Mapping[str, str]] = texts("event.", by_language=True)


def _label(prefix: str, name: object, language: str) -> str:
    check_language(language)
    key = f"{prefix}{name}"
    return t(key, language) if has_text(key, language) else str(name).capitalize()


def channel_label(channel: str, language: str = "en") -> str:
    """Display name of a channel.

    Parameters
    ----------
    channel : str
        A canonical channel (``"store"``) or any other label, which is shown capitalised.
    language : {"en", "es"}, default "en"

    Returns
    -------
    str

    Examples
    --------
    >>> channel_label("phone", "es")
    'Teléfono'
    >>> channel_label("kiosk", "es")
    'Kiosk'
    """
    return _label("channel.", channel, language)


def channel_in_sentence(channel: str, language: str = "en") -> str:
    """A channel's name as written inside a sentence (Spanish writes common nouns in lower
    case: "usado por el 40 % en la tienda"); the catalog's ``msgctxt "sentence"`` entries.

    A channel the catalog does not name is written as :func:`channel_label` shows it (a
    brand keeps its capitals).

    Examples
    --------
    >>> channel_in_sentence("store", "es"), channel_in_sentence("sms", "es")
    ('tienda', 'SMS')
    >>> channel_in_sentence("store", "en")
    'Store'
    """
    if channel in CANONICAL_CHANNELS:
        return pt("sentence", f"channel.{channel}", language)
    return channel_label(channel, language)


def event_label(event: str, language: str = "en") -> str:
    """Display name of an event type.

    Parameters
    ----------
    event : str
        A canonical event (``"purchase"``) or any other label, which is shown capitalised.
    language : {"en", "es"}, default "en"

    Returns
    -------
    str

    Examples
    --------
    >>> event_label("complaint", "es")
    'Queja'
    """
    return _label("event.", event, language)
