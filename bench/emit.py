"""1000 emits ping-ponged between two `when` handlers, against a dict of handlers.

Awaited emits are inline (SEMANTICS §1): ``await data.async_emit("PONG", v)`` returns after
the PONG handler, which emits PING, which emits PONG... has finished, so a rally of N
emits is N nested awaits, on both sides. Python's default recursion limit (1000 frames)
bounds how deep that can go, for the raw baseline too, so the 1000 emits are played as 10
rallies of 100, started one after the other by the first chunk.

The baseline is the smallest honest event dispatch: ``handlers[name]`` is a list of
coroutine functions and ``emit`` awaits each in turn with the value.

A second pair of rows plays 1000 emits with ``data.emit(...)`` (not awaited: each emit
runs as tracked work of the execution, a new task) against a task group where each
handler ``start_soon``s the next.

Target (issue 2): an emit costs at most 5 µs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import anyio
from anyio.abc import TaskGroup

from tfc import TriggerFlow, TriggerFlowRuntimeData

from ._common import Row, case_main, compare, equal

RALLIES = 10
RALLY = 100
"""Emits per rally: PING 0 from the first chunk, then 99 more between the handlers."""
EMITS = RALLIES * RALLY
TARGET_US = 5.0


def build_inline() -> tuple[TriggerFlow[Any], list[int]]:
    flow: TriggerFlow[Any] = TriggerFlow(name="emit_inline")
    ends: list[int] = []

    async def serve(data: TriggerFlowRuntimeData[None]) -> None:
        for _ in range(RALLIES):
            await data.async_emit("PING", 0)

    async def ping(data: TriggerFlowRuntimeData[int]) -> None:
        if data.value < RALLY - 1:
            await data.async_emit("PONG", data.value + 1)
        else:
            ends.append(data.value)

    async def pong(data: TriggerFlowRuntimeData[int]) -> None:
        if data.value < RALLY - 1:
            await data.async_emit("PING", data.value + 1)
        else:
            ends.append(data.value)

    flow.to(serve)
    flow.when("PING").to(ping)
    flow.when("PONG").to(pong)
    flow.compile()
    return flow, ends


def build_raw_inline(ends: list[int]) -> Callable[[], Awaitable[None]]:
    handlers: dict[str, list[Callable[[int], Awaitable[None]]]] = {}

    async def emit(name: str, value: int) -> None:
        for handler in handlers[name]:
            await handler(value)

    async def ping(value: int) -> None:
        if value < RALLY - 1:
            await emit("PONG", value + 1)
        else:
            ends.append(value)

    async def pong(value: int) -> None:
        if value < RALLY - 1:
            await emit("PING", value + 1)
        else:
            ends.append(value)

    handlers["PING"] = [ping]
    handlers["PONG"] = [pong]

    async def serve() -> None:
        for _ in range(RALLIES):
            await emit("PING", 0)

    return serve


def build_nowait() -> tuple[TriggerFlow[Any], list[int]]:
    flow: TriggerFlow[Any] = TriggerFlow(name="emit_nowait")
    ends: list[int] = []

    async def serve(data: TriggerFlowRuntimeData[None]) -> None:
        data.emit("PING", 1)

    async def ping(data: TriggerFlowRuntimeData[int]) -> None:
        if data.value < EMITS:
            data.emit("PONG", data.value + 1)
        else:
            ends.append(data.value)

    async def pong(data: TriggerFlowRuntimeData[int]) -> None:
        if data.value < EMITS:
            data.emit("PING", data.value + 1)
        else:
            ends.append(data.value)

    flow.to(serve)
    flow.when("PING").to(ping)
    flow.when("PONG").to(pong)
    flow.compile()
    return flow, ends


async def raw_nowait(ends: list[int]) -> None:
    async with anyio.create_task_group() as tg:
        handlers: dict[str, list[Callable[[TaskGroup, int], Coroutine[Any, Any, None]]]] = {}

        def emit(name: str, value: int) -> None:
            for handler in handlers[name]:
                tg.start_soon(handler, tg, value)

        async def ping(tg: TaskGroup, value: int) -> None:
            if value < EMITS:
                emit("PONG", value + 1)
            else:
                ends.append(value)

        async def pong(tg: TaskGroup, value: int) -> None:
            if value < EMITS:
                emit("PING", value + 1)
            else:
                ends.append(value)

        handlers["PING"] = [ping]
        handlers["PONG"] = [pong]
        emit("PING", 1)


async def measure(quick: bool) -> list[Row]:
    runs = 5 if quick else 9
    flow, ends = build_inline()
    raw_ends: list[int] = []
    raw_serve = build_raw_inline(raw_ends)

    async def run_tfc() -> object:
        ends.clear()
        await flow.async_start(None)
        return list(ends)

    async def run_raw() -> object:
        raw_ends.clear()
        await raw_serve()
        return list(raw_ends)

    timing = await compare(run_tfc, run_raw, runs=runs, check=equal)
    tfc, raw = timing.per(EMITS)
    rows = [
        Row(
            "emit",
            f"{EMITS} awaited emits",
            "emit",
            tfc,
            raw,
            f"≤ {TARGET_US:g} µs",
            tfc <= TARGET_US,
            note=f"{RALLIES} rallies of {RALLY} nested `await data.async_emit(...)` (recursion limit, see the docstring)",
        )
    ]
    flow_nw, ends_nw = build_nowait()
    raw_ends_nw: list[int] = []

    async def run_tfc_nowait() -> object:
        ends_nw.clear()
        await flow_nw.async_start(None)
        return list(ends_nw)

    async def run_raw_nowait() -> object:
        raw_ends_nw.clear()
        await raw_nowait(raw_ends_nw)
        return list(raw_ends_nw)

    timing = await compare(run_tfc_nowait, run_raw_nowait, runs=runs, check=equal)
    tfc, raw = timing.per(EMITS)
    rows.append(
        Row(
            "emit",
            f"{EMITS} emits, not awaited",
            "emit",
            tfc,
            raw,
            "- (a task per emit)",
            None,
            note="`data.emit(...)`: each emit is a tracked task, and an anyio task alone costs the baseline's"
            " figure, so the 5 µs target is read on the awaited emits; baseline: `tg.start_soon(handler, value)`",
        )
    )
    return rows


def run(quick: bool, backend: str) -> list[Row]:
    return anyio.run(measure, quick, backend=backend)


if __name__ == "__main__":
    case_main(run, __doc__ or "")
