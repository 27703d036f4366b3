"""Types across edges (TFC4xx): does each step accept what arrives at it?

`infer_types` follows every chain from its root, computing the type of the value that
reaches each node from the handlers' annotations and the flow's schemas (through
`TypeFacts`). A step whose declared input cannot accept that type is reported at its
builder call, under the code that names where the value came from: a plain step (TFC401),
a batch (TFC403, naming missing or misnamed keys), branches joining (TFC404) or a sub-flow
(TFC405). `for_each` over a value that is not iterable is TFC402.

Untyped handlers and flows without schemas give `Any` everywhere, so they produce nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..diagnostics import (
    BATCH_RESULT_MISMATCH,
    BRANCH_JOIN_MISMATCH,
    EDGE_TYPE_MISMATCH,
    FOR_EACH_NOT_ITERABLE,
    SUB_FLOW_RESULT_MISMATCH,
    VALUE_NOT_ITERABLE,
    VALUE_TYPE_MISMATCH,
    Code,
    Diagnostic,
    Note,
    did_you_mean,
)
from ..ir.nodes import Batch, Branch, Collect, End, FlowIR, ForEach, Node, Root, Step, SubFlowCall
from ..typecheck.fields import follow
from ..typecheck.subset import SubsetChecker
from ..typecheck.terms import ANY, AnyType, Ty, TypedDictType, builtin, display, list_of, union
from .common import location, note
from .facts import TypeFacts

__all__ = ("Origin", "Typing", "check_edges", "infer_types")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a value came from, for messages: a step, a batch, a branch join, a sub-flow..."""

    kind: str
    """``start``, ``when``, ``step``, ``batch``, ``branch``, ``sub_flow``, ``for_each``."""
    text: str
    """How the message names it: ``chunk "normalize"``, ``the batch``..."""
    node: Node | Root | None = None
    cases: tuple[tuple[int, Ty], ...] = ()
    """For a branch join: (case index, the case's result type); -1 is the pass-through."""


@dataclass
class Typing:
    """What `infer_types` found: the type reaching each node, and the edge problems."""

    incoming: dict[int, Ty] = field(default_factory=dict)
    outgoing: dict[int, Ty] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    checker: SubsetChecker = field(default_factory=SubsetChecker)


def check_edges(ir: FlowIR, facts: TypeFacts) -> Iterator[Diagnostic]:
    """Every TFC4xx problem of *ir*."""
    yield from infer_types(ir, facts).diagnostics


def infer_types(ir: FlowIR, facts: TypeFacts, checker: SubsetChecker | None = None) -> Typing:
    """Follow every chain of *ir*, recording the type reaching each node (see module doc)."""
    typer = _Typer(ir, facts, Typing(checker=checker or SubsetChecker()))
    for root in ir.roots:
        ty, origin = typer.root_type(root)
        typer.chain(root.next, ty, origin)
    for followers, origin in typer.collect_followers:
        typer.chain(followers, builtin("dict", builtin("str"), ANY), origin)
    return typer.result


