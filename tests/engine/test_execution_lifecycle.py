"""Executions: create, start, close, status, lifecycle, concurrency, the result facade.

SEMANTICS §4.1, §4.2, §4.5, §4.9, §4.11 and §7 B6, B10, S1, S6, S7.
"""

from __future__ import annotations

import time
from typing import Any

import anyio
import pytest

from tfc import ChunkError, TriggerFlow, TriggerFlowExecution, TriggerFlowRuntimeData

from .helpers import DEADLINE, Gate, drain, start

pytestmark = pytest.mark.anyio


def echo_flow() -> TriggerFlow[Any]:
    flow = TriggerFlow(name="echo")

    async def write(data: TriggerFlowRuntimeData[Any]) -> Any:
        await data.async_set_state("seen", data.value)
        return data.value

    flow.to(write).end()
    return flow


# -- starting -----------------------------------------------------------------------------------


async def test_manual_close_start_returns_the_execution_then_close_returns_the_snapshot() -> None:
    execution = echo_flow().create_execution(auto_close=False)
    assert execution.status == "created"
    assert execution.get_lifecycle_state() == "open" and execution.is_open()
    assert not execution.started
    with anyio.fail_after(DEADLINE):
        assert await execution.async_start("v") is execution
    assert execution.started
    assert execution.status == "running"
    assert execution.is_open()
    snapshot = await execution.async_close()
    assert snapshot == {"seen": "v", "$final_result": "v"}
    assert execution.status == "completed"
    assert execution.is_closed() and not execution.is_open() and not execution.is_sealed()


async def test_auto_close_start_returns_the_snapshot_as_soon_as_idle() -> None:
    """S1: no idle timeout by default."""
    execution = echo_flow().create_execution()
    begun = time.perf_counter()
    with anyio.fail_after(DEADLINE):
        snapshot = await execution.async_start("v")
    assert time.perf_counter() - begun < 0.5
    assert snapshot == {"seen": "v", "$final_result": "v"}
    assert execution.is_closed()
    assert execution.close_reason == "auto"


async def test_auto_close_timeout_lingers_and_work_arriving_meanwhile_runs() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.when("E").to(lambda d: seen.append(d.value))
    execution = flow.create_execution(auto_close_timeout=0.2)
    async with anyio.create_task_group() as tg:
        box: list[object] = []

        async def starter() -> None:
            box.append(await execution.async_start())

        tg.start_soon(starter)
        with anyio.fail_after(DEADLINE):
            while not execution.started:
                await anyio.lowlevel.checkpoint()
        await execution.async_emit("E", 1)  # inside the linger window: still open
    assert seen == [1]
    assert box == [{}]
    assert execution.is_closed()


async def test_starting_twice_dispatches_start_once() -> None:
    flow = TriggerFlow()
    calls: list[object] = []
    flow.to(lambda d: calls.append(d.value))
    execution = flow.create_execution(auto_close=False)
    await execution.async_start(1)
    await execution.async_start(2)
    await execution.async_close()
    assert calls == [1]


async def test_a_closed_execution_cannot_start() -> None:
    from tfc import ExecutionStateError

    execution = echo_flow().create_execution(auto_close=False)
    await execution.async_close()
    with pytest.raises(ExecutionStateError, match="cannot start"):
        await execution.async_start(1)


async def test_hidden_start_returns_the_close_snapshot() -> None:
    assert await echo_flow().async_start("h") == {"seen": "h", "$final_result": "h"}


async def test_hidden_start_refuses_manual_close() -> None:
    with pytest.raises(ValueError, match="auto-close"):
        await echo_flow().async_start("h", auto_close=False)


async def test_start_execution_returns_a_started_open_handle() -> None:
    execution = await echo_flow().async_start_execution("s")
    assert isinstance(execution, TriggerFlowExecution)
    assert execution.status == "running" and execution.is_open()
    assert execution.get_state("seen") == "s"
    await execution.async_close()


def test_sync_facades_run_their_own_event_loop() -> None:
    flow = echo_flow()
    assert flow.start("sync") == {"seen": "sync", "$final_result": "sync"}
    assert flow.create_execution().start("x") == {"seen": "x", "$final_result": "x"}
    execution = flow.start_execution("y")
    assert execution.is_open()
    assert execution.close() == {"seen": "y", "$final_result": "y"}
    assert execution.close() == {"seen": "y", "$final_result": "y"}


