"""Graph-shape checks (TFC1xx) that the IR can express: blocks never closed."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import UNCLOSED_BLOCK, Diagnostic
from ..ir.nodes import Branch, FlowIR, ForEach, Node
from .common import location, walk

__all__ = ("check_structure",)


def check_structure(ir: FlowIR) -> Iterator[Diagnostic]:
    """A `for_each`, `if_condition` or `match` whose closing call never came."""
    for node in walk(ir):
        yield from _unclosed(node)


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
