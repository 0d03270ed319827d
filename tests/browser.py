"""A report opened in a real browser: headless Chromium through selenium, networking disabled.

``open_in_browser(report_html, screenshot=...)`` loads the exported ``report.html`` from disk and
returns what a reader's browser did with it:

- ``figures``: the report's figure containers (``div.os-figure``, one per chart),
  ``rendered``: those that hold plotly's drawing (an ``svg.main-svg``) and ``described``: those
  with a text alternative (``role="img"`` and a non-empty ``aria-label``); ``ticks``: each
  figure's x-axis tick labels as drawn;
- ``errors``: the console's SEVERE entries (JavaScript errors, failed loads);
- ``requests``: every URL the page asked for other than the file itself and inline ``data:``
  images (a report must need no network; name resolution is switched off, so a request that
  slips through fails, and is listed here);
- ``toc``: for each in-page link (the table of contents, the summary's evidence links), its
  target and whether clicking it brought that section to the top of the window (or the window
  scrolled as far as it can);
- with ``pdf=True``, ``pages``: the text of each page of the page printed to PDF on A4 (the
  print styles), NFKC-normalised (PDF text has ligatures such as "ﬁ") with spaces collapsed.

Chromium and its driver come from the Debian packages ``chromium`` and ``chromium-driver``
(``.ci/run`` installs them; playwright's browser download is not reachable here). Without them
:func:`browser_missing` says why and the tests skip.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import unicodedata
from pathlib import Path

__all__ = ["browser_missing", "open_in_browser"]

_CHROMIUM = ("chromium", "chromium-browser", "google-chrome")

#: Clicks each in-page link and reports whether its section reached the top of the window.
_TOC_SCRIPT = """
const out = [];
const maxScroll = document.documentElement.scrollHeight - window.innerHeight;
for (const a of document.querySelectorAll('a[href^="#"]')) {
  const id = decodeURIComponent(a.getAttribute('href').slice(1));
  const target = document.getElementById(id);
  window.scrollTo(0, 0);
  a.click();
  const top = target ? target.getBoundingClientRect().top : null;
  const reached = target !== null && (Math.abs(top) <= 2 || window.scrollY >= maxScroll - 2);
  out.push([id, reached]);
}
window.scrollTo(0, 0);
return out;
"""

_FIGURE_SCRIPT = """
const figs = [...document.querySelectorAll('div.os-figure')];
const ticks = {};
for (const f of figs) {
  ticks[f.id] = [...f.querySelectorAll('.xtick text')].map(t => t.textContent);
}
return {figures: figs.length, ticks: ticks,
        rendered: figs.filter(f => f.querySelector('svg.main-svg') !== null).length,
        described: figs.filter(f => f.getAttribute('role') === 'img'
                                    && (f.getAttribute('aria-label') || '').trim() !== '').length};
"""


def _chromium() -> str | None:
    return next((p for p in map(shutil.which, _CHROMIUM) if p), None)


def browser_missing() -> str | None:
    """Why the browser tests cannot run here (None: they can)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if _chromium() is None or shutil.which("chromedriver") is None:
        return "Chromium and chromedriver are missing (apt-get install chromium chromium-driver)"
    return None


def _page_texts(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    texts = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        text = unicodedata.normalize("NFKC", page.extract_text() or "")
        texts.append(re.sub(r"\s+", " ", text).strip())
    return texts


def open_in_browser(
    report_html: Path, screenshot: Path | None = None, *, pdf: bool = False
) -> dict:
    """Open ``report_html`` in headless Chromium and return what happened (module docstring)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _chromium()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves: no network
        "--window-size=1300,900",
        "--lang=en-US",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.set_page_load_timeout(60)
        url = report_html.resolve().as_uri()
        driver.get(url)
        driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));"
        )  # plotly draws on load; two frames later every figure has been laid out
        result = dict(driver.execute_script(_FIGURE_SCRIPT))
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(screenshot))  # the first screen, before any click
        result["toc"] = [tuple(x) for x in driver.execute_script(_TOC_SCRIPT)]
        logs = driver.get_log("browser")
        result["errors"] = [e["message"] for e in logs if e["level"] == "SEVERE"]
        requests = set()
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                requests.add(message["params"]["request"]["url"])
        result["requests"] = sorted(r for r in requests if r != url and not r.startswith("data:"))
        if pdf:
            from selenium.webdriver.common.print_page_options import PrintOptions

            options = PrintOptions()
            options.page_width, options.page_height = 21.0, 29.7  # A4, in cm
            result["pages"] = _page_texts(base64.b64decode(driver.print_page(options)))
        return result
    finally:
        driver.quit()
