"""Tracked work of a child (emit/emit_nowait, sync state writes) runs in the parent's task group.

A child run borrows the parent activation's task group instead of opening its own; these
tests pin that it still behaves as if it had its own: the child's tracked work settles
before the child closes and writes back, its errors fail the sub-flow step, it is
cancelled when the child fails or the parent is cancelled, and its stream items reach
the parent's stream.
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from tfc import SubFlowError, TriggerFlow, TriggerFlowRuntimeData

from .helpers import DEADLINE, run

pytestmark = pytest.mark.anyio


def child_with_handler(handler: Any, *, then: Any = None) -> TriggerFlow[Any]:
    """A child whose first step emits "go" as tracked work; *handler* listens to "go"."""
    child = TriggerFlow(name="child")

    async def kick(data: TriggerFlowRuntimeData[Any]) -> object:
        data.emit_nowait("go", data.value)
        return data.value

    flow = child.to(kick)
    if then is not None:
        flow.to(then)
    child.when("go").to(handler)
    return child


async def test_the_childs_tracked_work_settles_before_write_back() -> None:
    async def handler(data: TriggerFlowRuntimeData[Any]) -> None:
        for _ in range(5):  # several trips round the event loop before the write
            await anyio.lowlevel.checkpoint()
        data.set_state("seen", data.value * 10)
        data.put_into_stream({"handled": data.value})

    child = child_with_handler(handler)
    parent = TriggerFlow(name="parent")
    got: list[object] = []

    async def after(data: TriggerFlowRuntimeData[Any]) -> None:
        got.append(data.value)

    parent.to_sub_flow(child, write_back={"value": "snapshot.seen"}).to(after)
    execution = parent.create_execution(auto_close=False)
    with anyio.fail_after(DEADLINE):
        await execution.async_start(4)
        await execution.async_close()
    assert got == [40]
    assert execution.stream._items == [{"handled": 4}]


async def test_a_sync_state_write_in_a_child_dispatches_its_listener_before_the_child_closes() -> None:
    child = TriggerFlow(name="child")
    order: list[str] = []

    async def write(data: TriggerFlowRuntimeData[Any]) -> None:
        data.set_state("draft", data.value)  # sync write: the listener runs as tracked work
        order.append("write")

    async def on_draft(data: TriggerFlowRuntimeData[Any]) -> None:
        await anyio.lowlevel.checkpoint()
        order.append("listener")
        data.set_state("final", f"{data.value}!")

    child.to(write)
    child.when({"runtime_data": "draft"}).to(on_draft)
    parent = TriggerFlow(name="parent")
    parent.to_sub_flow(child, write_back={"state.final": "snapshot.final"})
    snapshot = await run(parent, "memo")
    assert order == ["write", "listener"]
    assert snapshot == {"final": "memo!"}


async def test_an_error_in_the_childs_tracked_work_fails_the_sub_flow_step() -> None:
    async def handler(data: TriggerFlowRuntimeData[Any]) -> None:
        await anyio.lowlevel.checkpoint()
        raise LookupError("no such section")

    child = child_with_handler(handler)
    parent = TriggerFlow(name="parent")
    reached: list[object] = []

    async def after(data: TriggerFlowRuntimeData[Any]) -> None:
        reached.append(data.value)

    parent.to_sub_flow(child).to(after)
    execution = parent.create_execution(auto_close=False)
    with anyio.fail_after(DEADLINE), pytest.raises(SubFlowError) as caught:
        await execution.async_start(1)
    assert caught.value.child_flow == "child" and caught.value.child_chunk == "handler"
    assert "LookupError: no such section" in str(caught.value)
    assert reached == []
    assert execution.status == "failed"


async def test_the_childs_tracked_work_is_cancelled_when_the_child_fails() -> None:
    blocked = anyio.Event()
    cancelled: list[str] = []

    async def handler(data: TriggerFlowRuntimeData[Any]) -> None:
        try:
            blocked.set()
            await anyio.Event().wait()  # never set: only cancellation ends this
        except anyio.get_cancelled_exc_class():
            cancelled.append("handler")
            raise

    async def explode(data: TriggerFlowRuntimeData[Any]) -> None:
        await blocked.wait()  # fail only once the tracked handler is running
        raise ValueError("bad draft")

    child = child_with_handler(handler, then=explode)
    parent = TriggerFlow(name="parent")
    parent.to_sub_flow(child)
    execution = parent.create_execution(auto_close=False)
    with anyio.fail_after(DEADLINE), pytest.raises(SubFlowError) as caught:
        await execution.async_start(1)
    assert caught.value.child_chunk == "explode"
    assert cancelled == ["handler"]


async def test_cancelling_the_parent_cancels_the_childs_tracked_work() -> None:
    blocked = anyio.Event()
    cancelled: list[str] = []

    async def handler(data: TriggerFlowRuntimeData[Any]) -> None:
        try:
            blocked.set()
            await anyio.Event().wait()
        except anyio.get_cancelled_exc_class():
            cancelled.append("handler")
            raise

    child = child_with_handler(handler)
    parent = TriggerFlow(name="parent")
    parent.to_sub_flow(child)
    execution = parent.create_execution(auto_close=False)

    with anyio.fail_after(DEADLINE):
        async with anyio.create_task_group() as tg:
            tg.start_soon(execution.async_start, 1)
            await blocked.wait()
            tg.cancel_scope.cancel()
    assert cancelled == ["handler"]
    assert execution.status == "cancelled"


async def test_tracked_work_of_concurrent_children_settles_per_child() -> None:
    """Each child waits only for its own tracked work; results never mix."""
    gates = {i: anyio.Event() for i in range(3)}

    async def handler(data: TriggerFlowRuntimeData[Any]) -> None:
        await gates[data.value].wait()
        data.set_state("seen", data.value)

    child = child_with_handler(handler)
    parent = TriggerFlow(name="parent")
    parent.for_each().to_sub_flow(child, write_back={"value": "snapshot.seen"}).end_for_each().end()
    execution = parent.create_execution(auto_close=False)
    with anyio.fail_after(DEADLINE):
        async with anyio.create_task_group() as tg:
            tg.start_soon(execution.async_start, [0, 1, 2])
            for i in (2, 0, 1):  # release the handlers out of order
                await anyio.lowlevel.checkpoint()
                gates[i].set()
        snapshot = await execution.async_close()
    assert snapshot["$final_result"] == [0, 1, 2]
