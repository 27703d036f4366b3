"""Bad documents: each is a SnapshotError naming the field path; nothing is restored or stored.

After every refused document the same execution still loads the good one, and a SQLiteStore
holding the bad document is left byte-for-byte as it was.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tfc import SnapshotError, TriggerFlow, TriggerFlowExecution, TriggerFlowRuntimeData
from tfc.runtime.stores import SQLiteStore

from .flows import legal_child, review_parent
from .helpers import Runs, json_round_trip, only_pending, resume, start

pytestmark = pytest.mark.anyio


def approval_flow(extra_step: bool = False) -> TriggerFlow[Any]:
    flow = TriggerFlow(name="approval")

    @flow.chunk("prepare")
    async def prepare(data: TriggerFlowRuntimeData[Any]) -> object:
        return data.value

    @flow.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        data.state["asked"] = data.value
        await data.async_pause_for(type="approval", payload=data.value, interrupt_id="ask")

    @flow.chunk("after")
    async def after(data: TriggerFlowRuntimeData[Any]) -> object:
        return data.value

    process = flow.to(prepare).to(ask).to(after)
    if extra_step:
        process = process.to(after)
    process.end()
    return flow


def other_flow() -> TriggerFlow[Any]:
    flow = TriggerFlow(name="other")

    @flow.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_pause_for(interrupt_id="ask")

    flow.to(ask)
    return flow


Mutation = Callable[[dict[str, Any]], Any]


def _set(path: tuple[object, ...], value: object) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _step_of(chunk_name: str) -> Mutation:
    """Point the interrupt at the step that runs *chunk_name* (a real step, but not its own)."""

    def mutate(doc: dict[str, Any]) -> None:
        plan = approval_flow().compile()
        doc["interrupts"][0]["step"] = next(i for i, n in plan.nodes.items() if getattr(n, "chunk", None) == chunk_name)

    return mutate


BAD = [
    pytest.param(_set(("format",), "tfc.execution/0"), r'snapshot\["format"\]: unsupported format', id="format-version"),
    pytest.param(_set(("flow",), "other"), r'snapshot\["flow"\]: the document is from flow "other", not "approval"', id="other-flow-name"),
    pytest.param(_set(("status",), 3), r'snapshot\["status"\]: expected a status, got int 3', id="status-type"),
    pytest.param(_set(("status",), "paused"), r"snapshot\[\"status\"\]: unknown status 'paused'", id="status-value"),
    pytest.param(_set(("state",), ["asked"]), r'snapshot\["state"\]: expected an object, got list', id="state-type"),
    pytest.param(_set(("interrupts",), {}), r'snapshot\["interrupts"\]: expected a list', id="interrupts-type"),
    pytest.param(_set(("interrupts", 0, "max_resumes"), "1"), r'snapshot\["interrupts"\]\[0\]\["max_resumes"\]: expected an int, got str "1"', id="max-resumes-type"),
    pytest.param(_set(("interrupts", 0, "resumes"), True), r'snapshot\["interrupts"\]\[0\]\["resumes"\]: expected an int, got bool', id="bool-is-not-int"),
    pytest.param(_set(("interrupts", 0, "step"), 999), r'snapshot\["interrupts"\]\[0\]\["step"\]: #999 is not a step of flow "approval"', id="step-id-unknown"),
    pytest.param(_step_of("after"), r'snapshot\["interrupts"\]\[0\]\["step"\]: step #\d+ runs chunk "after", but the interrupt says "ask"', id="step-id-of-another-chunk"),
    pytest.param(_set(("interrupts", 0, "id"), 7), r'snapshot\["interrupts"\]\[0\]\["id"\]: expected a string id, got int 7', id="interrupt-id-type"),
    pytest.param(_set(("interrupts", 0, "scope"), [[999, 0]]), r'snapshot\["interrupts"\]\[0\]\["scope"\]\[0\]: block #999 is not a block', id="scope-block"),
    pytest.param(_set(("interrupts", 0, "status"), "done"), r"snapshot\[\"interrupts\"\]\[0\]\[\"status\"\]: unknown interrupt status 'done'", id="interrupt-status"),
    pytest.param(_set(("interrupts", 0, "resume_to"), "event"), r'snapshot\["interrupts"\]\[0\]\["resume_event"\]: an event resume needs an event name', id="event-without-name"),
    pytest.param(lambda d: d["interrupts"].append(copy.deepcopy(d["interrupts"][0])), r'snapshot\["interrupts"\]\[1\]\["id"\]: interrupt id "ask" appears twice', id="interrupt-id-twice"),
    pytest.param(_set(("requests",), {"hook": ["nope", 1]}), r'snapshot\["requests"\]\["hook"\]: names interrupt "nope", which the document lacks', id="request-for-unknown-interrupt"),
    pytest.param(_set(("held_joins",), [5]), r'snapshot\["held_joins"\]\[0\]: expected an object, got int 5', id="held-join-type"),
    pytest.param(_set(("collections",), {"x": 5}), r'snapshot\["collections"\]\["x"\]: expected an object, got int 5', id="collection-type"),
    pytest.param(_set(("started",), "yes"), r'snapshot\["started"\]: expected true or false', id="started-type"),
    pytest.param(_set(("interrupts", 0, "created_at"), "today"), r'snapshot\["interrupts"\]\[0\]\["created_at"\]: expected a timestamp or null', id="timestamp-type"),
    pytest.param(_set(("state", "asked"), {"py/object": "os.system"}), r'snapshot\["state"\]\["asked"\]: the key \'py/object\' names Python code', id="py-object-key"),
    pytest.param(_set(("interrupts", 0, "payload"), {"__class__": "subprocess.Popen"}), r'snapshot\["interrupts"\]\[0\]\["payload"\]: the key \'__class__\' names Python code', id="class-key"),
    pytest.param(lambda d: d.pop("fingerprint"), r'snapshot: missing field "fingerprint"', id="missing-field"),
]  # fmt: skip


@pytest.fixture
async def saved() -> dict[str, Any]:
    """A good document: the approval flow paused at "ask"."""
    execution = await start(approval_flow(), "contract")
    document: dict[str, Any] = json_round_trip(execution.save())
    return document


def _rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return list(db.execute("SELECT * FROM tfc_executions ORDER BY id"))


async def _loads_the_good_one(execution: TriggerFlowExecution, good: dict[str, Any]) -> None:
    assert execution.get_pending_interrupts() == {} and not execution.started, "nothing was restored"
    execution.load(good)
    await resume(execution, "ask", "approved")
    assert (await execution.async_close())["$final_result"] == "approved"


@pytest.mark.parametrize(("mutate", "message"), BAD)
async def test_a_bad_document_is_refused_with_its_field_path(
    saved: dict[str, Any], mutate: Mutation, message: str, tmp_path: Path
) -> None:
    bad = copy.deepcopy(saved)
    mutate(bad)
    flow = approval_flow()
    execution = flow.create_execution(auto_close=False)
    with pytest.raises(SnapshotError, match=message):
        execution.load(bad)
    await _loads_the_good_one(execution, saved)

    path = tmp_path / "store.db"
    with SQLiteStore(path) as store:
        store.save("good", saved)
        store.save("bad", bad)
        before = _rows(path)
        with pytest.raises(SnapshotError, match=message):
            flow.load_from(store, "bad")
        assert _rows(path) == before
        restored = flow.load_from(store, "good")
        assert only_pending(restored) == "ask"


async def test_truncated_json_is_refused(saved: dict[str, Any], tmp_path: Path) -> None:
    text = json.dumps(saved)
    execution = approval_flow().create_execution(auto_close=False)
    with pytest.raises(SnapshotError, match=r"snapshot: not valid JSON \(.*\); was the document truncated\?"):
        execution.load(text[: len(text) // 2])
    await _loads_the_good_one(execution, json.loads(text))

    path = tmp_path / "store.db"
    with SQLiteStore(path) as store:
        store.save("cut", saved)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE tfc_executions SET document = ? WHERE id = 'cut'", (text[:-40],))
    before = _rows(path)
    with SQLiteStore(path) as store:
        with pytest.raises(SnapshotError, match='saved execution "cut" is not valid JSON'):
            approval_flow().load_from(store, "cut")
    assert _rows(path) == before


async def test_a_document_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(SnapshotError, match="snapshot: expected a JSON object, got list"):
        approval_flow().create_execution(auto_close=False).load("[1, 2]")


async def test_a_document_of_another_flow_is_refused(saved: dict[str, Any]) -> None:
    execution = await start(other_flow())
    foreign = json_round_trip(execution.save())
    target = approval_flow().create_execution(auto_close=False)
    with pytest.raises(SnapshotError, match=r'snapshot\["flow"\]: the document is from flow "other", not "approval"'):
        target.load(foreign)
    await _loads_the_good_one(target, saved)


async def test_a_changed_flow_definition_is_refused_by_fingerprint(saved: dict[str, Any]) -> None:
    changed = approval_flow(extra_step=True)
    execution = changed.create_execution(auto_close=False)
    with pytest.raises(SnapshotError) as info:
        execution.load(saved)
    message = str(info.value)
    assert message.startswith('snapshot["fingerprint"]: flow "approval" changed since the document was saved')
    assert saved["fingerprint"] in message and changed.compile().fingerprint in message
    assert execution.get_pending_interrupts() == {}


async def test_loading_twice_into_one_execution_is_refused(saved: dict[str, Any]) -> None:
    execution = approval_flow().create_execution(auto_close=False).load(saved)
    with pytest.raises(SnapshotError, match="has already run; load into a fresh flow.create_execution"):
        execution.load(saved)


# -- documents with sub-flow frames ---------------------------------------------------------------


@pytest.fixture
async def parent_saved() -> dict[str, Any]:
    runs = Runs()
    execution = await start(review_parent(runs, legal_child(runs)), "contract")
    document: dict[str, Any] = json_round_trip(execution.save())
    return document


def _tamper_root_id(doc: dict[str, Any]) -> None:
    doc["interrupts"][0]["id"] = doc["interrupts"][0]["id"].replace(":legal", ":other")


FRAME_BAD = [
    pytest.param(_tamper_root_id, r'snapshot\["interrupts"\]\[0\]\["id"\]: interrupt ".*:other" does not match its sub-flow frame', id="root-id"),
    pytest.param(_set(("interrupts", 0, "local_interrupt_id"), "other"), r'snapshot\["interrupts"\]\[0\]\["id"\]: interrupt .* does not match', id="local-id"),
    pytest.param(_set(("interrupts", 0, "sub_flow_frame_id"), "f00"), r'snapshot\["interrupts"\]\[0\]: interrupt ".*" refers to sub-flow frame "f00", which the document lacks', id="frame-id"),
    pytest.param(_set(("sub_flow_frames", 0, "node"), 1), r'snapshot\["sub_flow_frames"\]\[0\]\["node"\]: #1 is not a to_sub_flow step', id="frame-node"),
    pytest.param(_set(("sub_flow_frames", 0, "child", "interrupts", 0, "step"), 99), r'snapshot\["sub_flow_frames"\]\[0\]\["child"\]\["interrupts"\]\[0\]\["step"\]: #99 is not a step of flow "legal_review"', id="child-step"),
    pytest.param(_set(("sub_flow_frames", 0, "child", "interrupts", 0, "status"), "resumed"), r'snapshot\["interrupts"\]\[0\]\["local_interrupt_id"\]: "legal" is not waiting in the child document', id="child-not-waiting"),
    pytest.param(_set(("sub_flow_frames", 0, "child", "state", "draft"), {"__class__": "x"}), r'snapshot\["sub_flow_frames"\]\[0\]\["child"\]\["state"\]\["draft"\]: the key \'__class__\'', id="child-class-key"),
    pytest.param(_set(("sub_flow_frames", 0, "child", "flow"), "approval"), r'snapshot\["sub_flow_frames"\]\[0\]\["child"\]\["flow"\]: the document is from flow "approval", not "legal_review"', id="child-flow-name"),
]  # fmt: skip


@pytest.mark.parametrize(("mutate", "message"), FRAME_BAD)
async def test_a_bad_sub_flow_frame_is_refused_at_load_not_at_resume(
    parent_saved: dict[str, Any], mutate: Mutation, message: str
) -> None:
    bad = copy.deepcopy(parent_saved)
    mutate(bad)
    runs = Runs()
    execution = review_parent(runs, legal_child(runs)).create_execution(auto_close=False)
    with pytest.raises(SnapshotError, match=message):
        execution.load(bad)
    execution.load(parent_saved)
    await resume(execution, only_pending(execution), {"by": "legal"})
    assert (await execution.async_close())["final"]["approved_by"] == "legal"


async def test_a_changed_child_flow_is_refused_at_load(parent_saved: dict[str, Any]) -> None:
    """The child's definition is not part of the parent's fingerprint; its own is checked."""
    runs = Runs()
    child = legal_child(runs)
    child.when("Extra").to("draft")
    parent = review_parent(runs, child)
    with pytest.raises(SnapshotError) as info:
        parent.create_execution(auto_close=False).load(parent_saved)
    assert str(info.value).startswith(
        'snapshot["sub_flow_frames"][0]["child"]["fingerprint"]: flow "legal_review" changed since the document was saved'
    )
