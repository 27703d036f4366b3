"""Handlers that name only the value type, ``TriggerFlowRuntimeData[X]`` (type-checked, never run).

The state then defaults to ``Any``, and so does part of a signature like
``TriggerFlowRuntimeData[dict[str, Any], State]``. An ``Any`` in the handler's signature
used to make both of `flow.chunk`'s overloads (async and sync) match with different
results, and mypy then typed the chunk ``Chunk[Any, Any]``, so no `.to()` after it was
checked. Each line holds with and without the plugin, and for pyright alike.
"""

from __future__ import annotations

from typing import Any, TypedDict

from typing_extensions import assert_type

from tfc import Chunk, Process, TriggerFlow, TriggerFlowRuntimeData


class State(TypedDict, total=False):
    topic: str


flow = TriggerFlow(name="default_state", state=State)


@flow.chunk
async def count(data: TriggerFlowRuntimeData[str]) -> int:
    assert_type(data.value, str)
    assert_type(data.state, Any)
    return len(data.value)


@flow.chunk("named_count")
async def named_count(data: TriggerFlowRuntimeData[str]) -> int:
    return len(data.value)


@flow.chunk
def sync_count(data: TriggerFlowRuntimeData[str]) -> int:
    return len(data.value)


@flow.chunk
async def halve(data: TriggerFlowRuntimeData[int, State]) -> float:
    return data.value / 2


@flow.chunk
async def keys(data: TriggerFlowRuntimeData[dict[str, Any], State]) -> list[str]:
    return list(data.value)


@flow.chunk
async def parse(data: TriggerFlowRuntimeData[str]) -> dict[str, Any]:
    return {"text": data.value}


@flow.chunk
async def untyped(data: TriggerFlowRuntimeData) -> int:  # every type argument has a default
    return 0


assert_type(count, Chunk[str, int])
assert_type(named_count, Chunk[str, int])
assert_type(sync_count, Chunk[str, int])
assert_type(halve, Chunk[int, float])
assert_type(keys, Chunk[dict[str, Any], list[str]])
assert_type(parse, Chunk[str, dict[str, Any]])
assert_type(untyped, Chunk[Any, int])

# The edges after such chunks are typed, as with a two-argument handler.
assert_type(flow.to(count), Process[State, int])
assert_type(flow.to(count).to(halve), Process[State, float])
assert_type(flow.to(named_count).to(halve), Process[State, float])
assert_type(flow.to(sync_count).to(halve), Process[State, float])
# (Still imprecise with plain mypy: `.to(parse)`, a chunk whose own types hold an Any. A
# chunk is also callable, so mypy finds `.to()`'s function overloads matching too, and gives
# up; the plugin types it: tests/plugin/cases/to_edges.py.)


# Plain functions as steps: the same, for `TriggerFlow.to` and `Process.to`.
async def measure(data: TriggerFlowRuntimeData[str]) -> int:
    return len(data.value)


def describe(data: TriggerFlowRuntimeData[int]) -> str:
    return repr(data.value)


async def summarise(data: TriggerFlowRuntimeData[dict[str, Any]]) -> str:
    return repr(data.value)


assert_type(flow.to(measure), Process[State, int])
assert_type(flow.to(measure).to(describe), Process[State, str])
assert_type(flow.to(summarise), Process[State, str])
