"""`TriggerFlowExecution`: one run of a flow.

An execution owns its state, resources, runtime stream, interrupts and join slots. Work
enters it through activations (`start`, an outside `emit`, a resume, a close); idleness is
a counter of running activations plus an event, so auto-close needs no polling.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import anyio

from ..errors import ChunkError, ExecutionStateError
from .activation import CURRENT, Activation, Host
from .background import run_sync, spawn_background
from .interrupts import Interrupt, InterruptBook
from .markers import MISSING, PAUSED, Marker, Scope
from .state import RESULT_KEY, StateStore, copy_value
from .stream import RuntimeStream, StreamConsumer

if TYPE_CHECKING:
    from ..dsl.flow import TriggerFlow
    from .stores import SnapshotStore
    from ..plan.nodes import PlanNode
    from ..plan.planner import Plan

__all__ = ("ExecutionResult", "TriggerFlowExecution")

T = TypeVar("T")

Status = Literal["created", "running", "waiting", "completed", "failed", "cancelled"]


class TriggerFlowExecution:
    """One run of a flow: create with `flow.create_execution(...)`, then `async_start`."""

    # Slots, not a __dict__: with more than 29 attributes CPython 3.11 gives up key-sharing
    # dicts, and the dict alone cost 1.6 KB per execution (bench/executions.py).
    __slots__ = (
        "__weakref__", "_active", "_cancel_scopes", "_changed", "_concurrency", "_detached_errors",
        "_own_resources", "_queued", "_snapshot", "_start_error", "_tracked", "auto_close", "auto_close_timeout",
        "bridge", "close_reason", "closed_at", "collections", "created_at", "flow", "flow_data", "hidden",
        "id", "interrupts", "joins", "lifecycle", "limiter", "plan", "result", "run_id", "skip_exceptions",
        "started", "started_at", "state", "status", "stream",
    )  # fmt: skip

    def __init__(
        self,
        flow: TriggerFlow[Any],
        plan: Plan,
        *,
        concurrency: int | None = None,
        runtime_resources: Mapping[str, object] | None = None,
        auto_close: bool = True,
        auto_close_timeout: float = 0.0,
        skip_exceptions: bool | None = None,
        hidden: bool = False,
        execution_id: str | None = None,
    ) -> None:
        # 128 random bits in hex, like uuid.uuid4().hex at a fraction of the cost (bench/).
        self.id = execution_id or os.urandom(16).hex()
        self.run_id = os.urandom(16).hex()
        self.flow = flow
        self.plan = plan
        self.state = StateStore()
        self.stream = RuntimeStream()
        self.flow_data = flow._flow_data
        self._own_resources: dict[str, object] = dict(runtime_resources or {})
        self.limiter: anyio.Semaphore | None = None
        self._concurrency = concurrency
        if concurrency is not None:
            if concurrency < 1:
                raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        self.auto_close = auto_close
        self.auto_close_timeout = auto_close_timeout
        self.skip_exceptions = flow.skip_exceptions if skip_exceptions is None else skip_exceptions
        self.hidden = hidden
        self.status: Status = "created"
        self.lifecycle: Literal["open", "sealed", "closed"] = "open"
        self.started = False
        self.joins: dict[tuple[int, Scope], dict[tuple[str, str], object]] = {}
        self.collections: dict[str, dict[str, object]] = {}
        self.interrupts = InterruptBook(self)
        self._active = 0
        self._tracked = 0
        """Tracked work running in a borrowed task group (see `enter`)."""
        self._changed: anyio.Event | None = None
        self._queued: list[tuple[Callable[..., Awaitable[object]], tuple[object, ...]]] = []
        self._detached_errors: list[BaseException] = []
        self._snapshot: dict[str, object] | None = None
        self._start_error: BaseException | None = None
        self._cancel_scopes: set[anyio.CancelScope] = set()
        self.created_at = time.time()
        self.started_at: float | None = None
        self.closed_at: float | None = None
        self.close_reason: str | None = None
        self.result = ExecutionResult(self)
        self.bridge: Callable[[object], object] | None = None
        """Where a sub-flow's execution forwards its stream items (the parent's stream)."""

    # -- lifecycle ----------------------------------------------------------------------

    def get_status(self) -> str:
        return self.status

    def get_lifecycle_state(self) -> str:
        return self.lifecycle

    def is_open(self) -> bool:
        return self.lifecycle == "open"

    def is_sealed(self) -> bool:
        return self.lifecycle == "sealed"

    def is_closed(self) -> bool:
        return self.lifecycle == "closed"

    def set_concurrency(self, concurrency: int | None) -> None:
        if self._active:
            raise ExecutionStateError("set_concurrency() while the execution is running")
        self._concurrency = concurrency
        self.limiter = None

    def _ensure_limiter(self) -> None:
        # A fresh semaphore whenever the execution was idle: nobody holds a permit then, and
        # the old one may belong to another event loop (the sync facades run their own).
        if self._concurrency is not None and (self.limiter is None or not self._active):
            self.limiter = anyio.Semaphore(self._concurrency)

    # -- activations --------------------------------------------------------------------

    async def enter(self, work: Callable[[Activation], Awaitable[T]], *, fail: bool = True) -> T:
        """Run *work* as one activation; tracked work it starts settles before this returns.

        With ``fail=False`` an error is raised without failing the execution (a resume with a
        ``resume_request_id`` rolls back instead, so that the request can be retried).

        A sub-flow's execution entered from its parent's activation borrows the parent's task
        group for its tracked work instead of opening its own (an empty task group costs
        ~7 µs, most of a child run's overhead; bench/sub_flow.py).
        """
        self._ensure_limiter()
        if self.bridge is not None:
            parent = CURRENT.get()
            # Entered from the parent's activation (not from inside this run): borrow its group.
            if parent is not None and parent.execution is not self and self._inside() is None:
                return await self._enter_borrowed(work, parent.host, fail)
        self._active += 1
        error: BaseException | None = None
        result: Any = None
        try:
            async with anyio.create_task_group() as tg:
                self._cancel_scopes.add(tg.cancel_scope)
                act = Activation(self, tg)
                token = CURRENT.set(act)
                try:
                    queued, self._queued = self._queued, []
                    for fn, args in queued:
                        act.spawn(fn, *args)
                    result = await work(act)
                except Exception as exc:
                    error = exc
                    tg.cancel_scope.cancel()
                finally:
                    CURRENT.reset(token)
        except BaseException as exc:
            self._on_cancelled(exc)
            raise
        finally:
            self._cancel_scopes.discard(tg.cancel_scope)
            self._active -= 1
            self._notify()
        if error is not None:
            if fail:
                self._fail(error)
            raise error
        return result  # type: ignore[no-any-return]

    async def _enter_borrowed(self, work: Callable[[Activation], Awaitable[T]], host: Host, fail: bool) -> T:
        """`enter` for a sub-flow's execution: *work* runs inline, tracked work in *host*.

        Tracked work is counted (`_tracked`) and gets its own cancel scope, so that this
        returns only once it has settled, an error or a cancellation cancels it, and
        `close(timeout=...)` can cancel it, as with a task group of our own.
        """
        self._active += 1
        error: BaseException | None = None
        result: Any = None
        try:
            act = Activation(self, _BorrowedHost(self, host))
            token = CURRENT.set(act)
            try:
                queued, self._queued = self._queued, []
                for fn, args in queued:
                    act.spawn(fn, *args)
                result = await work(act)
            except Exception as exc:
                error = exc
            finally:
                CURRENT.reset(token)
            if self._tracked:
                await self._settle_tracked(cancel=error is not None)
        except BaseException as exc:
            self._on_cancelled(exc)
            raise
        finally:
            self._active -= 1
            self._notify()
        if error is not None:
            if fail:
                self._fail(error)
            raise error
        return result  # type: ignore[no-any-return]

    async def _settle_tracked(self, *, cancel: bool) -> None:
        """Wait for the tracked work in a borrowed task group (cancelling it first if asked)."""
        if cancel:
            self._cancel_tracked()
        try:
            while self._tracked:
                await self._wait_change()
        except anyio.get_cancelled_exc_class():
            self._cancel_tracked()
            with anyio.CancelScope(shield=True):
                while self._tracked:
                    await self._wait_change()
            raise

    def _cancel_tracked(self) -> None:
        for scope in list(self._cancel_scopes):
            scope.cancel()

    def _on_cancelled(self, exc: BaseException) -> None:
        """An activation was cancelled from outside: the execution is cancelled."""
        if isinstance(exc, anyio.get_cancelled_exc_class()):
            if self.status not in ("completed", "failed"):
                self.status = "cancelled"
            self.stream.stop()

    async def run_borrowed(self, fn: Callable[..., Awaitable[object]], args: tuple[object, ...]) -> None:
        """Tracked work in a borrowed task group: counted, and cancellable on its own."""
        try:
            with anyio.CancelScope() as scope:
                self._cancel_scopes.add(scope)
                try:
                    await self.run_tracked(fn, *args)
                finally:
                    self._cancel_scopes.discard(scope)
        finally:
            self._tracked -= 1
            self._notify()

    def _fail(self, error: BaseException) -> None:
        self.status = "failed"
        self.stream.stop()

    async def run_tracked(self, fn: Callable[..., Awaitable[object]], *args: object) -> None:
        """Tracked work: its error is kept and raised by `close()`."""
        try:
            await fn(*args)
        except Exception as exc:
            self._detached_errors.append(exc)
            self._fail(exc)

    def _notify(self) -> None:
        changed = self._changed
        if changed is not None:
            self._changed = None
            changed.set()

    async def _wait_change(self) -> None:
        if self._changed is None:
            self._changed = anyio.Event()
        await self._changed.wait()

    def is_idle(self) -> bool:
        return self._active == 0 and not self.interrupts.pending()

    async def wait_idle(self, linger: float = 0.0) -> None:
        """Wait until no activation runs and no interrupt waits (for *linger* seconds)."""
        while True:
            while not self.is_idle():
                await self._wait_change()
            if linger <= 0:
                return
            with anyio.move_on_after(linger):
                await self._wait_change()
                continue
            if self.is_idle():
                return

    # -- start --------------------------------------------------------------------------

    async def async_start(self, initial: object = None, *, timeout: float | None = None) -> Any:
        """Dispatch START with *initial*.

        With ``auto_close=True`` (the default) this waits until the execution is idle, closes
        it and returns the close snapshot. With ``auto_close=False`` it returns the execution
        once the cascade from START (and the work it detached) has finished.

        Raises:
            ChunkError: A chunk failed; the execution's status is ``failed``.
        """
        if not self.started:
            if self.lifecycle != "open":
                raise ExecutionStateError(f"execution {self.id} is {self.lifecycle}; it cannot start")
            self.started = True
            self.status = "running"
            self.started_at = time.time()
            try:
                await self.enter(lambda act: act.start(initial))
            except Exception as exc:  # not cancellation: stream consumers just end then
                self._start_error = exc
                raise
            self._settle_status()
        if not self.auto_close:
            return self
        await self.wait_idle(self.auto_close_timeout if timeout is None else timeout)
        return await self.async_close(reason="auto")

    def start(self, initial: object = None, *, timeout: float | None = None) -> Any:
        """Sync wrapper of `async_start` (runs its own event loop)."""
        return run_sync(self.async_start, initial, timeout=timeout)

    def _settle_status(self) -> None:
        if self.status in ("running", "waiting"):
            self.status = "waiting" if self.interrupts.pending() else "running"

    # -- emitting -----------------------------------------------------------------------

    def _can_receive(self, what: str) -> bool:
        if self.lifecycle != "open":
            warnings.warn(
                f"{what} ignored: execution {self.id} is {self.lifecycle}", RuntimeWarning, stacklevel=3
            )
            return False
        return True

    async def async_emit(self, event: str, value: object = None) -> None:
        """Dispatch *event* from outside; returns after every handler's cascade finished."""
        if not self._can_receive(f'emit("{event}")'):
            return
        await self.enter(lambda act: act.emit_event(event, value, (), "runtime"))
        self._settle_status()

    def _inside(self) -> Activation | None:
        """The activation of this execution the caller runs in, or None when called from
        outside it (then sync facades queue their work or run an event loop)."""
        act = CURRENT.get()
        if act is not None and act.execution is self:
            return act
        return None

    def emit(self, event: str, value: object = None) -> None:
        """Dispatch *event*: inline outside an event loop, as tracked work inside one."""
        if not self._can_receive(f'emit("{event}")'):
            return
        act = self._inside()
        if act is not None:
            act.spawn(act.emit_event, event, value, (), "runtime")
        elif _loop_running():
            self._queued.append((self._emit_queued, (event, value)))
        else:
            run_sync(self.async_emit, event, value)

    def emit_nowait(self, event: str, value: object = None) -> None:
        """Schedule *event* as tracked work; `close()` (or the next activation) runs it."""
        if not self._can_receive(f'emit_nowait("{event}")'):
            return
        act = self._inside()
        if act is not None:
            act.spawn(act.emit_event, event, value, (), "runtime")
        else:
            self._queued.append((self._emit_queued, (event, value)))

    async def async_emit_nowait(self, event: str, value: object = None) -> None:
        self.emit_nowait(event, value)

    async def _emit_queued(self, event: str, value: object) -> None:
        act = CURRENT.get()
        assert act is not None
        await act.emit_event(event, value, (), "runtime")

    # -- state --------------------------------------------------------------------------

    def store_state(self, op: str, key: str, value: object) -> object:
        """Apply one state write; the new value (a copy), or MISSING if nothing changed."""
        state = self.state
        if op == "set":
            return state.set(key, value)
        if op == "append":
            return state.append(key, value)
        if not state.delete(key):
            return MISSING
        return None

    def store_flow_data(self, op: str, key: str, value: object) -> object:
        data = self.flow_data
        if op == "set":
            return data.set(key, value)
        if op == "append":
            return data.append(key, value)
        if not data.delete(key):
            return MISSING
        return None

    def get_state(self, key: str | None = None, default: object = None) -> Any:
        return self.state.get(key, default)

    async def async_set_state(self, key: str, value: object, *, emit: bool = True) -> None:
        """Write state from outside; `when({"runtime_data": key})` branches run inline."""
        await self.enter(lambda act: act.async_write_state("set", key, value, emit, ()))
        self._settle_status()

    async def async_append_state(self, key: str, value: object, *, emit: bool = True) -> None:
        await self.enter(lambda act: act.async_write_state("append", key, value, emit, ()))

    async def async_del_state(self, key: str, *, emit: bool = True) -> None:
        await self.enter(lambda act: act.async_write_state("delete", key, None, emit, ()))

    def set_state(self, key: str, value: object, *, emit: bool = True) -> None:
        act = self._inside()
        if act is not None:
            act.write_state("set", key, value, emit, (), inline=False)
        elif _loop_running():
            new = self.store_state("set", key, value)
            entries = self.plan.state_keys.get(key) if emit else None
            if entries:
                from .markers import Trigger

                self._queued.append((_dispatch_queued, (entries, new, Trigger(key, "runtime_data", "runtime_data"))))
        else:
            run_sync(self.async_set_state, key, value, emit=emit)

    def set_result(self, value: object) -> None:
        if RESULT_KEY in self.state:
            warnings.warn(
                "set_result() overwrites the compat result written earlier", RuntimeWarning, stacklevel=3
            )
        self.state.set(RESULT_KEY, value)

    # -- resources ----------------------------------------------------------------------

    @property
    def resources(self) -> Mapping[str, object]:
        """Execution-level resources over the flow's (a live view)."""
        flow_resources = self.flow._resources
        if not flow_resources:
            return self._own_resources
        if not self._own_resources:
            return flow_resources
        return {**flow_resources, **self._own_resources}

    def get_runtime_resource(self, key: str, default: object = None) -> Any:
        return self.resources.get(key, default)

    def set_runtime_resource(self, key: str, value: object) -> None:
        self._own_resources[key] = value

    def del_runtime_resource(self, key: str) -> None:
        self._own_resources.pop(key, None)

    def update_runtime_resources(self, mapping: Mapping[str, object] | None = None, **kwargs: object) -> None:
        self._own_resources.update(mapping or {}, **kwargs)

    # -- stream -------------------------------------------------------------------------

    def put_into_stream(self, item: object, *, stacklevel: int = 2) -> bool:
        """Put *item* on the runtime stream (and on the parent's, for a sub-flow's execution)."""
        put = self.stream.put(item, stacklevel=stacklevel + 1)
        if put and self.bridge is not None:
            self.bridge(item)
        return put

    async def async_put_into_stream(self, item: object) -> None:
        self.put_into_stream(item, stacklevel=3)

    def stop_stream(self) -> None:
        self.stream.stop()

    async def async_stop_stream(self) -> None:
        self.stream.stop()

    def get_async_runtime_stream(self, initial: object = None, *, timeout: float | None = 10.0) -> StreamConsumer:
        """Iterate the runtime stream from its first item.

        If the execution has not started yet it is started with *initial* in the background.
        Iteration ends when the stream stops (close stops it), or quietly with a warning
        after *timeout* seconds without a new item.
        """
        if not self.started:
            spawn_background(self._background_start, initial)
        return self.stream.consume(timeout=timeout, error_source=self._stream_error)

    async def _background_start(self, initial: object) -> None:
        try:
            await self.async_start(initial)
        except Exception:
            self.stream.stop()

    def _stream_error(self) -> BaseException | None:
        return self._start_error

    def get_runtime_stream(self, initial: object = None, *, timeout: float | None = 10.0) -> Iterator[object]:
        """A sync generator over the runtime stream; drives the execution on a worker thread."""
        from .sync_stream import iterate_in_thread

        return iterate_in_thread(self, initial, timeout)

    # -- closing ------------------------------------------------------------------------

    async def async_close(
        self,
        *,
        reason: str = "manual",
        timeout: float | None = None,
        pending_interrupts: Literal["error", "cancel"] = "error",
    ) -> dict[str, Any]:
        """Seal, drain tracked work, freeze state, stop the stream; return the close snapshot.

        Raises:
            ExecutionStateError: An interrupt is waiting and ``pending_interrupts="error"``.
            Exception: The first error of tracked (``emit_nowait``) work; the execution stays
                open so a second `close()` completes.
        """
        if self._snapshot is not None:
            return copy_value(self._snapshot)  # type: ignore[return-value]
        pending = self.interrupts.pending()
        if pending:
            if pending_interrupts == "error":
                ids = ", ".join(pending)
                raise ExecutionStateError(
                    f"execution {self.id} has waiting interrupts ({ids}); resume them with "
                    'continue_with(...), or close(pending_interrupts="cancel")'
                )
            self.interrupts.cancel_all()
            self.status = "cancelled"
        self.lifecycle = "sealed"
        if self._queued:
            # Queued outside work counts against the timeout too (B6).
            deadline = None if timeout is None else anyio.current_time() + timeout
            with anyio.move_on_after(timeout):
                await self.enter(_noop)
            if deadline is not None:
                timeout = max(0.0, deadline - anyio.current_time())
        if self._active:
            if timeout is None:
                while self._active:
                    await self._wait_change()
            else:
                with anyio.move_on_after(timeout):
                    while self._active:
                        await self._wait_change()
                if self._active:
                    for scope in list(self._cancel_scopes):
                        scope.cancel()
                    with anyio.CancelScope(shield=True):
                        while self._active:
                            await self._wait_change()
                    self.status = "cancelled"
        if self._detached_errors:
            error = self._detached_errors.pop(0)
            self._detached_errors.clear()
            self.lifecycle = "open"
            raise error
        if self.status in ("created", "running", "waiting"):
            self.status = "completed"
        self._snapshot = self.state.snapshot()
        self.state.freeze()
        self.stream.stop()
        self.lifecycle = "closed"
        self.closed_at = time.time()
        self.close_reason = reason
        self._notify()
        return copy_value(self._snapshot)  # type: ignore[return-value]

    def close(
        self,
        *,
        reason: str = "manual",
        timeout: float | None = None,
        pending_interrupts: Literal["error", "cancel"] = "error",
    ) -> dict[str, Any]:
        return run_sync(self.async_close, reason=reason, timeout=timeout, pending_interrupts=pending_interrupts)

    # -- errors and joins (called by plan nodes) ----------------------------------------

    def fail_step(self, step: PlanNode, exc: Exception, *, what: str | None = None) -> Marker:
        """Turn a handler's exception into a `ChunkError` (or drop it with skip_exceptions)."""
        if self.skip_exceptions:
            return MISSING
        where = str(step.loc)
        label = what or step.describe()
        error = ChunkError(
            f'{label} failed at {where} (flow "{self.plan.flow_name}"): {type(exc).__name__}: {exc}',
            flow_name=self.plan.flow_name,
            chunk=getattr(step, "chunk", None),
            where=where,
        )
        raise error from exc

    def incomplete_join(
        self, block: PlanNode, scope: Scope, results: list[object], labels: Sequence[object] | None
    ) -> object:
        """A fan-out finished with some branch stopped or paused."""
        if any(r is PAUSED for r in results):
            return self.interrupts.hold_join(block, scope, results, labels)
        return MISSING

    def fill_collection(self, name: str, branch_id: str, value: object) -> object:
        spec = self.plan.collections[name]
        slots = self.collections.setdefault(name, {})
        slots[branch_id] = value
        if len(slots) < len(spec.branch_ids):
            return MISSING
        out = {b: slots[b] for b in spec.branch_ids}
        if spec.mode == "filled_then_empty":
            del self.collections[name]
        return out

    def resolve_event_interrupts(self, name: str) -> None:
        self.interrupts.resolve_event(name)

    # -- interrupts (see interrupts.py) -------------------------------------------------

    async def async_continue_with(
        self, interrupt_id: str, payload: object = None, *, resume_request_id: str | None = None
    ) -> Interrupt | None:
        """Resume a waiting interrupt with *payload*; returns after the resumed cascade.

        ``resume_to="next"`` hands the payload to the next step, ``"self"`` re-runs the paused
        chunk with its original input (the payload in ``data.resume.value``), ``{"event": E}``
        dispatches it as event ``E``. Calling again with the same *resume_request_id* (and
        payload) returns the same record and runs nothing twice.

        Raises:
            UnknownInterruptError: No interrupt has that id (the message lists waiting ones).
            ExecutionStateError: The interrupt is not waiting, or ``max_resumes`` is reached.
        """
        if self.lifecycle == "closed":
            warnings.warn(f"continue_with ignored: execution {self.id} is closed", RuntimeWarning, stacklevel=2)
            return None
        book = self.interrupts
        if resume_request_id is not None:
            await book.wait_for_request(resume_request_id)
        repeat = book.check_resume(interrupt_id, payload, resume_request_id)
        if repeat is not None:
            return repeat
        record = book.records[interrupt_id]
        record.status = "resumed"
        record.resume_value = copy_value(payload)
        record.resumed_at = time.time()
        record.resumes += 1
        self.status = "running"
        try:
            book._notice("resume", record, value=payload)
            await self.enter(lambda act: book.resume(act, record, payload), fail=resume_request_id is None)
        except Exception:
            if resume_request_id is not None:
                record.status = "waiting"
                record.resumes -= 1
                record.resumed_at = None
                self.status = "waiting"
            raise
        else:
            if resume_request_id is not None:
                book.requests[resume_request_id] = (interrupt_id, copy_value(payload))
        finally:
            book.end_request(resume_request_id)  # a duplicate waiting on this request goes on
        self._settle_status()
        return record

    def continue_with(
        self, interrupt_id: str, payload: object = None, *, resume_request_id: str | None = None
    ) -> Interrupt | None:
        """Sync wrapper of `async_continue_with`."""
        return run_sync(self.async_continue_with, interrupt_id, payload, resume_request_id=resume_request_id)

    # -- save and load (see snapshot.py) ------------------------------------------------

    def save(self) -> dict[str, Any]:
        """A JSON-compatible document of this execution, enough to resume it elsewhere.

        Raises:
            SnapshotError: Some state or interrupt value is not JSON-compatible (the message
                names where), or the execution is running.
        """
        from .snapshot import save_execution

        return save_execution(self)

    def load(self, document: Mapping[str, Any] | str, *, runtime_resources: Mapping[str, object] | None = None) -> TriggerFlowExecution:
        """Restore a saved document into this fresh execution; nothing runs.

        Raises:
            SnapshotError: The document is malformed, from another flow or format version; the
                message says what and where. This execution is left untouched.
            ResourceError: A resource the flow declares as required is missing.
        """
        from .snapshot import load_execution

        load_execution(self, document, runtime_resources)
        return self

    async def async_load(
        self, document: Mapping[str, Any] | str, *, runtime_resources: Mapping[str, object] | None = None
    ) -> TriggerFlowExecution:
        return self.load(document, runtime_resources=runtime_resources)

    def save_to(self, store: SnapshotStore) -> dict[str, Any]:
        """Save this execution into *store* under its id; returns the document."""
        document = self.save()
        store.save(self.id, document)
        return document

    def get_pending_interrupts(self) -> dict[str, Interrupt]:
        return self.interrupts.pending()

    def get_interrupt(self, interrupt_id: str) -> Interrupt | None:
        return self.interrupts.get(interrupt_id)

    def __repr__(self) -> str:
        return f"<TriggerFlowExecution {self.id[:8]} flow={self.plan.flow_name!r} status={self.status}>"


class _BorrowedHost:
    """The task group of a parent's activation, lent to a sub-flow's execution."""

    __slots__ = ("execution", "host")

    def __init__(self, execution: TriggerFlowExecution, host: Host) -> None:
        self.execution = execution
        self.host = host

    def start_soon(self, fn: Callable[..., Coroutine[Any, Any, Any]], /, *args: Any) -> None:
        execution = self.execution
        execution._tracked += 1
        self.host.start_soon(execution.run_borrowed, fn, args)


async def _noop(act: Activation) -> None:
    return None


async def _dispatch_queued(entries: Any, value: object, trigger: Any) -> None:
    act = CURRENT.get()
    assert act is not None
    await act.dispatch(entries, value, (), trigger)


def _loop_running() -> bool:
    try:
        import sniffio

        sniffio.current_async_library()
    except Exception:
        return False
    return True


class ExecutionResult:
    """`execution.result`: read state (live, or the snapshot after close) and metadata."""

    def __init__(self, execution: TriggerFlowExecution) -> None:
        self._execution = execution

    def get_state(self, key: str | None = None, default: object = None) -> Any:
        return self._execution.state.get(key, default)

    def get_meta(self) -> dict[str, object]:
        e = self._execution
        return {
            "execution_id": e.id,
            "run_id": e.run_id,
            "flow_name": e.plan.flow_name,
            "status": e.status,
            "lifecycle_state": e.lifecycle,
            "created_at": e.created_at,
            "started_at": e.started_at,
            "closed_at": e.closed_at,
            "close_reason": e.close_reason,
            "state_version": e.state.version,
        }

    def get_final_result(self) -> Any:
        """The compat result if one was written, else the state (the snapshot after close)."""
        state = self._execution.state
        if RESULT_KEY in state:
            return state.get(RESULT_KEY)
        return state.snapshot()

    async def async_get_final_result(self, timeout: float | None = None) -> Any:
        e = self._execution
        with anyio.fail_after(timeout):
            while not e.is_closed() and not e.is_idle():
                await e._wait_change()
        return self.get_final_result()

