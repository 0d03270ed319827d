"""The report's one jinja environment escapes everything and refuses undefined names."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from jinja2 import UndefinedError

import omniseg
from omniseg.channels.applicability import NotApplicable
from omniseg.report import display
from omniseg.report.paths import TEMPLATES_DIR
from omniseg.report.templating import environment, render

EVIL = '<script>alert("x")</script> & <img src=x onerror=1>'


def test_every_block_escapes_what_it_is_given():
    html = "".join(
        [
            display.section(EVIL, lead=EVIL).data,
            display.paragraph(EVIL).data,
            display.bullet_list([EVIL, 3]).data,
            display.table(pd.DataFrame({EVIL: [EVIL]}), caption=EVIL).data,
        ]
    )
    assert "<script>" not in html and "<img" not in html
    assert html.count("&lt;script&gt;") == 7  # title, lead, paragraph, item, caption, header, cell


def test_blocks_read_as_before():
    assert display.section("Canales", anchor="channels", lead="Quién usa qué").data == (
        '<h2 class="os-section" id="channels">Canales</h2>\n<p class="os-lead">Quién usa qué</p>'
    )
    assert display.section("Who & why", level=3).data == (
        '<h3 class="os-section" id="who-why">Who &amp; why</h3>'
    )
    assert display.bullet_list(["a", "b"]).data == '<ul class="os-list"><li>a</li><li>b</li></ul>'
    table = display.table(pd.DataFrame({"n": [1]}), caption="Size")
    assert table.data.startswith("<p><strong>Size</strong></p>\n<table")


def test_bad_level_is_a_parameter_error():
    with pytest.raises(omniseg.errors.ParameterError, match="'level' parameter of section"):
        display.section("x", level=4)


def test_undefined_names_raise_instead_of_rendering_empty(tmp_path):
    with pytest.raises(UndefinedError):
        render("blocks/paragraph.html.j2")
    assert environment().autoescape is True


def test_the_validation_report_renders_from_its_template():
    data = omniseg.load_demo()
    html = data.report._repr_html_()
    assert "omniseg — validated inputs" in html
    assert "interactions" in html and "rows kept" in html


def test_every_safe_in_a_template_says_why():
    """``|safe`` only for HTML another template or pandas escaped, with a comment saying so."""
    checked = 0
    for path in sorted(TEMPLATES_DIR.glob("**/*.j2")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\|\s*safe\b", text):
            before = text[: match.start()]
            comment = before[before.rfind("{#") :]  # the last comment before the |safe
            assert comment.startswith("{# safe:"), f"{path.name}: |safe without saying why"
            checked += 1
    assert checked >= 2  # the pandas table block and the survey weights' table


def test_not_applicable_sentence_is_escaped():
    na = NotApplicable("attribution", "one_channel", (EVIL,))
    html = na._repr_html_()
    assert html.startswith('<p class="os-lead">') and "<script>" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x" in html


def test_not_applicable_is_shown_in_the_display_language():
    from omniseg.report.display_options import set_display_language

    na = NotApplicable("attribution", "one_channel", ("store",))
    assert na.text("en") in na._repr_html_()
    set_display_language("es")  # the autouse fixture sets English back
    assert na.text("es") != na.text("en") and na.text("es") in na._repr_html_()
