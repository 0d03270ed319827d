"""Dates as the report's reader writes them, through Babel, in the text and in the charts.

Text: :func:`format_date` (``May 1, 2025`` / ``1 may 2025``) and :func:`format_month`
(``May 2025`` / ``may 2025``), from CLDR's medium date and its abbreviated month names.
Charts: plotly.js draws date axes with its own English month names; :func:`plotly_locale` gives
it the language's month and day names and separators (a plotly ``locale`` module), which the
report template registers before drawing, so a Spanish report's time axis reads ``may 2025``.

Examples
--------
>>> import datetime as dt
>>> format_date(dt.date(2025, 5, 1), "es"), format_date("2025-05-01", "en")
('1 may 2025', 'May 1, 2025')
>>> format_month("2026-01-31", "es"), format_month("2026-01-31", "en")
('ene 2026', 'Jan 2026')
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pandas as pd
from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_skeleton

from omniseg.report.catalog import check_language

__all__ = ["format_date", "format_month", "plotly_locale"]

#: What a missing date reads.
MISSING = "–"


def _date(value: Any) -> dt.date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def format_date(value: Any, language: str = "en") -> str:
    """A day (date, datetime, Timestamp or ISO text) in the language's medium date format."""
    day = _date(value)
    if day is None:
        return MISSING
    return _babel_date(day, format="medium", locale=check_language(language))


def format_month(value: Any, language: str = "en") -> str:
    """The month of ``value``: abbreviated month name and year (CLDR's ``yMMM`` skeleton)."""
    day = _date(value)
    if day is None:
        return MISSING
    return format_skeleton("yMMM", day, locale=check_language(language)).replace(".", "")


@functools.cache
def plotly_locale(language: str) -> dict[str, Any]:
    """A plotly.js locale module for ``language`` (``Plotly.register(...)``).

    Month and day names (wide and abbreviated, stand-alone forms) and the decimal and
    thousands marks come from CLDR; the date format is the short one.
    """
    lang = check_language(language)
    locale = Locale.parse(lang)

    def names(kind: str, width: str) -> list[str]:
        table = getattr(locale, kind)["stand-alone"][width]
        keys = range(1, 13) if kind == "months" else (6, 0, 1, 2, 3, 4, 5)  # plotly: Sunday first
        return [str(table[k]).replace(".", "") for k in keys]

    return {
        "moduleType": "locale",
        "name": lang,
        "dictionary": {},
        "format": {
            "days": names("days", "wide"),
            "shortDays": names("days", "abbreviated"),
            "months": names("months", "wide"),
            "shortMonths": names("months", "abbreviated"),
            "date": "%d/%m/%Y" if lang != "en" else "%m/%d/%Y",
            "decimal": locale.number_symbols["latn"]["decimal"],
            "thousands": locale.number_symbols["latn"]["group"],
        },
    }
