"""The HTML exporter: offline plotly, no code, no CDN, table of contents, escaping."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import nbformat
import plotly.graph_objects as go
import pytest

from omniseg.report.display import bullet_list, section, table
from omniseg.report.export import PLOTLY_MIMETYPE, export_html, merge_notebooks

SECRET_CODE = "secret_variable_name_42 = 'code must not reach the report'"


def _display_output(obj) -> nbformat.NotebookNode:
    data = {"text/html": obj.data, "text/plain": "<HTML>"}
    return nbformat.v4.new_output("display_data", data=data)


def _figure_output(fig: go.Figure) -> nbformat.NotebookNode:
    return nbformat.v4.new_output(
        "display_data", data={PLOTLY_MIMETYPE: fig.to_plotly_json(), "text/plain": "Figure"}
    )


@pytest.fixture(scope="module")
def notebook() -> nbformat.NotebookNode:
    import pandas as pd

    fig = go.Figure(go.Bar(x=["web", "</script><script>alert(1)</script>"], y=[3, 5]))
    fig.update_layout(title="Channels", height=380)
    cells = [
        nbformat.v4.new_code_cell(SECRET_CODE, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "section(...)",
            outputs=[
                _display_output(section("Data overview", anchor="overview", lead="Lead <b>")),
                nbformat.v4.new_output("stream", name="stderr", text="UserWarning: noisy\n"),
                _figure_output(fig),
            ],
        ),
        nbformat.v4.new_code_cell(
            "table(...)",
            outputs=[
                _display_output(section("Channels & <identity>", level=3)),
                _display_output(table(pd.DataFrame({"label": ["<img src=x onerror=alert(2)>"]}))),
                _display_output(bullet_list(["<script>alert(3)</script>"])),
            ],
        ),
        nbformat.v4.new_markdown_cell("dev note", metadata={"tags": ["report-skip"]}),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


@pytest.fixture(scope="module")
def page(notebook) -> str:
    return export_html(notebook, title="Report <x>", subtitle_lines=["Run: demo & co"])


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict]]:
    parser = _TagCollector()
    parser.feed(page)
    return parser.tags


def test_no_code_and_no_stderr_in_report(page):
    assert "secret_variable_name_42" not in page
    assert "UserWarning: noisy" not in page
    assert "dev note" not in page


def test_nothing_loaded_from_the_network(page):
    for tag, attrs in _tags(page):
        for attr in ("src", "href"):
            value = attrs.get(attr) or ""
            assert not value.startswith(("http:", "https:", "//")), (tag, attrs)
    assert "require.min.js" not in page and "MathJax.js" not in page


def test_plotly_embedded_once_and_figure_data_kept(page):
    assert page.count("plotly.js v") == 1
    match = re.search(r'<script[^>]*id="os-fig-1-data"[^>]*>(.*?)</script>', page, re.DOTALL)
    assert match, "figure JSON block missing"
    figure = json.loads(match.group(1))
    assert figure["layout"]["title"]["text"] == "Channels"
    assert figure["data"][0]["x"][1] == "</script><script>alert(1)</script>"
    assert 'id="os-fig-1"' in page and "height:380px" in page


def test_injection_payloads_stay_text(page):
    scripts = [attrs for tag, attrs in _tags(page) if tag == "script"]
    # plotly.js, the figure JSON, the drawing script; nothing from the data
    assert len(scripts) == 3
    assert not any(tag == "img" for tag, _ in _tags(page))
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert "Report &lt;x&gt;" in page and "Run: demo &amp; co" in page


def test_table_of_contents_lists_sections(page):
    nav = re.search(r'<nav[^>]*class="os-toc".*?</nav>', page, re.DOTALL).group(0)
    assert '<a href="#overview">Data overview</a>' in nav
    assert "Channels &amp; &lt;identity&gt;" in nav
    assert 'class="os-toc-3"' in nav


def test_export_is_deterministic(notebook, page):
    assert export_html(notebook, title="Report <x>", subtitle_lines=["Run: demo & co"]) == page


def test_merge_keeps_order_and_inputs_untouched(notebook):
    merged = merge_notebooks([notebook, notebook])
    assert len(merged.cells) == 2 * len(notebook.cells)
    merged.cells[0].source = "changed"
    assert notebook.cells[0].source == SECRET_CODE
    with pytest.raises(ValueError, match="at least one notebook"):
        merge_notebooks([])


def test_section_rejects_bad_level():
    with pytest.raises(ValueError, match="must be 2 or 3"):
        section("x", level=1)


def test_each_figure_has_an_escaped_text_alternative(page):
    figures = [a for tag, a in _tags(page) if tag == "div" and "os-figure" in a.get("class", "")]
    assert len(figures) == 1 and figures[0]["role"] == "img"
    # tags in labels are dropped from the text a screen reader gets
    assert figures[0]["aria-label"] == "Channels. web 3; alert(1) 5"
    fig = go.Figure(go.Bar(x=["a"], y=[1]))
    fig.update_layout(title='Sales" onmouseover="alert(1)" x="&')
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("fig", outputs=[_figure_output(fig)])]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    tags = _tags(export_html(nb, title="t"))
    (div,) = [a for tag, a in tags if tag == "div" and "os-figure" in a.get("class", "")]
    assert div["aria-label"] == 'Sales" onmouseover="alert(1)" x="&. a 1'  # one attribute, text
    assert not [a for _, a in tags if "onmouseover" in a]


def test_text_alternatives_read_small_charts_and_name_the_series_of_others():
    import base64

    import numpy as np

    from omniseg.report.figure_text import MAX_POINTS, figure_alt_text

    typed = {"dtype": "f8", "bdata": base64.b64encode(np.array([1234.0, 0.25]).tobytes()).decode()}
    bars = {
        "layout": {"title": {"text": "Ingresos <br>por canal"}},
        "data": [{"type": "bar", "orientation": "h", "x": typed, "y": ["Web", "Tienda"]}],
    }
    assert figure_alt_text(bars, "es") == "Ingresos por canal. Web 1.234; Tienda 0,25"
    assert figure_alt_text(bars, "en") == "Ingresos por canal. Web 1,234; Tienda 0.25"
    pie = {"layout": {"title": "Mix"}, "data": [{"type": "pie", "labels": ["a", "b"],
                                                  "values": [3, 1], "name": "Share"}]}  # fmt: skip
    assert figure_alt_text(pie) == "Mix. Share: a 3; b 1"
    pie["layout"]["title"] = {"text": "a leads with 75%", "subtitle": {"text": "Mix"}}
    assert figure_alt_text(pie) == "a leads with 75%. Mix. Share: a 3; b 1"
    big = MAX_POINTS + 1
    many = {"layout": {}, "data": [
        {"type": "bar", "x": list(range(big)), "y": [1] * big, "name": "Big"},
        {"type": "scatter", "x": [1, 2], "y": [3, 4], "name": "Trend"},
        {"type": "bar", "x": ["x"], "y": [1], "name": "Hidden", "visible": False},
    ]}  # fmt: skip
    assert figure_alt_text(many) == "Big. Trend"


def test_time_axes_get_the_report_language_month_names(notebook):
    from omniseg.report.date_formats import plotly_locale

    spanish = export_html(notebook, title="t", language="es")
    found = re.search(r'<script id="os-plotly-locale" type="application/json">(.*?)</script>',
                      spanish)  # fmt: skip
    assert found and json.loads(found.group(1)) == plotly_locale("es")
    assert plotly_locale("es")["format"]["shortMonths"][:3] == ["ene", "feb", "mar"]
    assert plotly_locale("es")["format"]["days"][0] == "domingo"  # plotly's weeks start Sunday
    assert 'id="os-plotly-locale"' not in export_html(notebook, title="t")  # English: plotly's own
