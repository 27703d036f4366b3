"""Record builder calls as a draft graph, then freeze it into the IR.

This is the one place that knows what each builder call means for the graph. The runtime
frontend (`Process`, `TriggerFlow`) calls it with live chunks and the caller's location;
the static frontend calls it with `ChunkRef`s read from source. Both therefore produce the
same IR. Mistakes that leave nothing to record (closing a block that is not open, a
`case_else` before any `case`) are reported through ``report`` at once; mistakes the IR can
represent (a block never closed) are left to the checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from .. import diagnostics as codes
from ..diagnostics import Code
from ..ir.nodes import (
    Batch,
    Binding,
    Branch,
    Case,
    ChunkRef,
    Collect,
    Condition,
    End,
    FlowIR,
    ForEach,
    Loc,
    Node,
    Root,
    Schemas,
    Signal,
    Step,
    SubFlowCall,
)

__all__ = ("Anchor", "Block", "GraphRecorder", "Report")

Report = Callable[[Code, str, Loc, "str | None"], None]
"""``report(code, message, loc, help)``: raise (runtime frontend) or collect (static)."""


@dataclass(eq=False)
class _Draft:
    id: int
    loc: Loc
    next: list[_Draft] = field(default_factory=list)


@dataclass(eq=False)
class _Body:
    """The start of a block body: successors attach here."""

    next: list[_Draft] = field(default_factory=list)


@dataclass(eq=False)
class _DRoot:
    id: int
    loc: Loc
    signals: tuple[Signal, ...]
    mode: Literal["and", "or", "simple_or"]
    next: list[_Draft] = field(default_factory=list)


@dataclass(eq=False)
class _DStep(_Draft):
    chunk: ChunkRef | None = None
    side: bool = False


@dataclass(eq=False)
class _DBatch(_Draft):
    branches: list[_DStep] = field(default_factory=list)
    concurrency: int | None = None
    side: bool = False


@dataclass(eq=False)
class _DForEach(_Draft):
    body: _Body = field(default_factory=_Body)
    exit: _Draft | None = None
    concurrency: int | None = None
    end_loc: Loc | None = None


@dataclass(eq=False)
class _DCase:
    loc: Loc
    condition: Condition
    body: _Body = field(default_factory=_Body)
    exit: _Draft | None = None
    closed: bool = False


@dataclass(eq=False)
class _DBranch(_Draft):
    mode: Literal["hit_first", "hit_all"] = "hit_first"
    form: Literal["match", "if"] = "match"
    cases: list[_DCase] = field(default_factory=list)
    end_loc: Loc | None = None


@dataclass(eq=False)
class _DSubFlow(_Draft):
    child: str = ""
    capture: tuple[Binding, ...] | None = None
    write_back: tuple[Binding, ...] | None = None
    concurrency: int | None = None
    side: bool = False
    flow: object = None


@dataclass(eq=False)
class _DEnd(_Draft):
    pass


@dataclass(eq=False)
class _DCollect(_Draft):
    name: str = ""
    branch_id: str = ""
    mode: Literal["filled_and_update", "filled_then_empty"] = "filled_and_update"


Anchor = _Draft | _Body | _DRoot | None
"""Where the next `.to()` attaches; ``None`` inside a `match()` before its first `case()`."""


@dataclass(frozen=True, eq=False)
class Block:
    """An open block on a handle's stack: a for_each, or a branch and its current case."""

    node: _DForEach | _DBranch
    case: _DCase | None = None


_BLOCK_WORDS = {"for_each": "for_each()", "if": "if_condition()", "match": "match()"}


def _block_word(block: Block) -> str:
    if isinstance(block.node, _DForEach):
        return "for_each()"
    return _BLOCK_WORDS[block.node.form]


