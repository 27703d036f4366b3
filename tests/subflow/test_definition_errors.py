"""Bad capture/write_back mappings fail at definition time (§2.12, DESIGN §7).

`FlowDefinitionError` carries the code from `tfc.diagnostics`, ``where`` = the
``to_sub_flow`` call site (1-based line and column of the method's name) and a ``help:``
line with a did-you-mean where one is close.
"""

from __future__ import annotations

import linecache
from typing import Any

import pytest

from tfc import FlowDefinitionError, TriggerFlow, TriggerFlowRuntimeData
from tfc import diagnostics as codes

from .helpers import next_line, run


def child_flow() -> TriggerFlow[Any]:
    child = TriggerFlow(name="child")
    child.to(lambda data: data.value)
    return child


def call_site(line: int, method: str = "to_sub_flow") -> str:
    """``file:line:column`` of *method* on *line* of this file, as the engine reports it."""
    column = linecache.getline(__file__, line).index(f".{method}(") + 2
    return f"{__file__}:{line}:{column}"


def assert_definition_error(
    error: FlowDefinitionError, code: codes.Code, line: int, *, message: str, help: str | None
) -> None:
    assert error.code is code
    assert isinstance(error, TypeError)
    assert message in error.message, error.message
    assert error.where == call_site(line)
    assert f"--> {error.where}" in str(error)
    if help is None:
        assert error.help is None or "did you mean" not in error.help
    else:
        assert error.help is not None and help in error.help, error.help
        assert f"help: {error.help}" in str(error)


# -- malformed paths and unknown scopes (TFC203) -----------------------------------------------


@pytest.mark.parametrize(
    ("options", "message", "help"),
    [
        # unknown scopes, with a did-you-mean that keeps the rest of the path
        pytest.param({"capture": {"input": "vlaue"}}, 'unknown scope "vlaue"', 'did you mean "value"?', id="capture-vlaue"),
        pytest.param(
            {"capture": {"input": "stat.topic"}}, 'unknown scope "stat"', 'did you mean "state.topic"?', id="capture-stat"
        ),
        pytest.param(
            {"capture": {"input": "runtime_dat.topic"}},
            'unknown scope "runtime_dat"',
            'did you mean "runtime_data.topic"?',
            id="capture-runtime_dat",
        ),
        pytest.param(
            {"capture": {"resources": {"log": "resorces.logger"}}},
            'capture path "resorces.logger": unknown scope "resorces"',
            'did you mean "resources.logger"?',
            id="capture-resorces",
        ),
        pytest.param(
            {"capture": {"input": "result.x"}},
            'capture path "result.x": unknown scope "result"',
            "paths start with one of: value, state, runtime_data, resources, flow_data",
            id="capture-from-result",
        ),
        pytest.param(
            {"write_back": {"value": "reslt.report"}},
            'write_back path "reslt.report": unknown scope "reslt"',
            'did you mean "result.report"?',
            id="write_back-reslt",
        ),
        pytest.param(
            {"write_back": {"value": "snapshto"}}, 'unknown scope "snapshto"', 'did you mean "snapshot"?', id="write_back-snapshto"
        ),
        pytest.param(
            {"write_back": {"value": "state.x"}},
            'write_back path "state.x": unknown scope "state"',
            "paths start with one of: result, snapshot",
            id="write_back-from-state",
        ),
        pytest.param(
            {"write_back": {"stat.topic": "result"}},
            'write_back target path "stat.topic": unknown scope "stat"',
            'did you mean "state.topic"?',
            id="write_back-target-stat",
        ),
        pytest.param(
            {"write_back": {"valeu": "result"}}, 'unknown scope "valeu"', 'did you mean "value"?', id="write_back-target-valeu"
        ),
        pytest.param(
            {"write_back": {"input": "result"}},
            'write_back target path "input": unknown scope "input"',
            "paths start with one of: value, state, runtime_data, flow_data",
            id="write_back-target-input",
        ),
        # unknown capture keys
        pytest.param(
            {"capture": {"inptu": "value"}}, 'capture key "inptu" is not one of', 'did you mean "input"?', id="capture-key-inptu"
        ),
        pytest.param(
            {"capture": {"resource": {"log": "resources.log"}}},
            'capture key "resource" is not one of',
            'did you mean "resources"?',
            id="capture-key-resource",
        ),
        # bad syntax
        pytest.param({"capture": {"input": "state..topic"}}, "segment '' is not a name", None, id="empty-segment"),
        pytest.param({"capture": {"input": "state.a b"}}, "segment 'a b' is not a name", None, id="space-in-segment"),
        pytest.param({"capture": {"input": "value."}}, "segment '' is not a name", None, id="trailing-dot"),
        pytest.param({"capture": {"input": ""}}, "is not a non-empty string", None, id="empty-path"),
        pytest.param({"capture": {"input": 3}}, "capture path 3 is not a non-empty string", None, id="not-a-string"),
        pytest.param({"capture": {"input": "state"}}, '"state" needs a name after it ("state.<name>")', None, id="bare-state"),
        pytest.param(
            {"capture": {"resources": {"log": "resources"}}}, '"resources" needs a name after it', None, id="bare-resources"
        ),
        pytest.param(
            {"capture": {"resources": "resources.logger"}},
            'capture["resources"] must map child names to source paths, got str',
            None,
            id="resources-not-a-mapping",
        ),
        pytest.param({"capture": {"state": {"a..b": "value"}}}, "segment '' is not a name", None, id="bad-child-target"),
        pytest.param({"write_back": {"state": "result"}}, '"state" needs a name after it', None, id="bare-state-target"),
        pytest.param({"write_back": {"state.x": "result..y"}}, "segment '' is not a name", None, id="bad-source-segment"),
    ],
)
def test_malformed_paths(options: dict[str, Any], message: str, help: str | None) -> None:
    parent = TriggerFlow(name="parent")
    with pytest.raises(FlowDefinitionError) as info:
        line = next_line()
        parent.to_sub_flow(child_flow(), **options)
    assert_definition_error(info.value, codes.MALFORMED_PATH, line, message=message, help=help)


