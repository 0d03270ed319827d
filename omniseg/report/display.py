"""Safe building blocks that report notebooks display.

Everything here escapes what it is given (templates of :mod:`omniseg.report.templating`):
notebook outputs become report HTML verbatim (nbconvert does not sanitise), so a transcript or a
channel label containing ``<script>`` must arrive as text.
Section headings carry an ``os-section`` class and an id; the report template builds its table of
contents from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd
from IPython.display import HTML

from omniseg._checks import bad_parameter
from omniseg.report.templating import render

__all__ = ["bullet_list", "paragraph", "section", "table"]

_ID_RE = re.compile(r"[^A-Za-z0-9_-]+")


def _slug(text: str) -> str:
    slug = _ID_RE.sub("-", text.strip().lower()).strip("-")
    return slug or "section"


def section(
    title: str, *, anchor: str | None = None, level: int = 2, lead: str | None = None
) -> HTML:
    """A report section heading (listed in the table of contents), with an optional lead text.

    Parameters
    ----------
    title : str
        Heading text (escaped).
    anchor : str, optional
        The id used by the table of contents; derived from ``title`` if omitted.
    level : {2, 3}
        Heading level.
    lead : str, optional
        A short paragraph under the heading (escaped).

    Returns
    -------
    IPython.display.HTML
    """
    if level not in (2, 3):
        raise bad_parameter("level", "section", "2 or 3", level)
    return HTML(
        render(
            "blocks/section.html.j2",
            level=level,
            anchor=_slug(anchor or title),
            title=title,
            lead=lead or None,
        )
    )


def paragraph(text: str) -> HTML:
    """A paragraph of escaped text."""
    return HTML(render("blocks/paragraph.html.j2", text=text))


def bullet_list(items: Iterable[str], *, css_class: str = "os-list") -> HTML:
    """An escaped bullet list (e.g. data-quality warnings)."""
    return HTML(
        render("blocks/bullet_list.html.j2", items=[str(i) for i in items], css_class=css_class)
    )


def table(
    frame: pd.DataFrame,
    *,
    formatters: Mapping[str, object] | None = None,
    index: bool = False,
    caption: str | None = None,
    align: str = "numbers",
) -> HTML:
    """An escaped HTML table with the report's table style.

    Parameters
    ----------
    frame : DataFrame
        Table to show; column names and cells are escaped.
    formatters : mapping, optional
        Column name -> callable formatting each cell (e.g. a percentage formatter).
    index : bool
        Whether to show the index.
    caption : str, optional
        A caption above the table (escaped).
    align : {"numbers", "left"}
        ``"numbers"``: every column but the first right-aligned (tables of figures);
        ``"left"``: every column left-aligned (tables of sentences).

    Returns
    -------
    IPython.display.HTML
    """
    body = frame.to_html(
        index=index,
        escape=True,
        border=0,
        classes="os-table os-left" if align == "left" else "os-table",
        formatters=dict(formatters) if formatters else None,
        na_rep="–",
    )
    # pandas escapes every header and cell (escape=True); the template escapes the caption
    return HTML(render("blocks/table.html.j2", caption=caption or None, body=body))
