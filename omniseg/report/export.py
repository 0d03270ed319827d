"""Export executed notebooks as one self-contained, offline HTML report.

Why a custom exporter (measured on these machines, see ``docs/reports.md``):

* Under papermill, plotly emits figures only as ``application/vnd.plotly.v1+json``; nbconvert's
  stock HTML exporter drops that output type, so charts silently vanish.
  :class:`PlotlyOfflinePreprocessor` turns each such output into a ``<div>`` plus the figure's JSON
  in a ``<script type="application/json">`` block, and the ``omniseg`` template embeds plotly.js
  *once* and draws every figure from its JSON. No CDN, so the page works with no network.
* The stock ``lab`` template loads require.js, MathJax and mermaid.js from a CDN; the ``omniseg``
  template (``omniseg/templates/nbconvert/omniseg``) drops them.
* There is no built-in table of contents; the template builds one from the section headings that
  :func:`omniseg.report.section` writes.
* Code cells, prompts and stderr streams (warnings, progress bars) never reach the report.
"""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Sequence

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from omniseg.errors import ParameterError
from omniseg.report.date_formats import plotly_locale
from omniseg.report.figure_display import PLOTLY_MIMETYPE
from omniseg.report.paths import TEMPLATES_DIR

__all__ = [
    "PLOTLY_MIMETYPE",
    "PlotlyOfflinePreprocessor",
    "ReportCleanupPreprocessor",
    "export_html",
    "merge_notebooks",
]

NBCONVERT_TEMPLATES = TEMPLATES_DIR / "nbconvert"

#: Headings written by omniseg.report.section(); the table of contents is built from them.
_SECTION_RE = re.compile(
    r'<h(?P<level>[23]) class="os-section[^"]*" id="(?P<id>[A-Za-z0-9_-]+)">'
    r"(?P<title>.*?)</h(?P=level)>",
    re.DOTALL,
)
_TAG_RE = re.compile(r"<[^>]+>")


