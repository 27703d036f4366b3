"""continue_with: resume_request_id idempotency, unknown and resolved ids, retries (SEMANTICS §4.6)."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from tfc import ExecutionStateError, TriggerFlow, TriggerFlowRuntimeData, UnknownInterruptError

from .helpers import DEADLINE, Runs, close, json_round_trip, only_pending, resume, start

pytestmark = pytest.mark.anyio


def approval_flow(runs: Runs, *, fail_first: bool = False) -> TriggerFlow[Any]:
    flow = TriggerFlow(name="approval")

    @flow.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        runs["ask"] += 1
        await data.async_pause_for(type="approval", payload=data.value, interrupt_id=f"ask-{data.value}")

    @flow.chunk("apply")
    async def apply(data: TriggerFlowRuntimeData[Any]) -> object:
        runs["apply"] += 1
        if fail_first and runs["apply"] == 1:
            raise ConnectionError("approval service down")
        await data.async_append_state("applied", data.value)
        return data.value

    flow.to(ask).to(apply).end()
    return flow


async def test_a_repeated_request_returns_the_same_record_and_runs_nothing_twice() -> None:
    runs = Runs()
    execution = await start(approval_flow(runs), "a")
    first = await resume(execution, "ask-a", {"ok": True}, resume_request_id="webhook-1")
    second = await resume(execution, "ask-a", {"ok": True}, resume_request_id="webhook-1")
    assert second is first
    assert first is not None and first.status == "resumed" and first.resumes == 1
    assert runs == {"ask": 1, "apply": 1}
    assert execution.get_state("applied") == [{"ok": True}]
    notices = [i for i in list(execution.stream.items) if isinstance(i, dict) and i.get("action") == "resume"]
    assert len(notices) == 1, "the repeat puts no second resume notice"


async def test_a_repeated_request_after_save_and_load_runs_nothing() -> None:
    runs = Runs()
    flow = approval_flow(runs)
    execution = await start(flow, "a")
    await resume(execution, "ask-a", "yes", resume_request_id="webhook-1")
    restored = flow.create_execution(auto_close=False).load(json_round_trip(execution.save()))
    again = await resume(restored, "ask-a", "yes", resume_request_id="webhook-1")
    assert again is not None and again.id == "ask-a" and again.status == "resumed"
    assert runs == {"ask": 1, "apply": 1}
    with pytest.raises(ExecutionStateError, match="already used"):
        await resume(restored, "ask-a", "no", resume_request_id="webhook-1")


async def test_the_same_request_id_with_another_payload_is_an_error() -> None:
    runs = Runs()
    execution = await start(approval_flow(runs), "a")
    await resume(execution, "ask-a", {"ok": True}, resume_request_id="webhook-1")
    with pytest.raises(ExecutionStateError) as info:
        await resume(execution, "ask-a", {"ok": False}, resume_request_id="webhook-1")
    message = str(info.value)
    assert '"webhook-1"' in message and '"ask-a"' in message and "{'ok': True}" in message
    assert runs == {"ask": 1, "apply": 1}


async def test_the_same_request_id_for_another_interrupt_is_an_error() -> None:
    runs = Runs()
    flow = approval_flow(runs)
    flow.when("More").to("ask")
    execution = await start(flow, "a")
    await execution.async_emit("More", "b")
    assert set(execution.get_pending_interrupts()) == {"ask-a", "ask-b"}
    await resume(execution, "ask-a", 1, resume_request_id="r")
    with pytest.raises(ExecutionStateError, match='already used to resume "ask-a"'):
        await resume(execution, "ask-b", 1, resume_request_id="r")
    assert list(execution.get_pending_interrupts()) == ["ask-b"]
    assert runs == {"ask": 2, "apply": 1}


async def test_an_unknown_id_raises_unknown_interrupt_error_listing_the_waiting_ids() -> None:
    runs = Runs()
    flow = approval_flow(runs)
    flow.when("More").to("ask")
    execution = await start(flow, "a")
    await execution.async_emit("More", "b")
    with pytest.raises(UnknownInterruptError) as info:
        await resume(execution, "ask-c", None)
    assert isinstance(info.value, KeyError)
    assert str(info.value) == (
        f'execution {execution.id} has no interrupt "ask-c"; waiting interrupts: ask-a, ask-b'
    )
    assert runs == {"ask": 2}
    assert execution.status == "waiting"


async def test_an_unknown_id_with_nothing_waiting_says_none() -> None:
    execution = await start(approval_flow(Runs()), "a")
    await resume(execution, "ask-a", 1)
    with pytest.raises(UnknownInterruptError, match="waiting interrupts: none"):
        await resume(execution, "nope", 1)


async def test_an_already_resolved_id_is_refused() -> None:
    runs = Runs()
    execution = await start(approval_flow(runs), "a")
    await resume(execution, "ask-a", 1)
    with pytest.raises(ExecutionStateError, match='interrupt "ask-a" is resumed, not waiting; waiting interrupts: none'):
        await resume(execution, "ask-a", 1)
    with pytest.raises(ExecutionStateError, match="is resumed, not waiting"):
        await resume(execution, "ask-a", 1, resume_request_id="fresh-request")
    assert runs == {"ask": 1, "apply": 1}


async def test_a_failed_request_rolls_back_to_waiting_and_can_be_retried() -> None:
    runs = Runs()
    execution = await start(approval_flow(runs, fail_first=True), "a")
    with pytest.raises(Exception, match="approval service down"):
        await resume(execution, "ask-a", "yes", resume_request_id="webhook-1")
    record = execution.get_interrupt("ask-a")
    assert record is not None and (record.status, record.resumes) == ("waiting", 0)
    assert execution.status == "waiting"
    again = await resume(execution, "ask-a", "yes", resume_request_id="webhook-1")
    assert again is record and record.status == "resumed"
    assert runs == {"ask": 1, "apply": 2}
    assert execution.get_state("applied") == ["yes"]


async def test_a_duplicate_request_arriving_during_the_first_waits_and_returns_the_same_record() -> None:
    """A webhook delivered twice at once: the second waits for the first, then runs nothing."""
    flow = TriggerFlow(name="slow_apply")
    entered, release = anyio.Event(), anyio.Event()
    runs = Runs()

    @flow.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_pause_for(interrupt_id="ask")

    @flow.chunk("apply")
    async def apply(data: TriggerFlowRuntimeData[Any]) -> object:
        runs["apply"] += 1
        entered.set()
        await release.wait()
        return data.value

    flow.to(ask).to(apply).end()
    execution = await start(flow)
    results: list[object] = []

    async def deliver() -> None:
        results.append(await execution.async_continue_with("ask", "yes", resume_request_id="hook"))

    with anyio.fail_after(DEADLINE):
        async with anyio.create_task_group() as tg:
            tg.start_soon(deliver)
            await entered.wait()
            tg.start_soon(deliver)
            await anyio.wait_all_tasks_blocked()
            assert results == [], "the duplicate neither failed nor returned while the first runs"
            release.set()
    assert len(results) == 2 and results[0] is results[1]
    assert runs == {"apply": 1}
    assert await close(execution) == {"$final_result": "yes"}


async def test_continue_with_on_a_closed_execution_warns_and_returns_none() -> None:
    runs = Runs()
    execution = await start(approval_flow(runs), "a")
    await close(execution, pending_interrupts="cancel")
    with pytest.warns(RuntimeWarning, match="continue_with ignored"):
        assert await resume(execution, "ask-a", 1) is None
    assert runs == {"ask": 1}


async def test_a_failed_request_through_a_sub_flow_frame_can_be_retried() -> None:
    """The child's failure rolls back the child's interrupt too, so the root id resumes again."""
    from tfc import SubFlowError

    runs = Runs()
    child = TriggerFlow(name="flaky_child")

    @child.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_pause_for(interrupt_id="local")

    @child.chunk("file")
    async def file(data: TriggerFlowRuntimeData[Any]) -> object:
        runs["file"] += 1
        if runs["file"] == 1:
            raise ConnectionError("archive down")
        await data.async_put_into_stream({"filed": data.value})
        return data.value

    child.to(ask).to(file).end()
    parent = TriggerFlow(name="flaky_parent")
    parent.to_sub_flow(child).end()
    execution = await start(parent)
    root_id = only_pending(execution)
    with pytest.raises(SubFlowError, match="archive down") as info:
        await resume(execution, root_id, "doc", resume_request_id="hook")
    assert info.value.child_flow == "flaky_child" and info.value.child_chunk == "file"
    assert execution.status == "waiting" and only_pending(execution) == root_id

    restored = parent.create_execution(auto_close=False).load(json_round_trip(execution.save()))
    for target in (execution, restored):
        await resume(target, root_id, "doc", resume_request_id="hook")
        assert (await close(target))["$final_result"] == "doc"
        assert [i for i in list(target.stream.items) if isinstance(i, dict) and "filed" in i] == [{"filed": "doc"}]
    assert runs == {"file": 3}
