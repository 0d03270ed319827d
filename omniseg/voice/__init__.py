"""Voice of the customer: survey constructs and reliability, survey weighting (raking), interview
themes and quotes, and the personas built on them.

Public names are importable from here (``from omniseg.voice import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=[
        "answers",
        "codebook",
        "construct_reliability",
        "interviews",
        "language",
        "margins",
        "persona_cards",
        "persona_evidence",
        "persona_model",
        "persona_names",
        "personas",
        "pii",
        "respondents",
        "survey",
        "survey_tables",
        "sentiment",
        "survey_weights",
        "text_terms",
        "theme_selection",
        "themes",
        "weighting",
    ],
    submod_attrs={
        "answers": ["TranscriptParse", "parse_transcript", "split_answers"],
        "codebook": ["code_sentences", "read_codebook"],
        "construct_reliability": ["cronbach_alpha", "item_rest_correlations", "reliability"],
        "interviews": ["InterviewThemes", "link_interviews", "plot_themes"],
        "sentiment": ["polarity"],
        "text_terms": ["TermAnalyzer", "cognate_map", "concept_lexicon"],
        "theme_selection": ["choose_n_themes", "npmi"],
        "language": ["detect_language"],
        "margins": ["age_band", "margins_from_population"],
        "persona_cards": [
            "persona_cards_html",
            "personas_table",
            "report_personas",
            "write_personas_json",
        ],
        "persona_model": ["Evidence", "Figure", "Label", "Persona", "Statement", "persona_text"],
        "persona_names": ["PersonaName"],
        "personas": ["build_personas"],
        "pii": ["scrub_pii"],
        "respondents": ["link_respondents"],
        "survey": ["constructs", "customer_survey_features", "score_constructs"],
        "survey_tables": ["channel_tables", "nps"],
        "survey_weights": ["SurveyWeighting", "report_survey_weights", "weight_to_customers"],
        "themes": ["extract_themes"],
        "weighting": ["RakingResult", "effective_sample_size", "rake"],
    },
)
