"""The distinct identifier combinations of the interactions, computed in the backend.

Linking depends only on which identifiers appear together on a row, so
:class:`omniseg.identity.resolver.IdentityResolver` works on these combinations (with their row
counts per channel) instead of the rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa

from omniseg.config.vocabulary import normalise_channel

__all__: list[str] = []


def _path_key(source: Any) -> str | None:
    """A Parquet source's resolved path (to recognise the fitted source), else None."""
    if isinstance(source, str | Path):
        return str(Path(source).resolve())
    return None


def _combination_table(
    table: ibis.Table, kinds: list[str], con: Any, row_numbers: bool
) -> tuple[pa.Table, list[str]]:
    """Distinct identifier combinations with their row counts, fetched as Arrow.

    Columns: the ``kinds`` columns as text, ``n_rows``, ``first_row`` (when ``row_numbers``:
    the first row with the combination, and the combinations in that order, as ``explain``
    names records by row) and ``_ch<i>`` (rows per channel ``i``). Raw channel labels are
    normalised through the vocabulary (``WEB`` -> ``web``) on their distinct values only.
    """
    keyed = table.mutate(**{k: table[k].cast("string") for k in kinds})
    channels: list[str] = []
    if "channel" in table.columns:
        labels = con.to_pandas(table.select(c=table.channel.cast("string")).distinct())["c"]
        groups: dict[str, list[str]] = {}
        for label in sorted(labels.dropna().tolist()):
            groups.setdefault(normalise_channel(label) or "unknown", []).append(label)
        channels = list(groups)
        # raw label -> channel code by a join with the (small) label table, then integer
        # comparisons: 8 ``isin`` tests on the label text of every row cost 1.1 s at 10M rows
        codes = ibis.memtable(
            pa.table(
                {
                    "_label": pa.array([v for ch in channels for v in groups[ch]], pa.string()),
                    "_code": pa.array(
                        [i for i, ch in enumerate(channels) for _ in groups[ch]], pa.int16()
                    ),
                }
            )
        )
        keyed = keyed.left_join(codes, keyed.channel.cast("string") == codes._label)
    aggs: dict[str, Any] = {"n_rows": keyed.count()}
    if row_numbers:
        aggs["first_row"] = keyed._row.min()
    for i in range(len(channels)):
        aggs[f"_ch{i}"] = keyed.count(where=keyed._code == i)
    combos = keyed.group_by(kinds).aggregate(**aggs)
    combos = combos.mutate(_h=_combination_hash(combos, kinds))
    if row_numbers:
        combos = combos.order_by("first_row")
    return con.to_pyarrow(combos), channels


def _combination_hash(table: ibis.Table, kinds: list[str]) -> ibis.Value:
    """A 64-bit hash of a row's identifiers (as text; missing ones included as missing)."""
    return ibis.struct({k: table[k].cast("string") for k in kinds}).hash()


def _combinations(table: ibis.Table, kinds: list[str], con: Any) -> pd.DataFrame:
    """Distinct identifier combinations of the interactions (the ``kinds`` columns as text).

    The order of the combinations does not matter: ``transform`` joins them back on their values.
    """
    keyed = table.select(**{k: table[k].cast("string") for k in kinds}).distinct()
    combos = con.to_pandas(keyed)
    for k in kinds:
        combos[k] = combos[k].astype("string")
    return combos
