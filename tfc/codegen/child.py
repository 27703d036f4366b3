"""Flattened sub-flow calls: a child flow's generated code run inline by its parent's runner.

The engine runs a `to_sub_flow` step by creating, starting and closing a child
`TriggerFlowExecution`. A runner instead awaits the child's generated start code directly
(`sub_flow`), inside a `ChildExecution`: a real execution of the child flow of which only
what a plain step needs is made up front (its state, plan and limiter). The stream,
resources, flow data and interrupt book are made on their own when first used; the rest
(ids, status, timestamps...) is made the first time anything reads it, with the
execution's own constructor, so a chunk that looks at ``data.execution`` or pauses sees
exactly the execution the engine would have given it, and a child that only computes,
uses its state, streams or emits pays for none of it.

Everything around the run is the engine's own code: capture paths are read and write_back
is applied by the call's `SubFlowPlan`, child failures are wrapped by it into the same
`SubFlowError`, and a child that paused is projected into the parent's interrupt book as
the engine does, so the resume continues on the engine.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

import anyio

from ..dsl.paths import assign
from ..errors import ChunkError, ExecutionError
from ..runtime.activation import CURRENT, Activation
from ..runtime.execution import TriggerFlowExecution
from ..runtime.interrupts import InterruptBook
from ..runtime.markers import MISSING, START_TRIGGER, Scope, Trigger
from ..runtime.state import StateStore, copy_value
from ..runtime.stream import RuntimeStream

if TYPE_CHECKING:
    from ..dsl.flow import TriggerFlow
    from ..plan.planner import Plan
    from ..plan.subflow import SubFlowPlan

__all__ = ("ChildExecution", "ChildFlow", "sub_flow")

StartFn = Callable[[Activation, Any, Scope, "Trigger | None"], Coroutine[Any, Any, object]]

_RESULT_KEY = "$final_result"


class ChildFlow:
    """A child flow as a runner calls it: the flow, its runner plan, its start code.

    Attributes:
        start: The generated code of the child's only start root (called directly), or
            ``None`` when START goes to several roots or through a join (dispatched).
    """

    __slots__ = ("flow", "plan", "start")

    def __init__(self, flow: TriggerFlow[Any], plan: Plan) -> None:
        self.flow = flow
        self.plan = plan
        self.start: StartFn | None = None
        if len(plan.start) == 1:
            root = plan.start[0][0]
            fn = getattr(root.chain, "fn", None)
            if root.direct and fn is not None:
                self.start = fn


class ChildExecution(TriggerFlowExecution):
    """The execution of a flattened child run, made lazily (see the module docstring).

    `sub_flow` sets only the slots every step reads (flow, plan, state, limiter); a few
    more are cheap to make on their own when first read (`_CHEAP`: the stream, resources,
    flow data...); reading any other slot makes the whole execution with
    `TriggerFlowExecution.__init__`, keeping what was already set.

    It is also the host of its activation's tracked work (sync state writes, `emit_nowait`):
    that work runs in the parent activation's task group, counted here, so the run waits
    for it before closing and cancels it when the run fails, as the task group of an
    engine child's activation would.
    """

    __slots__ = ("_child_args", "_child_parent", "_child_phase", "_child_work")

    _child_args: Any
    """The concurrency to make the rest with, or `_MADE` once made."""
    _child_parent: Activation
    """The parent's activation: its task group hosts tracked work, its stream gets ours."""
    _child_phase: str
    """``"failed"`` or ``"cancelled"`` once the run stopped so (unset while it goes well)."""
    _child_work: _Work | None

    # -- made on first use ----------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        # Only reached for a slot not set yet.
        if name.startswith(("_child_", "__")) or object.__getattribute__(self, "_child_args") is _MADE:
            raise AttributeError(name)
        cheap = _CHEAP.get(name)
        if cheap is not None:
            value = cheap(self)
            object.__setattr__(self, name, value)
            return value
        self._make()
        return object.__getattribute__(self, name)

    @property
    def made(self) -> bool:
        """Whether the whole execution exists (something read more than a step needs)."""
        return self._child_args is _MADE

    def _make(self) -> None:
        concurrency = self._child_args
        self._child_args = _MADE
        kept: dict[str, object] = {"flow": self.flow, "plan": self.plan, "state": self.state, "limiter": self.limiter}
        for name in _CHEAP:
            try:
                kept[name] = object.__getattribute__(self, name)
            except AttributeError:
                pass
        TriggerFlowExecution.__init__(self, self.flow, self.plan, concurrency=concurrency, auto_close=False)
        for name, value in kept.items():
            object.__setattr__(self, name, value)
        if "bridge" not in kept:
            self.bridge = _bridge(self)
        self.started = True
        self.started_at = self.created_at
        try:
            phase = object.__getattribute__(self, "_child_phase")
        except AttributeError:
            phase = "completed" if self.state.frozen else "running"
        self.status = phase
        if phase == "running":
            self._active = 1  # `sub_flow` takes it back when the start cascade is done
        elif phase == "completed":
            self._snapshot = self.state.snapshot()  # the state is frozen: the close snapshot
            self.stream.stop()
            self.lifecycle = "closed"
            self.closed_at = self.created_at
            self.close_reason = "manual"
        else:
            self.stream.stop()

    # -- the activation's host --------------------------------------------------------------

    def start_soon(self, fn: Callable[..., Coroutine[Any, Any, Any]], /, *args: Any) -> None:
        """Start tracked work of the child's run in the parent's task group."""
        work = self._child_work
        if work is None:
            work = self._child_work = _Work()
        work.tasks += 1
        self._child_parent.host.start_soon(self._child_task, work, fn, args)

    async def _child_task(self, work: _Work, fn: Callable[..., Awaitable[object]], args: tuple[object, ...]) -> None:
        try:
            with anyio.CancelScope() as scope:
                if work.stopped:
                    scope.cancel()  # the run failed before this task got going
                work.scopes.add(scope)
                try:
                    await fn(*args)
                finally:
                    work.scopes.discard(scope)
        finally:
            work.tasks -= 1
            changed = work.changed
            if changed is not None:  # the waiter looks again at each end, as the engine's does
                work.changed = None
                changed.set()

    async def _settle(self) -> None:
        """Wait until the tracked work of the run has finished.

        Woken at every task's end, like `TriggerFlowExecution` waiting for a borrowed task
        group's work: the same wake-ups give the same interleaving on trio's scheduler.
        """
        work = self._child_work
        while work is not None and work.tasks:
            changed = work.changed
            if changed is None:
                changed = work.changed = anyio.Event()
            await changed.wait()

    async def _stop(self, phase: str) -> None:
        """The run failed or was cancelled: cancel its tracked work and wait for it."""
        self._child_phase = phase
        work = self._child_work
        if work is not None:
            work.stopped = True
            for scope in list(work.scopes):
                scope.cancel()
            with anyio.CancelScope(shield=True):
                await self._settle()
        if self._child_args is _MADE:
            self._active = 0
            if phase == "failed":
                self.status = "failed"
                self.stream.stop()
            elif self.status not in ("completed", "failed"):
                self.status = "cancelled"
                self.stream.stop()
            self._notify()


