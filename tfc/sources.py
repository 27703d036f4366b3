"""Which ``.py`` files a command looks at: those under the given paths, minus excluded ones.

Shared by `tfc check` (which reads files) and `tfc build --all` (which imports them), so
both skip the same folders and read ``--exclude`` / ``[tool.tfc] exclude`` the same way.
Virtual environments, caches, build output and hidden folders are never entered.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ("SKIP_DIRS", "discover")

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "__pycache__", "node_modules", "build", "dist", ".tfc_cache"}
)
"""Folders never entered (besides every folder whose name starts with a dot)."""


def _matches(rel: str, patterns: Sequence[str]) -> bool:
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(rel, pattern) or rel == pattern or rel.startswith(pattern + "/"):
            return True
    return False


def _excluded(path: Path, bases: tuple[Path, ...], exclude: Sequence[str]) -> bool:
    for base in bases:
        try:
            rel = path.relative_to(base).as_posix()
        except ValueError:
            continue
        if _matches(rel, exclude):
            return True
    return False


def discover(paths: Iterable[str], root: Path, exclude: Sequence[str] = ()) -> list[Path]:
    """Every ``.py`` file under *paths* (files or folders), absolute and sorted, minus those
    matching *exclude*: globs or folders, relative to *root* or to the current directory."""
    bases = (root, Path.cwd())

    def excluded(path: Path) -> bool:
        return bool(exclude) and _excluded(path, bases, exclude)

    found: set[Path] = set()
    for raw in paths:
        start = Path(raw).resolve()
        if start.is_file():
            if not excluded(start):
                found.add(start)
            continue
        for folder, dirs, files in os.walk(start):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".") and not excluded(here / d))
            for name in files:
                if name.endswith(".py") and not excluded(here / name):
                    found.add(here / name)
    return sorted(found)
