"""Benchmark: channel attribution on 1M customer journeys.

Prints figures; asserts nothing except that the journeys built are the journeys generated. A
synthetic event table (numpy, seeded) holds ``--journeys`` journeys of ``--persons`` persons over
8 channels: each journey's touchpoints follow a first-order chain between channels, converting
journeys end with a purchase event in their last channel (with a revenue), null journeys are
followed by a silence longer than the 30-day session gap. The rows are shuffled, so the build has
to sort them. Timed: ``build_journeys`` (sort, cut, collapse, group identical paths),
first-order and second-order Markov removal effects, Shapley, position-based, first/last touch,
and the per-segment comparison (5 segments). Peak memory from VmHWM. Target on 2 cores: 1M
journeys in under 30 s.

    python benchmarks/bench_channels.py                        # 1M journeys, ~4.5M events
    python benchmarks/bench_channels.py --mean-touches 8       # longer journeys (more events)
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

CHANNELS = ("web", "app", "email", "social", "phone", "chat", "sms", "store")
DAY_S = 86_400


def make_events(n_journeys: int, n_persons: int, mean_touches: float, seed: int = 0):
    """A shuffled event table holding ``n_journeys`` journeys, and the person -> segment map."""
    rng = np.random.default_rng(seed)
    k = len(CHANNELS)
    length = 1 + rng.poisson(mean_touches - 1, n_journeys)
    n_touch = int(length.sum())
    journey = np.repeat(np.arange(n_journeys), length)
    first = np.r_[True, journey[1:] != journey[:-1]]
    # channel chain: stay-away-from-self transition matrix with a few strong paths
    trans = rng.dirichlet(np.ones(k) * 0.7, size=k)
    np.fill_diagonal(trans, 0.0)
    trans /= trans.sum(axis=1, keepdims=True)
    cum = trans.cumsum(axis=1)
    ch = np.empty(n_touch, np.int64)
    ch[first] = rng.integers(0, k, int(first.sum()))
    u = rng.random(n_touch)
    pos = np.arange(n_touch) - np.repeat(np.cumsum(length) - length, length)
    for step in range(1, int(length.max())):
        at = np.flatnonzero(pos == step)
        prev = ch[at - 1]
        ch[at] = (u[at, None] > cum[prev]).sum(axis=1).clip(max=k - 1)
    # conversion probability grows with the channels touched (store and app help most)
    lift = np.array([0.05, 0.08, 0.03, 0.01, 0.04, 0.02, 0.01, 0.10])
    score = np.bincount(journey, weights=lift[ch], minlength=n_journeys)
    converts = rng.random(n_journeys) < np.clip(0.05 + score, 0, 0.9)
    # persons and times: a person's journeys one after another
    person = np.sort(rng.integers(0, n_persons, n_journeys))
    gap_after = (
        np.where(converts, rng.integers(1, 20, n_journeys), rng.integers(31, 60, n_journeys))
        * DAY_S
    )
    # times in seconds (int64 nanoseconds would overflow in the cumulative sums)
    within = rng.integers(60, 3 * DAY_S, n_touch).astype(np.int64)  # < 3 days apart
    span = np.bincount(journey, weights=within, minlength=n_journeys).astype(np.int64)
    step_j = span + gap_after
    new_person = np.r_[True, person[1:] != person[:-1]]
    csum = np.cumsum(step_j) - step_j
    base = np.maximum.accumulate(np.where(new_person, csum, 0))
    start_j = csum - base + 1_735_689_600  # 2025-01-01
    ts = start_j[journey] + (np.cumsum(within) - np.repeat(np.cumsum(span) - span, length))
    last = np.r_[journey[1:] != journey[:-1], True]
    event = np.where(rng.random(n_touch) < 0.7, "view", "click").astype(object)
    event[last & converts[journey]] = "purchase"
    revenue = np.where(event == "purchase", rng.gamma(2.0, 40.0, n_touch).round(2), np.nan)
    shuffle = rng.permutation(n_touch)
    events = pd.DataFrame(
        {
            "person_id": person[journey][shuffle],
            "timestamp": pd.to_datetime(ts[shuffle], unit="s"),
            "channel": pd.Categorical.from_codes(ch[shuffle], categories=list(CHANNELS)),
            "event": pd.Categorical(event[shuffle]),
            "revenue": revenue[shuffle],
        }
    )
    segments = pd.Series(
        np.array(["s1", "s2", "s3", "s4", "s5"])[np.arange(n_persons) % 5],
        index=np.arange(n_persons),
    )
    return events, segments, int(converts.sum())


def _peak_mb() -> float:
    """Peak resident memory of this process in MB (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=400_000)
    parser.add_argument("--mean-touches", type=float, default=4.5)
    args = parser.parse_args()

    import omniseg.channels as at

    t0 = time.perf_counter()
    events, segments, n_conv = make_events(args.journeys, args.persons, args.mean_touches)
    print(
        f"generated {len(events):,} events, {args.journeys:,} journeys, "
        f"{args.persons:,} persons in {time.perf_counter() - t0:.1f} s "
        f"(peak so far {_peak_mb():,.0f} MB)"
    )
    times: dict[str, float] = {}

    def timed(name, fn, *a, **kw):
        start = time.perf_counter()
        out = fn(*a, **kw)
        times[name] = time.perf_counter() - start
        return out

    j = timed("build_journeys", at.build_journeys, events, segments=segments)
    assert j.n_journeys == args.journeys, (j.n_journeys, args.journeys)
    assert j.n_conversions == n_conv, (j.n_conversions, n_conv)
    del events
    print(j)
    markov = timed("markov order 1", at.markov_attribution, j)
    timed("markov order 2", at.markov_attribution, j, order=2)
    timed("shapley", at.shapley_attribution, j)
    timed("position-based", at.position_based_attribution, j)
    timed("first + last touch", lambda: (at.first_touch(j), at.last_touch(j)))
    timed("compare_by_segment (markov, 5 segments)", at.compare_by_segment, j)
    timed("top_paths + transition_matrix", lambda: (at.top_paths(j), at.transition_matrix(j)))
    for name, sec in times.items():
        print(f"  {name:<42} {sec:7.2f} s")
    core = times["build_journeys"] + times["markov order 1"] + times["shapley"]
    print(f"  {'build + markov + shapley':<42} {core:7.2f} s")
    print(f"  {'all of the above':<42} {sum(times.values()):7.2f} s")
    print(f"peak memory {_peak_mb():,.0f} MB")
    print(markov.round(4).to_string(index=False))


if __name__ == "__main__":
    main()
