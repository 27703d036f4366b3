"""for_each over 1k / 10k / 100k items against a task group with one task per item.

The tfc flow is ``for_each().to(double).end_for_each().end()`` run by ``flow.async_start``;
its figure includes the execution, storing the result list as ``$final_result`` and the
close snapshot. The baseline spawns one task per item into a task group, each writing its
result into a preallocated list (input order). A last pair of rows runs 10k items at
``concurrency=10`` against the same baseline with a ``CapacityLimiter(10)``.

Targets (issue 2): linear in N (µs per item flat from 1k to 100k), at most 3× the raw
cost per item, 100k items fine.
"""

from __future__ import annotations

from typing import Any

import anyio

from tfc import TriggerFlow, TriggerFlowRuntimeData

from ._common import Row, case_main, compare, equal

SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
RATIO_TARGET = 3.0
LINEAR_TARGET = 1.5
"""Largest size's µs/item over the smallest's, at most."""


async def double(data: TriggerFlowRuntimeData[int]) -> int:
    return data.value * 2


async def double_raw(value: int) -> int:
    return value * 2


def build(concurrency: int | None) -> TriggerFlow[Any]:
    flow: TriggerFlow[Any] = TriggerFlow(name="for_each")
    flow.for_each(concurrency=concurrency).to(double).end_for_each().end()
    flow.compile()
    return flow


async def raw_for_each(items: list[int], limit: int | None) -> list[object]:
    """The baseline: one task per item; a CapacityLimiter when there is a limit."""
    results: list[object] = [None] * len(items)
    limiter = anyio.CapacityLimiter(limit) if limit is not None else None

    async def one(i: int, item: int) -> None:
        results[i] = await double_raw(item)

    async def one_limited(i: int, item: int) -> None:
        assert limiter is not None
        async with limiter:
            results[i] = await double_raw(item)

    body = one if limiter is None else one_limited
    async with anyio.create_task_group() as tg:
        for i, item in enumerate(items):
            tg.start_soon(body, i, item)
    return results


async def one_size(n: int, concurrency: int | None, runs: int, collect: bool = True) -> tuple[float, float]:
    flow = build(concurrency)
    items = list(range(n))

    async def run_tfc() -> object:
        snapshot = await flow.async_start(items)
        return snapshot["$final_result"]

    async def run_raw() -> object:
        return await raw_for_each(items, concurrency)

    timing = await compare(run_tfc, run_raw, runs=runs, check=equal, collect=collect)
    return timing.per(n)


def _runs(n: int, quick: bool) -> int:
    return 3 if n >= 100_000 else (5 if quick else 7)


async def measure(quick: bool) -> list[Row]:
    sizes = QUICK_SIZES if quick else SIZES
    rows: list[Row] = []
    per_item: list[tuple[float, float]] = []
    for n in sizes:
        tfc, raw = await one_size(n, None, _runs(n, quick))
        per_item.append((tfc, raw))
        rows.append(
            Row("for_each", f"{n:,} items", "item", tfc, raw, f"≤ {RATIO_TARGET:g}× raw", tfc <= RATIO_TARGET * raw)
        )
    small, big = sizes[0], sizes[-1]
    tfc_growth = per_item[-1][0] / per_item[0][0]
    raw_growth = per_item[-1][1] / per_item[0][1]
    # The same sizes with the cyclic GC off during the samples: what the engine itself costs.
    flat = [await one_size(n, None, _runs(n, quick), collect=False) for n in (small, big)]
    flat_growth = flat[1][0] / flat[0][0]
    rows.append(
        Row(
            "for_each",
            f"{big:,} items, gc off",
            "item",
            flat[1][0],
            flat[1][1],
            f"linear: ≤ {LINEAR_TARGET:g}× the µs/item at {small:,}",
            flat_growth <= LINEAR_TARGET,
            note=f"with the garbage collector on, µs/item grows {tfc_growth:.2f}× from {small:,} to {big:,} items for"
            f" tfc and {raw_growth:.2f}× for raw anyio (collections scan every live task); with it off during the"
            f" samples, tfc grows {flat_growth:.2f}× and raw {flat[1][1] / flat[0][1]:.2f}×",
        )
    )
    tfc, raw = await one_size(10_000, 10, 5 if quick else 7)
    rows.append(
        Row(
            "for_each",
            "10,000 items, concurrency=10",
            "item",
            tfc,
            raw,
            f"≤ {RATIO_TARGET:g}× raw",
            tfc <= RATIO_TARGET * raw,
            note="baseline: one task per item behind a CapacityLimiter(10); tfc runs 10 workers",
        )
    )
    return rows


def run(quick: bool, backend: str) -> list[Row]:
    return anyio.run(measure, quick, backend=backend)


if __name__ == "__main__":
    case_main(run, __doc__ or "")
