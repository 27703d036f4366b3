"""Pausing inside generated code, saving, loading and resuming (the resume runs on the
engine) gives what the engine gives; `run()` refuses a pause like `flow.async_start`."""

from __future__ import annotations

import json
from typing import Any

import anyio
import pytest

from tfc import ChunkError, TriggerFlow, TriggerFlowExecution, TriggerFlowRuntimeData
from tfc.codegen import load_runner

pytestmark = [pytest.mark.anyio, pytest.mark.filterwarnings("ignore::tfc.compile.FlowWarning")]

D = TriggerFlowRuntimeData[Any, Any]


def review_flow() -> TriggerFlow[Any]:
    """for_each over drafts; odd drafts pause for review; a batch after the join."""
    flow = TriggerFlow(name="review")

    @flow.chunk("draft")
    async def draft(data: D) -> object:
        await data.async_put_into_stream({"draft": data.value})
        if data.value % 2:
            await data.async_pause_for(type="review", payload=data.value, interrupt_id=f"review-{data.value}")
        return data.value * 10

    @flow.chunk("count")
    async def count(data: D) -> int:
        return len(data.value)

    @flow.chunk("total")
    def total(data: D) -> int:
        return sum(data.value)

    flow.for_each().to(draft).end_for_each().batch(count, total).end()
    return flow


async def _drive(make: Any) -> tuple[list[object], dict[str, Any], str]:
    """Start, save/load (through JSON) before every resume, resume in id order, close."""
    with anyio.fail_after(10):
        execution: TriggerFlowExecution = make()
        await execution.async_start([1, 2, 3])
        items = list(execution.stream.items)
        while execution.get_pending_interrupts():
            document = json.loads(json.dumps(execution.save()))
            execution = make().load(document)
            interrupt_id = sorted(execution.get_pending_interrupts())[0]
            await execution.async_continue_with(interrupt_id, int(interrupt_id.removeprefix("review-")) * 100)
            items += [i for i in execution.stream.items if isinstance(i, dict) and i.get("type") != "interrupt"]
        snapshot = await execution.async_close()
        return [_strip(i) for i in items], snapshot, execution.status


def _strip(item: object) -> object:
    if isinstance(item, dict) and item.get("type") == "interrupt":
        return (item["action"], item["interrupt"]["id"])
    return item


async def test_pause_save_load_resume_matches_the_engine() -> None:
    flow = review_flow()
    runner = load_runner(flow)
    engine = await _drive(lambda: flow.create_execution(auto_close=False))
    generated = await _drive(lambda: runner.create_execution(auto_close=False))
    assert generated == engine
    assert engine[1]["$final_result"] == {"count": 3, "total": 100 + 20 + 300}
    assert engine[2] == "completed"


async def test_run_refuses_a_pause_like_a_hidden_execution() -> None:
    flow = review_flow()
    runner = load_runner(flow)
    with pytest.raises(ChunkError) as engine:
        await flow.async_start([1])
    with pytest.raises(ChunkError) as generated:
        await runner.run([1])
    assert str(generated.value) == str(engine.value)
