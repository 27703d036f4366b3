"""The runtime helpers generated runner modules call (documented-internal, stable API).

A runner module (see `tfc.codegen.emit`) replaces the engine's interpretation of a plan
with straight-line code, but runs inside a real `TriggerFlowExecution`: state, resources,
the runtime stream, `emit`, `when` routing and interrupts are the engine's own. The runner
hands its generated root functions to `runner_plan`, which returns the engine's plan with
every routing table pointing at generated code instead of plan chains. A `to_sub_flow` call
runs the child flow's generated code inline (around a `ChildCall`, from `tfc.codegen.child`) in a
child execution that is only made as far as the child's chunks need it.

Everything here mirrors one piece of `tfc.plan.nodes` (the step call, the for_each item
rule, hit_first/hit_all routing, joins) so that a runner and the engine give the same
stream, state, snapshot, result and errors. The names in ``__all__`` are what generated
code may use; they change only together with `RUNNER_API`, which every runner checks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from ..dsl.chunk import Chunk
from ..dsl.data import TriggerFlowRuntimeData
from ..errors import ExecutionError, FlowDefinitionError
from ..ir.text import fingerprint
from ..plan.nodes import BatchPlan, BranchPlan, Chain, ForEachPlan, ListenerFork, PlanNode, RootPlan, StepPlan
from ..plan.subflow import SubFlowPlan
from ..runtime.activation import Activation
from ..runtime.background import run_sync
from ..runtime.execution import TriggerFlowExecution
from ..runtime.fanout import fan_out
from ..runtime.markers import MISSING, PAUSED, START_TRIGGER, Marker, Scope, Trigger
from .child import ChildCall as ChildCall, ChildFlow as ChildFlow

if TYPE_CHECKING:
    from ..dsl.flow import TriggerFlow
    from ..plan.planner import Entries, Plan

__all__ = (
    "Activation",
    "Bound",
    "ChildCall",
    "ChildFlow",
    "ExecutionError",
    "MISSING",
    "Marker",
    "PAUSED",
    "RUNNER_API",
    "RootFn",
    "START_TRIGGER",
    "Scope",
    "StaleRunnerError",
    "Trigger",
    "TriggerFlowExecution",
    "TriggerFlowRuntimeData",
    "batch",
    "bind",
    "branch_node",
    "child_flow",
    "collect",
    "create_execution",
    "engine_plan",
    "for_each",
    "forks",
    "hit_all",
    "hits",
    "items",
    "listener",
    "node",
    "run",
    "run_blocking",
    "runner_plan",
    "step_node",
    "sub_flow_node",
    "typed",
)

RUNNER_API = 4
"""The version of this module's API; a runner built for another version refuses to load."""


V = TypeVar("V")
R = TypeVar("R")
E = TypeVar("E")
T = TypeVar("T")
In = TypeVar("In", contravariant=True)
Out = TypeVar("Out", covariant=True)

RootFn = Callable[[Activation, Any, Scope, "Trigger | None"], Coroutine[Any, Any, object]]
"""A generated root function: ``(act, value, scope, trigger) -> chain result``."""


class StaleRunnerError(FlowDefinitionError):
    """The runner module was generated from another version of the flow: rebuild it."""


# -- binding a runner to its flow ---------------------------------------------------------


def engine_plan(flow: TriggerFlow[Any], expected: str, api: int = RUNNER_API) -> Plan:
    """Compile *flow* and check it is the flow the runner was generated from.

    Args:
        expected: The IR fingerprint written into the runner.
        api: The `RUNNER_API` the runner was generated for.

    Raises:
        StaleRunnerError: The flow's structure changed since the runner was built.
    """
    if api != RUNNER_API:
        raise StaleRunnerError(
            f'runner for flow "{flow.name}" was built for runner API {api}, this tfc has {RUNNER_API}; '
            "run `tfc build` again"
        )
    plan = flow.compile()
    found = fingerprint(plan.ir)
    if found != expected:
        raise StaleRunnerError(
            f'runner for flow "{flow.name}" is stale: it was built from fingerprint {expected}, '
            f"the flow now has {found}; run `tfc build` again"
        )
    return plan


