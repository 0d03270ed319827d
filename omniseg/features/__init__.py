"""Features: the per-person feature table, its readable labels, the omnichannel value metrics, and
the report pipeline's cached customer table.

Public names are importable from here (``from omniseg.features import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=[
        "crm_join",
        "definitions",
        "labels",
        "lifetimes",
        "omnichannel",
        "pipeline",
        "table",
    ],
    submod_attrs={
        "labels": ["feature_label", "feature_labels"],
        "omnichannel": [
            "channel_overlap",
            "multichannel_lead",
            "multichannel_value",
            "plot_channel_overlap",
            "plot_multichannel_value",
            "report_section",
        ],
        "pipeline": [
            "crm_features",
            "customer_features",
            "fit_resolver",
            "resolved_events",
            "run_segmentation",
        ],
        "definitions": ["FEATURES", "feature_descriptions"],
        "lifetimes": ["lifetimes_summary"],
        "table": ["DEFAULT_CONFIG", "build_features"],
    },
)
