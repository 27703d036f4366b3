"""Concurrent children are isolated, and sub-flow concurrency limits hold (§2.12, §4.9).

Overlap is forced with anyio events: every child waits until all of them are inside their
chunk, so a shared state (or a broken limit) would show.
"""

from __future__ import annotations

from typing import Any

import anyio
import anyio.lowlevel
import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData

from .helpers import DEADLINE, run

pytestmark = pytest.mark.anyio


class Rendezvous:
    """Releases everyone once *size* tasks have arrived (a one-shot barrier)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.arrived = 0
        self.inside = 0
        self.most_inside = 0
        self.all_here = anyio.Event()

    async def meet(self) -> None:
        self.arrived += 1
        if self.arrived >= self.size:
            self.all_here.set()
        with anyio.fail_after(DEADLINE):
            await self.all_here.wait()

    def enter(self) -> None:
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)

    def leave(self) -> None:
        self.inside -= 1


def isolated_child(meeting: Rendezvous) -> TriggerFlow[Any]:
    """Writes its item into state, waits for every sibling to do the same, reads it back."""
    child = TriggerFlow(name="isolated")

    async def write(data: TriggerFlowRuntimeData[Any]) -> Any:
        await data.async_set_state("mine", data.value)
        await data.async_append_state("log", data.value)
        return data.value

    async def wait_then_read(data: TriggerFlowRuntimeData[Any]) -> dict[str, Any]:
        meeting.enter()
        await meeting.meet()
        meeting.leave()
        return {"input": data.value, "state": data.state.to_dict(), "seed": data.state.get("seed")}

    child.to(write).to(wait_then_read).end()
    return child


async def test_many_concurrent_children_of_one_parent_never_see_each_others_state() -> None:
    size = 12
    meeting = Rendezvous(size)
    parent = TriggerFlow(name="parent")
    parent.for_each().to_sub_flow(
        isolated_child(meeting),
        capture={"input": "value", "state": {"seed": "value"}},
        write_back={"value": "result"},
    ).end_for_each().end()
    snapshot = await run(parent, list(range(size)))
    assert meeting.most_inside == size  # they really overlapped
    assert snapshot["$final_result"] == [
        {"input": i, "state": {"seed": i, "mine": i, "log": [i]}, "seed": i} for i in range(size)
    ]


async def test_concurrent_parent_executions_of_one_flow_run_separate_children() -> None:
    size = 4
    meeting = Rendezvous(size)
    parent = TriggerFlow(name="parent")
    parent.to_sub_flow(isolated_child(meeting), write_back={"state.child": "result"})
    results: dict[int, dict[str, Any]] = {}

    async def one(i: int) -> None:
        results[i] = await run(parent, i)

    async with anyio.create_task_group() as tg:
        for i in range(size):
            tg.start_soon(one, i)
    assert meeting.most_inside == size
    assert results == {
        i: {"child": {"input": i, "state": {"mine": i, "log": [i]}, "seed": None}} for i in range(size)
    }


async def test_concurrent_children_share_a_captured_resource_but_nothing_else() -> None:
    size = 5
    meeting = Rendezvous(size)
    child = TriggerFlow(name="logging")

    async def log(data: TriggerFlowRuntimeData[Any]) -> list[str]:
        data.resources["log"].append(f"start {data.value}")
        await data.async_set_state("own", data.value)
        await meeting.meet()
        return sorted(data.resources)

    child.to(log).end()
    parent = TriggerFlow(name="parent")
    parent.for_each().to_sub_flow(
        child, capture={"input": "value", "resources": {"log": "resources.log"}}, write_back={"value": "result"}
    ).end_for_each().end()
    shared: list[str] = []
    snapshot = await run(parent, list(range(size)), runtime_resources={"log": shared, "secret": "x"})
    assert sorted(shared) == [f"start {i}" for i in range(size)]
    assert snapshot["$final_result"] == [["log"]] * size


async def test_the_parents_for_each_limit_bounds_children_in_flight() -> None:
    meeting = Rendezvous(2)
    child = TriggerFlow(name="bounded")

    async def work(data: TriggerFlowRuntimeData[Any]) -> Any:
        meeting.enter()
        await meeting.meet()  # the first two wait for each other; later ones pass
        await anyio.lowlevel.checkpoint()
        meeting.leave()
        return data.value

    child.to(work).end()
    parent = TriggerFlow(name="parent")
    parent.for_each(concurrency=2).to_sub_flow(child, write_back={"value": "result"}).end_for_each().end()
    snapshot = await run(parent, [1, 2, 3, 4, 5])
    assert snapshot["$final_result"] == [1, 2, 3, 4, 5]
    assert meeting.most_inside == 2


def fan_out_child(meeting: Rendezvous, *, wait: bool) -> TriggerFlow[Any]:
    """A for_each over the child's input whose workers count how many run at once."""
    child = TriggerFlow(name="fan_out")

    async def work(data: TriggerFlowRuntimeData[Any]) -> Any:
        meeting.enter()
        if wait:
            await meeting.meet()
        await anyio.lowlevel.checkpoint()
        meeting.leave()
        return data.value

    child.for_each().to(work).end_for_each().end()
    return child


async def test_to_sub_flow_concurrency_bounds_the_childs_workers() -> None:
    meeting = Rendezvous(3)
    parent = TriggerFlow(name="parent")
    parent.to_sub_flow(fan_out_child(meeting, wait=False), concurrency=1).end()
    snapshot = await run(parent, [1, 2, 3])
    assert snapshot["$final_result"] == [1, 2, 3]
    assert meeting.most_inside == 1


async def test_without_a_sub_flow_limit_the_childs_workers_overlap() -> None:
    meeting = Rendezvous(3)
    parent = TriggerFlow(name="parent")
    parent.to_sub_flow(fan_out_child(meeting, wait=True)).end()
    snapshot = await run(parent, [1, 2, 3])
    assert snapshot["$final_result"] == [1, 2, 3]
    assert meeting.most_inside == 3


async def test_the_parents_execution_budget_does_not_deadlock_on_a_waiting_child() -> None:
    """With concurrency=1 on the parent execution, the sub-flow step and the child's chunks
    still make progress (the child has its own budget)."""
    parent = TriggerFlow(name="parent")
    child = TriggerFlow(name="child")
    child.to(lambda data: data.value + 1).to(lambda data: data.value * 10).end()
    parent.to_sub_flow(child).to_sub_flow(child).end()
    snapshot = await run(parent, 1, concurrency=1)
    assert snapshot["$final_result"] == 210