class GraphRecorder:
    """The draft graph of one flow."""

    def __init__(self, name: str, loc: Loc, report: Report) -> None:
        self.name = name
        self.loc = loc
        self.report = report
        self._ids = 0
        self.version = 0
        """Bumped on every recorded call; the compiled plan is cached against it."""
        self.roots: list[_DRoot] = []
        self._collect_ids: dict[str, int] = {}
        self.start = self.add_root((Signal("start", "START"),), "and", loc)

    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def _touch(self) -> None:
        self.version += 1

    # -- roots -------------------------------------------------------------------------

    def add_root(
        self, signals: tuple[Signal, ...], mode: Literal["and", "or", "simple_or"], loc: Loc
    ) -> _DRoot:
        root = _DRoot(self._next_id(), loc, signals, mode)
        self.roots.append(root)
        self._touch()
        return root

    # -- attaching ---------------------------------------------------------------------

    def _attach(self, anchor: Anchor, node: _Draft, what: str) -> None:
        if anchor is None:
            self.report(
                codes.UNBALANCED_END,
                f"{what} inside match() before any case(): nothing would route to it",
                node.loc,
                "call .case(...) first",
            )
            return
        anchor.next.append(node)
        self._touch()

    def step(self, anchor: Anchor, chunk: ChunkRef, loc: Loc, *, side: bool = False) -> _DStep:
        node = _DStep(self._next_id(), loc, chunk=chunk, side=side)
        self._attach(anchor, node, "side_branch()" if side else ".to()")
        return node

    def batch(
        self,
        anchor: Anchor,
        branches: list[tuple[ChunkRef, Loc]],
        loc: Loc,
        *,
        concurrency: int | None,
        side: bool,
    ) -> _DBatch:
        node = _DBatch(self._next_id(), loc, concurrency=concurrency, side=side)
        node.branches = [_DStep(self._next_id(), bloc, chunk=ref) for ref, bloc in branches]
        self._attach(anchor, node, "batch()")
        return node

    def sub_flow(
        self,
        anchor: Anchor,
        child: str,
        loc: Loc,
        *,
        capture: tuple[Binding, ...] | None,
        write_back: tuple[Binding, ...] | None,
        concurrency: int | None,
        side: bool,
        flow: object = None,
    ) -> _DSubFlow:
        node = _DSubFlow(
            self._next_id(),
            loc,
            child=child,
            capture=capture,
            write_back=write_back,
            concurrency=concurrency,
            side=side,
            flow=flow,
        )
        self._attach(anchor, node, "to_sub_flow()")
        return node

    def end(self, anchor: Anchor, loc: Loc) -> _DEnd:
        node = _DEnd(self._next_id(), loc)
        self._attach(anchor, node, "end()")
        return node

    def collect(
        self,
        anchor: Anchor,
        name: str,
        branch_id: str | None,
        mode: Literal["filled_and_update", "filled_then_empty"],
        loc: Loc,
    ) -> _DCollect:
        if branch_id is None:
            branch_id = str(self._collect_ids.get(name, 0))
        self._collect_ids[name] = self._collect_ids.get(name, 0) + 1
        node = _DCollect(self._next_id(), loc, name=name, branch_id=branch_id, mode=mode)
        self._attach(anchor, node, "collect()")
        return node

    # -- blocks ------------------------------------------------------------------------

    def for_each(self, anchor: Anchor, loc: Loc, concurrency: int | None) -> _DForEach:
        node = _DForEach(self._next_id(), loc, concurrency=concurrency)
        self._attach(anchor, node, "for_each()")
        return node

    def end_for_each(self, anchor: Anchor, blocks: tuple[Block, ...], loc: Loc) -> _DForEach | None:
        block = self._innermost(blocks, "end_for_each()", loc)
        if block is None:
            return None
        node = block.node
        if not isinstance(node, _DForEach):
            self._wrong_block(block, "end_for_each()", loc)
            return None
        if node.end_loc is not None:
            self.report(
                codes.UNBALANCED_END,
                f"end_for_each(): this for_each() was already closed at {node.end_loc}",
                loc,
                None,
            )
            return None
        node.exit = anchor if isinstance(anchor, _Draft) else None
        node.end_loc = loc
        self._touch()
        return node

    def branch(
        self,
        anchor: Anchor,
        loc: Loc,
        *,
        form: Literal["match", "if"],
        mode: Literal["hit_first", "hit_all"],
        first: Condition | None,
    ) -> tuple[_DBranch, _DCase | None]:
        node = _DBranch(self._next_id(), loc, mode=mode, form=form)
        self._attach(anchor, node, "if_condition()" if form == "if" else "match()")
        case = None
        if first is not None:
            case = _DCase(loc, first)
            node.cases.append(case)
        return node, case

    def case(
        self,
        anchor: Anchor,
        blocks: tuple[Block, ...],
        condition: Condition,
        loc: Loc,
        *,
        word: str,
        form: Literal["match", "if"],
    ) -> tuple[_DBranch, _DCase] | None:
        """Open a new case (``case``, ``case_else``, ``elif_condition``, ``else_condition``)."""
        block = self._innermost(blocks, word, loc)
        if block is None:
            return None
        node = block.node
        if not isinstance(node, _DBranch) or node.form != form:
            self._wrong_block(block, word, loc)
            return None
        if condition.kind == "else":
            if not node.cases:
                self.report(
                    codes.MISPLACED_CASE_ELSE,
                    f"{word} before any case(): there is nothing for it to be the else of",
                    loc,
                    "add a .case(...) first, or use .to(...) if every value should take this path",
                )
                return None
            if any(c.condition.kind == "else" for c in node.cases):
                self.report(
                    codes.MISPLACED_CASE_ELSE,
                    f"{word} twice in one {_block_word(block)} block",
                    loc,
                    None,
                )
                return None
        if node.end_loc is not None:
            self.report(codes.UNBALANCED_END, f"{word}: this block was already closed at {node.end_loc}", loc, None)
            return None
        if block.case is not None:
            self._close_case(block.case, anchor)
        case = _DCase(loc, condition)
        node.cases.append(case)
        self._touch()
        return node, case

    def end_branch(
        self, anchor: Anchor, blocks: tuple[Block, ...], loc: Loc, *, word: str, form: Literal["match", "if"]
    ) -> _DBranch | None:
        block = self._innermost(blocks, word, loc)
        if block is None:
            return None
        node = block.node
        if not isinstance(node, _DBranch) or node.form != form:
            self._wrong_block(block, word, loc)
            return None
        if node.end_loc is not None:
            self.report(codes.UNBALANCED_END, f"{word}: this block was already closed at {node.end_loc}", loc, None)
            return None
        if block.case is not None:
            self._close_case(block.case, anchor)
        node.end_loc = loc
        self._touch()
        return node

    @staticmethod
    def _close_case(case: _DCase, anchor: Anchor) -> None:
        if not case.closed:
            case.exit = anchor if isinstance(anchor, _Draft) else None
            case.closed = True

    def _innermost(self, blocks: tuple[Block, ...], word: str, loc: Loc) -> Block | None:
        if not blocks:
            opener = {
                "end_for_each()": "for_each()",
                "end_condition()": "if_condition()",
                "elif_condition()": "if_condition()",
                "else_condition()": "if_condition()",
                "end_match()": "match()",
                "case()": "match()",
                "case_else()": "match()",
            }.get(word, "a block")
            self.report(
                codes.UNBALANCED_END,
                f"{word} without an open {opener}",
                loc,
                f"open the block with .{opener[:-2]}(...) earlier in this chain",
            )
            return None
        return blocks[-1]

    def _wrong_block(self, block: Block, word: str, loc: Loc) -> None:
        closer = {
            "for_each()": ".end_for_each()",
            "if_condition()": ".end_condition()",
            "match()": ".end_match()",
        }[_block_word(block)]
        self.report(
            codes.UNBALANCED_END,
            f"{word} while the innermost open block is the {_block_word(block)} at {block.node.loc}",
            loc,
            f"close it with {closer} first",
        )

    # -- freezing ----------------------------------------------------------------------

    def freeze(
        self,
        chunks: tuple[ChunkRef, ...],
        schemas: Schemas | None = None,
        schema_names: tuple[tuple[str, str], ...] = (),
    ) -> FlowIR:
        """The IR of everything recorded so far."""
        roots = tuple(
            Root(r.id, r.loc, r.signals, r.mode, _freeze_all(r.next)) for r in self.roots
        )
        return FlowIR(self.name, self.loc, roots, chunks, schemas or Schemas(), schema_names)


