"""`for_each(concurrency=)` ... `end_for_each()`: SEMANTICS §2.6."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData

from .helpers import Gate, run

pytestmark = pytest.mark.anyio


async def each(value: object, *steps: Any, **options: Any) -> object:
    """Run ``for_each(**options)`` with *steps* over *value*; the joined result."""
    flow = TriggerFlow()
    p = flow.for_each(**options)
    for step in steps:
        p = p.to(step)
    p.end_for_each().end()
    return (await run(flow, value))["$final_result"]


async def test_the_body_runs_once_per_item_and_joins_in_input_order() -> None:
    assert await each([1, 2, 3], lambda d: d.value * 10, lambda d: d.value + 1) == [11, 21, 31]


async def test_the_join_is_in_input_order_not_completion_order() -> None:
    gate = Gate()
    finished: list[int] = []

    async def body(data: TriggerFlowRuntimeData[int]) -> int:
        if data.value == 0:
            await gate.wait("last done")
        finished.append(data.value)
        if data.value == 2:
            gate.set("last done")
        return data.value * 2

    assert await each([0, 1, 2], body) == [0, 2, 4]
    assert finished[-1] == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param([1, 2], [[1], [2]], id="list"),
        pytest.param((1, 2), [[1], [2]], id="tuple"),
        pytest.param(range(2), [[0], [1]], id="range"),
        pytest.param("ab", [["ab"]], id="string-is-one-item"),
        pytest.param(b"ab", [[b"ab"]], id="bytes-is-one-item"),
        pytest.param({"k": 1}, [[{"k": 1}]], id="dict-is-one-item"),
        pytest.param(None, [[None]], id="none-is-one-item"),
        pytest.param(7, [[7]], id="scalar-is-one-item"),
        pytest.param(frozenset({1}), [[frozenset({1})]], id="set-is-one-item"),
        pytest.param([], [], id="empty-list"),
        pytest.param((), [], id="empty-tuple"),
    ],
)
async def test_item_shapes(value: object, expected: list[object]) -> None:
    assert await each(value, lambda d: [d.value]) == expected


async def test_an_empty_sequence_runs_no_item_and_continues_with_an_empty_list() -> None:
    calls: list[object] = []
    assert await each([], lambda d: calls.append(d.value)) == []
    assert calls == []


async def test_an_empty_body_passes_the_items_through() -> None:
    flow = TriggerFlow()
    flow.for_each().end_for_each().end()
    assert (await run(flow, (1, 2)))["$final_result"] == [1, 2]


async def test_items_run_concurrently_without_a_limit() -> None:
    gate = Gate()
    arrived: list[int] = []

    async def body(data: TriggerFlowRuntimeData[int]) -> int:
        arrived.append(data.value)
        if len(arrived) == 3:
            gate.set("all in")
        await gate.wait("all in")
        return data.value

    assert await each([1, 2, 3], body) == [1, 2, 3]


async def test_concurrency_limits_items_in_flight_and_starts_them_in_order() -> None:
    gate = Gate()
    started: list[int] = []
    running = 0
    most = 0

    async def body(data: TriggerFlowRuntimeData[int]) -> int:
        nonlocal running, most
        started.append(data.value)
        running += 1
        most = max(most, running)
        if running == 3:
            gate.set("three in")
        await gate.wait("three in")
        for _ in range(3):
            await anyio.lowlevel.checkpoint()
        running -= 1
        return -data.value

    assert await each(list(range(10)), body, concurrency=3) == [-i for i in range(10)]
    assert most == 3
    assert started == list(range(10))


async def test_nested_for_each_gives_nested_lists() -> None:
    flow = TriggerFlow()
    (
        flow.for_each()
        .to(lambda d: [d.value * 10 + i for i in range(d.value)])
        .for_each()
        .to(lambda d: d.value + 1)
        .end_for_each()
        .end_for_each()
        .end()
    )
    assert (await run(flow, [1, 2, 0]))["$final_result"] == [[11], [21, 22], []]


async def test_the_chain_after_end_for_each_gets_the_list() -> None:
    flow = TriggerFlow()
    flow.to(lambda d: d.value.split()).for_each().to(lambda d: len(d.value)).end_for_each().to(
        lambda d: sum(d.value)
    ).end()
    assert (await run(flow, "a bb ccc"))["$final_result"] == 6


async def test_a_for_each_body_can_hold_blocks() -> None:
    flow = TriggerFlow()
    (
        flow.for_each()
        .if_condition(lambda d: d.value % 2 == 0)
        .to(lambda d: "even")
        .else_condition()
        .batch(("odd", lambda d: d.value), ("neg", lambda d: -d.value))
        .end_condition()
        .end_for_each()
        .end()
    )
    assert (await run(flow, [1, 2]))["$final_result"] == [{"odd": 1, "neg": -1}, "even"]


async def test_for_each_items_see_state_and_stream() -> None:
    flow = TriggerFlow()

    async def body(data: TriggerFlowRuntimeData[str]) -> str:
        await data.async_append_state("seen", data.value)
        return data.value

    flow.for_each(concurrency=1).to(body).end_for_each().end()
    snapshot = await run(flow, ["a", "b"])
    assert snapshot == {"seen": ["a", "b"], "$final_result": ["a", "b"]}


async def test_many_items() -> None:
    assert await each(list(range(2000)), lambda d: d.value + 1, concurrency=50) == list(range(1, 2001))
