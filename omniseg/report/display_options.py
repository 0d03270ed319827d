"""The language results are shown in when JupyterLab displays them on their own.

Results are language-free: ``segmentation.to_html(language="es")`` words them in the language
asked for. JupyterLab's rich display (``_repr_html_``) cannot be asked, so it uses the session's
display language, as pandas' display options do: English unless set, and set by
``omniseg.Workbench(language=...)``.

Examples
--------
>>> set_display_language("es"); display_language()
'es'
>>> set_display_language("en"); display_language()
'en'
"""

from __future__ import annotations

from omniseg.report.i18n import check_language

__all__ = ["display_language", "set_display_language"]

_DISPLAY = {"language": "en"}


def set_display_language(language: str) -> None:
    """Show results in ``language`` when JupyterLab displays them on their own.

    Parameters
    ----------
    language : {"en", "es"}
    """
    _DISPLAY["language"] = check_language(language)


def display_language() -> str:
    """The language of JupyterLab's rich display of results (default ``"en"``)."""
    return _DISPLAY["language"]
