"""Iterate over every node of a flow's IR without recursion (chains can be very long)."""

from __future__ import annotations

from collections.abc import Iterator

from .nodes import Batch, Branch, FlowIR, ForEach, Node

__all__ = ("walk",)


def walk(ir: FlowIR) -> Iterator[Node]:
    """Every node of *ir*, depth first in definition order, block bodies and batch branches included."""
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
