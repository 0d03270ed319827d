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

__all__ = ["CHART_TEMPLATE", "chart_layout", "finding_title"]

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


def finding_title(variable: str, finding: str | None = None) -> dict[str, object]:
    """A chart's ``title``: the finding it shows, with what it measures as the subtitle.

    Parameters
    ----------
    variable : str
        What the chart measures ("Channels at a glance"); the title when there is no finding.
    finding : str, optional
        One sentence stating what the chart shows, with its number ("Store brings 59.1% of
        revenue"), worded by the caller from the chart's own figures.

    Returns
    -------
    dict
        plotly's ``layout.title``.

    Examples
    --------
    >>> finding_title("Channels at a glance", "Store brings 59.1% of revenue")
    {'text': 'Store brings 59.1% of revenue', 'subtitle': {'text': 'Channels at a glance'}}
    >>> finding_title("Channels at a glance")
    {'text': 'Channels at a glance'}
    """
    if not finding:
        return {"text": variable}
    return {"text": finding, "subtitle": {"text": variable}}
