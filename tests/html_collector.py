"""An HTML page's start tags (with their attributes) and its text, for the report tests."""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["TagsAndText"]


class TagsAndText(HTMLParser):
    """``feed(html)``, then ``tags``: ``(tag, attributes)`` in order, ``text``: the text runs."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)
