"""Loading the plugin stays light: mypy pays for it in every process, edits included.

``plugins = ["tfc.mypy"]`` imports ``tfc.mypy``, hence the ``tfc`` package, then
``tfc_mypy`` and what it reads (the diagnostics registry, the path parser). None of that
may pull in the engine, anyio, libcst or the DSL builder.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Packages (and their submodules) that loading the plugin must not import.
_FORBIDDEN = (
    "anyio",
    "sniffio",
    "trio",
    "libcst",
    "tfc.runtime",
    "tfc.plan",
    "tfc.checks",
    "tfc.static",
    "tfc.codegen",
    "tfc.cli",
    "tfc.compile",
    "tfc.dsl.flow",
    "tfc.dsl.process",
    "tfc.dsl.data",
    "tfc.dsl.graph",
)


def loaded_after(code: str) -> list[str]:
    """The modules a fresh interpreter holds after running *code*."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return list(json.loads(done.stdout))


def forbidden(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == f or m.startswith(f + ".") for f in _FORBIDDEN)]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("import tfc.mypy", id="import-tfc.mypy"),
        pytest.param("import tfc_mypy", id="import-tfc_mypy"),
        pytest.param("from tfc.mypy import plugin\nplugin('2.4')", id="plugin-entry-point"),
    ],
)
def test_loading_the_plugin_imports_no_engine(code: str) -> None:
    modules = loaded_after(code)
    assert "tfc_mypy._plugin" in modules  # the probe really loaded the plugin
    assert forbidden(modules) == []


def test_the_probe_sees_the_engine_when_it_is_imported() -> None:
    """The check above can fail: the public API does load what it forbids."""
    modules = loaded_after("from tfc import *")
    assert {"anyio", "tfc.runtime", "tfc.dsl.flow"} <= set(forbidden(modules))


def test_the_entry_point_is_the_plugin_class() -> None:
    from mypy.plugin import Plugin

    from tfc.mypy import plugin
    from tfc_mypy import TfcPlugin

    assert plugin("2.4") is TfcPlugin
    assert issubclass(TfcPlugin, Plugin)
