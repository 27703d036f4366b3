"""Bad definitions fail early: `FlowDefinitionError` with a code, the call site and help (§7 S4)."""

from __future__ import annotations

from typing import Any

import pytest

from tfc import FlowDefinitionError, TriggerFlow, TriggerFlowRuntimeData
from tfc import diagnostics as codes

from .helpers import next_line


async def fetch_facts(data: TriggerFlowRuntimeData[Any]) -> str:
    return "facts"


def make_flow() -> TriggerFlow[Any]:
    flow = TriggerFlow(name="defs")
    flow.chunk("fetch_facts")(fetch_facts)
    return flow


def where(line: int) -> str:
    return f"{__file__}:{line}:"


def assert_error(error: FlowDefinitionError, code: codes.Code, line: int, *, help: str | None = None) -> None:
    assert error.code is code
    assert error.where is not None and error.where.startswith(where(line)), error.where
    assert f"--> {error.where}" in str(error)
    if help is not None:
        assert error.help is not None and help in error.help, error.help
        assert f"help: {error.help}" in str(error)


def test_an_unknown_chunk_name_suggests_the_closest_one() -> None:
    flow = make_flow()
    with pytest.raises(FlowDefinitionError, match='unknown chunk "fetch_fact"') as info:
        line = next_line()
        flow.to("fetch_fact")
    assert_error(info.value, codes.UNKNOWN_CHUNK, line, help='"fetch_facts"')
    assert isinstance(info.value, TypeError)


def test_an_unknown_chunk_name_in_batch() -> None:
    flow = make_flow()
    with pytest.raises(FlowDefinitionError, match='unknown chunk "fetch_risks"') as info:
        line = next_line()
        flow.to("fetch_facts").batch("fetch_facts", "fetch_risks")
    assert_error(info.value, codes.UNKNOWN_CHUNK, line)


def test_when_with_an_unknown_scope_suggests_one() -> None:
    flow = make_flow()
    with pytest.raises(FlowDefinitionError, match='unknown signal type "runtime_dat"') as info:
        line = next_line()
        flow.when({"runtime_dat": "topic"})
    assert_error(info.value, codes.MALFORMED_WHEN, line, help='"runtime_data"')


def test_when_with_a_plain_function() -> None:
    flow = make_flow()
    with pytest.raises(FlowDefinitionError, match="plain function .*fetch_facts") as info:
        line = next_line()
        flow.when(fetch_facts)
    assert_error(info.value, codes.MALFORMED_WHEN, line, help="chunk")


@pytest.mark.parametrize(
    ("trigger", "mode", "message"),
    [
        pytest.param([], "and", "at least one signal", id="empty"),
        pytest.param({"event": 3}, "and", "names are strings", id="non-string-name"),
        pytest.param(3, "and", "got int", id="non-signal"),
        pytest.param("A", "any", "the mode is", id="bad-mode"),
    ],
)
def test_malformed_when(trigger: Any, mode: Any, message: str) -> None:
    flow = make_flow()
    with pytest.raises(FlowDefinitionError, match=message) as info:
        line = next_line()
        flow.when(trigger, mode=mode)
    assert_error(info.value, codes.MALFORMED_WHEN, line)


@pytest.mark.parametrize(
    ("build", "opener"),
    [
        pytest.param(lambda f: f.for_each().to(fetch_facts), "for_each", id="for_each"),
        pytest.param(lambda f: f.if_condition(1).to(fetch_facts), "if_condition", id="if_condition"),
        pytest.param(lambda f: f.match().case(1).to(fetch_facts), "match", id="match"),
    ],
)
def test_an_unclosed_block_fails_at_compile_time(build: Any, opener: str) -> None:
    flow = make_flow()
    build(flow)
    with pytest.raises(FlowDefinitionError, match=f"{opener}\\(\\) is never closed") as info:
        flow.create_execution()
    assert_error(info.value, codes.UNCLOSED_BLOCK, build.__code__.co_firstlineno)
    assert [d.code for d in info.value.diagnostics] == [codes.UNCLOSED_BLOCK]


@pytest.mark.anyio
async def test_an_unclosed_block_fails_a_hidden_start_too() -> None:
    flow = make_flow()
    flow.for_each().to(fetch_facts)
    with pytest.raises(FlowDefinitionError, match="never closed"):
        await flow.async_start([1])


