"""The action list: concrete next steps derived from the run, each with its customer list.

Three kinds of action, each naming who it concerns, how many customers and the file that
serves it (written into the run folder, readable by its owner only, holding person ids and
codes, never an e-mail address, a phone number or a name):

* ``recover`` — customers with a service contact left unanswered (a phone/chat contact or a
  complaint with no touchpoint on another channel within 48 hours): follow them up. The
  channel is SMS, else e-mail (the first of the two in the data), else a phone call-back; only
  customers whose consent flag for that channel is true are listed
  (:func:`omniseg.channels.reachable`). File ``activation/recover_<channel>.csv``
  (``person_id``, ``segment_code``, ``unanswered_contacts``).
* ``activate`` — each segment on its first-ranked channel (a confident rank, not a thin one),
  for the role the plan gives it: the activation list the plan step writes,
  ``activation/<code>_<channel>.csv``, consent-filtered the same way.
* ``pilot`` — where the survey says a segment prefers a channel it barely uses (an *untested*
  option of the plan with a survey preference of at least 20 %), or where a segment's first
  channel ranks first on thin evidence (too few engaged customers to be confident): try it with
  that segment before rolling it out. File ``activation/pilot_<code>_<channel>.csv``.

Each segment's **main action** is its recovery when at least a quarter of its customers have
an unanswered contact and that share is at least 1.5 times the share among the other customers
(service is what this segment needs first), else its activation, else its pilot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from omniseg.atomic import atomic_write

__all__ = ["Action", "first_ranked", "main_actions", "plan_actions", "unanswered_counts"]

#: Share of a segment with an unanswered contact from which recovering them is its main action.
RECOVER_SHARE = 0.25
#: ... and at least this many times the share among the other customers.
RECOVER_RATIO = 1.5
#: Survey preference from which an untested channel is worth a pilot.
PILOT_PREFERENCE = 0.2
#: Channels a recovery goes through, in order of preference (a call-back needs no list tool).
RECOVERY_CHANNELS = ("sms", "email", "phone")


@dataclass(frozen=True)
class Action:
    """One next step, without language.

    Attributes
    ----------
    kind : str
        ``"recover"``, ``"activate"`` or ``"pilot"``.
    channel : str
        Canonical channel.
    customers : int
        How many customers the list holds (after consent).
    segment : int or None
        The segment (None: customers of every segment).
    file : str
        The list's path inside the run folder (``""`` when nothing was written).
    consent : str or None
        The consent flag applied (``consent_sms``), None when the data has none for the channel.
    figures : dict
        Further numbers: ``role`` (activate), ``preference`` (pilot), ``segments`` (recover:
        customers per segment).
    """

    kind: str
    channel: str
    customers: int
    segment: int | None = None
    file: str = ""
    consent: str | None = None
    figures: dict[str, Any] = field(default_factory=dict)


def first_ranked(plan_table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a channel plan's table (or of a ``channel_plan.csv``) that are a segment's
    first-ranked channel."""
    return plan_table[(plan_table["rank"] == 1) & (plan_table["status"] == "ranked")]


def unanswered_counts(features: pd.DataFrame) -> pd.Series | None:
    """Each person's service contacts left without a follow-up (``unanswered_contacts``, 0 when
    missing), or ``None`` when the feature table has no such column."""
    if "unanswered_contacts" not in features:
        return None
    return pd.to_numeric(features["unanswered_contacts"], errors="coerce").fillna(0)


def plan_actions(
    features: pd.DataFrame,
    segmentation: Any,
    plan: Any,
    *,
    output_dir: str | Path | None = None,
) -> list[Action]:
    """The run's actions: one recovery, then per segment its activation and pilot.

    Parameters
    ----------
    features : DataFrame
        The person feature table (``unanswered_contacts``, ``consent_*``, ``interactions_*``).
    segmentation : omniseg.segments.Segmentation
    plan : omniseg.channels.ChannelPlan
        A ``NotApplicable`` plan (no interactions) gives no action.
    output_dir : path, optional
        The run folder: the recovery and pilot lists are written under ``activation/`` (the
        activation lists are the plan step's).

    Returns
    -------
    list of Action
    """
    from omniseg.channels.activation import consent_column, reachable

    table = getattr(plan, "table", None)
    if not isinstance(table, pd.DataFrame):
        return []
    labels = segmentation.labels.reindex(features.index)
    codes = segmentation.codes
    consent = features.filter(like="consent_")
    present = _channels_in_data(features)
    out: list[Action] = []

    recover = _recover(features, labels, codes, consent, present, output_dir)
    if recover is not None:
        out.append(recover)
    for seg in range(len(codes)):
        ids = labels.index[labels.to_numpy() == seg]
        rows = table[table["segment"] == seg]
        top = first_ranked(rows)
        first = top[~top["thin"]]
        if len(first):
            r = first.iloc[0]
            kept = reachable(ids, r["channel"], consent)
            out.append(
                Action(
                    kind="activate",
                    channel=str(r["channel"]),
                    customers=len(kept),
                    segment=seg,
                    file=f"activation/{codes[seg]}_{r['channel']}.csv" if output_dir else "",
                    consent=consent_column(r["channel"], consent),
                    figures={"role": str(r["role"])},
                )
            )
        else:
            thin = top[top["thin"]]
            if len(thin):  # a first channel on thin evidence: test it before rolling it out
                out.append(_test_first(thin.iloc[0], ids, seg, codes[seg], consent, output_dir))
        pilot = _pilot(rows, ids, seg, codes[seg], consent, output_dir)
        if pilot is not None:
            out.append(pilot)
    return out


