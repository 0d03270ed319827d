"""The typing tool's rules in plain English or Spanish, read from its fitted model.

A tree reads as one sentence per leaf (its conditions on the answers, the segment it assigns and
the share of the leaf's customers in it); a logistic regression as the answers that most raise
and lower each segment's odds. :meth:`TypingTool.rules
<omniseg.segments.typing_tool.TypingTool.rules>` calls these.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from omniseg.report.i18n import format_number, format_percent, t
from omniseg.segments.typing_questions import answer_label, question_label

if TYPE_CHECKING:
    from omniseg.segments.typing_tool import TypingTool

# building blocks of this stage's other modules, imported by name; nothing here is public
__all__ = []

#: How many coefficients per segment :meth:`TypingTool.rules` names for the logistic model.
_TOP_COEFFICIENTS = 3
#: Standardised coefficients smaller than this are not named (they barely move the odds).
_MIN_COEFFICIENT = 0.1


def tree_rules(tool: TypingTool, language: str, names: list[str]) -> list[tuple[int, int, str]]:
    """``(class index, -customers, sentence)`` per leaf of a fitted tree tool, in rule order.

    Sibling leaves that assign the same segment are read as one; ``names`` are the display names
    of the tool's classes.
    """
    tree = tool.model_.tree_
    left, right = tree.children_left, tree.children_right
    counts = tree.value[:, 0, :] * tree.weighted_n_node_samples[:, None]
    uniform: dict[int, int | None] = {}

    def leaf_class(node: int) -> int | None:
        """The class every leaf under ``node`` assigns, or None if they differ."""
        if node not in uniform:
            if left[node] == -1:
                uniform[node] = int(np.argmax(tree.value[node, 0]))
            else:
                a, b = leaf_class(left[node]), leaf_class(right[node])
                uniform[node] = a if a is not None and a == b else None
        return uniform[node]

    out: list[tuple[int, int, str]] = []

    def walk(node: int, path: list[tuple[int, bool, float, bool]]) -> None:
        cls = leaf_class(node)
        if cls is None:
            feat, thr = int(tree.feature[node]), float(tree.threshold[node])
            nan_left = bool(tree.missing_go_to_left[node])
            walk(left[node], [*path, (feat, True, thr, nan_left)])
            walk(right[node], [*path, (feat, False, thr, not nan_left)])
            return
        n = int(tree.n_node_samples[node])
        share = float(counts[node, cls] / counts[node].sum())
        fmt = {
            "segment": names[cls],
            "share": format_percent(share, language, digits=0),
            "n": format_number(n, language),
        }
        clauses = _clauses(tool, path, language)
        if clauses:
            text = t("typing.rule", language, conditions=_join(clauses, language), **fmt)
        else:
            text = t("typing.rule_all", language, **fmt)
        out.append((cls, -n, text))

    walk(0, [])
    return sorted(out, key=lambda r: (r[0], r[1]))


def _clauses(
    tool: TypingTool, path: list[tuple[int, bool, float, bool]], language: str
) -> list[str]:
    n_numeric = tool._n_numeric()
    columns = tool._categorical_columns()
    bounds: dict[str, dict[str, Any]] = {}
    chosen: dict[str, str] = {}
    excluded: dict[str, list[str]] = {}
    for feat, is_left, thr, nan_here in path:
        if feat < n_numeric:
            name = tool.encoded_names_[feat]
            b = bounds.setdefault(name, {"low": None, "high": None, "nan": True})
            if is_left:
                b["high"] = thr if b["high"] is None else min(b["high"], thr)
            else:
                b["low"] = thr if b["low"] is None else max(b["low"], thr)
            b["nan"] = b["nan"] and nan_here
        else:
            name, value = columns[feat - n_numeric]
            if is_left:  # one-hot column <= 0.5: not this answer
                excluded.setdefault(name, []).append(value)
            else:
                chosen[name] = value
    clauses = []
    for name in tool.feature_names_in_:
        label = question_label(name, language)
        if name in bounds:
            b = bounds[name]
            clause = _numeric_clause(tool, name, label, b["low"], b["high"], language)
            if b["nan"] and tool.missing_seen_.get(name, False):
                clause = t("typing.or_unknown", language, clause=clause)
            clauses.append(clause)
        elif name in chosen:
            value = answer_label(name, chosen[name], language)
            clauses.append(t("typing.is", language, label=label, value=value))
        elif name in excluded:
            values = [answer_label(name, v, language) for v in excluded[name]]
            clauses.append(
                t("typing.is_not", language, label=label, values=_join_or(values, language))
            )
    return clauses


def _numeric_clause(
    tool: TypingTool, name: str, label: str, low: float | None, high: float | None, language: str
) -> str:
    if tool.integer_.get(name, False):
        lo = None if low is None else math.floor(low) + 1  # x > 36.5 -> 37 or more
        hi = None if high is None else math.floor(high)  # x <= 36.5 -> 36 or less
        if lo is not None and hi is not None:
            if lo == hi:
                return t("typing.eq", language, label=label, value=format_number(lo, language))
            return t(
                "typing.between",
                language,
                label=label,
                low=format_number(lo, language),
                high=format_number(hi, language),
            )
        if hi is not None:
            return t("typing.le", language, label=label, value=format_number(hi, language))
        return t("typing.ge", language, label=label, value=format_number(lo, language))

    def nice(v: float) -> str:
        if name.startswith("share_"):  # a share of interactions reads as a percentage
            return format_percent(v, language, digits=0)
        return _nice(v, language)

    if low is not None and high is not None:
        return t("typing.range", language, label=label, low=nice(low), high=nice(high))
    if high is not None:
        return t("typing.le", language, label=label, value=nice(high))
    return t("typing.gt", language, label=label, value=nice(low))


def logistic_rules(tool: TypingTool, language: str, names: list[str]) -> list[str]:
    """One sentence per segment of a fitted logistic tool: the answers that most move its odds."""
    logistic = tool.model_.named_steps["logistic"]
    coef = np.asarray(logistic.coef_, dtype="float64")
    if coef.shape[0] == 1:  # two segments: one row, for the second class
        coef = np.vstack([-coef[0], coef[0]])
    n_numeric = tool._n_numeric()
    columns = tool._categorical_columns()
    out = []
    for i, segment in enumerate(names):
        order = np.argsort(-np.abs(coef[i]), kind="stable")[:_TOP_COEFFICIENTS]
        up, down = [], []
        for j in order:
            c = coef[i, j]
            if abs(c) < _MIN_COEFFICIENT:
                continue
            if j < n_numeric:  # a number: its direction is what raises the odds
                name = tool.encoded_names_[j]
                key = "typing.higher" if c > 0 else "typing.lower"
                up.append(t(key, language, label=question_label(name, language)))
            else:
                name, value = columns[j - n_numeric]
                phrase = t(
                    "typing.when_is",
                    language,
                    label=question_label(name, language),
                    value=answer_label(name, value, language),
                )
                (up if c > 0 else down).append(phrase)
        if up and down:
            out.append(
                t(
                    "typing.logit_both",
                    language,
                    segment=segment,
                    up=", ".join(up),
                    down=", ".join(down),
                )
            )
        elif up:
            out.append(t("typing.logit_up", language, segment=segment, up=", ".join(up)))
        elif down:
            out.append(t("typing.logit_down", language, segment=segment, down=", ".join(down)))
        else:
            out.append(t("typing.logit_none", language, segment=segment))
    return out


def _join(clauses: list[str], language: str) -> str:
    """``a``, ``a and b``, ``a, b and c`` (``y`` in Spanish)."""
    if len(clauses) == 1:
        return clauses[0]
    return ", ".join(clauses[:-1]) + t("typing.and", language) + clauses[-1]


def _join_or(values: list[str], language: str) -> str:
    """``a``, ``a or b``, ``a, b or c`` (Spanish after "no es": ``a, b ni c``)."""
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + t("typing.nor", language) + values[-1]


def _nice(value: float, language: str) -> str:
    """A threshold with three significant digits and no trailing zeros."""
    if value == 0 or not math.isfinite(value):
        return format_number(value, language)
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    target = round(value, digits)
    for d in range(digits + 1):
        if round(value, d) == target:
            return format_number(target, language, digits=d)
    return format_number(target, language, digits=digits)  # pragma: no cover
