# Roots: an event, a state key, a chunk listener, an and-join, and a collection.
from typing import TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData as Data


class State(TypedDict, total=False):
    topic: str


flow = TriggerFlow(name="when_roots", state=State)


@flow.chunk
async def store(data: Data[str, State]) -> str:
    await data.async_set_state("topic", data.value)
    return data.value


@flow.chunk
async def react(data: Data[str]) -> str:
    return data.value


@flow.chunk
async def left(data: Data[str]) -> str:
    return "l"


@flow.chunk
async def right(data: Data[str]) -> str:
    return "r"


@flow.chunk
async def report(data: Data[dict[str, str]]) -> dict[str, str]:
    return data.value


flow.to(store)
flow.when({"runtime_data": "topic"}).to(react)
flow.when(store).to(left).collect("sides", "left")
flow.when("Poke").to(right).collect("sides", "right")
flow.when({"collect": "sides"}).to(report).end()
flow.when(["Ready", "Set"]).to(react)
