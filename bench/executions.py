"""Executions: the cost of one, and 1000 running at once (time and memory per execution).

Rows:

* a 1-step execution, created, started and closed one after the other
  (``create_execution(auto_close=False)``, ``async_start``, ``async_close``), and the same
  through ``flow.async_start`` (a hidden, auto-closing execution). Baseline: one task
  group opened and closed around the awaited chunk body, which is what an execution is
  at its smallest.
* 1000 concurrent executions of a 5-step flow, each ``flow.async_start(i)`` in its own task
  of one task group; baseline: 1000 tasks each awaiting the 5 bodies in turn.
* memory: the same 1000 executions, each held at its third step on a shared
  `anyio.Event` until all 1000 have arrived, under tracemalloc. "in flight" is the memory
  allocated and still held at that moment, "peak" the highest point over the whole run,
  both divided by 1000. Baseline: the 1000 raw tasks held at the same point.

Targets (issue 2): a 1-step execution (create, start, close) ≤ 30 µs; ≤ 10 KB per
in-flight execution.
"""

from __future__ import annotations

import tracemalloc
from typing import Any

import anyio

from tfc import TriggerFlow, TriggerFlowRuntimeData

from ._common import Row, case_main, compare, equal, peak_memory

CONCURRENT = 1000
STEPS = 5
ONE_TARGET_US = 30.0
MEMORY_TARGET_KB = 10.0


async def inc(data: TriggerFlowRuntimeData[int]) -> int:
    return data.value + 1


async def inc_raw(value: int) -> int:
    return value + 1


def build_chain(n: int, name: str) -> TriggerFlow[Any]:
    flow: TriggerFlow[Any] = TriggerFlow(name=name)
    process: Any = flow
    for i in range(n):
        process = process.to((f"inc_{i}", inc))
    process.end()
    flow.compile()
    return flow


class Gate:
    """Holds every execution at one step until `CONCURRENT` of them have arrived."""

    def __init__(self) -> None:
        self.arrived = 0
        self.all_in = anyio.Event()
        self.open = anyio.Event()

    async def wait(self) -> None:
        self.arrived += 1
        if self.arrived == CONCURRENT:
            self.all_in.set()
        await self.open.wait()


def build_gated(gate: Gate) -> TriggerFlow[Any]:
    flow: TriggerFlow[Any] = TriggerFlow(name="gated")

    async def held(data: TriggerFlowRuntimeData[int]) -> int:
        await gate.wait()
        return data.value + 1

    process: Any = flow
    for i in range(STEPS):
        process = process.to((f"inc_{i}", held if i == 2 else inc))
    process.end()
    flow.compile()
    return flow


async def one_execution(quick: bool) -> list[Row]:
    flow = build_chain(1, "one_step")
    runs = 5 if quick else 9

    async def manual() -> object:
        execution = flow.create_execution(auto_close=False)
        await execution.async_start(1)
        snapshot = await execution.async_close()
        return snapshot["$final_result"]

    async def hidden() -> object:
        snapshot = await flow.async_start(1)
        return snapshot["$final_result"]

    async def raw() -> object:
        async with anyio.create_task_group():
            value = await inc_raw(1)
        return value

    rows = []
    for label, work in (("create, start, close", manual), ("flow.async_start", hidden)):
        timing = await compare(work, raw, runs=runs, check=equal)
        tfc, base = timing.per(1)
        rows.append(
            Row("executions", f"1-step, {label}", "execution", tfc, base, f"≤ {ONE_TARGET_US:g} µs", tfc <= ONE_TARGET_US)
        )
    return rows


async def concurrent(quick: bool) -> Row:
    flow = build_chain(STEPS, "five_steps")
    funcs = [inc_raw] * STEPS

    async def run_tfc() -> object:
        results: list[object] = [None] * CONCURRENT

        async def one(i: int) -> None:
            results[i] = (await flow.async_start(i))["$final_result"]

        async with anyio.create_task_group() as tg:
            for i in range(CONCURRENT):
                tg.start_soon(one, i)
        return results

    async def run_raw() -> object:
        results: list[object] = [None] * CONCURRENT

        async def one(i: int) -> None:
            value = i
            for f in funcs:
                value = await f(value)
            results[i] = value

        async with anyio.create_task_group() as tg:
            for i in range(CONCURRENT):
                tg.start_soon(one, i)
        return results

    timing = await compare(run_tfc, run_raw, runs=5 if quick else 7, check=equal)
    tfc, raw = timing.per(CONCURRENT)
    return Row(
        "executions",
        f"{CONCURRENT} concurrent, {STEPS} steps",
        "execution",
        tfc,
        raw,
        note="time per execution when 1000 run at once (each `flow.async_start` in its own task)",
    )


async def held_memory(use_tfc: bool) -> tuple[int, int]:
    """(in flight, peak) bytes for CONCURRENT executions (or raw tasks) held at step 3."""
    gate = Gate()
    flow = build_gated(gate) if use_tfc else None
    if flow is not None:
        await _warm(flow, gate)
    in_flight = 0

    async def held_raw(value: int) -> int:
        await gate.wait()
        return value + 1

    funcs = [inc_raw, inc_raw, held_raw, inc_raw, inc_raw]

    async def work() -> None:
        nonlocal in_flight
        before, _ = tracemalloc.get_traced_memory()
        async with anyio.create_task_group() as tg:
            for i in range(CONCURRENT):
                if flow is not None:
                    tg.start_soon(flow.async_start, i)
                else:
                    tg.start_soon(_raw_five, funcs, i)
            await gate.all_in.wait()
            now, _ = tracemalloc.get_traced_memory()
            in_flight = now - before
            gate.open.set()

    peak, _ = await peak_memory(work)
    return in_flight, peak


async def _warm(flow: TriggerFlow[Any], gate: Gate) -> None:
    """One execution through the gated flow before tracing (the flow's plan is built)."""
    gate.open.set()
    await flow.async_start(0)
    gate.open = anyio.Event()
    gate.arrived = 0


async def _raw_five(funcs: list[Any], value: int) -> int:
    for f in funcs:
        value = await f(value)
    return value


async def memory() -> list[Row]:
    tfc_in, tfc_peak = await held_memory(True)
    raw_in, raw_peak = await held_memory(False)
    kb = 1024 * CONCURRENT
    return [
        Row(
            "executions",
            f"{CONCURRENT} in flight, memory",
            "execution",
            tfc_in / kb,
            raw_in / kb,
            f"≤ {MEMORY_TARGET_KB:g} KB",
            tfc_in / kb <= MEMORY_TARGET_KB,
            scale="KB",
            note="tracemalloc: bytes held while all 1000 executions wait at their third step, per execution",
        ),
        Row(
            "executions",
            f"{CONCURRENT} concurrent, peak memory",
            "execution",
            tfc_peak / kb,
            raw_peak / kb,
            scale="KB",
            note="tracemalloc peak over the whole run, per execution",
        ),
    ]


async def measure(quick: bool) -> list[Row]:
    rows = await one_execution(quick)
    rows.append(await concurrent(quick))
    rows.extend(await memory())
    return rows


def run(quick: bool, backend: str) -> list[Row]:
    return anyio.run(measure, quick, backend=backend)


if __name__ == "__main__":
    case_main(run, __doc__ or "")