class _Typer:
    def __init__(self, ir: FlowIR, facts: TypeFacts, result: Typing) -> None:
        self.ir = ir
        self.facts = facts
        self.result = result
        self.check = result.checker
        self.state = facts.schema(ir, "state")
        self.collect_followers: list[tuple[tuple[Node, ...], Origin]] = []

    # -- roots -------------------------------------------------------------------------

    def root_type(self, root: Root) -> tuple[Ty, Origin]:
        signals = root.signals
        origin = Origin("when", "the when() trigger", root)
        if len(signals) == 1 and signals[0].kind == "start":
            schema = self.facts.schema(self.ir, "input")
            if schema is None:
                return ANY, Origin("start", "the start input", root)
            return schema, Origin("start", "the flow's input", root)
        if len(signals) > 1 and root.mode != "simple_or":
            return ANY, origin
        types = [self._signal_type(s.kind, s.name) for s in signals]
        return union(types), Origin("when", f"when({_describe_signals(root)})", root)

    def _signal_type(self, kind: str, name: str) -> Ty:
        if kind == "runtime_data" and self.state is not None:
            found = follow(self.state, tuple(name.split(".")))
            return found.ty if found.status == "ok" else ANY
        if kind == "chunk":
            for chunk in self.ir.chunks:
                if chunk.name == name:
                    return self.facts.chunk_types(chunk).output
        return ANY

    # -- chains ------------------------------------------------------------------------

    def chain(self, nodes: tuple[Node, ...], ty: Ty, origin: Origin) -> None:
        """Type every node from *nodes* on; loops along linear runs (chains can be long)."""
        stack = [(n, ty, origin) for n in reversed(nodes)]
        while stack:
            node, in_ty, in_origin = stack.pop()
            out = self.node(node, in_ty, in_origin)
            if out is None:
                continue
            out_ty, out_origin = out
            self.result.outgoing[node.id] = out_ty
            stack.extend((n, out_ty, out_origin) for n in reversed(node.next))

    def node(self, node: Node, ty: Ty, origin: Origin) -> tuple[Ty, Origin] | None:
        self.result.incoming[node.id] = ty
        if isinstance(node, Step):
            self.receive(node, ty, origin)
            return self.facts.chunk_types(node.chunk).output, Origin("step", f'chunk "{node.chunk.name}"', node)
        if isinstance(node, Batch):
            return self.batch(node, ty, origin)
        if isinstance(node, ForEach):
            return self.for_each(node, ty, origin)
        if isinstance(node, Branch):
            return self.branch(node, ty, origin)
        if isinstance(node, SubFlowCall):
            return self.sub_flow(node, ty), Origin("sub_flow", f'sub-flow "{node.child}"', node)
        if isinstance(node, End):
            return ty, origin
        if isinstance(node, Collect):
            if node.next:
                self.collect_followers.append((node.next, Origin("when", f'collect("{node.name}")', node)))
            return None
        raise AssertionError(node)  # pragma: no cover - exhaustive

    def batch(self, node: Batch, ty: Ty, origin: Origin) -> tuple[Ty, Origin]:
        fields: list[tuple[str, Ty]] = []
        for branch in node.branches:
            self.result.incoming[branch.id] = ty
            self.receive(branch, ty, origin, token="batch")
            out = self.facts.chunk_types(branch.chunk).output
            self.result.outgoing[branch.id] = out
            fields = [f for f in fields if f[0] != branch.chunk.name] + [(branch.chunk.name, out)]
        inner = ", ".join(f"{k}: {display(t)}" for k, t in fields)
        result = TypedDictType(f"{{{inner}}}", tuple(fields), frozenset(k for k, _ in fields))
        return result, Origin("batch", "the batch", node)

    def for_each(self, node: ForEach, ty: Ty, origin: Origin) -> tuple[Ty, Origin]:
        split = self.check.iteration(ty)
        if split.iterable is False:
            self.emit(
                FOR_EACH_NOT_ITERABLE,
                VALUE_NOT_ITERABLE.format(source=origin.text, produced=display(ty)),
                node,
                "for_each",
                help="for_each() runs its body once per item of a list or tuple",
                notes=_origin_notes(origin),
            )
        item = split.item if split.iterable is not False else ANY
        self.chain(node.body, item, Origin("for_each", "each for_each() item", node))
        exit_ty = item if node.exit is None else self.result.outgoing.get(node.exit, ANY)
        return list_of(exit_ty), Origin("for_each", "end_for_each()", node)

    def branch(self, node: Branch, ty: Ty, origin: Origin) -> tuple[Ty, Origin]:
        cases: list[tuple[int, Ty]] = []
        for i, case in enumerate(node.cases):
            self.chain(case.body, ty, origin)
            cases.append((i, ty if case.exit is None else self.result.outgoing.get(case.exit, ANY)))
        if not any(c.condition.kind == "else" for c in node.cases):
            cases.append((-1, ty))  # no case hits: the input passes through
        if node.mode == "hit_all":
            hits = [t for i, t in cases if i >= 0]
            joined: Ty = list_of(union(hits)) if hits else ty
            if cases[-1][0] == -1:
                joined = union([joined, ty])
        else:
            joined = union([t for _, t in cases])
        closer = "end_condition()" if node.form == "if" else "end_match()"
        return joined, Origin("branch", f"the value after {closer}", node, tuple(cases))

    def sub_flow(self, node: SubFlowCall, ty: Ty) -> Ty:
        if node.write_back is not None:
            value = [b for b in node.write_back if b.target == "value"]
            if not value:
                return ty if not any(b.target.startswith("value.") for b in node.write_back) else ANY
            return self._child_source_type(node, value[0].source)
        child = self.facts.child_flow(node)
        if child is None:
            return ANY
        result = self.facts.schema(child, "result")
        return result if result is not None else ANY

    def _child_source_type(self, node: SubFlowCall, source: str) -> Ty:
        child = self.facts.child_flow(node)
        if child is None:
            return ANY
        scope, _, rest = source.partition(".")
        segments = tuple(int(s) if s.isdigit() else s for s in rest.split(".")) if rest else ()
        schemas = [self.facts.schema(child, "result")] if scope == "result" else []
        schemas.append(self.facts.schema(child, "state"))
        for schema in schemas:
            if schema is None:
                return ANY
            found = follow(schema, segments)
            if found.status == "ok":
                return found.ty
            if found.status == "unknown":
                return ANY
        return ANY

    # -- the check itself --------------------------------------------------------------

    def receive(self, step: Step, ty: Ty, origin: Origin, token: str = "") -> None:
        """Report *step* if its chunk cannot accept a value of type *ty* from *origin*."""
        declared = self.facts.chunk_types(step.chunk)
        want = declared.input
        if isinstance(want, AnyType) or isinstance(ty, AnyType) or self.check.accepts(want, ty):
            return
        target = f'chunk "{step.chunk.name}"'
        message = VALUE_TYPE_MISMATCH.format(
            source=origin.text, produced=display(ty), target=target, expected=display(want)
        )
        if origin.kind not in ("step", "sub_flow"):
            message = f"{origin.text} is {display(ty)}, but {target} expects {display(want)}"
        notes = [*_origin_notes(origin), note(f"{target} declares its input here", declared.loc)]
        code: Code = EDGE_TYPE_MISMATCH
        help_text: str | None = None
        if origin.kind == "batch" and isinstance(ty, TypedDictType):
            code = BATCH_RESULT_MISMATCH
            message, help_text = self._batch_detail(ty, want, target, message)
        elif origin.kind == "branch":
            code = BRANCH_JOIN_MISMATCH
            message, notes = self._join_detail(origin, want, target, notes)
        elif origin.kind == "sub_flow":
            code = SUB_FLOW_RESULT_MISMATCH
        self.emit(code, message, step, token or ("side_branch" if step.side else ""), help=help_text, notes=notes)

    def _batch_detail(self, got: TypedDictType, want: Ty, target: str, message: str) -> tuple[str, str | None]:
        if not isinstance(want, TypedDictType):
            return message, None
        have = [k for k, _ in got.fields]
        missing = [k for k in sorted(want.required) if got.field(k) is None]
        if missing:
            key = missing[0]
            extra = [k for k in have if want.field(k) is None]
            close = did_you_mean(key, extra)
            text = f'the batch has no branch "{key}", which {target} expects ({want.name} requires it)'
            help_text = (
                f'the batch has a branch "{close}": rename the chunk to "{key}" or the key to "{close}"'
                if close
                else f'add a chunk named "{key}" to the batch'
            )
            return text, help_text
        for key, want_ty in want.fields:
            got_ty = got.field(key)
            if got_ty is not None and not self.check.accepts(want_ty, got_ty):
                return (
                    f'batch branch "{key}" returns {display(got_ty)}, but {target} expects '
                    f'"{key}" to be {display(want_ty)} ({want.name})',
                    None,
                )
        return message, None

    def _join_detail(
        self, origin: Origin, want: Ty, target: str, notes: list[Note]
    ) -> tuple[str, list[Note]]:
        node = origin.node
        assert isinstance(node, Branch)
        for index, case_ty in origin.cases:
            if self.check.accepts(want, case_ty):
                continue
            if index < 0:
                return (
                    f"when no branch matches, the input ({display(case_ty)}) passes through to "
                    f"{target}, which expects {display(want)}",
                    [*notes, note("add an else branch so every value is converted", node.loc)],
                )
            case = node.cases[index]
            which = "the else branch" if case.condition.kind == "else" else f"branch {index + 1}"
            return (
                f"{which} of this {node.form} block returns {display(case_ty)}, but {target} after it "
                f"expects {display(want)}",
                [note(f"{which} starts here", case.loc), *notes],
            )
        return f"{origin.text} is {display(union([t for _, t in origin.cases]))}, but {target} expects {display(want)}", notes

    def emit(
        self,
        code: Code,
        message: str,
        node: Node,
        token: str,
        *,
        help: str | None = None,
        notes: list[Note] | tuple[Note, ...] = (),
    ) -> None:
        self.result.diagnostics.append(Diagnostic(code, message, location(node.loc, token), help=help, notes=notes))


def _origin_notes(origin: Origin) -> list[Note]:
    node = origin.node
    if origin.kind in ("step", "sub_flow") and node is not None:
        return [note(f"{origin.text} is here", node.loc)]
    return []


def _describe_signals(root: Root) -> str:
    parts = []
    for s in root.signals:
        if s.kind == "chunk":
            parts.append(s.name)
        elif s.kind == "event":
            parts.append(f'"{s.name}"')
        else:
            parts.append(f'{{"{s.kind}": "{s.name}"}}')
    return ", ".join(parts)
