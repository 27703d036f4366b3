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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..errors import ExecutionStateError
from .markers import PAUSED, Scope

if TYPE_CHECKING:
    from ..dsl.data import TriggerFlowRuntimeData
    from ..plan.nodes import PlanNode
    from .activation import Activation
    from .execution import TriggerFlowExecution

__all__ = ("HeldJoin", "Interrupt", "InterruptBook", "ResumeInfo")

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
    labels: dict[int, str] | None


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
    """The interrupts and held joins of one execution."""

    def __init__(self, execution: TriggerFlowExecution) -> None:
        self.execution = execution
        self.records: dict[str, Interrupt] = {}
        self.held: dict[tuple[int, Scope], HeldJoin] = {}
        self.requests: dict[str, tuple[str, object]] = {}

    def pending(self) -> dict[str, Interrupt]:
        return {k: v for k, v in self.records.items() if v.status == "waiting"} if self.records else {}

    def get(self, interrupt_id: str) -> Interrupt | None:
        return self.records.get(interrupt_id)

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
        iid = interrupt_id or uuid.uuid4().hex
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
        execution.put_into_stream(
            {"type": "interrupt", "action": "pause", "execution_id": execution.id, "interrupt": record.to_dict()}
        )
        return record

    def hold_join(self, block: PlanNode, scope: Scope, results: list[object], labels: dict[int, str] | None) -> object:
        self.held[(block.id, scope)] = HeldJoin(block.id, scope, results, labels)
        return PAUSED

    def cancel_all(self) -> None:
        for record in self.records.values():
            if record.status == "waiting":
                record.status = "cancelled"

    def resolve_event(self, name: str) -> None:
        """Emitting an interrupt's resume event yourself resolves it (without is_resume)."""
        if not self.records:
            return
        for record in self.records.values():
            if record.status == "waiting" and record.resume_to == "event" and record.resume_event == name:
                record.status = "resumed"
                record.resumed_at = time.time()
