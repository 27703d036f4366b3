"""Flattened sub-flow calls: a child flow's generated code run inline by its parent's runner.

The engine runs a `to_sub_flow` step by creating, starting and closing a child
`TriggerFlowExecution`. A runner instead awaits the child's generated start code directly
from its own code, around a `ChildCall`: the activation of the child's run, holding only
what a plain step needs (the child's plan and limiter, and its `.end()` result; its state
is made when something first reads it). Its `ChildExecution` is made the first time
anything reads ``execution``; of that, the stream, resources, flow data
and interrupt book are made on their own when first used, and the rest (ids, status,
timestamps...) the first time anything reads it, with the execution's own constructor. So a
chunk that looks at ``data.execution`` or pauses sees exactly the execution the engine
would have given it, and a child that only computes pays for none of it.

Everything around the run is the engine's own code: capture paths are read and write_back
is applied by the call's `SubFlowPlan`, child failures are wrapped by it into the same
`SubFlowError`, and a child that paused is projected into the parent's interrupt book as
the engine does, so the resume continues on the engine.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

import anyio

from ..errors import ChunkError, ExecutionError
from ..runtime.activation import CURRENT, Activation, Host
from ..runtime.execution import TriggerFlowExecution
from ..runtime.interrupts import InterruptBook
from ..runtime.markers import MISSING, Scope, Trigger
from ..runtime.state import ATOMIC, RESULT_KEY, StateStore, copy_value
from ..runtime.stream import RuntimeStream

if TYPE_CHECKING:
    from ..dsl.flow import TriggerFlow
    from ..plan.planner import Plan
    from ..plan.subflow import SubFlowPlan

__all__ = ("ChildCall", "ChildExecution", "ChildFlow")

StartFn = Callable[[Activation, Any, Scope, "Trigger | None"], Coroutine[Any, Any, object]]



class ChildFlow:
    """A child flow as a runner calls it: the flow and its runner plan.

    Args:
        start: The generated function the runner awaits to start the child, when START goes
            to one root directly (checked against the plan); ``None`` when the runner
            dispatches START (several roots, or a join).
    """

    __slots__ = ("flow", "plan")

    def __init__(self, flow: TriggerFlow[Any], plan: Plan, start: StartFn | None = None) -> None:
        self.flow = flow
        self.plan = plan
        direct: object = None
        if len(plan.start) == 1 and plan.start[0][0].direct:
            direct = getattr(plan.start[0][0].chain, "fn", None)
        if start is not None and direct is not start:
            raise RuntimeError(
                f'runner of flow "{flow.name}": its start code is not what the plan starts; run `tfc build` again'
            )


class ChildExecution(TriggerFlowExecution):
    """The execution of a flattened child run, made lazily (see the module docstring).

    `ChildCall` sets only the slots every step reads (flow, plan, state, limiter); a few
    more are cheap to make on their own when first read (`_CHEAP`: the stream, resources,
    flow data...); reading any other slot makes the whole execution with
    `TriggerFlowExecution.__init__`, keeping what was already set.

    It is also the host of its activation's tracked work (sync state writes, `emit_nowait`):
    that work runs in the parent activation's task group, counted here, so the run waits
    for it before closing and cancels it when the run fails, as the task group of an
    engine child's activation would.
    """

    __slots__ = ("_child_args", "_child_call", "_child_parent", "_child_phase", "_child_work")

    _child_args: Any
    """The concurrency to make the rest with, or `_MADE` once made."""
    _child_parent: Activation
    """The parent's activation: its task group hosts tracked work, its stream gets ours."""
    _child_phase: str
    """``"failed"`` or ``"cancelled"`` once the run stopped so (unset while it goes well)."""
    _child_work: _Work | None
    _child_call: ChildCall | None
    """The call running this run inline, until it ends."""

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
            self._active = 1  # `ChildCall.finish` takes it back when the start cascade is done
        elif phase == "completed":
            self._snapshot = self.state.snapshot()  # the state is frozen: the close snapshot
            self.stream.stop()
            self.lifecycle = "closed"
            self.closed_at = self.created_at
            self.close_reason = "manual"
        else:
            self.stream.stop()

    def _inside(self) -> Activation | None:
        # During the call, its steps, tracked work and fan-outs act in the call's activation
        # (an engine child's sets CURRENT for them); an engine entry (close...) in its own.
        act = CURRENT.get()
        if act is not None and act.execution is self:
            return act
        return self._child_call

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

_NO_RESULT: Any = object()

_SHUT: Any = object()
"""`ChildCall._store` when the call closed before anything read the state."""

_new = object.__new__


