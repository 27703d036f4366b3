"""``.to(child_flow)`` is shorthand for ``.to_sub_flow(child_flow)`` (§2.3, seed 004 "普通组合").

The seed's plain composition ``parent.to(prepare).to_sub_flow(child_flow).to(consume)``:
the child starts with the parent's value; ``consume`` gets the compat result if the child
wrote one, else the child's close snapshot.
"""

from __future__ import annotations

from typing import Any

import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData
from tfc.ir.text import render_ir

from .helpers import run

pytestmark = pytest.mark.anyio


def child_flow(*, compat: bool) -> TriggerFlow[Any]:
    child = TriggerFlow(name="child")

    async def work(data: TriggerFlowRuntimeData[Any]) -> str:
        await data.async_set_state("seen", data.value)
        return f"compat {data.value}"

    if compat:
        child.to(work).end()
    else:
        child.to(work)
    return child


def seed_composition(child: TriggerFlow[Any], *, shorthand: bool, on_start: bool = False) -> TriggerFlow[Any]:
    """parent.to(prepare).to_sub_flow(child).to(consume), or with ``.to(child)``."""
    parent = TriggerFlow(name="parent")

    async def prepare(data: TriggerFlowRuntimeData[Any]) -> str:
        return f"prepared {data.value}"

    async def consume(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("consumed", data.value)

    if on_start:
        head = parent.to(child) if shorthand else parent.to_sub_flow(child)
        head.to(consume)
    else:
        tail = parent.to(prepare)
        (tail.to(child) if shorthand else tail.to_sub_flow(child)).to(consume)
    return parent


@pytest.mark.parametrize("shorthand", [False, True], ids=["to_sub_flow", "to"])
@pytest.mark.parametrize(
    ("compat", "expected"),
    [
        pytest.param(True, "compat prepared x", id="compat-result"),
        pytest.param(False, {"seen": "prepared x"}, id="close-snapshot"),
    ],
)
async def test_the_seeds_plain_composition(shorthand: bool, compat: bool, expected: object) -> None:
    snapshot = await run(seed_composition(child_flow(compat=compat), shorthand=shorthand), "x")
    assert snapshot == {"consumed": expected}


@pytest.mark.parametrize("shorthand", [False, True], ids=["to_sub_flow", "to"])
async def test_a_sub_flow_straight_on_start_gets_the_start_input(shorthand: bool) -> None:
    snapshot = await run(seed_composition(child_flow(compat=True), shorthand=shorthand, on_start=True), "x")
    assert snapshot == {"consumed": "compat x"}


def test_the_shorthand_records_the_same_ir_as_to_sub_flow() -> None:
    child = child_flow(compat=True)
    by_to = render_ir(seed_composition(child, shorthand=True).ir())
    by_to_sub_flow = render_ir(seed_composition(child, shorthand=False).ir())

    def without_locations(text: str) -> list[str]:
        return [line.split("  @")[0] for line in text.splitlines()]

    assert without_locations(by_to) == without_locations(by_to_sub_flow)
    assert "sub_flow child" in by_to
    assert "capture=" not in by_to and "write_back=" not in by_to


async def test_the_shorthand_takes_a_step_name() -> None:
    parent = TriggerFlow(name="parent")
    parent.to(child_flow(compat=True), name="review").end()
    assert "sub_flow review" in render_ir(parent.ir())
    assert (await run(parent, "x")) == {"$final_result": "compat x"}
