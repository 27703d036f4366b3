"""Every example flow runs the same through the engine and through its generated runner."""

from __future__ import annotations

import asyncio
import importlib
import json
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
"""Examples that pause for an outside resume: compared through `create_execution`, with a
save / JSON / load before each resume (`test_pausing_example_resumes_the_same_on_its_runner`)."""
RESUME = {"document_review": {"approved": True, "by": "legal@example.com"}}
"""The payload each pausing example is resumed with."""


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


async def _drive(make: Any, value: object, payload: object) -> tuple[list[object], dict[str, Any], str]:
    """Start, then save -> JSON -> load and resume until nothing waits; close."""
    with anyio.fail_after(10):
        execution = make()
        await execution.async_start(value)
        while execution.get_pending_interrupts():
            execution = make().load(json.loads(json.dumps(execution.save())))
            await execution.async_continue_with(sorted(execution.get_pending_interrupts())[0], payload)
        snapshot = await execution.async_close()
        items = [_shape(item) for item in execution.stream.items]
        return items, snapshot, execution.status


def _shape(item: object) -> object:
    """Interrupt notices without their random ids and times."""
    if isinstance(item, dict) and item.get("type") == "interrupt":
        return (item["action"], item["interrupt"]["type"], item["interrupt"]["status"])
    return item


@pytest.mark.anyio
@pytest.mark.parametrize("name", sorted(PAUSES))
async def test_pausing_example_resumes_the_same_on_its_runner(name: str) -> None:
    for flow in _flows(name):
        runner = load_runner(flow)
        engine = await _drive(lambda: flow.create_execution(auto_close=False), INPUTS[name], RESUME[name])
        generated = await _drive(lambda: runner.create_execution(auto_close=False), INPUTS[name], RESUME[name])
        assert engine[2] == "completed" and engine[0]
        assert generated == engine

