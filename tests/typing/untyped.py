"""Seed-style untyped code is Any everywhere and type-checks (type-checked, never run)."""

from __future__ import annotations

from typing import Any

from typing_extensions import assert_type

from tfc import Process, TriggerFlow, TriggerFlowRuntimeData

flow = TriggerFlow()


@flow.chunk("normalize")
async def normalize(data: TriggerFlowRuntimeData) -> Any:
    return data.value


p = flow.to(normalize)
assert_type(p, Process[Any, Any])
assert_type(flow.when({"runtime_data": "topic"}), Process[Any, Any])
assert_type(flow.when("Approved"), Process[Any, Any])
assert_type(p.batch(normalize, normalize), Process[Any, Any])
