"""Ingest: reading exports into a validated ``CustomerData`` (loaders, schemas, the data profile,
CSV sources read by the engine, the run's snapshot) and the data overview section.

Public names are importable from here (``from omniseg.ingest import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=[
        "csv_source",
        "data",
        "data_profile",
        "io",
        "loader_warnings",
        "overview",
        "schemas",
        "snapshot",
    ],
    submod_attrs={
        "csv_source": ["is_csv", "read_csv"],
        "data": ["CustomerData", "TableReport", "ValidationReport", "empty_table"],
        "data_profile": ["DataProfile", "profile_data"],
        "io": [
            "load_codebook",
            "load_customers",
            "load_data",
            "load_data_dir",
            "load_demo",
            "load_interactions",
            "load_interviews",
            "load_survey",
            "read_table",
        ],
        "loader_warnings": ["LoaderWarning", "phrase"],
        "overview": [
            "channel_summary",
            "data_limits",
            "fragmentation_summary",
            "identity_fragmentation",
            "identity_lead",
            "monthly_activity",
            "overview_tables",
            "overview_totals",
            "plot_channel_summary",
            "plot_identity_fragmentation",
            "plot_monthly_activity",
            "quality_warnings",
            "report_section",
            "section_not_applicable",
        ],
        "schemas": [
            "customers_schema",
            "interactions_schema",
            "interviews_schema",
            "problems_from_failures",
            "survey_schema",
        ],
        "snapshot": ["create_snapshot_dir", "load_snapshot", "save_snapshot"],
    },
)
