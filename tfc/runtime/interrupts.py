"""Interrupts: `pause_for` records one, `continue_with` resumes it.

A pause stops only the pausing chain (SEMANTICS §7 B5). Blocks whose join waits on that
chain keep a *held join*: the results their other branches delivered, keyed by block id and
fan-out scope. Resuming runs the rest of the paused chain, delivers its value to the held
join, and, once the join is complete, continues after the block: the same climb the direct
awaits would have made, rebuilt from plain data so it also works after `load()`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import anyio

from ..errors import ChunkError, ExecutionStateError, UnknownInterruptError
from ..ir.nodes import Branch
from .markers import MISSING, PAUSED, Marker, Scope, Trigger

if TYPE_CHECKING:
    from ..dsl.data import TriggerFlowRuntimeData
    from ..plan.nodes import PlanNode
    from .activation import Activation
    from .execution import TriggerFlowExecution

__all__ = ("HeldJoin", "Interrupt", "InterruptBook", "ResumeInfo", "SubFlowFrame")

ResumeMode = Literal["next", "self", "event"]


@dataclass
class Interrupt:
    """One pause: what it asks for, where it stopped, and how it resumes."""

    id: str
    type: str
    payload: object
    resume_to: ResumeMode
    resume_event: str | None
    max_resumes: int
    step_id: int
    scope: Scope
    input: object
    chunk: str
    flow_name: str
    status: Literal["waiting", "resumed", "cancelled"] = "waiting"
    resumes: int = 0
    resume_value: object = None
    created_at: float = field(default_factory=time.time)
    resumed_at: float | None = None
    sub_flow_frame_id: str | None = None
    local_interrupt_id: str | None = None
    child_interrupt: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible record (what the stream notice and `save()` carry)."""
        out: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "payload": self.payload,
            "status": self.status,
            "resume_to": self.resume_to,
            "resume_event": self.resume_event,
            "max_resumes": self.max_resumes,
            "resumes": self.resumes,
            "chunk": self.chunk,
            "source_flow_name": self.flow_name,
            "resume_value": self.resume_value,
            "created_at": self.created_at,
            "resumed_at": self.resumed_at,
        }
        if self.sub_flow_frame_id is not None:
            out["sub_flow_frame_id"] = self.sub_flow_frame_id
            out["local_interrupt_id"] = self.local_interrupt_id
            out["child_interrupt"] = self.child_interrupt
        return out


@dataclass(frozen=True)
class ResumeInfo:
    """`data.resume`: which interrupt a resumed handler continues, and the payload."""

    interrupt_id: str
    value: object
    interrupt: Interrupt
    origin: str = "continue_with"


@dataclass
class HeldJoin:
    """A block whose join waits for paused branches: what the others delivered."""

    block_id: int
    scope: Scope
    results: list[object]
    labels: tuple[object, ...] | None


@dataclass
class SubFlowFrame:
    """A paused child execution of a `to_sub_flow` step, and where the parent resumes."""

    id: str
    node_id: int
    scope: Scope
    value: object
    """The parent's value when the child started (write_back passes it through)."""
    child: TriggerFlowExecution | None
    child_doc: dict[str, Any] | None = None
    """The child's saved document, after `load()` until the child is rebuilt."""


def _resume_mode(resume_to: str | Mapping[str, str] | None, resume_event: str | None) -> tuple[ResumeMode, str | None]:
    if isinstance(resume_to, Mapping):
        event = resume_to.get("event")
        if not isinstance(event, str) or set(resume_to) != {"event"}:
            raise ValueError(f'resume_to must be "next", "self" or {{"event": name}}, got {dict(resume_to)!r}')
        return "event", event
    if resume_to is None:
        return ("event", resume_event) if resume_event else ("next", None)
    if resume_to in ("next", "self"):
        return resume_to, None  # type: ignore[return-value]
    raise ValueError(f'resume_to must be "next", "self" or {{"event": name}}, got {resume_to!r}')


