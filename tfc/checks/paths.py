"""Capture and write_back paths against the declared schemas (TFC201, 202, 205, 206, 207).

For each `to_sub_flow` call: every capture source must exist in what it reads (the
current value, the parent's state, the parent's declared resources), every capture
target in the child (its input, state and resources schemas), every write_back source in
the child's result or state (``result.x`` falls back to the snapshot, as at run time) and
every ``state.<name>`` target in the parent's state. Where both ends have types, the value
must fit: TFC205 for captures, TFC206 for write_backs.

A side without a schema is not checked, so untyped flows produce nothing here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..diagnostics import (
    CAPTURE_TYPE_MISMATCH,
    UNKNOWN_CAPTURE_PATH,
    UNKNOWN_FIELD,
    UNKNOWN_RESOURCE,
    UNKNOWN_WRITE_BACK_PATH,
    WRITE_BACK_TYPE_MISMATCH,
    Code,
    Diagnostic,
    did_you_mean,
)
from ..ir.nodes import Binding, FlowIR, SubFlowCall
from ..typecheck.fields import PathType, follow
from ..typecheck.subset import SubsetChecker
from ..typecheck.terms import ANY, AnyType, Ty, display
from .common import location, note, walk
from .edges import infer_types
from .facts import TypeFacts

__all__ = ("check_paths",)


def check_paths(ir: FlowIR, facts: TypeFacts) -> Iterator[Diagnostic]:
    """Every capture/write_back path problem of *ir*'s sub-flow calls."""
    calls = [n for n in walk(ir) if isinstance(n, SubFlowCall)]
    if not calls:
        return
    typing = infer_types(ir, facts)
    checker = typing.checker
    for call in calls:
        child = facts.child_flow(call)
        yield from _Call(ir, call, child, facts, checker, typing.incoming.get(call.id, ANY)).check()