def test_sync_facades_drive_an_execution_started_on_trio() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.to(lambda d: seen.append(("start", d.value)))
    flow.when("E").to(lambda d: seen.append(("E", d.value)))

    async def begin() -> TriggerFlowExecution:
        execution = flow.create_execution(auto_close=False, concurrency=1)
        await execution.async_start(1)
        return execution

    execution = anyio.run(begin, backend="trio")
    execution.emit("E", 2)  # outside any loop: runs inline on a loop of its own
    assert execution.close() == {}
    assert seen == [("start", 1), ("E", 2)]


async def test_a_sync_facade_inside_an_event_loop_does_not_deadlock() -> None:
    assert echo_flow().start("nested") == {"seen": "nested", "$final_result": "nested"}


# -- closing ------------------------------------------------------------------------------------


async def test_close_is_idempotent_and_returns_a_copy() -> None:
    execution = await start(echo_flow(), [1])
    first = await execution.async_close(reason="done")
    first["seen"].append(2)
    again = await execution.async_close(reason="other")
    assert again == {"seen": [1], "$final_result": [1]}
    assert execution.close_reason == "done"


async def test_close_waits_for_running_work() -> None:
    flow = TriggerFlow()
    gate = Gate()
    log: list[str] = []

    async def slow(data: TriggerFlowRuntimeData[Any]) -> None:
        gate.set("running")
        await gate.wait("release")
        log.append("slow done")

    flow.when("E").to(slow)
    execution = await start(flow)
    async with anyio.create_task_group() as tg:
        tg.start_soon(execution.async_emit, "E")
        await gate.wait("running")

        async def close() -> None:
            await execution.async_close()
            log.append("closed")

        tg.start_soon(close)
        with anyio.fail_after(DEADLINE):
            while not execution.is_sealed():
                await anyio.lowlevel.checkpoint()
        gate.set("release")
    assert log == ["slow done", "closed"]


async def test_close_with_a_timeout_cancels_stuck_work() -> None:
    """B6: after the timeout, stuck work is cancelled and the close ends with status cancelled."""
    flow = TriggerFlow()
    gate = Gate()
    cancelled: list[bool] = []

    async def stuck(data: TriggerFlowRuntimeData[Any]) -> None:
        gate.set("stuck")
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            cancelled.append(True)
            raise

    flow.when("E").to(stuck)
    execution = await start(flow)
    execution.emit_nowait("E")
    with anyio.fail_after(DEADLINE):
        snapshot = await execution.async_close(timeout=0.05)
    assert snapshot == {}
    assert cancelled == [True]
    assert execution.status == "cancelled"
    assert execution.is_closed()


# -- cancellation (S6) ----------------------------------------------------------------------------