class ChildCall(Activation):
    """One `to_sub_flow` call run inline by a runner: the activation of the child's run.

    The runner writes the call out around a direct await of the child's start code::

        c5 = _rt.ChildCall(act, _n5, _sub1)
        try:
            await _sub1_root_1(c5, c5.enter(v4), (), _rt.START_TRIGGER)
        except BaseException as exc:
            v5 = await c5.failed(exc)
        else:
            v5 = c5.leave()
            if v5 is c5:
                v5 = await c5.finish(v4, scope)

    which is what the engine's `SubFlowPlan.apply` does (capture, run the child in
    isolation with its stream bridged, close it, write back, wrap its failures) without
    creating, starting and closing a separate execution. The call holds what every step
    reads: the child's plan and limiter; its state is made on first read (until then
    `.end()` keeps the result in the call). Its `execution`, a `ChildExecution`, is
    made the first time something reads it (``data.execution``, the stream, resources,
    emits, sync state writes, a pause...); `leave` then hands over to `finish`, which
    closes the run as the engine closes a child.

    A sync facade of the child's execution called during the call (``emit``,
    ``set_state``...) acts in this activation, as it does in an engine child's.
    """

    __slots__ = ("_node", "_parent", "_result", "_run", "_store")

    def __init__(self, parent: Activation, node: SubFlowPlan, child: ChildFlow) -> None:
        self._parent = parent
        self._node = node
        self._run: ChildExecution | None = None
        self._store: StateStore | None = None
        self._result: object = _NO_RESULT
        self.plan = child.plan
        self.limiter = None

    # -- the child's state, made on first use -----------------------------------------------

    # A child that only computes never reads its state: its `.end()` keeps the compat result
    # in `_result` and `_close` hands it over, with no `StateStore` made. The first read of
    # `state` makes the store, holding that result as the engine's would.

    @property
    def state(self) -> StateStore:  # type: ignore[override]  # a slot in `Activation`, made on first use here
        store = self._store
        if type(store) is StateStore:
            return store
        made = StateStore()
        if self._result is not _NO_RESULT:
            made.set_if_missing(RESULT_KEY, self._result)
        if store is _SHUT:
            made.freeze()
        self._store = made
        return made

    def end(self, value: object) -> None:
        """`Activation.end`, kept in the call while the child's state is not made."""
        if self._store is None:  # no state yet: keep the first result (a copy, as stored)
            if self._result is _NO_RESULT:
                self._result = value if type(value) in ATOMIC else copy_value(value)
        else:
            self.state.set_if_missing(RESULT_KEY, value)

    @property
    def execution(self) -> TriggerFlowExecution:  # type: ignore[override]  # a slot in `Activation`, made on first use here
        run = self._run
        if run is None:
            run = self._run = self._make_run()
        return run

    @property
    def host(self) -> Host:  # type: ignore[override]
        """The run hosts its tracked work (in the parent's task group, counted)."""
        return self.execution  # type: ignore[return-value]

    def _make_run(self) -> ChildExecution:
        """What ``child.create_execution(auto_close=False, concurrency=...)`` would hold, lazily."""
        run: ChildExecution = _new(ChildExecution)
        run.flow = self._node.child
        run.plan = self.plan
        run.state = self.state
        run.limiter = self.limiter
        run._child_parent = self._parent
        run._child_work = None
        run._child_args = self._node.concurrency
        run._child_call = self  # until the call ends (`_end`)
        return run

    def enter(self, value: object) -> Any:
        """Capture into the child (live resources by identity, every other value copied);
        the child's input."""
        node = self._node
        concurrency = node.concurrency
        if concurrency is not None:
            if concurrency < 1:
                raise ValueError(f"concurrency must be at least 1, got {concurrency}")
            self.limiter = anyio.Semaphore(concurrency)
        if node.capture is None:  # like capture={"input": "value"}: never shared
            return value if type(value) in ATOMIC else copy_value(value)
        child_input, seed, resources, flow_data = node.gather(self._parent, value)
        if seed:
            self.state.restore(seed)
        if resources or flow_data:
            run = self.execution
            if resources:
                run._own_resources = resources
            for key, item in flow_data.items():
                run.flow_data.set(key, item)
        return child_input

    def leave(self) -> object:
        """After the child's start cascade: the parent's next value, or this call when
        `finish` has more to do (tracked work, a made execution, a write_back)."""
        if self._run is not None or self._node.write_back is not None:
            return self
        return self._close()

    def _close(self) -> object:
        """Freeze the child's state; its compat result, or the whole state when it has none
        (the close snapshot's result, or the snapshot: a copy either way)."""
        if self._store is None:  # the state was never read: it holds the result or nothing
            self._store = _SHUT
            result = self._result  # a copy nothing else holds (a later `state` copies it again)
            return {} if result is _NO_RESULT else result
        result = self.state.freeze_and_get(RESULT_KEY, _NO_RESULT)
        return self.state.snapshot() if result is _NO_RESULT else result

    async def finish(self, value: object, scope: Scope) -> object:
        """`leave` for a call with more to do: wait for the run's tracked work, then close
        an execution made on the way as the engine does, or write back."""
        run, node, act = self._run, self._node, self._parent
        try:
            if run is not None:
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
            if run is not None and run._child_work is not None and run._child_work.stream:
                run.stream.stop()
            if node.write_back is None:
                return self._close()
            self.state.freeze()
            return await node.write(act, value, scope, self.state.snapshot())
        except ExecutionError:
            if act.execution.skip_exceptions:  # a failing step stops its branch quietly
                return MISSING
            raise
        finally:
            self._end()

    async def failed(self, exc: BaseException) -> object:
        """The call failed or was cancelled (in capture or in the child): cancel the run's
        tracked work, then raise what the engine raises (a failing chunk as `SubFlowError`),
        or give `MISSING` under ``skip_exceptions``."""
        run, act = self._run, self._parent
        try:
            if run is not None:
                if isinstance(exc, anyio.get_cancelled_exc_class()):
                    await run._stop("cancelled")
                elif isinstance(exc, Exception):
                    await run._stop("failed")
            if isinstance(exc, ChunkError):
                raise self._node._child_error(act.execution, exc) from exc
            raise exc
        except ExecutionError:
            if act.execution.skip_exceptions:
                return MISSING
            raise
        finally:
            self._end()

    def _end(self) -> None:
        run = self._run
        if run is not None:
            run._child_call = None
