"""Sub-flow steps failing while running (§2.12, §4.10).

A well-formed path that is missing at run time fails the step with `PathLookupError` (a
`KeyError` and an `ExecutionError`) naming the path, where it was looked up and the keys that
exist there. A failing child raises `SubFlowError` (a `ChunkError`) naming the child flow and
the failing chunk, with the child's `ChunkError` as ``__cause__``. The parent's status is
``failed`` and its chain stops at the sub-flow step.
"""

from __future__ import annotations

import linecache
from typing import Any

import anyio
import pytest

from tfc import ChunkError, ExecutionError, SubFlowError, TfcError, TriggerFlow, TriggerFlowRuntimeData
from tfc.errors import PathLookupError

from .helpers import DEADLINE, next_line

pytestmark = pytest.mark.anyio


class Boom(Exception):
    pass


def call_site(line: int, method: str = "to_sub_flow") -> str:
    column = linecache.getline(__file__, line).index(f".{method}(") + 2
    return f"{__file__}:{line}:{column}"


async def fail(flow: TriggerFlow[Any], value: object = None, **options: Any) -> tuple[BaseException, Any]:
    """Start *flow* (manual close), expect it to raise; the error and the execution."""
    execution = flow.create_execution(auto_close=False, **options)
    with anyio.fail_after(DEADLINE), pytest.raises(ExecutionError) as info:
        await execution.async_start(value)
    return info.value, execution


# -- missing paths ------------------------------------------------------------------------------


def recording_child(ran: list[object]) -> TriggerFlow[Any]:
    child = TriggerFlow(name="child")

    async def work(data: TriggerFlowRuntimeData[Any]) -> dict[str, Any]:
        ran.append(data.value)
        await data.async_set_state("report", {"title": "T", "sections": ["a"]})
        return {"summary": "S"}

    child.to(work).end()
    return child


def parent_with(child: TriggerFlow[Any], after: list[object], **sub_flow: Any) -> tuple[TriggerFlow[Any], int]:
    """prepare (state topic/profile, value {"request": ...}) -> child -> after; the line of
    the ``to_sub_flow`` call."""
    parent = TriggerFlow(name="parent")

    async def prepare(data: TriggerFlowRuntimeData[Any]) -> dict[str, Any]:
        await data.async_set_state("topic", "tfc")
        await data.async_set_state("profile", {"name": "Ada"})
        return {"request": {"pages": [1, 2]}}

    async def record(data: TriggerFlowRuntimeData[Any]) -> None:
        after.append(data.value)

    line = next_line()
    parent.to(prepare).to_sub_flow(child, **sub_flow).to(record)
    return parent, line


@pytest.mark.parametrize(
    ("capture", "where", "keys"),
    [  # the missing path is the last source path of each capture
        pytest.param({"input": "state.topics"}, "not found in the parent state;", "keys there: topic, profile", id="state-key"),
        pytest.param(
            {"input": "runtime_data.profile.age"},
            'not found in the parent state after "profile";',
            "keys there: name",
            id="runtime_data-path",
        ),
        pytest.param({"input": "value.req"}, "not found in the current value;", "keys there: request", id="value-key"),
        pytest.param(
            {"input": "value.request.pages.5"},
            'not found in the current value after "request.pages";',
            "keys there: none",
            id="list-index",
        ),
        pytest.param(
            {"resources": {"log": "resources.logger"}},
            "not found in the parent resources;",
            "keys there: db",
            id="resource",
        ),
        pytest.param(
            {"input": "resources.db.url"}, 'not found in resource "db";', "keys there: host", id="resource-path"
        ),
        pytest.param({"input": "flow_data.mode"}, "not found in the parent flow data;", "keys there: none", id="flow_data"),
        pytest.param(
            {"input": "value", "state": {"who": "state.profile.nickname"}},
            'not found in the parent state after "profile";',
            "keys there: name",
            id="nested-state-form",
        ),
    ],
)
async def test_a_missing_capture_path_fails_the_step(capture: dict[str, Any], where: str, keys: str) -> None:
    ran: list[object] = []
    after: list[object] = []
    parent, line = parent_with(recording_child(ran), after, capture=capture)
    error, execution = await fail(parent, runtime_resources={"db": {"host": "h"}})
    assert isinstance(error, PathLookupError)
    assert isinstance(error, KeyError) and isinstance(error, TfcError) and not isinstance(error, ChunkError)
    last = list(capture.values())[-1]
    path = next(iter(last.values())) if isinstance(last, dict) else last
    message = str(error)
    assert message.startswith(f'capture path "{path}" of sub-flow "child" at {call_site(line)}: ')
    assert where in message and keys in message, message
    assert error.chunk == "child" and error.flow_name == "parent" and error.where == call_site(line)
    assert execution.status == "failed"
    assert ran == [] and after == []