def _safe_json(obj: object) -> str:
    """JSON that can sit inside a ``<script>`` element: no ``<``, ``>`` or ``&`` characters."""
    text = json.dumps(obj, separators=(",", ":"), sort_keys=True, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sanitize_numbers(obj: object) -> object:
    """Replace NaN/inf floats (invalid JSON) by ``None`` recursively."""
    if isinstance(obj, float) and (obj != obj or obj in (float("inf"), float("-inf"))):
        return None
    if isinstance(obj, dict):
        return {k: _sanitize_numbers(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_sanitize_numbers(v) for v in obj]
    return obj


class PlotlyOfflinePreprocessor(Preprocessor):
    """Replace plotly JSON outputs by an HTML ``<div>`` the report template draws offline.

    Each figure gets a deterministic id (``os-fig-1``, ``os-fig-2``, ...) so the same notebook gives
    the same HTML, and a text alternative (``role="img"``, ``aria-label``:
    :func:`omniseg.report.figure_text.figure_alt_text`, escaped). Other representations of the
    same output (a CDN-loading ``text/html``, a PNG) are dropped so that each figure appears once.
    """

    def preprocess(self, nb, resources):
        from omniseg.report.figure_text import figure_alt_text

        language = resources.get("language_code") or "en"
        counter = 0
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data")
                if not data or PLOTLY_MIMETYPE not in data:
                    continue
                counter += 1
                figure = data[PLOTLY_MIMETYPE]
                if isinstance(figure, str):
                    figure = json.loads(figure)
                figure = _sanitize_numbers(figure)
                height = (figure.get("layout") or {}).get("height") or 460
                fig_id = f"os-fig-{counter}"
                label = html.escape(figure_alt_text(figure, language), quote=True)
                output["data"] = {
                    "text/html": (
                        f'<div class="os-figure" id="{fig_id}" data-figure="{fig_id}-data" '
                        f'role="img" aria-label="{label}" '
                        f'style="height:{int(height)}px"></div>\n'
                        f'<script type="application/json" id="{fig_id}-data">'
                        f"{_safe_json(figure)}</script>"
                    )
                }
                output["metadata"] = {}
        resources.setdefault("omniseg", {})["n_figures"] = counter
        return nb, resources


class ReportCleanupPreprocessor(Preprocessor):
    """Remove what a report reader should never see and collect the table of contents.

    Drops stderr streams (warnings, progress bars) and error outputs' tracebacks (a failed run never
    gets exported, but a caught error's traceback could print raw data), clears widget state, drops
    code cells left with no output, and reads the ``os-section`` headings into
    ``resources["omniseg"]["toc"]``.
    """

    def preprocess(self, nb, resources):
        toc = []
        seen: set[str] = set()
        nb.metadata.pop("widgets", None)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            kept = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    continue
                if output.get("output_type") == "error":
                    continue
                data = output.get("data") or {}
                data.pop("application/vnd.jupyter.widget-view+json", None)
                if output.get("output_type") in ("display_data", "execute_result") and not data:
                    continue
                for match in _SECTION_RE.finditer(data.get("text/html", "") or ""):
                    anchor = match.group("id")
                    if anchor in seen:
                        continue
                    seen.add(anchor)
                    title = html.unescape(_TAG_RE.sub("", match.group("title"))).strip()
                    toc.append({"id": anchor, "title": title, "level": int(match.group("level"))})
                kept.append(output)
            cell.outputs = kept
        # code cells with nothing to show (parameters, setup) would leave empty gaps
        nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.outputs]
        resources.setdefault("omniseg", {})["toc"] = toc
        return nb, resources


def merge_notebooks(notebooks: Sequence[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """Concatenate executed notebooks into one, in order, for a single report.

    Parameters
    ----------
    notebooks : sequence of NotebookNode
        Executed notebooks (nbformat v4).

    Returns
    -------
    NotebookNode
        A new notebook; the inputs are not modified.
    """
    if not notebooks:
        raise ParameterError("merge_notebooks needs at least one notebook.")
    merged = nbformat.v4.new_notebook()
    merged.metadata = copy.deepcopy(notebooks[0].metadata)
    merged.metadata.pop("papermill", None)
    for nb in notebooks:
        merged.cells.extend(copy.deepcopy(nb.cells))
    return merged


def export_html(
    notebook: nbformat.NotebookNode,
    *,
    title: str,
    subtitle_lines: Sequence[str] = (),
    toc_title: str = "Contents",
    language: str = "en",
) -> str:
    """Render an executed notebook as a self-contained offline HTML page with no code.

    Parameters
    ----------
    notebook : NotebookNode
        The executed (possibly merged) notebook.
    title : str
        The page title (escaped).
    subtitle_lines : sequence of str
        Lines under the title, e.g. run name and data period (escaped).
    toc_title : str
        Heading of the table of contents.
    language : str
        The ``lang`` attribute of the page.

    Returns
    -------
    str
        The HTML document.
    """
    import plotly.offline

    nb = copy.deepcopy(notebook)
    nb.metadata["title"] = title
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"  # papermill gives injected cells random ids: keep the page stable
    exporter = HTMLExporter(
        language_code=language,
        template_name="omniseg",
        extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    tag_remover = TagRemovePreprocessor(
        remove_cell_tags={"remove_cell", "report-skip"},
        remove_input_tags={"remove_input"},
        enabled=True,
    )
    exporter.register_preprocessor(tag_remover, enabled=True)
    exporter.register_preprocessor(ReportCleanupPreprocessor(), enabled=True)
    exporter.register_preprocessor(PlotlyOfflinePreprocessor(), enabled=True)
    resources = {
        "language_code": language,
        "omniseg": {
            "title": title,
            "subtitle_lines": list(subtitle_lines),
            "toc_title": toc_title,
            "plotlyjs": plotly.offline.get_plotlyjs(),
            # month and day names of the time axes in the report language (plotly: English)
            "plotly_locale": None if language == "en" else _safe_json(plotly_locale(language)),
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body