# -- duplicate write_back targets (TFC204) ------------------------------------------------------


@pytest.mark.parametrize(
    ("write_back", "message"),
    [
        pytest.param(
            {"state.report": "result", "runtime_data.report": "snapshot"},
            'write_back writes "state.report" twice (as "state.report" and "runtime_data.report")',
            id="flat-state-and-runtime_data",
        ),
        pytest.param(
            {"state.report": "result", "state": {"report": "snapshot"}},
            'write_back writes "state.report" twice (as "state.report" and {"state": {"report": ...}})',
            id="flat-and-nested",
        ),
        pytest.param(
            {"state": {"report": "result"}, "runtime_data": {"report": "snapshot"}},
            'twice (as {"state": {"report": ...}} and {"runtime_data": {"report": ...}})',
            id="nested-state-and-runtime_data",
        ),
        pytest.param(
            {"state.a.b": "result", "state": {"a.b": "snapshot"}},
            'write_back writes "state.a.b" twice',
            id="nested-path",
        ),
        pytest.param(
            {"flow_data.x": "result", "flow_data": {"x": "snapshot"}},
            'write_back writes "flow_data.x" twice',
            id="flow_data",
        ),
    ],
)
def test_duplicate_write_back_targets(write_back: dict[str, Any], message: str) -> None:
    parent = TriggerFlow(name="parent")
    with pytest.raises(FlowDefinitionError) as info:
        line = next_line()
        parent.to_sub_flow(child_flow(), write_back=write_back)
    assert_definition_error(info.value, codes.DUPLICATE_WRITE_BACK_TARGET, line, message=message, help=None)
    assert info.value.help == "keep one entry per target"


def test_different_targets_are_not_duplicates() -> None:
    parent = TriggerFlow(name="parent")
    parent.to_sub_flow(
        child_flow(),
        write_back={"value": "result", "value.x": "result", "state.x": "result", "flow_data.x": "result", "state.y": "result"},
    )


# -- where: the to_sub_flow call site ---------------------------------------------------------


def test_where_is_the_to_sub_flow_call_in_a_multi_line_chain() -> None:
    parent = TriggerFlow(name="parent")

    async def prepare(data: TriggerFlowRuntimeData[Any]) -> Any:
        return data.value

    with pytest.raises(FlowDefinitionError) as info:
        line = next_line() + 2  # the `.to_sub_flow(` line
        (
            parent.to(prepare)
            .to_sub_flow(
                child_flow(),
                capture={"input": "value"},
                write_back={"value": "result.report", "stat.x": "result"},
            )
        )
    assert_definition_error(
        info.value, codes.MALFORMED_PATH, line, message='unknown scope "stat"', help='did you mean "state.x"?'
    )


def test_a_rejected_call_adds_no_step() -> None:
    parent = TriggerFlow(name="parent")
    before = parent.ir()
    with pytest.raises(FlowDefinitionError):
        parent.to_sub_flow(child_flow(), capture={"input": "vlaue"})
    assert parent.ir() == before


@pytest.mark.anyio
async def test_a_flow_with_a_rejected_call_still_runs_without_it() -> None:
    parent = TriggerFlow(name="parent")
    ran: list[object] = []
    child = TriggerFlow(name="child")
    child.to(lambda data: ran.append(data.value))
    with pytest.raises(FlowDefinitionError):
        parent.to_sub_flow(child, write_back={"vaule": "result"})
    assert await run(parent, 1) == {}
    assert ran == []


# -- other arguments (TFC110) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"concurrency": 0}, "to_sub_flow(concurrency=0): use a positive int or None", id="concurrency-0"),
        pytest.param({"concurrency": "2"}, "to_sub_flow(concurrency='2')", id="concurrency-str"),
    ],
)
def test_invalid_arguments(options: dict[str, Any], message: str) -> None:
    parent = TriggerFlow(name="parent")
    with pytest.raises(FlowDefinitionError) as info:
        line = next_line()
        parent.to_sub_flow(child_flow(), **options)
    assert_definition_error(info.value, codes.INVALID_ARGUMENT, line, message=message, help=None)


def test_a_child_that_is_not_a_flow() -> None:
    parent = TriggerFlow(name="parent")
    not_a_flow: Any = "child"
    with pytest.raises(FlowDefinitionError) as info:
        line = next_line()
        parent.to_sub_flow(not_a_flow)
    assert_definition_error(
        info.value, codes.INVALID_ARGUMENT, line, message="to_sub_flow() needs a TriggerFlow, got str", help=None
    )