@overload
def bind(flow: TriggerFlow[Any], name: str, chunk: Chunk[V, R]) -> Bound[V, R]: ...
@overload
def bind(
    flow: TriggerFlow[Any], name: str, chunk: Callable[[TriggerFlowRuntimeData[V, Any]], Awaitable[R]]
) -> Bound[V, R]: ...
@overload
def bind(flow: TriggerFlow[Any], name: str, chunk: Callable[[TriggerFlowRuntimeData[V, Any]], R]) -> Bound[V, R]: ...
@overload
def bind(flow: TriggerFlow[Any], name: str, chunk: None = None) -> Bound[Any, Any]: ...
def bind(flow: TriggerFlow[Any], name: str, chunk: object = None) -> Bound[Any, Any]:
    """The flow's chunk *name*, checked to be the object the runner imported.

    The runner imports chunks (or their functions) by name so that type checkers see their
    types; this makes sure the name still refers to the chunk the flow runs.

    Raises:
        StaleRunnerError: The flow has no such chunk, or it is bound to another function.
    """
    found = flow.chunks.get(name)
    target = chunk.fn if isinstance(chunk, Chunk) else chunk
    if found is None or (chunk is not None and found.fn is not target and found.fn is not chunk):
        raise StaleRunnerError(
            f'runner for flow "{flow.name}" is stale: chunk "{name}" is not the function it imported; '
            "run `tfc build` again"
        )
    return Bound(found)


def step_node(plan: Plan, node_id: int) -> StepPlan:
    """The engine's node for step *node_id*: its location, trigger and error wording."""
    found = plan.nodes[node_id]
    assert isinstance(found, StepPlan), found
    return found


def branch_node(plan: Plan, node_id: int) -> BranchPlan:
    """The engine's node for the match / if block *node_id* (its cases' conditions)."""
    found = plan.nodes[node_id]
    assert isinstance(found, BranchPlan), found
    return found


def sub_flow_node(plan: Plan, node_id: int) -> SubFlowPlan:
    """The engine's node for the `to_sub_flow` call *node_id*: capture, write_back, errors."""
    found = plan.nodes[node_id]
    assert isinstance(found, SubFlowPlan), found
    return found


def child_flow(node: SubFlowPlan) -> TriggerFlow[Any]:
    """The child flow a `to_sub_flow` call runs (its runner code is in the same module)."""
    return node.child


def node(plan: Plan, node_id: int) -> PlanNode:
    """The engine's node *node_id* (a block's label in errors, or a fallback node)."""
    return plan.nodes[node_id]


class _CodeChain(Chain):
    """A chain whose body is a generated function.

    `run` hands back the generated function's own coroutine rather than awaiting it in one
    of its own: every await in a runner's code passes through one coroutine frame less.
    """

    __slots__ = ("fn",)

    def __init__(self, fn: RootFn) -> None:
        super().__init__((), ())
        self.fn = fn

    def run(self, act: Activation, value: object, scope: Scope, trigger: Trigger | None) -> Coroutine[Any, Any, object]:
        return self.fn(act, value, scope, trigger)


def runner_plan(plan: Plan, roots: Mapping[int, RootFn]) -> tuple[Plan, dict[int, RootPlan]]:
    """*plan* with every routing table pointing at the generated *roots* (by root id), and
    the root plans made for them (for `listener`).

    The engine's nodes, continuations and join bookkeeping stay, so what the runner does not
    flatten (a resume after a pause) continues on the engine.

    Raises:
        StaleRunnerError: A root of the flow has no generated function, or the reverse.
    """
    swapped: dict[int, RootPlan] = {}

    def swap(entries: Entries) -> Entries:
        out = []
        for rp, signal in entries:
            mine = swapped.get(rp.id)
            if mine is None:
                fn = roots.get(rp.id)
                if fn is None:
                    raise StaleRunnerError(
                        f'runner for flow "{plan.flow_name}" is stale: no code for the root at {rp.loc}; '
                        "run `tfc build` again"
                    )
                mine = swapped[rp.id] = RootPlan(rp.id, rp.loc, rp.signals, rp.mode, _CodeChain(fn))
            out.append((mine, signal))
        return tuple(out)

    def swap_all(table: dict[str, Entries]) -> dict[str, Entries]:
        return {key: swap(entries) for key, entries in table.items()}

    new = dataclasses.replace(
        plan,
        start=swap(plan.start),
        events=swap_all(plan.events),
        state_keys=swap_all(plan.state_keys),
        flow_data_keys=swap_all(plan.flow_data_keys),
        collect_roots=swap_all(plan.collect_roots),
    )
    for root_id, fn in roots.items():
        if root_id not in swapped:
            # A root nothing routes to (a `when` on a signal no table lists) still gets a plan.
            ir_root = next((r for r in plan.ir.roots if r.id == root_id), None)
            if ir_root is None and root_id >= 0:
                raise StaleRunnerError(f'runner for flow "{plan.flow_name}" is stale: unknown root #{root_id}')
            if ir_root is not None:
                swapped[root_id] = RootPlan(root_id, ir_root.loc, ir_root.signals, ir_root.mode, _CodeChain(fn))
    return new, swapped


