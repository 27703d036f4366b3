"""Resume modes: next, self, event; max_resumes; what resumed handlers see (SEMANTICS §4.6)."""

from __future__ import annotations

from typing import Any

import pytest

from tfc import ExecutionStateError, TriggerFlow, TriggerFlowRuntimeData

from .helpers import Runs, close, only_pending, resume, start, user_items

pytestmark = pytest.mark.anyio


def next_flow(runs: Runs, seen: list[tuple[str, object, bool]]) -> TriggerFlow[Any]:
    flow = TriggerFlow(name="next_mode")

    @flow.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> str:
        runs["ask"] += 1
        seen.append(("ask", data.value, data.is_resume))
        await data.async_pause_for(type="approval", payload={"question": data.value})
        return "never forwarded"

    @flow.chunk("after")
    async def after(data: TriggerFlowRuntimeData[Any]) -> object:
        runs["after"] += 1
        seen.append(("after", data.value, data.is_resume))
        assert data.resume is not None
        data.state["resumed_by"] = data.resume.interrupt_id
        data.state["resume_value"] = data.resume.value
        return data.value

    flow.to(ask).to(after).end()
    return flow


async def test_next_hands_the_payload_to_the_next_chunk() -> None:
    runs, seen = Runs(), list[tuple[str, object, bool]]()
    execution = await start(next_flow(runs, seen), "topic")
    assert execution.status == "waiting"
    iid = only_pending(execution)
    record = execution.get_interrupt(iid)
    assert record is not None
    assert (record.type, record.payload, record.resume_to, record.status) == (
        "approval",
        {"question": "topic"},
        "next",
        "waiting",
    )
    assert runs == {"ask": 1}, "the pausing chunk's return value is not forwarded"

    returned = await resume(execution, iid, {"approved": True})
    assert returned is record
    assert record.status == "resumed" and record.resume_value == {"approved": True}
    assert seen == [("ask", "topic", False), ("after", {"approved": True}, True)]
    assert execution.get_status() == "running"
    assert execution.get_pending_interrupts() == {}
    assert await close(execution) == {
        "resumed_by": iid,
        "resume_value": {"approved": True},
        "$final_result": {"approved": True},
    }
    assert execution.get_status() == "completed"


def self_flow(runs: Runs, seen: list[tuple[object, bool, object]], max_resumes: int = 1) -> TriggerFlow[Any]:
    flow = TriggerFlow(name="self_mode")

    @flow.chunk("review")
    async def review(data: TriggerFlowRuntimeData[Any]) -> str:
        runs["review"] += 1
        answer = data.resume.value if data.resume is not None else None
        seen.append((data.value, data.is_resume, answer))
        if answer != "approve":
            await data.async_pause_for(
                type="review", payload={"draft": data.value}, resume_to="self", max_resumes=max_resumes
            )
            return "never forwarded"
        return f"{data.value} (approved)"

    @flow.chunk("publish")
    async def publish(data: TriggerFlowRuntimeData[Any]) -> object:
        runs["publish"] += 1
        return data.value

    flow.to(review).to(publish).end()
    return flow


async def test_self_reruns_the_chunk_with_its_original_input_and_the_payload_in_resume() -> None:
    runs, seen = Runs(), list[tuple[object, bool, object]]()
    execution = await start(self_flow(runs, seen), "draft 1")
    iid = only_pending(execution)
    await resume(execution, iid, "approve")
    assert seen == [("draft 1", False, None), ("draft 1", True, "approve")]
    assert runs == {"review": 2, "publish": 1}
    assert await close(execution) == {"$final_result": "draft 1 (approved)"}


async def test_self_may_pause_again_under_the_same_id_until_max_resumes() -> None:
    runs, seen = Runs(), list[tuple[object, bool, object]]()
    execution = await start(self_flow(runs, seen, max_resumes=2), "d")
    iid = only_pending(execution)
    await resume(execution, iid, "revise")
    assert only_pending(execution) == iid, "a self re-run that pauses again keeps the interrupt id"
    assert execution.status == "waiting"
    await resume(execution, iid, "revise again")
    assert only_pending(execution) == iid
    record = execution.get_interrupt(iid)
    assert record is not None and record.resumes == 2

    with pytest.raises(ExecutionStateError, match=r"resumed 2 time\(s\); max_resumes=2"):
        await resume(execution, iid, "approve")
    assert runs == {"review": 3}, "the refused resume ran nothing"
    assert execution.status == "waiting"
    assert only_pending(execution) == iid


