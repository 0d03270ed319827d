"""Fixtures shared by the test files: the demo pipeline, computed once per test session.

Several files check the planted truth of the bundled demo data on the same pipeline objects
(load -> features -> segmentation). They are built here once and shared: under pytest-xdist each
worker is its own process, so the first worker that needs an object builds it and pickles it into
the run's shared temporary folder (under a file lock); the other workers load that file.

The hook below also starts the run with its longest files (full report runs) so that, under
pytest-xdist (``--dist loadfile --no-loadscope-reorder`` in ``pyproject.toml``), the short files
fill the end of the run instead of a report file starting last and running alone.

Each test module gets its own deep copy (``copy.deepcopy``, a few milliseconds), as it had with
its own module-scoped fixture, so a module mutating an object (``seg.typing_tool = ...``) cannot
change what another module sees.
"""

from __future__ import annotations

import copy
import fcntl
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

__all__: list[str] = []


#: Files that run full reports, longest first (measured on 2 cores): the run starts with them.
_LONGEST_FIRST = (
    "tests/test_scenarios.py",  # seven scenario reports
    "tests/test_report_demo.py",  # the demo report
    "tests/test_report_small.py",  # two small-demo reports
    "tests/test_shapes_inputs.py",  # two reports on real data sets
    "notebooks/04_personas.ipynb",
    "notebooks/05_channel_plan.ipynb",
    "notebooks/03_segments.ipynb",
    "tests/battery/test_battery_runs.py",
    "tests/test_runs.py",
    "tests/test_segment.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Move the items of the files in ``_LONGEST_FIRST`` to the front, in that order (a stable
    sort: the order inside each file, and of all other files, is unchanged)."""
    rank = {path: i for i, path in enumerate(_LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this run sees (the parent of the workers' base temps)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[], Any]) -> Any:
    """``build()``, computed by one process of the run and loaded from its pickle by the others."""
    folder = _shared_dir(tmp_path_factory)
    path = folder / f"omniseg-fixture-{name}.pickle"
    with open(folder / f"omniseg-fixture-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.is_file():
                return pickle.loads(path.read_bytes())
            value = build()
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            tmp.replace(path)
            return value
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _demo_data():
    from omniseg.ingest.io import load_demo

    return load_demo()


def _demo_pipeline(data):
    from omniseg.features.pipeline import customer_features
    from omniseg.segments.segmentation import segment_customers

    features = customer_features(data)
    return data, features, segment_customers(features, random_state=42)


def _demo_events(data):
    from omniseg.identity.resolver import IdentityResolver

    resolver = IdentityResolver().fit(data.customers, data.interactions)
    return data, data.interactions.assign(person_id=resolver.transform(data.interactions))


@pytest.fixture(scope="session")
def _demo_data_once(tmp_path_factory):
    return _once(tmp_path_factory, "demo-data", _demo_data)


@pytest.fixture(scope="session")
def _demo_pipeline_once(tmp_path_factory, _demo_data_once):
    data = copy.deepcopy(_demo_data_once)
    return _once(tmp_path_factory, "demo-pipeline", lambda: _demo_pipeline(data))


@pytest.fixture(scope="session")
def _demo_events_once(tmp_path_factory, _demo_data_once):
    data = copy.deepcopy(_demo_data_once)
    return _once(tmp_path_factory, "demo-events", lambda: _demo_events(data))


@pytest.fixture(scope="module")
def demo_data(_demo_data_once):
    """``load_demo()``, the bundled demo data (a deep copy per test module)."""
    return copy.deepcopy(_demo_data_once)


@pytest.fixture(scope="module")
def demo_pipeline(_demo_pipeline_once):
    """``(data, features, segmentation)`` of the bundled demo: ``load_demo()``, then
    ``customer_features(data)``, then ``segment_customers(features, random_state=42)``
    (a deep copy per test module, as the modules' own fixtures had)."""
    return copy.deepcopy(_demo_pipeline_once)


@pytest.fixture(scope="module")
def demo_events(_demo_events_once):
    """``(data, events)``: ``load_demo()`` and its interactions with the ``person_id`` of an
    ``IdentityResolver`` fitted on the demo CRM and interactions (a deep copy per test module)."""
    return copy.deepcopy(_demo_events_once)


@pytest.fixture(autouse=True)
def _english_display():
    """Each test starts with JupyterLab's display language at its default (a Spanish
    ``Workbench`` sets it for the session)."""
    from omniseg.report.display_options import set_display_language

    set_display_language("en")
    yield
    set_display_language("en")
