"""10k runtime-stream items from a chunk to a consumer, against an anyio memory stream.

tfc: one chunk puts 10,000 items with ``await data.async_put_into_stream(i)`` while a
consumer task iterates ``execution.get_async_runtime_stream(timeout=None)``; the figure
covers the whole execution (create, start, close) and the consumer receiving the last item.
Baseline: a producer task sends the same items into
``anyio.create_memory_object_stream(math.inf)`` and a consumer task receives them until
the stream is closed.

Target (issue 2): a stream item costs at most 3 µs.
"""

from __future__ import annotations

import math
from typing import Any

import anyio
from anyio.abc import ObjectReceiveStream

from tfc import TriggerFlow, TriggerFlowRuntimeData

from ._common import Row, case_main, compare, equal

ITEMS = 10_000
TARGET_US = 3.0


async def produce(data: TriggerFlowRuntimeData[int]) -> None:
    for i in range(data.value):
        await data.async_put_into_stream(i)


def build() -> TriggerFlow[Any]:
    flow: TriggerFlow[Any] = TriggerFlow(name="stream")
    flow.to(produce)
    flow.compile()
    return flow


async def run_tfc_once(flow: TriggerFlow[Any]) -> list[object]:
    execution = flow.create_execution()
    received: list[object] = []

    async def consume() -> None:
        async for item in execution.get_async_runtime_stream(timeout=None):
            received.append(item)

    async with anyio.create_task_group() as tg:
        tg.start_soon(consume)
        await execution.async_start(ITEMS)
    return received


async def run_raw_once() -> list[object]:
    send, receive = anyio.create_memory_object_stream[int](math.inf)
    received: list[object] = []

    async def producer() -> None:
        async with send:
            for i in range(ITEMS):
                await send.send(i)

    async def consumer(stream: ObjectReceiveStream[int]) -> None:
        async with stream:
            async for item in stream:
                received.append(item)

    async with anyio.create_task_group() as tg:
        tg.start_soon(consumer, receive)
        tg.start_soon(producer)
    return received


async def measure(quick: bool) -> list[Row]:
    flow = build()

    async def run_tfc() -> object:
        return await run_tfc_once(flow)

    timing = await compare(run_tfc, run_raw_once, runs=5 if quick else 9, check=equal)
    tfc, raw = timing.per(ITEMS)
    return [Row("stream", f"{ITEMS:,} items", "item", tfc, raw, f"≤ {TARGET_US:g} µs", tfc <= TARGET_US)]


def run(quick: bool, backend: str) -> list[Row]:
    return anyio.run(measure, quick, backend=backend)


if __name__ == "__main__":
    case_main(run, __doc__ or "")
