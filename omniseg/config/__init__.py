"""Configuration: run parameters, the channel and event vocabulary, and the pre-flight checks of
settings against the data.

Public names are importable from here (``from omniseg.config import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=["params", "preflight", "vocabulary"],
    submod_attrs={
        "params": ["DataPaths", "RunParams", "load_params", "read_yaml"],
        "preflight": ["check_run", "needs_segments", "persons_needed"],
        "vocabulary": [
            "fold_label",
            "gender_code_language",
            "normalise_channel",
            "normalise_channels",
            "normalise_events",
            "normalise_genders",
            "order_channels",
        ],
    },
)
