"""`flow.compile()`: errors stop a run before any chunk executes, warnings go through
`warnings`, and the shipped examples and the seed playbook compile with nothing to say."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from tfc import FlowDefinitionError, TriggerFlow, TriggerFlowRuntimeData
from tfc.checks import RuntimeFacts, analyse, run_checks
from tfc.compile import FlowWarning

ROOT = Path(__file__).resolve().parents[2]


async def count(data: TriggerFlowRuntimeData[str]) -> int:
    return len(data.value)


async def inc(data: TriggerFlowRuntimeData[int]) -> int:
    return data.value + 1


async def shout(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value.upper()


def test_error_stops_the_run_before_any_chunk() -> None:
    ran: list[str] = []

    async def first(data: TriggerFlowRuntimeData[str]) -> int:
        ran.append("first")
        return 1

    flow: TriggerFlow[Any] = TriggerFlow(name="broken")
    flow.to(first).to(shout)
    with pytest.raises(FlowDefinitionError) as info:
        flow.start("x")
    assert ran == []
    assert info.value.code is not None and info.value.code.id == "TFC401"
    assert "error[TFC401]" in str(info.value)
    assert "flow.to(first).to(shout)" in str(info.value)  # the full format shows the source line
    assert [d.code.id for d in info.value.diagnostics] == ["TFC401"]


def test_every_error_is_carried() -> None:
    flow: TriggerFlow[Any] = TriggerFlow(name="broken")
    flow.to(count).to(shout)
    flow.to(count).for_each().end_for_each()
    with pytest.raises(FlowDefinitionError) as info:
        flow.compile()
    assert [d.code.id for d in info.value.diagnostics] == ["TFC401", "TFC402"]
    assert str(info.value).startswith('flow "broken" has 2 errors:')


def test_warning_is_issued_at_the_offending_line() -> None:
    flow: TriggerFlow[Any] = TriggerFlow(name="loop")
    step = flow.chunk(inc)
    flow.to(step)
    flow.when(step).to(step)
    with pytest.warns(FlowWarning, match="TFC107") as record:
        flow.compile()
    assert record[0].filename == __file__
    assert record[0].lineno == flow.ir().roots[1].loc.line


def test_compiled_once_per_definition() -> None:
    flow: TriggerFlow[Any] = TriggerFlow(name="loop")
    step = flow.chunk(inc)
    flow.to(step)
    flow.when(step).to(step)
    with pytest.warns(FlowWarning):
        flow.compile()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        flow.compile()  # cached: no second warning


def _seed_playbook() -> TriggerFlow[Any]:
    source = (ROOT / "examples" / "seed_playbook" / "__main__.py").read_text()
    source = source.replace("asyncio.run(main())", "")
    namespace: dict[str, Any] = {"__name__": "seed_playbook"}
    exec(compile(source, "seed_playbook.py", "exec"), namespace)
    flow = namespace["flow"]
    assert isinstance(flow, TriggerFlow)
    return flow


def test_seed_playbook_compiles_with_no_diagnostics() -> None:
    flow = _seed_playbook()
    analysis = analyse(flow.ir())
    assert analysis.diagnostics == []
    flow.compile()


def test_examples_compile_with_no_diagnostics() -> None:
    from examples.research_report.flow import flow

    analysis = analyse(flow.ir(), RuntimeFacts())
    assert analysis.diagnostics == []
    assert analysis.unchecked_types == 0  # every annotation there is understood


def test_untyped_flow_gets_no_type_or_path_diagnostics() -> None:
    async def untyped(data):  # type: ignore[no-untyped-def]
        return data.value

    child: TriggerFlow[Any] = TriggerFlow(name="child")
    child.to(untyped).end()
    flow: TriggerFlow[Any] = TriggerFlow(name="untyped")
    flow.to(untyped).for_each().to(untyped).end_for_each().to_sub_flow(
        child, capture={"input": "state.whatever.deep", "resources": {"x": "resources.y"}},
        write_back={"state.anything": "result.nope"},
    )
    flow.when({"runtime_data": "no_such_key"}).to(untyped)
    assert run_checks(flow.ir()) == []
