"""Flows the interrupt tests share: document review with a legal gate in a child flow, nests.

Each builder makes fresh flow objects, so a test can count the chunk runs of its own flows.
"""

from __future__ import annotations

from typing import Any

from tfc import TriggerFlow, TriggerFlowRuntimeData

from .helpers import Runs


def legal_child(runs: Runs, name: str = "legal_review") -> TriggerFlow[Any]:
    """Drafts, pauses for legal approval, and records it in its `when` gate as ``state["report"]``."""
    child = TriggerFlow(name=name)

    @child.chunk("draft")
    async def draft(data: TriggerFlowRuntimeData[Any]) -> None:
        runs["draft"] += 1
        data.state["draft"] = f"draft of {data.value}"
        await data.async_put_into_stream({"stage": "drafted"})
        await data.async_pause_for(
            type="legal_approval",
            payload={"document": data.value},
            interrupt_id="legal",
            resume_to={"event": "LegalApprovalSubmitted"},
        )

    @child.chunk("record_approval")
    async def record_approval(data: TriggerFlowRuntimeData[Any]) -> None:
        runs["record_approval"] += 1
        await data.async_put_into_stream({"stage": "approved", "by": data.value["by"]})
        data.state["report"] = {"text": data.state["draft"], "approved_by": data.value["by"]}

    child.to(draft)
    child.when("LegalApprovalSubmitted").to(record_approval)
    return child


def review_parent(runs: Runs, child: TriggerFlow[Any], name: str = "document_review") -> TriggerFlow[Any]:
    """prepare -> the child (value in, ``result.report`` back as value and state) -> finalize."""
    parent = TriggerFlow(name=name)

    @parent.chunk("prepare")
    async def prepare(data: TriggerFlowRuntimeData[Any]) -> str:
        runs["prepare"] += 1
        return str(data.value).strip()

    @parent.chunk("finalize")
    async def finalize(data: TriggerFlowRuntimeData[Any]) -> object:
        runs["finalize"] += 1
        await data.async_put_into_stream({"stage": "finalized"})
        data.state["final"] = data.value
        return data.value

    parent.to(prepare).to_sub_flow(
        child,
        capture={"input": "value"},
        write_back={"value": "result.report", "state.report": "result.report"},
    ).to(finalize).end()
    return parent


def nest(runs: Runs, levels: int) -> TriggerFlow[Any]:
    """The legal child wrapped in *levels* parents; each level passes the child's report up."""
    flow = legal_child(runs)
    for level in range(1, levels + 1):
        outer = TriggerFlow(name=f"level_{level}")

        @outer.chunk(f"enter_{level}")
        async def enter(data: TriggerFlowRuntimeData[Any]) -> object:
            runs["enter"] += 1
            return data.value

        path = "result.report" if level == 1 else "result"
        outer.to(enter).to_sub_flow(flow, write_back={"value": path}).end()
        flow = outer
    return flow


def gate_child(runs: Runs) -> TriggerFlow[Any]:
    """A child whose `when("LegalApprovalSubmitted")` chain itself pauses (resume: next)."""
    child = TriggerFlow(name="gate_child")

    @child.chunk("submit")
    async def submit(data: TriggerFlowRuntimeData[Any]) -> None:
        runs["submit"] += 1
        await data.async_emit("LegalApprovalSubmitted", {"document": data.value})

    @child.chunk("sign_off")
    async def sign_off(data: TriggerFlowRuntimeData[Any]) -> None:
        runs["sign_off"] += 1
        await data.async_pause_for(type="sign_off", payload=data.value, interrupt_id="sign_off")

    @child.chunk("record")
    async def record(data: TriggerFlowRuntimeData[Any]) -> None:
        runs["record"] += 1
        data.state["report"] = {"signed_by": data.value}

    child.to(submit)
    child.when("LegalApprovalSubmitted").to(sign_off).to(record)
    return child


def children_per_item(runs: Runs) -> TriggerFlow[Any]:
    """for_each over documents: each item runs the legal child, which pauses per item."""
    flow = TriggerFlow(name="children_per_item")

    @flow.chunk("titles")
    async def titles(data: TriggerFlowRuntimeData[Any]) -> list[str]:
        runs["titles"] += 1
        return list(data.value)

    (
        flow.to(titles)
        .for_each()
        .to_sub_flow(legal_child(runs), write_back={"value": "result.report.approved_by"})
        .end_for_each()
        .end()
    )
    return flow
