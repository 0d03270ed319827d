"""Benchmark: demo generation (streamed Parquet), loading and the data overview.

Prints figures; asserts nothing. Run from anywhere:

    python benchmarks/bench_demo.py --customers 1000000
    python benchmarks/bench_demo.py --customers 5000 --stages load,overview

Stages:
- ``generate``: ``generate_demo(format="parquet")`` — wall time, rows/s, peak RSS of the process
  (bounded: chunks of ``--chunk-size`` customers are generated and written one at a time).
- ``load``: ``omniseg.ingest.load_data_dir`` on the bundled demo (CSV path, validation included).
- ``overview``: every overview computation on the bundled demo.
- ``report``: the README's main command (``omniseg report --demo``) in a temporary folder, with the
  per-step timings from its manifest.
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


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_generate(customers: int, chunk_size: int) -> None:
    from omniseg.demo.generator import generate_demo

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        summary = generate_demo(
            Path(tmp) / "big",
            n_customers=customers,
            format="parquet",
            chunk_size=chunk_size,
            progress=False,
        )
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in Path(summary["path"]).rglob("*") if p.is_file())
    rows = summary["interactions"]
    print(f"generate  customers={customers:,} chunk_size={chunk_size:,}")
    print(f"          interactions={rows:,} ({rows / customers:.1f} per customer)")
    print(f"          wall={seconds:.1f}s  rate={rows / seconds:,.0f} interactions/s")
    print(f"          parquet={size / 1e6:.0f} MB  peak_rss={peak_rss_mb():,.0f} MB")


def bench_load() -> None:
    from omniseg.ingest.io import load_demo

    start = time.perf_counter()
    data = load_demo()
    seconds = time.perf_counter() - start
    print(f"load      demo: {data.report.summary_line()}")
    print(f"          wall={seconds:.2f}s  peak_rss={peak_rss_mb():,.0f} MB")


def bench_overview() -> None:
    import omniseg.ingest as ov
    from omniseg.ingest.io import load_demo

    data = load_demo()
    for name in (
        "channel_summary",
        "monthly_activity",
        "identity_fragmentation",
        "fragmentation_summary",
        "quality_warnings",
    ):
        start = time.perf_counter()
        getattr(ov, name)(data)
        print(f"overview  {name:<24} {time.perf_counter() - start:.3f}s")


def bench_report() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "omniseg.cli", "report", "--demo", "--quiet",
             "--output-dir", tmp],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        report = Path(out.stdout.strip())
        manifest = json.loads((report.parent / "manifest.json").read_text())
        print(f"report    omniseg report --demo: wall={seconds:.1f}s (incl. interpreter start)")
        for step, secs in manifest["timings_seconds"].items():
            print(f"          {step:<36} {secs:.2f}s")
        print(f"          report.html={report.stat().st_size / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--chunk-size", type=int, default=50_000)
    parser.add_argument("--stages", default="generate,load,overview,report")
    args = parser.parse_args()
    stages = args.stages.split(",")
    if "generate" in stages:
        bench_generate(args.customers, args.chunk_size)
    if "load" in stages:
        bench_load()
    if "overview" in stages:
        bench_overview()
    if "report" in stages:
        bench_report()


if __name__ == "__main__":
    main()
