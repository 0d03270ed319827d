"""Benchmark: identity resolution and the customer feature table at 10M and 50M interactions.

Prints figures; asserts nothing. For each size it generates the interactions as Parquet with the
demo generator (``omniseg demo --format parquet``, streamed), then measures each step in its own
process, so peak memory (max RSS of that process) is the step's own:

- ``pipeline``: the full pipeline from the raw Parquet, all out-of-core (the interactions are
  never loaded into pandas): load the CRM (Arrow -> pandas), ``IdentityResolver().fit(customers,
  <interactions folder>)``, ``transform(<same folder>)`` (a lazy Ibis table) and
  ``build_features(events, customers)``.
- ``features``: ``build_features`` alone on an already-resolved table (the pipeline's resolved
  events written once to Parquet beforehand, not timed), with the CRM join.
- ``pandas``: the same table, every column, with plain pandas (``pandas_features.py``: sort,
  groupby, pivot, shift, merge_asof, an outer merge with the CRM) on the same resolved Parquet
  read with ``pd.read_parquet``, CRM loading included as in ``features``. Its table is checked
  equal to the others (``same_table``).
- ``pandas_core``: the benchmark's earlier baseline, kept for comparison with earlier runs: only
  the core features (counts, RFM, first/last seen and channel, per-channel touchpoints,
  purchases and revenue, distinct channels), grouped on the person id text.
- ``pipeline``, ``features`` and ``pandas`` each save their table (untimed) and check it equals
  those the others saved (``same_table 1.0`` in the output; a difference fails the step).
- ``floor``: a lower bound for any exact implementation on this engine and machine: the bare
  DuckDB passes the work cannot do without, with nothing else (no identifier normalisation,
  no linking, no journeys, no CRM join, no output table): (1) the distinct identifier
  combinations of the raw rows (as 64-bit hashes only, the cheapest form), (2) the rows coded
  once as integers (person, second, channel), (3) one aggregation per (person, channel) and
  (4) one ordered pass per person (channel switches). Their sum is what the targets of the
  issue have to fit in besides everything else.

Times exclude importing the libraries (printed apart: a fixed cost of about 1 s, not the data's).
Each step runs ``--repeat`` times (default 2, because other work may share the machine); the best
time is reported with the peak memory of that run, and every run is printed.

    python benchmarks/bench_features.py --sizes 10000000,50000000
    python benchmarks/bench_features.py --sizes 2000000 --steps pipeline,features,pandas
    python benchmarks/bench_features.py --sizes 10000000 --keep /tmp/bench  # reuse the data
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
_TABLE_STEPS = ("pipeline", "features", "pandas")  # steps that make the whole feature table


def _customers(folder: Path):
    """The CRM as the loader gives it: text as pandas ``string`` columns (Arrow-backed here:
    DuckDB's ``.df()`` object columns took 2.4 GB to load 1.7M customers, these 0.7 GB)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = sorted((folder / "raw" / "customers").glob("*.parquet"))
    table = pa.concat_tables([pq.read_table(p) for p in parts])
    text = pd.StringDtype("pyarrow")
    return table.to_pandas(types_mapper={pa.string(): text, pa.large_string(): text}.get)


def _floor(folder: Path) -> dict[str, float]:
    """The bare engine passes (see the module docstring), timed one by one."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    raw = f"read_parquet('{folder / 'raw' / 'interactions'}/*.parquet')"
    resolved = f"read_parquet('{folder / 'resolved'}/*.parquet')"
    ids = "customer_id, loyalty_id, email, phone, device_id"
    queries = {
        "combinations": f"SELECT count(*) FROM (SELECT hash({ids}) h FROM {raw} GROUP BY h)",
        "coded": "CREATE TEMP TABLE ev AS SELECT hash(person_id) pid, "
        f"epoch(timestamp)::BIGINT sec, hash(channel) ch, revenue FROM {resolved} "
        "WHERE person_id IS NOT NULL",
        # every result is consumed (summed): unused aggregates would be optimised away
        "per_channel": "SELECT sum(n), sum(r), max(m) FROM (SELECT pid, ch, count(*) n, "
        "sum(revenue) r, max(sec) m FROM ev GROUP BY pid, ch)",
        "ordered": "SELECT sum(s) FROM (SELECT pid, sum((p IS NOT NULL AND p <> ch)::INT) s "
        "FROM (SELECT pid, ch, lag(ch) OVER (PARTITION BY pid ORDER BY sec) p FROM ev) "
        "GROUP BY pid)",
    }
    parts = {}
    for name, sql in queries.items():
        start = time.perf_counter()
        con.execute(sql).fetchall()
        parts[name] = time.perf_counter() - start
    parts["persons"] = con.execute("SELECT count(DISTINCT pid) FROM ev").fetchall()[0][0]
    return parts


def _peak_mb() -> float:
    """Peak resident memory of this process in MB (VmHWM: unlike ru_maxrss on Linux, it is not
    inherited from the parent process)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover


def _child(step: str, folder: str) -> None:
    """Run one step in this process and print a JSON line with its figures."""
    folder_p = Path(folder)
    raw = folder_p / "raw" / "interactions"
    start = time.perf_counter()
    import duckdb  # noqa: F401  (imports are timed apart: a fixed cost, not the data's)
    import pandas  # noqa: F401

    from omniseg.features.table import build_features
    from omniseg.identity.resolver import IdentityResolver

    imports = time.perf_counter() - start
    start = time.perf_counter()
    parts: dict[str, float] = {}
    if step == "pipeline":
        customers = _customers(folder_p)
        parts["crm"] = time.perf_counter() - start
        resolver = IdentityResolver().fit(customers, raw)
        parts["fit"] = time.perf_counter() - start - sum(parts.values())
        events = resolver.transform(raw)
        parts["transform"] = time.perf_counter() - start - sum(parts.values())
        table = build_features(events, customers)
        parts["features"] = time.perf_counter() - start - sum(parts.values())
    elif step == "features":
        customers = _customers(folder_p)
        parts["crm"] = time.perf_counter() - start
        table = build_features(folder_p / "resolved", customers)
        parts["features"] = time.perf_counter() - start - parts["crm"]
    elif step in ("pandas", "pandas_core"):
        import pandas as pd
        from pandas_features import EVENT_COLUMNS, pandas_core_features, pandas_features

        if step == "pandas":
            customers = _customers(folder_p)
            parts["crm"] = time.perf_counter() - start
        events = pd.read_parquet(folder_p / "resolved", columns=EVENT_COLUMNS)
        parts["read"] = time.perf_counter() - start - sum(parts.values())
        if step == "pandas":
            table = pandas_features(events, customers)
        else:
            table = pandas_core_features(events)
    elif step == "floor":
        parts.update(_floor(folder_p))
        table = range(parts.pop("persons"))
    else:  # pragma: no cover
        raise ValueError(step)
    seconds = time.perf_counter() - start
    peak = _peak_mb()
    extra = {}
    if step in _TABLE_STEPS:  # not timed: every way must give the same table
        import pandas as pd

        table.to_parquet(folder_p / f"table-{step}.parquet")
        ours = pd.read_parquet(folder_p / f"table-{step}.parquet")
        for other in _TABLE_STEPS:
            path = folder_p / f"table-{other}.parquet"
            if other != step and path.exists():
                pd.testing.assert_frame_equal(ours, pd.read_parquet(path))
                extra["same_table"] = 1.0
    print(
        json.dumps(
            {
                "step": step,
                "seconds": seconds,
                "peak_mb": peak,
                "rows": len(table),
                "imports (not in the time)": imports,
                **parts,
                **extra,
            }
        )
    )


def _prepare(size: int, folder: Path) -> int:
    """Generate the raw Parquet (demo generator) and the resolved events (for the single-step
    measurements); returns the number of interactions."""
    import duckdb

    from omniseg.demo.generator import generate_demo
    from omniseg.identity.resolver import IdentityResolver

    raw = folder / "raw" / "interactions"
    customers = max(50, round(size / PER_CUSTOMER))
    start = time.perf_counter()
    if not raw.exists():
        generate_demo(folder / "raw", n_customers=customers, format="parquet", progress=False)
    generated = time.perf_counter() - start
    resolved = folder / "resolved"
    if not resolved.exists():
        events = IdentityResolver().fit(_customers(folder), raw).transform(raw)
        resolved.mkdir()
        events._find_backend().to_parquet(events, resolved / "part-0.parquet")
    rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{raw}/*.parquet')").fetchall()[0][0]
    print(f"size {size:,}: {rows:,} interactions of {customers:,} customers "
          f"(generated in {generated:.0f}s; resolved copy written in "
          f"{time.perf_counter() - start - generated:.0f}s)")  # fmt: skip
    return rows


def _run(step: str, folder: Path) -> dict | None:
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        print(f"  {step:<9} failed: {out.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000000,50000000")
    parser.add_argument("--steps", default="pipeline,features,pandas,pandas_core,floor")
    parser.add_argument("--repeat", type=int, default=2, help="runs per step; the best is kept")
    parser.add_argument("--keep", help="folder for the generated data, kept and reused")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(args.keep) / str(size) if args.keep else Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            _prepare(size, folder)
            for stale in folder.glob("table-*.parquet"):  # tables of an earlier run of --keep
                stale.unlink()
            best = {}
            for step in args.steps.split(","):
                runs = [r for r in (_run(step, folder) for _ in range(args.repeat)) if r]
                if not runs:
                    continue
                res = best[step] = min(runs, key=lambda r: r["seconds"])
                all_runs = ", ".join(f"{r['seconds']:.1f}s" for r in runs)
                detail = "  ".join(
                    f"{k} {v:.1f}s"
                    for k, v in res.items()
                    if k not in ("step", "seconds", "peak_mb", "rows", "same_table")
                )
                if all(r.get("same_table") for r in runs):
                    detail += "  same table as the other steps"
                print(f"  {step:<9} {res['seconds']:6.1f}s  peak {res['peak_mb']:6,.0f} MB  "
                      f"rows {res['rows']:,}  {detail}  "
                      f"(runs: {all_runs})")  # fmt: skip
            if "features" in best and "pandas" in best:
                speedup = best["pandas"]["seconds"] / best["features"]["seconds"]
                print(f"  build_features vs pandas (same table): {speedup:.1f}x faster")
            if "features" in best and "pandas_core" in best:
                speedup = best["pandas_core"]["seconds"] / best["features"]["seconds"]
                print(f"  build_features vs pandas core features only: {speedup:.1f}x faster")
            if "floor" in best:
                print(f"  engine floor: {best['floor']['seconds']:.1f}s of bare passes, before "
                      "normalising, linking, journeys and the output table")  # fmt: skip
            if "pipeline" in best and "pandas" in best:
                speedup = best["pandas"]["seconds"] / best["pipeline"]["seconds"]
                print(f"  full pipeline (with identity) vs pandas features alone: {speedup:.1f}x")


if __name__ == "__main__":
    main()
