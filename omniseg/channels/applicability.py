"""When attribution, journeys and the channel plan's parts do not apply, and why.

Attribution compares channels and journey charts show moves between them: with one channel in
the journeys, no journeys, or no purchases there is nothing to compare. :func:`attribution_status`
and :func:`journey_status` say whether they apply and why not (a language-free reason code:
``"one_channel"``, ``"no_sequences"``, ``"no_purchases"``); the tables and figures then return a
:class:`NotApplicable` (falsy, with the reason; its text is made at display time from
:mod:`omniseg.report.i18n`) instead of a 100 % / 0 % table. The channel plan
(:mod:`omniseg.channels.plan`) uses the same class for its gaps, patterns and plan.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from omniseg.channels.journeys import Journeys, _journeys_arg, _valid
from omniseg.report.i18n import channel_label, check_language
from omniseg.report.templating import render

__all__ = ["NOT_APPLICABLE_REASONS", "NotApplicable", "attribution_status", "journey_status"]


#: Reason codes of :class:`NotApplicable`, per kind of result.
NOT_APPLICABLE_REASONS: dict[str, tuple[str, ...]] = {
    "attribution": ("one_channel", "no_journeys", "no_purchases", "no_interactions"),
    "journeys": ("one_channel", "no_journeys", "no_sequences", "no_interactions"),
    "plan": ("no_interactions",),
    "patterns": ("one_channel", "no_interactions"),
    "gaps": ("one_channel", "no_interactions"),
}


@dataclass(frozen=True)
class NotApplicable:
    """A result that does not apply to the data, and why (language-free; falsy).

    Attributes
    ----------
    what : str
        ``"attribution"``, ``"journeys"`` (Sankey, transitions), ``"patterns"`` (cross-channel
        patterns), ``"gaps"`` (omnichannel gaps) or ``"plan"`` (the channel plan).
    reason : str
        ``"one_channel"`` (the data has a single channel), ``"no_journeys"``, ``"no_purchases"``,
        ``"no_sequences"`` (no journey touches two channels) or ``"no_interactions"`` (no
        interactions table: a CRM-only export).
    channels : tuple of str
        The channels the data has.
    segment : optional
        The segment the result was asked for (``None``: everyone).

    Examples
    --------
    >>> from omniseg.channels.attribution import attribution_table
    >>> j = Journeys.from_paths([["web"], ["web"]], conversions=[1, 0])
    >>> na = attribution_table(j)
    >>> bool(na), na.reason
    (False, 'one_channel')
    >>> na.text()
    'Attribution does not apply: every journey uses one channel (Web), so there is nothing to \
split the purchases between.'
    """

    what: str
    reason: str
    channels: tuple[str, ...] = ()
    segment: Hashable | None = None
    status: str = "not_applicable"

    def __bool__(self) -> bool:
        return False

    def text(self, language: str = "en") -> str:
        """One short sentence in ``language`` (from the text catalog, ``channels.na.*``)."""
        from omniseg.report import i18n

        lang = check_language(language)
        chans = ", ".join(channel_label(c, lang) for c in self.channels) or "–"
        return i18n.t(f"channels.na.{self.what}.{self.reason}", lang).format(ch=chans)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ``status``, ``what``, ``reason``, ``channels``."""
        return {
            "status": self.status,
            "what": self.what,
            "reason": self.reason,
            "channels": list(self.channels),
        }

    def _repr_html_(self) -> str:
        from omniseg.report.display_options import display_language

        return render("blocks/paragraph.html.j2", text=self.text(display_language()))


def _channels_used(j: Journeys) -> tuple[str, ...]:
    """Channels with at least one touch in the journeys, in the journeys' order."""
    if not len(j.length):
        return ()
    codes = np.unique(j.steps[_valid(j)].astype(np.int64))
    return tuple(j.channels[c] for c in codes if c >= 0)


def attribution_status(
    journeys: Journeys, *, segment: Hashable | None = None
) -> NotApplicable | None:
    """``None`` when attribution applies to the journeys, else why not (:class:`NotApplicable`).

    Attribution splits purchases between channels: it needs journeys (``"no_journeys"``), two or
    more channels in them (``"one_channel"``) and at least one purchase (``"no_purchases"``).
    """
    j = _journeys_arg(journeys, "attribution_status").select(segment)
    used = _channels_used(j)
    if j.n_journeys == 0:
        return NotApplicable("attribution", "no_journeys", used, segment)
    if len(used) < 2:
        return NotApplicable("attribution", "one_channel", used, segment)
    if j.n_conversions == 0:
        return NotApplicable("attribution", "no_purchases", used, segment)
    return None


def journey_status(journeys: Journeys, *, segment: Hashable | None = None) -> NotApplicable | None:
    """``None`` when cross-channel journeys (Sankey, transitions) apply, else why not.

    They need journeys (``"no_journeys"``), two or more channels (``"one_channel"``) and at
    least one journey that moves from one channel to another (``"no_sequences"``).
    """
    j = _journeys_arg(journeys, "journey_status").select(segment)
    used = _channels_used(j)
    if j.n_journeys == 0:
        return NotApplicable("journeys", "no_journeys", used, segment)
    if len(used) < 2:
        return NotApplicable("journeys", "one_channel", used, segment)
    if not (j.length >= 2).any():
        return NotApplicable("journeys", "no_sequences", used, segment)
    return None


def _mark(frame: pd.DataFrame, j: Journeys) -> pd.DataFrame:
    """Record in ``frame.attrs`` whether attribution applies (``status``, ``reason``)."""
    na = attribution_status(j)
    frame.attrs["status"] = "ok" if na is None else na.status
    frame.attrs["reason"] = None if na is None else na.reason
    return frame


def _not_applicable(frame: Any) -> Any:
    """The :class:`NotApplicable` a frame's ``attrs`` record, if any (or the frame itself when
    it is one)."""
    if isinstance(frame, NotApplicable):
        return frame
    attrs = getattr(frame, "attrs", {}) or {}
    if attrs.get("status") == "not_applicable":
        return NotApplicable(
            attrs.get("what", "gaps"), attrs["reason"], tuple(attrs.get("channels", ()))
        )
    return None
