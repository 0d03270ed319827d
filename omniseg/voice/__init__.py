"""Voice of the customer: survey constructs and reliability, survey weighting (raking), interview
themes and quotes, and the personas built on them.

Public names are importable from here (``from omniseg.voice import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=["interviews", "personas", "survey", "survey_weights", "weighting"],
    submod_attrs={
        "interviews": [
            "InterviewThemes",
            "detect_language",
            "extract_themes",
            "link_interviews",
            "plot_themes",
            "scrub_pii",
            "split_answers",
        ],
        "personas": [
            "Evidence",
            "Persona",
            "build_personas",
            "persona_cards_html",
            "persona_text",
            "personas_table",
            "report_personas",
            "write_personas_json",
        ],
        "survey": [
            "channel_tables",
            "constructs",
            "cronbach_alpha",
            "customer_survey_features",
            "item_rest_correlations",
            "link_respondents",
            "nps",
            "reliability",
            "score_constructs",
        ],
        "survey_weights": ["SurveyWeighting", "report_survey_weights", "weight_to_customers"],
        "weighting": [
            "RakingResult",
            "age_band",
            "effective_sample_size",
            "margins_from_population",
            "rake",
        ],
    },
)
