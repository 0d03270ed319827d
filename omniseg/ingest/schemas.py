"""pandera schemas of the data contract, and the translation of their failures into ``Problem``s.

The loader (:mod:`omniseg.ingest.io`) first converts raw text into the contract's types, reporting
cells
it cannot parse; these schemas then check the *values* (ranges, uniqueness, allowed options,
required columns) lazily, so one :class:`~omniseg.errors.DataValidationError` lists every problem.

Each check carries a key of :data:`CHECKS`, which says what was expected and how to fix it. Messages
about identifier columns never quote cell values (they are personal data): row numbers only.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pandera.pandas as pa

from omniseg.config.vocabulary import IDENTIFIER_COLUMNS
from omniseg.errors import Problem

__all__ = [
    "CHECKS",
    "PII_COLUMNS",
    "customers_schema",
    "interactions_schema",
    "interviews_schema",
    "problems_from_failures",
    "survey_schema",
]

#: Columns whose values are never quoted in messages.
PII_COLUMNS = frozenset({*IDENTIFIER_COLUMNS, "name", "first_name", "last_name", "text"})

#: check key -> (what is wrong, the fix). ``{column}`` and ``{lo}``/``{hi}`` are filled in.
CHECKS: dict[str, tuple[str, str]] = {
    "non_negative": (
        "{n} negative value(s)",
        "make every {column} value >= 0 (refunds belong in a separate 'refund' event)",
    ),
    "positive": ("{n} value(s) <= 0", "make every {column} value > 0"),
    "in_range": (
        "{n} value(s) outside [{lo}, {hi}]",
        "correct or blank the values outside [{lo}, {hi}]",
    ),
    "in_options": (
        "{n} value(s) not among the codebook's options",
        "use one of the options listed in the codebook for '{column}', or add the option there",
    ),
    "multi_in_options": (
        "{n} answer(s) with an option not in the codebook",
        "separate options with '|' and use only the codebook's options for '{column}'",
    ),
    "not_null": ("{n} empty value(s)", "fill in {column} on every row (it is required)"),
    "field_uniqueness": (
        "{n} row(s) share an id with another row that has different values",
        "give each row its own {column}, or remove the conflicting duplicate rows",
    ),
    "in_window": (
        "{n} date(s) outside the plausible period {lo} to {hi}",
        "correct or remove those rows: dates such as 2099-12-31 or 1900-01-01 are usually "
        "placeholders or a misread date format; if they are right, widen the period with "
        "data.time_window: [start, end] in the params file (time_window= in load_data)",
    ),
    "whole_point": (
        "{n} answer(s) that are not a whole point of the scale [{lo}, {hi}]",
        "answer {column} with a whole point of its scale (e.g. 3, not 2.5); an item that takes "
        "decimals should be declared 'type: numeric' in the codebook",
    ),
    "column_in_dataframe": (
        "required column missing",
        "add the column, or map yours to it with columns={{'your name': '{column}'}}",
    ),
}


#: A period of plausible dates: ``(earliest, latest)``, both included.
Window = tuple[pd.Timestamp, pd.Timestamp]


def _range(lo: float, hi: float) -> pa.Check:
    return pa.Check.in_range(lo, hi, error=f"in_range:{lo}:{hi}", ignore_na=True)


def _show_time(value: pd.Timestamp) -> str:
    """A window bound as people read it: the day alone when it is a day's start or end."""
    day_start = value.normalize()
    if value == day_start or value == day_start + pd.Timedelta(days=1) - pd.Timedelta(1, "ns"):
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d %H.%M.%S")


def _in_window(window: Window) -> pa.Check:
    """Dates within ``window`` (both ends included). Bounds are separated by ``/`` in the key."""
    lo, hi = window
    return pa.Check(
        lambda s: s.between(lo, hi),
        element_wise=False,
        ignore_na=True,
        error=f"in_window:{_show_time(lo)}/{_show_time(hi)}",
    )


def _whole_point(lo: float, hi: float) -> pa.Check:
    """Answers that are a whole number of points from the scale's low end."""
    return pa.Check(
        lambda s: ((s - lo) % 1) == 0,
        element_wise=False,
        ignore_na=True,
        error=f"whole_point:{lo}:{hi}",
    )


def customers_schema(
    columns: list[str], max_birth_year: int, signup_window: Window | None = None
) -> pa.DataFrameSchema:
    """Value checks of the customers (CRM) table.

    Parameters
    ----------
    columns : list of str
        The table's columns (checks of absent optional columns are left out).
    max_birth_year : int
        The latest plausible birth year (the run's year).
    signup_window : (Timestamp, Timestamp), optional
        Plausible ``signup_date`` values; unchecked when not given.
    """
    cols = {
        "customer_id": pa.Column(nullable=False, unique=True, required=True),
        "signup_date": pa.Column(
            checks=[_in_window(signup_window)] if signup_window else [],
            nullable=True,
            required=False,
        ),
        "age": pa.Column(checks=[_range(0, 120)], nullable=True, required=False),
        "birth_year": pa.Column(
            checks=[_range(1900, max_birth_year)], nullable=True, required=False
        ),
    }
    return pa.DataFrameSchema({k: v for k, v in cols.items() if k in columns or v.required})


