"""Building blocks of the scenario gallery (:mod:`omniseg.demo.scenarios`).

What every scenario shares: the period, the dataset container (:class:`ScenarioData`), the
scenario table (``omniseg/demo/tables/scenarios.yaml``: each scenario's description and planted
segments, read by :func:`scenario_segments`) and the drawing helpers (segments, moments,
touchpoints, orders, amounts, ages) with deterministic CSV and YAML output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import yaml

from omniseg.demo.table_files import load_table, with_tuples

__all__ = [
    "EARLY",
    "END",
    "LATE",
    "PERIOD",
    "SCENARIO_TABLE",
    "START",
    "ScenarioData",
]

#: First and last day of every scenario's interactions (22 months).
PERIOD = (pd.Timestamp("2025-01-01"), pd.Timestamp("2026-10-31"))


@dataclass
class ScenarioData:
    """One scenario's dataset, ready to write.

    Attributes
    ----------
    files : dict
        Relative path -> file content (bytes), inputs and ``params.yaml``.
    truth : DataFrame
        ``customer_id`` and the planted ``segment`` (empty when nothing is planted), plus any
        other planted per-customer values (documented in ``readme``).
    segments : DataFrame
        ``segment`` and ``description`` of each planted segment.
    readme : str
        What the truth files hold, written to ``truth/README.txt``.
    """

    files: dict[str, bytes]
    truth: pd.DataFrame
    segments: pd.DataFrame
    readme: str
    summary: dict[str, Any] = field(default_factory=dict)


def csv_bytes(
    frame: pd.DataFrame, sep: str = ",", encoding: str = "utf-8", float_format: str = "%.2f"
) -> bytes:
    """A table as CSV bytes (``\\n`` line ends, fixed float format: deterministic)."""
    text = frame.to_csv(index=False, sep=sep, lineterminator="\n", float_format=float_format)
    return text.encode(encoding)


def params_yaml(params: dict[str, Any], header: str) -> bytes:
    """A scenario's ``params.yaml``: a ``# header`` line, then the parameters."""
    body = yaml.safe_dump(params, allow_unicode=True, sort_keys=False, width=100)
    return (f"# {header}\n" + body).encode("utf-8")


def make_ids(prefix: str, n: int, width: int = 5) -> np.ndarray:
    """``n`` ids ``<prefix>00001``, ``<prefix>00002``... (``width`` digits)."""
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def assign_segments(rng: np.random.Generator, n: int, shares: dict[str, float]) -> np.ndarray:
    """Planted segment of each of ``n`` customers: exact shares, in random order."""
    names = list(shares)
    counts = np.floor(np.array([shares[s] for s in names]) * n).astype(int)
    counts[0] += n - counts.sum()
    labels = np.repeat(np.array(names, dtype=object), counts)
    return labels[rng.permutation(n)]


def random_times(rng: np.random.Generator, n: int, start: pd.Timestamp, end: pd.Timestamp):
    """``n`` random moments between ``start`` and the end of day ``end``, whole seconds, at
    opening hours (08:00-21:59)."""
    days = rng.integers(0, (end - start).days + 1, size=n)
    seconds = rng.integers(8 * 3600, 22 * 3600, size=n)
    return start + pd.to_timedelta(days, unit="D") + pd.to_timedelta(seconds, unit="s")


def stamp(times: pd.Series | pd.DatetimeIndex, fmt: str = "%Y-%m-%d %H:%M:%S") -> np.ndarray:
    """Moments as text in ``fmt``."""
    return np.asarray(pd.DatetimeIndex(times).strftime(fmt), dtype=object)


def draw_events(
    rng: np.random.Generator,
    customers: np.ndarray,
    counts: np.ndarray,
    window: tuple[pd.Timestamp, pd.Timestamp] | np.ndarray = PERIOD,
    **columns: Any,
) -> pd.DataFrame:
    """``counts[i]`` events of customer ``customers[i]`` at random moments of ``window`` (one
    period for all, or an ``(n, 2)`` array of per-customer first and last days); ``columns``
    are constants or per-event arrays."""
    counts = np.asarray(counts, dtype=int)
    owner = np.repeat(np.arange(len(customers)), counts)
    if isinstance(window, tuple):
        ts = random_times(rng, len(owner), *window)
    else:
        lo = np.asarray(window[:, 0], dtype="datetime64[D]")[owner]
        span = (
            np.asarray(window[:, 1], dtype="datetime64[D]")
            - np.asarray(window[:, 0], dtype="datetime64[D]")
        ).astype(int)[owner]
        days = np.floor(rng.random(len(owner)) * (span + 1)).astype(int)
        seconds = rng.integers(8 * 3600, 22 * 3600, size=len(owner))
        ts = pd.DatetimeIndex(lo + days.astype("timedelta64[D]")) + pd.to_timedelta(
            seconds, unit="s"
        )
    frame = pd.DataFrame({"ts": ts, "customer_id": customers[owner]})
    for name, value in columns.items():
        frame[name] = value
    return frame


