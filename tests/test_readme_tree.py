"""The README's "Where things are" table matches the tree (issue 16).

Every folder or file the table names exists, and every top-level folder of the repository
and every package of `ta_manager` is named, so a newcomer who reads the table finds
everything, and a renamed or new folder cannot land without its row.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
# Folders of the clone that hold no project code: build output; hidden folders are tool
# caches, the virtual environment and git's, except CI's.
NOT_PROJECT = {"build", "dist", "__pycache__"}


def _project_folder(path: Path) -> bool:
    hidden = path.name.startswith(".") and path.name != ".ci"
    return not hidden and path.name not in NOT_PROJECT and not path.name.endswith(".egg-info")


def _rows() -> list[tuple[list[str], list[str]]]:
    """(paths the first column names, names the second column gives) per table row."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("folder", "---"):
            continue
        rows.append((re.findall(r"`([^`]+)`", cells[0]), re.findall(r"`([^`]+)`", cells[1])))
    return rows


def _resolve(names: list[str]) -> list[Path]:
    """The first name is relative to the repository; a later one to the repository when it
    exists there, else to the first one's parent (`ta_manager/needs/`, `projects/`)."""
    first = ROOT / names[0]
    return [first] + [ROOT / n if (ROOT / n).exists() else first.parent / n for n in names[1:]]


def _named() -> set[Path]:
    return {p.resolve() for names, _ in _rows() for p in _resolve(names)}


def test_every_path_the_table_names_exists() -> None:
    missing = []
    for names, held in _rows():
        folders = _resolve(names)
        missing += [str(p.relative_to(ROOT)) for p in folders if not p.exists()]
        for name in held:
            if not re.fullmatch(r"[\w.-]+(/[\w.-]+)*/?", name) or not (
                name.endswith("/") or name.endswith(".py")
            ):
                continue  # a command, route or value, not a path
            bases = [f if f.is_dir() else f.parent for f in folders] + [ROOT]
            if not any((b / name).exists() or list(b.glob(f"*/{name}")) for b in bases):
                missing.append(f"{name} (row {names[0]})")
    assert not missing, f"README 'Where things are' names what the tree lacks: {missing}"


def test_every_folder_and_package_has_a_row() -> None:
    named = _named()
    top = [p for p in ROOT.iterdir() if p.is_dir() and _project_folder(p)]
    packages = [
        p for p in (ROOT / "ta_manager").iterdir() if p.is_dir() and not p.name.startswith("__")
    ]
    unnamed = sorted(
        str(p.relative_to(ROOT))
        for p in top + packages
        if not any(n == p.resolve() or p.resolve() in n.parents for n in named)
    )
    assert not unnamed, f"README 'Where things are' has no row for: {unnamed}"


def test_the_check_notices_a_missing_folder() -> None:
    """The resolution the tests rely on tells an absent folder from a present one."""
    assert not _resolve(["ta_manager/", "no_such_concept/"])[1].exists()
    assert _resolve(["ta_manager/needs/", "projects/"])[1] == ROOT / "ta_manager" / "projects"
