"""`when(...)`: events, chunks, state and flow-data keys, multi-signal joins (§2.4, §7 B3, S3)."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData

from .helpers import DEADLINE, run, start

pytestmark = pytest.mark.anyio


# -- single signals ---------------------------------------------------------------------------


async def test_when_event_gets_the_emitted_value() -> None:
    flow = TriggerFlow()
    seen: list[tuple[object, str, str, str]] = []

    async def ask(data: TriggerFlowRuntimeData[str]) -> None:
        await data.async_emit("Asked", {"q": data.value})

    flow.to(ask)
    flow.when("Asked").to(lambda d: seen.append((d.value, d.trigger_event, d.trigger_type, d.signal_source)))
    await run(flow, "why")
    assert seen == [({"q": "why"}, "Asked", "event", "chunk")]


async def test_when_event_dict_form_is_the_same_as_the_name() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.when({"event": "Ping"}).to(lambda d: seen.append(d.value))
    execution = await start(flow)
    await execution.async_emit("Ping", 1)
    await execution.async_close()
    assert seen == [1]


async def test_when_chunk_fires_after_every_step_running_that_chunk() -> None:
    flow = TriggerFlow()
    seen: list[int] = []

    @flow.chunk
    async def inc(data: TriggerFlowRuntimeData[int]) -> int:
        return data.value + 1

    flow.to(inc).to(inc)
    flow.when(inc).to(lambda d: seen.append(d.value))
    await run(flow, 0)
    assert sorted(seen) == [1, 2]  # two concurrent firings: their order is timing


async def test_when_chunk_name_listens_to_that_chunk() -> None:
    flow = TriggerFlow()
    seen: list[object] = []

    @flow.chunk("produce")
    async def produce(data: TriggerFlowRuntimeData[str]) -> str:
        return data.value * 2

    flow.to(produce)
    flow.when("produce").to(lambda d: seen.append(d.value))
    await run(flow, "ab")
    assert seen == ["abab"]


async def test_when_chunk_inside_a_batch_fires_per_branch_result() -> None:
    flow = TriggerFlow()
    seen: list[object] = []

    @flow.chunk
    def left(data: TriggerFlowRuntimeData[int]) -> int:
        return data.value + 1

    @flow.chunk
    def right(data: TriggerFlowRuntimeData[int]) -> int:
        return data.value + 2

    flow.batch(left, right)
    flow.when(right).to(lambda d: seen.append(d.value))
    await run(flow, 10)
    assert seen == [12]


async def test_when_runtime_data_gets_the_new_value() -> None:
    flow = TriggerFlow()
    seen: list[tuple[object, str, str, str]] = []

    async def write(data: TriggerFlowRuntimeData[str]) -> None:
        await data.async_set_state("topic", data.value)

    flow.to(write)
    flow.when({"runtime_data": "topic"}).to(
        lambda d: seen.append((d.value, d.trigger_event, d.trigger_type, d.signal_source))
    )
    await run(flow, "llm")
    assert seen == [("llm", "topic", "runtime_data", "runtime_data")]


async def test_when_runtime_data_sees_append_as_the_whole_list_and_delete_as_none() -> None:
    flow = TriggerFlow()
    seen: list[object] = []

    async def write(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_append_state("log", "a")
        await data.async_append_state("log", "b")
        await data.async_del_state("log")
        await data.async_del_state("log")  # absent: no trigger

    flow.to(write)
    flow.when({"runtime_data": "log"}).to(lambda d: seen.append(d.value))
    snapshot = await run(flow)
    assert seen == [["a"], ["a", "b"], None]
    assert snapshot == {}


async def test_a_write_with_emit_false_triggers_nothing() -> None:
    flow = TriggerFlow()
    seen: list[object] = []

    async def write(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("k", 1, emit=False)
        data.state.set("k", 2, emit=False)
        await data.state.async_set("k", 3, emit=False)

    flow.to(write)
    flow.when({"runtime_data": "k"}).to(lambda d: seen.append(d.value))
    assert await run(flow) == {"k": 3}
    assert seen == []


async def test_when_flow_data_gets_the_new_value() -> None:
    flow = TriggerFlow()
    seen: list[tuple[object, str]] = []

    async def write(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_flow_data("mode", "fast")

    flow.to(write)
    flow.when({"flow_data": "mode"}).to(lambda d: seen.append((d.value, d.trigger_type)))
    await run(flow)
    assert seen == [("fast", "flow_data")]
    assert flow.get_flow_data("mode") == "fast"


async def test_flow_data_is_shared_by_executions() -> None:
    flow = TriggerFlow()
    flow.set_flow_data("counter", 0)

    async def bump(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_flow_data("counter", data.get_flow_data("counter") + 1)

    flow.to(bump)
    await run(flow)
    await run(flow)
    assert flow.get_flow_data("counter") == 2


# -- several signals ---------------------------------------------------------------------------


async def test_and_fires_once_every_signal_arrived() -> None:
    flow = TriggerFlow()
    seen: list[object] = []

    async def fire(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_emit("B", "b")
        assert seen == []
        await data.async_emit("A", "a")
        assert len(seen) == 1  # the join's branch ran inline, inside the second emit

    flow.to(fire)
    flow.when(["A", "B"]).to(lambda d: seen.append(d.value))
    await run(flow)
    assert seen == [{"event": {"A": "a", "B": "b"}}]


async def test_and_groups_values_by_signal_type_in_declaration_order() -> None:
    flow = TriggerFlow()
    seen: list[object] = []

    async def fire(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("topic", "t")
        await data.async_emit("Go", 1)

    flow.to(fire)
    flow.when({"runtime_data": "topic", "event": "Go"}).to(lambda d: seen.append(d.value))
    await run(flow)
    assert seen == [{"runtime_data": {"topic": "t"}, "event": {"Go": 1}}]
    assert [list(v) for v in seen] == [["runtime_data", "event"]]  # type: ignore[call-overload]


async def test_and_joins_signals_from_different_origins() -> None:
    """B3: a chunk's result, an outside emit and an outside state write join in one scope."""
    flow = TriggerFlow()
    seen: list[object] = []

    @flow.chunk
    def ready(data: TriggerFlowRuntimeData[str]) -> str:
        return data.value

    flow.to(ready)
    flow.when({"event": [ready, "Outside"], "runtime_data": "k"}).to(lambda d: seen.append(d.value))
    execution = await start(flow, "r")
    assert seen == []
    await execution.async_emit("Outside", "o")
    assert seen == []
    await execution.async_set_state("k", "v")
    assert seen == [{"event": {"ready": "r", "Outside": "o"}, "runtime_data": {"k": "v"}}]
    await execution.async_close()