def interactions_schema(columns: list[str], window: Window | None = None) -> pa.DataFrameSchema:
    """Value checks of the interactions table.

    Parameters
    ----------
    columns : list of str
        The table's columns (checks of absent optional columns are left out).
    window : (Timestamp, Timestamp), optional
        Plausible timestamps; unchecked when not given.
    """
    cols = {
        "timestamp": pa.Column(
            checks=[_in_window(window)] if window else [], nullable=False, required=True
        ),
        "channel": pa.Column(nullable=False, required=True),
        "event": pa.Column(nullable=False, required=True),
        "revenue": pa.Column(
            checks=[pa.Check.ge(0, error="non_negative", ignore_na=True)],
            nullable=True,
            required=False,
        ),
        "satisfaction": pa.Column(checks=[_range(1, 5)], nullable=True, required=False),
    }
    return pa.DataFrameSchema({k: v for k, v in cols.items() if k in columns or v.required})


def survey_schema(columns: list[str], codebook: Mapping[str, Mapping]) -> pa.DataFrameSchema:
    """Value checks of the survey table, derived from its codebook."""
    cols: dict[str, pa.Column] = {
        "respondent_id": pa.Column(nullable=False, unique=True, required=True),
    }
    if "weight" in columns:
        cols["weight"] = pa.Column(
            checks=[pa.Check.gt(0, error="positive", ignore_na=True)], nullable=True
        )
    for name, item in codebook.items():
        kind = item["type"]
        checks = []
        if kind in ("likert", "nps", "numeric") and item.get("scale"):
            lo, hi = item["scale"]
            checks.append(_range(lo, hi))
            if kind in ("likert", "nps"):
                checks.append(_whole_point(lo, hi))
        elif kind == "single_choice":
            options = [str(o) for o in item["options"]]
            checks.append(pa.Check.isin(options, error="in_options", ignore_na=True))
        elif kind == "multi_choice":
            options = {str(o) for o in item["options"]}
            checks.append(
                pa.Check(
                    lambda s, options=options: s.map(
                        lambda v: pd.isna(v) or set(str(v).split("|")) <= options
                    ).astype(bool),
                    element_wise=False,
                    error="multi_in_options",
                )
            )
        cols[name] = pa.Column(checks=checks, nullable=True, required=True)
    return pa.DataFrameSchema(cols)


def interviews_schema() -> pa.DataFrameSchema:
    """Checks of an interviews table."""
    return pa.DataFrameSchema(
        {
            "interview_id": pa.Column(nullable=False, unique=True, required=True),
            "text": pa.Column(nullable=False, required=True),
        }
    )


def _short(value: object, limit: int = 40) -> str:
    """A failing value for a message, cut to ``limit`` characters."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def problems_from_failures(
    failures: pd.DataFrame, *, source: str, row_numbers: pd.Series
) -> list[Problem]:
    """Turn pandera's ``failure_cases`` into one :class:`Problem` per column and check.

    Parameters
    ----------
    failures : DataFrame
        ``SchemaErrors.failure_cases``.
    source : str
        File name (or ``<DataFrame name>``) for the messages.
    row_numbers : Series
        Maps the validated frame's index labels to the row numbers a person sees.
    """
    problems = []
    failures = failures.copy()
    failures["column"] = failures["column"].astype(object)
    failures["key"] = failures["check"].astype(str)
    for (column, key), group in failures.groupby(["column", "key"], dropna=False, sort=False):
        column = None if pd.isna(column) else str(column)
        base, _, bounds = key.partition(":")
        if base == "column_in_dataframe":
            missing = str(group["failure_case"].iloc[0])
            message, fix = CHECKS[base]
            problems.append(Problem(source, missing, message, fix.format(column=missing), (), 0))
            continue
        if base.startswith("not_nullable") or base == "not_null":
            base = "not_null"
        if base not in CHECKS:
            base_message, fix = "{n} value(s) failed the check '" + base + "'", "correct them"
        else:
            base_message, fix = CHECKS[base]
        if base == "in_window":
            lo, _, hi = bounds.partition("/")
        else:
            lo, hi = [*bounds.split(":"), "", ""][:2]
        index = group["index"].dropna()
        rows = tuple(sorted({int(row_numbers.loc[i]) for i in index}))
        n = len(rows) or len(group)
        message = base_message.format(n=n, lo=lo, hi=hi, column=column)
        if column not in PII_COLUMNS and base in (
            "in_range",
            "in_options",
            "non_negative",
            "in_window",
            "whole_point",
        ):
            examples = list(dict.fromkeys(_short(v) for v in group["failure_case"].head(3)))
            message += f", e.g. {', '.join(repr(v) for v in examples)}"
        problems.append(
            Problem(
                source,
                column,
                message,
                fix.format(column=column, lo=lo, hi=hi),
                rows[:5],
                n,
            )
        )
    return problems
