"""The customers (CRM) table: its cells typed and checked against the data contract.

Ages and birth years are whole numbers, ``signup_date`` a date no earlier than
:data:`~omniseg.ingest.contract.DEFAULT_SIGNUP_START`, ``consent_*`` columns yes/no values; gender
codes are written as words. See ``docs/data_contract.md``.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from omniseg.errors import Problem
from omniseg.ingest.columns import _missing_required
from omniseg.ingest.contract import (
    DEFAULT_SIGNUP_START,
    _drop_empty_columns,
    _drop_exact_duplicates,
    _iso,
    _missing_share,
    _no_rows,
    _not_loaded,
    _resolve_window,
    _validate,
)
from omniseg.ingest.data import TableReport
from omniseg.ingest.loader_warnings import LoaderWarning
from omniseg.ingest.parsing import _date_fix, _numbers, _to_bool, _to_datetime, _to_string
from omniseg.ingest.raw_table import _bad_cells, _Raw
from omniseg.ingest.schemas import Window, customers_schema
from omniseg.ingest.value_codes import _resolve_gender_codes

__all__: list[str] = []


def _customers(
    raw: _Raw, warnings: list[LoaderWarning], window: Window | None = None
) -> tuple[pd.DataFrame, TableReport, list[Problem]]:
    window = window or _resolve_window(None)
    rows_read = len(raw.frame)
    problems = _missing_required(raw, ["customer_id"]) or _no_rows("customers", raw)
    if problems:
        return _not_loaded("customers", raw, problems)
    _drop_exact_duplicates(raw, warnings)
    _drop_empty_columns(raw, {"customer_id"}, warnings)
    df = raw.frame.copy()
    for col in df.columns:
        if col in ("age", "birth_year"):
            found: list[Problem] = []
            df[col] = _numbers(raw, df, col, "whole numbers", f"write {col} as a number", found)
            problems += found
            # a whole number of a size Int64 can hold (1e300 is finite but no age)
            fraction = df[col].notna() & ((df[col] != df[col].round()) | (df[col].abs() > 1e15))
            if not found and fraction.any():
                problems.append(
                    _bad_cells(
                        raw,
                        col,
                        fraction.to_numpy(),
                        "whole numbers",
                        f"write {col} as a whole number",
                    )
                )
            df[col] = df[col].mask(df[col].abs() > 1e15).round().astype("Int64")
        elif col in ("signup_date",):
            fix = _date_fix(df[col], "use YYYY-MM-DD or DD/MM/YYYY")
            df[col], bad = _to_datetime(df[col])
            if bad.any():
                problems.append(_bad_cells(raw, col, bad, "dates", fix))
        elif col.startswith("consent_"):
            df[col], bad = _to_bool(df[col])
            if bad.any():
                problems.append(
                    _bad_cells(
                        raw, col, bad, "yes/no values", "use yes/no, sí/no, true/false or 1/0"
                    )
                )
        elif df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype):
            df[col] = _to_string(df[col])
    _resolve_gender_codes(raw, df)
    signup_window = (min(window[0], pd.Timestamp(DEFAULT_SIGNUP_START)), window[1])
    problems += _validate(
        raw, df, customers_schema(list(df.columns), date.today().year, signup_window)
    )
    date_col = df["signup_date"] if "signup_date" in df else pd.Series(dtype="datetime64[ns]")
    report = TableReport(
        "customers",
        raw.source,
        rows_read,
        len(df),
        list(df.columns),
        _missing_share(df),
        _iso(date_col.min()),
        _iso(date_col.max()),
    )
    return df.reset_index(drop=True), report, problems
