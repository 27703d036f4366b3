"""The public generic types of the DSL (type-checked, never run; see test_type_checks).

Every line holds with and without the mypy plugin, and for other checkers alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from typing_extensions import assert_type

from tfc import Chunk, Process, TriggerFlow, TriggerFlowRuntimeData


class State(TypedDict, total=False):
    topic: str
    retries: int


@dataclass
class Config:
    depth: int


flow = TriggerFlow(name="types", state=State)
assert_type(flow, TriggerFlow[State])
assert_type(TriggerFlow(name="dc", state=Config), TriggerFlow[Config])
assert_type(TriggerFlow(), TriggerFlow[Any])


@flow.chunk("normalize")
async def normalize(data: TriggerFlowRuntimeData[str, State]) -> str:
    assert_type(data.value, str)
    assert_type(data.state, State)
    return data.value.strip()


@flow.chunk
def split(data: TriggerFlowRuntimeData[str, State]) -> list[str]:
    return data.value.split()


@flow.chunk
async def length(data: TriggerFlowRuntimeData[str, State]) -> int:
    return len(data.value)


@flow.chunk
async def total(data: TriggerFlowRuntimeData[list[int], State]) -> int:
    return sum(data.value)


@flow.chunk
async def anything(data: TriggerFlowRuntimeData[object, State]) -> None:
    return None


assert_type(normalize, Chunk[str, str])
assert_type(split, Chunk[str, list[str]])

# .to() moves the tail's value type along the chain.
p = flow.to(normalize)
assert_type(p, Process[State, str])
assert_type(p.to(split), Process[State, list[str]])
assert_type(p.to(anything), Process[State, None])

# for_each: the item type; end_for_each: the list of the per-item results.
each = p.to(split).for_each()
assert_type(each, Process[State, str])
assert_type(each.to(length).end_for_each(), Process[State, list[int]])
assert_type(each.to(length).end_for_each().to(total), Process[State, int])

# A plain function is a step too, typed from its annotations (an Any in its signature is
# fine: see default_state.py).
async def shout(data: TriggerFlowRuntimeData[str, State]) -> str:
    return data.value.upper()


assert_type(p.to(shout), Process[State, str])

# side_branch and end keep the tail's type.
assert_type(p.side_branch(length), Process[State, str])
assert_type(p.end(), Process[State, str])
