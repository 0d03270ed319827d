"""omniseg: omnichannel customer segmentation, personas and channel prioritisation.

The most used entry points are importable from the top level::

    import omniseg

    data = omniseg.load_demo()                 # or omniseg.load_data(customers=..., ...)
    data.report                                 # validation summary (rich in JupyterLab)
    omniseg.ingest.channel_summary(data)

    features = omniseg.features.customer_features(data)      # one row per person
    seg = omniseg.segment_customers(features, random_state=42)
    seg.plot_selection(); seg.profile

The package is laid out by pipeline stage, in the order the data flows: ``ingest`` (loading,
schemas, the data profile, the overview section), ``identity`` (linking identifiers into
persons), ``features`` (the per-person table, omnichannel metrics), ``segments`` (basis,
``Segmenter``, ``Segmentation``, profile, typing tool, model files, scoring, drift), ``voice``
(survey, weighting, interviews, personas), ``channels`` (channel plan, attribution), ``report``
(text, display, the report run, HTML export), with ``config`` (parameters, vocabulary,
pre-flight checks), ``demo`` (demo data and the scenario gallery), ``errors``, ``engine``,
``atomic`` and ``cli`` beside them. Stages are imported on first use, so ``import omniseg``
stays fast.
"""

from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("omniseg")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

#: name -> the stage package that exports it (the stage's ``__init__`` knows the module)
_LAZY = {
    "CustomerData": "omniseg.ingest",
    "ValidationReport": "omniseg.ingest",
    "DataValidationError": "omniseg.errors",
    "OmnisegError": "omniseg.errors",
    "ParameterError": "omniseg.errors",
    "ReportError": "omniseg.errors",
    "generate_demo": "omniseg.demo",
    "load_data": "omniseg.ingest",
    "load_data_dir": "omniseg.ingest",
    "load_demo": "omniseg.ingest",
    "load_params": "omniseg.config",
    "run_report": "omniseg.report",
    "Segmenter": "omniseg.segments",
    "Segmentation": "omniseg.segments",
    "segment_customers": "omniseg.segments",
    "load_model": "omniseg.segments",
    "save_model": "omniseg.segments",
    "Workbench": "omniseg.workbench",
}
#: every public module of the package, found on disk (a hand-written list had missed some)
_SUBMODULES = {m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"omniseg.{name}")
    raise AttributeError(f"module 'omniseg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_SUBMODULES})
