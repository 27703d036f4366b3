"""Failing chunks: `ChunkError`, status `failed`, stream consumers end (§4.10, DESIGN §4)."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from tfc import ChunkError, ExecutionError, TfcError, TriggerFlow, TriggerFlowRuntimeData

from .helpers import DEADLINE, Gate, drain, next_line

pytestmark = pytest.mark.anyio


class Boom(Exception):
    pass


def failing_flow() -> tuple[TriggerFlow[Any], list[str], int]:
    """write -> explode -> never; the line of the ``.to(explode)`` call."""
    flow = TriggerFlow(name="fragile")
    log: list[str] = []

    async def write(data: TriggerFlowRuntimeData[Any]) -> str:
        await data.async_set_state("before", data.value)
        await data.async_put_into_stream("before")
        return data.value

    @flow.chunk("explode")
    async def explode(data: TriggerFlowRuntimeData[Any]) -> None:
        raise Boom(f"cannot handle {data.value}")

    def never(data: TriggerFlowRuntimeData[Any]) -> None:
        log.append("never")

    line = next_line()
    flow.to(write).to(explode).to(never)
    return flow, log, line


async def test_a_failing_chunk_raises_a_chunk_error_naming_it_and_its_step() -> None:
    flow, log, line = failing_flow()
    execution = flow.create_execution(auto_close=False)
    with anyio.fail_after(DEADLINE), pytest.raises(ChunkError) as info:
        await execution.async_start("x")
    error = info.value
    assert isinstance(error, ExecutionError) and isinstance(error, TfcError) and isinstance(error, RuntimeError)
    assert isinstance(error.__cause__, Boom)
    assert str(error.__cause__) == "cannot handle x"
    assert error.chunk == "explode"
    assert error.flow_name == "fragile"
    # the step's location: the column of the `to` token of `.to(explode)`, 1-based
    assert error.where == f"{__file__}:{line}:{len('    flow.to(write).') + 1}"
    message = str(error)
    assert 'chunk "explode" failed at' in message
    assert error.where in message
    assert "Boom: cannot handle x" in message
    assert log == []
    assert execution.status == "failed"


async def test_close_after_a_failure_keeps_the_state_and_the_status() -> None:
    flow, _, _ = failing_flow()
    execution = flow.create_execution(auto_close=False)
    with pytest.raises(ChunkError):
        await execution.async_start("x")
    assert await execution.async_close() == {"before": "x"}
    assert execution.status == "failed"
    assert execution.is_closed()


async def test_an_auto_close_start_raises_and_a_hidden_start_too() -> None:
    flow, _, _ = failing_flow()
    execution = flow.create_execution()
    with pytest.raises(ChunkError, match="explode"):
        await execution.async_start("x")
    assert execution.status == "failed"
    with pytest.raises(ChunkError, match="explode"):
        await flow.async_start("y")


async def test_stream_consumers_end_when_the_execution_fails() -> None:
    flow, _, _ = failing_flow()
    execution = flow.create_execution(auto_close=False)
    got: list[object] = []
    gate = Gate()
    async with anyio.create_task_group() as tg:

        async def consume() -> None:
            gate.set("consuming")
            got.extend(await drain(execution.stream.consume(timeout=None)))

        tg.start_soon(consume)
        await gate.wait("consuming")
        with pytest.raises(ChunkError):
            await execution.async_start("x")
    assert got == ["before"]


async def test_a_failing_sync_chunk_and_a_failing_lambda() -> None:
    flow = TriggerFlow()

    def sync_fail(data: TriggerFlowRuntimeData[Any]) -> None:
        raise KeyError("k")

    flow.to(sync_fail)
    with pytest.raises(ChunkError, match='chunk "sync_fail"') as info:
        await flow.async_start()
    assert isinstance(info.value.__cause__, KeyError)

    lam = TriggerFlow()
    lam.to(lambda d: 1 / 0)
    with pytest.raises(ChunkError, match="ZeroDivisionError") as info:
        await lam.async_start()
    assert info.value.chunk is not None and "lambda" in info.value.chunk


@pytest.mark.parametrize("shape", ["batch", "for_each", "hit_all", "fork"])
async def test_a_failure_in_a_fan_out_is_one_chunk_error_and_cancels_the_siblings(shape: str) -> None:
    flow = TriggerFlow()
    cancelled: list[bool] = []

    async def sibling(data: TriggerFlowRuntimeData[Any]) -> None:
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            cancelled.append(True)
            raise

    async def fail(data: TriggerFlowRuntimeData[Any]) -> None:
        await anyio.lowlevel.checkpoint()
        raise Boom("in a branch")

    async def route(data: TriggerFlowRuntimeData[Any]) -> None:
        if data.value == "fail":
            await fail(data)
        else:
            await sibling(data)

    if shape == "batch":
        flow.batch(sibling, fail)
    elif shape == "for_each":
        flow.for_each().to(("route", route)).end_for_each()
    elif shape == "hit_all":
        flow.match("hit_all").case(lambda d: True).to(sibling).case(lambda d: True).to(fail).end_match()
    else:
        flow.to(sibling)
        flow.to(fail)
    execution = flow.create_execution(auto_close=False)
    with anyio.fail_after(DEADLINE), pytest.raises(ChunkError) as info:
        await execution.async_start(["wait", "fail"])
    assert isinstance(info.value.__cause__, Boom)
    assert cancelled == [True]
    assert execution.status == "failed"


async def test_a_failing_condition_names_the_condition() -> None:
    flow = TriggerFlow()

    def picky(data: TriggerFlowRuntimeData[Any]) -> bool:
        raise ValueError("cannot decide")

    line = next_line()
    flow.if_condition(picky).to(lambda d: "x").end_condition()
    with pytest.raises(ChunkError, match="condition .*picky") as info:
        await flow.async_start(1)
    assert isinstance(info.value.__cause__, ValueError)
    assert info.value.where is not None and f":{line}:" in info.value.where


async def test_a_failure_deep_in_a_when_cascade_reaches_the_start() -> None:
    flow = TriggerFlow()

    async def emitter(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_emit("Deep", 1)

    @flow.chunk
    async def deep(data: TriggerFlowRuntimeData[Any]) -> None:
        raise Boom("deep")

    flow.to(emitter)
    flow.when("Deep").to(deep)
    with pytest.raises(ChunkError) as info:
        await flow.async_start()
    assert info.value.chunk == "deep"


async def test_skip_exceptions_stops_the_failing_branch_quietly() -> None:
    flow = TriggerFlow(skip_exceptions=True)
    log: list[str] = []

    def fail(data: TriggerFlowRuntimeData[Any]) -> None:
        raise Boom("skipped")

    flow.to(fail).to(lambda d: log.append("after fail"))
    flow.to(lambda d: log.append("other chain"))
    snapshot = await flow.async_start()
    assert snapshot == {}
    assert log == ["other chain"]


async def test_skip_exceptions_per_execution() -> None:
    flow = TriggerFlow()
    flow.to(lambda d: 1 / 0)
    execution = flow.create_execution(skip_exceptions=True)
    assert await execution.async_start() == {}
    assert execution.status == "completed"


async def test_a_failing_branch_of_a_sync_state_write_fails_the_execution_at_close() -> None:
    """B1 + §4.10: the branch is tracked work; its error surfaces from close, then close completes."""
    flow = TriggerFlow()

    def writer(data: TriggerFlowRuntimeData[Any]) -> str:
        data.state.set("k", 1)
        return "written"

    @flow.chunk
    def bad(data: TriggerFlowRuntimeData[Any]) -> None:
        raise Boom("tracked")

    flow.to(writer).end()
    flow.when({"runtime_data": "k"}).to(bad)
    execution = flow.create_execution(auto_close=False)
    assert await execution.async_start() is execution
    assert execution.status == "failed"
    with pytest.raises(ChunkError) as info:
        await execution.async_close()
    assert info.value.chunk == "bad" and isinstance(info.value.__cause__, Boom)
    assert await execution.async_close() == {"k": 1, "$final_result": "written"}
    assert execution.status == "failed"
    with pytest.raises(ChunkError, match='chunk "bad"'):
        await flow.async_start()


async def test_skip_exceptions_in_a_for_each_item_stops_the_join() -> None:
    flow = TriggerFlow(skip_exceptions=True)
    log: list[object] = []

    def item(data: TriggerFlowRuntimeData[int]) -> int:
        if data.value == 2:
            raise Boom("one bad item")
        log.append(data.value)
        return data.value

    flow.for_each().to(item).end_for_each().to(lambda d: log.append(("joined", d.value)))
    execution = flow.create_execution()
    assert await execution.async_start([1, 2, 3]) == {}
    assert sorted(log) == [1, 3]  # type: ignore[type-var]
    assert execution.status == "completed"
