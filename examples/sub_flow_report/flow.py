"""A parent flow that hands report writing to a child flow: seed 004's full example, typed.

The parent prepares a request and runs the child with it, forwarding its ``logger`` resource
(``capture={"input": "value", "resources": {"logger": "resources.logger"}}``). The child
picks a multi- or single-section mode with ``if_condition``, lists the sections, drafts each
one in a ``for_each`` and writes the summary to its own ``state["report"]``. The parent's
``write_back={"value": "result.report"}`` (the compat result first, then the child's close
snapshot) hands that report to ``finalize_request``. Every item the child puts into its
stream shows up in the parent's stream, in order.
"""

from __future__ import annotations

from typing import Literal, TypedDict

import anyio

from tfc import TriggerFlow, TriggerFlowRuntimeData


class SimpleLogger:
    """A live resource: the child gets this very object, never a copy."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, message: str) -> None:
        self.lines.append(message)


class Resources(TypedDict):
    logger: SimpleLogger


class Brief(TypedDict):
    topic: str
    sections: list[str]


class Request(TypedDict):
    topic: str
    sections: list[str]
    audience: str


class SectionPlan(TypedDict):
    topic: str
    mode: Literal["multi", "single"]
    sections: list[str]


class SectionTask(TypedDict):
    topic: str
    heading: str


class Draft(TypedDict):
    heading: str
    body: str


class Report(TypedDict):
    title: str
    mode: str
    sections: list[Draft]
    words: int


class ChildState(TypedDict, total=False):
    topic: str
    mode: str
    report: Report


class ParentState(TypedDict, total=False):
    request: Request


# -- the child: branch, list, fan out, summarise --------------------------------------------


def has_multiple_sections(data: TriggerFlowRuntimeData[Request, ChildState]) -> bool:
    return len(data.value["sections"]) > 1


async def use_multi_section_mode(data: TriggerFlowRuntimeData[Request, ChildState]) -> SectionPlan:
    data.resources["logger"].info(f"multi-section mode for {data.value['topic']}")
    return {"topic": data.value["topic"], "mode": "multi", "sections": data.value["sections"]}


async def use_single_section_mode(data: TriggerFlowRuntimeData[Request, ChildState]) -> SectionPlan:
    data.resources["logger"].info(f"single-section mode for {data.value['topic']}")
    return {"topic": data.value["topic"], "mode": "single", "sections": data.value["sections"][:1] or ["Overview"]}


async def list_sections(data: TriggerFlowRuntimeData[SectionPlan, ChildState]) -> list[SectionTask]:
    data.state["topic"] = data.value["topic"]
    data.state["mode"] = data.value["mode"]
    await data.async_put_into_stream({"stage": "sections_listed", "sections": data.value["sections"]})
    return [{"topic": data.value["topic"], "heading": heading} for heading in data.value["sections"]]


async def draft_section(data: TriggerFlowRuntimeData[SectionTask, ChildState]) -> Draft:
    heading = data.value["heading"]
    body = f"What {data.value['topic']} means for {heading.lower()}."
    await data.async_put_into_stream({"stage": "section_drafted", "heading": heading})
    return {"heading": heading, "body": body}


async def summarize_child_report(data: TriggerFlowRuntimeData[list[Draft], ChildState]) -> None:
    drafts = data.value
    report: Report = {
        "title": f"Report: {data.state['topic']}",
        "mode": data.state["mode"],
        "sections": drafts,
        "words": sum(len(d["body"].split()) for d in drafts),
    }
    data.state["report"] = report
    data.resources["logger"].info(f"summarised {len(drafts)} section(s)")
    await data.async_put_into_stream({"stage": "summarized", "words": report["words"]})


def build_child_flow() -> TriggerFlow[ChildState]:
    child: TriggerFlow[ChildState] = TriggerFlow(name="report_writer", state=ChildState, input=Request, resources=Resources)
    (
        child.if_condition(has_multiple_sections)
        .to(use_multi_section_mode)
        .else_condition()
        .to(use_single_section_mode)
        .end_condition()
        .to(list_sections)
        .for_each()
        .to(draft_section)
        .end_for_each()
        .to(summarize_child_report)
    )
    return child


# -- the parent: prepare, run the child, finalize --------------------------------------------


async def prepare_request(data: TriggerFlowRuntimeData[Brief, ParentState]) -> Request:
    request: Request = {
        "topic": data.value["topic"].strip(),
        "sections": [s.strip().title() for s in data.value["sections"] if s.strip()],
        "audience": "engineers",
    }
    data.state["request"] = request
    data.resources["logger"].info(f"prepared a request about {request['topic']}")
    await data.async_put_into_stream({"stage": "prepared", "topic": request["topic"]})
    return request


async def finalize_request(data: TriggerFlowRuntimeData[Report, ParentState]) -> str:
    report = data.value
    lines = [f"# {report['title']} ({report['mode']}, {report['words']} words)"]
    lines += [f"## {d['heading']}\n{d['body']}" for d in report["sections"]]
    await data.async_put_into_stream({"stage": "finalized", "sections": len(report["sections"])})
    return "\n".join(lines)


def build_parent_flow() -> TriggerFlow[ParentState]:
    parent: TriggerFlow[ParentState] = TriggerFlow(name="report_request", state=ParentState, resources=Resources)
    parent.update_runtime_resources(logger=SimpleLogger())
    parent.to(prepare_request).to_sub_flow(
        build_child_flow(),
        capture={
            "input": "value",
            "resources": {"logger": "resources.logger"},
        },
        write_back={
            "value": "result.report",
        },
    ).to(finalize_request).end()
    return parent


flow = build_parent_flow()


async def main() -> None:
    for brief in (
        Brief(topic=" tfc ", sections=["design", "runtime", "typing"]),
        Brief(topic="sub-flows", sections=["why"]),
    ):
        execution = flow.create_execution()
        async with anyio.create_task_group() as tg:

            async def watch() -> None:
                async for item in execution.get_async_runtime_stream(timeout=5):
                    print("STREAM:", item)

            tg.start_soon(watch)
            snapshot = await execution.async_start(brief)
        print("RESULT:")
        print(snapshot["$final_result"])
    logger = flow.get_runtime_resource("logger")
    assert isinstance(logger, SimpleLogger)
    print("LOG:", *logger.lines, sep="\n  ")
