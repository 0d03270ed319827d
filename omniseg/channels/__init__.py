"""Channels: channel metrics, the scored channel plan, omnichannel gaps, activation lists, journeys
and attribution.

Public names are importable from here (``from omniseg.channels import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=[
        "activation",
        "applicability",
        "attribution",
        "charts",
        "gaps",
        "journeys",
        "metrics",
        "plan",
        "plan_report",
    ],
    submod_attrs={
        "applicability": [
            "NOT_APPLICABLE_REASONS",
            "NotApplicable",
            "attribution_status",
            "journey_status",
        ],
        "attribution": [
            "METHODS",
            "attribution_table",
            "compare_by_segment",
            "first_touch",
            "last_touch",
            "linear_touch",
            "markov_attribution",
            "position_based_attribution",
            "shapley_attribution",
        ],
        "charts": [
            "plot_attribution",
            "plot_sankey",
            "plot_transitions",
            "top_paths",
            "transition_matrix",
        ],
        "journeys": ["JOURNEY_DEFAULTS", "Journeys", "build_journeys"],
        "activation": ["activation_lists", "consent_column", "reachable"],
        "gaps": ["gaps_table", "journey_patterns", "omnichannel_gaps", "patterns_table"],
        "metrics": ["channel_metrics", "data_channels", "shrunk_rate"],
        "plan": ["DEFAULT_WEIGHTS", "ChannelPlan", "channel_plan", "channel_text"],
        "plan_report": ["report_channel_plan", "report_section"],
    },
)
