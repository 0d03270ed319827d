"""The HTML table of a :class:`~omniseg.segments.segment_profile.SegmentProfile`.

:func:`profile_table_html` is what ``SegmentProfile.to_html`` (and its rich display in JupyterLab)
shows: features down, segments across, each cell's index on a background coloured by the
standardized difference, the per-feature test, the legend and the notes. This module works out
the cells (shown value, colour, hover sentence) and the words from the catalog; the markup is the
template ``segment_profile.html.j2`` (:mod:`omniseg.report.templating`), which escapes them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from omniseg.report.i18n import format_number, format_percent, t
from omniseg.report.templating import render
from omniseg.segments.segment_profile import (
    CORRECTION_NAMES,
    _alpha_digits,
    _finite,
    _infinite,
    _p,
    _value,
)

if TYPE_CHECKING:
    from omniseg.segments.segment_profile import SegmentProfile

__all__ = ["COLOUR_LIMIT", "profile_table_html"]

#: |standardized difference| at which the table's cell colour is at its deepest.
COLOUR_LIMIT = 1.0

_BLUE = (33, 102, 172)  # above everyone else
_RED = (178, 24, 43)  # below everyone else


def profile_table_html(profile: SegmentProfile, language: str) -> str:
    """The profile as a heat-map-style HTML table (see ``SegmentProfile.to_html``).

    Parameters
    ----------
    profile : SegmentProfile
        A profile whose features already carry their display names (``profile._worded``).
    language : {"en", "es"}
        Checked by the caller.

    Returns
    -------
    str
        The HTML fragment, every label escaped.
    """
    segments = profile._segments()
    header = [
        {
            "name": profile.segment_label(seg),
            "size": profile._size_text(seg, language),
            "not_tested": bool(profile.sizes[seg] < profile.min_size),
        }
        for seg in segments
    ]
    lookup = {
        (r["segment"], r["feature"], r["level"] if r["kind"] != "numeric" else None): r
        for r in profile.cells.to_dict("records")
    }
    rows = []
    missing_index = False
    for row in profile._rows().itertuples(index=False):
        level = row.level if row.kind != "numeric" else None
        first = lookup[(segments[0], row.feature, level)]
        cells = []
        for seg in segments:
            cell = lookup[(seg, row.feature, level)]
            if _finite(cell["index"]):
                shown = format_number(cell["index"], language)
            else:
                shown = _value(cell["value"], row.kind, language)
                missing_index = missing_index or _finite(cell["value"])
            cells.append(
                {
                    "style": _cell_style(cell["std_diff"], bool(cell["significant"])),
                    "title": profile._cell_text(cell, seg, language),
                    "shown": shown,
                }
            )
        rows.append(
            {
                "label": profile._row_label(row.feature, row.level, row.kind, language),
                "overall": _value(first["overall_value"], row.kind, language),
                "cells": cells,
                "test": _test_text(profile, row.feature, language),
            }
        )
    return render(
        "segment_profile.html.j2",
        title=t("profile.title", language),
        feature_header=t("profile.feature", language),
        everyone_header=t("profile.everyone", language),
        test_header=t("profile.test", language),
        not_tested=t("profile.not_tested", language),
        segments=header,
        rows=rows,
        legend=" ".join(_legend(profile, missing_index, language)),
        notes=profile.note_texts(language),
    )


def _legend(profile: SegmentProfile, missing_index: bool, language: str) -> list[str]:
    """The sentences under the table: what a cell shows, what bold means, cells without index."""
    legend = [t("profile.legend", language)]
    alpha = format_percent(profile.alpha, language, digits=_alpha_digits(profile.alpha))
    if profile.correction == "none":
        legend.append(t("profile.legend_sig_none", language, alpha=alpha))
    else:
        name = CORRECTION_NAMES[profile.correction]
        legend.append(t("profile.legend_sig", language, alpha=alpha, correction=name))
    if missing_index:
        legend.append(t("profile.legend_no_index", language))
    return legend


def _test_text(profile: SegmentProfile, feature: object, language: str) -> str:
    """The last column: the feature's test, effect size and adjusted p-value."""
    test = profile.tests.loc[feature]
    if test["test"] is None or not _finite(test["p_value"]):
        return t("profile.not_tested", language)
    name = "Kruskal-Wallis" if test["test"] == "kruskal" else "χ²"
    measure = "η²" if test["effect_measure"] == "eta_squared" else "V"
    effect = format_number(test["effect_size"], language, 2)
    p = _p(test["p_adjusted"], language)
    return f"{name} · {measure} = {effect} · {t('profile.p_adjusted', language, p=p)}"


def _cell_style(std_diff: float, significant: bool) -> str:
    """A cell's CSS: blue above everyone else, red below, deeper if larger; bold if significant."""
    style = "text-align:right;padding:2px 8px"
    if _finite(std_diff) or _infinite(std_diff):
        share = min(abs(float(std_diff)) / COLOUR_LIMIT, 1.0)
        base = _BLUE if std_diff > 0 else _RED
        r, g, b = (round(255 + (c - 255) * share) for c in base)
        style += f";background-color:rgb({r},{g},{b})"
        if share > 0.6:
            style += ";color:white"
    if significant:
        style += ";font-weight:bold"
    return style
