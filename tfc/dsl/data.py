"""`TriggerFlowRuntimeData[ValueT, StateT]`: what a chunk receives.

One instance per handler invocation. ``value`` is the signal's value; ``state`` is the
execution state, typed as the flow's state schema (a TypedDict works with plain
subscripts) and also offering the seed API (``get``/``set``/``append``/``delete`` and their
``async_`` forms). Awaited facades are *inline*: they return after the cascade they
triggered has finished. Sync facades store at once and schedule the cascade as a tracked
task of the execution, so they work in sync and async chunks alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, cast

from typing_extensions import TypeVar

from ..errors import ResourceError
from ..runtime.markers import Scope, Trigger
from ..runtime.state import RESULT_KEY

if TYPE_CHECKING:
    from anyio import Semaphore

    from ..plan.nodes import PlanNode
    from ..runtime.activation import Activation
    from ..runtime.execution import TriggerFlowExecution
    from ..runtime.interrupts import Interrupt, ResumeInfo

__all__ = ("ResourcesView", "StateView", "TriggerFlowRuntimeData")

ValueT = TypeVar("ValueT", covariant=True, default=Any)
StateT = TypeVar("StateT", default=Any)

_NO_DEFAULT: Any = object()


class StateView:
    """The execution state as seen from one handler: a mapping plus the seed's methods."""

    __slots__ = ("_data",)

    def __init__(self, data: TriggerFlowRuntimeData[Any, Any]) -> None:
        self._data = data

    # reads
    def get(self, key: str | None = None, default: object = None) -> Any:
        """A copy of the value at *key* (dotted keys read through), or *default*."""
        return self._data._act.execution.state.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        return cast(dict[str, Any], self._data._act.execution.state.snapshot())

    def __getitem__(self, key: str) -> Any:
        state = self._data._act.execution.state
        if key not in state:
            raise KeyError(key)
        return state.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._data._act.execution.state

    def __len__(self) -> int:
        return len(self._data._act.execution.state)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data._act.execution.state.keys())

    def keys(self) -> list[str]:
        return list(self._data._act.execution.state.keys())

    def values(self) -> list[Any]:
        return list(self.to_dict().values())

    def items(self) -> list[tuple[str, Any]]:
        return list(self.to_dict().items())

    # sync writes: stored now, triggered branches scheduled as tracked tasks
    def set(self, key: str, value: object, *, emit: bool = True) -> None:
        """Replace the value at *key*; `when({"runtime_data": key})` branches run soon after."""
        self._data._write("set", key, value, emit)

    def append(self, key: str, value: object, *, emit: bool = True) -> None:
        self._data._write("append", key, value, emit)

    def delete(self, key: str, *, emit: bool = True) -> None:
        self._data._write("delete", key, None, emit)

    def __setitem__(self, key: str, value: object) -> None:
        self._data._write("set", key, value, True)

    def __delitem__(self, key: str) -> None:
        if key not in self._data._act.execution.state:
            raise KeyError(key)
        self._data._write("delete", key, None, True)

    # awaited writes: return after the triggered cascade finished
    async def async_set(self, key: str, value: object, *, emit: bool = True) -> None:
        await self._data._async_write("set", key, value, emit)

    async def async_append(self, key: str, value: object, *, emit: bool = True) -> None:
        await self._data._async_write("append", key, value, emit)

    async def async_delete(self, key: str, *, emit: bool = True) -> None:
        await self._data._async_write("delete", key, None, emit)

    async_del = async_delete

    def __repr__(self) -> str:
        return f"StateView({self.to_dict()!r})"


class ResourcesView(Mapping[str, Any]):
    """Read-only view of the resources a handler sees: execution-level, then flow-level."""

    __slots__ = ("_execution",)

    def __init__(self, execution: TriggerFlowExecution) -> None:
        self._execution = execution

    def __getitem__(self, key: str) -> Any:
        return self._execution.resources[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._execution.resources)

    def __len__(self) -> int:
        return len(self._execution.resources)


