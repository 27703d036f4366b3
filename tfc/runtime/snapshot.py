"""Save an execution to a JSON-compatible document, and load one back.

The document is plain data: no pickle, and loading never imports or calls anything it
names. Loading validates everything (format version, flow, fingerprint, the shape of every
field, that every step and block id exists in this flow) before it touches the execution,
so a bad document leaves the execution as it was and says what is wrong and where.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from ..errors import ResourceError, SnapshotError
from ..ir.nodes import Batch, Branch, ForEach, SubFlowCall
from .interrupts import HeldJoin, Interrupt, SubFlowFrame
from .markers import MISSING, PAUSED, Scope

if TYPE_CHECKING:
    from .execution import TriggerFlowExecution

__all__ = ("FORMAT", "load_execution", "parse_document", "save_execution")

FORMAT = "tfc.execution/1"
_FORBIDDEN_KEYS = frozenset({"py/object", "py/reduce", "py/type", "py/function", "__class__", "__module__", "__reduce__", "__reduce_ex__"})
_STATUSES = ("created", "running", "waiting", "completed", "failed", "cancelled")
_INTERRUPT_STATUSES = ("waiting", "resumed", "cancelled")


# -- saving ------------------------------------------------------------------------------


def save_execution(execution: TriggerFlowExecution) -> dict[str, Any]:
    if execution._active:
        raise SnapshotError(
            f"execution {execution.id} is running; save it when it is waiting or idle (after async_start returns)"
        )
    book = execution.interrupts
    frames = []
    for frame in book.frames.values():
        child_doc = frame.child.save() if frame.child is not None else frame.child_doc
        frames.append(
            {"id": frame.id, "node": frame.node_id, "scope": _scope_out(frame.scope), "value": frame.value, "child": child_doc}
        )
    document: dict[str, Any] = {
        "format": FORMAT,
        "flow": execution.plan.flow_name,
        "fingerprint": execution.plan.fingerprint,
        "execution_id": execution.id,
        "status": execution.status,
        "lifecycle": execution.lifecycle,
        "started": execution.started,
        "state": execution.state.snapshot(),
        "stream": list(execution.stream.items),
        "interrupts": [_interrupt_out(r) for r in book.records.values()],
        "held_joins": [
            {
                "block": h.block_id,
                "scope": _scope_out(h.scope),
                "results": [_slot_out(r) for r in h.results],
                "labels": list(h.labels) if h.labels is not None else None,
            }
            for h in book.held.values()
        ],
        "sub_flow_frames": frames,
        "when_joins": [
            {"root": root_id, "scope": _scope_out(scope), "slots": [[k, n, v] for (k, n), v in slots.items()]}
            for (root_id, scope), slots in execution.joins.items()
        ],
        "collections": {name: dict(slots) for name, slots in execution.collections.items()},
        "requests": {rid: [iid, payload] for rid, (iid, payload) in book.requests.items()},
    }
    _check_json(document, "document")
    return document


def _scope_out(scope: Scope) -> list[list[int]]:
    return [[b, i] for b, i in scope]


def _slot_out(value: object) -> list[object]:
    if value is PAUSED:
        return ["paused"]
    if value is MISSING:
        return ["missing"]
    return ["value", value]


def _interrupt_out(r: Interrupt) -> dict[str, Any]:
    out = r.to_dict()
    out.update(step=r.step_id, scope=_scope_out(r.scope), input=r.input)
    return out


def _check_json(value: object, where: str) -> None:
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise SnapshotError(f"{where}: {value!r} is not JSON-compatible")
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                raise SnapshotError(f"{where}: key {k!r} is not a string; snapshots are JSON documents")
            _check_json(v, f"{where}[{k!r}]")
        return
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _check_json(v, f"{where}[{i}]")
        return
    raise SnapshotError(
        f"{where}: a {type(value).__name__} is not JSON-compatible; keep state and interrupt payloads to"
        " dicts, lists, strings, numbers, booleans and None (live objects belong in runtime resources)"
    )


# -- loading -----------------------------------------------------------------------------


class _Reader:
    """Typed accessors that fail with the path of the offending field."""

    def __init__(self, root: str = "snapshot") -> None:
        self.root = root

    def fail(self, where: str, message: str) -> NoReturn:
        raise SnapshotError(f"{self.root}{where}: {message}")

    def obj(self, raw: object, where: str) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.fail(where, f"expected an object, got {type(raw).__name__} {_short(raw)}")
        return raw

    def optional(self, obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str, label: str) -> Any:
        value = obj.get(key)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            self.fail(f'{where}["{key}"]', f"expected {label} or null, got {type(value).__name__} {_short(value)}")
        return value

    def field(self, obj: Mapping[str, Any], key: str, where: str) -> Any:
        if key not in obj:
            self.fail(where, f'missing field "{key}"')
        return obj[key]

    def typed(self, obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str, label: str) -> Any:
        value = self.field(obj, key, where)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(f'{where}["{key}"]', f"expected {label}, got {type(value).__name__} {_short(value)}")
        return value

    def scope(self, obj: Mapping[str, Any], key: str, where: str, blocks: set[int]) -> Scope:
        raw = self.typed(obj, key, list, where, "a list of [block, index] pairs")
        out = []
        for i, pair in enumerate(raw):
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
            ):
                self.fail(f'{where}["{key}"][{i}]', f"expected a [block, index] pair of ints, got {_short(pair)}")
            if pair[0] not in blocks:
                self.fail(f'{where}["{key}"][{i}]', f"block #{pair[0]} is not a block of this flow")
            out.append((pair[0], pair[1]))
        return tuple(out)


def _short(value: object) -> str:
    text = json.dumps(value, default=repr)
    return text if len(text) <= 60 else text[:57] + "..."


def _forbid_code(value: object, where: str) -> None:
    if isinstance(value, Mapping):
        for k, v in value.items():
            if k in _FORBIDDEN_KEYS or (isinstance(k, str) and k.startswith("!!python")):
                raise SnapshotError(
                    f"{where}: the key {k!r} names Python code or a class; tfc snapshots hold plain"
                    " data only and never import or call what a document names"
                )
            _forbid_code(v, f"{where}[{json.dumps(k)}]")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _forbid_code(v, f"{where}[{i}]")
    elif isinstance(value, str) and value.startswith("!!python/"):
        raise SnapshotError(f"{where}: {value[:40]!r} names Python code; tfc snapshots hold plain data only")


def parse_document(document: Mapping[str, Any] | str | bytes) -> Mapping[str, Any]:
    if isinstance(document, (str, bytes)):
        try:
            document = json.loads(document)
        except ValueError as exc:
            raise SnapshotError(f"snapshot: not valid JSON ({exc}); was the document truncated?") from None
    if not isinstance(document, Mapping):
        raise SnapshotError(f"snapshot: expected a JSON object, got {type(document).__name__}")
    return document


def load_execution(
    execution: TriggerFlowExecution,
    document: Mapping[str, Any] | str | bytes,
    runtime_resources: Mapping[str, object] | None,
    *,
    root: str = "snapshot",
) -> None:
    """Validate *document* completely, then restore it into the fresh *execution*.

    Args:
        root: How messages name the document; a sub-flow frame's child document is checked
            with its path in the parent's (``snapshot["sub_flow_frames"][0]["child"]``), and
            its resources are not checked here (the parent captures them when it resumes).
    """
    doc = parse_document(document)
    if execution.started or execution.lifecycle != "open":
        raise SnapshotError(f"execution {execution.id} has already run; load into a fresh flow.create_execution()")
    plan = execution.plan
    r = _Reader(root)
    fmt = r.field(doc, "format", "")
    if fmt != FORMAT:
        r.fail('["format"]', f"unsupported format {fmt!r}; this tfc reads {FORMAT!r}")
    flow_name = r.typed(doc, "flow", str, "", "a flow name")
    if flow_name != plan.flow_name:
        r.fail('["flow"]', f'the document is from flow "{flow_name}", not "{plan.flow_name}"')
    fingerprint = r.typed(doc, "fingerprint", str, "", "a fingerprint")
    if fingerprint != plan.fingerprint:
        r.fail(
            '["fingerprint"]',
            f'flow "{plan.flow_name}" changed since the document was saved (fingerprint {fingerprint} there,'
            f" {plan.fingerprint} here); load it with the definition it was saved from",
        )
    _forbid_code(dict(doc), root)
    execution_id = r.typed(doc, "execution_id", str, "", "a string id")
    started = r.typed(doc, "started", bool, "", "true or false")
    status = r.typed(doc, "status", str, "", "a status")
    if status not in _STATUSES:
        r.fail('["status"]', f"unknown status {status!r}")
    state = r.typed(doc, "state", dict, "", "an object")
    stream = r.typed(doc, "stream", list, "", "a list")
    blocks = {i for i, n in plan.ir_nodes.items() if isinstance(n, (Batch, ForEach, Branch))}
    steps = set(plan.nodes)

    records: dict[str, Interrupt] = {}
    for i, raw in enumerate(r.typed(doc, "interrupts", list, "", "a list")):
        where = f'["interrupts"][{i}]'
        raw = r.obj(raw, where)
        iid = r.typed(raw, "id", str, where, "a string id")
        step = r.typed(raw, "step", int, where, "a step id")
        if step not in steps:
            r.fail(f'{where}["step"]', f'#{step} is not a step of flow "{plan.flow_name}"')
        istatus = r.typed(raw, "status", str, where, "a status")
        if istatus not in _INTERRUPT_STATUSES:
            r.fail(f'{where}["status"]', f"unknown interrupt status {istatus!r}")
        resume_to = r.typed(raw, "resume_to", str, where, "a resume mode")
        if resume_to not in ("next", "self", "event"):
            r.fail(f'{where}["resume_to"]', f"unknown resume mode {resume_to!r}")
        resume_event = raw.get("resume_event")
        if resume_to == "event" and not isinstance(resume_event, str):
            r.fail(f'{where}["resume_event"]', "an event resume needs an event name")
        frame_id = r.optional(raw, "sub_flow_frame_id", str, where, "a frame id")
        local_id = r.optional(raw, "local_interrupt_id", str, where, "an interrupt id")
        if (frame_id is None) != (local_id is None):
            r.fail(where, "a projected interrupt needs both sub_flow_frame_id and local_interrupt_id")
        chunk = r.typed(raw, "chunk", str, where, "a chunk name")
        node_chunk = getattr(plan.nodes[step], "chunk", None)
        if frame_id is None and isinstance(node_chunk, str) and node_chunk != chunk:
            r.fail(f'{where}["step"]', f'step #{step} runs chunk "{node_chunk}", but the interrupt says "{chunk}"')
        record = Interrupt(
            id=iid,
            type=r.typed(raw, "type", str, where, "a string"),
            payload=raw.get("payload"),
            resume_to=resume_to,
            resume_event=resume_event,
            max_resumes=r.typed(raw, "max_resumes", int, where, "an int"),
            step_id=step,
            scope=r.scope(raw, "scope", where, blocks),
            input=raw.get("input"),
            chunk=chunk,
            flow_name=r.typed(raw, "source_flow_name", str, where, "a flow name"),
            status=istatus,
            resumes=r.typed(raw, "resumes", int, where, "an int"),
            resume_value=raw.get("resume_value"),
            created_at=float(r.optional(raw, "created_at", (int, float), where, "a timestamp") or 0.0),
            resumed_at=r.optional(raw, "resumed_at", (int, float), where, "a timestamp"),
            sub_flow_frame_id=frame_id,
            local_interrupt_id=local_id,
            child_interrupt=r.optional(raw, "child_interrupt", dict, where, "an object"),
        )
        if iid in records:
            r.fail(f'{where}["id"]', f'interrupt id "{iid}" appears twice')
        records[iid] = record

    held: dict[tuple[int, Scope], HeldJoin] = {}
    for i, raw in enumerate(r.typed(doc, "held_joins", list, "", "a list")):
        where = f'["held_joins"][{i}]'
        raw = r.obj(raw, where)
        block = r.typed(raw, "block", int, where, "a block id")
        if block not in blocks:
            r.fail(f'{where}["block"]', f"#{block} is not a block of this flow")
        scope = r.scope(raw, "scope", where, blocks)
        results: list[object] = []
        for j, slot in enumerate(r.typed(raw, "results", list, where, "a list")):
            if slot == ["paused"]:
                results.append(PAUSED)
            elif slot == ["missing"]:
                results.append(MISSING)
            elif isinstance(slot, list) and len(slot) == 2 and slot[0] == "value":
                results.append(slot[1])
            else:
                r.fail(f'{where}["results"][{j}]', f'expected ["value", v], ["paused"] or ["missing"], got {_short(slot)}')
        labels = raw.get("labels")
        if labels is not None and (not isinstance(labels, list) or len(labels) != len(results)):
            r.fail(f'{where}["labels"]', "expected one label per result")
        held[(block, scope)] = HeldJoin(block, scope, results, tuple(labels) if labels is not None else None)

    frames: dict[str, SubFlowFrame] = {}
    child_waiting: dict[str, set[str]] = {}
    for i, raw in enumerate(r.typed(doc, "sub_flow_frames", list, "", "a list")):
        where = f'["sub_flow_frames"][{i}]'
        raw = r.obj(raw, where)
        fid = r.typed(raw, "id", str, where, "a frame id")
        node = r.typed(raw, "node", int, where, "a node id")
        if not isinstance(plan.ir_nodes.get(node), SubFlowCall):
            r.fail(f'{where}["node"]', f"#{node} is not a to_sub_flow step of this flow")
        child_doc = r.typed(raw, "child", dict, where, "the child's document")
        # Check the child's document now, against the child flow as defined today (its
        # changes do not show in this flow's fingerprint), not when a resume rebuilds it.
        probe = plan.nodes[node].child.create_execution(auto_close=False)  # type: ignore[attr-defined]
        load_execution(probe, child_doc, None, root=f'{r.root}{where}["child"]')
        frames[fid] = SubFlowFrame(fid, node, r.scope(raw, "scope", where, blocks), raw.get("value"), None, child_doc)
        child_waiting[fid] = set(probe.interrupts.pending())
    for i, (iid, record) in enumerate(records.items()):
        if record.sub_flow_frame_id is None or record.status != "waiting":
            continue  # a resumed projection's frame is gone once its child finished
        fid = record.sub_flow_frame_id
        where = f'["interrupts"][{i}]'
        if fid not in frames:
            r.fail(where, f'interrupt "{iid}" refers to sub-flow frame "{fid}", which the document lacks')
        frame = frames[fid]
        if record.step_id != frame.node_id or iid != f"{execution_id}:{frame.node_id}:{fid}:{record.local_interrupt_id}":
            r.fail(f'{where}["id"]', f'interrupt "{iid}" does not match its sub-flow frame "{fid}" (step #{frame.node_id})')
        if record.local_interrupt_id not in child_waiting[fid]:
            r.fail(
                f'{where}["local_interrupt_id"]',
                f'"{record.local_interrupt_id}" is not waiting in the child document of frame "{fid}"',
            )

    roots = {root.id for root in plan.ir.roots}
    joins: dict[tuple[int, Scope], dict[tuple[str, str], object]] = {}
    for i, raw in enumerate(r.typed(doc, "when_joins", list, "", "a list")):
        where = f'["when_joins"][{i}]'
        raw = r.obj(raw, where)
        root_id = r.typed(raw, "root", int, where, "a root id")
        if root_id not in roots:
            r.fail(f'{where}["root"]', f"#{root_id} is not a when() root of this flow")
        slots = {}
        for j, slot in enumerate(r.typed(raw, "slots", list, where, "a list")):
            if not (isinstance(slot, list) and len(slot) == 3 and isinstance(slot[0], str) and isinstance(slot[1], str)):
                r.fail(f'{where}["slots"][{j}]', "expected [kind, name, value]")
            slots[(slot[0], slot[1])] = slot[2]
        joins[(root_id, r.scope(raw, "scope", where, blocks))] = slots
    collections = r.typed(doc, "collections", dict, "", "an object")
    for name, slots in collections.items():
        r.obj(slots, f'["collections"][{json.dumps(name)}]')
    requests = {}
    for rid, pair in r.typed(doc, "requests", dict, "", "an object").items():
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
            r.fail(f'["requests"][{json.dumps(rid)}]', "expected [interrupt id, payload]")
        if pair[0] not in records:
            r.fail(f'["requests"][{json.dumps(rid)}]', f'names interrupt "{pair[0]}", which the document lacks')
        requests[rid] = (pair[0], pair[1])

    resources = {**execution.flow._resources, **execution._own_resources, **(runtime_resources or {})}
    missing = [name for name in _required_resources(execution) if name not in resources] if root == "snapshot" else []
    if missing:
        raise ResourceError(
            f'loading execution {execution_id} of flow "{plan.flow_name}": required resources missing: '
            f"{', '.join(missing)}; pass them with load(..., runtime_resources={{...}})"
        )

    # Everything checked: now restore.
    execution.id = execution_id
    execution._own_resources.update(runtime_resources or {})
    execution.state.restore(state)
    for item in stream:
        execution.stream.put(item)
    execution.status = status
    execution.started = started
    execution.joins = joins
    execution.collections = {k: dict(v) for k, v in collections.items()}
    book = execution.interrupts
    book.records = records
    book.held = held
    book.frames = frames
    book.requests = requests


def _required_resources(execution: TriggerFlowExecution) -> list[str]:
    schema = execution.flow.schemas.resources
    if schema is None:
        return []
    if isinstance(schema, (list, tuple, set, frozenset)):
        return [str(x) for x in schema]
    required = getattr(schema, "__required_keys__", None)
    if required is not None:
        return sorted(required)
    return sorted(getattr(schema, "__annotations__", {}))
