"""`side_branch` and `collect`: SEMANTICS §2.9, §2.10, §7 B9."""

from __future__ import annotations

from typing import Any

import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData

from .helpers import run, start

pytestmark = pytest.mark.anyio


# -- side_branch --------------------------------------------------------------------------------


async def test_side_branch_runs_but_the_next_step_gets_the_value_from_before_it() -> None:
    flow = TriggerFlow()
    seen: list[object] = []

    def audit(data: TriggerFlowRuntimeData[int]) -> str:
        seen.append(data.value)
        return "ignored"

    flow.to(lambda d: d.value + 1).side_branch(audit).to(lambda d: d.value * 10).end()
    assert (await run(flow, 1))["$final_result"] == 20
    assert seen == [2]


async def test_side_branch_on_start_and_its_spellings() -> None:
    flow = TriggerFlow()
    seen: list[tuple[str, object]] = []

    @flow.chunk("declared")
    def declared(data: TriggerFlowRuntimeData[str]) -> None:
        seen.append(("declared", data.value))

    (
        flow.side_branch("declared")
        .side_branch(("tupled", lambda d: seen.append(("tupled", d.value))))
        .side_branch(lambda d: seen.append(("renamed", d.value)), name="renamed")
        .to(lambda d: d.value.upper())
        .end()
    )
    assert (await run(flow, "v"))["$final_result"] == "V"
    assert sorted(seen) == [("declared", "v"), ("renamed", "v"), ("tupled", "v")]
    assert {"declared", "tupled", "renamed"} <= set(flow.chunks)


async def test_when_on_a_side_branch_chunk_sees_its_output() -> None:
    flow = TriggerFlow()
    seen: list[object] = []

    @flow.chunk
    def audit(data: TriggerFlowRuntimeData[int]) -> str:
        return f"audited {data.value}"

    flow.side_branch(audit).to(lambda d: d.value)
    flow.when(audit).to(lambda d: seen.append(d.value))
    await run(flow, 3)
    assert seen == ["audited 3"]


# -- collect ------------------------------------------------------------------------------------


async def test_collect_joins_branches_in_registration_order() -> None:
    flow = TriggerFlow()
    seen: list[object] = []

    async def slow(data: TriggerFlowRuntimeData[int]) -> int:
        await data.async_emit("tick")
        return data.value + 1

    flow.to(slow).collect("pair", "first")
    flow.to(lambda d: d.value - 1).collect("pair", "second")
    flow.when({"collect": "pair"}).to(lambda d: seen.append(d.value))
    await run(flow, 10)
    assert seen == [{"first": 11, "second": 9}]
    assert [list(v) for v in seen] == [["first", "second"]]  # type: ignore[call-overload]


async def test_the_chain_after_collect_continues_with_the_collected_dict() -> None:
    flow = TriggerFlow()
    flow.to(lambda d: "a").collect("both", "a").to(lambda d: sorted(d.value.items())).end()
    flow.to(lambda d: "b").collect("both", "b")
    assert (await run(flow))["$final_result"] == [("a", "a"), ("b", "b")]


async def test_collect_branch_ids_default_to_their_position() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.to(lambda d: "x").collect("c")
    flow.to(lambda d: "y").collect("c")
    flow.when({"collect": "c"}).to(lambda d: seen.append(d.value))
    await run(flow)
    assert seen == [{"0": "x", "1": "y"}]


async def test_collect_joins_branches_of_different_roots() -> None:
    """B9: collections are keyed by name per flow, whatever root a branch hangs off."""
    flow = TriggerFlow()
    seen: list[object] = []
    flow.when("A").collect("c", "a")
    flow.when("B").collect("c", "b")
    flow.when({"collect": "c"}).to(lambda d: seen.append(d.value))
    execution = await start(flow)
    await execution.async_emit("A", 1)
    assert seen == []
    await execution.async_emit("B", 2)
    assert seen == [{"a": 1, "b": 2}]
    await execution.async_close()


async def test_filled_and_update_fires_again_on_every_later_delivery() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.when("A").collect("c", "a")
    flow.when("B").collect("c", "b")
    flow.when({"collect": "c"}).to(lambda d: seen.append(d.value))
    execution = await start(flow)
    await execution.async_emit("A", 1)
    await execution.async_emit("B", 2)
    await execution.async_emit("A", 3)
    await execution.async_close()
    assert seen == [{"a": 1, "b": 2}, {"a": 3, "b": 2}]


async def test_filled_then_empty_starts_over_after_firing() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.when("A").collect("c", "a", mode="filled_then_empty")
    flow.when("B").collect("c", "b", mode="filled_then_empty")
    flow.when({"collect": "c"}).to(lambda d: seen.append(d.value))
    execution = await start(flow)
    await execution.async_emit("A", 1)
    await execution.async_emit("B", 2)
    await execution.async_emit("A", 3)
    assert seen == [{"a": 1, "b": 2}]
    await execution.async_emit("B", 4)
    await execution.async_close()
    assert seen == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]


async def test_collections_are_per_execution() -> None:
    flow = TriggerFlow()
    seen: list[Any] = []
    flow.when("A").collect("c", "a")
    flow.when("B").collect("c", "b")
    flow.when({"collect": "c"}).to(lambda d: seen.append(d.value))
    first = await start(flow)
    second = await start(flow)
    await first.async_emit("A", 1)
    await second.async_emit("B", 2)
    assert seen == []
    await first.async_close()
    await second.async_close()
