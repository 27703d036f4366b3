"""A typed research-report flow: the seed playbook's ground, written with tfc's typed DSL.

START normalises the topic and stores it in state; the state write triggers a batch that
fetches facts and risks concurrently; the report is compiled per section with for_each and
a condition, and the stream shows each stage as it happens.
"""

from __future__ import annotations

from typing import TypedDict

import anyio

from tfc import TriggerFlow, TriggerFlowRuntimeData


class ReportState(TypedDict, total=False):
    topic: str
    sections: list[str]


class Findings(TypedDict):
    fetch_facts: list[str]
    fetch_risks: list[str]


flow: TriggerFlow[ReportState] = TriggerFlow(name="research_report", state=ReportState)


@flow.chunk("normalize")
async def normalize(data: TriggerFlowRuntimeData[str, ReportState]) -> str:
    topic = data.value.strip()
    data.state["topic"] = topic
    await data.async_put_into_stream({"stage": "normalized", "topic": topic})
    return topic


@flow.chunk("fetch_facts")
async def fetch_facts(data: TriggerFlowRuntimeData[str, ReportState]) -> list[str]:
    await anyio.sleep(0.02)
    await data.async_put_into_stream({"stage": "facts_ready"})
    return [f"{data.value} runs on anyio", f"{data.value} compiles its flows"]


@flow.chunk("fetch_risks")
async def fetch_risks(data: TriggerFlowRuntimeData[str, ReportState]) -> list[str]:
    await anyio.sleep(0.01)
    await data.async_put_into_stream({"stage": "risks_ready"})
    return [f"{data.value} is young"]


@flow.chunk("outline")
async def outline(data: TriggerFlowRuntimeData[Findings, ReportState]) -> list[str]:
    return [*data.value["fetch_facts"], *(f"risk: {r}" for r in data.value["fetch_risks"])]


@flow.chunk("draft_fact")
async def draft_fact(data: TriggerFlowRuntimeData[str, ReportState]) -> str:
    return f"- {data.value}"


@flow.chunk("draft_risk")
async def draft_risk(data: TriggerFlowRuntimeData[str, ReportState]) -> str:
    return f"! {data.value.removeprefix('risk: ')}"


def is_risk(data: TriggerFlowRuntimeData[str, ReportState]) -> bool:
    return data.value.startswith("risk: ")


@flow.chunk("assemble")
async def assemble(data: TriggerFlowRuntimeData[list[str], ReportState]) -> str:
    report = f"# {data.state['topic']}\n" + "\n".join(data.value)
    await data.async_put_into_stream({"stage": "compiled", "lines": len(data.value)})
    return report


flow.to(normalize)
(
    flow.when({"runtime_data": "topic"})
    .batch(fetch_facts, fetch_risks)
    .to(outline)
    .for_each(concurrency=2)
    .if_condition(is_risk)
    .to(draft_risk)
    .else_condition()
    .to(draft_fact)
    .end_condition()
    .end_for_each()
    .to(assemble)
    .end()
)


async def main() -> None:
    execution = flow.create_execution()
    async with anyio.create_task_group() as tg:

        async def watch() -> None:
            async for item in execution.get_async_runtime_stream(timeout=5):
                print("STREAM:", item)

        tg.start_soon(watch)
        snapshot = await execution.async_start("  tfc  ")
    print("RESULT:")
    print(snapshot["$final_result"])
