"""Where omniseg finds the files it ships: report notebooks and the bundled demo data.

In a source checkout (``pip install -e .``) they are the repository's top-level ``notebooks/`` and
``data/demo/``; a wheel carries copies of both under ``omniseg/_bundled/`` (see ``pyproject.toml``),
so ``omniseg report --demo`` works either way.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["TEMPLATES_DIR", "demo_data_dir", "notebooks_dir", "repo_root"]

#: the omniseg package folder (this module lives in omniseg/report/)
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: the templates the report renders with (jinja2: the persona cards; nbconvert: the HTML export)
TEMPLATES_DIR = _PACKAGE_DIR / "report" / "templates"


def repo_root() -> Path | None:
    """The source checkout this package was imported from, or ``None`` for a wheel install."""
    root = _PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir() else None


def _bundled(name: str, repo_relative: str) -> Path:
    root = repo_root()
    if root is not None and (root / repo_relative).is_dir():
        return root / repo_relative
    packaged = _PACKAGE_DIR / "_bundled" / name
    if packaged.is_dir():
        return packaged
    raise FileNotFoundError(
        f"omniseg cannot find its bundled '{repo_relative}' folder (looked in the source checkout "
        f"and in {packaged}). Reinstall omniseg with: pip install omniseg"
    )


def notebooks_dir() -> Path:
    """The folder holding the report notebooks."""
    return _bundled("notebooks", "notebooks")


def demo_data_dir() -> Path:
    """The folder holding the bundled demo dataset (``customers.csv`` and the rest)."""
    return _bundled("demo", "data/demo")
