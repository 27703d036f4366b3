"""Execution state through the runtime data and the execution: §3.1, §7 B1, S5, S7."""

from __future__ import annotations

from typing import Any, TypedDict

import anyio
import pytest

from tfc import ChunkError, TriggerFlow, TriggerFlowRuntimeData
from tfc.errors import ExecutionStateError

from .helpers import run, start

pytestmark = pytest.mark.anyio


async def test_the_state_view_reads_and_writes() -> None:
    flow = TriggerFlow()
    seen: dict[str, object] = {}

    def chunk(data: TriggerFlowRuntimeData[Any]) -> None:
        state = data.state
        state.set("a", 1)
        state["b"] = [1]
        state.append("b", 2)
        state.append("c", "x")
        state.set("n", 5)
        state.append("n", 6)
        state.set("gone", True)
        state.delete("gone")
        state.delete("never there")
        seen["get"] = (state.get("a"), state.get("missing"), state.get("missing", "d"), state["b"])
        seen["mapping"] = ("a" in state, "gone" in state, len(state), list(state))
        seen["views"] = (state.keys(), state.values(), state.items(), state.to_dict(), state.get())
        with pytest.raises(KeyError):
            state["missing"]
        with pytest.raises(KeyError):
            del state["missing"]

    flow.to(chunk)
    snapshot = await run(flow)
    assert snapshot == {"a": 1, "b": [1, 2], "c": ["x"], "n": [5, 6]}
    assert seen["get"] == (1, None, "d", [1, 2])
    assert seen["mapping"] == (True, False, 4, ["a", "b", "c", "n"])
    keys, values, items, as_dict, whole = seen["views"]  # type: ignore[misc]
    assert keys == ["a", "b", "c", "n"]
    assert values == [1, [1, 2], ["x"], [5, 6]]
    assert items == list(snapshot.items())
    assert as_dict == whole == snapshot


