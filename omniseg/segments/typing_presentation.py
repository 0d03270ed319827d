"""The typing tool presented to a reader: its questionnaire, the sentences about its accuracy and
about the segments and questions it leaves out, and its HTML summary.

:class:`~omniseg.segments.typing_tool.TypingTool` fits and predicts; its presentation methods
(``questionnaire``, ``accuracy_text``, ``unassigned_text``, ``skipped_text``, ``to_html``) call
these, on a fitted tool, in the language asked for. The words come from the catalog; the HTML is
the template ``typing_tool.html.j2`` (:mod:`omniseg.report.templating`), which escapes them all.
The rules are worded in :mod:`omniseg.segments.typing_rules`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from omniseg.report.i18n import format_number, format_percent, t
from omniseg.report.templating import render
from omniseg.segments.typing_questions import TYPING_QUESTIONS, answer_label, question_label

if TYPE_CHECKING:
    from omniseg.segments.typing_tool import TypingTool

# building blocks of this stage's other modules, imported by name; nothing here is public
__all__: list[str] = []


def questionnaire(tool: TypingTool, language: str) -> list[str]:
    """The questions to ask, one string per question (none when no question varies)."""
    if getattr(tool, "no_questions_", False):
        return []
    out = []
    for name in tool.feature_names_in_:
        spec = TYPING_QUESTIONS.get(name)
        text = (
            spec.wording.get(language, name)
            if spec is not None
            else question_label(name, language)  # a feature column: its readable label
        )
        if name in tool.categories_:
            answers = [answer_label(name, v, language) for v in tool.categories_[name]]
            text += f" ({' / '.join(answers)})"
        out.append(text)
    return out


def accuracy_text(tool: TypingTool, language: str) -> str:
    """Cross-validated accuracy against the largest-segment baseline, in one sentence."""
    return t(
        "typing.accuracy",
        language,
        accuracy=format_percent(tool.cv_accuracy_, language),
        std=format_percent(tool.cv_accuracy_std_, language),
        cv=tool.cv,
        baseline=format_percent(tool.baseline_accuracy_, language),
        n=format_number(tool.n_samples_fit_, language),
    )


def unassigned_text(tool: TypingTool, language: str, segment_names: Any) -> str:
    """The segments the tool never assigns and why ("" when there are none)."""
    if not tool.unassigned_:
        return ""
    names = tool._names_by_label(segment_names)
    text = t(
        "typing.unassigned",
        language,
        segments=", ".join(names[c] for c in tool.unassigned_),
    )
    reasons = getattr(tool, "unassigned_reasons_", {})
    for c in tool.unassigned_:
        like = (reasons.get(str(c)) or {}).get("like")
        if like is not None and like in names:
            text += " " + t("typing.unassigned_why", language, segment=names[c], other=names[like])
    return text


def skipped_text(tool: TypingTool, language: str) -> str:
    """The questions not asked because they do not vary or cannot be answered ("" if none)."""
    if getattr(tool, "no_questions_", False):
        return t("typing.no_questions", language)
    parts = []
    for key, questions in (
        ("typing.skipped", getattr(tool, "skipped_questions_", [])),
        ("typing.unavailable", getattr(tool, "unavailable_questions_", [])),
    ):
        if questions:
            labels = ", ".join(question_label(q, language) for q in questions)
            parts.append(t(key, language, questions=labels))
    return " ".join(parts)


def model_text(tool: TypingTool, language: str) -> str:
    """What the model is: a tree of at most ``max_depth`` questions, or a logistic regression."""
    if tool.model == "tree":
        return t("typing.model.tree", language, depth=tool.max_depth)
    return t("typing.model.logistic", language)


def typing_tool_html(tool: TypingTool, language: str, segment_names: Any) -> str:
    """The HTML summary: model, accuracy, what is left out, the questions and the rules."""
    return render(
        "typing_tool.html.j2",
        title=t("typing.title", language),
        model=model_text(tool, language),
        accuracy=accuracy_text(tool, language),
        unassigned=unassigned_text(tool, language, segment_names),
        skipped=skipped_text(tool, language),
        questions_title=t("typing.questions", language),
        questions=questionnaire(tool, language),
        rules_title=t("typing.rules", language),
        rules=tool.rules(language, segment_names),
    )
