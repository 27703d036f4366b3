"""Graph-shape checks (TFC1xx) that the IR can express.

Blocks never closed (TFC101), one chunk name bound to two handlers (TFC104, which the
static frontend can record; the runtime refuses it while building), cases that can never
run (TFC106) and `end()`s no value can reach (TFC108).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import (
    CHUNK_BOUND_TWICE,
    DUPLICATE_CHUNK_NAME,
    UNCLOSED_BLOCK,
    UNREACHABLE_END,
    UNREACHABLE_STEP,
    Diagnostic,
)
from ..ir.nodes import Branch, Collect, End, FlowIR, ForEach, Node, Root
from .common import location, note, walk
from .facts import TypeFacts
from .when import chunks_run

__all__ = ("check_structure", "dead_roots")


def check_structure(ir: FlowIR, facts: TypeFacts | None = None) -> Iterator[Diagnostic]:
    """Unclosed blocks, doubly bound chunk names, unreachable cases and ends."""
    for node in walk(ir):
        yield from _unclosed(node)
    yield from _bound_twice(ir)
    yield from _unreachable(ir)


def _unclosed(node: Node) -> Iterator[Diagnostic]:
    if isinstance(node, ForEach) and node.end_loc is None:
        yield Diagnostic(
            UNCLOSED_BLOCK,
            "for_each() is never closed: the per-item results go nowhere",
            location(node.loc, "for_each"),
            help="add .end_for_each() where the per-item chain ends",
        )
    elif isinstance(node, Branch) and node.end_loc is None:
        opener, closer = ("if_condition()", ".end_condition()") if node.form == "if" else ("match()", ".end_match()")
        yield Diagnostic(
            UNCLOSED_BLOCK,
            f"{opener} is never closed: nothing continues after its branches",
            location(node.loc, opener[:-2]),
            help=f"add {closer} after the last branch",
        )


def _bound_twice(ir: FlowIR) -> Iterator[Diagnostic]:
    first: dict[str, tuple[str, object]] = {}
    for chunk in ir.chunks:
        seen = first.get(chunk.name)
        if seen is None:
            first[chunk.name] = (chunk.handler, chunk.loc)
        elif seen[0] != chunk.handler and chunk.loc is not None:
            yield Diagnostic(
                DUPLICATE_CHUNK_NAME,
                CHUNK_BOUND_TWICE.format(name=chunk.name, first=seen[0], second=chunk.handler),
                location(chunk.loc),
                help=f'give one of them its own name, e.g. ("{chunk.name}_2", fn)',
            )


def dead_roots(ir: FlowIR) -> list[Root]:
    """Roots no signal can ever fire: they wait for a chunk no step runs, or a collection
    no `.collect()` fills."""
    run: set[str] | None = None
    collections = {n.name for n in walk(ir) if isinstance(n, Collect)}
    dead = []
    for root in ir.roots:
        hopeless = []
        for s in root.signals:
            if s.kind == "chunk":
                run = chunks_run(ir) if run is None else run
                hopeless.append(s.name not in run)
            elif s.kind == "collect":
                hopeless.append(s.name not in collections)
            else:
                hopeless.append(False)
        if hopeless and ((root.mode == "and" and any(hopeless)) or all(hopeless)):
            dead.append(root)
    return dead


def _unreachable(ir: FlowIR) -> Iterator[Diagnostic]:
    dead_cases: set[int] = set()  # ids of nodes inside cases already reported
    for node in walk(ir):
        if not isinstance(node, Branch) or node.mode != "hit_first":
            continue
        seen_else = None
        seen_literals: dict[object, object] = {}
        for case in node.cases:
            cond = case.condition
            reason = None
            if seen_else is not None:
                reason = f"it comes after {seen_else}, which takes every value"
            elif cond.kind == "literal":
                key = (type(cond.value).__name__, cond.text)
                if key in seen_literals:
                    reason = f"an earlier case already matches {cond.text}"
                seen_literals.setdefault(key, case)
            if reason is not None:
                word = "elif_condition()" if node.form == "if" else "case()"
                yield Diagnostic(
                    UNREACHABLE_STEP, f"this {word} can never run: {reason}", location(case.loc),
                    help="remove it, or move it before the catch-all",
                )
                dead_cases.update(_ids(case.body))
            if cond.kind == "else" and seen_else is None:
                seen_else = "else_condition()" if node.form == "if" else "case_else()"
    for root in dead_roots(ir):
        for node in _nodes(root.next):
            if isinstance(node, End) and node.id not in dead_cases:
                yield Diagnostic(
                    UNREACHABLE_END,
                    "no value can ever reach this end(): the when() above it never fires",
                    location(node.loc, "end"),
                    notes=[note("it waits for a chunk no step runs, or a collection nothing fills", root.loc)],
                )


def _nodes(nodes: tuple[Node, ...]) -> Iterator[Node]:
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        children = list(node.next)
        if isinstance(node, ForEach):
            children = [*node.body, *children]
        elif isinstance(node, Branch):
            children = [*(n for c in node.cases for n in c.body), *children]
        stack.extend(reversed(children))


def _ids(nodes: tuple[Node, ...]) -> set[int]:
    return {n.id for n in _nodes(nodes)}
