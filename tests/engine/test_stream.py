"""The runtime stream of an execution: SEMANTICS §4.3, §7 B2, B8."""

from __future__ import annotations

import warnings
from typing import Any

import anyio
import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData
from tfc.runtime.stream import StreamClosedWarning, StreamTimeoutWarning

from .helpers import DEADLINE, Gate, drain, start

pytestmark = pytest.mark.anyio


def staged_flow() -> TriggerFlow[Any]:
    flow = TriggerFlow()

    async def one(data: TriggerFlowRuntimeData[Any]) -> str:
        await data.async_put_into_stream("one")
        data.put_into_stream({"n": 1})
        return "x"

    async def two(data: TriggerFlowRuntimeData[Any]) -> str:
        await data.async_put("two")
        data.put("three")
        return "y"

    flow.to(one).to(two).end()
    return flow


async def test_items_arrive_in_put_order_and_close_ends_the_stream() -> None:
    execution = staged_flow().create_execution()
    async with anyio.create_task_group() as tg:
        got: list[object] = []

        async def consume() -> None:
            got.extend(await drain(execution.get_async_runtime_stream(timeout=None)))

        tg.start_soon(consume)
        snapshot = await execution.async_start("in")
    assert got == ["one", {"n": 1}, "two", "three"]
    assert snapshot == {"$final_result": "y"}


async def test_a_consumer_attaching_after_close_replays_everything() -> None:
    execution = await start(staged_flow())
    await execution.async_close()
    assert await drain(execution.get_async_runtime_stream()) == ["one", {"n": 1}, "two", "three"]
    assert await drain(execution.get_async_runtime_stream()) == ["one", {"n": 1}, "two", "three"]


async def test_the_stream_consumer_starts_an_unstarted_execution() -> None:
    execution = staged_flow().create_execution()
    items = await drain(execution.get_async_runtime_stream("go", timeout=None))
    assert items == ["one", {"n": 1}, "two", "three"]
    assert execution.is_closed()  # the stream stops as the execution closes
    assert execution.status == "completed"


async def test_a_started_execution_is_not_started_again_by_the_stream() -> None:
    flow = TriggerFlow()
    calls: list[object] = []

    async def chunk(data: TriggerFlowRuntimeData[Any]) -> None:
        calls.append(data.value)
        await data.async_put_into_stream(data.value)

    flow.to(chunk)
    execution = flow.create_execution(auto_close=False)
    await execution.async_start("first")
    consumer = execution.get_async_runtime_stream("second", timeout=None)
    await execution.async_start("third")
    await execution.async_close()
    assert await drain(consumer) == ["first"]
    assert calls == ["first"]


async def test_stop_stream_ends_consumers_and_later_puts_are_dropped_with_a_warning() -> None:
    """B2: a put after stop is dropped with a warning; the execution carries on."""
    flow = TriggerFlow()

    async def chunk(data: TriggerFlowRuntimeData[Any]) -> str:
        await data.async_put_into_stream("kept")
        await data.async_stop_stream()
        await data.async_put_into_stream("dropped")
        data.stop_stream()
        return "still running"

    flow.to(chunk).end()
    execution = flow.create_execution(auto_close=False)
    with pytest.warns(StreamClosedWarning, match="dropped an item of type str"):
        await execution.async_start()
    assert execution.status == "running"
    assert await execution.async_close() == {"$final_result": "still running"}
    assert execution.status == "completed"
    assert await drain(execution.get_async_runtime_stream()) == ["kept"]