async def test_max_resumes_one_refuses_a_second_self_resume() -> None:
    runs, seen = Runs(), list[tuple[object, bool, object]]()
    execution = await start(self_flow(runs, seen), "d")
    iid = only_pending(execution)
    await resume(execution, iid, "revise")
    with pytest.raises(ExecutionStateError, match="max_resumes=1"):
        await resume(execution, iid, "approve")
    assert runs == {"review": 2}


def event_flow(runs: Runs, seen: list[tuple[str, object, bool]]) -> TriggerFlow[Any]:
    flow = TriggerFlow(name="event_mode")

    @flow.chunk("submit")
    async def submit(data: TriggerFlowRuntimeData[Any]) -> str:
        runs["submit"] += 1
        await data.async_pause_for(
            type="legal_approval", payload={"doc": data.value}, resume_to={"event": "LegalApprovalSubmitted"}
        )
        return "never forwarded"

    @flow.chunk("not_reached")
    async def not_reached(data: TriggerFlowRuntimeData[Any]) -> None:
        runs["not_reached"] += 1

    @flow.chunk("record_approval")
    async def record_approval(data: TriggerFlowRuntimeData[Any]) -> None:
        runs["record_approval"] += 1
        seen.append(("record_approval", data.value, data.is_resume))
        await data.async_put_into_stream({"approved_by": data.value["by"]})
        data.state["approval"] = data.value

    flow.to(submit).to(not_reached)
    flow.when("LegalApprovalSubmitted").to(record_approval)
    return flow


async def test_event_dispatches_the_payload_as_that_event_to_its_when_chain() -> None:
    runs, seen = Runs(), list[tuple[str, object, bool]]()
    execution = await start(event_flow(runs, seen), "contract")
    iid = only_pending(execution)
    record = execution.get_interrupt(iid)
    assert record is not None and (record.resume_to, record.resume_event) == ("event", "LegalApprovalSubmitted")

    await resume(execution, iid, {"by": "legal"})
    assert seen == [("record_approval", {"by": "legal"}, True)]
    assert runs == {"submit": 1, "record_approval": 1}, "the paused chain itself does not continue"
    assert user_items(execution) == [{"approved_by": "legal"}]
    assert await close(execution) == {"approval": {"by": "legal"}}


async def test_emitting_the_resume_event_yourself_resolves_the_interrupt_without_is_resume() -> None:
    runs, seen = Runs(), list[tuple[str, object, bool]]()
    execution = await start(event_flow(runs, seen), "contract")
    iid = only_pending(execution)
    await execution.async_emit("LegalApprovalSubmitted", {"by": "outside"})
    assert seen == [("record_approval", {"by": "outside"}, False)]
    record = execution.get_interrupt(iid)
    assert record is not None and record.status == "resumed"
    assert execution.get_pending_interrupts() == {}
    assert execution.status == "running"
    assert await close(execution) == {"approval": {"by": "outside"}}


async def test_legacy_resume_event_spelling_is_an_event_resume() -> None:
    flow = TriggerFlow(name="legacy_event")
    seen: list[object] = []

    @flow.chunk("wait")
    async def wait(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_pause_for(resume_event="Go")

    @flow.chunk("go")
    async def go(data: TriggerFlowRuntimeData[Any]) -> None:
        seen.append(data.value)

    flow.to(wait)
    flow.when("Go").to(go)
    execution = await start(flow)
    await resume(execution, only_pending(execution), 7)
    assert seen == [7]


@pytest.mark.parametrize(
    "resume_to",
    [pytest.param("later", id="unknown-word"), pytest.param({"event": "E", "x": 1}, id="extra-key")],
)
async def test_a_bad_resume_to_fails_the_pausing_chunk(resume_to: object) -> None:
    flow = TriggerFlow(name="bad_resume_to")

    @flow.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_pause_for(resume_to=resume_to)  # type: ignore[arg-type]

    flow.to(ask)
    execution = flow.create_execution(auto_close=False)
    with pytest.raises(Exception, match="resume_to must be") as info:
        await execution.async_start()
    assert isinstance(info.value.__cause__, ValueError)
    assert execution.status == "failed"


async def test_the_interrupt_id_can_be_chosen_and_a_waiting_one_cannot_be_reused() -> None:
    flow = TriggerFlow(name="chosen_ids")

    @flow.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_pause_for(interrupt_id="approval-1")

    flow.to(ask)
    flow.when("Again").to(ask)
    execution = await start(flow)
    assert only_pending(execution) == "approval-1"
    with pytest.raises(Exception, match='interrupt id "approval-1" is already waiting') as info:
        await execution.async_emit("Again")
    assert isinstance(info.value.__cause__, ExecutionStateError)
