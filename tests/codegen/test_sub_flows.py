"""Sub-flow calls in runners run the child's generated code inline (`tfc.codegen.child`).

Two paths, the same results as the engine: a child whose chunks only compute, read and
write state, put on the stream or start tracked work runs without a child execution ever
being created; a child that needs more (emits an event, pauses, looks at
``data.execution``) gets the whole execution made on the spot, and what follows (closing,
a pause's projection and resume) is the engine's.
"""

from __future__ import annotations

import json
import re
import sys
import types
from typing import Any

import anyio
import pytest

from tfc import SubFlowError, TriggerFlow, TriggerFlowExecution, TriggerFlowRuntimeData
from tfc.codegen import Source, emit_runner, load_runner
from tfc.codegen.child import ChildExecution, ChildFlow
from tfc.codegen.support import StaleRunnerError

from .harness import on_engine, on_runner

pytestmark = [pytest.mark.anyio, pytest.mark.filterwarnings("ignore::tfc.compile.FlowWarning")]

D = TriggerFlowRuntimeData[Any, Any]


async def add_one(data: D) -> int:
    return int(data.value) + 1


async def note(data: D) -> Any:
    data.state["seen"] = data.value
    await data.async_put_into_stream(("note", data.state.get("seen"), data.state.get("seed")))
    return data.value


async def kick(data: D) -> Any:
    data.emit_nowait("go", data.value)  # tracked work: runs in the parent's task group
    data.set_state("draft", data.value)  # sync write: its listener is tracked work too
    return data.value


async def on_go(data: D) -> None:
    await anyio.lowlevel.checkpoint()
    data.put_into_stream(("go", data.value))
    data.set_state("went", data.value)


async def on_draft(data: D) -> None:
    data.put_into_stream(("draft", data.value))


async def emit_inline(data: D) -> Any:
    await data.async_emit("ping", data.value)
    return data.value


async def pong(data: D) -> None:
    await data.async_put_into_stream(("pong", data.value))


async def facades(data: D) -> Any:
    # The execution's own sync and async facades, called from a chunk of the child.
    data.execution.emit("go", data.value)  # inside the run: tracked work of its activation
    data.execution.set_state("draft", data.value)
    await data.execution.async_emit("ping", data.value)
    return data.value


async def listing(data: D) -> list[object]:
    return [data.value]


async def mutate(data: D) -> Any:
    data.value.append("changed after .end()")  # the result was stored as a copy
    return data.value


async def peek(data: D) -> Any:
    await data.async_put_into_stream(("result so far", data.state.get("$final_result")))
    return data.value


async def late_one(data: D) -> int:
    for _ in range(3):
        await anyio.lowlevel.checkpoint()
    return int(data.value) - 1


async def explode(data: D) -> None:
    raise ValueError(f"bad {data.value!r}")


def pure_child() -> TriggerFlow[Any]:
    child = TriggerFlow(name="pure")
    child.to(add_one).to(("add_two", add_one)).end()
    return child


def stateful_child() -> TriggerFlow[Any]:
    child = TriggerFlow(name="stateful")
    child.to(note).to(add_one).end()
    return child


def tracked_child() -> TriggerFlow[Any]:
    child = TriggerFlow(name="tracked")
    child.to(kick).to(add_one)
    child.when("go").to(on_go)
    child.when({"runtime_data": "draft"}).to(on_draft)
    return child


def emitting_child() -> TriggerFlow[Any]:
    child = TriggerFlow(name="emitting")
    child.to(emit_inline).to(add_one).end()
    child.when("ping").to(pong)
    return child


def facade_child(fan_out: bool = False) -> TriggerFlow[Any]:
    child = TriggerFlow(name="facades_each" if fan_out else "facades")
    if fan_out:  # the facades run in the for_each's own tasks
        child.for_each().to(facades).end_for_each().end()
    else:
        child.to(facades).to(add_one).end()
    child.when("go").to(on_go)
    child.when({"runtime_data": "draft"}).to(on_draft)
    child.when("ping").to(pong)
    return child


def result_child(*, peeking: bool = False, ends: int = 1) -> TriggerFlow[Any]:
    """A child whose compat result is stored, then its value changed (and read back)."""
    child = TriggerFlow(name=f"result_{'peeking' if peeking else 'kept'}_{ends}")
    after = child.to(listing).end().to(mutate)
    if peeking:
        after = after.to(peek)
    if ends > 1:  # a later `.end()` leaves the first result as it is
        after.end()
        child.to(late_one).end()
    return child


def no_result_child() -> TriggerFlow[Any]:
    child = TriggerFlow(name="no_result")
    child.to(add_one)
    return child


