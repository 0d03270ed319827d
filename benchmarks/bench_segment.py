"""Benchmark: segmentation of 100k and 1M customers x 30 features.

Prints figures; asserts nothing. Each size runs in its own process (so peak memory is its own):
a synthetic customer feature table with 5 planted segments (8 per-channel interaction counts,
age, and 21 behaviour columns, some heavy-tailed) is segmented with the default
``Segmenter`` (k-means, k chosen from 3..10 on a 20,000-customer subsample with 20 stability
refit pairs per k, final fit on everyone), then described (sizes, confidence, significance
profile of all 30 features, map). Target on 2 cores: 1M customers in under 2 minutes with peak
memory under 4 GB.

    python benchmarks/bench_segment.py                  # 100k and 1M
    python benchmarks/bench_segment.py --sizes 200000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

CHANNELS = ("web", "app", "email", "social", "phone", "chat", "sms", "store")


def make_table(n: int, seed: int = 0):
    """A feature table of ``n`` customers in 5 planted segments, and the planted labels."""
    import numpy as np
    import pandas as pd

    k = 5
    planted = np.random.default_rng(seed)  # segment parameters: the same at every size
    rates = planted.gamma(2.0, 1.5, size=(k, len(CHANNELS)))
    rates[np.arange(k), planted.permutation(len(CHANNELS))[:k]] *= 6  # one main channel each
    shifts = planted.normal(0, 0.6, size=(k, 21))
    rng = np.random.default_rng(seed + 1)
    seg = rng.choice(k, size=n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    activity = rng.gamma(4.0, 0.25, size=n)
    data = {
        f"interactions_{c}": rng.poisson(rates[seg, j] * activity).astype("int32")
        for j, c in enumerate(CHANNELS)
    }
    data["age"] = np.clip(rng.normal(np.array([30, 45, 60, 38, 67])[seg], 6), 18, 90)
    for j in range(21):
        x = rng.normal(shifts[seg, j], 1.0)
        data[f"behaviour_{j:02d}"] = np.exp(x) if j % 3 == 0 else x  # every third heavy-tailed
    frame = pd.DataFrame(data, index=pd.Index([f"C{i:08d}" for i in range(n)], name="person_id"))
    return frame, seg


def _child(n: int) -> None:
    from sklearn.metrics import adjusted_rand_score

    from omniseg.segments.segmentation import Segmentation
    from omniseg.segments.segmenter import Segmenter

    table, truth = make_table(n)
    blocks = {
        "channels": "channel_mix",
        "demographics": ["age"],
        "behaviour": [c for c in table.columns if c.startswith("behaviour_")],
    }
    t0 = time.perf_counter()
    seg = Segmenter(blocks=blocks, random_state=0).fit(table)
    fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = Segmentation.from_segmenter(seg, table)
    describe = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "n": n,
                "fit_s": fit,
                "describe_s": describe,
                "peak_mb": peak,
                "k": seg.n_segments_,
                "ari": adjusted_rand_score(truth, seg.labels_),
                "borderline": float(result.confidence["borderline"].mean()),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    print("customers   fit (incl. choice of k)   describe   total    peak memory   k   ARI")
    for n in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(n)], capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        if out.returncode != 0:
            print(f"{n:>9,}  failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{n:>9,}   {r['fit_s']:>10.1f} s {'':13} {r['describe_s']:>6.1f} s "
            f"{r['fit_s'] + r['describe_s']:>7.1f} s {r['peak_mb']:>9,.0f} MB   {r['k']}  "
            f"{r['ari']:.3f}"
        )


if __name__ == "__main__":
    main()
