"""The survey table and its codebook: each item's answers typed and checked against its spec.

The codebook (YAML file or dict) gives each item a type (:data:`ITEM_TYPES`), a scale, options,
``reverse`` and a label; every item must be a column of the survey. Likert/NPS answers must be
whole points on the item's scale, choices among its options (``docs/survey.md``).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from omniseg.errors import DataValidationError, Problem
from omniseg.ingest.columns import _canonical_name, _missing_required
from omniseg.ingest.contract import (
    _drop_empty_columns,
    _drop_exact_duplicates,
    _missing_share,
    _no_rows,
    _not_loaded,
    _validate,
)
from omniseg.ingest.data import TableReport
from omniseg.ingest.loader_warnings import LoaderWarning
from omniseg.ingest.parsing import _choice_text, _numbers, _to_string
from omniseg.ingest.raw_table import _fail, _Raw
from omniseg.ingest.schemas import survey_schema
from omniseg.ingest.value_codes import _resolve_gender_codes

__all__ = [
    "ITEM_TYPES",
    "load_codebook",
]


ITEM_TYPES = ("likert", "single_choice", "multi_choice", "nps", "numeric")


def _codebook_problems(codebook: dict, source: str) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []
    items = codebook.get("items") if isinstance(codebook, dict) else None
    if not isinstance(items, dict) or not items:
        return {}, [
            Problem(
                source,
                None,
                "the codebook has no 'items' mapping",
                "write the codebook as {items: {item_name: {type: ..., ...}}}",
            )
        ]
    clean: dict[str, dict] = {}
    for name, spec in items.items():
        key = _canonical_name(name)
        where = f"item '{name}'"
        if not isinstance(spec, dict):
            problems.append(
                Problem(source, key, f"{where} is not a mapping", "give it type, label, ...")
            )
            continue
        kind = spec.get("type", "likert")
        if kind not in ITEM_TYPES:
            problems.append(
                Problem(
                    source,
                    key,
                    f"{where} has unknown type {kind!r}",
                    f"use one of {list(ITEM_TYPES)}",
                )
            )
            continue
        spec = {**spec, "type": kind}
        if kind in ("likert", "nps"):
            scale = spec.get("scale", [0, 10] if kind == "nps" else None)
            if (
                not isinstance(scale, list | tuple)
                or len(scale) != 2
                or not all(isinstance(x, int | float) for x in scale)
                or scale[0] >= scale[1]
            ):
                problems.append(
                    Problem(
                        source,
                        key,
                        f"{where} has scale {scale!r}",
                        "give scale as two numbers [low, high], e.g. [1, 5]",
                    )
                )
                continue
            spec["scale"] = [scale[0], scale[1]]
        if kind in ("single_choice", "multi_choice") and not isinstance(spec.get("options"), list):
            problems.append(
                Problem(
                    source,
                    key,
                    f"{where} ({kind}) has no options list",
                    "list the allowed answers under 'options'",
                )
            )
            continue
        if not isinstance(spec.get("reverse", False), bool):
            problems.append(
                Problem(
                    source,
                    key,
                    f"{where} has reverse={spec['reverse']!r}",
                    "set reverse to true or false",
                )
            )
            continue
        spec.setdefault("reverse", False)
        spec.setdefault("label", str(name))
        clean[key] = spec
    out: dict[str, Any] = {"items": clean}
    constructs = codebook.get("constructs")
    if constructs is not None:  # optional display labels: {name: {label: ..., label_es: ...}}
        bad = (
            [str(c) for c, v in constructs.items() if not _labels_ok(v)]
            if isinstance(constructs, dict)
            else ["constructs"]
        )
        if bad:
            problems.append(
                Problem(
                    source,
                    None,
                    f"'constructs' entries {bad} are not mappings of text labels",
                    "write constructs as {construct_name: {label: Text, label_es: Texto}}",
                )
            )
        else:
            out["constructs"] = {str(c): dict(v) for c, v in constructs.items()}
    return out, problems


def _labels_ok(value: Any) -> bool:
    """A construct's labels: a mapping of ``label`` / ``label_<language>`` keys to text."""
    return isinstance(value, dict) and all(
        str(k).startswith("label") and isinstance(v, str) for k, v in value.items()
    )


def load_codebook(source: str | Path | dict) -> dict:
    """Read and check a survey codebook (YAML file or dict).

    Returns
    -------
    dict
        ``{"items": {name: spec}}`` with item names canonicalised and defaults filled in
        (``reverse: false``, ``label``: the item name).

    Raises
    ------
    DataValidationError
        Unreadable file, no items, unknown item type, bad scale, missing options, bad reverse.
    """
    if isinstance(source, dict):
        data, label = source, "<codebook>"
    else:
        path = Path(source)
        label = path.name
        if not path.is_file():
            raise _fail(label, f"file not found: {path}", "check the codebook path")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise _fail(
                label,
                f"not valid UTF-8 YAML: {str(exc).splitlines()[0]}",
                "fix the YAML syntax (indentation, quotes)",
            ) from None
    clean, problems = _codebook_problems(data, label)
    if problems:
        raise DataValidationError(problems)
    return clean


def _survey(raw: _Raw, codebook: dict, cb_source: str, warnings: list[LoaderWarning]):
    rows_read = len(raw.frame)
    items = codebook["items"]
    problems = _missing_required(raw, ["respondent_id"])
    found = list(raw.frame.columns)
    squeezed = {c.replace("_", ""): c for c in found}
    for name in items:
        if name not in raw.frame.columns:
            close = squeezed.get(name.replace("_", "")) or next(
                iter(difflib.get_close_matches(name, found, n=1, cutoff=0.8)), None
            )
            hint = f"Did you mean the column '{close}'? " if close else ""
            problems.append(
                Problem(
                    raw.source,
                    name,
                    f"codebook item '{name}' ({cb_source}) is not a column of the survey; item "
                    "names and column names are compared case-insensitively (A1 and a1 are the "
                    "same column), trimmed and accent-folded, and no column matches so",
                    f"{hint}Add the column, rename it (data.columns), or remove the item from the "
                    "codebook",
                )
            )
    problems = problems or _no_rows("survey", raw)
    if problems:
        return _not_loaded("survey", raw, problems)
    _drop_exact_duplicates(raw, warnings)
    _drop_empty_columns(raw, {"respondent_id", *items}, warnings)
    df = raw.frame.copy()
    for col in df.columns:
        spec = items.get(col)
        if col == "weight" or (spec and spec["type"] in ("likert", "nps", "numeric")):
            fix = (
                "write weights as positive numbers"
                if col == "weight"
                else ("answer with a number on the item's scale")
            )
            df[col] = _numbers(raw, df, col, "numbers", fix, problems)
        elif spec and spec["type"] in ("single_choice", "multi_choice"):
            df[col] = _to_string(_choice_text(df[col]))
        elif df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype):
            df[col] = _to_string(df[col])
    if "gender" not in items:
        _resolve_gender_codes(raw, df)
    problems += _validate(raw, df, survey_schema(list(df.columns), items))
    report = TableReport(
        "survey",
        raw.source,
        rows_read,
        len(df),
        list(df.columns),
        _missing_share(df),
        extra={"linked": int(df["customer_id"].notna().sum()) if "customer_id" in df else 0},
    )
    return df.reset_index(drop=True), report, problems
