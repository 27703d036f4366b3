"""Durable interrupts: save/load cost and document size, and SQLite save throughput.

Two paused executions:

* ``state-1000``: a flow paused (pause_for) after writing 1,000 state keys (short strings);
* ``nest-3``: the legal-approval child flow paused three sub-flow levels deep, so the
  document holds three nested frames (each with its child's document).

For each: ``save()`` time, ``json.dumps`` size, ``load()`` time into a fresh execution
(from the JSON-parsed dict, which is how a store hands it back), and the same from JSON text.
Then saves per second into a ``SQLiteStore`` (WAL, one transaction per save, in a temp dir):
``execution.save_to(store)`` (save + encode + write) and ``store.save`` of a ready document.
Every figure is the median of several samples; a sample repeats the operation until it has
run for at least ``--min-sample`` seconds. Run: ``python -m bench.interrupts [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio

from tfc import TriggerFlow, TriggerFlowExecution, TriggerFlowRuntimeData
from tfc.runtime.stores import SQLiteStore


def state_flow(keys: int) -> TriggerFlow[Any]:
    flow = TriggerFlow(name="state_1000")

    @flow.chunk("fill")
    async def fill(data: TriggerFlowRuntimeData[Any]) -> None:
        for i in range(keys):
            data.state[f"key_{i:04d}"] = f"value number {i}"
        await data.async_pause_for(type="approval", payload={"keys": keys}, interrupt_id="approve")

    @flow.chunk("after")
    async def after(data: TriggerFlowRuntimeData[Any]) -> object:
        return data.value

    flow.to(fill).to(after).end()
    return flow


def nest_flow(levels: int) -> TriggerFlow[Any]:
    child = TriggerFlow(name="legal_review")

    @child.chunk("draft")
    async def draft(data: TriggerFlowRuntimeData[Any]) -> None:
        data.state["draft"] = f"draft of {data.value}"
        await data.async_pause_for(
            type="legal_approval", payload={"document": data.value}, interrupt_id="legal",
            resume_to={"event": "LegalApprovalSubmitted"},
        )  # fmt: skip

    @child.chunk("record_approval")
    async def record_approval(data: TriggerFlowRuntimeData[Any]) -> None:
        data.state["report"] = {"text": data.state["draft"], "approved_by": data.value["by"]}

    child.to(draft)
    child.when("LegalApprovalSubmitted").to(record_approval)
    flow = child
    for level in range(1, levels + 1):
        outer = TriggerFlow(name=f"level_{level}")
        outer.to(lambda data: data.value).to_sub_flow(
            flow, write_back={"value": "result.report" if level == 1 else "result"}
        ).end()
        flow = outer
    return flow


async def paused(flow: TriggerFlow[Any], value: object) -> TriggerFlowExecution:
    execution = flow.create_execution(auto_close=False)
    await execution.async_start(value)
    assert execution.get_pending_interrupts(), "the bench flow must be paused"
    return execution


def per_call(fn: Callable[[], object], samples: int, min_sample: float) -> float:
    """Median seconds per call over *samples* samples of at least *min_sample* seconds."""
    fn()  # warm up (plans compiled, caches filled)
    figures = []
    for _ in range(samples):
        calls, began = 0, time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - began
            if elapsed >= min_sample:
                break
        figures.append(elapsed / calls)
    return statistics.median(figures)


def measure(name: str, flow: TriggerFlow[Any], execution: TriggerFlowExecution, samples: int, min_sample: float) -> dict[str, Any]:
    document = execution.save()
    text = json.dumps(document)

    def load_dict() -> None:
        flow.create_execution(auto_close=False).load(json.loads(text))

    def load_text() -> None:
        flow.create_execution(auto_close=False).load(text)

    parse = per_call(lambda: json.loads(text), samples, min_sample)
    return {
        "case": name,
        "size_kb": len(text.encode()) / 1024,
        "save_ms": per_call(execution.save, samples, min_sample) * 1e3,
        "dumps_ms": per_call(lambda: json.dumps(document), samples, min_sample) * 1e3,
        "load_ms": (per_call(load_dict, samples, min_sample) - parse) * 1e3,
        "load_text_ms": per_call(load_text, samples, min_sample) * 1e3,
    }


def sqlite_rates(execution: TriggerFlowExecution, samples: int, min_sample: float) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp, SQLiteStore(Path(tmp) / "bench.db") as store:
        document = execution.save()
        full = per_call(lambda: execution.save_to(store), samples, min_sample)
        write = per_call(lambda: store.save(execution.id, document), samples, min_sample)
    return 1 / full, 1 / write


async def run(samples: int, min_sample: float) -> None:
    cases = [
        ("state-1000", state_flow(1_000), None),
        ("nest-3", nest_flow(3), "memo"),
    ]
    rows, rates = [], []
    for name, flow, value in cases:
        execution = await paused(flow, value)
        rows.append(measure(name, flow, execution, samples, min_sample))
        rates.append((name, *sqlite_rates(execution, samples, min_sample)))

    print(f"median of {samples} samples, each >= {min_sample * 1e3:.0f} ms")
    print(f"{'case':<12}{'doc KB':>9}{'save() ms':>11}{'dumps ms':>10}{'load(dict) ms':>15}{'load(text) ms':>15}")
    for r in rows:
        print(
            f"{r['case']:<12}{r['size_kb']:>9.1f}{r['save_ms']:>11.3f}{r['dumps_ms']:>10.3f}"
            f"{r['load_ms']:>15.3f}{r['load_text_ms']:>15.3f}"
        )
    print()
    print(f"{'SQLite (WAL)':<12}{'save_to/s':>11}{'store.save/s':>14}")
    for name, full, write in rates:
        print(f"{name:<12}{full:>11.0f}{write:>14.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter samples")
    parser.add_argument("--samples", type=int, default=None)
    parser.add_argument("--min-sample", type=float, default=None)
    args = parser.parse_args()
    samples = args.samples or (3 if args.quick else 7)
    min_sample = args.min_sample or (0.05 if args.quick else 0.2)
    anyio.run(run, samples, min_sample)


if __name__ == "__main__":
    main()
