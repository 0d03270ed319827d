"""The report's one jinja environment escapes everything and refuses undefined names."""

from __future__ import annotations

import pandas as pd
import pytest
from jinja2 import UndefinedError

import omniseg
from omniseg.report import display
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