def listener(roots: Mapping[int, RootPlan], root_id: int, signal_index: int, chunk: str) -> ListenerFork:
    """The fork that fires `when(chunk)` root *root_id* with a step's output."""
    root = roots[root_id]
    return ListenerFork(root, root.signals[signal_index], chunk)


# -- running --------------------------------------------------------------------------------


def run(
    flow: TriggerFlow[Any],
    plan: Plan,
    value: object,
    *,
    state: Mapping[str, object] | None = None,
    resources: Mapping[str, object] | None = None,
    stream: Callable[[object], object] | None = None,
    concurrency: int | None = None,
) -> Coroutine[Any, Any, dict[str, Any]]:
    """Run *plan* like ``flow.async_start(value)``; await it for the close snapshot.

    Not a coroutine function: it makes the execution and hands back its `async_start`, so
    the chunks' awaits pass through one coroutine frame less.

    Args:
        state: Initial state (copied in before START).
        resources: Execution-level runtime resources, over the flow's.
        stream: Called with every runtime stream item, in put order.
        concurrency: Most chunks running at once (the execution budget).
    """
    execution = TriggerFlowExecution(flow, plan, concurrency=concurrency, runtime_resources=resources, hidden=True)
    if state:
        execution.state.restore(state)
    if stream is not None:
        execution.bridge = stream
    started: Coroutine[Any, Any, dict[str, Any]] = execution.async_start(value)
    return started


def create_execution(flow: TriggerFlow[Any], plan: Plan, **options: Any) -> TriggerFlowExecution:
    """An execution of *plan*, made like ``flow.create_execution(**options)``: for emitting
    into, pausing and resuming, and saving and loading (resumes continue on the engine)."""
    return TriggerFlowExecution(flow, plan, **options)


def run_blocking(
    flow: TriggerFlow[Any],
    plan: Plan,
    value: object,
    **options: Any,
) -> dict[str, Any]:
    """`run` from sync code (its own event loop, or a worker thread inside one)."""
    return run_sync(run, flow, plan, value, **options)


# -- one node each ----------------------------------------------------------------------------


class Bound(Generic[In, Out]):
    """A chunk as a runner calls it.

    A runner writes the step of an async chunk out in its own code (the runtime data, a
    direct ``await bound.fn(data)``, the error and pause handling) and calls other chunks as
    ``await bound(act, node, value, scope, trigger)``. Typed by the chunk's input and output,
    so a type checker reading the runner checks every value handed from one step to the next.
    """

    __slots__ = ("chunk", "fn", "is_async")

    fn: Callable[[TriggerFlowRuntimeData[In, Any]], Awaitable[Out]]
    """The chunk's function, typed as the async function a runner awaits directly."""

    def __init__(self, chunk: Chunk[In, Out]) -> None:
        self.chunk = chunk
        self.fn = chunk.fn
        self.is_async = chunk.is_async

    async def limited(self, data: TriggerFlowRuntimeData[In, Any]) -> Out:
        """The chunk's output for *data*, holding one permit of the execution's limiter
        (``concurrency=``) while it runs."""
        limiter = data._act.limiter
        assert limiter is not None
        await limiter.acquire()
        data._permit = True
        try:
            out: Any = self.fn(data)
            if self.is_async or hasattr(out, "__await__"):  # a sync chunk may hand back an awaitable
                out = await out
            return out  # type: ignore[no-any-return]
        finally:
            if data._permit:  # not when cancelled while taking it back after an emit
                data._permit = False
                limiter.release()

    async def __call__(
        self, act: Activation, node: StepPlan, value: In, scope: Scope, trigger: Trigger | None
    ) -> Out | Marker:
        """Run the chunk as step *node* (what the engine's `StepPlan.apply` does)."""
        data: TriggerFlowRuntimeData[Any, Any] = TriggerFlowRuntimeData(act, value, scope, trigger or node.trigger, node)
        try:
            if act.limiter is None:
                out: Any = self.fn(data)
                if self.is_async or hasattr(out, "__await__"):
                    out = await out
            else:
                out = await self.limited(data)
        except ExecutionError:
            raise
        except Exception as exc:
            return act.execution.fail_step(node, exc)
        if data._paused:
            return PAUSED
        return out  # type: ignore[no-any-return]


