"""Small helpers shared by the sub-flow tests."""

from __future__ import annotations

import sys
from typing import Any

import anyio

from tfc import TriggerFlow, TriggerFlowExecution, TriggerFlowRuntimeData

DEADLINE = 5.0
"""Guards against a hanging test; never reached when the engine is right."""


def next_line() -> int:
    """The line number after the caller's line: where the builder call under test stands."""
    return sys._getframe(1).f_lineno + 1


async def start(flow: TriggerFlow[Any], value: object = None, **options: Any) -> TriggerFlowExecution:
    """Start *flow* in a manual-close execution and return it (still open)."""
    with anyio.fail_after(DEADLINE):
        execution = flow.create_execution(auto_close=False, **options)
        await execution.async_start(value)
        return execution


async def run(flow: TriggerFlow[Any], value: object = None, **options: Any) -> dict[str, Any]:
    """Run *flow* in a manual-close execution, close it, return the close snapshot."""
    execution = await start(flow, value, **options)
    with anyio.fail_after(DEADLINE):
        return await execution.async_close()


async def run_streamed(flow: TriggerFlow[Any], value: object = None, **options: Any) -> tuple[dict[str, Any], list[object]]:
    """Run *flow* with a consumer attached before the start: ``(close snapshot, stream items)``."""
    execution = flow.create_execution(**options)
    items: list[object] = []
    with anyio.fail_after(DEADLINE):
        async with anyio.create_task_group() as tg:

            async def consume() -> None:
                items.extend([item async for item in execution.get_async_runtime_stream(timeout=None)])

            tg.start_soon(consume)
            snapshot = await execution.async_start(value)
    assert isinstance(snapshot, dict)
    return snapshot, items


def seen_by(child: TriggerFlow[Any], log: list[dict[str, Any]]) -> None:
    """Wire *child* as one chunk that records what it sees (value, state, resources) and
    returns its input."""

    async def look(data: TriggerFlowRuntimeData[Any]) -> Any:
        log.append({"value": data.value, "state": data.state.to_dict(), "resources": dict(data.resources)})
        return data.value

    child.to(look)


class Gate:
    """Named anyio events, made on first use: ``await gate.wait("a")``, ``gate.set("a")``."""

    def __init__(self) -> None:
        self._events: dict[str, anyio.Event] = {}

    def event(self, name: str) -> anyio.Event:
        event = self._events.get(name)
        if event is None:
            event = self._events[name] = anyio.Event()
        return event

    def set(self, name: str) -> None:
        self.event(name).set()

    async def wait(self, name: str) -> None:
        with anyio.fail_after(DEADLINE):
            await self.event(name).wait()
