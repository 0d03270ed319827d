"""Every chart of the package takes its layout from the one helper, per language."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import omniseg
from omniseg.report.chart_style import CHART_TEMPLATE, chart_layout

PACKAGE = Path(omniseg.__file__).parent


@pytest.mark.parametrize(("language", "separators"), [("en", ".,"), ("es", ",.")])
def test_separators_follow_the_locale(language, separators):
    layout = chart_layout(language, height=10, separators_note=None)
    assert layout["separators"] == separators
    assert layout["template"] == CHART_TEMPLATE
    assert layout["height"] == 10


def test_unknown_language_is_refused():
    with pytest.raises(omniseg.errors.ParameterError, match="'language' parameter"):
        chart_layout("fr")


def _layout_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "update_layout"
        ):
            yield node


def test_every_first_layout_of_a_chart_uses_the_helper():
    """A figure's first ``update_layout`` (the one that sets title and size) starts from
    ``chart_layout``: no module sets its own template or separators (the Spanish transition,
    Sankey and attribution charts showed English separators before the helper)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "chart_style.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _layout_calls(tree):
            names = {kw.arg for kw in call.keywords}
            if {"template", "separators"} & names:
                offenders.append(f"{path.relative_to(PACKAGE)}:{call.lineno}")
        text = path.read_text(encoding="utf-8")
        if '"plotly_white"' in text or 'separators=",."' in text:
            offenders.append(f"{path.relative_to(PACKAGE)}: sets a template or separators")
    assert offenders == []
