"""Report: text and number formats (English/Spanish), escaped display blocks, the notebooks'
context, the charts' layout, the report run, the HTML export and the shipped files' paths.

Public names are importable from here (``from omniseg.report import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=[
        "catalog",
        "chart_style",
        "display",
        "display_options",
        "execution",
        "export",
        "figure_display",
        "figure_text",
        "i18n",
        "loader_wording",
        "manifest",
        "notebook",
        "number_formats",
        "output_folder",
        "paths",
        "run_lock",
        "runs",
        "slides",
        "templating",
    ],
    submod_attrs={
        "catalog": [
            "CatalogView",
            "Entry",
            "LanguageTexts",
            "TextCatalog",
            "catalog_keys",
            "catalog_path",
            "catalog_problems",
            "format_text",
            "has_text",
            "language_texts",
            "pt",
            "read_catalog",
            "texts",
        ],
        "chart_style": ["CHART_TEMPLATE", "chart_layout"],
        "display": ["bullet_list", "paragraph", "section", "table"],
        "display_options": ["display_language", "set_display_language"],
        "export": [
            "PlotlyOfflinePreprocessor",
            "ReportCleanupPreprocessor",
            "export_html",
            "merge_notebooks",
        ],
        "figure_display": ["figure_mimebundle", "show_figures_as_plotly_json"],
        "figure_text": ["figure_alt_text"],
        "i18n": [
            "channel_in_sentence",
            "channel_label",
            "check_language",
            "currency_symbol",
            "event_label",
            "format_money",
            "format_number",
            "format_percent",
            "set_currency",
            "t",
            "translate_loader_warning",
        ],
        "notebook": ["ReportContext", "open_report"],
        "paths": ["demo_data_dir", "notebooks_dir", "repo_root"],
        "manifest": ["file_sha256"],
        "run_lock": ["sweep_stale"],
        "runs": ["RunResult", "atomic_write_text", "run_report"],
        "slides": ["persona_deck", "write_persona_slides"],
        "templating": ["environment", "render"],
    },
)
