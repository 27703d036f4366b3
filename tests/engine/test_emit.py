"""`emit` / `async_emit` (inline) and `emit_nowait` (tracked): SEMANTICS §4.4, §4.10."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from tfc import ChunkError, TriggerFlow, TriggerFlowRuntimeData

from .helpers import Gate, run, start

pytestmark = pytest.mark.anyio


async def test_async_emit_returns_after_the_whole_cascade() -> None:
    flow = TriggerFlow()
    log: list[str] = []

    async def emitter(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_emit("A", 1)
        log.append("emitter resumed")

    async def on_a(data: TriggerFlowRuntimeData[int]) -> int:
        await anyio.lowlevel.checkpoint()
        log.append(f"A got {data.value}")
        return data.value + 1

    async def after_a(data: TriggerFlowRuntimeData[int]) -> None:
        await data.async_emit("B", data.value)

    flow.to(emitter)
    flow.when("A").to(on_a).to(after_a)
    flow.when("B").to(lambda d: log.append(f"B got {d.value}"))
    await run(flow)
    assert log == ["A got 1", "B got 2", "emitter resumed"]


async def test_an_event_nobody_handles_is_fine() -> None:
    flow = TriggerFlow()

    async def emitter(data: TriggerFlowRuntimeData[Any]) -> str:
        await data.async_emit("Nobody", 1)
        return "ok"

    flow.to(emitter).end()
    assert await run(flow) == {"$final_result": "ok"}


async def test_outside_async_emit_is_inline() -> None:
    flow = TriggerFlow()
    seen: list[tuple[object, str]] = []
    flow.when("E").to(lambda d: seen.append((d.value, d.signal_source)))
    execution = await start(flow)
    await execution.async_emit("E", 1)
    assert seen == [(1, "runtime")]
    await execution.async_close()


async def test_emit_nowait_from_a_chunk_is_tracked_and_settles_before_start_returns() -> None:
    flow = TriggerFlow()
    log: list[str] = []

    async def emitter(data: TriggerFlowRuntimeData[Any]) -> None:
        data.emit_nowait("Later", 1)
        await data.async_emit_nowait("Later", 2)
        log.append("emitter done")

    flow.to(emitter)
    flow.when("Later").to(lambda d: log.append(f"later {d.value}"))
    execution = await start(flow)
    assert log[0] == "emitter done"
    assert sorted(log[1:]) == ["later 1", "later 2"]
    await execution.async_close()


async def test_sync_emit_inside_a_chunk_is_tracked() -> None:
    flow = TriggerFlow()
    log: list[str] = []

    def emitter(data: TriggerFlowRuntimeData[Any]) -> None:
        data.emit("E", "v")
        log.append("emitter done")

    flow.to(emitter)
    flow.when("E").to(lambda d: log.append(f"E {d.value}"))
    await run(flow)
    assert log == ["emitter done", "E v"]


async def test_outside_emit_nowait_is_drained_by_close() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.when("E").to(lambda d: seen.append(d.value))
    execution = await start(flow)
    execution.emit_nowait("E", 1)
    await execution.async_emit_nowait("E", 2)
    execution.emit("E", 3)
    assert seen == []
    await execution.async_close()
    assert sorted(seen) == [1, 2, 3]  # type: ignore[type-var]


async def test_an_outside_emit_nowait_runs_with_the_next_activation() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.when("E").to(lambda d: seen.append(d.value))
    execution = await start(flow)
    execution.emit_nowait("E", "queued")
    await execution.async_emit("E", "inline")
    assert sorted(seen) == ["inline", "queued"]  # type: ignore[type-var]
    await execution.async_close()


async def test_emitting_into_a_closed_execution_is_ignored_with_a_warning() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.when("E").to(lambda d: seen.append(d.value))
    execution = await start(flow)
    await execution.async_close()
    with pytest.warns(RuntimeWarning, match="ignored: execution .* is closed"):
        assert await execution.async_emit("E", 1) is None
    with pytest.warns(RuntimeWarning, match="ignored"):
        execution.emit_nowait("E", 2)
    assert seen == []


async def test_reemitting_start_reruns_the_start_chains() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.to(lambda d: seen.append(d.value))
    execution = await start(flow, 1)
    await execution.async_emit("START", 2)
    await execution.async_close()
    assert seen == [1, 2]


async def test_ping_pong_between_two_when_handlers_ends_where_the_flow_says() -> None:
    flow = TriggerFlow()
    log: list[tuple[str, int]] = []

    async def ping(data: TriggerFlowRuntimeData[int]) -> None:
        log.append(("ping", data.value))
        if data.value < 6:
            await data.async_emit("Pong", data.value + 1)

    async def pong(data: TriggerFlowRuntimeData[int]) -> None:
        log.append(("pong", data.value))
        await data.async_emit("Ping", data.value + 1)

    flow.when("Ping").to(ping)
    flow.when("Pong").to(pong)
    flow.to(lambda d: d.emit("Ping", 0))
    await run(flow)
    assert log == [("ping", 0), ("pong", 1), ("ping", 2), ("pong", 3), ("ping", 4), ("pong", 5), ("ping", 6)]


async def test_a_thousand_emits_do_not_grow_the_stack() -> None:
    flow = TriggerFlow()
    count = 0

    async def handler(data: TriggerFlowRuntimeData[int]) -> None:
        nonlocal count
        count += 1

    async def emitter(data: TriggerFlowRuntimeData[Any]) -> None:
        for i in range(1000):
            await data.async_emit("E", i)

    flow.when("E").to(handler)
    flow.to(emitter)
    await run(flow)
    assert count == 1000


async def test_an_error_in_an_emitted_branch_surfaces_in_the_emitter() -> None:
    flow = TriggerFlow()
    caught: list[BaseException] = []

    async def emitter(data: TriggerFlowRuntimeData[Any]) -> str:
        try:
            await data.async_emit("E")
        except ChunkError as exc:
            caught.append(exc)
        return "handled"

    def explode(data: TriggerFlowRuntimeData[Any]) -> None:
        raise KeyError("nope")

    flow.to(emitter).end()
    flow.when("E").to(explode)
    execution = await start(flow)
    assert [type(e.__cause__) for e in caught] == [KeyError]
    assert await execution.async_close() == {"$final_result": "handled"}
    assert execution.status == "completed"


async def test_an_error_in_emit_nowait_work_surfaces_from_close() -> None:
    """§4.10: the close raises it, status failed, the execution stays open; a second close completes."""
    flow = TriggerFlow()
    gate = Gate()

    async def explode(data: TriggerFlowRuntimeData[Any]) -> None:
        await gate.wait("go")
        raise ValueError("detached boom")

    flow.when("E").to(explode)
    execution = await start(flow)
    execution.emit_nowait("E")
    gate.set("go")
    with pytest.raises(ChunkError, match="detached boom") as info:
        await execution.async_close()
    assert isinstance(info.value.__cause__, ValueError)
    assert execution.status == "failed"
    assert execution.is_open()
    assert await execution.async_close() == {}
    assert execution.is_closed()
    assert execution.status == "failed"


async def test_an_outside_emit_fails_the_execution_when_its_branch_fails() -> None:
    flow = TriggerFlow()

    def explode(data: TriggerFlowRuntimeData[Any]) -> None:
        raise ValueError("boom")

    flow.when("E").to(explode)
    execution = await start(flow)
    with pytest.raises(ChunkError):
        await execution.async_emit("E")
    assert execution.status == "failed"
    await execution.async_close()
    assert execution.status == "failed"


async def test_when_start_runs_at_start() -> None:
    flow = TriggerFlow()
    seen: list[tuple[str, object]] = []
    flow.to(lambda d: seen.append(("to", d.value)))
    flow.when("START").to(lambda d: seen.append(("when", d.value)))
    await run(flow, 1)
    assert sorted(seen) == [("to", 1), ("when", 1)]  # type: ignore[type-var]


async def test_instant_fields_are_dispatched_while_the_chunk_still_runs() -> None:
    """The seed's "instant + async_emit" pattern: one event per field as it arrives."""
    flow = TriggerFlow()

    async def model_fields() -> Any:
        for key, value in (("title", "T"), ("body", "B")):
            await anyio.lowlevel.checkpoint()
            yield key, value

    async def consume(data: TriggerFlowRuntimeData[Any]) -> str:
        async for key, value in model_fields():
            await data.async_emit(f"field.{key}", value)
            await data.async_put_into_stream(("consumed", key))
        return "done"

    flow.to(consume).end()
    flow.when("field.title").to(lambda d: d.put_into_stream(("title handler", d.value)))
    flow.when("field.body").to(lambda d: d.put_into_stream(("body handler", d.value)))
    execution = await start(flow)
    assert await execution.async_close() == {"$final_result": "done"}
    items = [item async for item in execution.get_async_runtime_stream()]
    assert items == [("title handler", "T"), ("consumed", "title"), ("body handler", "B"), ("consumed", "body")]