@pytest.mark.parametrize(
    ("source", "where", "keys"),
    [
        pytest.param(
            "result.report.body",
            "not found in the child's compat result or close snapshot after \"report\";",
            "keys there: title, sections",
            id="result-path",
        ),
        pytest.param(
            "result.nope",
            "not found in the child's compat result or close snapshot;",
            "keys there: report, $final_result",
            id="result-key",
        ),
        pytest.param(
            "snapshot.summary",  # in the compat result, but snapshot paths skip it
            "not found in the child's close snapshot;",
            "keys there: report, $final_result",
            id="snapshot-path",
        ),
        pytest.param(
            "snapshot.report.sections.3",
            'not found in the child\'s close snapshot after "report.sections";',
            "keys there: none",
            id="snapshot-list-index",
        ),
    ],
)
async def test_a_missing_write_back_path_fails_the_step(source: str, where: str, keys: str) -> None:
    ran: list[object] = []
    after: list[object] = []
    parent, line = parent_with(recording_child(ran), after, write_back={"state.x": source})
    error, execution = await fail(parent)
    assert isinstance(error, PathLookupError)
    message = str(error)
    assert message.startswith(f'write_back path "{source}" of sub-flow "child" at {call_site(line)}: ')
    assert where in message and keys in message, message
    assert execution.status == "failed"
    assert len(ran) == 1 and after == []  # the child ran; the parent stopped after it
    assert "x" not in await execution.async_close()