def failing_child() -> TriggerFlow[Any]:
    child = TriggerFlow(name="failing")
    child.to(add_one).to(explode)
    return child


def nested(depth: int) -> TriggerFlow[Any]:
    flow = pure_child()
    for level in range(depth):
        outer = TriggerFlow(name=f"level_{level}")
        outer.to(note).to_sub_flow(flow).end()
        flow = outer
    return flow


def flows() -> list[Any]:
    """(id, parent, input) cases compared between the engine and the runner."""
    cases: list[Any] = []

    def case(name: str, child: TriggerFlow[Any], value: object = 1, **sub_flow: Any) -> None:
        parent = TriggerFlow(name=f"parent_{name}")
        parent.to(note).to_sub_flow(child, **sub_flow).to(("after", note)).end()
        cases.append(pytest.param(parent, value, id=name))

    case("pure", pure_child())
    case("pure-write-back", pure_child(), write_back={"state.out": "result", "value": "result"})
    case("capture-state", stateful_child(), capture={"input": "state.seen", "state": {"seed": "value"}})
    case("write-back-snapshot", stateful_child(), write_back={"value": "snapshot.seen"})
    case("tracked-work", tracked_child(), write_back={"value": "snapshot.went", "state.draft": "snapshot.draft"})
    case("emitting", emitting_child())
    case("execution-facades", facade_child(), write_back={"value": "snapshot.went", "state.draft": "snapshot.draft"})
    case("execution-facades-in-for-each", facade_child(fan_out=True), [1, 2])
    case("failing", failing_child())
    case("result-kept", result_child())
    case("result-peeked", result_child(peeking=True))
    case("first-of-two-ends", result_child(ends=2))
    case("first-of-two-ends-peeked", result_child(peeking=True, ends=2))
    case("no-result", no_result_child())
    case("no-result-write-back", no_result_child(), write_back={"value": "snapshot"})
    case("missing-capture", pure_child(), capture={"input": "state.nope"})
    case("missing-write-back", pure_child(), write_back={"value": "result.nope"})
    case("child-concurrency", pure_child(), concurrency=1)
    cases.append(pytest.param(nested(3), 5, id="three-levels"))

    shared = pure_child()
    twice = TriggerFlow(name="twice")
    twice.to_sub_flow(shared).to_sub_flow(shared, capture={"input": "value"}).end()
    cases.append(pytest.param(twice, 1, id="one-child-two-calls"))

    each = TriggerFlow(name="each")
    each.for_each().to_sub_flow(tracked_child(), write_back={"value": "snapshot.went"}).end_for_each().end()
    cases.append(pytest.param(each, [1, 2, 3], id="for-each-of-children"))

    skipping = TriggerFlow(name="skipping", skip_exceptions=True)
    skipping.to_sub_flow(failing_child()).to(note)
    skipping.to(("other", note)).end()
    cases.append(pytest.param(skipping, 1, id="skip-exceptions"))
    return cases


@pytest.mark.parametrize(("flow", "value"), flows())
async def test_a_sub_flow_runs_inline_like_the_engine(flow: TriggerFlow[Any], value: object) -> None:
    runner = load_runner(flow)
    assert await on_runner(runner, value) == await on_engine(flow, value)


