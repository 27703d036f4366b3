"""A document review whose child flow pauses for legal approval (seed 004's approval gate).

The child ``legal_review`` drafts a review and pauses with
``resume_to={"event": "LegalApprovalSubmitted"}``; its ``when("LegalApprovalSubmitted")`` gate
records the approval in its own ``state["report"]``. The parent runs the child with
``to_sub_flow`` + ``write_back``: outside callers only ever see the parent's root interrupt
id, and can save the paused parent, load it in a fresh execution (or process) and resume it
there by that id. ``RUNS`` counts chunk runs, so a repeated resume can show it ran nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData


class Document(TypedDict):
    title: str
    body: str


class Approval(TypedDict):
    approved: bool
    by: str


class Report(TypedDict):
    title: str
    summary: str
    approved: bool
    approved_by: str


class ReviewState(TypedDict, total=False):
    title: str
    summary: str
    report: Report


class ParentState(TypedDict, total=False):
    report: Report


RUNS: Counter[str] = Counter()
"""How often each chunk ran in this process."""

legal_review: TriggerFlow[ReviewState] = TriggerFlow(name="legal_review", state=ReviewState)


@legal_review.chunk("draft_review")
async def draft_review(data: TriggerFlowRuntimeData[Document, ReviewState]) -> None:
    RUNS["draft_review"] += 1
    summary = f"{data.value['title']}: {len(data.value['body'].split())} words, no open clauses"
    data.state["title"] = data.value["title"]
    data.state["summary"] = summary
    await data.async_put_into_stream({"stage": "drafted", "title": data.value["title"]})
    await data.async_pause_for(
        type="legal_approval",
        payload={"title": data.value["title"], "summary": summary},
        resume_to={"event": "LegalApprovalSubmitted"},
    )


@legal_review.chunk("record_approval")
async def record_approval(data: TriggerFlowRuntimeData[Approval, ReviewState]) -> None:
    RUNS["record_approval"] += 1
    data.state["report"] = Report(
        title=data.state["title"],
        summary=data.state["summary"],
        approved=data.value["approved"],
        approved_by=data.value["by"],
    )
    await data.async_put_into_stream({"stage": "legal_approved", "by": data.value["by"]})


legal_review.to(draft_review)
legal_review.when("LegalApprovalSubmitted").to(record_approval)


flow: TriggerFlow[ParentState] = TriggerFlow(name="document_review", state=ParentState)


@flow.chunk("receive")
async def receive(data: TriggerFlowRuntimeData[Document, ParentState]) -> Document:
    RUNS["receive"] += 1
    await data.async_put_into_stream({"stage": "received", "title": data.value["title"]})
    return Document(title=data.value["title"].strip(), body=data.value["body"])


@flow.chunk("publish")
async def publish(data: TriggerFlowRuntimeData[Report, ParentState]) -> str:
    RUNS["publish"] += 1
    status = "approved" if data.value["approved"] else "rejected"
    await data.async_put_into_stream({"stage": "published", "status": status})
    return f"{data.value['title']} ({status} by {data.value['approved_by']}): {data.value['summary']}"


(
    flow.to(receive)
    .to_sub_flow(
        legal_review,
        capture={"input": "value"},
        write_back={"value": "result.report", "state.report": "result.report"},
    )
    .to(publish)
    .end()
)
