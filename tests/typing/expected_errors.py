"""Mistakes plain typing rejects (type-checked, never run): each `type: ignore` must be used."""

from __future__ import annotations

from typing import TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData


class State(TypedDict, total=False):
    topic: str


flow = TriggerFlow(name="errors", state=State)


@flow.chunk
async def length(data: TriggerFlowRuntimeData[str, State]) -> int:
    return len(data.value)


@flow.chunk
async def upper(data: TriggerFlowRuntimeData[str, State]) -> str:
    return data.value.upper()


async def plain(data: TriggerFlowRuntimeData[str, State]) -> str:
    return data.value


# A chunk (or a plain function) that cannot take the value before it.
flow.to(length).to(upper)  # type: ignore[arg-type]
flow.to(length).to(plain)  # type: ignore[arg-type]
# The same for every branch of a batch.
flow.to(length).batch(upper)  # type: ignore[arg-type]


# The same when a handler names only its value type (the state defaults to Any).
@flow.chunk
async def count(data: TriggerFlowRuntimeData[str]) -> int:
    return len(data.value)


@flow.chunk("shout")
async def shout(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value.upper()


@flow.chunk
def sync_count(data: TriggerFlowRuntimeData[str]) -> int:
    return len(data.value)


async def plain_one(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value


flow.to(count).to(shout)  # type: ignore[arg-type]
flow.to(count).to(count)  # type: ignore[arg-type]
flow.to(sync_count).to(shout)  # type: ignore[arg-type]
flow.to(count).to(plain_one)  # type: ignore[arg-type]
flow.to(length).to(count)  # type: ignore[arg-type]
flow.to(count).batch(shout)  # type: ignore[arg-type]
# for_each needs a sequence.
flow.to(length).for_each()  # type: ignore[misc]
# The state is the schema's TypedDict.
@flow.chunk
async def writes(data: TriggerFlowRuntimeData[str, State]) -> None:
    data.state["topik"] = data.value  # type: ignore[typeddict-unknown-key]
    data.state["topic"] = 3  # type: ignore[typeddict-item]


# Schemas and chunks of one flow do not mix with another's state.
other: TriggerFlow[int] = TriggerFlow(name="x", state=str)  # type: ignore[arg-type]
