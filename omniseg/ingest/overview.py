"""The data overview section: its display tables, its sentences, and what each section shows.

The figures come from :mod:`omniseg.ingest.overview_stats` and the charts from
:mod:`omniseg.ingest.overview_charts`; this module words them in the report language: display
tables with translated headers and formatted numbers, the data-quality warnings, the sentence
introducing the identity figures, the data limits, and :func:`report_section`, what the
data-overview notebook displays for one section.

Every function takes a loaded :class:`omniseg.ingest.CustomerData` (or any object with the same
``customers`` and ``interactions`` frames and, optionally, a ``report`` with ``warnings``).

Examples
--------
>>> from omniseg.ingest.io import load_demo  # doctest: +SKIP
>>> tables = overview_tables(load_demo(), language="es")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from omniseg.errors import ParameterError
from omniseg.ingest.overview_charts import (
    plot_channel_summary,
    plot_identity_fragmentation,
    plot_monthly_activity,
)
from omniseg.ingest.overview_stats import (
    SPARSE_CHANNEL_SHARE,
    channel_summary,
    fragmentation_summary,
    identity_fragmentation,
    monthly_activity,
    overview_totals,
)
from omniseg.report.i18n import (
    channel_label,
    check_language,
    format_date,
    format_money,
    format_month,
    format_number,
    format_percent,
    t,
    translate_loader_warning,
)

__all__ = [
    "data_limits",
    "identity_lead",
    "overview_tables",
    "quality_warnings",
    "report_section",
    "section_not_applicable",
]


def identity_lead(data: Any, language: str = "en") -> str:
    """The sentence introducing the fragmentation figures, with this data's numbers.

    Parameters
    ----------
    data : CustomerData
    language : {"en", "es"}, default "en"

    Returns
    -------
    str
        Plain text (escape it when putting it into HTML).
    """
    check_language(language)
    frag = fragmentation_summary(data)
    return t(
        "overview.identity_lead",
        language,
        linked=format_percent(frag["linkable_share"], language),
        anonymous=format_percent(frag["anonymous_share"], language),
        ratio=format_number(frag["identifiers_per_customer"], language, 1),
    )


def quality_warnings(data: Any, language: str = "en") -> list[str]:
    """Data-quality warnings for the report: the loader's plus the overview's own checks.

    Parameters
    ----------
    data : CustomerData
        Loaded data; ``data.report.warnings`` is used when present.
    language : {"en", "es"}, default "en"
        Language of the warnings (the loader's warnings are worded from their message keys;
        plain texts are kept as written).

    Returns
    -------
    list of str
        Loader warnings, then one warning per channel with less than
        :data:`SPARSE_CHANNEL_SHARE` of interactions, then one per channel with months without
        interactions between its first and last active month (often a missing export). Plain
        text: escape it when putting it into HTML.
    """
    check_language(language)
    report = getattr(data, "report", None)
    out = [translate_loader_warning(w, language) for w in (getattr(report, "warnings", None) or [])]
    summary = channel_summary(data)
    for _, row in summary.iterrows():
        if row["share_of_interactions"] < SPARSE_CHANNEL_SHARE:
            out.append(
                t(
                    "warn.sparse_channel",
                    language,
                    channel=row["channel"],
                    share=format_percent(row["share_of_interactions"], language, 2),
                )
            )
    monthly = monthly_activity(data)
    if not monthly.empty:
        for channel, group in monthly.groupby("channel", sort=False):
            active = group["interactions"] > 0
            if active.sum() < 3:
                continue
            first, last = group.loc[active, "month"].min(), group.loc[active, "month"].max()
            inside = group[(group["month"] > first) & (group["month"] < last) & ~active]
            if len(inside):
                months = ", ".join(format_month(m, language) for m in inside["month"])
                out.append(t("warn.gap", language, channel=channel, months=months))
    return out


def overview_tables(data: Any, language: str = "en") -> dict[str, pd.DataFrame]:
    """Display-ready tables with translated headers and numbers formatted for the language.

    Cells are strings; show them with an escaping renderer (``omniseg.report.table``,
    ``DataFrame.to_html(escape=True)``, or a Styler with ``escape="html"``), since channel
    labels come from the data.

    Parameters
    ----------
    data : CustomerData
    language : {"en", "es"}, default "en"

    Returns
    -------
    dict of str to DataFrame
        ``totals`` (metric, value), ``channels`` (one row per channel, from
        :func:`channel_summary`) and ``identity`` (one row per identifier kind, from
        :func:`identity_fragmentation`).
    """
    check_language(language)
    tot = overview_totals(data)
    period = (
        "–"
        if pd.isna(tot["start"])
        else f"{format_date(tot['start'], language)} – {format_date(tot['end'], language)}"
    )
    profile = getattr(data, "profile", None)
    crm = getattr(profile, "has_customers", True)
    touches = getattr(profile, "has_interactions", True)
    rows = [
        (crm, "kpi.customers", format_number(tot["customers"], language)),
        (touches, "kpi.interactions", format_number(tot["interactions"], language)),
        (touches, "kpi.period", period),
        (touches, "kpi.months", format_number(tot["months"], language)),
        (touches, "kpi.channels", format_number(tot["channels"], language)),
        (
            touches and tot["orders"] is None,
            "kpi.purchases",
            format_number(tot["purchases"], language),
        ),
        (
            touches and tot["orders"] is not None,
            "kpi.orders",
            format_number(tot["orders"] or 0, language),
        ),
        (
            touches and tot["orders"] is not None,
            "kpi.order_lines",
            format_number(tot["purchases"], language),
        ),
        (touches, "kpi.revenue", format_money(tot["revenue"], language)),
        (touches, "kpi.anonymous", format_percent(tot["anonymous_share"], language)),
        (True, "kpi.survey", format_number(tot["survey_respondents"], language)),
        (True, "kpi.interviews", format_number(tot["interviews"], language)),
    ]
    # a table that was not given has no figures (not zeros): the data limits say why
    totals = pd.DataFrame(
        [(t(key, language), value) for shown, key, value in rows if shown],
        columns=[t("col.metric", language), t("col.value", language)],
    )
    s = channel_summary(data)
    channels = pd.DataFrame(
        {
            t("col.channel", language): [channel_label(c, language) for c in s["channel"]],
            t("col.interactions", language): [
                format_number(v, language) for v in s["interactions"]
            ],
            t("col.share", language): [
                format_percent(v, language) for v in s["share_of_interactions"]
            ],
            t("col.people", language): [
                format_number(v, language) for v in s["distinct_identifiers"]
            ],
            t("col.purchases", language): [format_number(v, language) for v in s["purchases"]],
            t("col.revenue", language): [format_money(v, language) for v in s["revenue"]],
            t("col.revenue_share", language): [
                format_percent(v, language) for v in s["revenue_share"]
            ],
            t("col.conversion", language): [
                format_number(100 * v, language, 2) for v in s["conversion"]
            ],
            t("col.complaints", language): [format_number(v, language) for v in s["complaints"]],
            t("col.satisfaction", language): [
                format_number(v, language, 2) for v in s["mean_satisfaction"]
            ],
        }
    )
    f = identity_fragmentation(data)
    identity = pd.DataFrame(
        {
            t("col.identifier", language): [t(f"id.{k}", language) for k in f["identifier"]],
            t("col.rows", language): [
                f"{format_number(r, language)} ({format_percent(s_, language)})"
                for r, s_ in zip(f["rows"], f["share_of_rows"], strict=True)
            ],
            t("col.distinct_raw", language): [
                format_number(v, language) for v in f["distinct_raw"]
            ],
            t("col.distinct_clean", language): [
                format_number(v, language) for v in f["distinct_clean"]
            ],
            t("col.matched", language): [format_number(v, language) for v in f["matched_crm"]],
        }
    )
    return {"totals": totals, "channels": channels, "identity": identity}


def data_limits(profile: Any, language: str = "en") -> list[str]:
    """One sentence per thing the data cannot answer (from its :class:`DataProfile`).

    Parameters
    ----------
    profile : omniseg.ingest.DataProfile
    language : {"en", "es"}

    Returns
    -------
    list of str
        Sentences in the report language, in the order of the report's sections; empty when
        every section applies.

    Examples
    --------
    >>> from omniseg.ingest.data_profile import DataProfile
    >>> limits = data_limits(DataProfile(channels={"store": 9}, purchases=3, revenue=0.0))
    >>> [s.split(":")[0] for s in limits][:2]
    ['Omnichannel comparisons (multi- vs single-channel customers, channel overlap, gaps between \
channels) do not apply', 'Attribution of purchases to channels does not apply']
    """
    check_language(language)
    out = [t(f"limits.na.{section}.{reason}", language) for section, reason in
           profile.not_applicable().items()]  # fmt: skip
    if profile.orders == "lines_suspected":
        out.append(t("limits.orders.lines_suspected", language))
    return out


#: The data-overview sections that follow the data profile, and the profile section deciding.
_PROFILE_SECTION = {"channels": "channels", "monthly": "activity", "identity": "identity"}


def section_not_applicable(data: Any, section: str, language: str = "en") -> str | None:
    """The one sentence saying why a report section does not apply to ``data``, or ``None``.

    Parameters
    ----------
    data : CustomerData
        Its :class:`~omniseg.ingest.DataProfile` decides.
    section : str
        A section of :data:`omniseg.ingest.data_profile.SECTIONS` (``"identity"``, ``"channels"``,
        ``"activity"``, ``"omnichannel"``, ...).
    language : {"en", "es"}

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from omniseg.ingest.data_profile import DataProfile
    >>> crm_only = SimpleNamespace(profile=DataProfile(has_interactions=False))
    >>> section_not_applicable(crm_only, "activity")
    'Activity over time does not apply: the data has no interactions with dates.'
    >>> web = SimpleNamespace(profile=DataProfile(channels={"web": 3}))
    >>> section_not_applicable(web, "channels") is None
    True
    """
    check_language(language)
    profile = getattr(data, "profile", None)
    reason = None if profile is None else profile.not_applicable().get(section)
    return None if reason is None else t(f"limits.na.{section}.{reason}", language)


def report_section(
    name: str, data: Any, *, language: str = "en", tables: dict[str, pd.DataFrame] | None = None
) -> list[Any]:
    """What the data-overview notebook displays for one section, in order.

    ``name`` is ``"channels"`` (heading, chart and table per channel), ``"monthly"`` (activity
    per month) or ``"identity"`` (fragmentation of identifiers). A section that does not apply
    to the data (no interactions table; identity when every interaction carries a
    ``customer_id``) is its heading and ONE sentence in ``language`` instead
    (:func:`section_not_applicable`).

    Parameters
    ----------
    name : str
    data : CustomerData
    language : {"en", "es"}
    tables : dict, optional
        :func:`overview_tables` of ``data`` (computed when not given).
    """
    from omniseg.report.display import paragraph, section, table

    check_language(language)
    if name not in _PROFILE_SECTION:
        raise ParameterError(
            "The 'name' parameter of report_section must be one of 'channels', 'monthly', "
            f"'identity'. Got {name!r} instead."
        )
    reason = section_not_applicable(data, _PROFILE_SECTION[name], language)
    heading = {
        "channels": ("overview.channels", "channels", "overview.channels_lead"),
        "monthly": ("overview.monthly", "monthly-activity", "overview.monthly_lead"),
        "identity": ("overview.identity", "identity", None),
    }[name]
    title, anchor, lead_key = heading
    if reason is not None:
        return [section(t(title, language), anchor=anchor, level=3), paragraph(reason)]
    lead = identity_lead(data, language) if name == "identity" else t(lead_key, language)
    out = [section(t(title, language), anchor=anchor, level=3, lead=lead)]
    if name == "channels":
        tables = tables if tables is not None else overview_tables(data, language)
        out += [
            plot_channel_summary(channel_summary(data), language=language),
            table(tables["channels"]),
        ]
    elif name == "monthly":
        out.append(plot_monthly_activity(monthly_activity(data), language=language))
    else:
        tables = tables if tables is not None else overview_tables(data, language)
        out += [
            plot_identity_fragmentation(identity_fragmentation(data), language=language),
            table(tables["identity"]),
        ]
    return out
