"""A chain of 10 / 100 / 1000 `.to()` steps against ``for f in funcs: v = await f(v)``.

Every tfc figure is a whole run: create the execution, start it, run the chain, close it
(``flow.async_start``), divided by the number of steps, so the fixed cost of an execution
weighs most on the 10-step chain. The marginal row is the slope between the two largest
chains: what one more step costs once the execution exists.

Target (issue 2): a chain step costs at most 3 µs more than the raw loop.
"""

from __future__ import annotations

from typing import Any

import anyio

from tfc import TriggerFlow, TriggerFlowRuntimeData

from ._common import Row, case_main, compare, deep_recursion, equal

SIZES = (10, 100, 1000)
TARGET_US = 3.0


async def inc(data: TriggerFlowRuntimeData[int]) -> int:
    return data.value + 1


async def inc_raw(value: int) -> int:
    return value + 1


def build(n: int) -> TriggerFlow[Any]:
    """A flow of *n* steps, each its own `.to()` of the same chunk body."""
    flow: TriggerFlow[Any] = TriggerFlow(name=f"chain_{n}")
    process: Any = flow
    for i in range(n):
        process = process.to((f"inc_{i}", inc))
    process.end()
    with deep_recursion():
        flow.compile()
    return flow


async def measure(quick: bool) -> list[Row]:
    rows: list[Row] = []
    totals: dict[int, tuple[float, float]] = {}
    for n in SIZES:
        flow = build(n)
        funcs = [inc_raw] * n

        async def run_tfc(flow: TriggerFlow[Any] = flow) -> object:
            snapshot = await flow.async_start(0)
            return snapshot["$final_result"]

        async def run_raw(funcs: list[Any] = funcs) -> object:
            value = 0
            for f in funcs:
                value = await f(value)
            return value

        timing = await compare(run_tfc, run_raw, runs=5 if quick else 9, check=equal)
        totals[n] = (timing.tfc, timing.raw)
        tfc, raw = timing.per(n)
        rows.append(
            Row("chain", f"{n} steps", "step", tfc, raw, f"≤ {TARGET_US:g} µs over raw", tfc - raw <= TARGET_US)
        )
    small, big = SIZES[-2], SIZES[-1]
    slope_tfc = (totals[big][0] - totals[small][0]) / (big - small) * 1e6
    slope_raw = (totals[big][1] - totals[small][1]) / (big - small) * 1e6
    rows.append(
        Row(
            "chain",
            f"marginal {small}→{big}",
            "step",
            slope_tfc,
            slope_raw,
            f"≤ {TARGET_US:g} µs over raw",
            slope_tfc - slope_raw <= TARGET_US,
            note="one more step once the execution exists (slope between the two largest chains)",
        )
    )
    return rows


def run(quick: bool, backend: str) -> list[Row]:
    return anyio.run(measure, quick, backend=backend)


if __name__ == "__main__":
    case_main(run, __doc__ or "")
