"""An activation: one entry into an execution (start, an outside emit, a resume, a close).

It owns the task group that hosts the tracked work started during it (sync state writes,
`emit_nowait`), so nothing is fire-and-forget: the entry call returns once that work has
settled. (A sub-flow's execution borrows its parent activation's group instead and counts
its own tracked work; see `TriggerFlowExecution.enter`.) Signals are routed here through the plan's tables.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol

from ..dsl.data import TriggerFlowRuntimeData
from .fanout import fan_out
from .markers import MISSING, Scope, Trigger
from .state import RESULT_KEY

if TYPE_CHECKING:
    from ..ir.nodes import Signal
    from ..plan.nodes import PlanNode, RootPlan
    from .execution import TriggerFlowExecution
    from .interrupts import Interrupt

__all__ = ("CURRENT", "Activation", "Host")

CURRENT: ContextVar[Activation | None] = ContextVar("tfc_activation", default=None)
"""The activation running the current task, for sync facades called from anywhere."""



class Host(Protocol):
    """Where an activation starts its tracked work: a task group, or a borrowed one."""

    def start_soon(self, fn: Callable[..., Coroutine[Any, Any, Any]], /, *args: Any) -> object: ...


Entries = tuple[tuple["RootPlan", "Signal"], ...]


class Activation:
    """One entry into an execution. See the module docstring."""

    __slots__ = ("execution", "host", "limiter", "plan", "state")

    def __init__(self, execution: TriggerFlowExecution, host: Host) -> None:
        self.execution = execution
        self.host = host
        self.plan = execution.plan
        self.state = execution.state
        """The execution's state (read by every `.end()` and state access of a step)."""
        self.limiter = execution.limiter
        """The execution's limiter for ``concurrency=``, fixed while an activation runs."""

    def end(self, value: object) -> None:
        """`.end()`: *value* becomes the run's compat result unless one arrived first."""
        self.state.set_if_missing(RESULT_KEY, value)

    def make_data(
        self, value: object, scope: Scope, trigger: Trigger, step: PlanNode
    ) -> TriggerFlowRuntimeData[Any, Any]:
        return TriggerFlowRuntimeData(self, value, scope, trigger, step)

    def spawn(self, fn: Callable[..., Awaitable[object]], *args: object) -> None:
        """Run ``fn(*args)`` as tracked work of this activation."""
        self.host.start_soon(self.execution.run_tracked, fn, *args)

    # -- routing ------------------------------------------------------------------------

    # dispatch, start and emit_event are not coroutine functions: they hand back the awaitable
    # of the one root they fire (or of the fan-out over several), so routing a signal adds
    # no coroutine frame: less memory per in-flight execution, and nested emits go deeper.

    def dispatch(self, entries: Entries, value: object, scope: Scope, trigger: Trigger) -> Awaitable[object]:
        """Fire every root listening to a signal; the awaitable ends after their cascades."""
        if len(entries) == 1:
            root, signal = entries[0]
            return root.fire(self, signal, value, scope, trigger)
        if not entries:
            return _nothing()

        def fire(i: int) -> Awaitable[object]:
            root, signal = entries[i]
            return root.fire(self, signal, value, scope, trigger)

        return fan_out(len(entries), fire, None)

    def start(self, value: object) -> Awaitable[object]:
        return self.dispatch(self.plan.start, value, (), _START)

    def emit_event(self, name: str, value: object, scope: Scope, source: str) -> Awaitable[object]:
        """Dispatch event *name*: resolves the interrupts waiting for it now, then the roots."""
        entries = self.plan.events.get(name)
        self.execution.resolve_event_interrupts(name)
        if entries:
            return self.dispatch(entries, value, scope, Trigger(name, "event", source))
        return _nothing()

    async def collect(self, name: str, branch_id: str, value: object, scope: Scope) -> None:
        fired = self.execution.fill_collection(name, branch_id, value)
        if fired is not MISSING:
            entries = self.plan.collect_roots.get(name, ())
            if entries:
                await self.dispatch(entries, fired, scope, Trigger(name, "collect", "collect"))

    # -- state --------------------------------------------------------------------------

    def write_state(self, op: str, key: str, value: object, emit: bool, scope: Scope, *, inline: bool) -> object:
        new = self.execution.store_state(op, key, value)
        if new is not MISSING and emit:
            entries = self.plan.state_keys.get(key)
            if entries:
                self.spawn(self.dispatch, entries, new, scope, Trigger(key, "runtime_data", "runtime_data"))
        return new

    async def async_write_state(self, op: str, key: str, value: object, emit: bool, scope: Scope) -> None:
        new = self.execution.store_state(op, key, value)
        if new is not MISSING and emit:
            entries = self.plan.state_keys.get(key)
            if entries:
                await self.dispatch(entries, new, scope, Trigger(key, "runtime_data", "runtime_data"))

    def write_flow_data(self, op: str, key: str, value: object, emit: bool, scope: Scope, *, inline: bool) -> None:
        new = self.execution.store_flow_data(op, key, value)
        if new is not MISSING and emit:
            entries = self.plan.flow_data_keys.get(key)
            if entries:
                self.spawn(self.dispatch, entries, new, scope, Trigger(key, "flow_data", "flow_data"))

    async def async_write_flow_data(self, op: str, key: str, value: object, emit: bool, scope: Scope) -> None:
        new = self.execution.store_flow_data(op, key, value)
        if new is not MISSING and emit:
            entries = self.plan.flow_data_keys.get(key)
            if entries:
                await self.dispatch(entries, new, scope, Trigger(key, "flow_data", "flow_data"))

    # -- interrupts ---------------------------------------------------------------------

    def pause(self, data: TriggerFlowRuntimeData[Any, Any], **options: Any) -> Interrupt:
        return self.execution.interrupts.pause(self, data, **options)


_START = Trigger("START", "event", "start")


async def _nothing() -> None:
    return None

