"""Segments: the segmentation basis, the ``Segmenter`` estimator, the ``Segmentation`` result and
its profile, the typing tool, model files, scoring and drift between runs.

Public names are importable from here (``from omniseg.segments import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=[
        "basis",
        "basis_defaults",
        "basis_validation",
        "clustering",
        "drift",
        "drift_report",
        "drift_stats",
        "models",
        "profile_html",
        "profile_stats",
        "profiling",
        "scoring",
        "segment_inputs",
        "segment_profile",
        "segmentation",
        "segmentation_charts",
        "segmentation_report",
        "segmenter",
        "typing_presentation",
        "typing_questions",
        "typing_rules",
        "typing_tool",
    ],
    submod_attrs={
        "basis": ["SegmentationBasis"],
        "basis_defaults": ["default_blocks"],
        "drift": ["compare_runs"],
        "drift_report": ["DriftReport", "drift_reasons"],
        "drift_stats": [
            "migration_counts",
            "migration_matrix",
            "population_stability_index",
            "psi_level",
        ],
        "models": ["ModelFileError", "load_model", "model_info", "save_model"],
        "profile_html": ["profile_table_html"],
        "profile_stats": ["adjust_pvalues"],
        "profiling": ["profile_segments"],
        "segment_profile": ["SegmentProfile", "describe_trait"],
        "scoring": ["ScoreResult", "read_feature_table", "score_customers"],
        "segment_inputs": ["fit_typing_tool", "input_dominance"],
        "segmentation": ["Segmentation", "compare_methods", "segment_customers"],
        "segmentation_report": ["read_segments", "report_segmentation"],
        "segmenter": ["Segmenter", "segment_labels"],
        "typing_questions": ["TypingQuestion", "typing_inputs"],
        "typing_tool": ["TypingTool"],
    },
)
