"""omniseg: omnichannel customer segmentation, personas and channel prioritisation.

The most used entry points are importable from the top level::

    import omniseg

    data = omniseg.load_demo()                 # or omniseg.load_data(customers=..., ...)
    data.report                                 # validation summary (rich in JupyterLab)
    omniseg.overview.channel_summary(data)

    features = omniseg.pipeline.customer_features(data)      # one row per person
    seg = omniseg.segment_customers(features, random_state=42)
    seg.plot_selection(); seg.profile

Submodules: ``io`` (loading), ``schemas``, ``data``, ``demo``, ``overview``, ``identity``,
``features``, ``pipeline``, ``omnichannel``, ``basis``, ``segment``, ``segmentation``,
``profiling``, ``typing_tool``, ``models``, ``scoring``, ``drift``, ``survey``, ``weighting``,
``interviews``, ``personas``, ``channels``, ``attribution``, ``display``, ``export``,
``runs``, ``params``, ``cli``. Heavy modules are imported on first use, so ``import omniseg``
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

#: name -> module that defines it
_LAZY = {
    "CustomerData": "omniseg.data",
    "ValidationReport": "omniseg.data",
    "DataValidationError": "omniseg.errors",
    "OmnisegError": "omniseg.errors",
    "ParameterError": "omniseg.errors",
    "ReportError": "omniseg.errors",
    "generate_demo": "omniseg.demo",
    "load_data": "omniseg.io",
    "load_data_dir": "omniseg.io",
    "load_demo": "omniseg.io",
    "load_params": "omniseg.params",
    "run_report": "omniseg.runs",
    "Segmenter": "omniseg.segment",
    "Segmentation": "omniseg.segmentation",
    "segment_customers": "omniseg.segmentation",
    "load_model": "omniseg.models",
    "save_model": "omniseg.models",
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
