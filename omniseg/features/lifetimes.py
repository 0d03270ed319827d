"""RFM in the definitions of the ``lifetimes`` package (:func:`lifetimes_summary`), computed in
DuckDB through Ibis."""

from __future__ import annotations

from typing import Any

import ibis
import pandas as pd

from omniseg._checks import bad_parameter

__all__ = ["lifetimes_summary"]

_DAY = 86_400  # seconds


def lifetimes_summary(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_col: str | None = None,
    observation_period_end: str | pd.Timestamp | None = None,
    datetime_format: str | None = None,
    freq: str = "D",
    con: Any = None,
) -> pd.DataFrame:
    """RFM in the definitions of the ``lifetimes`` package, computed in DuckDB.

    Matches ``lifetimes.utils.summary_data_from_transaction_data`` (same ``freq`` and
    ``datetime_format``): purchases are grouped by period (calendar day for ``"D"``, week from
    Monday for ``"W"``); ``frequency`` is the number of periods with a purchase after the first
    one (repeat periods); ``recency`` the periods between the first and the last purchase
    period; ``T`` the periods between the first purchase period and the observation end;
    ``monetary_value`` the mean spend per repeat period (0 without repeats). Transactions after
    ``observation_period_end`` (after its period) are left out, so that recency never exceeds T.

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction.
    customer_col, datetime_col, monetary_col : str
        Column names.
    observation_period_end : date-like, optional
        Default: the last transaction date.
    datetime_format : str, optional
        ``strftime`` format of text dates (e.g. ``"%Y%m%d"``); default: inferred.
    freq : {"D", "W"}
        The period: days or weeks.
    con : ibis backend, optional

    Returns
    -------
    DataFrame
        Indexed by customer: ``frequency``, ``recency``, ``T`` and ``monetary_value`` if
        ``monetary_col`` is given.

    Raises
    ------
    ParameterError
        A ``freq`` other than ``"D"`` or ``"W"``.
    """
    days_per_period = {"D": 1, "W": 7}
    if freq not in days_per_period:
        expected = "'D' (days) or 'W' (weeks), as in lifetimes"
        raise bad_parameter("freq", "lifetimes_summary", expected, freq)
    con = con if con is not None else ibis.duckdb.connect()
    cols = {customer_col: "c", datetime_col: "d"}
    if monetary_col:
        cols[monetary_col] = "m"
    frame = transactions[list(cols)].rename(columns=cols)

    def period_start(values: pd.Series) -> pd.Series:
        stamps = pd.to_datetime(values, format=datetime_format)
        if freq == "D":
            return stamps.dt.normalize()
        return stamps.dt.to_period(freq).dt.start_time

    frame["d"] = period_start(frame["d"])
    end = (
        period_start(pd.Series([observation_period_end])).iloc[0]
        if observation_period_end is not None
        else frame["d"].max()
    )
    frame = frame[frame["d"] <= end]
    t = ibis.memtable(frame)
    daily = t.group_by(["c", "d"]).aggregate(
        **({"m": t.m.sum()} if monetary_col else {"n": t.count()})
    )
    daily = daily.mutate(day=(daily.d.epoch_seconds() // _DAY).cast("int64"))
    w = ibis.window(group_by="c", order_by="day")
    daily = daily.mutate(
        first=daily.day.min().over(ibis.window(group_by="c")), pos=ibis.row_number().over(w)
    )
    aggs = {
        "frequency": daily.count() - 1,
        "recency": (daily.day.max() - daily.first.min()),
        "first_day": daily.first.min(),
    }
    if monetary_col:
        aggs["monetary_value"] = daily.m.mean(where=daily.pos > 0)
    out = con.to_pandas(daily.group_by("c").aggregate(**aggs))
    end_day = int(pd.Timestamp(end).normalize().timestamp()) // _DAY
    out["T"] = end_day - out["first_day"]
    out = out.drop(columns="first_day").set_index("c").sort_index()
    out.index.name = customer_col
    cols_out = ["frequency", "recency", "T"] + (["monetary_value"] if monetary_col else [])
    out = out[cols_out].astype("float64")
    out["recency"] /= days_per_period[freq]
    out["T"] /= days_per_period[freq]
    if monetary_col:
        out["monetary_value"] = out["monetary_value"].fillna(0.0)
    return out
