"""What a report notebook needs in its first cell: checked parameters and the data.

Each report notebook has one ``parameters`` cell (see ``omniseg.report.runs.NOTEBOOK_PARAMETERS``)
followed by ``ctx = open_report(...)``. Run by ``omniseg report``, the notebook reads the validated
snapshot the runner wrote; opened in JupyterLab with the default parameters, it loads the bundled
demo data, so every notebook also works on its own (and under nbval).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from omniseg.errors import ParameterError
from omniseg.report.i18n import SUPPORTED_LANGUAGES, t

__all__ = ["ReportContext", "open_report"]


@dataclass
class ReportContext:
    """Checked parameters of a report notebook and the data it reports on.

    Attributes
    ----------
    data : omniseg.ingest.CustomerData
    language : str
    run_name : str
    seed : int
    output_dir : Path or None
        Where the notebook may write artifacts (``None`` when run interactively).
    report_mode : bool
        True when executed by ``omniseg report`` (progress bars off).
    settings : dict
        Run settings beyond the notebook parameters (``{"segmentation": {...}}``, see
        :class:`omniseg.config.RunParams`), read from ``output_dir/run_settings.json`` when the
        runner wrote one; empty otherwise.
    """

    data: object
    language: str
    run_name: str
    seed: int
    output_dir: Path | None
    report_mode: bool
    settings: dict = field(default_factory=dict)

    def t(self, key: str, **fmt: object) -> str:
        """Translate a report text key into the run's language."""
        return t(key, self.language, **fmt)


def open_report(
    data_snapshot: str = "",
    language: str = "en",
    run_name: str = "interactive",
    seed: int = 42,
    output_dir: str = "",
    report_mode: bool = False,
) -> ReportContext:
    """Check a report notebook's parameters and load its data.

    papermill's ``-p`` guesses types (``00123`` becomes ``123``), so every parameter is checked
    here and a wrong one fails the first cell with a clear message.

    Parameters
    ----------
    data_snapshot : str
        Folder of the validated snapshot written by ``omniseg report``; ``""`` loads the demo data.
    language : {"en", "es"}
    run_name : str
    seed : int
    output_dir : str
        Folder for the notebook's artifacts; ``""`` for none.
    report_mode : bool
        Executed by the report runner: progress bars are turned off (under papermill a
        ``tqdm.auto`` bar freezes at 0% in the output).

    Returns
    -------
    ReportContext
    """
    if not isinstance(data_snapshot, str):
        raise ParameterError(
            f"The 'data_snapshot' parameter must be a folder path string. Got {data_snapshot!r}."
        )
    if language not in SUPPORTED_LANGUAGES:
        raise ParameterError(
            f"The 'language' parameter must be one of {SUPPORTED_LANGUAGES}. "
            f"Got {language!r} instead."
        )
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ParameterError(f"The 'seed' parameter must be an int in [0, inf). Got {seed!r}.")
    if not isinstance(report_mode, bool):
        raise ParameterError(f"The 'report_mode' parameter must be a bool. Got {report_mode!r}.")
    if report_mode:
        os.environ["TQDM_DISABLE"] = "1"
        from omniseg.report.figure_display import show_figures_as_plotly_json

        show_figures_as_plotly_json()  # the same figure outputs, 1.4 s less per notebook

    if data_snapshot:
        from omniseg.ingest.snapshot import load_snapshot

        data = load_snapshot(Path(data_snapshot))
    else:
        from omniseg.ingest.io import load_demo

        data = load_demo()
    settings: dict = {}
    if output_dir and (Path(output_dir) / "run_settings.json").is_file():
        settings = json.loads((Path(output_dir) / "run_settings.json").read_text(encoding="utf-8"))
    from omniseg.report.i18n import set_currency

    set_currency(settings.get("currency", "EUR"))  # every money figure of the report
    if data.report.profile is not None:
        data.report.profile.currency = settings.get("currency", "EUR")
    return ReportContext(
        settings=settings,
        data=data,
        language=language,
        run_name=str(run_name),
        seed=seed,
        output_dir=Path(output_dir) if output_dir else None,
        report_mode=report_mode,
    )
