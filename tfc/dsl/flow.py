"""`TriggerFlow[StateT]`: a flow definition, its chunks, and how executions are made.

A flow records builder calls into its graph (see `graph.py`); it is compiled once, before
its first execution, into a plan (checked by `tfc.checks`, planned by `tfc.plan`), and
compiled again only if its definition changed.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, NoReturn, overload

from typing_extensions import TypeVar

from .. import diagnostics
from ..diagnostics import Code, help_did_you_mean
from ..errors import FlowDefinitionError
from ..ir.nodes import ChunkRef, Condition, FlowIR, Loc, Schemas, Signal
from ..runtime.state import StateStore
from .callsite import call_site
from .chunk import Chunk, describe_callable
from .graph import Anchor, GraphRecorder
from .process import Process

if TYPE_CHECKING:
    from ..plan.planner import Plan
    from ..runtime.stores import SnapshotStore
    from ..runtime.execution import TriggerFlowExecution
    from .data import TriggerFlowRuntimeData

__all__ = ("TriggerFlow",)

S = TypeVar("S", default=Any)
In = TypeVar("In")
Out = TypeVar("Out")

_WHEN_SCOPES = ("event", "runtime_data", "flow_data", "collect", "chunk")


class _ChunkDecorator(Generic[S]):
    """What ``@flow.chunk("name")`` returns: registers the function under that name."""

    def __init__(self, flow: TriggerFlow[S], name: str) -> None:
        self._flow = flow
        self._name = name

    @overload
    def __call__(self, fn: Callable[[TriggerFlowRuntimeData[In, Any]], Coroutine[Any, Any, Out]], /) -> Chunk[In, Out]: ...
    @overload
    def __call__(self, fn: Callable[[TriggerFlowRuntimeData[In, Any]], Out], /) -> Chunk[In, Out]: ...
    def __call__(self, fn: Callable[..., Any], /) -> Chunk[Any, Any]:
        return self._flow._register(self._name, fn, call_site("chunk"))


class TriggerFlow(Generic[S]):
    """A flow definition. Build it with `to`, `when`, `batch`, `for_each`, ...; run it with
    `create_execution()` or `async_start()`.

    Args:
        name: The flow's name (a random one if omitted); sub-flow errors and snapshots use it.
        state: The state schema (a TypedDict or dataclass); types ``data.state`` and lets the
            compiler check state paths.
        input, result, stream, resources: Optional schemas of the flow's contract.
        skip_exceptions: A failing branch stops silently instead of failing the execution.
    """

    def __init__(
        self,
        name: str | None = None,
        *,
        state: type[S] | None = None,
        input: object = None,
        result: object = None,
        stream: object = None,
        resources: object = None,
        skip_exceptions: bool = False,
    ) -> None:
        self.name = name or f"flow_{uuid.uuid4().hex[:8]}"
        self.loc = _creation_site()
        self.schemas = Schemas(state=state, input=input, result=result, stream=stream, resources=resources)
        self.skip_exceptions = skip_exceptions
        self.chunks: dict[str, Chunk[Any, Any]] = {}
        self._graph = GraphRecorder(self.name, self.loc, self._raise_definition_error)
        self._start: Process[S, Any] = Process(self, self._graph.start)
        self._resources: dict[str, object] = {}
        self._flow_data = StateStore()
        self._plan: Plan | None = None
        self._plan_version = -1
        self._lambdas = 0

    def __repr__(self) -> str:
        return f"<TriggerFlow {self.name!r} chunks={list(self.chunks)}>"

    # -- chunks -------------------------------------------------------------------------

    # The async overloads say `Coroutine`, not `Awaitable`: when a handler's signature holds
    # an Any (`TriggerFlowRuntimeData[str]` defaults its state to Any), mypy keeps the first
    # matching overload only if every match infers the same parameter type, else it types the
    # call as Any. (A sync function returning an awaitable is typed by what it returns.)
    @overload
    def chunk(self, fn: Callable[[TriggerFlowRuntimeData[In, Any]], Coroutine[Any, Any, Out]], /) -> Chunk[In, Out]: ...
    @overload
    def chunk(self, fn: Callable[[TriggerFlowRuntimeData[In, Any]], Out], /) -> Chunk[In, Out]: ...
    @overload
    def chunk(self, name: str, /) -> _ChunkDecorator[S]: ...
    def chunk(self, fn_or_name: Any, /) -> Any:
        """Register a handler as a chunk: ``@flow.chunk`` or ``@flow.chunk("name")``."""
        loc = call_site("chunk")
        if isinstance(fn_or_name, str):
            return _ChunkDecorator(self, fn_or_name)
        if not callable(fn_or_name):
            self._definition_error(
                "NOT_CALLABLE", f"@flow.chunk got {type(fn_or_name).__name__}, not a function", loc, None
            )
        return self._register(fn_or_name.__name__, fn_or_name, loc)

    def _register(self, name: str, fn: object, loc: Loc) -> Chunk[Any, Any]:
        if not callable(fn):
            self._definition_error("NOT_CALLABLE", f'chunk "{name}" is {type(fn).__name__}, not a function', loc, None)
        existing = self.chunks.get(name)
        if existing is not None:
            if existing.fn is fn or getattr(fn, "fn", None) is existing.fn:
                return existing
            self._definition_error(
                "DUPLICATE_CHUNK_NAME",
                f'chunk name "{name}" is already bound to {existing.ref.handler}; '
                f"cannot bind it to {describe_callable(fn)} too",
                loc,
                f'give this one its own name, e.g. ("{name}_2", fn)',
            )
        chunk: Chunk[Any, Any] = Chunk(name, fn)
        self.chunks[name] = chunk
        self._graph.version += 1
        return chunk

    def _resolve_chunk(self, step: Any, name: str | None, loc: Loc) -> Chunk[Any, Any]:
        if isinstance(step, Chunk):
            if name is not None and name != step.name:
                return self._register(name, step.fn, loc)
            return self._register(step.name, step.fn, loc)
        if isinstance(step, str):
            found = self.chunks.get(step)
            if found is None:
                self._definition_error(
                    "UNKNOWN_CHUNK",
                    f'unknown chunk "{step}" in flow "{self.name}"',
                    loc,
                    help_did_you_mean(step, self.chunks) or "declare it with @flow.chunk first",
                )
            return found
        if isinstance(step, tuple) and len(step) == 2 and isinstance(step[0], str):
            return self._register(step[0], step[1], loc)
        if callable(step):
            if name is None:
                name = getattr(step, "__name__", None)
                if name is None or name == "<lambda>":
                    self._lambdas += 1
                    name = f"<lambda#{self._lambdas}>"
            return self._register(name, step, loc)
        self._definition_error(
            "NOT_CALLABLE",
            f"a step must be a chunk, a function, a chunk name or a (name, function) tuple; got {type(step).__name__}",
            loc,
            None,
        )

    def _condition(self, condition: object) -> Condition:
        if callable(condition):
            return Condition("callable", describe_callable(condition), fn=condition)
        return Condition("literal", repr(condition), value=condition)

    @staticmethod
    def _else() -> Condition:
        return Condition("else", "else")

    # -- errors -------------------------------------------------------------------------

    def _raise_definition_error(self, code: Code, message: str, loc: Loc, help: str | None) -> NoReturn:
        raise FlowDefinitionError(message, code=code, where=str(loc), help=help)

    def _definition_error(self, code_name: str, message: str, loc: Loc, help: str | None) -> NoReturn:
        code = getattr(diagnostics, code_name)
        self._raise_definition_error(code, message, loc, help)

    def _check_concurrency(self, concurrency: int | None, what: str, loc: Loc) -> None:
        if concurrency is not None and (not isinstance(concurrency, int) or concurrency < 1):
            self._definition_error(
                "INVALID_ARGUMENT", f"{what}(concurrency={concurrency!r}): use a positive int or None", loc, None
            )

    # -- the START process's builder methods --------------------------------------------

    @property
    def start_process(self) -> Process[S, Any]:
        """The handle on START: `flow.to(...)` is `flow.start_process.to(...)`."""
        return self._start

    @overload
    def to(self, step: Chunk[Any, Out], /, *, name: str | None = None) -> Process[S, Out]: ...
    @overload
    def to(
        self, step: Callable[[TriggerFlowRuntimeData[Any, Any]], Coroutine[Any, Any, Out]], /, *, name: str | None = None
    ) -> Process[S, Out]: ...
    @overload
    def to(self, step: Callable[[TriggerFlowRuntimeData[Any, Any]], Out], /, *, name: str | None = None) -> Process[S, Out]: ...
    @overload
    def to(self, step: str | tuple[str, Callable[..., Any]], /, *, name: str | None = None) -> Process[S, Any]: ...
    @overload
    def to(self, step: TriggerFlow[Any], /, *, name: str | None = None) -> Process[S, Any]: ...
    def to(self, step: Any, /, *, name: str | None = None) -> Process[S, Any]:
        """Run *step* on the start input (see `Process.to`)."""
        return self._start.to(step, name=name)

    def batch(self, *steps: Any, concurrency: int | None = None, side_branch: bool = False) -> Process[S, Any]:
        """Run every step on the start input concurrently (see `Process.batch`)."""
        return self._start.batch(*steps, concurrency=concurrency, side_branch=side_branch)

    def for_each(self, *, concurrency: int | None = None) -> Process[S, Any]:
        """Run the following steps once per item of the start input (see `Process.for_each`)."""
        return self._start.for_each(concurrency=concurrency)

    def if_condition(self, condition: object, /) -> Process[S, Any]:
        return self._start.if_condition(condition)

    def match(self, mode: Literal["hit_first", "hit_all"] = "hit_first") -> Process[S, Any]:
        return self._start.match(mode)

    def side_branch(self, step: Any, /, *, name: str | None = None) -> Process[S, Any]:
        return self._start.side_branch(step, name=name)

    def to_sub_flow(
        self,
        child: TriggerFlow[Any],
        /,
        *,
        capture: Mapping[str, Any] | None = None,
        write_back: Mapping[str, Any] | None = None,
        name: str | None = None,
        concurrency: int | None = None,
        side_branch: bool = False,
    ) -> Process[S, Any]:
        return self._start.to_sub_flow(
            child, capture=capture, write_back=write_back, name=name, concurrency=concurrency, side_branch=side_branch
        )

    def end(self) -> Process[S, Any]:
        return self._start.end()

    def collect(
        self,
        name: str,
        branch_id: str | None = None,
        mode: Literal["filled_and_update", "filled_then_empty"] = "filled_and_update",
    ) -> Process[S, dict[str, Any]]:
        return self._start.collect(name, branch_id, mode)

    def when(self, trigger: Any, /, *, mode: Literal["and", "or", "simple_or"] = "and") -> Process[S, Any]:
        """Start a chain rooted at signals instead of START.

        *trigger* is an event name (a chunk's name listens to that chunk's results), a
        chunk, ``{"runtime_data": key}`` (every write of that state key),
        ``{"flow_data": key}``, ``{"event": name}``, ``{"collect": name}``, or a list / a
        dict of lists for several signals, combined by *mode*: ``"and"`` fires once every
        signal arrived (value ``{type: {name: value}}``), ``"or"`` fires per signal with
        ``(type, name, value)``, ``"simple_or"`` with the bare value.
        """
        loc = call_site("when")
        if mode not in ("and", "or", "simple_or"):
            self._definition_error(
                "MALFORMED_WHEN",
                f'when(..., mode={mode!r}): the mode is "and", "or" or "simple_or"',
                loc,
                help_did_you_mean(str(mode), ("and", "or", "simple_or")),
            )
        signals = tuple(self._signals(trigger, loc))
        if not signals:
            self._definition_error("MALFORMED_WHEN", "when() needs at least one signal", loc, None)
        root = self._graph.add_root(signals, mode, loc)
        return Process(self, root)

    def _signals(self, trigger: Any, loc: Loc) -> Iterator[Signal]:
        if isinstance(trigger, str):
            yield Signal("event", trigger)
        elif isinstance(trigger, Chunk):
            yield Signal("chunk", trigger.name)
        elif isinstance(trigger, Mapping):
            for scope, names in trigger.items():
                if scope not in _WHEN_SCOPES:
                    self._definition_error(
                        "MALFORMED_WHEN",
                        f'when({{"{scope}": ...}}): unknown signal type "{scope}"',
                        loc,
                        help_did_you_mean(str(scope), _WHEN_SCOPES[:4]) or 'use "event", "runtime_data", "flow_data" or "collect"',
                    )
                for name in [names] if isinstance(names, (str, Chunk)) or not isinstance(names, Iterable) else list(names):
                    if isinstance(name, Chunk):
                        yield Signal("chunk", name.name)
                    elif isinstance(name, str):
                        yield Signal(scope, name)
                    else:
                        self._definition_error(
                            "MALFORMED_WHEN", f'when({{"{scope}": {name!r}}}): names are strings', loc, None
                        )
        elif isinstance(trigger, (list, tuple)):
            for item in trigger:
                yield from self._signals(item, loc)
        elif callable(trigger):
            self._definition_error(
                "MALFORMED_WHEN",
                f"when() got the plain function {describe_callable(trigger)}; it listens to chunks, not functions",
                loc,
                "pass the chunk returned by @flow.chunk, or the chunk's name",
            )
        else:
            self._definition_error(
                "MALFORMED_WHEN", f"when() got {type(trigger).__name__}; use an event name, a chunk or a dict", loc, None
            )

    # -- sub-flows ----------------------------------------------------------------------

    def _attach_sub_flow(
        self,
        anchor: Anchor,
        child: TriggerFlow[Any],
        capture: Mapping[str, Any] | None,
        write_back: Mapping[str, Any] | None,
        name: str | None,
        concurrency: int | None,
        side_branch: bool,
        loc: Loc,
    ) -> Any:
        from .paths import PathError, parse_capture, parse_write_back

        if not isinstance(child, TriggerFlow):  # untyped callers
            self._definition_error(
                "INVALID_ARGUMENT", f"to_sub_flow() needs a TriggerFlow, got {type(child).__name__}", loc, None
            )
        self._check_concurrency(concurrency, "to_sub_flow", loc)
        try:
            cap = parse_capture(capture)[1] if capture is not None else None
            wb = parse_write_back(write_back)[1] if write_back is not None else None
        except PathError as exc:
            problem = exc.problem
            code = "DUPLICATE_WRITE_BACK_TARGET" if problem.kind == "duplicate" else "MALFORMED_PATH"
            self._definition_error(code, problem.message, loc, problem.help)
        return self._graph.sub_flow(
            anchor,
            name or child.name,
            loc,
            capture=cap,
            write_back=wb,
            concurrency=concurrency,
            side=side_branch,
            flow=_SubFlowSpec(child, capture, write_back),
        )

    # -- compiling ----------------------------------------------------------------------

    def ir(self) -> FlowIR:
        """The flow's IR (see `tfc.ir`)."""
        names = tuple(
            (role, getattr(value, "__name__", repr(value)))
            for role, value in (
                ("state", self.schemas.state),
                ("input", self.schemas.input),
                ("result", self.schemas.result),
                ("stream", self.schemas.stream),
                ("resources", self.schemas.resources),
            )
            if value is not None
        )
        refs: tuple[ChunkRef, ...] = tuple(c.ref for c in self.chunks.values())
        return self._graph.freeze(refs, self.schemas, names)

    def compile(self) -> Plan:
        """Check the flow and build its plan (cached until the definition changes).

        Raises:
            FlowDefinitionError: Carrying every error-severity diagnostic; its message renders
                them in the full format. Warnings are issued with `warnings.warn`.
        """
        if self._plan is not None and self._plan_version == self._graph.version:
            return self._plan
        from ..compile import compile_flow

        plan = compile_flow(self)
        self._plan = plan
        self._plan_version = self._graph.version
        return plan

    # -- executions ---------------------------------------------------------------------

    def create_execution(
        self,
        *,
        concurrency: int | None = None,
        runtime_resources: Mapping[str, object] | None = None,
        auto_close: bool = True,
        auto_close_timeout: float = 0.0,
        skip_exceptions: bool | None = None,
        execution_id: str | None = None,
    ) -> TriggerFlowExecution:
        """A new execution of this flow (compiling the flow first if needed).

        Args:
            concurrency: Most chunks running at once in this execution, fan-out included.
            runtime_resources: Execution-level resources, over the flow's.
            auto_close: Close as soon as the execution is idle; `async_start` then returns
                the close snapshot. ``False`` for services that emit into it over time.
            auto_close_timeout: Stay idle this long before auto-closing.
        """
        from ..runtime.execution import TriggerFlowExecution

        return TriggerFlowExecution(
            self,
            self.compile(),
            concurrency=concurrency,
            runtime_resources=runtime_resources,
            auto_close=auto_close,
            auto_close_timeout=auto_close_timeout,
            skip_exceptions=skip_exceptions,
            execution_id=execution_id,
        )

    async def async_start_execution(self, initial: object = None, **options: Any) -> TriggerFlowExecution:
        """Create an execution with ``auto_close=False``, start it, return the handle."""
        execution = self.create_execution(auto_close=False, **options)
        await execution.async_start(initial)
        return execution

    def start_execution(self, initial: object = None, **options: Any) -> TriggerFlowExecution:
        from ..runtime.background import run_sync

        return run_sync(self.async_start_execution, initial, **options)

    def _hidden(self, concurrency: int | None, runtime_resources: Mapping[str, object] | None, auto_close: bool) -> TriggerFlowExecution:
        if not auto_close:
            raise ValueError(
                "flow.async_start()/flow.start() always auto-close; use flow.create_execution(auto_close=False)"
            )
        from ..compile import warn_hidden_start
        from ..runtime.execution import TriggerFlowExecution

        plan = self.compile()
        warn_hidden_start(self, self._graph.version)
        return TriggerFlowExecution(
            self, plan, concurrency=concurrency, runtime_resources=runtime_resources, hidden=True
        )

    async def async_start(
        self,
        initial: object = None,
        *,
        timeout: float | None = None,
        concurrency: int | None = None,
        runtime_resources: Mapping[str, object] | None = None,
        auto_close: bool = True,
    ) -> Any:
        """Run the flow in a hidden execution and return its close snapshot.

        A flow that pauses cannot run this way (there is no handle to resume it with).
        """
        execution = self._hidden(concurrency, runtime_resources, auto_close)
        return await execution.async_start(initial, timeout=timeout)

    def start(
        self,
        initial: object = None,
        *,
        timeout: float | None = None,
        concurrency: int | None = None,
        runtime_resources: Mapping[str, object] | None = None,
        auto_close: bool = True,
    ) -> Any:
        """Sync wrapper of `async_start`."""
        from ..runtime.background import run_sync

        return run_sync(
            self.async_start,
            initial,
            timeout=timeout,
            concurrency=concurrency,
            runtime_resources=runtime_resources,
            auto_close=auto_close,
        )

    def get_async_runtime_stream(
        self,
        initial: object = None,
        *,
        timeout: float | None = 10.0,
        concurrency: int | None = None,
        runtime_resources: Mapping[str, object] | None = None,
    ) -> AsyncIterator[object]:
        """Start a hidden execution and iterate its runtime stream until it closes."""
        execution = self._hidden(concurrency, runtime_resources, True)
        return execution.get_async_runtime_stream(initial, timeout=timeout)

    def get_runtime_stream(
        self,
        initial: object = None,
        *,
        timeout: float | None = 10.0,
        concurrency: int | None = None,
        runtime_resources: Mapping[str, object] | None = None,
    ) -> Iterator[object]:
        """Sync generator over a hidden execution's runtime stream."""
        execution = self._hidden(concurrency, runtime_resources, True)
        return execution.get_runtime_stream(initial, timeout=timeout)

    def load_from(
        self,
        store: SnapshotStore,
        execution_id: str,
        *,
        runtime_resources: Mapping[str, object] | None = None,
        concurrency: int | None = None,
    ) -> TriggerFlowExecution:
        """A new execution restored from the document *store* holds for *execution_id*.

        Nothing runs: resume it with `continue_with`. Raises `SnapshotError` for a missing or
        malformed document (the store is never modified).
        """
        execution = self.create_execution(auto_close=False, concurrency=concurrency)
        return execution.load(store.load(execution_id), runtime_resources=runtime_resources)

    # -- resources and flow data --------------------------------------------------------

    def update_runtime_resources(self, mapping: Mapping[str, object] | None = None, **kwargs: object) -> None:
        """Set flow-level resources (live objects: never copied, never saved)."""
        self._resources.update(mapping or {}, **kwargs)

    def set_runtime_resource(self, key: str, value: object) -> None:
        self._resources[key] = value

    def get_runtime_resource(self, key: str, default: object = None) -> Any:
        return self._resources.get(key, default)

    def del_runtime_resource(self, key: str) -> None:
        self._resources.pop(key, None)

    def clear_runtime_resources(self) -> None:
        self._resources.clear()

    @property
    def runtime_resources(self) -> Mapping[str, object]:
        return dict(self._resources)

    def get_flow_data(self, key: str | None = None, default: object = None) -> Any:
        return self._flow_data.get(key, default)

    def set_flow_data(self, key: str, value: object) -> None:
        """Set flow data (shared by this flow's executions) without triggering anything."""
        self._flow_data.set(key, value)


class _SubFlowSpec:
    """What the planner needs to run a sub-flow call: the child and the raw mappings."""

    __slots__ = ("capture", "child", "write_back")

    def __init__(self, child: TriggerFlow[Any], capture: Mapping[str, Any] | None, write_back: Mapping[str, Any] | None) -> None:
        self.child = child
        self.capture = capture
        self.write_back = write_back


def _creation_site() -> Loc:
    import sys

    frame: Any = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if not (isinstance(name, str) and (name == "tfc" or name.startswith("tfc."))):
            return Loc(frame.f_code.co_filename, frame.f_lineno or 0, 0)
        frame = frame.f_back
    return Loc("<unknown>", 0, 0)

