"""A parent running a 3-step child 1,000 times in a for_each, against the same work inline.

Sub-flow: ``parent.for_each().to_sub_flow(child).end_for_each().end()``, where the child is
``to(add_one).to(double).to(add_one).end()`` (so each child run builds its own execution,
starts it, closes it and hands back its compat result). Inline: the same three steps
written inside the parent's for_each. The overhead per child run is the difference divided
by 1,000. A third figure is the raw-anyio baseline of the same work (one task per item
awaiting the three bodies), for scale.

Target (issue 3): at most 20 µs of overhead per child run.
"""

from __future__ import annotations

from typing import Any

import anyio

from tfc import TriggerFlow, TriggerFlowRuntimeData

from ._common import Row, case_main, compare, equal

RUNS = 1_000
TARGET_US = 20.0


async def add_one(data: TriggerFlowRuntimeData[int]) -> int:
    return data.value + 1


async def double(data: TriggerFlowRuntimeData[int]) -> int:
    return data.value * 2


async def add_one_raw(value: int) -> int:
    return value + 1


async def double_raw(value: int) -> int:
    return value * 2


def build() -> tuple[TriggerFlow[Any], TriggerFlow[Any]]:
    child: TriggerFlow[Any] = TriggerFlow(name="child")
    child.to(("first", add_one)).to(double).to(("last", add_one)).end()
    with_child: TriggerFlow[Any] = TriggerFlow(name="with_child")
    with_child.for_each().to_sub_flow(child).end_for_each().end()
    inline: TriggerFlow[Any] = TriggerFlow(name="inline")
    inline.for_each().to(("first", add_one)).to(double).to(("last", add_one)).end_for_each().end()
    with_child.compile()
    inline.compile()
    return with_child, inline


async def raw_run(items: list[int]) -> list[object]:
    results: list[object] = [None] * len(items)

    async def one(i: int, item: int) -> None:
        results[i] = await add_one_raw(await double_raw(await add_one_raw(item)))

    async with anyio.create_task_group() as tg:
        for i, item in enumerate(items):
            tg.start_soon(one, i, item)
    return results


async def measure(quick: bool) -> list[Row]:
    with_child, inline = build()
    items = list(range(RUNS))
    runs = 5 if quick else 9

    async def run_child() -> object:
        return (await with_child.async_start(items))["$final_result"]

    async def run_inline() -> object:
        return (await inline.async_start(items))["$final_result"]

    async def run_raw() -> object:
        return await raw_run(items)

    sub = await compare(run_child, run_inline, runs=runs, check=equal)
    child_us, inline_us = sub.per(RUNS)
    base = await compare(run_inline, run_raw, runs=runs, check=equal)
    _, raw_us = base.per(RUNS)
    over = child_us - inline_us
    return [
        Row(
            "sub_flow",
            f"{RUNS:,} child runs (raw column: same steps inline)",
            "child run",
            child_us,
            inline_us,
            f"≤ {TARGET_US:g} µs over inline",
            over <= TARGET_US,
            note=f"the raw column is the same work inline in tfc; raw anyio does it in {raw_us:.2f} µs per item",
        )
    ]


def run(quick: bool, backend: str) -> list[Row]:
    return anyio.run(measure, quick, backend=backend)


if __name__ == "__main__":
    case_main(run, __doc__ or "")
