"""Codes read as values: the ``value_maps=`` of :func:`omniseg.ingest.load_data`, and gender codes.

``value_maps`` replaces exported codes (``{"customers": {"gender": {"H": "male"}}}``) before any
normalisation. A gender column's one-letter codes are written as words in the column's language
(``H``/``M`` Spanish, ``M``/``F`` English), with a warning when the codes alone cannot say.
"""

from __future__ import annotations

import pandas as pd

from omniseg.config.vocabulary import GENDER_CODES, fold_label, gender_code_language
from omniseg.errors import ParameterError, Problem
from omniseg.ingest.columns import _canonical_name
from omniseg.ingest.loader_warnings import LoaderWarning, phrase
from omniseg.ingest.parsing import _choice_text, _file_hint
from omniseg.ingest.raw_table import _TABLES, _Raw

__all__: list[str] = []


def check_value_maps(value: object, where: str = "value_maps") -> dict[str, dict[str, dict]]:
    """A checked ``value_maps``: ``{table: {column: {value as exported: value to read}}}``.

    Parameters
    ----------
    value : dict
    where : str
        What the value is called in messages (``data.value_maps`` in a params file).

    Returns
    -------
    dict
        Column names folded as the loader folds them; values as text.

    Raises
    ------
    ParameterError
        Not a mapping of that shape, or an unknown table.

    Examples
    --------
    >>> check_value_maps({"customers": {"Sexo": {"H": "male", "M": "female"}}})
    {'customers': {'sexo': {'H': 'male', 'M': 'female'}}}
    """
    shape = "{customers: {gender: {H: male, M: female}}}"
    if not isinstance(value, dict):
        raise ParameterError(f"{where} must be a mapping like {shape}. Got {value!r} instead.")
    unknown = sorted(str(k) for k in value if k not in _TABLES)
    if unknown:
        raise ParameterError(
            f"{where} names unknown table(s) {unknown}; its values would never be mapped. "
            f"Allowed: {list(_TABLES)}."
        )
    out: dict[str, dict[str, dict]] = {}
    for table, maps in value.items():
        if not isinstance(maps, dict) or not all(isinstance(m, dict) for m in maps.values()):
            raise ParameterError(
                f"{where}['{table}'] must map a column to a {{value: value}} mapping, like "
                f"{shape}. Got {maps!r} instead."
            )
        out[table] = {}
        for column, mapping in maps.items():
            scalar = (str, int, float, bool)
            if not all(isinstance(k, scalar) and isinstance(v, scalar) for k, v in mapping.items()):
                raise ParameterError(
                    f"{where}['{table}']['{column}'] must map single values to single values "
                    f"(text or numbers). Got {mapping!r} instead."
                )
            out[table][_canonical_name(column)] = {str(k): str(v) for k, v in mapping.items()}
    return out


def _apply_value_maps(raw: _Raw, maps: dict[str, dict[str, str]] | None) -> list[Problem]:
    """Replace exported codes by the values ``value_maps`` gives (compared trimmed, folded)."""
    problems = []
    for column, mapping in (maps or {}).items():
        if column not in raw.frame.columns:
            problems.append(
                Problem(
                    raw.source,
                    column,
                    f"value_maps gives values for column '{column}', which the {raw.table} "
                    f"table does not have. Columns found: {list(raw.frame.columns)}",
                    "correct the column name in data.value_maps (value_maps= in load_data), "
                    "using the column's name after any columns: rename",
                )
            )
            continue
        table = {fold_label(k): v for k, v in mapping.items()}
        series = raw.frame[column]
        folded = _choice_text(series).astype("string").map(fold_label, na_action="ignore")
        hit = folded.isin(list(table)).fillna(False).astype(bool)
        if hit.any():
            raw.frame[column] = series.astype("object").mask(hit, folded.map(table))
    return problems


#: The message key naming each word a one-letter gender code is read as (keys written out, so
#: that the text catalog finds them in the source).
_GENDER_WORD_KEYS = {"female": "loader.gender.female", "male": "loader.gender.male"}


def _resolve_gender_codes(raw: _Raw, df: pd.DataFrame) -> None:
    """Write a gender column's one-letter ``M`` codes as words, in the column's language.

    ``H``/``M`` is Spanish (*hombre*/*mujer*), ``M``/``F`` English (*male*/*female*)
    (:func:`omniseg.config.gender_code_language`). When the codes do not say (``M`` alone,
    or ``H``, ``M`` and ``F``), the column's words, else the file's locale (a ``;``-delimited or
    decimal-comma file is Spanish), decide, with a warning. Codes are rewritten as ``male`` /
    ``female``; other labels are kept as written.
    """
    if "gender" not in df:
        return
    language, ambiguous = gender_code_language(df["gender"])
    if language is None and not ambiguous:
        return
    if ambiguous:
        codes = sorted(
            {str(v).strip().upper() for v in df["gender"].dropna() if len(str(v).strip()) == 1}
        )
        if language is not None:
            reason = f"loader.gender_reason.labels_{language}"
        else:
            spanish = raw.decimal_comma or _file_hint(raw, "gender")[0] == ","
            language = "es" if spanish else "en"
            reason = (
                "loader.gender_reason.spanish_file"
                if spanish
                else "loader.gender_reason.no_spanish_file"
            )
        # what M reads as in the codes' language (GENDER_CODES), and the other reading of M
        read_as = GENDER_CODES[language]["m"]
        other = next(word for word in GENDER_CODES[language].values() if word != read_as)
        raw.notes.append(
            LoaderWarning(
                "loader.gender_code",
                {
                    "src": raw.source,
                    "codes": codes,
                    "meaning": phrase(_GENDER_WORD_KEYS[read_as]),
                    "reason": phrase(reason),
                    "value_maps": f"{{{raw.table or 'customers'}: {{gender: {{M: {other}}}}}}}",
                },
            )
        )
    mapping = GENDER_CODES[language]
    folded = df["gender"].astype("string").map(fold_label, na_action="ignore")
    coded = folded.isin(list(mapping)).fillna(False).astype(bool)
    if coded.any():
        df["gender"] = df["gender"].astype("string").mask(coded, folded.map(mapping))