async def test_a_missing_result_path_of_a_state_first_child_names_the_snapshot_only() -> None:
    child = TriggerFlow(name="child")

    async def work(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("draft", 1)

    child.to(work)
    parent = TriggerFlow(name="parent")
    parent.to_sub_flow(child, write_back={"value": "result.report"})
    error, _ = await fail(parent)
    assert isinstance(error, PathLookupError)
    assert "not found in the child's close snapshot; keys there: draft" in str(error)


# -- a failing child --------------------------------------------------------------------------


def failing_child() -> tuple[TriggerFlow[Any], int]:
    """say -> explode; the line of the ``.to(explode)`` call."""
    child = TriggerFlow(name="fragile")

    async def say(data: TriggerFlowRuntimeData[Any]) -> Any:
        await data.async_put_into_stream("child: before")
        await data.async_set_state("child_key", 1)
        return data.value

    @child.chunk("explode")
    async def explode(data: TriggerFlowRuntimeData[Any]) -> None:
        raise Boom(f"cannot handle {data.value}")

    line = next_line()
    child.to(say).to(explode)
    return child, line


async def test_a_failing_child_raises_sub_flow_error_with_the_chunk_error_as_cause() -> None:
    child, _ = failing_child()
    after: list[object] = []
    parent, line = parent_with(child, after, capture={"input": "state.topic"})
    error, execution = await fail(parent)
    assert isinstance(error, SubFlowError)
    assert isinstance(error, ChunkError) and isinstance(error, RuntimeError)
    assert error.child_flow == "fragile" and error.child_chunk == "explode"
    assert error.flow_name == "parent" and error.chunk == "fragile"
    assert error.where == call_site(line)
    cause = error.__cause__
    assert type(cause) is ChunkError
    assert cause.chunk == "explode" and cause.flow_name == "fragile"
    assert isinstance(cause.__cause__, Boom) and str(cause.__cause__) == "cannot handle tfc"
    message = str(error)
    assert message.startswith(f'sub-flow "fragile" at {call_site(line)} (flow "parent") failed: ')
    assert 'chunk "explode" of flow "fragile" raised' in message
    assert "Boom: cannot handle tfc" in message
    assert execution.status == "failed"
    assert after == []
    snapshot = await execution.async_close()
    assert execution.status == "failed"
    assert snapshot == {"topic": "tfc", "profile": {"name": "Ada"}}  # the child's state stays in the child


async def test_the_failing_chunks_location_is_its_step_in_the_child() -> None:
    child, child_line = failing_child()
    parent = TriggerFlow(name="parent")
    parent.to(child)
    error, _ = await fail(parent, "x")
    cause = error.__cause__
    assert isinstance(cause, ChunkError)
    column = linecache.getline(__file__, child_line).index(".to(explode)") + 2
    assert cause.where == f"{__file__}:{child_line}:{column}"


async def test_a_named_sub_flow_step_is_named_in_the_error() -> None:
    child, _ = failing_child()
    parent = TriggerFlow(name="parent")
    parent.to_sub_flow(child, name="review")
    error, _ = await fail(parent, "x")
    assert isinstance(error, SubFlowError)
    assert error.chunk == "review" and error.child_flow == "fragile" and error.child_chunk == "explode"
    assert str(error).startswith('sub-flow "review" at ')


async def test_a_parent_consumer_gets_the_childs_items_up_to_the_failure_then_the_error() -> None:
    child, _ = failing_child()
    after: list[object] = []
    parent, _ = parent_with(child, after)
    execution = parent.create_execution()
    items: list[object] = []
    with anyio.fail_after(DEADLINE):
        async with anyio.create_task_group() as tg:

            async def consume() -> None:
                with pytest.raises(SubFlowError):  # the consumer ends with the start's error
                    async for item in execution.get_async_runtime_stream(timeout=None):
                        items.append(item)

            tg.start_soon(consume)
            with pytest.raises(SubFlowError):
                await execution.async_start("x")
    assert items == ["child: before"]
    assert execution.status == "failed"


async def test_a_failing_grandchild_names_the_innermost_flow_and_chunk() -> None:
    child, _ = failing_child()
    mid = TriggerFlow(name="mid")
    mid.to(lambda data: data.value).to(child)
    top = TriggerFlow(name="top")
    line = next_line()
    top.to_sub_flow(mid)
    error, execution = await fail(top, "x")
    assert isinstance(error, SubFlowError)
    assert (error.flow_name, error.chunk, error.where) == ("top", "mid", call_site(line))
    assert (error.child_flow, error.child_chunk) == ("fragile", "explode")
    assert 'chunk "explode" of flow "fragile" raised' in str(error)
    middle = error.__cause__
    assert isinstance(middle, SubFlowError)
    assert (middle.flow_name, middle.chunk, middle.child_flow, middle.child_chunk) == ("mid", "fragile", "fragile", "explode")
    assert type(middle.__cause__) is ChunkError and isinstance(middle.__cause__.__cause__, Boom)
    assert execution.status == "failed"


async def test_a_failing_child_in_a_for_each_fails_the_parent() -> None:
    child = TriggerFlow(name="picky")

    async def check(data: TriggerFlowRuntimeData[Any]) -> Any:
        if data.value == 2:
            raise Boom("two")
        return data.value

    child.to(check).end()
    parent = TriggerFlow(name="parent")
    parent.for_each().to_sub_flow(child).end_for_each().end()
    error, execution = await fail(parent, [1, 2, 3])
    assert isinstance(error, SubFlowError) and error.child_chunk == "check"
    assert execution.status == "failed"


async def test_the_error_can_be_caught_as_a_chunk_error_by_an_awaited_emit() -> None:
    """A sub-flow failing in a branch triggered by an awaited emit raises in the emitter,
    which may handle it (§4.10, §7 S5)."""
    child, _ = failing_child()
    parent = TriggerFlow(name="parent")
    caught: list[str] = []

    async def emitter(data: TriggerFlowRuntimeData[Any]) -> str:
        try:
            await data.async_emit("review", data.value)
        except ChunkError as exc:
            caught.append(type(exc).__name__)
        return "handled"

    parent.to(emitter).end()
    parent.when("review").to_sub_flow(child)
    execution = parent.create_execution(auto_close=False)
    await execution.async_start("x")
    snapshot = await execution.async_close()
    assert caught == ["SubFlowError"]
    assert snapshot == {"$final_result": "handled"}
    assert execution.status == "completed"


# -- skip_exceptions -----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["flow", "execution"])
async def test_skip_exceptions_on_the_parent_stops_a_failing_sub_flow_step_quietly(where: str) -> None:
    child, _ = failing_child()
    after: list[object] = []
    parent = TriggerFlow(name="parent", skip_exceptions=where == "flow")

    async def record(data: TriggerFlowRuntimeData[Any]) -> None:
        after.append(data.value)

    parent.to_sub_flow(child).to(record)
    parent.to(lambda data: data.value).to_sub_flow(child, capture={"input": "state.nope"}).to(record)
    options = {"skip_exceptions": True} if where == "execution" else {}
    execution = parent.create_execution(auto_close=False, **options)
    await execution.async_start("x")
    assert await execution.async_close() == {}
    assert execution.status == "completed"
    assert after == []


async def test_skip_exceptions_on_the_child_lets_the_parent_continue_with_its_snapshot() -> None:
    child = TriggerFlow(name="tolerant", skip_exceptions=True)

    async def write(data: TriggerFlowRuntimeData[Any]) -> Any:
        await data.async_set_state("written", data.value)
        return data.value

    async def explode(data: TriggerFlowRuntimeData[Any]) -> None:
        raise Boom("ignored")

    child.to(write).to(explode)
    parent = TriggerFlow(name="parent")
    parent.to_sub_flow(child).end()
    execution = parent.create_execution(auto_close=False)
    await execution.async_start("x")
    assert await execution.async_close() == {"$final_result": {"written": "x"}}
    assert execution.status == "completed"
