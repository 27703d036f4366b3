"""`flow.compile()` for flows of 10 / 100 / 1000 steps: building the IR, every check, the plan.

Each figure is one whole compile (``compile_flow``, bypassing the cache ``flow.compile()``
keeps) divided by the number of steps. Two shapes: a typed chain (every handler annotated,
a state schema, so the type checks do real work) and the same chain untyped (graph checks
only). The marginal row is the slope between the two largest flows: what one more step
costs, which is how linear the compiler is. There is no raw-anyio baseline: nothing else
compiles a flow.

Target (issue 5): linear, at most 50 µs per step.
"""

from __future__ import annotations

import statistics
import time
from typing import Any, TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData
from tfc.compile import compile_flow

from ._common import Row, case_main, deep_recursion

SIZES = (10, 100, 1000)
TARGET_US = 50.0


class State(TypedDict, total=False):
    count: int


async def inc(data: TriggerFlowRuntimeData[int, State]) -> int:
    return data.value + 1


async def inc_untyped(data):  # type: ignore[no-untyped-def]  # the untyped shape on purpose
    return data.value + 1


def build(n: int, *, typed: bool) -> TriggerFlow[Any]:
    """A chain of *n* steps, each its own named chunk, then `end()`."""
    flow: TriggerFlow[Any] = TriggerFlow(name=f"compile_{n}", state=State if typed else None)
    fn = inc if typed else inc_untyped
    process: Any = flow
    for i in range(n):
        process = process.to((f"inc_{i}", fn))
    process.end()
    return flow


def seconds_per_compile(flow: TriggerFlow[Any], runs: int) -> float:
    with deep_recursion():
        compile_flow(flow)  # warm-up
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            compile_flow(flow)
            samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(quick: bool, backend: str) -> list[Row]:
    runs = 3 if quick else 7
    rows: list[Row] = []
    for typed in (True, False):
        shape = "typed" if typed else "untyped"
        totals: dict[int, float] = {}
        for n in SIZES:
            totals[n] = seconds_per_compile(build(n, typed=typed), runs)
            per = totals[n] / n * 1e6
            rows.append(Row("compile", f"{shape}, {n} steps", "step", per, None, f"≤ {TARGET_US:g} µs", per <= TARGET_US))
        small, big = SIZES[-2], SIZES[-1]
        slope = (totals[big] - totals[small]) / (big - small) * 1e6
        rows.append(
            Row(
                "compile",
                f"{shape}, marginal {small}→{big}",
                "step",
                slope,
                None,
                f"≤ {TARGET_US:g} µs",
                slope <= TARGET_US,
                note="one more step (slope between the two largest flows): linear if close to the per-step rows",
            )
        )
    return rows


if __name__ == "__main__":
    case_main(run, __doc__ or "")
