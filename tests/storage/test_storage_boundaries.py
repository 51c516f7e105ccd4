"""storage's public surface and its one-way dependencies (storage → drift only)."""

from __future__ import annotations

import ast
from pathlib import Path

import storage

STORAGE_DIR = Path(storage.__file__).resolve().parent
FORBIDDEN = ("scraper", "feeds", "syndiwatch")
ORM_NAMES = ("Session", "Base", "Story", "Page", "Snapshot", "Copy", "FindingRow", "Run", "Source")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_storage_imports_no_room_above_it() -> None:
    offenders = {
        f"{path.relative_to(STORAGE_DIR)}: {module}"
        for path in STORAGE_DIR.rglob("*.py")
        for module in _imported_modules(path)
        if module.split(".")[0] in FORBIDDEN
    }
    assert offenders == set()


def test_public_names_resolve_and_hide_the_orm() -> None:
    for name in storage.__all__:
        assert getattr(storage, name) is not None, name
    assert callable(storage.open_store)
    assert not set(ORM_NAMES) & set(storage.__all__)


def test_package_resolves_inside_this_tree() -> None:
    # Old unrelated PyPI packages are also called `storage`; ours must win.
    assert Path(__file__).resolve().parents[2] / "storage" == STORAGE_DIR
    assert (STORAGE_DIR / "migrations" / "versions" / "0001_initial.py").is_file()
