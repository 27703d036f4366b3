"""Closing with pending interrupts; hidden starts (flow.start/async_start) refuse to pause (§4.5, §4.6)."""

from __future__ import annotations

from typing import Any

import pytest

from tfc import ChunkError, ExecutionStateError, TriggerFlow, TriggerFlowRuntimeData
from tfc.compile import FlowWarning

from .helpers import Runs, close, only_pending, resume, start

pytestmark = pytest.mark.anyio


def pausing_flow(runs: Runs, name: str = "pausing") -> TriggerFlow[Any]:
    flow = TriggerFlow(name=name)

    @flow.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        runs["ask"] += 1
        await data.async_pause_for(type="approval", payload=data.value, interrupt_id="ask")

    @flow.chunk("after")
    async def after(data: TriggerFlowRuntimeData[Any]) -> object:
        runs["after"] += 1
        return data.value

    flow.to(ask).to(after).end()
    return flow


async def test_close_refuses_by_default_and_keeps_the_execution_open_and_waiting() -> None:
    runs = Runs()
    execution = await start(pausing_flow(runs), "x")
    with pytest.raises(ExecutionStateError) as info:
        await close(execution)
    assert str(info.value) == (
        f"execution {execution.id} has waiting interrupts (ask); resume them with continue_with(...),"
        ' or close(pending_interrupts="cancel")'
    )
    assert execution.is_open() and execution.status == "waiting"
    assert only_pending(execution) == "ask"

    await resume(execution, "ask", "go")
    assert await close(execution) == {"$final_result": "go"}
    assert execution.get_status() == "completed"


async def test_close_cancel_marks_the_interrupts_cancelled_and_the_execution_cancelled() -> None:
    runs = Runs()
    execution = await start(pausing_flow(runs), "x")
    snapshot = await close(execution, pending_interrupts="cancel")
    assert snapshot == {}
    record = execution.get_interrupt("ask")
    assert record is not None and record.status == "cancelled"
    assert execution.get_pending_interrupts() == {}
    assert execution.status == "cancelled" and execution.is_closed()
    assert runs == {"ask": 1}


def test_sync_close_with_pending_interrupts() -> None:
    runs = Runs()
    flow = pausing_flow(runs)
    execution = flow.create_execution(auto_close=False)
    execution.start("x")
    with pytest.raises(ExecutionStateError, match="waiting interrupts"):
        execution.close()
    assert execution.status == "waiting"
    execution.continue_with("ask", "go")
    assert execution.close() == {"$final_result": "go"}


def _explains_explicit_execution(error: BaseException) -> bool:
    """The error (or the chunk error's cause) is an ExecutionStateError telling what to do."""
    cause = error.__cause__ if isinstance(error, ChunkError) else error
    return (
        isinstance(cause, ExecutionStateError)
        and "flow.start()/flow.async_start()" in str(cause)
        and "flow.create_execution(auto_close=False)" in str(cause)
    )


async def test_hidden_async_start_refuses_a_pausing_flow_with_a_clear_error() -> None:
    runs = Runs()
    flow = pausing_flow(runs, "hidden_async")
    with pytest.warns(FlowWarning, match="TFC501"), pytest.raises(ChunkError) as info:
        await flow.async_start("x")
    assert _explains_explicit_execution(info.value)
    assert runs == {"ask": 1}


def test_hidden_sync_start_refuses_a_pausing_flow_with_a_clear_error() -> None:
    runs = Runs()
    flow = pausing_flow(runs, "hidden_sync")
    with pytest.warns(FlowWarning, match="TFC501"), pytest.raises(ChunkError) as info:
        flow.start("x")
    assert _explains_explicit_execution(info.value)


async def test_hidden_start_whose_child_flow_pauses_raises_instead_of_waiting_forever() -> None:
    runs = Runs()
    parent = TriggerFlow(name="hidden_parent")
    parent.to_sub_flow(pausing_flow(runs, "paused_child")).end()
    with pytest.warns(FlowWarning, match='TFC501 chunk "paused_child/ask"'), pytest.raises(ExecutionStateError) as info:
        await parent.async_start("x")
    assert _explains_explicit_execution(info.value)
    assert 'sub-flow "paused_child"' in str(info.value)
