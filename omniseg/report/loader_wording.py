"""Loader warnings worded in the report's language.

A :class:`~omniseg.ingest.loader_warnings.LoaderWarning` holds a ``loader.*`` catalog key and
plain fields; its numbers are formatted here for the language (:data:`LOADER_SHARES`,
:data:`LOADER_AMOUNTS`, other numbers as counts), its worded parts are worded in the same
language, and the plural form of the text follows the raw count.
"""

from __future__ import annotations

from collections.abc import Mapping

from omniseg.report.catalog import check_language, format_text
from omniseg.report.number_formats import format_number, format_percent

__all__ = ["LOADER_AMOUNTS", "LOADER_SHARES", "translate_loader_warning"]

#: Loader-warning fields that are shares, with the decimals of their percentage.
LOADER_SHARES: dict[str, int] = {"share": 1, "revenue_share": 1, "order_share": 0}
#: Loader-warning fields that are amounts, with their decimals.
LOADER_AMOUNTS: dict[str, int] = {"revenue": 2}


def _loader_field(name: str, value: object, language: str) -> object:
    """One field of a loader warning, ready for the ``language`` text of its key."""
    if isinstance(value, dict) and "key" in value:  # a worded part
        return _word_loader(value["key"], value.get("params", {}), language)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value  # labels and lists are kept
    if name in LOADER_SHARES:  # rounded as the share first (the exact binary value), then shown
        digits = LOADER_SHARES[name]
        return format_percent(round(float(value), digits + 2), language, digits)
    return format_number(value, language, LOADER_AMOUNTS.get(name, 0))


def _word_loader(key: str, params: Mapping[str, object], language: str) -> str:
    fields = {name: _loader_field(name, value, language) for name, value in params.items()}
    return format_text(key, language, fields, counts=params)


def translate_loader_warning(warning: object, language: str = "en") -> str:
    """A loader warning worded in the report's language.

    Parameters
    ----------
    warning : LoaderWarning or str
        A :class:`~omniseg.ingest.loader_warnings.LoaderWarning` (a ``loader.*`` key of the
        catalog and its fields); a plain text is returned as it is.
    language : {"en", "es"}, default "en"

    Returns
    -------
    str

    Examples
    --------
    >>> from omniseg.ingest.loader_warnings import LoaderWarning
    >>> w = LoaderWarning(
    ...     "loader.duplicates",
    ...     {"src": "customers.csv", "n": 1025, "share": 0.005, "rows": 205000, "caution": ""},
    ... )
    >>> translate_loader_warning(w, "en")
    'customers.csv: 1,025 exact duplicate rows dropped (0.5% of 205,000 rows)'
    >>> translate_loader_warning(w, "es")
    'customers.csv: se eliminaron 1.025 filas duplicadas exactas (0,5\xa0% de 205.000 filas)'
    """
    check_language(language)
    key = getattr(warning, "key", None)
    if key is None:
        return str(warning)
    return _word_loader(key, getattr(warning, "params", {}), language)
