"""The checks of a feature table before a segmentation basis is fitted on it or applied to it.

Every problem found is collected into one :class:`~omniseg.errors.DataValidationError`
(missing columns, non-numeric or negative interaction counts, all-missing or infinite values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from omniseg.errors import DataValidationError, ParameterError, Problem
from omniseg.segments.basis_defaults import CHANNEL_MIX

# building blocks of this stage's other modules, imported by name; nothing here is public
__all__ = []

_SOURCE = "<features>"


def basis_problem(column: str | None, message: str, fix: str, rows: Sequence[int] = ()) -> Problem:
    """A problem of the feature table (source ``<features>``), at most 5 rows listed."""
    return Problem(_SOURCE, column, message, fix, tuple(int(r) for r in rows[:5]), len(rows))


def check_basis_frame(X: Any, blocks: Mapping[str, str | list[str]]) -> pd.DataFrame:
    """``X`` if it is a DataFrame with the columns of ``blocks`` in usable form, else raise."""
    if not isinstance(X, pd.DataFrame):
        raise ParameterError(
            "The segmentation basis is built from a pandas DataFrame of customer features "
            f"(one row per customer, e.g. from omniseg.features.build_features). Got "
            f"{type(X).__name__}."
        )
    problems: list[Problem] = []
    for block, cols in blocks.items():
        if cols == CHANNEL_MIX:
            if not any(isinstance(c, str) and c.startswith("interactions_") for c in X.columns):
                problems.append(
                    basis_problem(
                        None,
                        f"block {block!r} is the channel mix, but no 'interactions_<channel>' "
                        "column is present",
                        "build the table with omniseg.features.build_features, or drop the "
                        "channel_mix block",
                    )
                )
            else:
                counts = X[[c for c in X.columns if str(c).startswith("interactions_")]]
                bad = ~counts.apply(pd.api.types.is_numeric_dtype)
                for col in counts.columns[bad.to_numpy()]:
                    problems.append(
                        basis_problem(
                            col, "interaction counts must be numbers", "convert to numbers"
                        )
                    )
                if not bad.any():
                    neg = np.flatnonzero((counts.astype("float64") < 0).any(axis=1).to_numpy())
                    if len(neg):
                        problems.append(
                            basis_problem(
                                None,
                                "negative interaction counts",
                                "counts are numbers of interactions, >= 0",
                                neg,
                            )
                        )
            continue
        for col in cols:
            if col not in X.columns:
                problems.append(
                    basis_problem(
                        col,
                        f"column of block {block!r} is missing",
                        f"add it, or remove it from the block. Columns present include "
                        f"{list(X.columns[:8])}",
                    )
                )
                continue
            values = X[col]
            if values.isna().all():
                problems.append(
                    basis_problem(
                        col,
                        "every value is missing: it cannot separate customers",
                        "fill the column or remove it from the basis",
                    )
                )
            elif pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
                values.dtype
            ):
                x = values.astype("float64").to_numpy(na_value=np.nan)
                inf = np.flatnonzero(np.isinf(x))
                if len(inf):
                    problems.append(
                        basis_problem(
                            col, "infinite values", "replace them with a number or leave blank", inf
                        )
                    )
    if problems:
        raise DataValidationError(problems)
    return X
