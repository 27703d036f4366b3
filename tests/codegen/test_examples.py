"""Every example flow runs the same through the engine and through its generated runner."""

from __future__ import annotations

import asyncio
import importlib
import runpy
from pathlib import Path
from typing import Any

import anyio
import pytest

from tfc import TriggerFlow
from tfc.codegen import find_flows, load_runner

from .harness import on_engine, on_runner

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

INPUTS = {
    "research_report": "  tfc  ",
    "seed_playbook": "Agently TriggerFlow",
    "sub_flow_report": {"topic": "tfc", "sections": ["design", "runtime"]},
    "document_review": {"title": "NDA", "body": "Both parties keep quiet."},
}
ASYNCIO_ONLY = {"seed_playbook"}
"""Examples whose chunks call asyncio directly (the seed sleeps with asyncio.sleep)."""
PAUSES = {"document_review"}
"""Examples that pause for an outside resume: no run to compare (tests/interrupts runs them)."""


def _example_dirs() -> list[str]:
    return sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir() and (p / "__main__.py").exists())


def _flows(name: str) -> list[TriggerFlow[Any]]:
    """The flows of example *name*: module-level flows of its modules, or of its __main__."""
    found: list[TriggerFlow[Any]] = []
    for file in sorted((EXAMPLES / name).glob("*.py")):
        if file.name == "__main__.py":
            continue
        module = importlib.import_module(f"examples.{name}.{file.stem}")
        found += [flow for _, flow in find_flows(module)]
    if not found:
        # A script-style example (the seed) runs itself on import: load it without running.
        mp = pytest.MonkeyPatch()
        mp.setattr(asyncio, "run", lambda coro: coro.close())
        try:
            namespace = runpy.run_path(str(EXAMPLES / name / "__main__.py"), run_name=f"example_{name}")
        finally:
            mp.undo()
        found = [v for k, v in namespace.items() if isinstance(v, TriggerFlow) and not k.startswith("_")]
    return found


def test_every_example_has_an_input() -> None:
    assert _example_dirs() == sorted(INPUTS)


async def _compare(name: str) -> None:
    flows = _flows(name)
    assert flows
    for flow in flows:
        engine = await on_engine(flow, INPUTS[name])
        generated = await on_runner(load_runner(flow), INPUTS[name])
        assert engine.error is None and engine.stream
        assert generated == engine


@pytest.mark.anyio
@pytest.mark.parametrize("name", sorted(set(INPUTS) - ASYNCIO_ONLY - PAUSES))
async def test_example_runs_the_same_on_its_runner(name: str) -> None:
    await _compare(name)


@pytest.mark.parametrize("name", sorted(ASYNCIO_ONLY))
def test_asyncio_example_runs_the_same_on_its_runner(name: str) -> None:
    anyio.run(_compare, name, backend="asyncio")
