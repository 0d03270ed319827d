"""The demo's literal tables, kept as YAML data files in ``omniseg/demo/tables/``.

The planted segments, the survey items, the interview phrase banks and the scenario tables are
data, not code: they live in ``tables/*.yaml`` (shipped in the wheel with the package) and the
generators read them here. YAML has lists only; :func:`with_tuples` gives back the tuples the
generators' code was written with, so the generated files do not depend on where a table lives.

Examples
--------
>>> sorted(load_table("people"))
['first_names', 'surnames']
>>> with_tuples({"a": {"age": [30, 5], "share": 0.5}}, ["age"])
{'a': {'age': (30, 5), 'share': 0.5}}
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

# building blocks of this stage's other modules, imported by name; nothing here is public
__all__ = []

#: Folder of the tables (``omniseg/demo/tables``).
TABLES_DIR = Path(__file__).with_name("tables")


def load_table(name: str) -> Any:
    """The content of ``tables/<name>.yaml``.

    Parameters
    ----------
    name : str
        The file's name without ``.yaml`` (``"segments"``, ``"survey"``, ``"interviews"``,
        ``"people"``, ``"scenarios"``).

    Returns
    -------
    object
        The parsed YAML (mappings keep the file's order).
    """
    with open(TABLES_DIR / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def with_tuples(table: dict[str, dict[str, Any]], keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``table`` (name -> row) with the values of ``keys`` in every row turned into tuples.

    Parameters
    ----------
    table : dict
        Rows by name, as read by :func:`load_table`.
    keys : iterable of str
        The row keys that hold a tuple (``age``, ``consent``...); missing keys are skipped.

    Returns
    -------
    dict
        A new table; ``table`` is not modified.
    """
    keys = list(keys)
    return {
        name: {k: tuple(v) if k in keys else v for k, v in row.items()}
        for name, row in table.items()
    }