async def test_a_child_that_only_computes_and_uses_state_creates_no_execution(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = TriggerFlow(name="no_children")
    (
        parent.to_sub_flow(pure_child())
        .to_sub_flow(stateful_child(), capture={"input": "value", "state": {"seed": "value"}})
        .to_sub_flow(tracked_child(), write_back={"value": "snapshot.went"})
        .to_sub_flow(emitting_child())
    )
    runner = load_runner(parent)
    made: list[str] = []
    original = TriggerFlowExecution.__init__

    def counting(self: TriggerFlowExecution, flow: Any, *args: Any, **kwargs: Any) -> None:
        made.append(flow.name)
        original(self, flow, *args, **kwargs)

    monkeypatch.setattr(TriggerFlowExecution, "__init__", counting)
    await runner.run(1)
    assert made == ["no_children"]  # emits, sync writes, tracked work, stream, state: all without one
    made.clear()
    await parent.async_start(1)
    assert made == ["no_children", "pure", "stateful", "tracked", "emitting"]


async def test_a_child_that_only_computes_makes_no_state_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its `.end()` result is handed to the parent as it is; a child that reads its state
    (a `note`) gets one, holding what the engine's would."""
    from tfc.runtime.state import StateStore

    parent = TriggerFlow(name="stateless")
    parent.to_sub_flow(pure_child()).to_sub_flow(stateful_child()).to_sub_flow(no_result_child()).end()
    runner = load_runner(parent)
    made: list[dict[str, object]] = []
    original = StateStore.__init__

    def counting(self: StateStore, initial: Any = None) -> None:
        original(self, initial)
        made.append(self._data)

    monkeypatch.setattr(StateStore, "__init__", counting)
    assert await runner.run(1) == {"$final_result": {}}
    assert made == [{"$final_result": {}}, {"seen": 3, "$final_result": 4}]  # the parent's, the note's


async def test_a_child_that_looks_at_its_execution_gets_it_made() -> None:
    seen: list[TriggerFlowExecution] = []

    async def look(data: D) -> Any:
        seen.append(data.execution)
        await data.async_put_into_stream(data.execution.status)  # more than a step needs
        return data.value

    child = TriggerFlow(name="looking")
    child.to(look)
    parent = TriggerFlow(name="made")
    parent.to_sub_flow(emitting_child()).to_sub_flow(child).end()
    items: list[object] = []
    await load_runner(parent).run(1, stream=items.append)
    assert items == [("pong", 1), "running"]
    run = seen[0]
    assert isinstance(run, ChildExecution) and run.made


async def test_an_execution_kept_by_a_child_chunk_looks_as_on_the_engine() -> None:
    kept: list[TriggerFlowExecution] = []

    async def keep(data: D) -> Any:
        execution = data.execution
        kept.append(execution)
        data.state["during"] = [execution.status, execution.lifecycle, execution.is_open()]
        return data.value

    child = TriggerFlow(name="keeper")
    child.to(keep).to(add_one).end()
    parent = TriggerFlow(name="keeping")
    parent.to_sub_flow(child, write_back={"state.during": "snapshot.during", "value": "result"}).end()

    def observed(execution: TriggerFlowExecution) -> tuple[object, ...]:
        return (
            execution.status,
            execution.lifecycle,
            execution.plan.flow_name,
            execution.result.get_final_result(),
            execution.state.frozen,
            execution.stream.stopped,
            execution.get_pending_interrupts(),
        )

    engine = await parent.async_start(1)
    on_engine_child = observed(kept.pop())
    generated = await load_runner(parent).run(1)
    assert generated == engine
    assert observed(kept.pop()) == on_engine_child


async def test_a_child_made_only_after_its_run_shows_the_closed_execution() -> None:
    """A chunk keeps ``data`` (not the execution): reading the execution later makes it closed."""
    kept: list[D] = []

    async def keep(data: D) -> Any:
        kept.append(data)
        return data.value

    child = TriggerFlow(name="late")
    child.to(keep).end()
    parent = TriggerFlow(name="later")
    parent.to_sub_flow(child).end()
    await parent.async_start(1)
    engine = kept.pop().execution
    await load_runner(parent).run(1)
    generated = kept.pop().execution
    assert isinstance(generated, ChildExecution)
    assert (generated.status, generated.lifecycle, generated.close_reason, generated.state.get()) == (
        engine.status,
        engine.lifecycle,
        engine.close_reason,
        engine.state.get(),
    )
    with pytest.raises(Exception) as caught:
        generated.state.set("x", 1)
    assert "frozen" in str(caught.value)


async def test_a_failing_child_raises_the_engines_sub_flow_error() -> None:
    grandchild = TriggerFlow(name="grandchild")
    grandchild.to(explode)
    child = TriggerFlow(name="child")
    child.to_sub_flow(grandchild)
    parent = TriggerFlow(name="parent")
    parent.to(note).to_sub_flow(child)
    with pytest.raises(SubFlowError) as engine:
        await parent.async_start(2)
    with pytest.raises(SubFlowError) as generated:
        await load_runner(parent).run(2)
    assert str(generated.value) == str(engine.value)
    assert (generated.value.child_flow, generated.value.child_chunk) == ("grandchild", "explode")
    assert type(generated.value.__cause__) is type(engine.value.__cause__)


def paused_review() -> TriggerFlow[Any]:
    """A child pausing for review inside a for_each of the parent, then more steps."""
    child = TriggerFlow(name="review_child")

    async def review(data: D) -> Any:
        await data.async_put_into_stream({"review": data.value})
        if data.value % 2:
            await data.async_pause_for(type="review", payload=data.value, interrupt_id=f"r{data.value}")
        return data.value * 10

    child.to(review).to(add_one).end()
    parent = TriggerFlow(name="review_parent")
    parent.for_each().to_sub_flow(child).end_for_each().end()
    return parent


async def _drive(make: Any) -> tuple[list[object], dict[str, Any]]:
    """Start, then save / JSON / load before each resume (lowest payload first), close."""
    with anyio.fail_after(10):
        execution: TriggerFlowExecution = make()
        await execution.async_start([1, 2, 3])
        items = [_strip(i) for i in execution.stream.items]
        while pending := execution.get_pending_interrupts():
            document = json.loads(json.dumps(execution.save()))
            execution = make().load(document)
            interrupt_id, record = min(pending.items(), key=lambda kv: kv[1].payload)
            await execution.async_continue_with(interrupt_id, record.payload * 100)
            items += [_strip(i) for i in execution.stream.items]
        snapshot = await execution.async_close()
        return items, snapshot


def _strip(item: Any) -> object:
    if isinstance(item, dict) and item.get("type") == "interrupt":
        return (item["action"], item["interrupt"]["type"], item["interrupt"]["payload"], item["interrupt"]["chunk"])
    return item


async def test_a_pause_in_an_inline_child_resumes_on_the_engine_like_the_engine() -> None:
    flow = paused_review()
    runner = load_runner(flow)
    engine = await _drive(lambda: flow.create_execution(auto_close=False))
    generated = await _drive(lambda: runner.create_execution(auto_close=False))
    assert generated == engine
    assert engine[1]["$final_result"] == [101, 21, 301]
    assert ("project", "review", 1, "review") in engine[0]


def test_the_banner_names_each_inline_child_once_and_nesting_gets_its_own_names() -> None:
    shared = pure_child()
    flow = TriggerFlow(name="banner")
    flow.to_sub_flow(shared).to_sub_flow(nested(1)).to_sub_flow(shared).end()
    source = load_runner(flow).__tfc_runner__.source
    head = source.split("from __future__")[0]
    assert load_runner(flow).__tfc_runner__.children == tuple(re.findall(r"flow `\w+` \([^)]*\)", head))
    assert [c.split(" (")[0] for c in load_runner(flow).__tfc_runner__.children] == [
        "flow `pure`", "flow `level_0`", "flow `pure`"  # the shared child once; level_0's own child
    ]
    assert "Runs on the engine" not in head and "resume on the engine" in head
    assert source.count("async def _sub1_root_") == 1 and source.count("async def _sub3_root_") == 1
    assert re.search(r"_sub1_flow = _rt\.child_flow\(_n\d+\)", source)
    assert re.search(r"_sub\d_flow = _rt\.child_flow\(_sub\d_n\d+\)", source)  # the grandchild, from its parent
    assert source.count(" = _rt.ChildCall(act, ") == 4


def test_a_runner_refuses_to_load_when_a_child_flow_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    child = pure_child()
    parent = TriggerFlow(name="stale_child")
    parent.to_sub_flow(child).end()
    home = types.ModuleType("tc_stale_home")
    home.flow = parent  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tc_stale_home", home)
    source = emit_runner(parent, Source("tc_stale_home", "flow"), version="test").source
    exec(compile(source, "<fresh>", "exec"), {})
    child.to(("extra", add_one))
    with pytest.raises(StaleRunnerError, match='flow "pure" is stale'):
        exec(compile(source, "<stale>", "exec"), {})


@pytest.mark.parametrize("where", ["chain", "for_each"])
async def test_a_sync_facade_of_the_child_execution_starts_its_work_at_once(where: str) -> None:
    """``data.execution.emit`` in an inline child acts in the child's activation, as in an
    engine child: the handler runs as tracked work while the chunk is still waiting (it
    would otherwise be queued until the child closes, and the chunk would wait forever)."""

    async def wait_for_handler(data: D) -> Any:
        started = anyio.Event()
        data.execution.emit("go", started)
        with anyio.fail_after(5):
            await started.wait()
        return "handled"

    async def handler(data: D) -> None:
        data.value.set()

    def build() -> TriggerFlow[Any]:
        child = TriggerFlow(name=f"facade_{where}")
        if where == "for_each":
            child.for_each().to(wait_for_handler).end_for_each().end()
        else:
            child.to(wait_for_handler).end()
        child.when("go").to(handler)
        parent = TriggerFlow(name=f"facade_parent_{where}")
        parent.to_sub_flow(child).end()
        return parent

    value = [1, 2] if where == "for_each" else 1
    expected = ["handled", "handled"] if where == "for_each" else "handled"
    engine = await build().async_start(value)
    runner = await load_runner(build()).run(value)
    assert engine["$final_result"] == runner["$final_result"] == expected


def test_a_child_flow_checks_that_the_start_code_is_what_its_plan_starts() -> None:
    parent = TriggerFlow(name="checked_start")
    parent.to_sub_flow(pure_child()).end()
    runner = load_runner(parent)
    child = runner._sub1
    ChildFlow(child.flow, child.plan, runner._sub1_root_1)  # what the runner does
    with pytest.raises(RuntimeError, match='runner of flow "pure": its start code is not what the plan starts'):
        ChildFlow(child.flow, child.plan, runner._root_1)
