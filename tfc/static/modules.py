"""How the resolve pass finds, runs and reads modules: imports, module names, snapshots.

`ModuleLoader` is the part of the resolve pass's interpreter (`resolve._Interpreter`) that
runs a project module the first time it is imported (or takes its names from a snapshot,
see `units.py`), binds what ``import`` statements name, and reads other modules' names,
telling the tracker who read what.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..ir.nodes import Loc
from .syntax import Import, ModuleSummary, Stmt
from .values import External, ModuleVal, Unknown

if TYPE_CHECKING:
    from .units import Tracker

__all__ = ("Finder", "ModuleLoader")

Finder = Callable[[str], "ModuleSummary | None"]
"""Reads a project module that is not among the checked files (for imports), or None."""


class _Return(Exception):
    def __init__(self, value: object) -> None:
        self.value = value


@dataclass(eq=False)
class _Scope:
    vars: dict[str, object]
    module: str
    parent: _Scope | None = None
    is_function: bool = False


class ModuleLoader:
    """Loading and reading modules, for `resolve._Interpreter` (which sets these attributes)."""

    summaries: dict[str, ModuleSummary]
    find: Finder | None
    missing: set[str]
    globals: dict[str, dict[str, object]]
    stars: dict[str, list[str]]
    loading: set[str]
    stack: list[int]
    dynamic: tuple[str, Loc] | None
    sandbox: int
    tracker: Tracker | None
    units: list[str]

    def exec_block(self, body: tuple[Stmt, ...], scope: _Scope) -> None:
        raise NotImplementedError

    def read(self, module: str, env: dict[str, object], key: str) -> object:
        """*key* of *module*'s names, as read by the running unit."""
        value = env[key]
        if self.tracker is not None:
            unit = self.units[-1] if self.units else module
            if unit != module:
                value = self.tracker.read(unit, module, key, value)
        return value

    def env_of(self, module: str) -> dict[str, object] | None:
        """*module*'s names, reading it now if an earlier run knew it (facts' lookups)."""
        env = self.globals.get(module)
        if env is None and self.tracker is not None and self.tracker.is_module(module):
            env = self.load(module)
        return env

    def load(self, name: str) -> dict[str, object]:
        found = self.globals.get(name)
        if found is not None:
            if name in self.loading and self.tracker is not None:
                self.tracker.flag(f"import cycle through {name}")
            return found
        if self.tracker is not None:
            snapshot = self.tracker.snapshot(name)
            if snapshot is not None:
                self.globals[name] = snapshot
                return snapshot
            if self.stack:
                self.tracker.flag(f"{name} is first imported inside a function")
        env: dict[str, object] = {"__name__": name}
        self.globals[name] = env
        summary = self.summaries.get(name) if self.has_module(name) else None
        if summary is None or summary.syntax_error is not None:
            return env
        parent = name.rpartition(".")[0]
        if parent and self.has_module(parent):
            self.load(parent)
        self.loading.add(name)
        self.units.append(name)
        saved = self.dynamic, self.sandbox
        self.dynamic, self.sandbox = None, 0
        try:
            self.exec_block(summary.body, _Scope(env, name))
        except _Return:
            pass
        finally:
            self.dynamic, self.sandbox = saved
            self.loading.discard(name)
            self.units.pop()
        if parent and parent in self.globals:
            self.globals[parent].setdefault(name.rpartition(".")[2], ModuleVal(name))
        return env

    def has_module(self, name: str) -> bool:
        if name == "tfc" or name.startswith("tfc."):
            return False  # tfc itself is the library, never part of the checked project
        if name in self.summaries or (self.tracker is not None and self.tracker.is_module(name)):
            return True
        if self.find is None or name in self.missing or not name:
            return False
        found = self.find(name)
        if found is None:
            self.missing.add(name)
            return False
        self.summaries[name] = found
        if self.tracker is not None:
            self.tracker.flag(f"{name} is imported from outside the checked files")
        return True

    def do_import(self, stmt: Import, scope: _Scope) -> None:
        if stmt.name is None:
            if self.has_module(stmt.module) or self.has_submodule(stmt.module):
                self.load_chain(stmt.module)
                scope.vars[stmt.bind] = ModuleVal(stmt.module)
            else:
                scope.vars[stmt.bind] = External(stmt.module)
            return
        if stmt.name == "*":
            if self.has_module(stmt.module):
                env = self.load(stmt.module)
                if self.tracker is not None:
                    self.tracker.flag(f"star import of project module {stmt.module}")
                scope.vars.update({k: self.read(stmt.module, env, k) for k in list(env) if not k.startswith("_")})
            else:
                self.stars.setdefault(scope.module, []).append(stmt.module)
            return
        full = f"{stmt.module}.{stmt.name}" if stmt.module else stmt.name
        if self.has_module(full):
            self.load(full)
            scope.vars[stmt.bind] = ModuleVal(full)
        elif self.has_module(stmt.module):
            env = self.load(stmt.module)
            if stmt.name in env:
                scope.vars[stmt.bind] = self.read(stmt.module, env, stmt.name)
            else:
                scope.vars[stmt.bind] = Unknown("unresolved", full, stmt.loc)
        else:
            scope.vars[stmt.bind] = External(full)

    def has_submodule(self, name: str) -> bool:
        """Whether a project module below *name* is known (so ``import name`` is a namespace)."""
        found = any(m.startswith(name + ".") for m in self.summaries)
        if self.tracker is not None and (found or self.tracker.has_submodule(name)):
            self.tracker.flag(f"import of namespace package {name}")
        return found

    def load_chain(self, dotted: str) -> None:
        parts = dotted.split(".")
        for i in range(1, len(parts) + 1):
            name = ".".join(parts[:i])
            if self.has_module(name):
                self.load(name)