def main_actions(actions: list[Action], features: pd.DataFrame, segmentation: Any) -> dict:
    """Segment -> its main action (see the module's rule), for the segments that have one."""
    labels = segmentation.labels.reindex(features.index).to_numpy(dtype=int)
    count = unanswered_counts(features)
    hit = None if count is None else count > 0
    out = {}
    for seg in range(len(segmentation.codes)):
        own = [a for a in actions if a.segment == seg]
        recover = [a for a in actions if a.kind == "recover"]
        mask = labels == seg
        if recover and hit is not None and mask.any():
            share = float(hit.to_numpy()[mask].mean())
            others = float(hit.to_numpy()[~mask].mean()) if (~mask).any() else 0.0
            if share >= RECOVER_SHARE and share >= RECOVER_RATIO * others:
                out[seg] = recover[0]
                continue
        kinds = {a.kind: a for a in own}
        if "activate" in kinds:
            out[seg] = kinds["activate"]
        elif "pilot" in kinds:
            out[seg] = kinds["pilot"]
    return out


def _channels_in_data(features: pd.DataFrame) -> set[str]:
    """The channels with interactions in the feature table (none without its columns)."""
    from omniseg.channels.metrics import data_channels
    from omniseg.errors import DataValidationError

    try:
        return set(data_channels(features)[0])
    except DataValidationError:
        return set()


def _write(output_dir: str | Path | None, name: str, frame: pd.DataFrame) -> str:
    if not output_dir:
        return ""
    path = Path(output_dir) / "activation" / name
    atomic_write(path, frame.to_csv, private=True)  # person ids: readable by the owner only
    return f"activation/{name}"


def _recover(
    features: pd.DataFrame,
    labels: pd.Series,
    codes: list[str],
    consent: pd.DataFrame,
    present: set[str],
    output_dir: str | Path | None,
) -> Action | None:
    from omniseg.channels.activation import consent_column, reachable

    count = unanswered_counts(features)
    if count is None:
        return None
    ids = features.index[(count > 0).to_numpy()]
    if not len(ids):
        return None
    usable = [c for c in RECOVERY_CHANNELS if c in present]
    if not usable:
        return None
    channel = usable[0]
    kept = reachable(ids, channel, consent)
    segs = labels.reindex(kept).to_numpy(dtype=int)
    frame = pd.DataFrame(
        {
            "segment_code": [codes[s] for s in segs],
            "unanswered_contacts": count.reindex(kept).astype(int).to_numpy(),
        },
        index=pd.Index(kept.astype(str), name="person_id"),
    )
    per_segment = {
        int(s): int(c) for s, c in zip(*np.unique(segs, return_counts=True), strict=True)
    }
    return Action(
        kind="recover",
        channel=channel,
        customers=len(kept),
        file=_write(output_dir, f"recover_{channel}.csv", frame),
        consent=consent_column(channel, consent),
        figures={"segments": per_segment, "unanswered": len(ids)},
    )


def _pilot_action(
    channel: str,
    ids: pd.Index,
    seg: int,
    code: str,
    consent: pd.DataFrame,
    output_dir: str | Path | None,
    figures: dict[str, Any],
) -> Action:
    """A pilot of ``channel`` with the segment's customers who may be contacted on it, its
    list written to ``activation/pilot_<code>_<channel>.csv``."""
    from omniseg.channels.activation import consent_column, reachable

    kept = reachable(ids, channel, consent)
    frame = pd.DataFrame(index=pd.Index(kept.astype(str), name="person_id"))
    frame["segment_code"] = code
    return Action(
        kind="pilot",
        channel=str(channel),
        customers=len(kept),
        segment=seg,
        file=_write(output_dir, f"pilot_{code}_{channel}.csv", frame),
        consent=consent_column(channel, consent),
        figures=figures,
    )


def _test_first(
    row: pd.Series,
    ids: pd.Index,
    seg: int,
    code: str,
    consent: pd.DataFrame,
    output_dir: str | Path | None,
) -> Action:
    """A pilot of a segment's first channel when its rank rests on thin evidence."""
    engaged = row.get("engaged")
    figures = {"thin": True, "engaged": None if pd.isna(engaged) else int(engaged)}
    return _pilot_action(row["channel"], ids, seg, code, consent, output_dir, figures)


def _pilot(
    rows: pd.DataFrame,
    ids: pd.Index,
    seg: int,
    code: str,
    consent: pd.DataFrame,
    output_dir: str | Path | None,
) -> Action | None:
    """A pilot of the untested channel the segment's survey respondents prefer most."""
    from omniseg.channels.activation import reachable

    if "preference" not in rows:
        return None
    untested = rows[
        (rows["status"] == "untested") & (rows["preference"].astype(float) >= PILOT_PREFERENCE)
    ]
    if not len(untested):
        return None
    r = untested.sort_values(["preference", "channel"], ascending=[False, True]).iloc[0]
    if not len(reachable(ids, r["channel"], consent)):
        return None
    figures = {"preference": float(r["preference"])}
    return _pilot_action(r["channel"], ids, seg, code, consent, output_dir, figures)
