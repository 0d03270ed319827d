"""The one jinja environment of the report: every HTML fragment omniseg makes is a template.

Templates live in ``omniseg/report/templates/`` (``blocks/`` for the small pieces that notebooks
and rich displays share; one file per larger fragment such as the persona cards). The environment
escapes everything it is given (``autoescape`` on for every template, including ``.j2`` files),
so a transcript or a channel label holding ``<script>`` arrives as text; a template marks the
rare trusted fragment (HTML made by another template or by pandas with ``escape=True``) with the
``safe`` filter. Undefined names raise instead of rendering empty.

Examples
--------
>>> render("blocks/paragraph.html.j2", text="<b>1 & 2</b>")
'<p class="os-lead">&lt;b&gt;1 &amp; 2&lt;/b&gt;</p>'
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from omniseg.report.paths import TEMPLATES_DIR

__all__ = ["environment", "render"]


@cache
def environment() -> Environment:
    """The report's jinja environment (autoescape on, strict undefined, tidy whitespace)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render(template: str, /, **context: object) -> str:
    """Render the template file ``template`` (a path under the templates folder) with ``context``.

    Parameters
    ----------
    template : str
        E.g. ``"blocks/section.html.j2"``.
    **context
        The template's variables.

    Returns
    -------
    str
        The HTML, every value escaped unless the template says ``|safe``.
    """
    return environment().get_template(template).render(**context)
