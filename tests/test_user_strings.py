"""Every text a report reader sees comes from the catalog.

Three scans of the package, each with an allow-list that says why:

- **presentation code**: a function that takes ``language`` words something for a reader, so
  any natural-language string literal in it (beyond markup, CSS and format fields) is a text
  that bypasses the catalog and would stay English in a Spanish report;
- **word lists**: a dict keyed by ``"en"`` and ``"es"`` outside the catalog is a second catalog;
- **templates**: the words of a jinja template must come from its context (catalog texts), not
  be written into the template.

Errors, warnings raised as exceptions and parameter messages are written in English on purpose
(the language of logs and of support; docs/architecture.md) and are not scanned.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import omniseg
from omniseg.report.paths import TEMPLATES_DIR

PACKAGE = Path(omniseg.__file__).parent
#: two words of letters: a phrase, not a code, a column name or a CSS value
WORDS = re.compile(r"[A-Za-zÁÉÍÓÚÑáéíóúñü]{2,}[,;:]?\s+[A-Za-zÁÉÍÓÚÑáéíóúñü]{2,}")
MARKUP = re.compile(r"<[^>]*>|<\w+[^>]*$|^[^<]*>|&\w+;|\{[^}]*\}|%\{[^}]*\}")
CSS = re.compile(r"[\w-]+\s*:\s*[^;\"']+;?")
#: keyword arguments whose value is shown (titles, labels, hover texts); other keyword values are
#: settings (mode="lines", legend position, ...)
SHOWN_KEYWORDS = {
    "title",
    "name",
    "text",
    "hovertemplate",
    "xaxis_title",
    "yaxis_title",
    "label",
    "caption",
    "lead",
    "title_text",
}
#: calls whose string arguments are messages of errors (English on purpose)
ERROR_CALLS = {"bad_parameter", "_bad", "ParameterError", "echo", "secho"}

ALLOWED_PRESENTATION = {
    "cli.py:report": "the command line's own messages are English, like its --help",
}
ALLOWED_WORD_LISTS = {
    "config/vocabulary.py": "what the codes of Spanish exports (H/M) mean: data, not text",
    "report/i18n.py": "the catalog itself (until it is read from .po files)",
    "report/catalog.py": "the catalog itself (reads the .po files)",
    "voice/persona_names.py:FIRST_NAMES": "fictional first names usual in each language: data",
    "voice/text_terms.py:FILLERS": "words taken out of transcripts: data, never shown",
    "voice/interviews.py:QUOTE_SKIP_PATTERNS": "lines never quoted: data, never shown",
}
ALLOWED_TEMPLATES = {
    "validation_report.html.j2": "JupyterLab display of loading, English like the loader errors",
    "workbench.html.j2": "JupyterLab display of the workbench's state for the analyst",
}


def _skipped_constants(func: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(func):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            skip.add(id(body[0].value))  # docstrings
        if isinstance(node, ast.Raise) and node.exc is not None:
            skip.update(id(m) for m in ast.walk(node.exc))
        if isinstance(node, ast.Call):
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else node.func
            name = callee if isinstance(callee, str) else getattr(callee, "id", "")
            if name in ERROR_CALLS or name.endswith(("Error", "Warning")):
                skip.update(id(m) for m in ast.walk(node))
            for keyword in node.keywords:
                if keyword.arg not in SHOWN_KEYWORDS:
                    skip.update(id(m) for m in ast.walk(keyword.value))
        if isinstance(node, ast.Subscript):
            skip.update(id(m) for m in ast.walk(node.slice))
        if isinstance(node, ast.Compare):
            skip.update(id(m) for m in ast.walk(node))
        if isinstance(node, ast.Dict):
            skip.update(id(k) for k in node.keys if k is not None)
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "expected" for t in node.targets
        ):
            skip.update(id(m) for m in ast.walk(node.value))  # a parameter message's part
    return skip


def _is_phrase(text: str) -> bool:
    text = MARKUP.sub(" ", text)
    if ";" in text or "px" in text:
        text = CSS.sub(" ", text)
    return bool(WORDS.search(text))


def presentation_literals(package: Path = PACKAGE) -> list[str]:
    """``path:function: text`` of every phrase written into code that words for a reader."""
    found = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        seen: set[int] = set()
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            args = func.args.posonlyargs + func.args.args + func.args.kwonlyargs
            if not {a.arg for a in args} & {"language", "lang"}:
                continue
            where = f"{path.relative_to(package)}:{func.name}"
            skip = _skipped_constants(func)
            for node in ast.walk(func):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and id(node) not in skip
                    and id(node) not in seen
                    and _is_phrase(node.value)
                ):
                    seen.add(id(node))
                    if where not in ALLOWED_PRESENTATION:
                        found.append(f"{where}:{node.lineno}: {node.value[:60]!r}")
    return found


def word_lists(package: Path = PACKAGE) -> list[str]:
    """``path:NAME`` (or ``path:line``) of every dict with ``"en"`` and ``"es"`` keys outside
    the catalog, named after the module-level assignment that holds it."""
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = str(path.relative_to(package))
        if rel in ALLOWED_WORD_LISTS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        owner: dict[int, str] = {}
        for statement in tree.body:
            targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            for node in ast.walk(statement):
                if names:
                    owner.setdefault(id(node), names[0])
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                where = f"{rel}:{owner.get(id(node), node.lineno)}"
                if {"en", "es"} <= keys and where not in ALLOWED_WORD_LISTS:
                    found.append(where)
    return found


def template_words(templates: Path = TEMPLATES_DIR) -> list[str]:
    """``template: words`` of the words written into the report's templates."""
    found = []
    for path in sorted(templates.rglob("*.j2")):
        if path.name in ALLOWED_TEMPLATES:
            continue
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|<!--.*?-->", " ", text, flags=re.S)
        text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S)
        text = re.sub(r"<[^>]*>", " ", text)
        found += [f"{path.name}: {w.strip()!r}" for w in text.splitlines() if WORDS.search(w)]
    return found


def test_presentation_code_takes_its_words_from_the_catalog():
    assert presentation_literals() == []


def test_no_word_list_outside_the_catalog():
    assert word_lists() == []


def test_templates_take_their_words_from_the_context():
    assert template_words() == []


def test_the_scans_find_what_they_look_for(tmp_path):
    (tmp_path / "m.py").write_text(
        "def plot_it(x, language='en'):\n"
        "    fig.update_layout(title='Revenue by segment', mode='lines+markers')\n"
        "    raise ValueError('not shown to readers at all')\n"
        "WORDS = {'en': 'Store', 'es': 'Tienda'}\n",
        encoding="utf-8",
    )
    (tmp_path / "card.html.j2").write_text(
        "<h3>{{ title }}</h3><p>Share of revenue</p>", encoding="utf-8"
    )
    assert presentation_literals(tmp_path) == ["m.py:plot_it:2: 'Revenue by segment'"]
    assert word_lists(tmp_path) == ["m.py:WORDS"]
    assert template_words(tmp_path) == ["card.html.j2: 'Share of revenue'"]


@pytest.mark.parametrize("allowed", [ALLOWED_PRESENTATION, ALLOWED_WORD_LISTS, ALLOWED_TEMPLATES])
def test_every_exception_says_why(allowed):
    assert all(len(reason) > 20 for reason in allowed.values())
