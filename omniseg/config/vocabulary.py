"""Canonical names of the data contract: channels, events, identifier kinds, input columns.

These are data with defaults (a user may extend the alias tables), not constants buried in code.
Channel labels arrive in every spelling a CRM export can produce ("WEB", " Tienda ", "Call Centre",
"e-mail", "Teléfono"); :func:`normalise_channel` maps them onto the canonical set and keeps unknown
labels (cleaned: trimmed, lower-case, accents folded) so that a new channel is never silently lost.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import pandas as pd

__all__ = [
    "CANONICAL_CHANNELS",
    "CANONICAL_EVENTS",
    "CHANNEL_ALIASES",
    "CONTRACT_COLUMNS",
    "CONTRACT_PREFIXES",
    "EVENT_ALIASES",
    "GENDER_CODES",
    "IDENTIFIER_COLUMNS",
    "fold_label",
    "gender_code_language",
    "normalise_channel",
    "normalise_channels",
    "normalise_events",
    "normalise_genders",
    "order_channels",
]

#: The canonical channels, in the order reports show them.
CANONICAL_CHANNELS: tuple[str, ...] = (
    "web",
    "app",
    "email",
    "social",
    "phone",
    "chat",
    "sms",
    "store",
)

#: Canonical event types. Other event labels are kept (cleaned) as-is.
CANONICAL_EVENTS: tuple[str, ...] = ("view", "click", "contact", "purchase", "complaint")

#: Columns of the interactions table that identify a person (one of them is required per row,
#: except anonymous rows, which are kept and counted but cannot be linked to a customer).
IDENTIFIER_COLUMNS: tuple[str, ...] = ("customer_id", "email", "phone", "loyalty_id", "device_id")

#: Profile columns of a person (CRM customers, survey respondents, interviewees).
_PROFILE = ("age", "birth_year", "age_band", "gender", "income_band", "region", "city", "country")

#: The column names of the data contract, per table (``docs/data_contract.md``). A ``columns=``
#: rename must end in one of them (or in a codebook item, for the survey); other columns of a
#: file are kept under their own (folded) names and may be used as features.
CONTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "customers": (
        "customer_id",
        "email",
        "phone",
        "loyalty_id",
        "device_id",
        "name",
        "first_name",
        "last_name",
        *_PROFILE,
        "signup_date",
    ),
    "interactions": (
        "timestamp",
        "channel",
        "event",
        *IDENTIFIER_COLUMNS,
        "revenue",
        "order_id",
        "product",
        "campaign",
        "satisfaction",
    ),
    "survey": ("respondent_id", "customer_id", "weight", *_PROFILE),
    "interviews": (
        "interview_id",
        "text",
        "customer_id",
        "respondent_id",
        "language",
        "date",
        *_PROFILE,
    ),
}
#: Name prefixes of contract columns that come in families (``consent_email``, ``consent_sms``).
CONTRACT_PREFIXES: dict[str, tuple[str, ...]] = {"customers": ("consent_",)}

#: Folded label -> canonical channel. Keys are compared after :func:`fold_label`.
CHANNEL_ALIASES: dict[str, str] = {
    # web
    "web": "web",
    "website": "web",
    "web site": "web",
    "online": "web",
    "ecommerce": "web",
    "e-commerce": "web",
    "www": "web",
    "pagina web": "web",
    "sitio web": "web",
    "tienda online": "web",
    # app
    "app": "app",
    "mobile app": "app",
    "mobile": "app",
    "aplicacion": "app",
    "app movil": "app",
    "ios": "app",
    "android": "app",
    # email
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "correo": "email",
    "correo electronico": "email",
    "newsletter": "email",
    # social
    "social": "social",
    "social media": "social",
    "redes sociales": "social",
    "rrss": "social",
    "facebook": "social",
    "instagram": "social",
    "tiktok": "social",
    "twitter": "social",
    "x": "social",
    # phone / call centre
    "phone": "phone",
    "telephone": "phone",
    "call": "phone",
    "call centre": "phone",
    "call center": "phone",
    "callcenter": "phone",
    "contact centre": "phone",
    "contact center": "phone",
    "telefono": "phone",
    "llamada": "phone",
    # chat
    "chat": "chat",
    "live chat": "chat",
    "webchat": "chat",
    "whatsapp": "chat",
    "chatbot": "chat",
    # sms
    "sms": "sms",
    "text": "sms",
    "text message": "sms",
    "mensaje": "sms",
    # store
    "store": "store",
    "shop": "store",
    "retail": "store",
    "in store": "store",
    "in-store": "store",
    "pos": "store",
    "tienda": "store",
    "tienda fisica": "store",
}

#: Folded label -> canonical event.
EVENT_ALIASES: dict[str, str] = {
    "view": "view",
    "visit": "view",
    "page view": "view",
    "pageview": "view",
    "open": "view",
    "impression": "view",
    "visita": "view",
    "click": "click",
    "clic": "click",
    "contact": "contact",
    "call": "contact",
    "inbound call": "contact",
    "contacto": "contact",
    "llamada": "contact",
    "purchase": "purchase",
    "order": "purchase",
    "sale": "purchase",
    "buy": "purchase",
    "transaction": "purchase",
    "compra": "purchase",
    "venta": "purchase",
    "pedido": "purchase",
    "complaint": "complaint",
    "claim": "complaint",
    "queja": "complaint",
    "reclamacion": "complaint",
}

_SPACES = re.compile(r"[\s_]+")


def fold_label(label: object) -> str | None:
    """Clean a free-text label for matching: trim, lower-case, fold accents, collapse spaces.

    Parameters
    ----------
    label : object
        Any value; missing values give ``None``.

    Returns
    -------
    str or None

    Examples
    --------
    >>> fold_label("  Teléfono ")
    'telefono'
    >>> fold_label("Call_Centre")
    'call centre'
    """
    if label is None or (not isinstance(label, str) and pd.isna(label)):
        return None
    text = unicodedata.normalize("NFKD", str(label))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _SPACES.sub(" ", text.strip().lower())
    return text or None


def normalise_channel(label: object, aliases: Mapping[str, str] | None = None) -> str | None:
    """Map one channel label to its canonical name.

    Unknown labels are returned cleaned (see :func:`fold_label`), not dropped.

    Examples
    --------
    >>> normalise_channel("Tienda")
    'store'
    >>> normalise_channel("E-Mail")
    'email'
    >>> normalise_channel("Kiosk")
    'kiosk'
    """
    folded = fold_label(label)
    if folded is None:
        return None
    table = CHANNEL_ALIASES if aliases is None else {**CHANNEL_ALIASES, **aliases}
    return table.get(folded, folded)


def _normalise_series(
    values: pd.Series, base: Mapping[str, str], extra: Mapping[str, str] | None
) -> pd.Series:
    table = dict(base)
    if extra:
        table.update({fold_label(k) or k: v for k, v in extra.items()})
    # Work on the distinct labels only: a 50M-row column has a handful of labels.
    uniques = pd.unique(values.astype("object"))
    mapping = {}
    for u in uniques:
        folded = fold_label(u)
        mapping[u] = None if folded is None else table.get(folded, folded)
    return values.astype("object").map(mapping).astype("string")


def normalise_channels(values: pd.Series, aliases: Mapping[str, str] | None = None) -> pd.Series:
    """Vectorised :func:`normalise_channel` over a Series (returns pandas ``string`` dtype)."""
    return _normalise_series(values, CHANNEL_ALIASES, aliases)


def normalise_events(values: pd.Series, aliases: Mapping[str, str] | None = None) -> pd.Series:
    """Map event labels onto :data:`CANONICAL_EVENTS`; unknown labels are kept, cleaned."""
    return _normalise_series(values, EVENT_ALIASES, aliases)


def order_channels(channels) -> list[str]:
    """Distinct channels in report order: canonical ones first (in their order), then others
    alphabetically.

    Examples
    --------
    >>> order_channels(["store", "kiosk", "web", "store"])
    ['web', 'store', 'kiosk']
    """
    present = list(dict.fromkeys(str(c) for c in channels if c is not None and not pd.isna(c)))
    known = [c for c in CANONICAL_CHANNELS if c in present]
    return known + sorted(c for c in present if c not in CANONICAL_CHANNELS)


#: Gender labels seen in CRM exports (folded: lower case, no accents) -> canonical value.
GENDER_ALIASES: dict[str, str] = {
    **dict.fromkeys(("f", "female", "woman", "w", "mujer", "femenino", "fem"), "female"),
    **dict.fromkeys(("m", "male", "man", "hombre", "masculino", "h", "masc"), "male"),
    **dict.fromkeys(
        (
            "x",
            "non-binary",
            "non binary",
            "nonbinary",
            "nb",
            "no binario",
            "no-binario",
            "other",
            "otro",
        ),
        "non_binary",
    ),
}


#: One-letter gender codes per language: in Spanish ``H`` is *hombre* and ``M`` *mujer*, in
#: English ``M`` is *male* and ``F`` *female*. ``M`` alone cannot say which.
GENDER_CODES: dict[str, dict[str, str]] = {
    "es": {"h": "male", "m": "female"},
    "en": {"m": "male", "f": "female"},
}
_SPANISH_WORDS = frozenset({"hombre", "mujer", "masculino", "femenino", "masc", "otro"})
_ENGLISH_WORDS = frozenset({"male", "female", "man", "woman", "other"})


def gender_code_language(values: pd.Series) -> tuple[str | None, bool]:
    """The language of a gender column's one-letter codes, and whether the codes leave it open.

    The codes decide when they can: ``H`` with ``M`` (and no ``F``) is Spanish, ``F`` with ``M``
    (and no ``H``) is English. Otherwise (``M`` alone, or ``H``, ``M`` and ``F`` together) the
    column's words decide (``Mujer``/``Hombre`` -> Spanish, ``Female``/``Male`` -> English),
    and the answer is marked ambiguous.

    Parameters
    ----------
    values : Series
        Gender labels as exported.

    Returns
    -------
    (language, ambiguous) : (str or None, bool)
        ``"es"``, ``"en"`` or ``None`` (no ``M`` code, or nothing to decide by); ``ambiguous``
        is true when the column holds ``M`` and its codes do not decide.

    Examples
    --------
    >>> gender_code_language(pd.Series(["H", "M", None]))
    ('es', False)
    >>> gender_code_language(pd.Series(["M", "F"]))
    ('en', False)
    >>> gender_code_language(pd.Series(["M", "M"]))
    (None, True)
    """
    labels = {fold_label(v) for v in pd.unique(values.astype("object"))} - {None}
    if "m" not in labels:
        return None, False
    if "h" in labels and "f" not in labels:
        return "es", False
    if "f" in labels and "h" not in labels:
        return "en", False
    spanish, english = bool(labels & _SPANISH_WORDS), bool(labels & _ENGLISH_WORDS)
    if spanish != english:
        return ("es" if spanish else "en"), True
    return None, True


def normalise_genders(values: pd.Series, codes: str | None = None) -> pd.Series:
    """Canonical gender labels (``female``, ``male``, ``non_binary``); unknown labels -> NA.

    CRM exports mix ``F``, ``Mujer``, ``female``...; without this one category is split into
    several in every profile table. One-letter codes are read in the language ``codes`` names
    (:data:`GENDER_CODES`), by default the one :func:`gender_code_language` finds in the column
    (English when it cannot tell): a Spanish export's ``M`` is *mujer*.

    Parameters
    ----------
    values : Series
    codes : {"es", "en"}, optional
        The language of one-letter codes.

    Examples
    --------
    >>> normalise_genders(pd.Series(["F", " Mujer", "HOMBRE", "No binario", "?", None])).tolist()
    ['female', 'female', 'male', 'non_binary', <NA>, <NA>]
    >>> normalise_genders(pd.Series(["H", "M", "M"])).tolist()
    ['male', 'female', 'female']
    """
    if codes is None:
        codes = gender_code_language(values)[0] or "en"
    table = {**GENDER_ALIASES, **GENDER_CODES[codes]}
    folded = values.astype("string").map(fold_label, na_action="ignore")
    return folded.map(table, na_action="ignore").astype("string")