async def test_dotted_keys_address_nested_dicts() -> None:
    flow = TriggerFlow()
    seen: list[object] = []

    async def chunk(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("report.meta.title", "T")
        await data.async_set_state("report.body", "B")
        seen.append(data.get_state("report.meta.title"))
        seen.append("report.body" in data.state)
        await data.async_del_state("report.body")

    flow.to(chunk)
    assert await run(flow) == {"report": {"meta": {"title": "T"}}}
    assert seen == ["T", True]


async def test_set_replaces_without_merging() -> None:
    flow = TriggerFlow()

    def chunk(data: TriggerFlowRuntimeData[Any]) -> None:
        data.set_state("d", {"a": 1, "b": 2})
        data.set_state("d", {"c": 3})
        data.set_state("empty", [])

    flow.to(chunk)
    assert await run(flow) == {"d": {"c": 3}, "empty": []}


async def test_values_are_copied_on_write_and_on_read() -> None:
    flow = TriggerFlow()

    def chunk(data: TriggerFlowRuntimeData[Any]) -> None:
        mine = {"items": [1]}
        data.state.set("k", mine)
        mine["items"].append(2)
        got = data.state.get("k")
        got["items"].append(3)
        data.state["k"]["items"].append(4)

    flow.to(chunk)
    assert await run(flow) == {"k": {"items": [1]}}


async def test_flat_methods_and_deprecated_aliases() -> None:
    flow = TriggerFlow()

    async def chunk(data: TriggerFlowRuntimeData[Any]) -> None:
        data.set_state("a", 1)
        data.append_state("l", 1)
        await data.async_append_state("l", 2)
        data.set_runtime_data("b", 2)
        data.append_runtime_data("l", 3)
        await data.async_set_runtime_data("c", 3)
        await data.async_append_runtime_data("l", 4)
        data.set_state("x", 0)
        data.del_runtime_data("x")
        await data.async_set_state("y", 0)
        await data.async_del_runtime_data("y")
        data.set_state("z", 0)
        data.del_state("z")
        assert data.get_runtime_data("c") == data.get_state("c") == 3
        await data.state.async_set("d", 4)
        await data.state.async_append("l", 5)
        await data.state.async_set("e", 5)
        await data.state.async_delete("e")
        await data.state.async_set("f", 6)
        await data.state.async_del("f")

    flow.to(chunk)
    assert await run(flow) == {"a": 1, "l": [1, 2, 3, 4, 5], "b": 2, "c": 3, "d": 4}


# -- what a write triggers ---------------------------------------------------------------------


async def test_an_awaited_write_returns_after_the_triggered_branch_finished() -> None:
    flow = TriggerFlow()
    log: list[str] = []

    async def writer(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("k", "v")
        log.append("writer resumed")

    async def reacts(data: TriggerFlowRuntimeData[Any]) -> None:
        await anyio.lowlevel.checkpoint()
        log.append(f"branch got {data.value}")

    flow.to(writer)
    flow.when({"runtime_data": "k"}).to(reacts)
    await run(flow)
    assert log == ["branch got v", "writer resumed"]


async def test_a_sync_write_inside_an_async_chunk_works_and_schedules_the_branch() -> None:
    """B1: the write is stored at once; the triggered branch runs as tracked work."""
    flow = TriggerFlow()
    log: list[str] = []

    async def writer(data: TriggerFlowRuntimeData[Any]) -> None:
        data.state.set("k", "v")
        log.append(f"stored {data.state.get('k')}")
        log.append("writer done")

    async def reacts(data: TriggerFlowRuntimeData[Any]) -> None:
        log.append(f"branch got {data.value}")

    flow.to(writer)
    flow.when({"runtime_data": "k"}).to(reacts)
    execution = await start(flow)
    # The tracked branch settled before async_start returned.
    assert log == ["stored v", "writer done", "branch got v"]
    assert await execution.async_close() == {"k": "v"}


async def test_a_sync_write_in_a_sync_chunk_triggers_too() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.to(lambda d: d.state.set("k", d.value))
    flow.when({"runtime_data": "k"}).to(lambda d: seen.append(d.value))
    await run(flow, 3)
    assert seen == [3]


async def test_an_error_in_an_inline_branch_surfaces_in_the_writer_which_may_handle_it() -> None:
    """S5: a caught error is handled; the status follows what happens next."""
    flow = TriggerFlow()
    caught: list[BaseException] = []

    async def writer(data: TriggerFlowRuntimeData[Any]) -> str:
        try:
            await data.async_set_state("k", 1)
        except ChunkError as exc:
            caught.append(exc)
        return "recovered"

    def explode(data: TriggerFlowRuntimeData[Any]) -> None:
        raise ValueError("bad state")

    flow.to(writer).end()
    flow.when({"runtime_data": "k"}).to(explode)
    execution = await start(flow)
    assert len(caught) == 1
    assert isinstance(caught[0].__cause__, ValueError)
    assert execution.status == "running"
    assert await execution.async_close() == {"k": 1, "$final_result": "recovered"}
    assert execution.status == "completed"


async def test_state_writes_from_outside_the_flow() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.when({"runtime_data": "k"}).to(lambda d: seen.append(d.value))
    execution = await start(flow)
    await execution.async_set_state("k", 1)
    assert seen == [1]
    await execution.async_append_state("l", "x")
    await execution.async_set_state("quiet", 0, emit=False)
    await execution.async_del_state("quiet")
    assert execution.get_state("k") == 1
    assert execution.get_state() == {"k": 1, "l": ["x"]}
    assert await execution.async_close() == {"k": 1, "l": ["x"]}


async def test_a_sync_set_state_from_outside_runs_its_branch_by_close() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.when({"runtime_data": "k"}).to(lambda d: seen.append(d.value))
    execution = await start(flow)
    execution.set_state("k", 2)
    assert execution.get_state("k") == 2
    assert await execution.async_close() == {"k": 2}
    assert seen == [2]


# -- S7: frozen at close ------------------------------------------------------------------------


async def test_state_is_frozen_at_close_and_close_returns_copies() -> None:
    flow = TriggerFlow()
    flow.to(lambda d: d.state.set("k", [1]))
    execution = await start(flow)
    first = await execution.async_close()
    first["k"].append(2)
    first["new"] = 1
    second = await execution.async_close()
    assert second == {"k": [1]}
    assert second is not first
    with pytest.raises(ExecutionStateError, match="frozen"):
        await execution.async_set_state("k", 3)
    assert execution.get_state() == {"k": [1]}
    assert execution.result.get_state("k") == [1]


# -- typed state --------------------------------------------------------------------------------


class Counter(TypedDict, total=False):
    count: int
    names: list[str]


async def test_a_typed_state_schema_works_with_subscripts() -> None:
    flow: TriggerFlow[Counter] = TriggerFlow(state=Counter)

    @flow.chunk
    def count(data: TriggerFlowRuntimeData[str, Counter]) -> int:
        data.state["count"] = len(data.value)
        data.state["names"] = [data.value]
        return data.state["count"]

    flow.to(count).end()
    assert await run(flow, "abc") == {"count": 3, "names": ["abc"], "$final_result": 3}
