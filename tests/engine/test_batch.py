"""`batch(*chunks, concurrency=, side_branch=)`: SEMANTICS §2.5."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData

from .helpers import DEADLINE, Gate, run

pytestmark = pytest.mark.anyio


async def test_batch_gives_every_branch_the_same_input_and_joins_by_name() -> None:
    flow = TriggerFlow()

    @flow.chunk
    async def facts(data: TriggerFlowRuntimeData[str]) -> str:
        return f"facts({data.value})"

    @flow.chunk("risk_scan")
    def risks(data: TriggerFlowRuntimeData[str]) -> str:
        return f"risks({data.value})"

    flow.batch(facts, risks).end()
    snapshot = await run(flow, "t")
    assert snapshot["$final_result"] == {"facts": "facts(t)", "risk_scan": "risks(t)"}


async def test_batch_result_is_in_declaration_order_not_completion_order() -> None:
    flow = TriggerFlow()
    gate = Gate()
    finished: list[str] = []

    async def slow(data: TriggerFlowRuntimeData[Any]) -> str:
        await gate.wait("fast done")
        finished.append("slow")
        return "s"

    async def fast(data: TriggerFlowRuntimeData[Any]) -> str:
        finished.append("fast")
        gate.set("fast done")
        return "f"

    flow.batch(slow, fast).end()
    snapshot = await run(flow)
    assert finished == ["fast", "slow"]
    result = snapshot["$final_result"]
    assert result == {"slow": "s", "fast": "f"}
    assert list(result) == ["slow", "fast"]


async def test_batch_branches_run_concurrently() -> None:
    flow = TriggerFlow()
    gate = Gate()

    async def a(data: TriggerFlowRuntimeData[Any]) -> str:
        gate.set("a")
        await gate.wait("b")
        return "a"

    async def b(data: TriggerFlowRuntimeData[Any]) -> str:
        gate.set("b")
        await gate.wait("a")
        return "b"

    flow.batch(a, b).end()
    assert (await run(flow))["$final_result"] == {"a": "a", "b": "b"}


async def test_batch_accepts_chunks_functions_names_and_tuples() -> None:
    flow = TriggerFlow()

    @flow.chunk("named")
    def named(data: TriggerFlowRuntimeData[int]) -> int:
        return data.value + 1

    def plain(data: TriggerFlowRuntimeData[int]) -> int:
        return data.value + 2

    flow.batch("named", plain, ("tupled", lambda d: d.value + 3)).end()
    assert (await run(flow, 0))["$final_result"] == {"named": 1, "plain": 2, "tupled": 3}


async def test_batch_concurrency_caps_branches_and_starts_them_in_order() -> None:
    flow = TriggerFlow()
    gate = Gate()
    started: list[str] = []
    running = 0
    most = 0

    def branch(name: str) -> Any:
        async def fn(data: TriggerFlowRuntimeData[Any]) -> str:
            nonlocal running, most
            started.append(name)
            running += 1
            most = max(most, running)
            if len(started) == 2:
                gate.set("two running")
            await gate.wait("two running")
            for _ in range(3):
                await anyio.lowlevel.checkpoint()
            running -= 1
            return name

        return (name, fn)

    flow.batch(*(branch(n) for n in "abcde"), concurrency=2).end()
    snapshot = await run(flow)
    assert most == 2
    assert started == list("abcde")
    assert snapshot["$final_result"] == {n: n for n in "abcde"}


async def test_batch_with_concurrency_one_runs_branches_one_after_another() -> None:
    flow = TriggerFlow()
    log: list[str] = []

    def branch(name: str) -> Any:
        async def fn(data: TriggerFlowRuntimeData[Any]) -> str:
            log.append(f"{name}+")
            await anyio.lowlevel.checkpoint()
            log.append(f"{name}-")
            return name

        return (name, fn)

    flow.batch(branch("a"), branch("b"), branch("c"), concurrency=1).end()
    await run(flow)
    assert log == ["a+", "a-", "b+", "b-", "c+", "c-"]


async def test_the_chain_continues_with_the_batch_dict() -> None:
    flow = TriggerFlow()
    flow.to(lambda d: d.value * 2).batch(("inc", lambda d: d.value + 1), ("neg", lambda d: -d.value)).to(
        lambda d: d.value["inc"] + d.value["neg"]
    ).end()
    assert (await run(flow, 5))["$final_result"] == 1


async def test_side_branch_batch_leaves_the_tail_where_it_was() -> None:
    flow = TriggerFlow()
    seen: list[object] = []
    (
        flow.to(lambda d: d.value + 1)
        .batch(("side_a", lambda d: seen.append(("a", d.value))), side_branch=True)
        .to(lambda d: d.value * 10)
        .end()
    )
    assert (await run(flow, 1))["$final_result"] == 20
    assert seen == [("a", 2)]


async def test_when_on_a_batch_runs_the_batch_on_the_signal_value() -> None:
    flow = TriggerFlow()

    async def write(data: TriggerFlowRuntimeData[str]) -> None:
        data.state.set("topic", data.value)

    flow.to(write)
    flow.when({"runtime_data": "topic"}).batch(("a", lambda d: d.value + "!"), ("b", lambda d: d.value + "?")).end()
    snapshot = await run(flow, "t")
    assert snapshot == {"topic": "t", "$final_result": {"a": "t!", "b": "t?"}}


async def test_nested_batches_join_per_branch() -> None:
    flow = TriggerFlow()
    flow.batch(("x", lambda d: d.value), ("y", lambda d: d.value + 1)).batch(
        ("keys", lambda d: sorted(d.value)), ("total", lambda d: sum(d.value.values()))
    ).end()
    with anyio.fail_after(DEADLINE):
        assert (await run(flow, 1))["$final_result"] == {"keys": ["x", "y"], "total": 3}
