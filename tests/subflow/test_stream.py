"""Stream items cross the sub-flow boundary (seed 004, §2.12 "Streams", §6.1).

A child's items appear in the parent's stream in put order, merged with the parent's own
items in global put order: a consumer of the parent sees one stream.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData
from tfc.runtime.stream import StreamClosedWarning

from .helpers import Gate, run_streamed

pytestmark = pytest.mark.anyio


def talking_child(name: str = "child") -> TriggerFlow[Any]:
    """Two chunks putting items with the async and the sync facades."""
    child = TriggerFlow(name=name)

    async def first(data: TriggerFlowRuntimeData[Any]) -> str:
        await data.async_put_into_stream(f"{name}: first got {data.value}")
        data.put_into_stream(f"{name}: first sync")
        return f"{data.value}+"

    def second(data: TriggerFlowRuntimeData[Any]) -> str:
        data.put_into_stream(f"{name}: second got {data.value}")
        return f"{data.value}!"

    child.to(first).to(second).end()
    return child


def parent_around(child: TriggerFlow[Any]) -> TriggerFlow[Any]:
    parent = TriggerFlow(name="parent")

    async def before(data: TriggerFlowRuntimeData[Any]) -> Any:
        await data.async_put_into_stream("parent: before")
        return data.value

    async def after(data: TriggerFlowRuntimeData[Any]) -> Any:
        await data.async_put_into_stream(f"parent: after got {data.value}")
        return data.value

    parent.to(before).to_sub_flow(child).to(after)
    return parent


async def test_child_items_appear_between_the_parents_items_in_put_order() -> None:
    _, items = await run_streamed(parent_around(talking_child()), "x")
    assert items == [
        "parent: before",
        "child: first got x",
        "child: first sync",
        "child: second got x+",
        "parent: after got x+!",
    ]


async def test_a_late_consumer_replays_the_bridged_items_too() -> None:
    parent = parent_around(talking_child())
    execution = parent.create_execution(auto_close=False)
    await execution.async_start("x")
    await execution.async_close()
    items = [item async for item in execution.get_async_runtime_stream()]
    assert items[0] == "parent: before" and items[-1] == "parent: after got x+!"
    assert len(items) == 5


async def test_the_to_shorthand_bridges_the_stream_too() -> None:
    parent = TriggerFlow(name="parent")
    parent.to(talking_child("a")).to(talking_child("b"))
    _, items = await run_streamed(parent, "x")
    assert items == [
        "a: first got x",
        "a: first sync",
        "a: second got x+",
        "b: first got x+!",
        "b: first sync",
        "b: second got x+!+",
    ]


async def test_items_of_a_concurrent_parent_branch_interleave_in_global_put_order() -> None:
    """A child and a parent branch take turns, forced by events: the merged stream shows
    exactly the turns in the order they were taken."""
    gate = Gate()
    child = TriggerFlow(name="child")

    async def child_turns(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_put_into_stream("child 1")
        gate.set("child 1")
        await gate.wait("parent 1")
        await data.async_put_into_stream("child 2")
        gate.set("child 2")
        await gate.wait("parent 2")
        await data.async_put_into_stream("child 3")

    child.to(child_turns)
    parent = TriggerFlow(name="parent")

    async def parent_turns(data: TriggerFlowRuntimeData[Any]) -> None:
        await gate.wait("child 1")
        await data.async_put_into_stream("parent 1")
        gate.set("parent 1")
        await gate.wait("child 2")
        await data.async_put_into_stream("parent 2")
        gate.set("parent 2")

    parent.to_sub_flow(child)
    parent.to(parent_turns)
    _, items = await run_streamed(parent)
    assert items == ["child 1", "parent 1", "child 2", "parent 2", "child 3"]


async def test_items_from_a_childs_concurrent_fan_out_arrive_in_the_order_they_were_put() -> None:
    """Workers of a for_each inside the child finish in reverse order (forced): the parent
    sees the child's items in put order, not item order."""
    gate = Gate()
    child = TriggerFlow(name="child")

    async def work(data: TriggerFlowRuntimeData[Any]) -> int:
        item: int = data.value
        if item < 3:
            await gate.wait(f"done {item + 1}")
        await data.async_put_into_stream(f"item {item}")
        gate.set(f"done {item}")
        return item

    child.for_each().to(work).end_for_each().end()
    parent = TriggerFlow(name="parent")
    parent.to_sub_flow(child)
    snapshot, items = await run_streamed(parent, [1, 2, 3])
    assert items == ["item 3", "item 2", "item 1"]
    assert snapshot == {}


async def test_items_the_child_puts_after_stopping_its_stream_are_dropped_but_the_parent_streams_on() -> None:
    child = TriggerFlow(name="child")

    async def stop_then_put(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_put_into_stream("child before stop")
        await data.async_stop_stream()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            await data.async_put_into_stream("child after stop")
        assert [w.category for w in caught] == [StreamClosedWarning]

    child.to(stop_then_put)
    _, items = await run_streamed(parent_around(child))
    assert items == ["parent: before", "child before stop", "parent: after got {}"]


async def test_a_child_with_no_items_adds_nothing_to_the_parents_stream() -> None:
    child = TriggerFlow(name="quiet")
    child.to(lambda data: data.value)
    snapshot, items = await run_streamed(parent_around(child), 1)
    assert items == ["parent: before", "parent: after got {}"]
    assert snapshot == {}


async def test_only_the_parent_execution_that_ran_the_child_gets_its_items() -> None:
    parent = parent_around(talking_child())
    first = parent.create_execution(auto_close=False)
    second = parent.create_execution(auto_close=False)
    await first.async_start("1")
    await second.async_start("2")
    await first.async_close()
    await second.async_close()
    one = [item async for item in first.get_async_runtime_stream()]
    two = [item async for item in second.get_async_runtime_stream()]
    assert "child: first got 1" in one and "child: first got 2" not in one
    assert "child: first got 2" in two and "child: first got 1" not in two

