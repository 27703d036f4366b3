"""The public API: every public module declares a tuple ``__all__`` that matches what it
defines, ``import tfc`` stays light (no libcst, no mypy; its names load on first use), and
the lazily loaded names are the very objects their modules define.

A module is public when no part of its dotted name starts with an underscore. Its ``__all__``
must name only attributes that exist, without repeats, and must list every public class and
function the module itself defines (TypeVars are typing plumbing and need not be listed).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pickle
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


# -- the package loads its names on first use (PEP 562) ----------------------------------


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return set(json.loads(done.stdout))


def test_import_tfc_loads_no_submodule() -> None:
    loaded = loaded_after("import tfc\nassert tfc.__version__")
    assert sorted(m for m in loaded if m.startswith("tfc.") or m.split(".")[0] == "anyio") == []


def test_attribute_use_loads_the_defining_module() -> None:
    loaded = loaded_after("import tfc\ntfc.TfcError")
    assert "tfc.errors" in loaded and "tfc.runtime.execution" not in loaded
    loaded = loaded_after("import tfc\ntfc.TriggerFlowExecution")
    assert {"tfc.runtime.execution", "anyio"} <= loaded


def test_star_import_binds_every_public_name() -> None:
    namespace: dict[str, object] = {}
    exec("from tfc import *", namespace)
    assert sorted(n for n in namespace if n != "__builtins__") == sorted(tfc.__all__)


@pytest.mark.parametrize("name", tfc.__all__)
def test_each_name_is_the_object_its_module_defines(name: str) -> None:
    value = getattr(tfc, name)
    home = importlib.import_module(tfc._HOMES[name])
    assert value is getattr(home, name)
    assert getattr(value, "__module__", home.__name__).startswith("tfc.")
    assert pickle.loads(pickle.dumps(value)) is value
    assert name in dir(tfc)


def test_the_lazy_table_matches_what_checkers_see() -> None:
    """The ``if TYPE_CHECKING:`` re-exports and `_HOMES` name the same objects."""
    source = inspect.getsource(tfc)
    typed: dict[str, str] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom) and stmt.level == 1 and stmt.module
                for alias in stmt.names:
                    assert alias.asname == alias.name, "re-export as `X as X`"
                    typed[alias.name] = f"tfc.{stmt.module}"
    assert typed == tfc._HOMES
    assert sorted(typed) == sorted(tfc.__all__)


def test_errors_keep_their_identity_and_pickle() -> None:
    from tfc.errors import TfcError

    assert tfc.TfcError is TfcError
    assert issubclass(tfc.FlowDefinitionError, tfc.TfcError)
    error = pickle.loads(pickle.dumps(tfc.TfcError("boom")))
    assert type(error) is TfcError and error.args == ("boom",)
    with pytest.raises(tfc.TfcError):
        raise TfcError("caught through the package name")


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'tfc' has no attribute 'TriggerFlw'"):
        getattr(tfc, "TriggerFlw")
    assert not hasattr(tfc, "__wrapped__")
    with pytest.raises(ImportError):
        exec("from tfc import TriggerFlw", {})


def test_version() -> None:
    assert isinstance(tfc.__version__, str) and tfc.__version__.count(".") == 2
