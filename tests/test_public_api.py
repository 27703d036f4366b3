"""The public API: every public module declares a tuple ``__all__`` that matches what it
defines, and ``import tfc`` stays light (no libcst, no mypy).

A module is public when no part of its dotted name starts with an underscore. Its ``__all__``
must name only attributes that exist, without repeats, and must list every public class and
function the module itself defines (TypeVars are typing plumbing and need not be listed).
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
from types import ModuleType
from typing import TypeVar

import pytest
import typing_extensions

import tfc


def public_modules() -> list[str]:
    names = ["tfc"]
    for info in pkgutil.walk_packages(tfc.__path__, prefix="tfc."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        names.append(info.name)
    return sorted(names)


MODULES = public_modules()


def defined_here(module: ModuleType) -> set[str]:
    """Public classes and functions whose home is *module*."""
    found = set()
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        if isinstance(value, (TypeVar, typing_extensions.TypeVar)):
            continue
        if (inspect.isclass(value) or inspect.isfunction(value)) and value.__module__ == module.__name__:
            found.add(name)
    return found


def test_the_walk_finds_the_engine_modules() -> None:
    for name in ("tfc", "tfc.dsl.flow", "tfc.runtime.execution", "tfc.plan.planner", "tfc.errors"):
        assert name in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_all_is_a_tuple_matching_what_the_module_defines(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    if name.count(".") >= 1 and module.__file__ is not None and module.__file__.endswith("__init__.py"):
        if exported is None and not defined_here(module):
            return  # an empty package marker
    assert isinstance(exported, tuple), f"{name}.__all__ should be a tuple, not {type(exported).__name__}"
    assert len(set(exported)) == len(exported), f"{name}.__all__ repeats a name"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what it does not have: {missing}"
    unlisted = sorted(defined_here(module) - set(exported))
    assert not unlisted, f"{name} defines public names missing from __all__: {unlisted}"


def test_the_package_exports_the_dsl() -> None:
    for name in ("TriggerFlow", "TriggerFlowRuntimeData", "Chunk", "Process", "TfcError", "FlowDefinitionError"):
        assert name in tfc.__all__


def test_import_tfc_imports_neither_libcst_nor_mypy() -> None:
    code = (
        "import json, sys\n"
        "import tfc\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('libcst', 'mypy', 'tfc_mypy'))\n"
        "print(json.dumps(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(done.stdout) == []