async def test_cancelling_start_gives_status_cancelled_and_ends_the_stream() -> None:
    flow = TriggerFlow()
    gate = Gate()

    async def stuck(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_put_into_stream("before")
        gate.set("stuck")
        await anyio.sleep_forever()

    flow.to(stuck)
    execution = flow.create_execution(auto_close=False)
    got: list[object] = []
    async with anyio.create_task_group() as tg:

        async def consume() -> None:
            got.extend(await drain(execution.get_async_runtime_stream(timeout=None)))

        async with anyio.create_task_group() as inner:
            inner.start_soon(execution.async_start)
            await gate.wait("stuck")
            tg.start_soon(consume)  # after the start: a consumer of an unstarted execution starts it
            inner.cancel_scope.cancel()
    assert got == ["before"]
    assert execution.status == "cancelled"
    assert await execution.async_close() == {}
    assert execution.status == "cancelled"


# -- concurrency (B10) ----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["batch", "for_each", "chains"])
async def test_execution_concurrency_bounds_every_running_chunk(shape: str) -> None:
    flow = TriggerFlow()
    gate = Gate()
    running = 0
    most = 0

    async def work(data: TriggerFlowRuntimeData[Any]) -> int:
        nonlocal running, most
        running += 1
        most = max(most, running)
        if running == 2:
            gate.set("two")
        await gate.wait("two")
        for _ in range(3):
            await anyio.lowlevel.checkpoint()
        running -= 1
        return 1

    if shape == "batch":
        flow.batch(*((f"b{i}", work) for i in range(5)))
    elif shape == "for_each":
        flow.for_each().to(work).end_for_each()
    else:
        for i in range(5):
            flow.to((f"c{i}", work))
    execution = flow.create_execution(concurrency=2, auto_close=False)
    with anyio.fail_after(DEADLINE):
        await execution.async_start([0, 1, 2, 3, 4])
    await execution.async_close()
    assert most == 2


async def test_a_chunk_awaiting_an_emit_releases_its_permit() -> None:
    flow = TriggerFlow()

    async def outer(data: TriggerFlowRuntimeData[Any]) -> str:
        await data.async_emit("Inner")
        await data.async_set_state("k", 1)
        return "done"

    flow.to(outer).end()
    flow.when("Inner").to(lambda d: "inner ran")
    flow.when({"runtime_data": "k"}).to(lambda d: "state branch ran")
    execution = flow.create_execution(concurrency=1, auto_close=False)
    with anyio.fail_after(DEADLINE):
        await execution.async_start()
    assert await execution.async_close() == {"k": 1, "$final_result": "done"}


async def test_a_permit_is_never_released_twice_when_a_chunk_is_cancelled_inside_an_emit() -> None:
    """B10: a chunk cancelled while it awaits an emit (its permit lent out) gives nothing back twice."""
    flow = TriggerFlow()
    gate = Gate()
    running = 0
    most = 0

    async def writer(data: TriggerFlowRuntimeData[Any]) -> list[int]:
        with pytest.raises(ChunkError):
            await data.async_emit("Fan")
        return [1, 2, 3, 4]

    async def waiter(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_emit("Wait")

    async def wait_forever(data: TriggerFlowRuntimeData[Any]) -> None:
        gate.set("waiting")
        await anyio.sleep_forever()

    async def failer(data: TriggerFlowRuntimeData[Any]) -> None:
        await gate.wait("waiting")
        raise ValueError("cancel the sibling")

    async def item(data: TriggerFlowRuntimeData[int]) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        if running == 2:
            gate.set("two")
        await gate.wait("two")
        for _ in range(5):
            await anyio.lowlevel.checkpoint()
        running -= 1

    flow.to(writer).for_each().to(item).end_for_each()
    flow.when("Fan").batch(waiter, failer)
    flow.when("Wait").to(wait_forever)
    execution = flow.create_execution(concurrency=2, auto_close=False)
    with anyio.fail_after(DEADLINE):
        await execution.async_start()
    await execution.async_close()
    assert most == 2


async def test_set_concurrency_before_start() -> None:
    flow = TriggerFlow()
    log: list[str] = []

    async def work(data: TriggerFlowRuntimeData[str]) -> None:
        log.append(f"{data.value}+")
        await anyio.lowlevel.checkpoint()
        log.append(f"{data.value}-")

    flow.for_each().to(work).end_for_each()
    execution = flow.create_execution(auto_close=False)
    execution.set_concurrency(1)
    await execution.async_start(["a", "b"])
    await execution.async_close()
    assert log == ["a+", "a-", "b+", "b-"]


def test_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        echo_flow().create_execution(concurrency=0)


# -- identity, meta, result facade ----------------------------------------------------------------


async def test_execution_ids_and_meta() -> None:
    flow = echo_flow()
    one = flow.create_execution(auto_close=False)
    two = flow.create_execution(auto_close=False, execution_id="mine")
    assert one.id != two.id and two.id == "mine"
    meta = one.result.get_meta()
    assert meta["execution_id"] == one.id
    assert meta["run_id"] == one.run_id
    assert meta["flow_name"] == "echo"
    assert (meta["status"], meta["lifecycle_state"], meta["started_at"], meta["closed_at"]) == (
        "created",
        "open",
        None,
        None,
    )
    await one.async_start(1)
    await one.async_close()
    meta = one.result.get_meta()
    assert (meta["status"], meta["lifecycle_state"], meta["close_reason"]) == ("completed", "closed", "manual")
    assert isinstance(meta["started_at"], float) and isinstance(meta["closed_at"], float)
    assert meta["created_at"] <= meta["started_at"] <= meta["closed_at"]  # type: ignore[operator]
    assert meta["state_version"] == 2
    await two.async_close()


async def test_the_result_facade_reads_live_state_then_the_snapshot() -> None:
    flow = TriggerFlow()
    flow.when("E").to(lambda d: d.state.set("report.title", d.value))
    execution = await start(flow)
    assert execution.result.get_state("report.title", "none") == "none"
    await execution.async_emit("E", "T")
    assert execution.result.get_state("report.title") == "T"
    assert execution.result.get_state() == {"report": {"title": "T"}}
    await execution.async_close()
    assert execution.result.get_state("report") == {"title": "T"}


async def test_get_status_and_repr() -> None:
    execution = await start(echo_flow(), 1)
    assert execution.get_status() == "running"
    assert "echo" in repr(execution) and "running" in repr(execution)
    await execution.async_close()
    assert execution.get_status() == "completed"
