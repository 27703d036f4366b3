"""save -> JSON -> load -> resume gives exactly what resuming in place gives (§4.7, §4.8).

Also the shapes of the stream notices and the resources check on load.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypedDict

import pytest

from tfc import ResourceError, TriggerFlow, TriggerFlowExecution, TriggerFlowRuntimeData
from tfc.runtime.interrupts import Interrupt

from .flows import children_per_item, gate_child, legal_child, nest, review_parent
from .helpers import Runs, canonical_ids, close, items, json_round_trip, only_pending, resume, start, stream_items, without_times

pytestmark = pytest.mark.anyio


def chain_with_three_modes(runs: Runs) -> TriggerFlow[Any]:
    """next, then self (twice), then an event gate, then a batch with one paused branch."""
    flow = TriggerFlow(name="three_modes")

    @flow.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        runs["ask"] += 1
        await data.async_put_into_stream({"asked": data.value})
        await data.async_pause_for(type="question", payload=data.value, interrupt_id="ask")

    @flow.chunk("review")
    async def review(data: TriggerFlowRuntimeData[Any]) -> str:
        runs["review"] += 1
        rounds = data.state.get("rounds", 0) + 1
        data.state["rounds"] = rounds
        if rounds < 3:
            await data.async_pause_for(type="review", payload=rounds, interrupt_id="review", resume_to="self", max_resumes=3)
        return f"{data.value} after {rounds} rounds"

    @flow.chunk("gate")
    async def gate(data: TriggerFlowRuntimeData[Any]) -> None:
        data.state["reviewed"] = data.value
        await data.async_pause_for(type="gate", interrupt_id="gate", resume_to={"event": "Signed"})

    @flow.chunk("left")
    async def left(data: TriggerFlowRuntimeData[Any]) -> str:
        return f"left {data.value}"

    @flow.chunk("right")
    async def right(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_pause_for(type="right", payload=data.value, interrupt_id="right")

    @flow.chunk("done")
    async def done(data: TriggerFlowRuntimeData[Any]) -> object:
        await data.async_put_into_stream({"done": data.value})
        return data.value

    flow.to(ask).to(review).to(gate)
    flow.when("Signed").batch(left, right).to(done).end()
    return flow


def _answer(record: Interrupt) -> object:
    """A payload that depends only on the record, so both runs get the same answers."""
    return {"by": f"answer to {record.type}", "about": record.payload}


Scenario = Callable[[Runs], TriggerFlow[Any]]
SCENARIOS = [
    pytest.param(chain_with_three_modes, "topic", id="next-self-event-batch"),
    pytest.param(lambda runs: review_parent(runs, legal_child(runs)), "contract", id="sub-flow"),
    pytest.param(lambda runs: nest(runs, 2), "memo", id="two-level-nest"),
    pytest.param(lambda runs: nest(runs, 3), "memo", id="three-level-nest"),
    pytest.param(lambda runs: review_parent(runs, gate_child(runs)), "nda", id="pause-inside-child-gate"),
    pytest.param(children_per_item, ["a", "b", "c"], id="child-per-for-each-item"),
]


async def _drive(execution: TriggerFlowExecution, reload: TriggerFlow[Any] | None = None) -> TriggerFlowExecution:
    """Resume the first waiting interrupt (by id) until none waits; with *reload*, save and load
    into a fresh execution of that flow before every resume."""
    while pending := execution.get_pending_interrupts():
        if reload is not None:
            execution = reload.create_execution(auto_close=False).load(json_round_trip(execution.save()))
        # First by payload: random frame ids must not decide the order across separate runs.
        record = min(pending.values(), key=lambda r: (json.dumps(r.payload, sort_keys=True), r.id))
        interrupt_id = record.id
        await resume(execution, interrupt_id, _answer(record), resume_request_id=f"request-{interrupt_id}-{record.resumes}")
    return execution


async def _outcome(execution: TriggerFlowExecution) -> tuple[object, ...]:
    snapshot = await close(execution)
    records = [without_times(r.to_dict()) for r in execution.interrupts.records.values()]
    return snapshot, without_times(await stream_items(execution)), records, execution.status


@pytest.mark.parametrize(("build", "value"), SCENARIOS)
async def test_a_loaded_execution_resumes_exactly_like_the_original(build: Scenario, value: object) -> None:
    runs_in_place, runs_loaded = Runs(), Runs()
    flow = build(runs_in_place)
    original = await start(flow, value)
    document = json_round_trip(original.save())
    assert original.status == "waiting"

    in_place = await _outcome(await _drive(original))

    other = build(runs_loaded)  # fresh flow objects, same definition
    loaded = other.create_execution(auto_close=False).load(document)
    assert loaded.id == original.id and loaded.status == "waiting"
    assert await _outcome(await _drive(loaded)) == in_place
    assert in_place[3] == "completed"


@pytest.mark.parametrize(("build", "value"), SCENARIOS)
async def test_saving_and_loading_before_every_resume_changes_nothing(build: Scenario, value: object) -> None:
    runs = Runs()
    flow = build(runs)
    expected = await _outcome(await _drive(await start(flow, value)))
    once = dict(runs)
    runs.clear()
    got = await _outcome(await _drive(await start(flow, value), reload=build(runs)))
    # Two separate runs: concurrent for_each items may pause and put their first items in
    # another order (trio shuffles its run queue), so records and stream items compare as
    # multisets, each with its random ids renamed on its own.
    def unordered(items: Any) -> list[str]:
        return sorted(json.dumps(canonical_ids(item), sort_keys=True) for item in items)

    assert canonical_ids(got[0]) == canonical_ids(expected[0]) and got[3] == expected[3]
    assert unordered(got[1]) == unordered(expected[1])
    assert unordered(got[2]) == unordered(expected[2])
    assert dict(runs) == once, "every chunk ran as often as without save/load"


async def test_a_saved_document_is_plain_json_and_the_original_is_unaffected() -> None:
    runs = Runs()
    flow = review_parent(runs, legal_child(runs))
    execution = await start(flow, "c")
    document = execution.save()
    assert json_round_trip(document) == document
    assert document["format"] == "tfc.execution/1"
    assert document["flow"] == "document_review" and document["status"] == "waiting"
    assert document["fingerprint"] == flow.compile().fingerprint
    restored = flow.create_execution(auto_close=False).load(document)
    await resume(restored, only_pending(restored), {"by": "x"})
    assert execution.status == "waiting" and execution.get_state() == {}
    await resume(execution, only_pending(execution), {"by": "y"})
    assert (await close(execution))["final"]["approved_by"] == "y"
    assert (await close(restored))["final"]["approved_by"] == "x"


async def test_a_running_execution_cannot_be_saved() -> None:
    from tfc import SnapshotError

    flow = TriggerFlow(name="saves_itself")
    caught: list[str] = []

    @flow.chunk("save_now")
    async def save_now(data: TriggerFlowRuntimeData[Any]) -> None:
        execution = data._act.execution
        with pytest.raises(SnapshotError) as info:
            execution.save()
        caught.append(str(info.value))

    flow.to(save_now)
    await close(await start(flow))
    assert len(caught) == 1 and "is running" in caught[0]


async def test_state_that_is_not_json_cannot_be_saved_and_the_message_says_where() -> None:
    from tfc import SnapshotError

    flow = TriggerFlow(name="live_object_in_state")

    @flow.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        data.state["client"] = {"socket": object()}
        await data.async_pause_for()

    flow.to(ask)
    execution = await start(flow)
    with pytest.raises(SnapshotError, match=r"document\['state'\]\['client'\]\['socket'\]: a object is not JSON"):
        execution.save()


# -- stream notices ---------------------------------------------------------------------------

RECORD_KEYS = {
    "id", "type", "payload", "status", "resume_to", "resume_event", "max_resumes", "resumes",
    "chunk", "source_flow_name", "resume_value", "created_at", "resumed_at",
}  # fmt: skip


async def test_pause_and_resume_notices() -> None:
    runs = Runs()
    flow = chain_with_three_modes(runs)
    execution = await start(flow, "t")
    pause = [i for i in items(execution) if i.get("type") == "interrupt"]
    assert len(pause) == 1
    notice = pause[0]
    assert set(notice) == {"type", "action", "execution_id", "interrupt"}
    assert (notice["type"], notice["action"], notice["execution_id"]) == ("interrupt", "pause", execution.id)
    assert set(notice["interrupt"]) == RECORD_KEYS
    assert without_times(notice["interrupt"]) == {
        "id": "ask",
        "type": "question",
        "payload": "t",
        "status": "waiting",
        "resume_to": "next",
        "resume_event": None,
        "max_resumes": 1,
        "resumes": 0,
        "chunk": "ask",
        "source_flow_name": "three_modes",
        "resume_value": None,
    }
    assert isinstance(notice["interrupt"]["created_at"], float)
    await resume(execution, "ask", "fine")
    notice = [i for i in items(execution) if i.get("action") == "resume"][0]
    assert set(notice) == {"type", "action", "execution_id", "interrupt", "value"}
    assert (notice["action"], notice["value"]) == ("resume", "fine")
    assert notice["interrupt"]["status"] == "resumed" and notice["interrupt"]["resume_value"] == "fine"
    assert notice["interrupt"]["resumes"] == 1 and isinstance(notice["interrupt"]["resumed_at"], float)


async def test_project_notice_follows_the_bridged_child_pause() -> None:
    runs = Runs()
    execution = await start(review_parent(runs, legal_child(runs)), "c")
    shown = [i for i in items(execution) if i.get("type") == "interrupt"]
    assert [i["action"] for i in shown] == ["pause", "project"]
    child_pause, project = shown
    assert child_pause["execution_id"] != execution.id
    assert child_pause["interrupt"]["id"] == "legal"
    assert child_pause["interrupt"]["source_flow_name"] == "legal_review"
    assert project["execution_id"] == execution.id
    record = project["interrupt"]
    assert set(record) == RECORD_KEYS | {"sub_flow_frame_id", "local_interrupt_id", "child_interrupt"}
    assert record["id"] == only_pending(execution)
    assert record["local_interrupt_id"] == "legal"
    assert record["child_interrupt"] == child_pause["interrupt"]

    await resume(execution, record["id"], {"by": "z"})
    resumes = [i for i in items(execution) if i.get("action") == "resume"]
    assert [(i["execution_id"], i["interrupt"]["id"]) for i in resumes] == [
        (execution.id, record["id"]),
        (child_pause["execution_id"], "legal"),
    ]


# -- resources ----------------------------------------------------------------------------------


class Services(TypedDict):
    mailer: Any
    archive: Any


def mailing_flow() -> TriggerFlow[Any]:
    flow = TriggerFlow(name="mailing", resources=Services)

    @flow.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_pause_for(interrupt_id="ask")

    @flow.chunk("send")
    async def send(data: TriggerFlowRuntimeData[Any]) -> object:
        data.require_resource("mailer").append(data.value)
        return data.value

    flow.to(ask).to(send).end()
    return flow


async def test_missing_required_resources_are_reported_on_load() -> None:
    flow = mailing_flow()
    sent: list[object] = []
    execution = await start(flow, runtime_resources={"mailer": sent, "archive": None})
    document = json_round_trip(execution.save())
    assert "mailer" not in str(document["state"]), "resources are never saved"

    fresh = flow.create_execution(auto_close=False)
    with pytest.raises(ResourceError) as info:
        fresh.load(document, runtime_resources={"archive": None})
    assert isinstance(info.value, KeyError)
    assert "required resources missing: mailer" in str(info.value)
    assert 'flow "mailing"' in str(info.value)
    assert fresh.get_pending_interrupts() == {}, "nothing was restored"

    outbox: list[object] = []
    fresh.load(document, runtime_resources={"mailer": outbox, "archive": None})
    await resume(fresh, "ask", "hello")
    assert outbox == ["hello"] and sent == []


async def test_flow_level_resources_satisfy_the_requirement() -> None:
    flow = mailing_flow()
    outbox: list[object] = []
    flow.update_runtime_resources(mailer=outbox, archive=None)
    execution = await start(flow)
    restored = flow.create_execution(auto_close=False).load(json_round_trip(execution.save()))
    await resume(restored, "ask", "hi")
    assert outbox == ["hi"]
