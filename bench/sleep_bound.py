"""for_each of 100 × ``sleep(0.01)`` at concurrency 10: ten waves, ideally 0.100 s.

tfc: ``for_each(concurrency=10).to(nap).end_for_each().end()`` where ``nap`` sleeps 10 ms.
Baseline: 100 tasks in a task group behind ``CapacityLimiter(10)``, each sleeping 10 ms.
The figure is the wall time of one whole run (median of several).

Target (issue 2): within 5 % of 0.100 s.
"""

from __future__ import annotations

from typing import Any

import anyio

from tfc import TriggerFlow, TriggerFlowRuntimeData

from ._common import Row, case_main, compare, equal

ITEMS = 100
CONCURRENCY = 10
NAP = 0.01
IDEAL = ITEMS / CONCURRENCY * NAP
TOLERANCE = 0.05


async def nap(data: TriggerFlowRuntimeData[int]) -> int:
    await anyio.sleep(NAP)
    return data.value


async def nap_raw(value: int) -> int:
    await anyio.sleep(NAP)
    return value


def build() -> TriggerFlow[Any]:
    flow: TriggerFlow[Any] = TriggerFlow(name="sleep_bound")
    flow.for_each(concurrency=CONCURRENCY).to(nap).end_for_each().end()
    flow.compile()
    return flow


async def raw_run(items: list[int]) -> list[object]:
    results: list[object] = [None] * len(items)
    limiter = anyio.CapacityLimiter(CONCURRENCY)

    async def one(i: int, item: int) -> None:
        async with limiter:
            results[i] = await nap_raw(item)

    async with anyio.create_task_group() as tg:
        for i, item in enumerate(items):
            tg.start_soon(one, i, item)
    return results


async def measure(quick: bool) -> list[Row]:
    flow = build()
    items = list(range(ITEMS))

    async def run_tfc() -> object:
        return (await flow.async_start(items))["$final_result"]

    async def run_raw() -> object:
        return await raw_run(items)

    timing = await compare(run_tfc, run_raw, runs=5 if quick else 9, min_sample=0.0, check=equal)
    tfc, raw = timing.per(1, scale=1e3)
    limit = IDEAL * (1 + TOLERANCE) * 1e3
    return [
        Row(
            "sleep_bound",
            f"{ITEMS} × sleep({NAP:g}), concurrency={CONCURRENCY}",
            "run",
            tfc,
            raw,
            f"≤ {limit:.0f} ms (ideal {IDEAL * 1e3:.0f} ms + 5 %)",
            tfc <= limit,
            scale="ms",
            note=f"fastest tfc run {min(timing.tfc_samples) * 1e3:.1f} ms, slowest {max(timing.tfc_samples) * 1e3:.1f} ms",
        )
    ]


def run(quick: bool, backend: str) -> list[Row]:
    return anyio.run(measure, quick, backend=backend)


if __name__ == "__main__":
    case_main(run, __doc__ or "")