@dataclass
class _Call:
    parent: FlowIR
    call: SubFlowCall
    child: FlowIR | None
    facts: TypeFacts
    checker: SubsetChecker
    value: Ty

    def schema(self, side: str, role: str) -> Ty | None:
        flow = self.parent if side == "parent" else self.child
        if flow is None:
            return None
        return self.facts.schema(flow, role)  # type: ignore[arg-type]

    def check(self) -> Iterator[Diagnostic]:
        if self.call.capture is None:
            want = self.schema("child", "input")
            if want is not None and not self._fits(want, self.value):
                yield self._diag(
                    CAPTURE_TYPE_MISMATCH,
                    f'sub-flow "{self.call.child}" starts with the current value ({display(self.value)}), '
                    f"but its input is {display(want)}",
                    None,
                )
        else:
            for binding in self.call.capture:
                yield from self._capture(binding)
        for binding in self.call.write_back or ():
            yield from self._write_back(binding)

    # -- capture -------------------------------------------------------------------------

    def _capture(self, b: Binding) -> Iterator[Diagnostic]:
        scope, segments = _split(b.source)
        got: Ty = ANY
        if scope == "value":
            found = follow(self.value, segments)
            if found.status == "missing":
                yield self._missing(UNKNOWN_CAPTURE_PATH, "capture", b.source, found, b)
                return
            got = found.ty
        elif scope == "state":
            schema = self.schema("parent", "state")
            if schema is not None:
                found = follow(schema, segments)
                if found.status == "missing":
                    yield self._missing(UNKNOWN_CAPTURE_PATH, "capture", b.source, found, b)
                    return
                got = found.ty
        elif scope == "resources":
            diag, got = self._resource("parent", b.source, segments, b)
            if diag is not None:
                yield diag
                return
        yield from self._capture_target(b, got)

    def _capture_target(self, b: Binding, got: Ty) -> Iterator[Diagnostic]:
        scope, segments = _split(b.target)
        want: Ty = ANY
        if scope == "input":
            want = self.schema("child", "input") or ANY
        elif scope == "state":
            schema = self.schema("child", "state")
            if schema is not None:
                found = follow(schema, segments)
                if found.status == "missing":
                    yield self._missing(UNKNOWN_CAPTURE_PATH, "capture target", b.target, found, b, side="child")
                    return
                want = found.ty
        elif scope == "resources":
            diag, want = self._resource("child", b.target, segments, b)
            if diag is not None:
                yield diag
                return
        if not self._fits(want, got):
            yield self._diag(
                CAPTURE_TYPE_MISMATCH,
                f'capture "{b.target}" <- "{b.source}": the value is {display(got)}, but sub-flow '
                f'"{self.call.child}" expects {display(want)}',
                b,
            )

    def _resource(
        self, side: str, path: str, segments: tuple[str | int, ...], b: Binding
    ) -> tuple[Diagnostic | None, Ty]:
        schema = self.schema(side, "resources")
        if schema is None or not segments:
            return None, ANY
        found = follow(schema, segments[:1])
        if found.status == "missing":
            whose = "this flow" if side == "parent" else f'sub-flow "{self.call.child}"'
            close = did_you_mean(found.missing, found.known)
            return (
                self._diag(
                    UNKNOWN_RESOURCE,
                    f'capture path "{path}": {whose} declares no resource "{found.missing}"',
                    b,
                    help=f'did you mean "resources.{close}"?' if close else None,
                ),
                ANY,
            )
        rest = follow(found.ty, segments[1:])
        return None, rest.ty if rest.status == "ok" else ANY

    # -- write_back ----------------------------------------------------------------------

    def _write_back(self, b: Binding) -> Iterator[Diagnostic]:
        scope, segments = _split(b.source)
        got: Ty = ANY
        if self.child is not None:
            state = self.schema("child", "state")
            places = [self.schema("child", "result"), state] if scope == "result" else [state]
            outcome = [None if s is None else follow(s, segments) for s in places]
            oks = [o for o in outcome if o is not None and o.status == "ok"]
            if oks:
                got = oks[0].ty
            elif outcome and all(o is not None and o.status == "missing" for o in outcome):
                first = outcome[0]
                assert first is not None
                yield self._missing(UNKNOWN_WRITE_BACK_PATH, "write_back", b.source, first, b, side="child")
                return
        target_scope, target_segments = _split(b.target)
        if target_scope != "state":
            return
        schema = self.schema("parent", "state")
        if schema is None:
            return
        found = follow(schema, target_segments)
        if found.status == "missing":
            yield self._missing(UNKNOWN_WRITE_BACK_PATH, "write_back target", b.target, found, b)
            return
        if found.status == "ok" and not self._fits(found.ty, got):
            yield self._diag(
                WRITE_BACK_TYPE_MISMATCH,
                f'write_back "{b.target}" <- "{b.source}": sub-flow "{self.call.child}" gives '
                f"{display(got)}, but the parent's {b.target} is {display(found.ty)}",
                b,
            )

    # -- helpers -------------------------------------------------------------------------

    def _fits(self, want: Ty, got: Ty) -> bool:
        return isinstance(want, AnyType) or isinstance(got, AnyType) or self.checker.accepts(want, got)

    def _missing(
        self, code: Code, role: str, path: str, found: PathType, b: Binding, side: str = "parent"
    ) -> Diagnostic:
        close = did_you_mean(found.missing, found.known)
        head = path.split(".")[0]
        prefix = ".".join(p for p in (head, found.walked) if p)
        fix = f'did you mean "{prefix}.{close}"?' if close else None
        owner = found.owner if side == "parent" else f'{found.owner} (sub-flow "{self.call.child}")'
        message = UNKNOWN_FIELD.format(role=role, path=path, owner=owner, field=found.missing)
        return self._diag(code, message, b, help=fix)

    def _diag(self, code: Code, message: str, b: Binding | None, *, help: str | None = None) -> Diagnostic:
        loc = b.loc if b is not None and b.loc is not None else self.call.loc
        notes = [] if loc is self.call.loc else [note("in this to_sub_flow() call", self.call.loc)]
        return Diagnostic(code, message, location(loc), help=help, notes=notes)


def _split(path: str) -> tuple[str, tuple[str | int, ...]]:
    head, _, rest = path.partition(".")
    scope = "state" if head == "runtime_data" else head
    segments = tuple(int(s) if s.isdigit() else s for s in rest.split(".")) if rest else ()
    return scope, segments
