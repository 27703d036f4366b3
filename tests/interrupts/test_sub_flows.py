"""A child flow's pause is projected to the parent: root ids only, frames, write_back after (§4.8)."""

from __future__ import annotations

from typing import Any

import pytest

from .flows import children_per_item, gate_child, legal_child, nest, review_parent
from .helpers import Runs, close, json_round_trip, notices, only_pending, resume, start, user_items

pytestmark = pytest.mark.anyio


async def test_one_level_projects_one_root_interrupt_carrying_frame_and_local_ids() -> None:
    runs = Runs()
    parent = review_parent(runs, legal_child(runs))
    execution = await start(parent, "  contract ")
    assert execution.status == "waiting"
    root_id = only_pending(execution)
    record = execution.get_interrupt(root_id)
    assert record is not None
    assert root_id.startswith(f"{execution.id}:") and root_id.endswith(":legal")
    assert isinstance(record.sub_flow_frame_id, str) and record.sub_flow_frame_id in root_id
    assert record.local_interrupt_id == "legal"
    assert (record.type, record.payload, record.resume_to, record.resume_event, record.status) == (
        "legal_approval",
        {"document": "contract"},
        "event",
        "LegalApprovalSubmitted",
        "waiting",
    )
    assert record.child_interrupt is not None and record.child_interrupt["id"] == "legal"
    assert execution.get_interrupt("legal") is None, "the child's own id is not a handle on the parent"
    assert runs == {"prepare": 1, "draft": 1}

    returned = await resume(execution, root_id, {"by": "legal team"})
    assert returned is record and record.status == "resumed"
    assert runs == {"prepare": 1, "draft": 1, "record_approval": 1, "finalize": 1}
    report = {"text": "draft of contract", "approved_by": "legal team"}
    assert await close(execution) == {"report": report, "final": report, "$final_result": report}
    assert user_items(execution) == [
        {"stage": "drafted"},
        {"stage": "approved", "by": "legal team"},
        {"stage": "finalized"},
    ]


async def test_the_child_state_never_leaks_into_the_parent_while_paused() -> None:
    runs = Runs()
    execution = await start(review_parent(runs, legal_child(runs)), "c")
    assert execution.get_state() == {}
    assert "draft" not in execution.save()["state"]


async def test_two_levels_project_one_root_id_whose_local_id_is_the_middle_root_id() -> None:
    runs = Runs()
    top = nest(runs, 2)
    execution = await start(top, "memo")
    root_id = only_pending(execution)
    record = execution.get_interrupt(root_id)
    assert record is not None and record.local_interrupt_id is not None
    assert root_id.endswith(f":{record.local_interrupt_id}")
    assert record.local_interrupt_id.endswith(":legal"), "the middle flow's root id wraps the child's"
    assert record.child_interrupt is not None
    assert record.child_interrupt["local_interrupt_id"] == "legal"
    assert record.type == "legal_approval" and record.payload == {"document": "memo"}
    actions = [action for action, _ in notices(execution)]
    assert actions == ["pause", "project", "project"]

    await resume(execution, root_id, {"by": "counsel"})
    assert runs == {"enter": 2, "draft": 1, "record_approval": 1}
    assert await close(execution) == {"$final_result": {"text": "draft of memo", "approved_by": "counsel"}}


async def test_two_levels_resume_after_save_and_load() -> None:
    runs = Runs()
    top = nest(runs, 2)
    execution = await start(top, "memo")
    root_id = only_pending(execution)
    restored = top.create_execution(auto_close=False).load(json_round_trip(execution.save()))
    assert list(restored.get_pending_interrupts()) == [root_id]
    await resume(restored, root_id, {"by": "counsel"}, resume_request_id="hook-7")
    await resume(restored, root_id, {"by": "counsel"}, resume_request_id="hook-7")
    assert runs == {"enter": 2, "draft": 1, "record_approval": 1}
    assert (await close(restored))["$final_result"] == {"text": "draft of memo", "approved_by": "counsel"}


async def test_a_child_paused_inside_its_own_when_gate_is_projected_and_resumes_next() -> None:
    runs = Runs()
    parent = review_parent(runs, gate_child(runs))
    execution = await start(parent, "nda")
    root_id = only_pending(execution)
    record = execution.get_interrupt(root_id)
    assert record is not None
    assert (record.local_interrupt_id, record.type, record.resume_to) == ("sign_off", "sign_off", "next")
    assert record.payload == {"document": "nda"}
    restored = parent.create_execution(auto_close=False).load(json_round_trip(execution.save()))
    await resume(restored, root_id, "ann")
    assert runs == {"prepare": 1, "submit": 1, "sign_off": 1, "record": 1, "finalize": 1}
    assert (await close(restored))["final"] == {"signed_by": "ann"}


async def test_children_paused_per_for_each_item_join_in_input_order() -> None:
    runs = Runs()
    execution = await start(children_per_item(runs), ["a", "b", "c"])
    pending = execution.get_pending_interrupts()
    assert len(pending) == 3
    assert len({r.sub_flow_frame_id for r in pending.values()}) == 3, "one frame per item"
    for root_id, record in reversed(list(pending.items())):
        assert isinstance(record.payload, dict)
        await resume(execution, root_id, {"by": record.payload["document"].upper()})
    assert (await close(execution))["$final_result"] == ["A", "B", "C"]
    assert runs == {"titles": 1, "draft": 3, "record_approval": 3}


async def test_write_back_runs_only_after_the_child_completes() -> None:
    runs = Runs()
    child = legal_child(runs)
    execution = await start(review_parent(runs, child), "c")
    assert execution.get_state("report") is None
    await resume(execution, only_pending(execution), {"by": "x"})
    assert execution.get_state("report") == {"text": "draft of c", "approved_by": "x"}


def _parent_of_two_children(runs: Runs) -> Any:
    from tfc import TriggerFlow

    parent = TriggerFlow(name="two_children")
    parent.to_sub_flow(legal_child(runs, "first"), write_back={"value": "result.draft"}).to_sub_flow(
        legal_child(runs, "second"), write_back={"value": "result.report"}
    ).end()
    return parent


async def test_a_document_saved_after_one_child_finished_loads_and_resumes_the_next() -> None:
    """The first frame is gone once its child finished; its resumed record stays in the document."""
    runs = Runs()
    flow = _parent_of_two_children(runs)
    execution = await start(flow, "c")
    first = only_pending(execution)
    await resume(execution, first, {"by": "one"})
    second = only_pending(execution)
    assert second != first
    restored = flow.create_execution(auto_close=False).load(json_round_trip(execution.save()))
    record = restored.get_interrupt(first)
    assert record is not None and record.status == "resumed"
    await resume(restored, second, {"by": "two"})
    assert (await close(restored))["$final_result"] == {"text": "draft of draft of c", "approved_by": "two"}
    assert runs == {"draft": 2, "record_approval": 2}