class InterruptBook:
    """The interrupts, held joins and sub-flow frames of one execution."""

    def __init__(self, execution: TriggerFlowExecution) -> None:
        self.execution = execution
        self.records: dict[str, Interrupt] = {}
        self.held: dict[tuple[int, Scope], HeldJoin] = {}
        self.early: dict[tuple[int, Scope], dict[int, object]] = {}
        self.frames: dict[str, SubFlowFrame] = {}
        self.requests: dict[str, tuple[str, object]] = {}
        """resume_request_id -> (interrupt id, payload) of resumes that completed."""
        self.in_flight: dict[str, anyio.Event] = {}
        """resume_request_id -> set when the resume running under that id has finished."""

    def pending(self) -> dict[str, Interrupt]:
        if not self.records:
            return {}
        return {k: v for k, v in self.records.items() if v.status == "waiting"}

    def get(self, interrupt_id: str) -> Interrupt | None:
        return self.records.get(interrupt_id)

    def _notice(self, action: str, record: Interrupt, **extra: object) -> None:
        execution = self.execution
        execution.put_into_stream(
            {"type": "interrupt", "action": action, "execution_id": execution.id, "interrupt": record.to_dict(), **extra}
        )

    # -- pausing ------------------------------------------------------------------------

    def pause(
        self,
        act: Activation,
        data: TriggerFlowRuntimeData[Any, Any],
        *,
        type: str,
        payload: object,
        interrupt_id: str | None,
        resume_to: str | Mapping[str, str] | None,
        resume_event: str | None,
        max_resumes: int,
    ) -> Interrupt:
        execution = self.execution
        step = data._step
        if execution.hidden:
            raise ExecutionStateError(
                f"{step.describe()} paused (pause_for) inside an execution started by flow.start()/"
                "flow.async_start(), which has no handle to resume it with; create an explicit "
                "execution: ex = flow.create_execution(auto_close=False); await ex.async_start(...)"
            )
        mode, event = _resume_mode(resume_to, resume_event)
        resumed = data.resume
        iid = interrupt_id or (resumed.interrupt_id if resumed is not None and mode == "self" else uuid.uuid4().hex)
        existing = self.records.get(iid)
        if existing is not None and existing.status == "waiting":
            raise ExecutionStateError(f'interrupt id "{iid}" is already waiting in execution {execution.id}')
        record = Interrupt(
            id=iid,
            type=type,
            payload=payload,
            resume_to=mode,
            resume_event=event,
            max_resumes=max_resumes,
            step_id=step.id,
            scope=data._scope,
            input=data.value,
            chunk=getattr(step, "chunk", step.describe()),
            flow_name=execution.plan.flow_name,
            resumes=existing.resumes if existing is not None else 0,
        )
        self.records[iid] = record
        data._paused = True
        execution.status = "waiting"
        self._notice("pause", record)
        return record

    def hold_join(
        self, block: PlanNode, scope: Scope, results: list[object], labels: Sequence[object] | None
    ) -> object:
        """Keep a join whose branches paused; PAUSED, or the join if resumes already filled it."""
        key = (block.id, scope)
        early = self.early.pop(key, None)
        if early:
            for index, value in early.items():
                results[_position(block, index, tuple(labels) if labels is not None else None)] = value
        if all(r is not PAUSED for r in results):
            if any(r.__class__ is Marker for r in results):
                return MISSING
            return _join(labels, results, block)
        self.held[key] = HeldJoin(block.id, scope, results, tuple(labels) if labels is not None else None)
        return PAUSED

    def project(self, act: Activation, node: PlanNode, scope: Scope, value: object, child: TriggerFlowExecution) -> object:
        """A child paused: show each of its waiting interrupts as a root interrupt here."""
        if self.execution.hidden:
            # Waiting for a resume nobody can send would hang the hidden start forever.
            raise ExecutionStateError(
                f'{node.describe()} paused (its child flow called pause_for) inside an execution started by '
                "flow.start()/flow.async_start(), which has no handle to resume it with; create an explicit "
                "execution: ex = flow.create_execution(auto_close=False); await ex.async_start(...)"
            )
        frame = SubFlowFrame(uuid.uuid4().hex[:12], node.id, scope, value, child)
        self.frames[frame.id] = frame
        self._project_pending(frame, child)
        return PAUSED

    def _project_pending(self, frame: SubFlowFrame, child: TriggerFlowExecution) -> None:
        execution = self.execution
        projected = {r.local_interrupt_id for r in self.records.values() if r.sub_flow_frame_id == frame.id and r.status == "waiting"}
        for local_id, local in child.interrupts.pending().items():
            if local_id in projected:
                continue
            root_id = f"{execution.id}:{frame.node_id}:{frame.id}:{local_id}"
            record = Interrupt(
                id=root_id,
                type=local.type,
                payload=local.payload,
                resume_to=local.resume_to,
                resume_event=local.resume_event,
                max_resumes=local.max_resumes,
                step_id=frame.node_id,
                scope=frame.scope,
                input=frame.value,
                chunk=local.chunk,
                flow_name=local.flow_name,
                sub_flow_frame_id=frame.id,
                local_interrupt_id=local_id,
                child_interrupt=local.to_dict(),
            )
            self.records[root_id] = record
            self._notice("project", record)
        execution.status = "waiting"

    def cancel_all(self) -> None:
        for record in self.records.values():
            if record.status == "waiting":
                record.status = "cancelled"

    def resolve_event(self, name: str) -> None:
        """Emitting an interrupt's resume event yourself resolves it (without is_resume)."""
        if not self.records:
            return
        for record in self.records.values():
            if record.status == "waiting" and record.resume_to == "event" and record.resume_event == name and record.sub_flow_frame_id is None:
                record.status = "resumed"
                record.resumed_at = time.time()

    # -- resuming -----------------------------------------------------------------------

    async def wait_for_request(self, request_id: str) -> None:
        """A duplicate of a request still running waits for it (then it is a repeat, or a retry)."""
        while (running := self.in_flight.get(request_id)) is not None:
            await running.wait()

    def end_request(self, request_id: str | None) -> None:
        if request_id is not None:
            running = self.in_flight.pop(request_id, None)
            if running is not None:
                running.set()

    def check_resume(self, interrupt_id: str, payload: object, request_id: str | None) -> Interrupt | None:
        """Validate a `continue_with`; the record to return at once for a repeated request."""
        record = self.records.get(interrupt_id)
        waiting = ", ".join(self.pending()) or "none"
        if record is None:
            raise UnknownInterruptError(
                f'execution {self.execution.id} has no interrupt "{interrupt_id}"; waiting interrupts: {waiting}'
            )
        if request_id is not None and request_id in self.requests:
            done_id, done_payload = self.requests[request_id]
            if done_id != interrupt_id or done_payload != payload:
                raise ExecutionStateError(
                    f'resume_request_id "{request_id}" was already used to resume "{done_id}" with '
                    f"{done_payload!r}; a repeat must name the same interrupt and payload"
                )
            return record
        if record.status != "waiting":
            raise ExecutionStateError(
                f'interrupt "{interrupt_id}" is {record.status}, not waiting; waiting interrupts: {waiting}'
            )
        if record.resume_to == "self" and record.sub_flow_frame_id is None and record.resumes >= record.max_resumes:
            raise ExecutionStateError(
                f'interrupt "{interrupt_id}" of chunk "{record.chunk}" was resumed {record.resumes} time(s);'
                f" max_resumes={record.max_resumes}"
            )
        if request_id is not None:
            self.in_flight[request_id] = anyio.Event()
        return None

    async def resume(self, act: Activation, record: Interrupt, payload: object) -> None:
        """Run what the interrupt held back (inside an activation)."""
        info = ResumeInfo(record.id, payload, record)
        if record.sub_flow_frame_id is not None:
            await self._resume_frame(act, record, payload)
            return
        plan = self.execution.plan
        if record.resume_to == "event":
            assert record.resume_event is not None
            trigger = Trigger(record.resume_event, "event", "interrupt", info)
            entries = plan.events.get(record.resume_event)
            if entries:
                await act.dispatch(entries, payload, record.scope, trigger)
            return
        trigger = Trigger(f"Interrupt[{record.id}]", "event", "interrupt", info)
        if record.resume_to == "self":
            step = plan.nodes[record.step_id]
            out = await step.apply(act, record.input, record.scope, trigger)
            if out.__class__ is Marker:
                return
            await self.continue_after(act, record.step_id, record.scope, out, None)
            return
        await self.continue_after(act, record.step_id, record.scope, payload, trigger)

    async def continue_after(self, act: Activation, node_id: int, scope: Scope, value: object, trigger: Trigger | None) -> None:
        """Run what follows node *node_id* with *value*, then climb out of finished joins."""
        plan = self.execution.plan
        out = await plan.continuation(node_id).run(act, value, scope, trigger)
        enclosing = plan.enclosing.get(node_id)
        if enclosing is None:
            return
        block_id, exit_id = enclosing
        delivered = value if node_id == exit_id else out
        if delivered.__class__ is Marker:
            return
        await self.deliver(act, block_id, scope, delivered)

    async def deliver(self, act: Activation, block_id: int, item_scope: Scope, value: object) -> None:
        """A resumed branch reached its block's exit: fill the held join, continue if complete."""
        plan = self.execution.plan
        block = plan.ir_nodes[block_id]
        block_scope = item_scope[:-1]
        index = item_scope[-1][1]
        if isinstance(block, Branch) and block.mode == "hit_first":
            await self.continue_after(act, block_id, block_scope, value, None)
            return
        key = (block_id, block_scope)
        held = self.held.get(key)
        if held is None:
            # The fan-out is still running: hand the value to its join when it returns.
            self.early.setdefault(key, {})[index] = value
            return
        held.results[_position(block, index, held.labels)] = value
        if any(r is PAUSED for r in held.results):
            return
        del self.held[key]
        if any(r.__class__ is Marker for r in held.results):
            return
        joined = _join(held.labels, held.results, plan.nodes[block_id])
        await self.continue_after(act, block_id, block_scope, joined, None)

    async def _resume_frame(self, act: Activation, record: Interrupt, payload: object) -> None:
        execution = self.execution
        frame = self.frames[record.sub_flow_frame_id or ""]
        node: Any = execution.plan.nodes[frame.node_id]
        child: TriggerFlowExecution | None = frame.child
        if child is None:
            child = frame.child = node.rebuild_child(act, frame.value, frame.child_doc)
            frame.child_doc = None
        assert record.local_interrupt_id is not None
        try:
            # Under a request id of its own, a failing child rolls back too, so that the
            # parent's request (rolled back by the parent's continue_with) can be retried.
            await child.async_continue_with(
                record.local_interrupt_id, payload, resume_request_id=f"{record.id}#{record.resumes}"
            )
        except ChunkError as exc:
            raise node._child_error(execution, exc) from exc
        if child.interrupts.pending():
            self._project_pending(frame, child)
            return
        del self.frames[frame.id]
        value = await node.finish(act, frame.value, frame.scope, child)
        await self.continue_after(act, frame.node_id, frame.scope, value, None)


def _position(block: object, index: int, labels: tuple[object, ...] | None) -> int:
    """Where branch *index* of *block* (an IR or plan node) sits in its join's result list."""
    from ..plan.nodes import BranchPlan

    if isinstance(block, (Branch, BranchPlan)) and labels is not None:
        return labels.index(index)
    return index


def _join(labels: Sequence[object] | None, results: list[object], block: object) -> object:
    from ..plan.nodes import BatchPlan

    if isinstance(block, BatchPlan) and labels is not None:
        return dict(zip(labels, results))
    return list(results)
