"""`.to(chunk)` keeps the state and the chunk's output when the chunk's types hold an Any."""

from __future__ import annotations

from typing import Any, TypedDict

from typing_extensions import reveal_type

from tfc import TriggerFlow, TriggerFlowRuntimeData


class State(TypedDict, total=False):
    topic: str


flow = TriggerFlow(name="edges", state=State)


@flow.chunk
async def parse(data: TriggerFlowRuntimeData[str]) -> dict[str, Any]:
    return {"text": data.value}


@flow.chunk
async def keys(data: TriggerFlowRuntimeData[dict[str, Any], State]) -> list[str]:
    return list(data.value)


@flow.chunk
def first(data: TriggerFlowRuntimeData[list[str]]) -> str:
    return data.value[0]


@flow.chunk
async def count(data: TriggerFlowRuntimeData[int]) -> int:
    return data.value


reveal_type(flow.to(parse))  # N:13-26: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.to_edges.State, {'topic'?: str}), dict[str, Any]]"
reveal_type(flow.to(parse).to(keys))  # N:13-35: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.to_edges.State, {'topic'?: str}), list[str]]"
reveal_type(flow.to(parse).to(keys).to(first))  # N:13-45: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.to_edges.State, {'topic'?: str}), str]"
reveal_type(flow.to(parse).to(keys).to("declared"))  # N:13-50: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.to_edges.State, {'topic'?: str}), Any]"
flow.to(parse).to(keys).to(count)  # E:28-32: Argument 1 to "to" of "Process" has incompatible type "Chunk[int, int]"; expected "Chunk[list[str], int]"  [arg-type]
