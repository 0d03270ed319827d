"""Numbers, percentages and money as the report's language writes them, through Babel.

The separators, the place of the percent and currency signs and the spaces come from Babel's
locale data (CLDR): English ``1,234.5``, ``62.0%``, ``€1,234``; Spanish ``1.234,5``, ``62,0 %``,
``1.234 €`` (non-breaking spaces, so a table cell never wraps before the sign). Every number is
grouped (also Spanish four-digit numbers, which CLDR would leave ungrouped) and rounded half to
even on its exact binary value, as Python's ``format`` does. Missing values read ``'–'``; a
rounding error never reads ``-0``.

Examples
--------
>>> format_number(1234.5, "es", digits=1), format_percent(0.62, "es")
('1.234,5', '62,0\xa0%')
>>> format_money(-3, "en", currency="USD"), format_money(-3, "es", currency="USD")
('-$3', '-3\xa0US$')
"""

from __future__ import annotations

import decimal
import functools
import math
import re
from typing import Any

from babel import Locale
from babel.numbers import format_currency, format_decimal, get_currency_name, get_currency_symbol
from babel.numbers import format_percent as _babel_percent

from omniseg.errors import ParameterError
from omniseg.report.catalog import check_language

__all__ = ["currency_symbol", "format_money", "format_number", "format_percent", "set_currency"]

#: What a missing value reads.
MISSING = "–"
#: Decimal precision for Babel's rounding: enough digits for any float (up to 1e308).
_PRECISION = 400


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT, pd.NA (whose comparison raises or is NA)
    except (TypeError, ValueError):
        return True


@functools.cache
def _pattern(kind: str, language: str, digits: int) -> str:
    """The locale's ``kind`` pattern with always-grouped integers and exactly ``digits``
    decimals (``'#,##0.0\xa0%'`` for Spanish percentages with one decimal)."""
    locale = Locale.parse(language)
    formats = {
        "decimal": locale.decimal_formats,
        "percent": locale.percent_formats,
        "currency": locale.currency_formats,
    }[kind]
    pattern = formats["standard" if kind == "currency" else None].pattern
    fraction = "." + "0" * digits if digits > 0 else ""
    return re.sub(r"#,##0(?:\.[0#]+)?", "#,##0" + fraction, pattern)


def _finite_or_zero(value: float, digits: int) -> decimal.Decimal:
    """``value`` as an exact Decimal; a value that rounds to 0 at ``digits`` is 0 (no "-0")."""
    if math.isfinite(value) and round(value, digits) == 0:
        value = 0.0
    return decimal.Decimal(value)


def _babel(formatter: Any, value: decimal.Decimal, *args: Any, **kwargs: Any) -> str:
    with decimal.localcontext() as context:
        context.prec = _PRECISION
        return formatter(value, *args, **kwargs)


def format_number(value: float | None, language: str = "en", digits: int = 0) -> str:
    """A number with the language's thousands and decimal separators.

    Parameters
    ----------
    value : float or None
        The number; missing values (``None``, NaN, ``pd.NA``) are shown as ``'–'``.
    language : {"en", "es"}, default "en"
    digits : int, default 0
        Decimal places.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(1234.5, "en", digits=1)
    '1,234.5'
    >>> format_number(1234.5, "es", digits=1)
    '1.234,5'
    >>> format_number(-1e-12, "en")  # no "-0": a rounding error is not a negative number
    '0'
    >>> format_number(None, "es"), format_number(float("inf"), "es")
    ('–', '∞')
    """
    check_language(language)
    if _missing(value):
        return MISSING
    digits = max(int(digits), 0)
    number = _finite_or_zero(float(value), digits)
    return _babel(format_decimal, number, _pattern("decimal", language, digits), locale=language)


def format_percent(value: float | None, language: str = "en", digits: int = 1) -> str:
    """A share (``0.62``) as a percentage.

    Parameters
    ----------
    value : float or None
        A share between 0 and 1; missing values are shown as ``'–'``.
    language : {"en", "es"}, default "en"
    digits : int, default 1
        Decimal places of the percentage.

    Returns
    -------
    str
        ``'62.0%'`` (en) or ``'62,0 %'`` (es, with a non-breaking space).

    Examples
    --------
    >>> format_percent(0.62, "en"), format_percent(0.62, "es"), format_percent(None, "es")
    ('62.0%', '62,0\xa0%', '–')
    """
    check_language(language)
    if _missing(value):
        return MISSING
    digits = max(int(digits), 0)
    percent = _finite_or_zero(100 * float(value), digits)  # rounded as the percentage it shows
    pattern = _pattern("percent", language, digits)
    with decimal.localcontext() as context:
        context.prec = _PRECISION
        return _babel_percent(percent / 100, pattern, locale=language)


#: The currency money figures are shown in unless a call names one (ISO 4217); a report run sets
#: it from its ``currency`` parameter (:func:`set_currency`, called by ``open_report``).
_CURRENCY = {"code": "EUR"}


def set_currency(code: str) -> None:
    """Show money in ``code`` (ISO 4217, e.g. ``"USD"``) from now on in this process."""
    try:
        get_currency_name(code, locale="en")
    except Exception:  # pragma: no cover - params already checked it
        raise ParameterError(f"Unknown currency code {code!r}.") from None
    _CURRENCY["code"] = str(code)


def currency_symbol(language: str = "en", code: str | None = None) -> str:
    """The currency's symbol in ``language`` (``€``; ``$``/``US$`` for USD; ``£``)."""
    return get_currency_symbol(code or _CURRENCY["code"], locale=language)


def format_money(
    value: float | None, language: str = "en", digits: int = 0, currency: str | None = None
) -> str:
    """An amount of money, in the run's currency (default euros).

    Parameters
    ----------
    value : float or None
        The amount; missing values are shown as ``'–'``.
    language : {"en", "es"}, default "en"
    digits : int, default 0
        Decimal places.
    currency : str, optional
        ISO 4217 code; default the run's (:func:`set_currency`, ``EUR`` unless set).

    Returns
    -------
    str
        ``'€1,234'`` (en) or ``'1.234 €'`` (es, with a non-breaking space).

    Examples
    --------
    >>> format_money(1234.5, "en"), format_money(1234.5, "es")
    ('€1,234', '1.234\xa0€')
    >>> format_money(1234.5, "en", currency="USD"), format_money(-3, "es", currency="USD")
    ('$1,234', '-3\xa0US$')
    """
    check_language(language)
    if _missing(value):
        return MISSING
    digits = max(int(digits), 0)
    number = _finite_or_zero(float(value), digits)
    return _babel(
        format_currency,
        number,
        currency or _CURRENCY["code"],
        _pattern("currency", language, digits),
        locale=language,
        currency_digits=False,
    )