def draw_amounts(rng: np.random.Generator, means: np.ndarray, sigma: float = 0.35) -> np.ndarray:
    """Log-normal amounts with the given means, rounded to cents."""
    means = np.asarray(means, dtype=float)
    raw = rng.lognormal(np.log(means) - sigma**2 / 2, sigma)
    return np.round(raw, 2)


def draw_orders(
    rng: np.random.Generator, ids: np.ndarray, seg: np.ndarray, spec: dict[str, dict[str, Any]]
) -> pd.DataFrame:
    """Order moments (``ts``, ``customer_id``) of each customer from its segment's ``spec``.

    Per segment: ``orders`` (mean number of orders, at least one), ``first`` (the window of the
    first order), ``active`` (the window of the others) and ``recent`` (one order falls in the
    last 150 days of the period).
    """
    n = len(ids)
    orders = 1 + rng.poisson(per_segment(seg, spec, "orders") - 1)
    recent = per_segment(seg, spec, "recent").astype(bool)
    first_w = np.array([spec[s]["first"] for s in seg], dtype="datetime64[D]")
    active_w = np.array([spec[s]["active"] for s in seg], dtype="datetime64[D]")
    late_w = np.tile(np.array(LATE, dtype="datetime64[D]"), (int(recent.sum()), 1))
    parts = [
        draw_events(rng, ids, np.ones(n, int), first_w),
        draw_events(rng, ids[recent], np.ones(int(recent.sum()), int), late_w),
        draw_events(rng, ids, np.maximum(orders - 1 - recent, 0), active_w),
    ]
    return pd.concat(parts, ignore_index=True)


def per_segment(labels: np.ndarray, spec: dict[str, dict[str, Any]], key: str) -> np.ndarray:
    """Each label's segment value of ``key``."""
    return np.array([spec[s][key] for s in labels])


def finish_events(frame: pd.DataFrame, columns: list[str], fmt: str = "%Y-%m-%d %H:%M:%S"):
    """Sorted by time (ties by customer), with the timestamp as text in ``fmt``."""
    frame = frame.sort_values(["ts", "customer_id"], kind="stable").reset_index(drop=True)
    frame["timestamp"] = stamp(frame["ts"], fmt)
    return frame[columns]


_MONTHS = (PERIOD[1] - PERIOD[0]).days / 30.44


def draw_activity(
    rng: np.random.Generator,
    ids: np.ndarray,
    seg: np.ndarray,
    spec: dict[str, dict[str, Any]],
    spread: float = 0.3,
) -> pd.DataFrame:
    """Touchpoints and purchases of each customer over the whole period, from its segment.

    Per segment: ``rates`` (channel -> touchpoints a month that are not purchases), ``kinds``
    (optional, channel -> {event: probability}; default all ``view``), ``buys`` (channel ->
    purchases a month) and ``basket`` (mean purchase amount). Each customer's own activity
    level multiplies every rate (log-normal, ``spread``). Returns ``ts``, ``customer_id``,
    ``channel``, ``event`` and ``revenue`` (NaN except on purchases).
    """
    level = rng.lognormal(-(spread**2) / 2, spread, size=len(ids))
    channels = sorted({c for v in spec.values() for c in (*v["rates"], *v.get("buys", {}))})
    frames = []
    for ch in channels:
        for kind in ("touch", "buy"):
            key = "rates" if kind == "touch" else "buys"
            rate = np.array([spec[s].get(key, {}).get(ch, 0.0) for s in seg])
            counts = rng.poisson(rate * level * _MONTHS)
            if not counts.sum():
                continue
            ev = draw_events(rng, ids, counts, channel=ch)
            if kind == "buy":
                owner = pd.Index(ids).get_indexer(ev["customer_id"])
                ev["event"] = "purchase"
                ev["revenue"] = draw_amounts(rng, per_segment(seg, spec, "basket")[owner])
            else:
                owner = pd.Index(ids).get_indexer(ev["customer_id"])
                events = np.full(len(ev), "view", dtype=object)
                for s_name, v in spec.items():
                    kinds = v.get("kinds", {}).get(ch)
                    rows = seg[owner] == s_name
                    if kinds and rows.any():
                        events[rows] = rng.choice(
                            list(kinds), size=int(rows.sum()), p=list(kinds.values())
                        )
                ev["event"] = events
                ev["revenue"] = np.nan
            frames.append(ev)
    return pd.concat(frames, ignore_index=True)


