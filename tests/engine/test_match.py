"""`match` / `case` / `case_else` / `end_match`, hit_first and hit_all: §2.8, §7 B4, S2."""

from __future__ import annotations

from typing import Any

import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData

from .helpers import Gate, run

pytestmark = pytest.mark.anyio


async def test_hit_first_routes_to_the_first_hitting_case() -> None:
    flow = TriggerFlow()
    log: list[str] = []
    (
        flow.match()
        .case("a")
        .to(("on_a", lambda d: log.append("a") or "A"))
        .case(lambda d: isinstance(d.value, str))
        .to(("on_str", lambda d: log.append("str") or "S"))
        .case_else()
        .to(("on_else", lambda d: log.append("else") or "E"))
        .end_match()
        .to(lambda d: d.value * 2)
        .end()
    )
    assert (await run(flow, "a"))["$final_result"] == "AA"
    assert (await run(flow, "b"))["$final_result"] == "SS"
    assert (await run(flow, 3))["$final_result"] == "EE"
    assert log == ["a", "str", "else"]


async def test_hit_first_without_a_hit_or_else_passes_the_input_through() -> None:
    flow = TriggerFlow()
    flow.match().case(1).to(lambda d: "one").end_match().end()
    assert (await run(flow, 2))["$final_result"] == 2


async def test_hit_all_runs_every_hitting_case_and_joins_in_case_order() -> None:
    flow = TriggerFlow()
    gate = Gate()
    finished: list[str] = []

    async def slow(data: TriggerFlowRuntimeData[int]) -> str:
        await gate.wait("fast done")
        finished.append("slow")
        return "positive"

    async def fast(data: TriggerFlowRuntimeData[int]) -> str:
        finished.append("fast")
        gate.set("fast done")
        return "even"

    (
        flow.match(mode="hit_all")
        .case(lambda d: d.value > 0)
        .to(slow)
        .case(lambda d: d.value < 0)
        .to(("negative", lambda d: "negative"))
        .case(lambda d: d.value % 2 == 0)
        .to(fast)
        .end_match()
        .end()
    )
    assert (await run(flow, 4))["$final_result"] == ["positive", "even"]
    assert finished == ["fast", "slow"]


async def test_hit_all_without_a_hit_takes_the_else_or_passes_the_input() -> None:
    flow = TriggerFlow()
    flow.match("hit_all").case(1).to(lambda d: "one").case(2).to(lambda d: "two").end_match().end()
    assert (await run(flow, 9))["$final_result"] == 9

    with_else = TriggerFlow()
    with_else.match("hit_all").case(1).to(lambda d: "one").case_else().to(lambda d: "else").end_match().end()
    assert (await run(with_else, 9))["$final_result"] == ["else"]
    assert (await run(with_else, 1))["$final_result"] == ["one"]


async def test_hit_all_cases_run_concurrently() -> None:
    flow = TriggerFlow()
    gate = Gate()

    async def left(data: TriggerFlowRuntimeData[Any]) -> str:
        gate.set("left")
        await gate.wait("right")
        return "l"

    async def right(data: TriggerFlowRuntimeData[Any]) -> str:
        gate.set("right")
        await gate.wait("left")
        return "r"

    flow.match("hit_all").case(lambda d: True).to(left).case(lambda d: True).to(right).end_match().end()
    assert (await run(flow))["$final_result"] == ["l", "r"]


async def test_lambdas_on_one_line_are_distinct_cases() -> None:
    """B4: cases are identified by their position, not their source location."""
    flow = TriggerFlow()
    flow.match().case(lambda d: d.value == 1).to(lambda d: "one").case(lambda d: d.value == 2).to(lambda d: "two").end_match().end()  # fmt: skip
    assert (await run(flow, 1))["$final_result"] == "one"
    assert (await run(flow, 2))["$final_result"] == "two"


async def test_conditions_are_truthy_and_may_be_async() -> None:
    flow = TriggerFlow()

    async def has_items(data: TriggerFlowRuntimeData[list[int]]) -> list[int]:
        return data.value

    flow.match().case(has_items).to(lambda d: "items").case_else().to(lambda d: "empty").end_match().end()
    assert (await run(flow, [1]))["$final_result"] == "items"
    assert (await run(flow, []))["$final_result"] == "empty"


async def test_a_case_with_no_steps_delivers_the_input() -> None:
    flow = TriggerFlow()
    flow.match().case(1).case_else().to(lambda d: "else").end_match().end()
    assert (await run(flow, 1))["$final_result"] == 1
    assert (await run(flow, 2))["$final_result"] == "else"


async def test_match_inside_for_each() -> None:
    flow = TriggerFlow()
    (
        flow.for_each()
        .match()
        .case("x")
        .to(lambda d: 1)
        .case_else()
        .to(lambda d: 0)
        .end_match()
        .end_for_each()
        .end()
    )
    assert (await run(flow, ["x", "y", "x"]))["$final_result"] == [1, 0, 1]
