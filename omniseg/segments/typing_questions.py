"""The typing tool's questions: what they are, and their answers from a feature or survey table.

The questions are data (:data:`TYPING_QUESTIONS`), each a :class:`TypingQuestion` with its kind,
its wording for the agent and how it is derived from a feature table
(:func:`omniseg.features.build_features`) or from a survey table; :func:`typing_inputs` derives
them from either. The tool that asks them is :class:`~omniseg.segments.typing_tool.TypingTool`.

Examples
--------
>>> survey = pd.DataFrame({"age_band": ["25-34", "65+"], "pref_channel": ["Tienda", "app"]})
>>> typing_inputs(survey, ["age", "main_channel"])
    age main_channel
0  29.5        store
1  70.0          app
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from omniseg.config.vocabulary import normalise_channel, order_channels
from omniseg.errors import ParameterError
from omniseg.report.i18n import channel_label, language_texts, t

__all__ = [
    "AGE_BAND_MIDPOINTS",
    "DEFAULT_QUESTIONS",
    "NO_CHANNEL",
    "TYPING_QUESTIONS",
    "TypingQuestion",
    "typing_inputs",
]

#: Survey age band -> the age used for it (the band's midpoint; the open band "65+" -> 70).
AGE_BAND_MIDPOINTS: dict[str, float] = {
    "18-24": 21.0,
    "25-34": 29.5,
    "35-44": 39.5,
    "45-54": 49.5,
    "55-64": 59.5,
    "65+": 70.0,
}

#: Category of ``main_channel`` for a customer with no interactions at all.
NO_CHANNEL = "none"
#: Columns listed in an error message before "and N more".
_MAX_COLUMNS_SHOWN = 20


@dataclass(frozen=True)
class TypingQuestion:
    """One question of the typing tool.

    Parameters
    ----------
    name : str
        The input's name (a column of :func:`typing_inputs`).
    kind : {"numeric", "categorical"}
    label : Mapping
        Language -> how the rules name the answer, e.g. ``{"en": "the main channel",
        "es": "el canal principal"}`` (the built-in questions read theirs from the report
        catalog, keys ``typing.question.<name>.label``).
    wording : Mapping
        Language -> the question as an agent or a survey asks it (catalog keys
        ``typing.question.<name>.wording``).
    source : str
        How it is derived, for people (documentation and error messages).
    derive : callable
        ``derive(frame) -> Series or None``: the answers from a feature table, a survey table
        or a table of already-derived inputs; ``None`` when ``frame`` lacks the columns needed.
    """

    name: str
    kind: str
    label: Mapping[str, str]
    wording: Mapping[str, str]
    source: str
    derive: Callable[[pd.DataFrame], pd.Series | None]


def _channel_columns(frame: pd.DataFrame, prefix: str) -> list[tuple[str, str]]:
    """(channel, column) of ``<prefix><channel>`` columns, in the report channel order."""
    found = {
        c[len(prefix) :]: c for c in frame.columns if isinstance(c, str) and c.startswith(prefix)
    }
    return [(ch, found[ch]) for ch in order_channels(list(found))]


def _normalised_channels(values: pd.Series) -> pd.Series:
    out = [
        None if _is_missing(v) else (NO_CHANNEL if str(v).strip().lower() == NO_CHANNEL else v)
        for v in values.tolist()
    ]
    out = [v if v in (None, NO_CHANNEL) else normalise_channel(v) for v in out]
    return pd.Series(out, index=values.index, dtype="string")


def _derive_age(frame: pd.DataFrame) -> pd.Series | None:
    if "age" in frame.columns:
        return pd.to_numeric(frame["age"], errors="coerce").astype("float64")
    if "age_band" in frame.columns:
        bands = frame["age_band"].astype("string").str.strip().str.replace("–", "-")
        unknown = sorted(set(bands.dropna().unique()) - set(AGE_BAND_MIDPOINTS))
        if unknown:
            raise ParameterError(
                f"age_band has values {unknown} that are not age bands the typing tool knows. "
                f"Known bands: {list(AGE_BAND_MIDPOINTS)}. Fix: recode them, or add their ages "
                "to omniseg.segments.typing_questions.AGE_BAND_MIDPOINTS."
            )
        return bands.map(AGE_BAND_MIDPOINTS).astype("float64")
    return None


def _derive_main_channel(frame: pd.DataFrame) -> pd.Series | None:
    if "main_channel" in frame.columns:
        return _normalised_channels(frame["main_channel"])
    columns = _channel_columns(frame, "interactions_")
    if columns:
        counts = frame[[c for _, c in columns]].apply(pd.to_numeric, errors="coerce")
        counts = counts.fillna(0).to_numpy(dtype="float64")
        names = np.array([ch for ch, _ in columns], dtype=object)
        main = names[counts.argmax(axis=1)] if len(names) else np.array([], dtype=object)
        main = np.where(counts.sum(axis=1) > 0, main, NO_CHANNEL)
        return pd.Series(main, index=frame.index, dtype="string")
    if "pref_channel" in frame.columns:
        return _normalised_channels(frame["pref_channel"])
    return None


def _derive_n_channels(frame: pd.DataFrame) -> pd.Series | None:
    if "n_channels" in frame.columns:
        return pd.to_numeric(frame["n_channels"], errors="coerce").astype("float64")
    columns = _channel_columns(frame, "interactions_")
    if columns:
        counts = frame[[c for _, c in columns]].apply(pd.to_numeric, errors="coerce").fillna(0)
        return (counts > 0).sum(axis=1).astype("float64")
    rated = _channel_columns(frame, "sat_")
    if rated:
        return frame[[c for _, c in rated]].notna().sum(axis=1).astype("float64")
    return None


#: The questions the typing tool knows, by name. Data: a deployment may add a question (a
#: :class:`TypingQuestion`) and list its name in ``TypingTool(questions=...)``. Any other column
#: of the input table may also be used as a question as it is (numeric columns as numbers, the
#: rest as categories).
TYPING_QUESTIONS: dict[str, TypingQuestion] = {
    "age": TypingQuestion(
        name="age",
        kind="numeric",
        label=language_texts("typing.question.age.label"),
        wording=language_texts("typing.question.age.wording"),
        source="feature table: age (from the CRM); survey: age_band, as the band's midpoint "
        "(AGE_BAND_MIDPOINTS; 65+ -> 70)",
        derive=_derive_age,
    ),
    "main_channel": TypingQuestion(
        name="main_channel",
        kind="categorical",
        label=language_texts("typing.question.main_channel.label"),
        wording=language_texts("typing.question.main_channel.wording"),
        source="feature table: the channel with the most interactions_<channel> (ties: the "
        "first in the canonical channel order; no interactions: 'none'); survey: pref_channel",
        derive=_derive_main_channel,
    ),
    "n_channels": TypingQuestion(
        name="n_channels",
        kind="numeric",
        label=language_texts("typing.question.n_channels.label"),
        wording=language_texts("typing.question.n_channels.wording"),
        source="feature table: n_channels, or the number of interactions_<channel> above 0; "
        "survey: n_channels, or the number of answered sat_<channel> questions",
        derive=_derive_n_channels,
    ),
}

#: The questions a :class:`TypingTool` asks by default.
DEFAULT_QUESTIONS: tuple[str, ...] = ("age", "main_channel", "n_channels")

_NEEDS = {
    "age": "column 'age' (feature table) or 'age_band' (survey)",
    "main_channel": "column 'main_channel', interactions_<channel> columns (feature table) or "
    "'pref_channel' (survey)",
    "n_channels": "column 'n_channels', interactions_<channel> columns (feature table) or "
    "sat_<channel> columns (survey)",
}


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def check_questions(questions: Any) -> list[str]:
    if isinstance(questions, str) or not isinstance(questions, Sequence) or not questions:
        raise ParameterError(
            "The 'questions' parameter of TypingTool must be a non-empty list of question "
            f"names, such as {list(DEFAULT_QUESTIONS)}. Got {questions!r} instead."
        )
    names = list(questions)
    bad = [q for q in names if not isinstance(q, str) or not q]
    if bad:
        raise ParameterError(f"Question names must be non-empty strings. Got {bad!r}.")
    if len(set(names)) != len(names):
        raise ParameterError(f"Question names must be distinct. Got {names!r}.")
    return names


def _columns_found(frame: pd.DataFrame) -> str:
    cols = [str(c) for c in frame.columns]
    shown = cols[:_MAX_COLUMNS_SHOWN]
    more = f" and {len(cols) - len(shown)} more" if len(cols) > len(shown) else ""
    return f"{shown}{more}"


def typing_inputs(
    frame: pd.DataFrame, questions: Sequence[str] = DEFAULT_QUESTIONS
) -> pd.DataFrame:
    """The answers to the typing questions, from a feature table or a survey table.

    Parameters
    ----------
    frame : DataFrame
        A feature table (:func:`omniseg.features.build_features`), a survey table (``age_band``,
        ``pref_channel``, ``sat_<channel>``...) or a table that already holds the answers.
    questions : sequence of str, default :data:`DEFAULT_QUESTIONS`
        Names in :data:`TYPING_QUESTIONS`, or other columns of ``frame`` used as they are.

    Returns
    -------
    DataFrame
        One column per question, same index as ``frame``: numeric questions as float64 (NaN
        when unknown), categorical ones as strings (``<NA>`` when unknown).

    Raises
    ------
    ParameterError
        Naming every question that cannot be derived, the columns it needs and those found.

    Examples
    --------
    >>> survey = pd.DataFrame({"age_band": ["25-34", "65+"], "pref_channel": ["Tienda", "app"],
    ...                        "sat_web": [4, None], "sat_store": [5, 3]})
    >>> typing_inputs(survey)
        age main_channel  n_channels
    0  29.5        store         2.0
    1  70.0          app         1.0
    """
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(
            "The typing tool needs a pandas DataFrame (a feature table, a survey table or the "
            f"answers themselves). Got {type(frame).__name__} instead."
        )
    names = check_questions(questions)
    out: dict[str, pd.Series] = {}
    missing: list[str] = []
    for name in names:
        spec = TYPING_QUESTIONS.get(name)
        if spec is not None:
            values = spec.derive(frame)
            if values is None:
                missing.append(f"'{name}' needs {_NEEDS.get(name, spec.source)}")
                continue
            out[name] = values
        elif name in frame.columns:
            out[name] = _as_is(frame[name])
        else:
            missing.append(f"'{name}' is not a known typing question nor a column of the table")
    if missing:
        raise ParameterError(
            f"Cannot derive {len(missing)} typing question(s) from this table: "
            + "; ".join(missing)
            + f". Columns found: {_columns_found(frame)}. Fix: pass the feature table from "
            "omniseg.features.build_features, a survey table with age_band, pref_channel and "
            "sat_<channel> columns, or add the missing columns."
        )
    return pd.DataFrame(out, index=frame.index)


def _as_is(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    return values.astype("string")


def question_kind(name: str, values: pd.Series) -> str:
    spec = TYPING_QUESTIONS.get(name)
    if spec is not None:
        return spec.kind
    return "numeric" if values.dtype == "float64" else "categorical"


def question_label(name: str, language: str) -> str:
    """How the rules name the answer to question ``name`` ("the main channel", "la edad")."""
    spec = TYPING_QUESTIONS.get(name)
    if spec is None:  # a feature-table column asked as it is: its readable label
        from omniseg.features.labels import feature_label

        return feature_label(name, language)
    return spec.label.get(language, spec.label.get("en", name))


def answer_label(name: str, value: str, language: str) -> str:
    """An answer to question ``name`` as the rules show it (a channel's display name)."""
    if name == "main_channel":
        if value == NO_CHANNEL:
            return t("typing.no_channel", language)
        return channel_label(value, language)
    return str(value)
