"""Benchmark: identity resolution and the customer feature table at 10M and 50M interactions.

Prints figures; asserts nothing. For each size it generates the interactions as Parquet with
``omniseg demo --format parquet`` (streamed), then measures in separate processes, so peak memory
is each step's own:

- ``features``: ``build_features`` reading the Parquet parts out-of-core with DuckDB (Ibis), with
  ``person_id`` precomputed (the demo's ``customer_id`` column for rows that carry it is not
  enough, so the benchmark assigns persons from the planted truth, as a resolved table would be).
- ``pandas``: the same core features (counts, RFM, per-channel counts/revenue, distinct channels,
  first/last channel) with a plain pandas groupby on the loaded table.
- ``identity``: ``IdentityResolver.fit`` + ``transform`` on the loaded table.

    python benchmarks/bench_features.py --sizes 10000000,50000000
    python benchmarks/bench_features.py --sizes 2000000 --steps features,pandas,identity
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PER_CUSTOMER = 28.8  # interactions per customer in the demo generator (measured)


def _child(step: str, folder: str) -> None:
    """Run one step in this process and print a JSON line with its figures."""
    import duckdb
    import pandas as pd

    start = time.perf_counter()
    events = Path(folder) / "events"
    if step == "features":
        from omniseg.features import build_features

        table = build_features(events)
        rows = len(table)
    elif step == "pandas":
        frame = pd.read_parquet(events)
        frame["is_buy"] = frame["event"] == "purchase"
        frame["buy_rev"] = frame["revenue"].where(frame["is_buy"], 0.0)
        frame = frame.sort_values(["person_id", "timestamp"], kind="stable")
        g = frame.groupby("person_id", sort=False)
        table = pd.DataFrame(
            {
                "n_interactions": g.size(),
                "frequency": g["is_buy"].sum(),
                "monetary": g["buy_rev"].sum(),
                "last_seen": g["timestamp"].max(),
                "n_channels": g["channel"].nunique(),
                "first_channel": g["channel"].first(),
                "last_channel": g["channel"].last(),
            }
        )
        per_channel = frame.pivot_table(
            index="person_id", columns="channel", values="buy_rev", aggfunc=["size", "sum"]
        )
        rows = len(
            table.join(per_channel.set_axis([f"{a}_{b}" for a, b in per_channel.columns], axis=1))
        )
    elif step == "identity":
        from omniseg.identity import IdentityResolver

        customers = duckdb.sql(
            f"SELECT * FROM read_parquet('{Path(folder) / 'customers'}/*.parquet')"
        ).df()
        frame = pd.read_parquet(events)
        resolver = IdentityResolver().fit(customers, frame)
        rows = int(resolver.transform(frame).notna().sum())
    else:  # pragma: no cover
        raise ValueError(step)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"step": step, "seconds": seconds, "peak_mb": peak, "rows": rows}))


def _prepare(size: int, folder: Path) -> int:
    import duckdb

    from omniseg.demo import generate_demo

    customers = max(50, round(size / PER_CUSTOMER))
    start = time.perf_counter()
    generate_demo(folder / "raw", n_customers=customers, format="parquet", progress=False)
    # a resolved events table: person_id = the planted customer of each row (what identity
    # resolution recovers with precision 1.00 / recall 0.998 on the demo)
    (folder / "events").mkdir()
    duckdb.sql(
        f"""
        COPY (
          SELECT e.*, coalesce(e.customer_id, c1.customer_id, c2.customer_id) AS person_id
          FROM read_parquet('{folder / "raw" / "interactions"}/*.parquet') e
          LEFT JOIN read_parquet('{folder / "raw" / "customers"}/*.parquet') c1
                 ON lower(trim(e.email)) = c1.email
          LEFT JOIN (SELECT DISTINCT ON (loyalty_id) loyalty_id, customer_id
                     FROM read_parquet('{folder / "raw" / "customers"}/*.parquet')) c2
                 ON ltrim(trim(e.loyalty_id), '0') = ltrim(c2.loyalty_id, '0')
        ) TO '{folder / "events"}' (FORMAT parquet, PER_THREAD_OUTPUT true)
        """
    )
    (folder / "customers").symlink_to(folder / "raw" / "customers")
    rows = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{folder / 'events'}/*.parquet')"
    ).fetchall()[0][0]
    print(f"size {size:,}: generated {rows:,} interactions of {customers:,} customers "
          f"in {time.perf_counter() - start:.0f}s")  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000000,50000000")
    parser.add_argument("--steps", default="features,pandas")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            _prepare(size, folder)
            results = {}
            for step in args.steps.split(","):
                out = subprocess.run(
                    [sys.executable, __file__, "--child", step, str(folder)],
                    capture_output=True, text=True, check=False,
                )  # fmt: skip
                if out.returncode != 0:
                    print(f"  {step:<9} failed: {out.stderr.strip().splitlines()[-1:]}")
                    continue
                res = json.loads(out.stdout.strip().splitlines()[-1])
                results[step] = res
                print(f"  {step:<9} {res['seconds']:7.1f}s  peak {res['peak_mb']:7,.0f} MB  "
                      f"rows {res['rows']:,}")  # fmt: skip
            if "features" in results and "pandas" in results:
                speedup = results["pandas"]["seconds"] / results["features"]["seconds"]
                print(f"  features vs pandas: {speedup:.1f}x")


if __name__ == "__main__":
    main()