class _Work:
    """What a child run started besides its steps: tracked tasks, or a stream."""

    __slots__ = ("changed", "scopes", "stopped", "stream", "tasks")

    def __init__(self) -> None:
        self.tasks = 0
        self.changed: anyio.Event | None = None
        self.scopes: set[anyio.CancelScope] = set()
        self.stopped = False
        self.stream = False


def _stream(run: ChildExecution) -> RuntimeStream:
    work = run._child_work
    if work is None:
        work = run._child_work = _Work()
    work.stream = True  # stopped when the run closes
    run.bridge = _bridge(run)  # read right after: a put forwards each item to the parent
    return RuntimeStream()


def _bridge(run: ChildExecution) -> Callable[[object], object]:
    return run._child_parent.execution.put_into_stream


_CHEAP: dict[str, Callable[[ChildExecution], object]] = {
    "stream": _stream,
    "bridge": _bridge,
    "flow_data": lambda run: run.flow._flow_data,
    "interrupts": InterruptBook,  # emitting an event looks here for interrupts to resolve
    "skip_exceptions": lambda run: run.flow.skip_exceptions,
    "_own_resources": lambda run: {},
}
"""Slots made on their own when first read, without making the rest."""

_MADE: Any = object()
"""`ChildExecution._child_args` once the whole execution has been made."""

