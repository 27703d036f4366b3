"""In-memory runners: linecache registration, tracebacks through generated lines, staleness."""

from __future__ import annotations

import linecache
import traceback
from typing import Any

import anyio
import pytest

from tfc import ChunkError, TriggerFlow, TriggerFlowRuntimeData
from tfc.codegen import load_runner, support
from tfc.codegen.support import StaleRunnerError


async def ok(data: TriggerFlowRuntimeData[Any, Any]) -> int:
    return int(data.value) + 1


async def broken(data: TriggerFlowRuntimeData[Any, Any]) -> int:
    raise ValueError("broken on purpose")


def test_the_source_is_in_linecache_under_the_flow_name() -> None:
    flow: TriggerFlow[Any] = TriggerFlow(name="cached_lines")
    flow.to(ok).end()
    runner = load_runner(flow)
    assert runner.__file__ == "<tfc runner cached_lines>"
    lines = linecache.getlines("<tfc runner cached_lines>")
    assert "".join(lines) == runner.__tfc_runner__.source
    assert any(".to(ok)" in line for line in lines)


def test_a_second_flow_of_the_same_name_gets_its_own_entry() -> None:
    first: TriggerFlow[Any] = TriggerFlow(name="same_name")
    first.to(ok).end()
    second: TriggerFlow[Any] = TriggerFlow(name="same_name")
    second.to(ok).to(("ok_again", ok)).end()
    a, b = load_runner(first), load_runner(second)
    assert a.__file__ != b.__file__
    assert "".join(linecache.getlines(a.__file__)) == a.__tfc_runner__.source
    assert "".join(linecache.getlines(b.__file__)) == b.__tfc_runner__.source


def test_a_traceback_shows_the_generated_line_of_the_failing_step() -> None:
    flow: TriggerFlow[Any] = TriggerFlow(name="traced")
    flow.to(ok).to(broken).end()
    runner = load_runner(flow)
    with pytest.raises(ChunkError) as caught:
        anyio.run(runner.run, 1)
    frames = [f for f in traceback.extract_tb(caught.value.__traceback__) if f.filename == "<tfc runner traced>"]
    assert frames, "no frame of the generated runner in the traceback"
    assert frames[-1].line is not None and "fail_step(_n3, exc)" in frames[-1].line
    step = flow.ir().roots[0].next[0].next[0]
    assert runner.__tfc_lines__[frames[-1].lineno] == step.loc.line
    # The chunk's own exception (the cause) shows the line that awaited it.
    cause = caught.value.__cause__
    assert isinstance(cause, ValueError)
    called = [f for f in traceback.extract_tb(cause.__traceback__) if f.filename == "<tfc runner traced>"]
    assert called and called[-1].line is not None and "_k_broken.fn(d3)" in called[-1].line
    assert runner.__tfc_lines__[called[-1].lineno] == step.loc.line


def test_a_runner_refuses_to_load_for_a_changed_flow() -> None:
    flow: TriggerFlow[Any] = TriggerFlow(name="changing")
    flow.to(ok).end()
    fingerprint = load_runner(flow).__tfc_fingerprint__
    assert support.engine_plan(flow, fingerprint).fingerprint == fingerprint
    flow.to(("ok_2", ok))
    with pytest.raises(StaleRunnerError, match=f'"changing" is stale: it was built from fingerprint {fingerprint}'):
        support.engine_plan(flow, fingerprint)


def test_a_runner_refuses_a_chunk_name_bound_to_another_function() -> None:
    flow: TriggerFlow[Any] = TriggerFlow(name="rebound")
    flow.to(ok).end()
    assert support.bind(flow, "ok", ok).chunk is flow.chunks["ok"]
    with pytest.raises(StaleRunnerError, match='chunk "ok" is not the function it imported'):
        support.bind(flow, "ok", broken)
    with pytest.raises(StaleRunnerError):
        support.bind(flow, "missing")
