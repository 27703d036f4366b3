"""Small helpers shared by the engine tests."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import Any

import anyio

from tfc import TriggerFlow, TriggerFlowExecution

DEADLINE = 5.0
"""Guards against a hanging test; never reached when the engine is right."""


def next_line() -> int:
    """The line number after the caller's line: where the builder call under test stands."""
    return sys._getframe(1).f_lineno + 1


async def run(flow: TriggerFlow[Any], value: object = None, **options: Any) -> dict[str, Any]:
    """Run *flow* in a manual-close execution, close it, return the close snapshot."""
    with anyio.fail_after(DEADLINE):
        execution = flow.create_execution(auto_close=False, **options)
        await execution.async_start(value)
        return await execution.async_close()


async def start(flow: TriggerFlow[Any], value: object = None, **options: Any) -> TriggerFlowExecution:
    """Start *flow* in a manual-close execution and return it (still open)."""
    with anyio.fail_after(DEADLINE):
        execution = flow.create_execution(auto_close=False, **options)
        await execution.async_start(value)
        return execution


async def drain(stream: AsyncIterator[object]) -> list[object]:
    """Every item an async stream consumer yields."""
    with anyio.fail_after(DEADLINE):
        return [item async for item in stream]


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

    def is_set(self, name: str) -> bool:
        return self.event(name).is_set()

    async def wait(self, name: str) -> None:
        with anyio.fail_after(DEADLINE):
            await self.event(name).wait()
