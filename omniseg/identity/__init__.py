"""Identity: normalising identifiers, linking them into persons (``IdentityResolver``), and the
identity report.

Public names are importable from here (``from omniseg.identity import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=["resolver"],
    submod_attrs={
        "resolver": [
            "IdentityResolver",
            "TransformOrigin",
            "hash_identifiers",
            "identity_lead",
            "mask_identifier",
            "normalise_email",
            "normalise_identifiers",
            "normalise_phone",
            "plot_match_rates",
            "shared_identifiers_table",
            "transform_origin",
            "transform_source",
        ],
    },
)
