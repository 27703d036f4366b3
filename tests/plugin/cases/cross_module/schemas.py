"""Schemas, chunks and path constants in one module; the flow is wired in another."""

from typing import TypedDict

from tfc import Paths, TriggerFlow, TriggerFlowRuntimeData


class State(TypedDict, total=False):
    topic: str


class ChildState(TypedDict, total=False):
    query: str


flow = TriggerFlow(name="main", state=State)
child: TriggerFlow[ChildState] = TriggerFlow(name="child", state=ChildState)

TOPIC: Paths[State] = "state.topic"
TYPO: Paths[State] = "state.topc"  # E:22-33: Incompatible types in assignment (expression has type "Literal['state.topc']", variable has type "Literal['state.topic', 'runtime_data.topic']")  [assignment]


@flow.chunk("facts")
async def fetch_facts(data: TriggerFlowRuntimeData[str, State]) -> list[str]:
    return [data.value]


@flow.chunk("risks")
async def fetch_risks(data: TriggerFlowRuntimeData[str, State]) -> list[str]:
    return []
