"""A pause holds only its own chain: batch and for_each joins complete after the resume (§7 B5)."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData

from .helpers import items as stream_dicts
from .helpers import DEADLINE, Runs, close, json_round_trip, only_pending, resume, start

pytestmark = pytest.mark.anyio


def review_batch(runs: Runs, paused: anyio.Event | None = None) -> TriggerFlow[Any]:
    """A batch of three: ``legal`` pauses; ``facts`` finishes only after that pause."""
    flow = TriggerFlow(name="review_batch")

    @flow.chunk("facts")
    async def facts(data: TriggerFlowRuntimeData[Any]) -> str:
        if paused is not None:
            await paused.wait()
        runs["facts"] += 1
        await data.async_put_into_stream({"delivered": "facts"})
        return f"facts on {data.value}"

    @flow.chunk("legal")
    async def legal(data: TriggerFlowRuntimeData[Any]) -> str:
        runs["legal"] += 1
        await data.async_pause_for(type="legal_review", payload=data.value, interrupt_id="legal")
        if paused is not None:
            paused.set()
        return "never forwarded"

    @flow.chunk("risks")
    async def risks(data: TriggerFlowRuntimeData[Any]) -> list[str]:
        runs["risks"] += 1
        await data.async_put_into_stream({"delivered": "risks"})
        return ["late"]

    @flow.chunk("compile_report")
    async def compile_report(data: TriggerFlowRuntimeData[Any]) -> object:
        runs["compile_report"] += 1
        data.state["keys"] = list(data.value)
        return data.value

    flow.to(lambda data: data.value).batch(facts, legal, risks).to(compile_report).end()
    return flow


async def test_siblings_deliver_and_the_join_completes_after_the_resume_in_declaration_order() -> None:
    runs = Runs()
    execution = await start(review_batch(runs, anyio.Event()), "topic")
    assert only_pending(execution) == "legal"
    assert runs == {"facts": 1, "legal": 1, "risks": 1}, "siblings ran to the end, one after the pause"
    assert runs["compile_report"] == 0
    items = stream_dicts(execution)
    pause_at = next(i for i, item in enumerate(items) if item.get("action") == "pause")
    assert items.index({"delivered": "facts"}) > pause_at, "facts delivered after legal paused"
    assert {"delivered": "risks"} in items

    await resume(execution, "legal", "cleared")
    assert runs["compile_report"] == 1
    snapshot = await close(execution)
    assert snapshot["$final_result"] == {"facts": "facts on topic", "legal": "cleared", "risks": ["late"]}
    assert snapshot["keys"] == ["facts", "legal", "risks"]


async def test_the_held_join_survives_save_and_load() -> None:
    runs = Runs()
    flow = review_batch(runs)
    execution = await start(flow, "topic")
    restored = flow.create_execution(auto_close=False).load(json_round_trip(execution.save()))
    await resume(restored, "legal", "cleared")
    assert runs == {"facts": 1, "legal": 1, "risks": 1, "compile_report": 1}
    assert (await close(restored))["$final_result"] == {
        "facts": "facts on topic",
        "legal": "cleared",
        "risks": ["late"],
    }


async def test_a_resume_that_arrives_before_the_fan_out_returned_is_kept_for_its_join() -> None:
    """The paused branch is resumed while a sibling is still running: the join still fills."""
    runs = Runs()
    paused, resumed = anyio.Event(), anyio.Event()
    flow = TriggerFlow(name="early_resume")

    @flow.chunk("slow")
    async def slow(data: TriggerFlowRuntimeData[Any]) -> str:
        await resumed.wait()
        runs["slow"] += 1
        return "slow"

    @flow.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_pause_for(interrupt_id="ask")
        paused.set()

    @flow.chunk("join")
    async def join(data: TriggerFlowRuntimeData[Any]) -> object:
        runs["join"] += 1
        return data.value

    flow.batch(slow, ask).to(join).end()
    execution = flow.create_execution(auto_close=False)
    with anyio.fail_after(DEADLINE):
        async with anyio.create_task_group() as tg:
            tg.start_soon(execution.async_start, None)
            await paused.wait()
            await execution.async_continue_with("ask", "answer")
            assert runs["join"] == 0, "the batch is still running"
            resumed.set()
    assert runs == {"slow": 1, "join": 1}
    assert (await close(execution))["$final_result"] == {"slow": "slow", "ask": "answer"}


def paused_items(runs: Runs) -> TriggerFlow[Any]:
    """for_each over numbers: odd items pause for a decision, even ones go straight through."""
    flow = TriggerFlow(name="paused_items")

    @flow.chunk("check")
    async def check(data: TriggerFlowRuntimeData[Any]) -> object:
        runs["check"] += 1
        if data.value % 2:
            await data.async_pause_for(type="decide", payload=data.value, interrupt_id=f"item-{data.value}")
            return None
        return data.value * 10

    @flow.chunk("label")
    async def label(data: TriggerFlowRuntimeData[Any]) -> str:
        runs["label"] += 1
        return f"#{data.value}"

    @flow.chunk("total")
    async def total(data: TriggerFlowRuntimeData[Any]) -> object:
        runs["total"] += 1
        return data.value

    flow.to(lambda data: data.value).for_each().to(check).to(label).end_for_each().to(total).end()
    return flow


@pytest.mark.parametrize("reload", [pytest.param(False, id="in-place"), pytest.param(True, id="save-load")])
async def test_for_each_keeps_input_order_whatever_order_the_items_resume_in(reload: bool) -> None:
    runs = Runs()
    flow = paused_items(runs)
    execution = await start(flow, [1, 2, 3, 4, 5])
    assert list(execution.get_pending_interrupts()) == ["item-1", "item-3", "item-5"]
    assert runs == {"check": 5, "label": 2}
    if reload:
        execution = flow.create_execution(auto_close=False).load(json_round_trip(execution.save()))
    await resume(execution, "item-5", 55)
    await resume(execution, "item-1", 11)
    assert runs["total"] == 0 and execution.status == "waiting"
    await resume(execution, "item-3", 33)
    assert runs == {"check": 5, "label": 5, "total": 1}
    assert (await close(execution))["$final_result"] == ["#11", "#20", "#33", "#40", "#55"]


async def test_nested_for_each_items_pause_and_join_per_instance() -> None:
    flow = TriggerFlow(name="nested_items")

    @flow.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_pause_for(interrupt_id=f"ask-{data.value}")

    (
        flow.to(lambda data: [["a", "b"], ["c"]])
        .for_each()
        .for_each()
        .to(ask)
        .end_for_each()
        .end_for_each()
        .end()
    )
    execution = await start(flow)
    assert set(execution.get_pending_interrupts()) == {"ask-a", "ask-b", "ask-c"}
    for key in ("c", "a", "b"):
        await resume(execution, f"ask-{key}", key.upper())
    assert (await close(execution))["$final_result"] == [["A", "B"], ["C"]]