async def test_a_consumer_ends_when_a_chunk_stops_the_stream_while_it_waits() -> None:
    flow = TriggerFlow()
    gate = Gate()

    async def chunk(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_put_into_stream(1)
        await gate.wait("consumer has 1")
        await data.async_stop_stream()
        await gate.wait("consumer ended")

    flow.to(chunk)
    execution = flow.create_execution(auto_close=False)
    got: list[object] = []
    async with anyio.create_task_group() as tg:

        async def consume() -> None:
            async for item in execution.get_async_runtime_stream(timeout=None):
                got.append(item)
                gate.set("consumer has 1")
            gate.set("consumer ended")

        tg.start_soon(consume)
        await execution.async_start()
    await execution.async_close()
    assert got == [1]


async def test_a_consumer_stops_after_its_inactivity_timeout_with_a_warning() -> None:
    flow = TriggerFlow()
    flow.when("E").to(lambda d: d.put_into_stream(d.value))
    execution = await start(flow)
    await execution.async_emit("E", "early")
    with pytest.warns(StreamTimeoutWarning, match="no new item for 0.01 s after 1 item"):
        got = await drain(execution.get_async_runtime_stream(timeout=0.01))
    assert got == ["early"]
    await execution.async_close()


async def test_the_inactivity_timeout_restarts_with_every_item() -> None:
    flow = TriggerFlow()
    gate = Gate()

    async def producer(data: TriggerFlowRuntimeData[Any]) -> None:
        for i in range(3):
            await data.async_put_into_stream(i)
            await gate.wait(f"got {i}")

    flow.to(producer)
    execution = flow.create_execution(auto_close=False)
    got: list[object] = []
    async with anyio.create_task_group() as tg:

        async def consume() -> None:
            async for item in execution.get_async_runtime_stream(timeout=2.0):
                got.append(item)
                gate.set(f"got {item}")

        tg.start_soon(consume)
        await execution.async_start()
        await execution.async_close()
    assert got == [0, 1, 2]


async def test_putting_from_outside_the_flow() -> None:
    flow = TriggerFlow()
    execution = await start(flow)
    await execution.async_put_into_stream("outside")
    execution.put_into_stream("sync outside")
    execution.stop_stream()
    await execution.async_stop_stream()
    assert await drain(execution.get_async_runtime_stream()) == ["outside", "sync outside"]
    await execution.async_close()


async def test_a_put_after_close_is_dropped_with_a_warning() -> None:
    execution = await start(TriggerFlow())
    await execution.async_close()
    with pytest.warns(StreamClosedWarning):
        execution.put_into_stream("late")
    assert await drain(execution.get_async_runtime_stream()) == []


async def test_the_hidden_stream_runs_the_flow_and_ends_at_its_close() -> None:
    items = await drain(staged_flow().get_async_runtime_stream("go", timeout=None))
    assert items == ["one", {"n": 1}, "two", "three"]


async def test_a_failed_background_start_is_raised_from_the_stream() -> None:
    flow = TriggerFlow()

    async def chunk(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_put_into_stream("before")
        raise RuntimeError("boom")

    flow.to(chunk)
    got: list[object] = []
    with anyio.fail_after(DEADLINE), pytest.raises(Exception, match="boom"):
        async for item in flow.create_execution().get_async_runtime_stream(timeout=None):
            got.append(item)
    assert got == ["before"]


def test_the_sync_consumer_yields_every_item_and_finishes_its_driver() -> None:
    """B8: the generator joins its worker before it ends."""
    flow = staged_flow()
    execution = flow.create_execution()
    assert list(execution.get_runtime_stream("go", timeout=None)) == ["one", {"n": 1}, "two", "three"]
    assert execution.is_closed()
    assert execution.status == "completed"


def test_the_hidden_sync_consumer() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(staged_flow().get_runtime_stream("go", timeout=None)) == ["one", {"n": 1}, "two", "three"]


def test_the_sync_consumer_raises_the_flow_error() -> None:
    flow = TriggerFlow()

    def chunk(data: TriggerFlowRuntimeData[Any]) -> None:
        data.put_into_stream("before")
        raise ValueError("sync boom")

    flow.to(chunk)
    got: list[object] = []
    with pytest.raises(Exception, match="sync boom"):
        for item in flow.get_runtime_stream(timeout=None):
            got.append(item)
    assert got == ["before"]
