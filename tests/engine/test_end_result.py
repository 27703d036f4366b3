"""`end()`, ``$final_result`` and `set_result`: SEMANTICS §2.11, §4.5."""

from __future__ import annotations

from typing import Any

import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData

from .helpers import Gate, run, start

pytestmark = pytest.mark.anyio


async def test_end_stores_the_value_as_the_final_result() -> None:
    flow = TriggerFlow()
    flow.to(lambda d: {"report": d.value}).end()
    assert await run(flow, "r") == {"$final_result": {"report": "r"}}


async def test_the_first_value_to_reach_any_end_wins() -> None:
    flow = TriggerFlow()
    gate = Gate()

    async def slow(data: TriggerFlowRuntimeData[Any]) -> str:
        await gate.wait("fast ended")
        return "slow"

    async def fast(data: TriggerFlowRuntimeData[Any]) -> str:
        return "fast"

    async def mark(data: TriggerFlowRuntimeData[Any]) -> None:
        gate.set("fast ended")

    flow.to(slow).end()
    flow.to(fast).end().to(mark)
    assert (await run(flow))["$final_result"] == "fast"


async def test_the_final_result_sits_in_the_snapshot_in_insertion_order() -> None:
    flow = TriggerFlow()

    async def before(data: TriggerFlowRuntimeData[Any]) -> str:
        await data.async_set_state("a", 1)
        return "done"

    async def after(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("z", 2)

    flow.to(before).end().to(after)
    snapshot = await run(flow)
    assert list(snapshot) == ["a", "$final_result", "z"]


async def test_end_passes_its_value_on() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.to(lambda d: 5).end().to(lambda d: seen.append(d.value))
    await run(flow)
    assert seen == [5]


async def test_no_end_means_no_final_result() -> None:
    flow = TriggerFlow()
    flow.to(lambda d: 5)
    assert await run(flow) == {}


async def test_set_result_writes_the_final_result_and_warns_when_it_overwrites() -> None:
    flow = TriggerFlow()

    def first(data: TriggerFlowRuntimeData[Any]) -> None:
        data.set_result("one")
        assert data.get_result() == "one"

    def second(data: TriggerFlowRuntimeData[Any]) -> None:
        data.set_result("two")

    flow.to(first).to(second)
    with pytest.warns(RuntimeWarning, match="overwrites the compat result"):
        snapshot = await run(flow)
    assert snapshot == {"$final_result": "two"}


async def test_end_does_not_overwrite_a_result_set_earlier() -> None:
    flow = TriggerFlow()

    def first(data: TriggerFlowRuntimeData[Any]) -> str:
        data.set_result("explicit")
        return "ended"

    flow.to(first).end()
    assert (await run(flow))["$final_result"] == "explicit"


async def test_the_result_facade_reads_the_final_result() -> None:
    flow = TriggerFlow()
    flow.to(lambda d: d.value * 2).end()
    execution = await start(flow, 4)
    assert execution.result.get_final_result() == 8
    await execution.async_close()
    assert execution.result.get_final_result() == 8
    assert await execution.result.async_get_final_result(timeout=1) == 8


async def test_without_a_final_result_the_facade_gives_the_state() -> None:
    flow = TriggerFlow()

    async def write(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("k", data.value)

    flow.to(write)
    execution = await start(flow, "v")
    await execution.async_close()
    assert execution.result.get_final_result() == {"k": "v"}
