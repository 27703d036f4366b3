"""batch of width 10 / 100 / 1000 against a task group of N tasks filling a dict.

The tfc flow is ``batch(b_0, ..., b_{N-1}).end()`` run by ``flow.async_start``; its figure
includes the execution and the close snapshot. The baseline makes a dict with the branch
names in declaration order, spawns one task per branch into a task group, and each task
stores its branch's result under its name. Branch ``i`` returns ``value + i`` on both sides.

Targets (issue 2): linear in N, at most 3× the raw cost per branch.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import anyio

from tfc import TriggerFlow, TriggerFlowRuntimeData

from ._common import Row, case_main, compare, equal

SIZES = (10, 100, 1000)
RATIO_TARGET = 3.0
LINEAR_TARGET = 1.5


def make_branch(i: int) -> Callable[[TriggerFlowRuntimeData[int]], Awaitable[int]]:
    async def branch(data: TriggerFlowRuntimeData[int]) -> int:
        return data.value + i

    return branch


def make_raw_branch(i: int) -> Callable[[int], Awaitable[int]]:
    async def branch(value: int) -> int:
        return value + i

    return branch


def build(n: int) -> TriggerFlow[Any]:
    flow: TriggerFlow[Any] = TriggerFlow(name=f"batch_{n}")
    flow.batch(*[(f"b_{i}", make_branch(i)) for i in range(n)]).end()
    flow.compile()
    return flow


async def raw_batch(names: list[str], funcs: list[Callable[[int], Awaitable[int]]], value: int) -> dict[str, object]:
    """The baseline: N tasks in a task group filling a dict made in declaration order."""
    out: dict[str, object] = dict.fromkeys(names)

    async def one(name: str, f: Callable[[int], Awaitable[int]]) -> None:
        out[name] = await f(value)

    async with anyio.create_task_group() as tg:
        for name, f in zip(names, funcs):
            tg.start_soon(one, name, f)
    return out


def _same_dict(got: object, want: object) -> None:
    equal(got, want)
    assert isinstance(got, dict) and isinstance(want, dict)
    if list(got) != list(want):
        raise AssertionError("tfc and the baseline disagree on the key order")


async def measure(quick: bool) -> list[Row]:
    rows: list[Row] = []
    per_branch: list[float] = []
    for n in SIZES:
        flow = build(n)
        names = [f"b_{i}" for i in range(n)]
        funcs = [make_raw_branch(i) for i in range(n)]

        async def run_tfc(flow: TriggerFlow[Any] = flow) -> object:
            snapshot = await flow.async_start(1)
            return snapshot["$final_result"]

        async def run_raw(names: list[str] = names, funcs: list[Any] = funcs) -> object:
            return await raw_batch(names, funcs, 1)

        timing = await compare(run_tfc, run_raw, runs=5 if quick else 9, check=_same_dict)
        tfc, raw = timing.per(n)
        per_branch.append(tfc)
        rows.append(Row("batch", f"width {n}", "branch", tfc, raw, f"≤ {RATIO_TARGET:g}× raw", tfc <= RATIO_TARGET * raw))
    growth = per_branch[-1] / per_branch[0]
    last = rows[-1]
    rows[-1] = Row(
        last.case,
        last.size,
        last.unit,
        last.tfc,
        last.raw,
        f"{last.target}; linear",
        bool(last.ok) and growth <= LINEAR_TARGET,
        note=f"µs/branch at width {SIZES[-1]} is {growth:.2f}× the figure at width {SIZES[0]} (linear: ≤ {LINEAR_TARGET:g}×)",
    )
    return rows


def run(quick: bool, backend: str) -> list[Row]:
    return anyio.run(measure, quick, backend=backend)


if __name__ == "__main__":
    case_main(run, __doc__ or "")
