"""Flows, chunks and `to` chains: SEMANTICS §2.1-§2.3 and §7 S3."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from tfc import Chunk, TriggerFlow, TriggerFlowRuntimeData

from .helpers import Gate, run, start

pytestmark = pytest.mark.anyio


# -- chunks: how they are declared ------------------------------------------------------------


def test_chunk_decorator_without_a_name_uses_the_function_name() -> None:
    flow = TriggerFlow()

    @flow.chunk
    async def normalize(data: TriggerFlowRuntimeData[str]) -> str:
        return data.value

    assert isinstance(normalize, Chunk)
    assert normalize.name == "normalize"
    assert flow.chunks == {"normalize": normalize}


def test_chunk_decorator_with_a_name_registers_under_that_name() -> None:
    flow = TriggerFlow()

    @flow.chunk("clean")
    async def normalize(data: TriggerFlowRuntimeData[str]) -> str:
        return data.value

    assert isinstance(normalize, Chunk)
    assert normalize.name == "clean"
    assert list(flow.chunks) == ["clean"]


async def test_a_chunk_stays_callable_as_its_handler() -> None:
    flow = TriggerFlow()

    @flow.chunk
    def double(data: Any) -> int:
        return int(data.value) * 2

    class Fake:
        value = 21

    assert double(Fake()) == 42  # type: ignore[arg-type]


def test_flow_names_default_to_a_random_name() -> None:
    first, second = TriggerFlow(), TriggerFlow()
    assert first.name != second.name
    assert TriggerFlow("report").name == "report"
    assert TriggerFlow(name="report").name == "report"


async def test_async_and_sync_handlers_chain() -> None:
    flow = TriggerFlow()
    seen: list[tuple[str, object]] = []

    @flow.chunk
    async def strip(data: TriggerFlowRuntimeData[str]) -> str:
        seen.append(("strip", data.value))
        return data.value.strip()

    @flow.chunk
    def upper(data: TriggerFlowRuntimeData[str]) -> str:
        seen.append(("upper", data.value))
        return data.value.upper()

    @flow.chunk
    async def exclaim(data: TriggerFlowRuntimeData[str]) -> str:
        seen.append(("exclaim", data.value))
        return data.value + "!"

    flow.to(strip).to(upper).to(exclaim).end()
    snapshot = await run(flow, "  hi ")
    assert seen == [("strip", "  hi "), ("upper", "hi"), ("exclaim", "HI")]
    assert snapshot == {"$final_result": "HI!"}


async def test_every_spelling_of_a_step() -> None:
    flow = TriggerFlow()

    @flow.chunk("declared")
    async def declared(data: TriggerFlowRuntimeData[list[str]]) -> list[str]:
        return [*data.value, "declared"]

    async def plain(data: TriggerFlowRuntimeData[list[str]]) -> list[str]:
        return [*data.value, "plain"]

    def tupled(data: TriggerFlowRuntimeData[list[str]]) -> list[str]:
        return [*data.value, "tupled"]

    def renamed(data: TriggerFlowRuntimeData[list[str]]) -> list[str]:
        return [*data.value, "renamed"]

    (
        flow.to("declared")
        .to(plain)
        .to(("as_tuple", tupled))
        .to(renamed, name="other_name")
        .to(lambda data: [*data.value, "lambda"])
        .end()
    )
    snapshot = await run(flow, [])
    assert snapshot["$final_result"] == ["declared", "plain", "tupled", "renamed", "lambda"]
    assert list(flow.chunks)[:4] == ["declared", "plain", "as_tuple", "other_name"]
    assert len(flow.chunks) == 5


async def test_every_lambda_is_its_own_chunk() -> None:
    flow = TriggerFlow()
    flow.to(lambda d: d.value + 1).to(lambda d: d.value * 10).end()
    assert len(flow.chunks) == 2
    assert (await run(flow, 1))["$final_result"] == 20


async def test_none_is_an_output_like_any_other() -> None:
    flow = TriggerFlow()
    seen: list[object] = []

    def nothing(data: TriggerFlowRuntimeData[Any]) -> None:
        return None

    def look(data: TriggerFlowRuntimeData[Any]) -> str:
        seen.append(data.value)
        return "after"

    flow.to(nothing).to(look).end()
    assert (await run(flow, "x"))["$final_result"] == "after"
    assert seen == [None]


# -- each .to() is its own step (S3) -----------------------------------------------------------


async def test_the_same_chunk_at_three_steps_runs_three_times() -> None:
    flow = TriggerFlow()
    calls: list[int] = []

    @flow.chunk
    async def inc(data: TriggerFlowRuntimeData[int]) -> int:
        calls.append(data.value)
        return data.value + 1

    flow.to(inc).to(inc).to(inc).end()
    assert (await run(flow, 0))["$final_result"] == 3
    assert calls == [0, 1, 2]
    assert list(flow.chunks) == ["inc"]


async def test_the_same_function_given_twice_is_one_chunk() -> None:
    flow = TriggerFlow()

    async def inc(data: TriggerFlowRuntimeData[int]) -> int:
        return data.value + 1

    flow.to(inc).to(inc).end()
    assert list(flow.chunks) == ["inc"]
    assert (await run(flow, 5))["$final_result"] == 7


async def test_one_function_under_two_names_is_two_chunks() -> None:
    flow = TriggerFlow()

    async def inc(data: TriggerFlowRuntimeData[int]) -> int:
        return data.value + 1

    flow.to(("inc_a", inc)).to(("inc_b", inc)).end()
    assert list(flow.chunks) == ["inc_a", "inc_b"]
    assert (await run(flow, 0))["$final_result"] == 2


# -- several chains off one point --------------------------------------------------------------


async def test_two_chains_on_start_run_concurrently_with_the_same_input() -> None:
    flow = TriggerFlow()
    gate = Gate()
    seen: dict[str, object] = {}

    async def left(data: TriggerFlowRuntimeData[str]) -> None:
        seen["left"] = data.value
        gate.set("left")
        await gate.wait("right")

    async def right(data: TriggerFlowRuntimeData[str]) -> None:
        seen["right"] = data.value
        gate.set("right")
        await gate.wait("left")

    flow.to(left)
    flow.to(right)
    await run(flow, "in")
    assert seen == {"left": "in", "right": "in"}


async def test_two_chains_off_one_step_both_get_its_output() -> None:
    flow = TriggerFlow()
    seen: list[tuple[str, object]] = []

    p = flow.to(lambda d: d.value * 2)
    p.to(lambda d: seen.append(("a", d.value)))
    p.to(lambda d: seen.append(("b", d.value)))
    await run(flow, 4)
    assert sorted(seen) == [("a", 8), ("b", 8)]


# -- the runtime data a chunk receives ----------------------------------------------------------


async def test_runtime_data_describes_the_signal() -> None:
    flow = TriggerFlow()
    seen: list[tuple[Any, ...]] = []

    def first(data: TriggerFlowRuntimeData[str]) -> str:
        seen.append((data.value, data.input, data.trigger_event, data.trigger_type, data.signal_source))
        return "next"

    def second(data: TriggerFlowRuntimeData[str]) -> None:
        seen.append((data.value, data.input, data.trigger_type, data.signal_source, data.is_resume))

    flow.to(first).to(second)
    execution = await start(flow, "go")
    assert seen == [("go", "go", "START", "event", "start"), ("next", "next", "event", "chunk", False)]
    await execution.async_close()


async def test_runtime_data_knows_its_execution() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    flow.to(lambda d: seen.extend([d.execution, d.execution_id]))
    execution = await start(flow)
    assert seen == [execution, execution.id]
    await execution.async_close()


# -- compiling once -----------------------------------------------------------------------------


def test_a_flow_compiles_once_until_its_definition_changes() -> None:
    flow = TriggerFlow()
    flow.to(lambda d: d.value)
    plan = flow.compile()
    assert flow.compile() is plan
    flow.to(lambda d: d.value)
    assert flow.compile() is not plan


async def test_an_execution_keeps_the_definition_it_was_created_with() -> None:
    flow = TriggerFlow()
    calls: list[str] = []
    flow.to(lambda d: calls.append("old"))
    execution = flow.create_execution(auto_close=False)
    flow.to(lambda d: calls.append("new"))
    with anyio.fail_after(5):
        await execution.async_start()
        await execution.async_close()
    assert calls == ["old"]
    calls.clear()
    await run(flow)
    assert sorted(calls) == ["new", "old"]
