"""Column names: folding them, the ``columns=`` renames, and "did you mean" for missing columns.

Column names are compared trimmed, lower-cased, accent-folded and snake-cased
(:func:`_canonical_name`); a rename whose source is not in the file, or whose target is not a
column of the data contract, is a problem, and so is a required column that is absent (with the
closest name or a usual synonym, ``fecha`` for ``timestamp``, as the suggestion).
"""

from __future__ import annotations

import difflib
import re

import pandas as pd

from omniseg.config.vocabulary import CONTRACT_COLUMNS, CONTRACT_PREFIXES, fold_label
from omniseg.errors import DataValidationError, Problem
from omniseg.ingest.raw_table import _fail, _Raw

__all__: list[str] = []


#: Names people give required columns, for "did you mean" suggestions.
_SYNONYMS = {
    "timestamp": ["fecha", "date", "datetime", "time", "fecha_hora", "event_time", "ts"],
    "channel": ["canal", "source", "medium", "touchpoint"],
    "event": ["evento", "event_type", "action", "tipo", "type"],
    "customer_id": ["id", "cliente", "id_cliente", "client_id", "customer", "customerid"],
    "respondent_id": ["id", "respondent", "response_id", "id_encuestado"],
    "revenue": ["importe", "amount", "sales", "ventas", "value"],
    "interview_id": ["id", "entrevista", "id_entrevista"],
    "text": ["texto", "transcript", "transcripcion"],
}


def _canonical_name(name: object) -> str:
    folded = fold_label(name) or ""
    return re.sub(r"[^0-9a-z]+", "_", folded).strip("_")


def _apply_columns(
    frame: pd.DataFrame, columns: dict[str, str] | None, source: str
) -> pd.DataFrame:
    frame = frame.rename(columns={c: _canonical_name(c) for c in frame.columns})
    if columns:
        mapping = {_canonical_name(k): _canonical_name(v) for k, v in columns.items()}
        missing = [k for k in columns if _canonical_name(k) not in frame.columns]
        if missing:
            raise DataValidationError(
                [_missing_source(source, name, list(frame.columns)) for name in missing]
            )
        frame = frame.rename(columns=mapping)
    dupes = frame.columns[frame.columns.duplicated()].tolist()
    if dupes:
        raise _fail(
            source,
            f"several columns end up named {sorted(set(dupes))} after case/accent folding and "
            "the columns= mapping",
            "rename or drop one of them",
        )
    return frame


def _missing_source(source: str, name: str, found: list[str]) -> Problem:
    """The problem of a ``columns:`` rename whose source column is not in the file."""
    folded = _canonical_name(name)
    guesses = difflib.get_close_matches(folded, found, n=1, cutoff=0.6)
    return Problem(
        source,
        str(name),
        f"the columns: mapping renames '{name}', but the file has no such column (names are "
        f"compared trimmed, lower-cased and accent-folded, as '{folded}'). Columns found: "
        f"{found}",
        (f"Did you mean '{guesses[0]}'? Correct" if guesses else "Correct")
        + " the source name in data.columns (columns= in load_data), or remove the rename if "
        "this export does not have the column",
    )


def _contract_names(table: str, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The column names of the data contract for ``table`` (plus ``extra``, codebook items)."""
    return (*CONTRACT_COLUMNS.get(table, ()), *extra)


def _target_problems(
    table: str, columns: dict[str, str] | None, extra: tuple[str, ...] = ()
) -> list[Problem]:
    """Renames of ``columns:`` whose target is not a column name of the data contract.

    A file's own extra columns are kept under their own names; a rename, though, says "this is
    the contract's column X", and a misspelt X would silently leave the contract's column absent.
    """
    problems = []
    names = _contract_names(table, extra)
    prefixes = CONTRACT_PREFIXES.get(table, ())
    for source, target in (columns or {}).items():
        name = _canonical_name(target)
        if name in names or name.startswith(prefixes):
            continue
        guesses = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        hint = f"Did you mean '{guesses[0]}'? " if guesses else ""
        problems.append(
            Problem(
                f"<columns: {table}>",
                str(target),
                f"the columns: mapping renames '{source}' to '{target}', which is not a column "
                f"of the {table} table in the data contract. Contract columns: {list(names)}"
                + (f" and {[p + '...' for p in prefixes]}" if prefixes else ""),
                f"{hint}Rename to a contract column, or remove the rename: a column that is "
                "not renamed is kept under its own name",
            )
        )
    return problems


def _missing_required(raw: _Raw, required: list[str]) -> list[Problem]:
    problems = []
    found = list(raw.frame.columns)
    for col in required:
        if col in found:
            continue
        guesses = difflib.get_close_matches(col, found, n=1, cutoff=0.75)
        guesses += [c for c in found if c in _SYNONYMS.get(col, []) and c not in guesses]
        hint = f" Did you mean '{guesses[0]}'? " if guesses else " "
        problems.append(
            Problem(
                raw.source,
                col,
                f"required column '{col}' not found. Columns found: {found}",
                f"{hint.strip()} Rename it, or map it with "
                f"columns={{'{guesses[0] if guesses else 'your column'}': '{col}'}}".strip(),
            )
        )
    return problems
