"""The text alternative of a report chart, for readers who cannot see it.

Each chart of the exported report is a ``<div role="img">`` whose ``aria-label`` is this text
(:class:`omniseg.report.export.PlotlyOfflinePreprocessor`): the chart's title and subtitle (the
finding it states and what it measures), then, for bar
and pie charts small enough to be read aloud, each series with its categories and the values as
the chart labels them (already in the report's language and number format), and for the others
the names of their series. Screen readers announce it; it is also what a reader gets when the
page is copied as text.
"""

from __future__ import annotations

import base64
import html
import re
from typing import Any

import numpy as np

from omniseg.report.number_formats import format_number

__all__ = ["figure_alt_text"]

#: Series of at most this many points are read out value by value.
MAX_POINTS = 12
#: At most this many series are described.
MAX_SERIES = 6

_TAG = re.compile(r"<[^>]+>")


def _plain(text: object) -> str:
    """Text of a plotly label: tags (``<b>``, ``<br>``) out, entities decoded, spaces collapsed."""
    if text is None:
        return ""
    return " ".join(html.unescape(_TAG.sub(" ", str(text))).split())


def _values(array: Any) -> list | None:
    """A plotly array as a list: JSON lists as they are, typed arrays (``bdata``) decoded."""
    if isinstance(array, list):
        return array
    if isinstance(array, dict) and "bdata" in array and "dtype" in array:
        values = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        shape = array.get("shape")
        return values.reshape(shape).tolist() if shape else values.tolist()
    return None


def _number(value: object, language: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = 0 if float(value).is_integer() or abs(value) >= 100 else 2
        return format_number(float(value), language, digits)
    return _plain(value)


def _series(trace: dict, language: str) -> str:
    """One series: its name, then ``category value`` pairs when it is small enough."""
    name = _plain(trace.get("name"))
    kind = trace.get("type", "scatter")
    if kind == "pie":
        categories, values = _values(trace.get("labels")), _values(trace.get("values"))
    elif kind == "bar":
        x, y = _values(trace.get("x")), _values(trace.get("y"))
        categories, values = (y, x) if trace.get("orientation") == "h" else (x, y)
    else:
        return name
    if not categories or not values or len(values) != len(categories):
        return name
    if len(values) > MAX_POINTS:
        return name
    shown = _values(trace.get("text"))
    if not shown or len(shown) != len(values) or not all(isinstance(s, str) for s in shown):
        shown = [_number(v, language) for v in values]
    pairs = "; ".join(f"{_plain(c)} {_plain(s)}" for c, s in zip(categories, shown, strict=True))
    return f"{name}: {pairs}" if name else pairs


def figure_alt_text(figure: dict, language: str = "en") -> str:
    """The text alternative of a plotly figure (see the module docstring).

    Parameters
    ----------
    figure : dict
        The figure as plotly JSON (``data`` and ``layout``).
    language : {"en", "es"}
        For values the chart does not label itself.

    Returns
    -------
    str
        Plain text (not escaped: the caller escapes it for its attribute).

    Examples
    --------
    >>> fig = {"layout": {"title": {"text": "Share of <b>revenue</b>"}},
    ...        "data": [{"type": "bar", "x": ["Web", "Store"], "y": [0.4, 0.6],
    ...                  "text": ["40%", "60%"], "name": "Revenue"}]}
    >>> figure_alt_text(fig)
    'Share of revenue. Revenue: Web 40%; Store 60%'
    """
    layout = figure.get("layout") or {}
    title = layout.get("title")
    parts = [_plain(title.get("text") if isinstance(title, dict) else title)]
    if isinstance(title, dict) and isinstance(title.get("subtitle"), dict):
        parts.append(_plain(title["subtitle"].get("text")))  # what a finding title measures
    traces = [t for t in figure.get("data") or [] if t.get("visible", True) is not False]
    parts += [_series(trace, language) for trace in traces[:MAX_SERIES]]
    return ". ".join(p for p in parts if p)
