"""Ingest: reading exports into a validated ``CustomerData`` (loaders, schemas, the data profile,
CSV sources read by the engine, the run's snapshot) and the data overview section.

Public names are importable from here (``from omniseg.ingest import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=[
        "columns",
        "contract",
        "csv_source",
        "customers_table",
        "data",
        "data_profile",
        "interactions_table",
        "interviews_table",
        "io",
        "loader_warnings",
        "overview",
        "overview_charts",
        "overview_stats",
        "parsing",
        "raw_table",
        "reading",
        "schemas",
        "snapshot",
        "survey_table",
        "value_codes",
    ],
    submod_attrs={
        "csv_source": ["is_csv", "read_csv"],
        "data": ["CustomerData", "TableReport", "ValidationReport", "empty_table"],
        "data_profile": ["DataProfile", "profile_data"],
        "io": [
            "load_customers",
            "load_data",
            "load_data_dir",
            "load_demo",
            "load_interactions",
            "load_interviews",
            "load_survey",
        ],
        "loader_warnings": ["LoaderWarning", "phrase"],
        "overview": [
            "data_limits",
            "identity_lead",
            "overview_tables",
            "quality_warnings",
            "report_section",
            "section_not_applicable",
        ],
        "overview_charts": [
            "plot_channel_summary",
            "plot_identity_fragmentation",
            "plot_monthly_activity",
        ],
        "overview_stats": [
            "channel_summary",
            "fragmentation_summary",
            "identity_fragmentation",
            "monthly_activity",
            "overview_totals",
        ],
        "reading": ["read_table"],
        "schemas": [
            "customers_schema",
            "interactions_schema",
            "interviews_schema",
            "problems_from_failures",
            "survey_schema",
        ],
        "snapshot": ["create_snapshot_dir", "load_snapshot", "save_snapshot"],
        "survey_table": ["load_codebook"],
    },
)
