"""What changed since the last run: segment sizes and migration, personas, the channel plan.

Given the drift report of a run compared with an earlier one (``segmentation.previous``), and
that run's folder, :func:`run_changes` lines up the two runs segment by segment, by code (a
segment re-scored by the same model keeps its code, ``S1``, when its persona's name changes):

* sizes: each segment's share before and after, in percentage points, from the drift report;
  and the share of customers present in both runs who kept their segment;
* personas: a segment whose persona is named on other traits than before (the language-free
  ``traits`` of ``personas.json``, so a change of report language is not a change);
* channel plan: a segment whose first-ranked channel is another one (``channel_plan.csv``);
* the drift verdict (refit the model, or not) with its reasons.

Files the earlier run does not have (an older run, or a bare ``segments.csv``) leave their part
out; :attr:`RunChanges.compared` says which parts were compared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["RunChanges", "run_changes"]


@dataclass
class RunChanges:
    """The differences between this run and an earlier one, without language.

    Attributes
    ----------
    drift : omniseg.segments.DriftReport
    sizes : DataFrame
        ``segment`` (code), ``share_before``, ``share_after``, ``change_pp``.
    personas : list of dict
        ``{"code", "before"}``: segments whose persona is built on other traits than in the
        earlier run, with the name that run gave it (as worded there).
    plan : list of dict
        ``{"code", "before", "after"}``: segments whose first channel changed (channel codes).
    compared : list of str
        The parts compared: ``"sizes"``, ``"personas"``, ``"plan"``.
    """

    drift: Any
    sizes: pd.DataFrame
    personas: list[dict[str, Any]] = field(default_factory=list)
    plan: list[dict[str, Any]] = field(default_factory=list)
    compared: list[str] = field(default_factory=list)


def _folder(previous: str | Path) -> Path:
    path = Path(previous)
    return path if path.is_dir() else path.parent


def _first_channels(plan: pd.DataFrame) -> dict[str, str]:
    """Segment code -> its first-ranked channel."""
    from omniseg.segments.segmenter import segment_labels
    from omniseg.summary.actions import first_ranked

    first = first_ranked(plan)
    if not len(first):
        return {}
    codes = segment_labels(int(first["segment"].max()) + 1)
    return {codes[int(r.segment)]: str(r.channel) for r in first.itertuples()}


def run_changes(
    drift: Any,
    previous: str | Path,
    *,
    personas: list[Any],
    plan: Any,
) -> RunChanges:
    """Compare this run with the earlier one the drift report was made against.

    Parameters
    ----------
    drift : omniseg.segments.DriftReport
        This run's segments against the earlier run's (by code).
    previous : path
        The earlier run's folder or its ``segments.csv``.
    personas : list of Persona
        This run's personas.
    plan : omniseg.channels.ChannelPlan
        This run's plan (a ``NotApplicable``: not compared).

    Returns
    -------
    RunChanges
    """
    folder = _folder(previous)
    sizes = drift.sizes[["segment", "share_before", "share_after", "change_pp"]].copy()
    out = RunChanges(drift=drift, sizes=sizes, compared=["sizes"])
    before_personas = folder / "personas.json"
    if before_personas.is_file():
        try:
            earlier = {p["code"]: p for p in json.loads(before_personas.read_text("utf-8"))}
        except (ValueError, KeyError, TypeError):
            earlier = None
        if earlier is not None:
            out.compared.append("personas")
            for p in personas:
                old = earlier.get(p.code)
                if old is not None and sorted(old.get("traits") or []) != sorted(p.traits):
                    out.personas.append({"code": p.code, "before": old.get("name", p.code)})
    before_plan = folder / "channel_plan.csv"
    table = getattr(plan, "table", None)
    if before_plan.is_file() and isinstance(table, pd.DataFrame):
        try:
            earlier_first = _first_channels(pd.read_csv(before_plan))
        except (ValueError, KeyError, pd.errors.ParserError):
            earlier_first = None
        if earlier_first is not None:
            out.compared.append("plan")
            for code, channel in _first_channels(table).items():
                old = earlier_first.get(code)
                if old is not None and old != channel:
                    out.plan.append({"code": code, "before": old, "after": channel})
    return out
