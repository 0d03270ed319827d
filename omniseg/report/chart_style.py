"""The one plotly layout of the report, per language.

Every chart of omniseg starts from :func:`chart_layout`: the same template, and the number
separators of the report language taken from the locale data of Babel (``1.234,5`` in Spanish),
so a chart's ticks and hover labels read like the tables beside it.

Examples
--------
>>> chart_layout("es")["separators"], chart_layout("en")["separators"]
(',.', '.,')
>>> chart_layout("en", height=300)["height"]
300
"""

from __future__ import annotations

from functools import cache

from babel.numbers import get_decimal_symbol, get_group_symbol

from omniseg.report.i18n import check_language

__all__ = ["CHART_TEMPLATE", "chart_layout"]

#: The plotly template of every chart.
CHART_TEMPLATE = "plotly_white"


@cache
def _separators(language: str) -> str:
    """Plotly's ``separators``: the decimal mark, then the thousands mark, of ``language``."""
    group = get_group_symbol(language)
    # CLDR's Spanish group mark is "." but it is not used below 10,000; plotly always groups,
    # and the report's tables do too (format_number), so the chart follows the tables.
    return get_decimal_symbol(language) + ("." if group.strip() == "" else group)


def chart_layout(language: str, **layout: object) -> dict[str, object]:
    """The keyword arguments of ``fig.update_layout`` for a chart in ``language``.

    Parameters
    ----------
    language : {"en", "es"}
        Report language.
    **layout
        Further layout settings of the chart (title, height, axes), which win over the defaults.

    Returns
    -------
    dict
        ``template`` and ``separators``, and ``layout``.
    """
    check_language(language)
    return {"template": CHART_TEMPLATE, "separators": _separators(language), **layout}
