"""Identity: normalising identifiers, linking them into persons (``IdentityResolver``), and the
identity report.

Public names are importable from here (``from omniseg.identity import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=[
        "combinations",
        "diagnostics",
        "graph",
        "normalise",
        "origin",
        "report",
        "resolver",
    ],
    submod_attrs={
        "normalise": [
            "COUNTRY_CODES",
            "hash_identifiers",
            "mask_identifier",
            "normalise_email",
            "normalise_identifiers",
            "normalise_phone",
        ],
        "diagnostics": ["explain_identifier", "fit_summary"],
        "graph": ["Links", "link_identifiers"],
        "origin": ["TransformOrigin", "transform_origin", "transform_source"],
        "report": ["identity_lead", "plot_match_rates", "shared_identifiers_table"],
        "resolver": ["IdentityResolver"],
    },
)
