"""A sub-flow capture path with a typo: TFC201."""

from typing import TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData


class ParentState(TypedDict, total=False):
    topic: str


class ChildState(TypedDict, total=False):
    subject: str


child = TriggerFlow(name="child", state=ChildState)


@child.chunk
async def write(data: TriggerFlowRuntimeData[str, ChildState]) -> str:
    return f"report on {data.value}"


child.to(write).end()

parent = TriggerFlow(name="parent", state=ParentState)


@parent.chunk
async def normalize(data: TriggerFlowRuntimeData[str, ParentState]) -> str:
    data.state["topic"] = data.value.strip()
    return data.state["topic"]


parent.to(normalize).to_sub_flow(child, capture={"input": "state.topik"}).end()
