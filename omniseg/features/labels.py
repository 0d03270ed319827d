"""Readable names of the customer feature table's columns, in English and Spanish.

Reports show ``"Share of interactions: App"`` rather than ``share_app``. Columns not listed (a
CRM's own attributes) are shown with spaces for underscores, ``"My column"``; a deployment may
add its own labels to :data:`FEATURE_LABELS`.

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

from omniseg.report.i18n import channel_label, check_language

__all__ = ["FEATURE_LABELS", "PER_CHANNEL_LABELS", "feature_label", "feature_labels"]

#: Labels of single columns: {column: {language: label}}.
FEATURE_LABELS: dict[str, dict[str, str]] = {
    "n_interactions": {
        "en": "Interactions (all channels)",
        "es": "Interacciones (todos los canales)",
    },
    "tenure_days": {"en": "Tenure (days)", "es": "Antigüedad (días)"},
    "frequency": {"en": "Purchases", "es": "Compras"},
    "monetary": {"en": "Revenue", "es": "Ingresos"},
    "aov": {"en": "Average order value", "es": "Ticket medio"},
    "recency_days": {"en": "Days since last purchase", "es": "Días desde la última compra"},
    "n_channels": {"en": "Channels used", "es": "Canales usados"},
    "omnichannel": {"en": "Uses 2+ channels", "es": "Usa 2 o más canales"},
    "first_channel": {"en": "First channel", "es": "Primer canal"},
    "last_channel": {"en": "Last channel", "es": "Último canal"},
    "channel_switch_rate": {"en": "Channel switch rate", "es": "Tasa de cambio de canal"},
    "contacts": {"en": "Service contacts", "es": "Contactos de servicio"},
    "complaints": {"en": "Complaints", "es": "Quejas"},
    "email_click_rate": {"en": "Email click rate", "es": "Tasa de clics en email"},
    "sms_click_rate": {"en": "SMS click rate", "es": "Tasa de clics en SMS"},
    "ropo_purchases": {
        "en": "Store purchases after web research",
        "es": "Compras en tienda tras buscar en la web",
    },
    "showrooming_purchases": {
        "en": "Online purchases after a store visit",
        "es": "Compras online tras visitar la tienda",
    },
    "contact_after_web": {
        "en": "Phone/chat contacts after a web visit",
        "es": "Contactos por teléfono/chat tras visitar la web",
    },
    "unanswered_contacts": {
        "en": "Contacts with no follow-up in 48 h",
        "es": "Contactos sin seguimiento en 48 h",
    },
    "age": {"en": "Age", "es": "Edad"},
    "age_band": {"en": "Age band", "es": "Tramo de edad"},
    "main_channel": {"en": "Main channel", "es": "Canal principal"},
    "gender": {"en": "Gender", "es": "Género"},
    "income_band": {"en": "Income band", "es": "Nivel de ingresos"},
    "region": {"en": "Region", "es": "Región"},
    "consent_email": {"en": "Email consent", "es": "Consentimiento email"},
    "consent_sms": {"en": "SMS consent", "es": "Consentimiento SMS"},
    "survey_digital_affinity": {
        "en": "Survey: digital affinity",
        "es": "Encuesta: afinidad digital",
    },
    "survey_price_sensitivity": {
        "en": "Survey: price sensitivity",
        "es": "Encuesta: sensibilidad al precio",
    },
    "survey_service_need": {
        "en": "Survey: need for service",
        "es": "Encuesta: necesidad de atención",
    },
    "survey_brand_trust": {"en": "Survey: brand trust", "es": "Encuesta: confianza en la marca"},
    "survey_channel_satisfaction": {
        "en": "Survey: satisfaction with channels",
        "es": "Encuesta: satisfacción con los canales",
    },
    "survey_nps": {
        "en": "Survey: likelihood to recommend (0-10)",
        "es": "Encuesta: probabilidad de recomendar (0-10)",
    },
}

#: Labels of per-channel columns ``<prefix>_<channel>``: {prefix: {language: template}}.
PER_CHANNEL_LABELS: dict[str, dict[str, str]] = {
    "interactions": {"en": "Interactions: {ch}", "es": "Interacciones: {ch}"},
    "share": {"en": "Share of interactions: {ch}", "es": "% de interacciones: {ch}"},
    "purchases": {"en": "Purchases: {ch}", "es": "Compras: {ch}"},
    "revenue": {"en": "Revenue: {ch}", "es": "Ingresos: {ch}"},
    "satisfaction": {"en": "Satisfaction: {ch}", "es": "Satisfacción: {ch}"},
}


def feature_label(column: str, language: str = "en") -> str:
    """Readable label of a feature-table column (an unknown ``snake_case`` name with spaces,
    ``household_size`` -> ``Household size``; other unknown names as they are).

    Examples
    --------
    >>> feature_label("household_size"), feature_label("tenure"), feature_label("Plan")
    ('Household size', 'tenure', 'Plan')
    """
    language = check_language(language)
    if column in FEATURE_LABELS:
        return FEATURE_LABELS[column][language]
    prefix, _, channel = str(column).partition("_")
    if channel and prefix in PER_CHANNEL_LABELS:
        return PER_CHANNEL_LABELS[prefix][language].format(ch=channel_label(channel, language))
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