def draw_ages(rng: np.random.Generator, seg: np.ndarray, spec: dict[str, dict[str, Any]]):
    """Whole ages from each segment's ``age`` (mean, standard deviation), within 18-90."""
    mean = per_segment(seg, spec, "age")
    ages = rng.normal([m for m, _ in mean], [sd for _, sd in mean])
    return np.clip(np.round(ages), 18, 90).astype(int)


def segments_frame(spec: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """``segment`` and ``description`` of every planted segment (``truth/segments.csv``)."""
    return pd.DataFrame(
        {"segment": list(spec), "description": [v["description"] for v in spec.values()]}
    )


def truth_readme(name: str, extra: str = "") -> str:
    """``truth/README.txt`` of a scenario; ``extra`` lists its other truth columns."""
    return (
        f"Planted truth of the omniseg scenario '{name}' (omniseg.demo.scenarios). For tests only: "
        "the pipeline never reads it.\n\n"
        "customers.csv  customer_id, segment (the planted segment of every CRM customer)"
        f"{extra}\n"
        "segments.csv   segment, description (what sets each planted segment apart)\n"
    )


START, END = PERIOD
EARLY = (START, START + pd.Timedelta(days=30))  # first order of long-standing customers
LATE = (END - pd.Timedelta(days=150), END)  # last order of active customers


def build_scenario(
    name: str,
    spec: dict[str, dict[str, Any]],
    params: dict[str, Any],
    tables: dict[str, bytes],
    summary: dict[str, int],
    *,
    truth: pd.DataFrame,
    readme_extra: str = "",
) -> ScenarioData:
    """A scenario's files (its tables, then ``params.yaml``), truth, segments and README."""
    return ScenarioData(
        files={**tables, "params.yaml": params_yaml(params, SCENARIO_TABLE[name]["description"])},
        truth=truth,
        segments=segments_frame(spec),
        readme=truth_readme(name, readme_extra),
        summary=summary,
    )


def truth_frame(ids: np.ndarray, seg: np.ndarray) -> pd.DataFrame:
    """The planted segment of every customer."""
    return pd.DataFrame({"customer_id": ids, "segment": seg})


#: Each scenario's ``description`` and planted ``segments`` (``tables/scenarios.yaml``), in the
#: gallery's order.
SCENARIO_TABLE: dict[str, dict[str, Any]] = load_table("scenarios")
#: Row keys of a segment that hold a tuple, and those that hold a window of two dates.
_TUPLE_KEYS = ("age", "household", "products", "employees")
_WINDOW_KEYS = ("first", "active")


def when(text: str) -> pd.Timestamp:
    """A date of the scenario table: ``"start"``, ``"end"``, ``"start+30d"``, ``"end-120d"`` or
    an ISO date.

    Examples
    --------
    >>> when("start+30d")
    Timestamp('2025-01-31 00:00:00')
    >>> when("2025-08-31") == pd.Timestamp("2025-08-31")
    True
    """
    found = re.fullmatch(r"(start|end)(?:([+-])(\d+)d)?", text)
    if found is None:
        return pd.Timestamp(text)
    base = START if found[1] == "start" else END
    if found[2] is None:
        return base
    days = pd.Timedelta(days=int(found[3]))
    return base + days if found[2] == "+" else base - days


def scenario_segments(name: str) -> dict[str, dict[str, Any]]:
    """The planted segments of scenario ``name``, with tuples and dates as the builders use them.

    Parameters
    ----------
    name : str
        A scenario of :data:`SCENARIO_TABLE`.

    Returns
    -------
    dict
        Segment name -> its row (``description``, ``share`` and the scenario's own keys);
        ``first`` and ``active`` are ``(start, end)`` pairs of :class:`pandas.Timestamp`.
    """
    spec = with_tuples(SCENARIO_TABLE[name]["segments"], _TUPLE_KEYS)
    for row in spec.values():
        for key in _WINDOW_KEYS:
            if key in row:
                row[key] = tuple(when(text) for text in row[key])
    return spec
