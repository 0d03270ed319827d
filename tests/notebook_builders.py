"""Tiny report notebooks for the run tests (imported by tests/test_runs.py and the battery)."""

from __future__ import annotations

import nbformat

#: The ``parameters`` cell every report notebook declares
# (``omniseg.report.runs.NOTEBOOK_PARAMETERS``).
PARAMS_CELL = (
    'data_snapshot = ""\nlanguage = "en"\nrun_name = "interactive"\nseed = 42\n'
    'output_dir = ""\nreport_mode = False'
)


def report_notebook(*cells: str) -> nbformat.NotebookNode:
    """A Python 3 notebook: the parameters cell, then one code cell per source."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_code_cell(PARAMS_CELL, metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(src) for src in cells]
    return nb