async def batch(
    act: Activation, node: PlanNode, scope: Scope, branches: Sequence[Callable[[], Awaitable[object]]], limit: int | None
) -> list[Any] | Marker:
    """Run the batch branches (FIFO under *limit*); their results, or a marker if one stopped."""
    results = await fan_out(len(branches), lambda i: branches[i](), limit)
    for r in results:
        if r.__class__ is Marker:
            names: Any = node.names if isinstance(node, BatchPlan) else None
            out: Any = act.execution.incomplete_join(node, scope, results, names)
            if out.__class__ is Marker or names is None:
                return out  # type: ignore[no-any-return]
            # Resumes that arrived early completed the join: its dict, back in branch order.
            return [out[name] for name in names]
    return results


@overload
def items(value: str) -> Sequence[str]: ...
@overload
def items(value: bytes) -> Sequence[bytes]: ...
@overload
def items(value: Sequence[E]) -> Sequence[E]: ...
@overload
def items(value: T) -> Sequence[T]: ...
def items(value: object) -> Sequence[object]:
    """The items a for_each runs over: a list, tuple or other non-string sequence as it is;
    anything else (a string, a dict, a scalar, None) as one item."""
    if value.__class__ is list or value.__class__ is tuple:
        return value  # type: ignore[return-value,unused-ignore]
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray)):
        return value
    return (value,)


async def for_each(
    act: Activation,
    node: PlanNode,
    scope: Scope,
    count: int,
    run_item: Callable[[int], Awaitable[R]],
    limit: int | None,
) -> list[R] | Marker:
    """Run *run_item* for each index (FIFO under *limit*); the results in input order."""
    if count == 0:
        return []
    results: list[Any] = await fan_out(count, run_item, limit)
    for r in results:
        if r.__class__ is Marker:
            # A marker, or the whole list when resumes that arrived early completed the join.
            return act.execution.incomplete_join(node, scope, results, None)  # type: ignore[return-value]
    return results


async def hits(act: Activation, node: BranchPlan, case: int, value: object, scope: Scope, trigger: Trigger | None) -> bool:
    """Whether case *case* of *node* takes *value* (else always does; errors name the case)."""
    return await node.cases[case].hits(act, value, scope, trigger, node)


async def hit_all(
    act: Activation,
    node: BranchPlan,
    value: object,
    scope: Scope,
    trigger: Trigger | None,
    bodies: Sequence[Callable[[], Awaitable[object]]],
) -> Any:
    """`match(mode="hit_all")`: every hitting case concurrently; results in case order."""
    cases = node.cases
    hit = [i for i, case in enumerate(cases) if not case.is_else and await case.hits(act, value, scope, trigger, node)]
    if not hit:
        hit = [i for i, case in enumerate(cases) if case.is_else]
        if not hit:
            return value
    results = await fan_out(len(hit), lambda k: bodies[hit[k]](), None)
    for r in results:
        if r.__class__ is Marker:
            return act.execution.incomplete_join(node, scope, results, list(hit))
    return results


async def forks(branches: Sequence[Callable[[], Awaitable[object]]]) -> list[Any]:
    """Run a chain's forks concurrently (registration order); their results."""
    return await fan_out(len(branches), lambda i: branches[i](), None)


async def collect(act: Activation, name: str, branch_id: str, value: object, scope: Scope) -> None:
    """`.collect(name, branch_id)`: deliver *value*; the collection's chain runs when full."""
    await act.collect(name, branch_id, value, scope)


def typed() -> Any:
    """A value of any type, for the typed assignments runners keep under ``TYPE_CHECKING``."""
    raise AssertionError("runner type-checking code is not meant to run")