async def test_and_resets_after_firing_and_a_later_value_overwrites_a_slot() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.when(["A", "B"]).to(lambda d: seen.append(d.value))
    execution = await start(flow)
    await execution.async_emit("A", 1)
    await execution.async_emit("A", 2)
    await execution.async_emit("B", 3)
    await execution.async_emit("B", 4)
    assert seen == [{"event": {"A": 2, "B": 3}}]
    await execution.async_emit("A", 5)
    assert seen == [{"event": {"A": 2, "B": 3}}, {"event": {"A": 5, "B": 4}}]
    await execution.async_close()


async def test_or_fires_per_signal_with_type_name_and_value() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.when({"event": ["A", "B"], "runtime_data": "k"}, mode="or").to(lambda d: seen.append(d.value))
    execution = await start(flow)
    await execution.async_emit("B", 1)
    await execution.async_set_state("k", 2)
    await execution.async_emit("A", 3)
    await execution.async_close()
    assert seen == [("event", "B", 1), ("runtime_data", "k", 2), ("event", "A", 3)]


async def test_simple_or_fires_per_signal_with_the_bare_value() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.when(["A", "B"], mode="simple_or").to(lambda d: seen.append(d.value))
    execution = await start(flow)
    await execution.async_emit("B", 1)
    await execution.async_emit("A", 2)
    await execution.async_emit("A", 3)
    await execution.async_close()
    assert seen == [1, 2, 3]


async def test_an_and_join_inside_for_each_joins_per_item() -> None:
    """B3: the join is scoped per fan-out instance: item 1's A never meets item 2's B."""
    flow = TriggerFlow()
    seen: list[object] = []

    async def fire(data: TriggerFlowRuntimeData[int]) -> int:
        if data.value == 1:
            await data.async_emit("A", "a1")
        else:
            await data.async_emit("B", "b2")
        return data.value

    flow.to(lambda d: [1, 2]).for_each().to(fire).end_for_each()
    flow.when(["A", "B"]).to(lambda d: seen.append(d.value))
    await run(flow)
    assert seen == []


async def test_an_and_join_inside_one_for_each_item_fires_for_that_item() -> None:
    flow = TriggerFlow()
    seen: list[object] = []

    async def fire(data: TriggerFlowRuntimeData[int]) -> int:
        await data.async_emit("A", data.value)
        await data.async_emit("B", -data.value)
        return data.value

    flow.to(lambda d: [1, 2]).for_each().to(fire).end_for_each()
    flow.when(["A", "B"]).to(lambda d: seen.append(d.value))
    await run(flow)
    assert sorted(seen, key=str) == [{"event": {"A": 1, "B": -1}}, {"event": {"A": 2, "B": -2}}]


@pytest.mark.parametrize("shape", ["batch", "if_condition", "hit_all"])
async def test_an_and_join_of_signals_from_different_branches_fires(shape: str) -> None:
    """B3: batch branches and cases are paths of one instance, not instances: they join."""
    flow = TriggerFlow()
    seen: list[object] = []

    async def emit_a(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_emit("A", "a")

    async def emit_b(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_emit("B", "b")

    if shape == "batch":
        flow.batch(emit_a, emit_b)
    elif shape == "if_condition":
        flow.if_condition(lambda d: True).to(emit_a).end_condition()
        flow.to(emit_b)
    else:
        flow.match("hit_all").case(lambda d: True).to(emit_a).case(lambda d: True).to(emit_b).end_match()
    flow.when(["A", "B"]).to(lambda d: seen.append(d.value))
    await run(flow)
    assert seen == [{"event": {"A": "a", "B": "b"}}]


async def test_when_handlers_of_one_signal_start_in_registration_order() -> None:
    flow = TriggerFlow()
    started: list[str] = []
    both = anyio.Event()

    async def handler(name: str, data: TriggerFlowRuntimeData[Any]) -> None:
        started.append(name)
        if len(started) == 2:
            both.set()
        with anyio.fail_after(DEADLINE):
            await both.wait()  # both run at once: each waits for the other to start

    flow.when("E").to(("first", lambda d: handler("first", d)))
    flow.when("E").to(("second", lambda d: handler("second", d)))
    execution = await start(flow)
    await execution.async_emit("E")
    await execution.async_close()
    assert started == ["first", "second"]