def test_end_for_each_without_for_each() -> None:
    flow = make_flow()
    with pytest.raises(FlowDefinitionError, match=r"end_for_each\(\) without an open for_each\(\)") as info:
        line = next_line()
        flow.to(fetch_facts).end_for_each()
    assert_error(info.value, codes.UNBALANCED_END, line, help="for_each")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        pytest.param(lambda f: f.to(fetch_facts).end_condition(), "end_condition", id="end_condition"),
        pytest.param(lambda f: f.to(fetch_facts).end_match(), "end_match", id="end_match"),
        pytest.param(lambda f: f.to(fetch_facts).else_condition(), "else_condition", id="else_condition"),
        pytest.param(lambda f: f.to(fetch_facts).case(1), "case", id="case"),
        pytest.param(lambda f: f.for_each().end_condition(), "innermost open block is the for_each", id="crossed"),
        pytest.param(lambda f: f.match().case(1).end_for_each(), "innermost open block is the match", id="crossed-2"),
        pytest.param(lambda f: f.match().to(fetch_facts), "before any case", id="to-before-case"),
    ],
)
def test_unbalanced_block_calls(build: Any, message: str) -> None:
    flow = make_flow()
    with pytest.raises(FlowDefinitionError, match=message) as info:
        build(flow)
    assert_error(info.value, codes.UNBALANCED_END, build.__code__.co_firstlineno)


def test_case_else_before_case() -> None:
    flow = make_flow()
    with pytest.raises(FlowDefinitionError, match=r"case_else\(\) before any case\(\)") as info:
        line = next_line()
        flow.match().case_else()
    assert_error(info.value, codes.MISPLACED_CASE_ELSE, line, help=".case(")


def test_two_elses_in_one_block() -> None:
    flow = make_flow()
    with pytest.raises(FlowDefinitionError, match="twice") as info:
        line = next_line()
        flow.if_condition(1).else_condition().else_condition()
    assert_error(info.value, codes.MISPLACED_CASE_ELSE, line)


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda f: f.to(42), id="to"),
        pytest.param(lambda f: f.batch(fetch_facts, 42), id="batch"),
        pytest.param(lambda f: f.side_branch(None), id="side_branch"),
        pytest.param(lambda f: f.to(("name", "not a function")), id="tuple"),
        pytest.param(lambda f: f.chunk(42), id="decorator"),
        pytest.param(lambda f: f.chunk("named")(42), id="named-decorator"),
    ],
)
def test_a_non_callable_chunk(build: Any) -> None:
    flow = make_flow()
    with pytest.raises(FlowDefinitionError, match="not a function|got int|got NoneType") as info:
        build(flow)
    assert_error(info.value, codes.NOT_CALLABLE, build.__code__.co_firstlineno)


def test_one_name_for_two_functions() -> None:
    flow = make_flow()

    async def other(data: TriggerFlowRuntimeData[Any]) -> str:
        return "other"

    with pytest.raises(FlowDefinitionError, match='chunk name "fetch_facts" is already bound') as info:
        line = next_line()
        flow.to(("fetch_facts", other))
    assert_error(info.value, codes.DUPLICATE_CHUNK_NAME, line, help="its own name")


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda f: f.batch(fetch_facts, concurrency=0), id="batch-zero"),
        pytest.param(lambda f: f.for_each(concurrency=-1), id="for_each-negative"),
        pytest.param(lambda f: f.for_each(concurrency=1.5), id="for_each-float"),
        pytest.param(lambda f: f.batch(), id="empty-batch"),
        pytest.param(lambda f: f.match("hit_some"), id="match-mode"),
    ],
)
def test_invalid_arguments(build: Any) -> None:
    flow = make_flow()
    with pytest.raises(FlowDefinitionError) as info:
        build(flow)
    assert_error(info.value, codes.INVALID_ARGUMENT, build.__code__.co_firstlineno)


def test_the_error_points_at_the_method_name_of_a_chained_call() -> None:
    flow = make_flow()
    with pytest.raises(FlowDefinitionError) as info:
        line = next_line()
        flow.to(fetch_facts).to(fetch_facts).to("nope")
    column = len("        flow.to(fetch_facts).to(fetch_facts).") + 1
    assert info.value.where == f"{__file__}:{line}:{column}"


def test_a_definition_error_leaves_the_flow_usable() -> None:
    flow = make_flow()
    with pytest.raises(FlowDefinitionError):
        flow.to("nope")
    flow.to("fetch_facts").end()
    assert flow.start() == {"$final_result": "facts"}


def test_a_compile_error_shows_its_location_once() -> None:
    flow = make_flow()
    line = next_line()
    flow.for_each().to("fetch_facts").end()  # never closed
    with pytest.raises(FlowDefinitionError) as info:
        flow.compile()
    message = str(info.value)
    assert info.value.where is not None and info.value.where.startswith(where(line))
    assert message.count(f"--> {info.value.where}") == 1, message
