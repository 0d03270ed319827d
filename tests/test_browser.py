"""The browser check itself (tests/browser.py) catches what it is there to catch.

The exported reports are opened in the browser by tests/test_report_demo.py (English, the demo)
and tests/test_report_small.py (Spanish); this page is made to fail every check.
"""

from __future__ import annotations

import pytest
from browser import browser_missing, open_in_browser

pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))

BROKEN = """<!DOCTYPE html><html><body>
<nav class="os-toc"><a href="#here">here</a> <a href="#missing">missing</a></nav>
<div class="os-figure" id="os-fig-1"></div>
<div style="height:3000px"></div><h2 id="here">Here</h2><div style="height:3000px"></div>
<img src="http://example.com/pixel.png" alt="">
<script>not_a_function();</script>
</body></html>
"""


def test_the_check_sees_errors_requests_undrawn_figures_and_broken_links(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(BROKEN, encoding="utf-8")
    got = open_in_browser(page, screenshot=tmp_path / "shot.png")
    assert (got["figures"], got["rendered"]) == (1, 0)
    assert any("not_a_function" in e for e in got["errors"])
    assert "http://example.com/pixel.png" in got["requests"]
    assert got["toc"] == [("here", True), ("missing", False)]
    assert (tmp_path / "shot.png").stat().st_size > 1000
