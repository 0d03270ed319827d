"""Readable names of the customer feature table's columns, in English and Spanish.

Reports show ``"Share of interactions: App"`` rather than ``share_app``. Columns not listed (a
CRM's own attributes) are shown with spaces for underscores, ``"My column"``. The labels are
texts of the report catalog (keys ``feature.<column>`` and ``feature_channel.<prefix>``,
``docs/catalog.md``): a deployment adds its own labels there.

Examples
--------
>>> feature_label("share_app", "es")
'% de interacciones: App'
>>> feature_label("aov")
'Average order value'
>>> feature_label("my_column")
'My column'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from omniseg.report.i18n import channel_label, check_language, has_text, t, texts

__all__ = ["FEATURE_LABELS", "PER_CHANNEL_LABELS", "feature_label", "feature_labels"]

#: Labels of single columns, read-only: {column: {language: label}} (catalog keys
#: ``feature.<column>`` of :mod:`omniseg.report.catalog`).
FEATURE_LABELS: Mapping[str, Mapping[str, str]] = texts("feature.")

#: Labels of per-channel columns ``<prefix>_<channel>``, read-only: {prefix: {language:
#: template}} (catalog keys ``feature_channel.<prefix>``, with the field ``{ch}``).
PER_CHANNEL_LABELS: Mapping[str, Mapping[str, str]] = texts("feature_channel.")


def feature_label(column: str, language: str = "en") -> str:
    """Readable label of a feature-table column (an unknown ``snake_case`` name with spaces,
    ``household_size`` -> ``Household size``; other unknown names as they are).

    Examples
    --------
    >>> feature_label("household_size"), feature_label("tenure"), feature_label("Plan")
    ('Household size', 'tenure', 'Plan')
    """
    language = check_language(language)
    if has_text(f"feature.{column}", language):
        return t(f"feature.{column}", language)
    prefix, _, channel = str(column).partition("_")
    if channel and has_text(f"feature_channel.{prefix}", language):
        return t(f"feature_channel.{prefix}", language, ch=channel_label(channel, language))
    text = str(column)
    if re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", text):  # a CRM's own snake_case column
        words = text.replace("_", " ")
        return words[0].upper() + words[1:]
    return text


def feature_labels(columns: list[str], language: str = "en") -> dict[str, str]:
    """``{column: label}`` for renaming a table; labels are made unique if two collide."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for col in columns:
        label = feature_label(col, language)
        if label in seen:
            label = f"{label} ({col})"
        seen.add(label)
        out[col] = label
    return out
