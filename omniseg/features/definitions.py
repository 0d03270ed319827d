"""The documented columns of the customer feature table (:data:`FEATURES`).

``feature_descriptions()`` returns them as a table, and ``docs/features.md`` shows it. The
table itself is computed by :func:`omniseg.features.table.build_features`.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["FEATURES", "feature_descriptions"]


#: (column, description) of every column of the feature table; ``<ch>`` stands for each
#: canonical channel (web, app, email, social, phone, chat, sms, store).
FEATURES: tuple[tuple[str, str], ...] = (
    (
        "person_id",
        "the person: CRM customer_id, or P-… for a person identity resolution found "
        "outside the CRM",
    ),
    ("n_interactions", "touchpoints on any channel (0 for a CRM customer never seen)"),
    ("first_seen", "first touchpoint (naive UTC)"),
    ("last_seen", "last touchpoint (naive UTC)"),
    ("tenure_days", "days from the first touchpoint to the reference date"),
    ("frequency", "purchases (orders: lines sharing an ``order_id`` count once)"),
    ("monetary", "revenue of all purchases"),
    ("aov", "average order value: monetary / frequency (NaN without purchases)"),
    ("recency_days", "days from the last purchase to the reference date (NaN without purchases)"),
    ("interactions_<ch>", "touchpoints on the channel"),
    ("share_<ch>", "interactions_<ch> / n_interactions"),
    ("purchases_<ch>", "purchases on the channel"),
    ("revenue_<ch>", "revenue of purchases on the channel"),
    ("n_channels", "distinct channels used"),
    ("omnichannel", "n_channels >= 2"),
    (
        "first_channel",
        "channel of the first touchpoint; touchpoints at the same second are "
        "ordered by the canonical channel order, then by event name",
    ),
    ("last_channel", "channel of the last touchpoint (same ordering)"),
    (
        "channel_switch_rate",
        "share of consecutive touchpoints (same ordering) whose channel "
        "differs; NaN with a single touchpoint",
    ),
    ("contacts", "contact events on any channel"),
    ("complaints", "complaint events on any channel"),
    ("satisfaction_<ch>", "mean satisfaction (1-5) given on the channel"),
    ("email_click_rate", "email clicks / email touchpoints (NaN without email touchpoints)"),
    ("sms_click_rate", "SMS clicks / SMS touchpoints (NaN without SMS touchpoints)"),
    (
        "ropo_purchases",
        "store purchases with a web or app touchpoint in the ropo_days before "
        "(research online, purchase offline)",
    ),
    (
        "showrooming_purchases",
        "web or app purchases with a store touchpoint in the showrooming_days before",
    ),
    (
        "contact_after_web",
        "phone or chat contacts with a web touchpoint in the contact_after_web_hours before",
    ),
    (
        "unanswered_contacts",
        "phone/chat contacts or complaints with no touchpoint on another "
        "channel in the follow_up_hours after",
    ),
    (
        "age, birth_year, age_band, gender, income_band, region, city, country",
        "from the CRM when present (empty for persons unknown to the CRM; no postcode)",
    ),
    ("consent_*", "consent flags from the CRM, when it has them"),
)


def feature_descriptions() -> pd.DataFrame:
    """The documented columns of the feature table (:data:`FEATURES`) as a table."""
    return pd.DataFrame(list(FEATURES), columns=["feature", "description"])


#: The journey columns (counts: 0 for a CRM customer never seen).
_JOURNEYS = ("ropo_purchases", "showrooming_purchases", "contact_after_web", "unanswered_contacts")
