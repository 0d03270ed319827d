"""docs/architecture.md names every module of every stage: the map cannot go stale."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "omniseg"
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
STAGES = sorted(
    p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists() and not p.name.startswith("_")
)


def _table_row(where: str) -> str:
    rows = [line for line in DOC.splitlines() if line.startswith("|") and f"`{where}`" in line]
    assert rows, f"docs/architecture.md has no row for {where}"
    return rows[0]


def _not_named(row: str, folder: Path) -> list[str]:
    """The modules of ``folder`` the table row does not name (as ```name```)."""
    modules = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    return [m for m in modules if f"`{m}`" not in row]


def test_the_stages_are_the_subpackages():
    assert STAGES == [
        "channels",
        "config",
        "demo",
        "features",
        "identity",
        "ingest",
        "report",
        "segments",
        "summary",
        "voice",
    ]


@pytest.mark.parametrize("stage", STAGES)
def test_every_module_of_a_stage_is_named_in_its_row(stage):
    missing = _not_named(_table_row(f"omniseg/{stage}/"), PACKAGE / stage)
    assert not missing, f"docs/architecture.md, row omniseg/{stage}/, does not name {missing}"


def test_every_top_level_module_is_named():
    missing = _not_named(_table_row("omniseg/*.py"), PACKAGE)
    assert not missing, f"docs/architecture.md's shared row does not name {missing}"


def test_the_check_catches_a_module_left_out():
    row = _table_row("omniseg/identity/").replace("`diagnostics`", "diagnostics")
    assert _not_named(row, PACKAGE / "identity") == ["diagnostics"]
