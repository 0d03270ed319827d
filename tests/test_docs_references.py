"""The README and ``docs/`` name only objects that exist.

Modules move (issue 15 split ten of them into stage subpackages); a doc that still says
``omniseg.drift.PSI_BOUNDS`` sends a developer to nothing. Every ```omniseg.x.y``` code span
in the docs must resolve by import plus attribute access.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
DOTTED = re.compile(r"`(omniseg(?:\.[A-Za-z_][A-Za-z0-9_]*)+)")


def _resolves(name: str) -> bool:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def test_the_reference_scan_catches_a_moved_name():
    assert _resolves("omniseg.segments.drift_stats.PSI_BOUNDS")
    assert not _resolves("omniseg.segments.drift.NO_SUCH_CONSTANT")
    assert not _resolves("omniseg.no_such_module.thing")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_dotted_name_in_the_docs_exists(doc):
    names = sorted(set(DOTTED.findall(doc.read_text(encoding="utf-8"))))
    missing = [name for name in names if not _resolves(name)]
    assert not missing, f"{doc.name} names objects that do not exist: {missing}"
