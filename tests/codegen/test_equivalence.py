"""Every test flow and every example runs the same through the engine and its runner."""

from __future__ import annotations

from typing import Any

import pytest

from tfc import TriggerFlow
from tfc.codegen import load_runner

from . import flows
from .harness import on_engine, on_runner

pytestmark = pytest.mark.anyio

CASES = [pytest.param(flow, value, id=name) for name, flow, value in flows.FLOWS]


@pytest.mark.parametrize(("flow", "value"), CASES)
async def test_runner_matches_engine(flow: TriggerFlow[Any], value: object) -> None:
    runner = load_runner(flow)
    engine = await on_engine(flow, value)
    generated = await on_runner(runner, value)
    assert generated == engine


@pytest.mark.parametrize(("flow", "value"), CASES)
async def test_runner_matches_engine_under_an_execution_budget(flow: TriggerFlow[Any], value: object) -> None:
    runner = load_runner(flow)
    engine = await on_engine(flow, value, concurrency=1)
    generated = await on_runner(runner, value, concurrency=1)
    assert generated == engine
