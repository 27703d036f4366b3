"""Helpers every check uses: walking the IR and turning `Loc`s into diagnostic locations."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Location, Note
from ..ir.nodes import Batch, Branch, FlowIR, ForEach, Loc, Node

__all__ = ("location", "note", "walk")


def _token_at(loc: Loc) -> int:
    """Length of the identifier at *loc* in its source file (0 when unreadable)."""
    import linecache

    text = linecache.getline(loc.file, loc.line)
    end = loc.column
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return end - loc.column


def location(loc: Loc, token: str = "") -> Location:
    """The diagnostic location of *loc*, spanning *token* (the builder method's name).

    Without *token* the span is the identifier found at *loc* in the source, if readable.
    """
    line = max(loc.line, 1)
    width = len(token) if token else _token_at(loc)
    return Location(loc.file, line, loc.column, line, loc.column + width if width else None)


def note(message: str, loc: Loc | None) -> Note:
    """A ``note:`` line, pointing at *loc* when there is one."""
    return Note(message, None if loc is None else location(loc))


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