def _children(d: _Draft) -> list[_Draft]:
    """The drafts *d*'s frozen form contains: successors and block bodies."""
    out = list(d.next)
    if isinstance(d, _DForEach):
        out.extend(d.body.next)
    elif isinstance(d, _DBranch):
        for case in d.cases:
            out.extend(case.body.next)
    return out


def _freeze_all(drafts: list[_Draft]) -> tuple[Node, ...]:
    """Freeze *drafts* bottom-up without recursion (a chain may be thousands of steps long)."""
    frozen: dict[int, Node] = {}
    stack: list[tuple[_Draft, bool]] = [(d, False) for d in reversed(drafts)]
    while stack:
        draft, ready = stack.pop()
        if id(draft) in frozen:
            continue
        if ready:
            frozen[id(draft)] = _freeze(draft, frozen)
            continue
        stack.append((draft, True))
        stack.extend((c, False) for c in reversed(_children(draft)) if id(c) not in frozen)
    return tuple(frozen[id(d)] for d in drafts)


def _exit_id(exit: _Draft | None) -> int | None:
    return None if exit is None else exit.id


def _freeze(d: _Draft, frozen: dict[int, Node]) -> Node:
    def done(drafts: list[_Draft]) -> tuple[Node, ...]:
        return tuple(frozen[id(x)] for x in drafts)

    nxt = done(d.next)
    if isinstance(d, _DStep):
        assert d.chunk is not None
        return Step(d.id, d.loc, d.chunk, nxt, d.side)
    if isinstance(d, _DBatch):
        branches = tuple(Step(b.id, b.loc, b.chunk) for b in d.branches if b.chunk is not None)
        return Batch(d.id, d.loc, branches, d.concurrency, nxt, d.side)
    if isinstance(d, _DForEach):
        return ForEach(d.id, d.loc, done(d.body.next), _exit_id(d.exit), d.concurrency, d.end_loc, nxt)
    if isinstance(d, _DBranch):
        cases = tuple(Case(c.loc, c.condition, done(c.body.next), _exit_id(c.exit)) for c in d.cases)
        return Branch(d.id, d.loc, d.mode, cases, d.form, d.end_loc, nxt)
    if isinstance(d, _DSubFlow):
        return SubFlowCall(d.id, d.loc, d.child, d.capture, d.write_back, d.concurrency, nxt, d.side, d.flow)
    if isinstance(d, _DEnd):
        return End(d.id, d.loc, nxt)
    if isinstance(d, _DCollect):
        return Collect(d.id, d.loc, d.name, d.branch_id, d.mode, nxt)
    raise AssertionError(f"unknown draft {d!r}")
