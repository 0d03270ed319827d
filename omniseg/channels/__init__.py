"""Channels: channel metrics, the scored channel plan, omnichannel gaps, activation lists, journeys
and attribution.

Public names are importable from here (``from omniseg.channels import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=["attribution", "plan"],
    submod_attrs={
        "attribution": [
            "Journeys",
            "NotApplicable",
            "attribution_status",
            "attribution_table",
            "build_journeys",
            "compare_by_segment",
            "first_touch",
            "journey_status",
            "last_touch",
            "linear_touch",
            "markov_attribution",
            "plot_attribution",
            "plot_sankey",
            "plot_transitions",
            "position_based_attribution",
            "shapley_attribution",
            "top_paths",
            "transition_matrix",
        ],
        "plan": [
            "ChannelPlan",
            "activation_lists",
            "channel_metrics",
            "channel_plan",
            "channel_text",
            "data_channels",
            "gaps_table",
            "journey_patterns",
            "omnichannel_gaps",
            "report_channel_plan",
            "report_section",
            "shrunk_rate",
        ],
    },
)
