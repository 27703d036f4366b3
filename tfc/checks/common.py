"""Helpers every check uses: walking the IR and turning `Loc`s into diagnostic locations."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Location
from ..ir.nodes import Batch, Branch, FlowIR, ForEach, Loc, Node

__all__ = ("location", "walk")


def location(loc: Loc, token: str = "") -> Location:
    """The diagnostic location of *loc*, spanning *token* (the builder method's name)."""
    line = max(loc.line, 1)
    return Location(loc.file, line, loc.column, line, loc.column + len(token) if token else None)


def walk(ir: FlowIR) -> Iterator[Node]:
    """Every node of *ir*, depth first, block bodies included (batch branches too)."""
    stack: list[Node] = [n for root in reversed(ir.roots) for n in reversed(root.next)]
    while stack:
        node = stack.pop()
        yield node
        children: list[Node] = list(node.next)
        if isinstance(node, ForEach):
            children = [*node.body, *children]
        elif isinstance(node, Branch):
            children = [*(n for case in node.cases for n in case.body), *children]
        elif isinstance(node, Batch):
            children = [*node.branches, *children]
        stack.extend(reversed(children))
