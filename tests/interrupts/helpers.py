"""Small helpers shared by the interrupt tests: runs, counters, JSON round trips."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import anyio

from tfc import TriggerFlow, TriggerFlowExecution

DEADLINE = 5.0
"""Guards against a hanging test; never reached when the engine is right."""


async def start(flow: TriggerFlow[Any], value: object = None, **options: Any) -> TriggerFlowExecution:
    """Start *flow* in a manual-close execution and return it (open, maybe waiting)."""
    with anyio.fail_after(DEADLINE):
        execution = flow.create_execution(auto_close=False, **options)
        await execution.async_start(value)
        return execution


async def resume(
    execution: TriggerFlowExecution, interrupt_id: str, payload: object = None, **options: Any
) -> Any:
    """`async_continue_with` under the deadline."""
    with anyio.fail_after(DEADLINE):
        return await execution.async_continue_with(interrupt_id, payload, **options)


async def close(execution: TriggerFlowExecution, **options: Any) -> dict[str, Any]:
    with anyio.fail_after(DEADLINE):
        return await execution.async_close(**options)


def only_pending(execution: TriggerFlowExecution) -> str:
    """The id of the one waiting interrupt (fails if there are none or several)."""
    pending = list(execution.get_pending_interrupts())
    assert len(pending) == 1, pending
    return pending[0]


def json_round_trip(document: object) -> Any:
    """What a document looks like after it was written out as JSON text and read back."""
    return json.loads(json.dumps(document))


def without_times(value: object) -> Any:
    """*value* without ``created_at``/``resumed_at`` (the wall-clock times of pauses and resumes)."""
    if isinstance(value, dict):
        return {k: without_times(v) for k, v in value.items() if k not in ("created_at", "resumed_at")}
    if isinstance(value, list):
        return [without_times(v) for v in value]
    return value


_RANDOM_ID = re.compile(r"\b[0-9a-f]{32}\b|\b[0-9a-f]{12}\b")


def canonical_ids(value: object) -> Any:
    """*value* with random execution and frame ids renamed ``id0``, ``id1``... in order of
    appearance, so two separate runs of one flow compare equal when they did the same."""
    names: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        return names.setdefault(match.group(), f"id{len(names)}")

    return json.loads(_RANDOM_ID.sub(rename, json.dumps(value)))


def user_items(execution: TriggerFlowExecution) -> list[object]:
    """The stream items that are not interrupt notices."""
    return [i for i in list(execution.stream.items) if not (isinstance(i, dict) and i.get("type") == "interrupt")]


def items(execution: TriggerFlowExecution) -> list[dict[str, Any]]:
    """The stream items so far (these tests put only dicts), typed for indexing."""
    return [i for i in list(execution.stream.items) if isinstance(i, dict)]


def notices(execution: TriggerFlowExecution) -> list[tuple[str, str]]:
    """(action, interrupt id) of every interrupt notice on the stream, in order."""
    return [
        (i["action"], i["interrupt"]["id"])
        for i in list(execution.stream.items)
        if isinstance(i, dict) and i.get("type") == "interrupt"
    ]


async def stream_items(execution: TriggerFlowExecution) -> list[object]:
    """Every item a consumer of the (closed) execution's runtime stream gets, in order."""
    with anyio.fail_after(DEADLINE):
        return [item async for item in execution.get_async_runtime_stream(timeout=None)]


class Runs(Counter[str]):
    """How many times each chunk ran: ``runs["ask"]``."""
