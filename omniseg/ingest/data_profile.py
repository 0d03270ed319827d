"""What the data holds, recorded once at load, so that every section can say what applies.

Real exports differ from our demo: one channel or eight, revenue or none, orders or order lines,
a CRM with demographics or only ids, a survey or not. :func:`profile_data` records these facts in
a :class:`DataProfile` (numbers and codes, no language) when a :class:`~omniseg.ingest.CustomerData`
is built; it travels in the :class:`~omniseg.ingest.ValidationReport` (so also in the run's snapshot
and ``manifest.json``), and :meth:`DataProfile.not_applicable` says, per report section, whether it
applies and if not why, as a reason code the report words in its language
(``profile.na_<reason>`` in :mod:`omniseg.report.i18n`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from omniseg.config.vocabulary import IDENTIFIER_COLUMNS

__all__ = ["DEMOGRAPHIC_COLUMNS", "SECTIONS", "DataProfile", "profile_data"]

#: CRM columns that count as demographics.
DEMOGRAPHIC_COLUMNS: tuple[str, ...] = (
    "age",
    "birth_year",
    "age_band",
    "gender",
    "income_band",
    "region",
    "city",
    "country",
    "postcode",
)
#: Report sections whose applicability the profile decides.
SECTIONS: tuple[str, ...] = (
    "identity",
    "channels",
    "activity",
    "omnichannel",
    "attribution",
    "journeys",
    "value",
    "demographics",
    "survey",
    "interviews",
)
#: Sections that need an interactions table (none of them applies to a CRM-only export).
_NEED_INTERACTIONS: tuple[str, ...] = (
    "identity",
    "channels",
    "activity",
    "omnichannel",
    "attribution",
    "journeys",
    "value",
)
#: Share of purchase rows sharing (customer, timestamp) with another purchase above which the
#: purchases look like order lines.
_LINES_SHARE = 0.2


@dataclass
class DataProfile:
    """Facts about the inputs that decide what each report section can say.

    Attributes
    ----------
    channels : dict
        Interactions per canonical channel present (most first).
    events : dict
        Rows per event type.
    purchases : int
        Purchase rows.
    revenue : float
        Total revenue (0 without a ``revenue`` column or with no positive value).
    orders : str
        ``"order_id"`` (lines grouped by an order id), ``"lines_suspected"`` (many purchases of
        one customer share one timestamp: lines may be counted as orders), ``"purchases"`` (one
        row per purchase, as far as can be told) or ``"none"`` (no purchases).
    demographics : list of str
        CRM demographic columns that hold any value.
    consent : list of str
        ``consent_*`` columns of the CRM.
    identifiers : list of str
        Identifier columns of the interactions that hold any value.
    linked_by_customer_id : bool
        Every identified interaction carries a ``customer_id`` (identity resolution has
        nothing to link).
    survey_respondents, interviews : int
    period_start, period_end : str or None
        First and last interaction dates (``YYYY-MM-DD``).
    months : int
        Calendar months the interactions span.
    currency : str
        ISO 4217 code of the money figures (``EUR`` unless the run says otherwise).
    has_customers, has_interactions : bool
        Whether a CRM table and an interactions table were given: a CRM-only export has no
        interactions (the persons are the CRM customers), a transactions-only export no CRM
        (the persons come from the interactions' identifiers).
    """

    channels: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    purchases: int = 0
    revenue: float = 0.0
    orders: str = "none"
    demographics: list[str] = field(default_factory=list)
    consent: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    linked_by_customer_id: bool = False
    survey_respondents: int = 0
    interviews: int = 0
    period_start: str | None = None
    period_end: str | None = None
    months: int = 0
    currency: str = "EUR"
    has_customers: bool = True
    has_interactions: bool = True

    @property
    def n_channels(self) -> int:
        """Channels with at least one interaction."""
        return sum(1 for n in self.channels.values() if n > 0)

    def not_applicable(self) -> dict[str, str]:
        """``{section: reason code}`` for every section of :data:`SECTIONS` that does not apply.

        Codes: ``one_channel``, ``no_channels``, ``no_purchases``, ``no_revenue``,
        ``customer_id_everywhere``, ``no_survey``, ``no_interviews``, and for a table that was
        not given ``no_interactions`` (identity, channels, activity, omnichannel, attribution,
        journeys, value) and ``no_crm`` (demographics).

        Examples
        --------
        >>> DataProfile(channels={"store": 90}, purchases=10, revenue=500.0).not_applicable()
        {'omnichannel': 'one_channel', 'attribution': 'one_channel', 'journeys': 'one_channel', \
'survey': 'no_survey', 'interviews': 'no_interviews'}
        >>> sorted(DataProfile(has_interactions=False).not_applicable())[:4]
        ['activity', 'attribution', 'channels', 'identity']
        """
        out: dict[str, str] = {}
        if not self.has_interactions:  # a CRM-only export: nothing happened on any channel
            out.update(dict.fromkeys(_NEED_INTERACTIONS, "no_interactions"))
            if not self.has_customers:
                out["demographics"] = "no_crm"
            if self.survey_respondents == 0:
                out["survey"] = "no_survey"
            if self.interviews == 0:
                out["interviews"] = "no_interviews"
            return out
        channel_reason = (
            "no_channels" if self.n_channels == 0 else "one_channel" if self.n_channels == 1 else ""
        )
        if self.linked_by_customer_id:
            out["identity"] = "customer_id_everywhere"
        if channel_reason:
            out["omnichannel"] = channel_reason
            out["attribution"] = channel_reason
            out["journeys"] = channel_reason
        elif self.purchases == 0:
            out["attribution"] = "no_purchases"
        if self.purchases > 0 and self.revenue <= 0:
            out["value"] = "no_revenue"
        elif self.purchases == 0:
            out["value"] = "no_purchases"
        if not self.has_customers:
            out["demographics"] = "no_crm"
        if self.survey_respondents == 0:
            out["survey"] = "no_survey"
        if self.interviews == 0:
            out["interviews"] = "no_interviews"
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON), with ``not_applicable`` for readers of ``manifest.json``."""
        return {**asdict(self), "not_applicable": self.not_applicable()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataProfile:
        """Rebuild a profile from :meth:`to_dict` output."""
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def _orders(inter: pd.DataFrame, purchase: pd.Series) -> str:
    if not purchase.any():
        return "none"
    if "order_id" in inter and inter.loc[purchase, "order_id"].notna().any():
        return "order_id"
    ids = [c for c in IDENTIFIER_COLUMNS if c in inter]
    if not ids:
        return "purchases"
    rows = inter.loc[purchase, [*ids, "timestamp"]]
    who = rows[ids[0]].astype("string")
    for col in ids[1:]:  # the row's first identifier (column-wise: a row-wise fill is slow)
        who = who.fillna(col + ":" + rows[col].astype("string"))
    keyed = pd.DataFrame({"who": who, "t": rows["timestamp"]}).dropna()
    shared = keyed.duplicated(keep=False)
    if len(keyed) and shared.sum() >= 50 and shared.mean() > _LINES_SHARE:
        return "lines_suspected"
    return "purchases"


def profile_data(data: Any, *, currency: str = "EUR") -> DataProfile:
    """The :class:`DataProfile` of validated inputs.

    Parameters
    ----------
    data : omniseg.ingest.CustomerData
    currency : str
        ISO 4217 code of the money figures.

    Returns
    -------
    DataProfile

    Examples
    --------
    >>> import omniseg
    >>> data = omniseg.load_data(
    ...     pd.DataFrame({"customer_id": ["C1", "C2"], "age": [30, 40]}),
    ...     pd.DataFrame({"timestamp": ["2026-01-05 10:00", "2026-02-01 09:00"],
    ...                   "channel": ["Tienda", "store"], "event": ["compra", "purchase"],
    ...                   "customer_id": ["C1", "C2"], "revenue": ["12,5", "30"]}))
    >>> profile = profile_data(data)
    >>> profile.channels, profile.purchases, profile.revenue, profile.demographics
    ({'store': 2}, 2, 42.5, ['age'])
    >>> sorted(profile.not_applicable())
    ['attribution', 'identity', 'interviews', 'journeys', 'omnichannel', 'survey']
    """
    inter = data.interactions
    crm = data.customers
    channels = {str(k): int(v) for k, v in inter["channel"].value_counts().items()}
    events = {str(k): int(v) for k, v in inter["event"].value_counts().items()}
    purchase = (inter["event"] == "purchase").fillna(False).astype(bool)
    revenue = 0.0
    if "revenue" in inter:
        values = pd.to_numeric(inter["revenue"], errors="coerce")
        revenue = float(values[values > 0].sum())
    ids = [c for c in IDENTIFIER_COLUMNS if c in inter and inter[c].notna().any()]
    identified = inter[ids].notna().any(axis=1) if ids else pd.Series(False, index=inter.index)
    linked = bool(
        "customer_id" in ids
        and identified.any()
        and inter.loc[identified, "customer_id"].notna().all()
    )
    stamps = inter["timestamp"].dropna()
    start, end, months = None, None, 0
    if len(stamps):
        first, last = stamps.min(), stamps.max()
        start, end = first.strftime("%Y-%m-%d"), last.strftime("%Y-%m-%d")
        months = (last.year - first.year) * 12 + last.month - first.month + 1
    return DataProfile(
        channels=channels,
        events=events,
        purchases=int(purchase.sum()),
        revenue=round(revenue, 2),
        orders=_orders(inter, purchase),
        demographics=[c for c in DEMOGRAPHIC_COLUMNS if c in crm and crm[c].notna().any()],
        consent=[c for c in crm.columns if str(c).startswith("consent_")],
        identifiers=ids,
        linked_by_customer_id=linked,
        survey_respondents=0 if data.survey is None else len(data.survey),
        interviews=0 if data.interviews is None else len(data.interviews),
        period_start=start,
        period_end=end,
        months=months,
        currency=currency,
        has_customers=len(crm) > 0,  # a loaded table has rows: an empty one was not given
        has_interactions=len(inter) > 0,
    )