class TriggerFlowRuntimeData(Generic[ValueT, StateT]):
    """The argument every chunk receives. See the module docstring."""

    __slots__ = ("_act", "_paused", "_permit", "_scope", "_state_view", "_step", "trigger", "value")

    value: ValueT
    _state_view: StateView
    """Made on the first read of `state` (unset until then)."""

    def __init__(self, act: Activation, value: ValueT, scope: Scope, trigger: Trigger, step: PlanNode) -> None:
        self._act = act
        self.value = value
        self._scope = scope
        self.trigger = trigger
        self._step = step
        self._paused = False
        self._permit = False

    # -- the signal ---------------------------------------------------------------------

    @property
    def input(self) -> ValueT:
        """The same as `value`."""
        return self.value

    inputs = input

    @property
    def trigger_event(self) -> str:
        return self.trigger.name

    event = trigger_event

    @property
    def trigger_type(self) -> str:
        return self.trigger.type

    type = trigger_type

    @property
    def signal_source(self) -> str:
        return self.trigger.source

    @property
    def resume(self) -> ResumeInfo | None:
        """Which interrupt a resumed handler continues, and the payload; None otherwise."""
        return self.trigger.resume  # type: ignore[return-value]

    @property
    def is_resume(self) -> bool:
        return self.trigger.resume is not None

    @property
    def chunk_name(self) -> str:
        """The name of the running chunk (a description of the node for conditions)."""
        return self._step.describe()

    @property
    def execution(self) -> TriggerFlowExecution:
        return self._act.execution

    @property
    def execution_id(self) -> str:
        return self._act.execution.id

    # -- state --------------------------------------------------------------------------

    @property
    def state(self) -> StateT:
        """The execution state, typed as the flow's state schema."""
        try:
            view = self._state_view
        except AttributeError:
            view = self._state_view = StateView(self)
        return cast(StateT, view)

    def _write(self, op: str, key: str, value: object, emit: bool) -> None:
        self._act.write_state(op, key, value, emit, self._scope, inline=False)

    async def _async_write(self, op: str, key: str, value: object, emit: bool) -> None:
        await self._inline(self._act.async_write_state(op, key, value, emit, self._scope))

    def _inline(self, awaitable: Awaitable[Any]) -> Awaitable[Any]:
        """Await an inline cascade, releasing the execution permit meanwhile.

        Without a permit to release, this is *awaitable* itself: no extra frame per emit.
        """
        limiter = self._act.execution.limiter
        if limiter is not None and self._permit:
            return _released(self, limiter, awaitable)
        return awaitable

    def get_state(self, key: str | None = None, default: object = None) -> Any:
        return self._act.execution.state.get(key, default)

    def set_state(self, key: str, value: object, *, emit: bool = True) -> None:
        self._write("set", key, value, emit)

    def append_state(self, key: str, value: object, *, emit: bool = True) -> None:
        self._write("append", key, value, emit)

    def del_state(self, key: str, *, emit: bool = True) -> None:
        self._write("delete", key, None, emit)

    async def async_set_state(self, key: str, value: object, *, emit: bool = True) -> None:
        await self._async_write("set", key, value, emit)

    async def async_append_state(self, key: str, value: object, *, emit: bool = True) -> None:
        await self._async_write("append", key, value, emit)

    async def async_del_state(self, key: str, *, emit: bool = True) -> None:
        await self._async_write("delete", key, None, emit)

    # deprecated aliases of the state API, kept for seed-style code
    get_runtime_data = get_state
    set_runtime_data = set_state
    append_runtime_data = append_state
    del_runtime_data = del_state
    async_set_runtime_data = async_set_state
    async_append_runtime_data = async_append_state
    async_del_runtime_data = async_del_state

    # -- flow data ----------------------------------------------------------------------

    def get_flow_data(self, key: str | None = None, default: object = None) -> Any:
        return self._act.execution.flow_data.get(key, default)

    def set_flow_data(self, key: str, value: object, *, emit: bool = True) -> None:
        self._act.write_flow_data("set", key, value, emit, self._scope, inline=False)

    def append_flow_data(self, key: str, value: object, *, emit: bool = True) -> None:
        self._act.write_flow_data("append", key, value, emit, self._scope, inline=False)

    def del_flow_data(self, key: str, *, emit: bool = True) -> None:
        self._act.write_flow_data("delete", key, None, emit, self._scope, inline=False)

    async def async_set_flow_data(self, key: str, value: object, *, emit: bool = True) -> None:
        await self._inline(self._act.async_write_flow_data("set", key, value, emit, self._scope))

    async def async_append_flow_data(self, key: str, value: object, *, emit: bool = True) -> None:
        await self._inline(self._act.async_write_flow_data("append", key, value, emit, self._scope))

    async def async_del_flow_data(self, key: str, *, emit: bool = True) -> None:
        await self._inline(self._act.async_write_flow_data("delete", key, None, emit, self._scope))

    # -- resources ----------------------------------------------------------------------

    @property
    def resources(self) -> ResourcesView:
        return ResourcesView(self._act.execution)

    def get_resource(self, key: str, default: object = None) -> Any:
        return self._act.execution.resources.get(key, default)

    def require_resource(self, key: str) -> Any:
        """The resource *key*; a `ResourceError` naming the chunk and the known keys if absent."""
        resources = self._act.execution.resources
        if key in resources:
            return resources[key]
        known = ", ".join(sorted(resources)) or "none"
        raise ResourceError(
            f'{self.chunk_name} requires the resource "{key}", which this execution does not have'
            f" (resources: {known}); pass it with create_execution(runtime_resources={{...}})"
            " or flow.update_runtime_resources(...)"
        )

    def set_resource(self, key: str, value: object) -> None:
        self._act.execution.set_runtime_resource(key, value)

    def del_resource(self, key: str) -> None:
        self._act.execution.del_runtime_resource(key)

    # -- events -------------------------------------------------------------------------

    async def async_emit(self, event: str, value: object = None) -> None:
        """Dispatch *event*; returns after every handler (and its cascade) finished."""
        await self._inline(self._act.emit_event(event, value, self._scope, "chunk"))

    def emit(self, event: str, value: object = None) -> None:
        """Dispatch *event* as a tracked task; `close()` waits for it."""
        self._act.spawn(self._act.emit_event, event, value, self._scope, "chunk")

    def emit_nowait(self, event: str, value: object = None) -> None:
        """Dispatch *event* as a tracked task and return at once; `close()` waits for it."""
        self._act.spawn(self._act.emit_event, event, value, self._scope, "chunk")

    async def async_emit_nowait(self, event: str, value: object = None) -> None:
        self.emit_nowait(event, value)

    # -- stream -------------------------------------------------------------------------

    def put_into_stream(self, item: object) -> None:
        self._act.execution.put_into_stream(item, stacklevel=3)

    put = put_into_stream

    async def async_put_into_stream(self, item: object) -> None:
        self._act.execution.put_into_stream(item, stacklevel=3)

    async_put = async_put_into_stream

    def stop_stream(self) -> None:
        self._act.execution.stream.stop()

    async def async_stop_stream(self) -> None:
        self._act.execution.stream.stop()

    # -- result -------------------------------------------------------------------------

    def set_result(self, value: object) -> None:
        """Write the compat result (``$final_result``), overwriting any earlier one."""
        self._act.execution.set_result(value)

    def get_result(self) -> Any:
        return self._act.execution.state.get(RESULT_KEY)

    # -- interrupts ---------------------------------------------------------------------

    async def async_pause_for(
        self,
        *,
        type: str = "pause",
        payload: object = None,
        interrupt_id: str | None = None,
        resume_to: str | Mapping[str, str] | None = None,
        resume_event: str | None = None,
        max_resumes: int = 1,
    ) -> Interrupt:
        """Pause this chunk's chain until `continue_with`; see `TriggerFlowExecution.async_continue_with`."""
        return self._act.pause(
            self,
            type=type,
            payload=payload,
            interrupt_id=interrupt_id,
            resume_to=resume_to,
            resume_event=resume_event,
            max_resumes=max_resumes,
        )

    def pause_for(
        self,
        *,
        type: str = "pause",
        payload: object = None,
        interrupt_id: str | None = None,
        resume_to: str | Mapping[str, str] | None = None,
        resume_event: str | None = None,
        max_resumes: int = 1,
    ) -> Interrupt:
        return self._act.pause(
            self,
            type=type,
            payload=payload,
            interrupt_id=interrupt_id,
            resume_to=resume_to,
            resume_event=resume_event,
            max_resumes=max_resumes,
        )

    def get_status(self) -> str:
        return self._act.execution.status

    def is_waiting(self) -> bool:
        return self._act.execution.status == "waiting"

    def get_pending_interrupts(self) -> dict[str, Interrupt]:
        return self._act.execution.get_pending_interrupts()

    def get_interrupt(self, interrupt_id: str) -> Interrupt | None:
        return self._act.execution.get_interrupt(interrupt_id)

    def __repr__(self) -> str:
        return f"<TriggerFlowRuntimeData {self.chunk_name} value={self.value!r}>"


async def _released(data: TriggerFlowRuntimeData[Any, Any], limiter: Semaphore, awaitable: Awaitable[Any]) -> Any:
    """Await *awaitable* with the chunk's execution permit handed back meanwhile.

    The permit is taken again afterwards. If that is cancelled the chunk holds no permit,
    and ``data._permit`` says so: the step then releases nothing (B10: never twice).
    """
    data._permit = False
    limiter.release()
    try:
        return await awaitable
    finally:
        await limiter.acquire()
        data._permit = True
