"""How a report run's notebooks show plotly figures: as the plotly JSON mimetype, directly.

Under papermill a plotly figure is displayed through plotly's renderer registry, which puts the
figure in the notebook as ``application/vnd.plotly.v1+json`` (the only output the export reads,
see :mod:`omniseg.report.export`). Importing that registry imports ``nbformat`` and, through it,
``jsonschema`` with its URI grammar: about 1.4 s in each of a report's five kernels, more than
most of their figures take to compute. :func:`show_figures_as_plotly_json` registers an IPython
formatter that writes the same mimetype output (the same JSON plotly's ``plotly_mimetype``
renderer writes) without that import. Interactive sessions are left to plotly's own renderers.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["PLOTLY_MIMETYPE", "figure_mimebundle", "show_figures_as_plotly_json"]

#: The output type plotly's JupyterLab extension, nbconvert and the report's export read.
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"


def figure_mimebundle(fig: Any, include: Any = None, exclude: Any = None) -> dict[str, Any]:
    """The mimebundle of ``fig`` that plotly's ``plotly_mimetype`` renderer gives.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    include, exclude : optional
        Accepted for IPython's mimebundle formatter protocol; not used.

    Returns
    -------
    dict
        ``{PLOTLY_MIMETYPE: figure_as_json}``: the validated figure dictionary, made JSON-safe
        by plotly's own encoder (numpy arrays, dates), with the trace uids kept.
    """
    from plotly.io import to_json

    return {PLOTLY_MIMETYPE: json.loads(to_json(fig.to_dict(), validate=False, remove_uids=False))}


def show_figures_as_plotly_json() -> bool:
    """In an IPython kernel, display plotly figures with :func:`figure_mimebundle`.

    Returns
    -------
    bool
        True when a kernel was found and the formatter registered; False outside IPython
        (nothing to do).
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with jupyterlab
        return False
    shell = get_ipython()
    if shell is None:
        return False
    from IPython.display import publish_display_data
    from plotly.basedatatypes import BaseFigure

    # a figure's own _ipython_display_ goes through plotly's renderers: this printer comes first
    shell.display_formatter.ipython_display_formatter.for_type(
        BaseFigure, lambda fig: publish_display_data(figure_mimebundle(fig))
    )
    return True
