"""Joining the CRM's demographics and consent flags to the per-person feature columns.

Internal to :func:`omniseg.features.table.build_features`: the keys are matched on the distinct
ids (in the engine when there is one) and every column is taken by position once.
"""

from __future__ import annotations

from typing import Any

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from omniseg.features.definitions import _JOURNEYS
from omniseg.ingest.data_profile import DEMOGRAPHIC_COLUMNS

__all__: list[str] = []


#: CRM columns joined to the feature table: the data profile's demographics except the
#: postcode (a near-identifier of a person's home, not a trait to describe segments with).
_DEMOGRAPHICS = tuple(c for c in DEMOGRAPHIC_COLUMNS if c != "postcode")


def _arrow_text(values: pd.Series) -> pa.Array:
    """A text Series as one Arrow string array."""
    arr = pa.array(values.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.string())


def _outer_keys(
    left: pa.Array, right: pa.Array, con: Any
) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """The sorted union of two sets of distinct keys, and each one's position on either side
    (-1: absent).

    Run as one outer join in the engine when there is one (multi-threaded: at 1.7M persons a
    side, Arrow's unique, sort and two index lookups took 2.4 s); keys sort by their bytes
    either way.
    """
    if con is None or getattr(con, "name", "") != "duckdb":
        union = pc.unique(pa.concat_arrays([left, right]))
        union = union.take(pc.sort_indices(union))
        at_left = pc.index_in(union, value_set=left).fill_null(-1).to_numpy()
        at_right = pc.index_in(union, value_set=right).fill_null(-1).to_numpy()
        return union, at_left, at_right
    lt = ibis.memtable(pa.table({"_k": left, "_l": pa.array(np.arange(len(left)))}))
    rt = ibis.memtable(pa.table({"_k2": right, "_r": pa.array(np.arange(len(right)))}))
    joined = lt.outer_join(rt, lt._k == rt._k2)
    keys = joined.select(
        _k=ibis.coalesce(joined._k, joined._k2),
        _l=joined._l.fill_null(-1),
        _r=joined._r.fill_null(-1),
    ).order_by("_k")
    got = con.to_pyarrow(keys)
    union = got["_k"].combine_chunks().cast(pa.string())
    return union, got["_l"].to_numpy(), got["_r"].to_numpy()


def _join_crm(out: dict[str, Any], customers: pd.DataFrame, con: Any = None) -> pd.DataFrame:
    """Demographics and consent from the CRM; CRM customers never seen get zero counts.

    ``out``: the feature columns (arrays, one row per person seen). The result is sorted by
    ``person_id`` and has the columns and dtypes of an outer ``merge`` on ``person_id`` followed
    by zero counts for the never-seen, but the keys are matched with pyarrow on the distinct
    ids (the union of both sides, sorted) and every column is taken by position once: a string
    ``merge``, ``sort_values`` and the fills cost seconds at millions of persons.
    """
    keep = [
        "customer_id",
        *[c for c in customers.columns if c in _DEMOGRAPHICS or c.startswith("consent_")],
    ]
    crm = customers[keep]
    if not crm["customer_id"].is_unique:  # (a loaded CRM is: the check is 3x cheaper)
        crm = crm.drop_duplicates("customer_id")
    crm = crm.rename(columns={"customer_id": "person_id"})
    crm["person_id"] = crm["person_id"].astype("string")
    counts = [c for c in out if c.startswith(("interactions_", "purchases_"))]
    counts += ["n_interactions", "frequency", "n_channels", "contacts", "complaints", *_JOURNEYS]
    money = ["monetary", *[c for c in out if c.startswith("revenue_")]]
    if crm["person_id"].isna().any() or pd.isna(out["person_id"]).any():
        # missing keys match each other in a merge: keep its exact semantics
        table = pd.DataFrame(out).merge(crm, on="person_id", how="outer")
        table = table.sort_values("person_id", kind="stable").reset_index(drop=True)
        never_seen = table["n_interactions"].isna()
        table.loc[never_seen, counts] = 0
        table.loc[never_seen, money] = 0.0
        table.loc[never_seen, "omnichannel"] = False
        table[counts] = table[counts].astype("int64")
        table["omnichannel"] = table["omnichannel"].astype(bool)
        return table
    left, right = _arrow_text(pd.Series(out["person_id"])), _arrow_text(crm["person_id"])
    union, at_left, at_right = _outer_keys(left, right, con)
    never_seen = at_left < 0
    fills = {**dict.fromkeys(counts, 0), **dict.fromkeys(money, 0.0), "omnichannel": False}
    table: dict[str, Any] = {
        "person_id": pd.array(union.to_numpy(zero_copy_only=False), dtype="string")
    }
    for name in [c for c in out if c != "person_id"]:
        values = out.pop(name)  # each input column freed once taken: one copy at a time
        if not isinstance(values, np.ndarray):  # text: missing becomes <NA>
            table[name] = values.take(at_left, allow_fill=True)
            continue
        taken = values[np.maximum(at_left, 0)]
        if never_seen.any():
            fill = fills.get(name)
            if fill is None:  # what the merge leaves: NaN, NaT
                if taken.dtype.kind in "iub":
                    taken = taken.astype("float64")
                fill = np.datetime64("NaT") if taken.dtype.kind == "M" else np.nan
            taken[never_seen] = fill
        table[name] = taken
    # the CRM side reindexed by position (-1: no row) upcasts as a merge does (int -> float...)
    crm_part = crm.drop(columns="person_id").reset_index(drop=True).reindex(at_right)
    for name in crm_part.columns:
        table[name] = crm_part[name].array
    # every column is a fresh array: no copy into consolidated blocks (at 51M interactions that
    # copy took 1.9 s and held the 0.9 GB table twice)
    return pd.DataFrame(table, copy=False)