_NO_WORK: _Work | None = None
_NO_RESULT: Any = object()

_new = object.__new__


async def sub_flow(
    act: Activation, node: SubFlowPlan, child: ChildFlow, value: object, scope: Scope, trigger: Trigger | None
) -> Any:
    """`to_sub_flow` with the child's generated code run inline; the parent's next value.

    What the engine's `SubFlowPlan.apply` does (capture, run the child in isolation with
    its stream bridged, close it, write back, wrap its failures), without creating,
    starting and closing a separate execution for it.
    """
    try:
        # What `child.create_execution(auto_close=False, concurrency=...)` would hold, lazily.
        run: ChildExecution = _new(ChildExecution)
        run.flow = child.flow
        run.plan = child.plan
        # Kept in locals from here: reading a ChildExecution's slots goes through its __getattr__.
        run.state = state = StateStore()
        run.limiter = None
        run._child_parent = act
        run._child_work = _NO_WORK
        concurrency = run._child_args = node.concurrency
        if concurrency is not None:
            if concurrency < 1:
                raise ValueError(f"concurrency must be at least 1, got {concurrency}")
            run.limiter = anyio.Semaphore(concurrency)
        if node.capture is None:
            child_input = copy_value(value)  # like capture={"input": "value"}: never shared
        else:
            child_input = _capture(act, node, value, run)
        child_act = Activation(run, run)  # type: ignore[arg-type,unused-ignore]  # the run hosts its tracked work
        token = CURRENT.set(child_act)
        try:
            start = child.start
            if start is not None:
                await start(child_act, child_input, (), START_TRIGGER)
            else:
                await child_act.start(child_input)
        except anyio.get_cancelled_exc_class():
            await run._stop("cancelled")
            raise
        except Exception as exc:
            await run._stop("failed")
            if isinstance(exc, ChunkError):
                raise node._child_error(act.execution, exc) from exc
            raise
        finally:
            CURRENT.reset(token)
        work = run._child_work
        if work is not None and work.tasks:
            try:
                await run._settle()
            except anyio.get_cancelled_exc_class():
                await run._stop("cancelled")
                raise
        if run._child_args is _MADE:
            # Something needed the whole execution: from here on it is an engine child.
            run._active = 0
            run._notify()
            run._settle_status()
            if run.interrupts.pending():
                return act.execution.interrupts.project(act, node, scope, value, run)
            return await node.finish(act, value, scope, run)
        state.freeze()
        if work is not None and work.stream:
            run.stream.stop()
        if node.write_back is None:
            # The close snapshot's result, or the snapshot: a copy either way.
            result = state.get(_RESULT_KEY, _NO_RESULT)
            return state.snapshot() if result is _NO_RESULT else result
        return await node.write(act, value, scope, state.snapshot())
    except ExecutionError:
        if act.execution.skip_exceptions:  # a failing step stops its branch quietly
            return MISSING
        raise


def _capture(act: Activation, node: SubFlowPlan, value: object, run: ChildExecution) -> object:
    """Capture into *run* as the engine does (live resources by identity, every other value
    copied); the child's input."""
    child_input: object = None
    seed: dict[str, object] = {}
    resources: dict[str, object] = {}
    flow_data: dict[str, object] = {}
    for target, source in node.capture or ():
        got, live = node._source(act, value, source)
        if not live:
            got = copy_value(got)
        if target.scope == "input":
            child_input = got
        elif target.scope == "state":
            assign(seed, target.segments, got)
        elif target.scope == "resources":
            resources[str(target.segments[0])] = got
        else:
            assign(flow_data, target.segments, got)
    if resources:
        run._own_resources = resources
    if seed:
        run.state.restore(seed)
    for key, item in flow_data.items():
        run.flow_data.set(key, item)
    return child_input
