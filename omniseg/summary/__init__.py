"""Summary: the report's first section — segments by persona, key findings chosen by documented
rules, the action list with its customer lists, what the data could not answer, and what changed
since the last run.

Public names are importable from here (``from omniseg.summary import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=["actions", "changes", "findings", "run_summary"],
    submod_attrs={
        "actions": ["Action", "first_ranked", "main_actions", "plan_actions", "unanswered_counts"],
        "changes": ["RunChanges", "run_changes"],
        "findings": ["Finding", "key_findings"],
        "run_summary": ["RunSummary", "SegmentLine", "build_summary"],
    },
)
