"""`if_condition` / `elif_condition` / `else_condition` / `end_condition`: §2.7, §7 S2."""

from __future__ import annotations

from typing import Any

import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData

from .helpers import run

pytestmark = pytest.mark.anyio


def classify_flow(log: list[str]) -> TriggerFlow[Any]:
    flow = TriggerFlow()
    (
        flow.if_condition(lambda d: d.value < 0)
        .to(("negative", lambda d: log.append("negative") or "neg"))
        .elif_condition(0)
        .to(("zero", lambda d: log.append("zero") or "zero"))
        .elif_condition(lambda d: d.value > 100)
        .to(("big", lambda d: log.append("big") or "big"))
        .else_condition()
        .to(("other", lambda d: log.append("other") or "other"))
        .end_condition()
        .to(lambda d: f"<{d.value}>")
        .end()
    )
    return flow


@pytest.mark.parametrize(
    ("value", "branch"),
    [
        pytest.param(-5, "negative", id="if"),
        pytest.param(0, "zero", id="elif-literal"),
        pytest.param(500, "big", id="elif-callable"),
        pytest.param(7, "other", id="else"),
    ],
)
async def test_exactly_one_branch_runs_and_the_chain_continues_with_its_value(value: int, branch: str) -> None:
    log: list[str] = []
    snapshot = await run(classify_flow(log), value)
    assert log == [branch]
    short = {"negative": "neg", "zero": "zero", "big": "big", "other": "other"}[branch]
    assert snapshot["$final_result"] == f"<{short}>"


async def test_the_first_hit_wins() -> None:
    flow = TriggerFlow()
    log: list[str] = []
    (
        flow.if_condition(lambda d: d.value > 1)
        .to(("first", lambda d: log.append("first")))
        .elif_condition(lambda d: d.value > 0)
        .to(("second", lambda d: log.append("second")))
        .end_condition()
    )
    await run(flow, 5)
    assert log == ["first"]


async def test_no_hit_and_no_else_passes_the_input_through() -> None:
    flow = TriggerFlow()
    flow.if_condition("yes").to(lambda d: "taken").end_condition().to(lambda d: ("after", d.value)).end()
    assert (await run(flow, "no"))["$final_result"] == ("after", "no")
    assert (await run(flow, "yes"))["$final_result"] == ("after", "taken")


async def test_a_callable_condition_hits_when_truthy() -> None:
    """S2: truthiness, not ``is True``."""
    flow = TriggerFlow()
    flow.if_condition(lambda d: d.value).to(lambda d: "hit").else_condition().to(lambda d: "miss").end_condition().end()
    assert (await run(flow, [1]))["$final_result"] == "hit"
    assert (await run(flow, "text"))["$final_result"] == "hit"
    assert (await run(flow, []))["$final_result"] == "miss"
    assert (await run(flow, 0))["$final_result"] == "miss"


async def test_an_async_condition_is_awaited() -> None:
    """S2: an awaitable result is awaited before the truth test."""
    flow = TriggerFlow()

    async def is_big(data: TriggerFlowRuntimeData[int]) -> bool:
        return data.value > 10

    flow.if_condition(is_big).to(lambda d: "big").else_condition().to(lambda d: "small").end_condition().end()
    assert (await run(flow, 11))["$final_result"] == "big"
    assert (await run(flow, 1))["$final_result"] == "small"


async def test_a_condition_sees_the_runtime_data() -> None:
    flow = TriggerFlow()

    async def write(data: TriggerFlowRuntimeData[Any]) -> str:
        await data.async_set_state("mode", "strict")
        return data.value

    (
        flow.to(write)
        .if_condition(lambda d: d.state.get("mode") == "strict" and d.value == "x")
        .to(lambda d: "strict x")
        .end_condition()
        .end()
    )
    assert (await run(flow, "x"))["$final_result"] == "strict x"


async def test_a_literal_condition_compares_with_equality() -> None:
    flow = TriggerFlow()
    flow.if_condition({"k": 1}).to(lambda d: "dict").elif_condition(2.0).to(lambda d: "two").end_condition().end()
    assert (await run(flow, {"k": 1}))["$final_result"] == "dict"
    assert (await run(flow, 2))["$final_result"] == "two"


async def test_branches_with_several_steps_deliver_their_last_value() -> None:
    flow = TriggerFlow()
    (
        flow.if_condition(lambda d: d.value > 0)
        .to(lambda d: d.value + 1)
        .to(lambda d: d.value * 100)
        .else_condition()
        .end_condition()
        .end()
    )
    assert (await run(flow, 1))["$final_result"] == 200
    assert (await run(flow, -1))["$final_result"] == -1  # an empty else passes its input on


async def test_nested_conditions() -> None:
    flow = TriggerFlow()
    (
        flow.if_condition(lambda d: d.value > 0)
        .if_condition(lambda d: d.value > 10)
        .to(lambda d: "big")
        .else_condition()
        .to(lambda d: "small")
        .end_condition()
        .else_condition()
        .to(lambda d: "non-positive")
        .end_condition()
        .end()
    )
    assert [(await run(flow, v))["$final_result"] for v in (50, 5, -5)] == ["big", "small", "non-positive"]


async def test_a_condition_after_a_when_root() -> None:
    flow = TriggerFlow()
    seen: list[str] = []
    flow.when("Grade").if_condition(lambda d: d.value >= 50).to(lambda d: seen.append("pass")).else_condition().to(
        lambda d: seen.append("fail")
    ).end_condition()
    execution = flow.create_execution(auto_close=False)
    await execution.async_start()
    await execution.async_emit("Grade", 80)
    await execution.async_emit("Grade", 20)
    await execution.async_close()
    assert seen == ["pass", "fail"]
