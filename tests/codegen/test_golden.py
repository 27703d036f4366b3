"""Generated runner sources are committed; a test fails when one is stale.

Regenerate with ``pytest tests/codegen --update-golden``. Each golden runner is also
imported from its file and run against the engine.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tfc.codegen import build_runner

from .harness import on_engine, on_runner

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"

CASES = {
    "research_report": ("examples.research_report.flow", "flow", "  tfc  "),
    "sub_flow_report": ("examples.sub_flow_report.flow", "flow", {"topic": "tfc", "sections": ["design", "runtime"]}),
    "batch": ("tests.codegen.flows", "batch", 2),
    "for_each_nested": ("tests.codegen.flows", "for_each_nested", [[1, 2], [3]]),
    "if_elif_else": ("tests.codegen.flows", "if_elif_else", [1, 3, 7, 4]),
    "match_all": ("tests.codegen.flows", "match_all", [1, 2, 7]),
    "when_chunk": ("tests.codegen.flows", "when_chunk", 5),
    "when_join": ("tests.codegen.flows", "when_join", 1),
    "forks": ("tests.codegen.flows", "forks", 3),
    "collect": ("tests.codegen.flows", "collect", 4),
    "sub_flow": ("tests.codegen.flows", "sub_flow", 5),
}


def _flow(module: str, attr: str) -> Any:
    return getattr(importlib.import_module(module), attr)


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"golden_{path.stem.replace('.', '_')}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_runner_is_up_to_date(name: str, request: pytest.FixtureRequest) -> None:
    module, attr, _ = CASES[name]
    source = build_runner(_flow(module, attr), module, attr, root=str(ROOT)).source
    path = GOLDEN / f"{name}.run.py"
    if request.config.getoption("--update-golden"):
        path.write_text(source)
    assert path.exists(), f"no golden runner {path.name}; run pytest tests/codegen --update-golden"
    assert path.read_text() == source, f"{path.name} is stale; run pytest tests/codegen --update-golden"


@pytest.mark.anyio
@pytest.mark.parametrize("name", sorted(CASES))
async def test_golden_runner_runs_like_the_engine(name: str) -> None:
    module, attr, value = CASES[name]
    runner = _load(GOLDEN / f"{name}.run.py")
    assert await on_runner(runner, value) == await on_engine(_flow(module, attr), value)


def test_golden_files_are_all_known() -> None:
    assert sorted(p.name.removesuffix(".run.py") for p in GOLDEN.glob("*.run.py")) == sorted(CASES)

