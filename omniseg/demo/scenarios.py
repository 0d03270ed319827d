"""A gallery of data shapes: small seeded datasets unlike the demo, each with planted truth.

The bundled demo (:func:`omniseg.demo.generate_demo`) has eight channels, fragmented identities
and segments that differ on channel mix. Real exports rarely look like that. Each scenario here
writes one other shape, small enough for a full report in well under a minute:

* the inputs, laid out as the data contract expects them (``customers.csv``, and
  ``interactions.csv`` unless the shape has none), in the format a real export of that shape
  would have (order lines; a Spanish-locale, Latin-1, ``;``-delimited export ...);
* ``params.yaml``, which ``omniseg report --params FOLDER/params.yaml`` runs as it is (paths are
  relative to it; column renames, currency and language included);
* ``truth/``: ``customers.csv`` (``customer_id``, ``segment``: the planted segment of every
  customer, where segments are planted), ``segments.csv`` (each planted segment and what sets it
  apart) and ``README.txt``. Only tests read it.

The same name and seed always give byte-identical files. :data:`SCENARIOS` lists the names with
a one-line description; ``docs/scenarios.md`` says what each report should show.

The scenarios' descriptions and planted segments are data (``omniseg/demo/tables/scenarios.yaml``);
the builders are in :mod:`omniseg.demo.scenario_builders`, what they share in
:mod:`omniseg.demo.scenario_parts`; this module picks a builder by name and writes its files.

Examples
--------
>>> import tempfile
>>> summary = generate_scenario("single-channel-retail", tempfile.mkdtemp() + "/retail")
>>> summary["customers"]
500
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from omniseg.atomic import replace_dir
from omniseg.demo.scenario_builders import (
    crm_only,
    online_only,
    service_subscriber,
    single_channel_retail,
    small_b2b,
    spanish_export,
    transactions_only,
)
from omniseg.demo.scenario_parts import SCENARIO_TABLE, ScenarioData, csv_bytes
from omniseg.errors import ParameterError

__all__ = ["SCENARIOS", "generate_scenario", "scenario_data"]

#: Scenario name -> what the dataset is (shown by ``omniseg demo --help``; from
#: ``tables/scenarios.yaml``).
SCENARIOS: dict[str, str] = {name: row["description"] for name, row in SCENARIO_TABLE.items()}


_BUILDERS: dict[str, Callable[..., ScenarioData]] = {
    "single-channel-retail": single_channel_retail,
    "online-only": online_only,
    "service-subscriber": service_subscriber,
    "crm-only": crm_only,
    "transactions-only": transactions_only,
    "small-b2b": small_b2b,
    "spanish-export": spanish_export,
}


def _check_name(name: str) -> None:
    if name not in SCENARIOS:
        raise ParameterError(f"Unknown scenario {name!r}. Valid scenarios: {', '.join(SCENARIOS)}.")


def scenario_data(name: str, seed: int = 42) -> ScenarioData:
    """Build one scenario's dataset in memory.

    Parameters
    ----------
    name : str
        A key of :data:`SCENARIOS`.
    seed : int
        Seed; the same name and seed give the same bytes.

    Returns
    -------
    ScenarioData

    Raises
    ------
    omniseg.errors.ParameterError
        If ``name`` is not a scenario (the message lists the valid names).
    """
    _check_name(name)
    # one stream per scenario, so adding a scenario never changes another's data
    key = int.from_bytes(name.encode("utf-8")[:8].ljust(8, b"\0"), "little")
    rng = np.random.default_rng(np.random.SeedSequence([seed, key]))
    return _BUILDERS[name](rng)


def generate_scenario(name: str, out_dir: str | Path, *, seed: int = 42) -> dict[str, Any]:
    """Write one scenario's inputs, ``params.yaml`` and ``truth/`` into ``out_dir``.

    Parameters
    ----------
    name : str
        A key of :data:`SCENARIOS`.
    out_dir : path
        Destination folder; replaced atomically (written next to it, then renamed).
    seed : int
        Seed; the same name and seed give byte-identical files.

    Returns
    -------
    dict
        ``scenario``, ``customers``, rows written per table, ``params`` (the path of the params
        file) and ``path``.

    Raises
    ------
    omniseg.errors.ParameterError
        If ``name`` is not a scenario (the message lists the valid names).
    """
    data = scenario_data(name, seed)
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        for rel, content in data.files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        (tmp / "truth").mkdir()
        (tmp / "truth" / "customers.csv").write_bytes(csv_bytes(data.truth))
        (tmp / "truth" / "segments.csv").write_bytes(csv_bytes(data.segments))
        (tmp / "truth" / "README.txt").write_text(data.readme, encoding="utf-8")
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {
        "scenario": name,
        **data.summary,
        "params": str(out_dir / "params.yaml"),
        "path": str(out_dir),
    }
