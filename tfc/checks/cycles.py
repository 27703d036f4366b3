"""Cycles through `when()` with no conditional exit (TFC107, a warning).

A `when(chunk)` root (or ``when("name")`` where ``name`` is a chunk) fires after every
step that runs that chunk. If the chain it starts runs that chunk again on every path
(outside any condition, match case or for_each body), each run triggers the next: the
flow never goes idle. A cycle with a condition on the way has an exit and is fine.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import CYCLE_WITHOUT_EXIT, Diagnostic
from ..ir.nodes import Batch, Collect, FlowIR, Node, Root, Step
from .common import location, note
from .facts import TypeFacts

__all__ = ("check_cycles",)


def _always_run(nodes: tuple[Node, ...]) -> set[str]:
    """Chunks a chain runs whatever the values: not inside cases or for_each bodies."""
    names: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, Step):
            names.add(node.chunk.name)
        elif isinstance(node, Batch):
            names.update(b.chunk.name for b in node.branches)
        if not isinstance(node, Collect):
            stack.extend(node.next)
    return names


def _listens(root: Root, chunks: set[str]) -> list[str]:
    return [s.name for s in root.signals if s.kind == "chunk" or (s.kind == "event" and s.name in chunks)]


def check_cycles(ir: FlowIR, facts: TypeFacts | None = None) -> Iterator[Diagnostic]:
    """Warn once per cycle of `when()` roots that re-trigger each other unconditionally."""
    declared = {c.name for c in ir.chunks}
    roots = [r for r in ir.roots if _listens(r, declared)]
    if not roots:
        return
    runs = {r.id: _always_run(r.next) for r in ir.roots}
    edges: dict[int, list[Root]] = {}
    for src in roots:
        for dst in roots:
            names = _listens(dst, declared)
            multi_and = dst.mode == "and" and len(dst.signals) > 1
            fired = all(n in runs[src.id] for n in names) if multi_and else any(n in runs[src.id] for n in names)
            if fired and (not multi_and or len(names) == len(dst.signals)):
                edges.setdefault(src.id, []).append(dst)
    reported: set[int] = set()
    for root in roots:
        if root.id in reported:
            continue
        cycle = _cycle_from(root, edges)
        if cycle is None:
            continue
        reported.update(r.id for r in cycle)
        names = sorted({n for r in cycle for n in _listens(r, declared)})
        others = [note("the cycle continues through this when()", r.loc) for r in cycle[1:]]
        yield Diagnostic(
            CYCLE_WITHOUT_EXIT,
            f"this when() re-triggers itself through chunk {', '.join(repr(n) for n in names)} "
            "on every path: the flow never becomes idle",
            location(root.loc, "when"),
            help="put the step that loops back inside an if_condition() so the cycle can stop",
            notes=others,
        )


def _cycle_from(start: Root, edges: dict[int, list[Root]]) -> list[Root] | None:
    """A path of roots from *start* back to itself, or None."""
    stack: list[tuple[Root, list[Root]]] = [(start, [start])]
    seen: set[int] = set()
    while stack:
        root, path = stack.pop()
        for nxt in edges.get(root.id, ()):
            if nxt.id == start.id:
                return path
            if nxt.id not in seen:
                seen.add(nxt.id)
                stack.append((nxt, [*path, nxt]))
    return None
