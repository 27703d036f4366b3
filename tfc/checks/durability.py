"""Durability (TFC501): a chunk that pauses in a flow started through a hidden execution.

``flow.start()`` / ``flow.async_start()`` run a hidden execution: there is no handle to
save it or to resume it with, so a ``pause_for`` there fails at run time. Sub-flows a
step runs count too: their pauses are projected to the parent.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import PAUSE_IN_HIDDEN_START, Diagnostic
from ..ir.nodes import Batch, FlowIR, Step, SubFlowCall
from .common import location, note, walk
from .facts import TypeFacts

__all__ = ("check_durability", "pausing_chunks")


def pausing_chunks(ir: FlowIR, facts: TypeFacts, _seen: frozenset[str] = frozenset()) -> list[tuple[Step | SubFlowCall, str]]:
    """The steps of *ir* that may pause, with the chunk (``flow/chunk`` for sub-flows)."""
    found: list[tuple[Step | SubFlowCall, str]] = []
    for node in walk(ir):
        steps = node.branches if isinstance(node, Batch) else (node,)
        for step in steps:
            if isinstance(step, Step) and facts.chunk_pauses(step.chunk):
                found.append((step, step.chunk.name))
            elif isinstance(step, SubFlowCall) and step.child not in _seen:
                child = facts.child_flow(step)
                if child is not None:
                    inner = pausing_chunks(child, facts, _seen | {ir.name})
                    if inner:
                        found.append((step, f"{step.child}/{inner[0][1]}"))
    return found


def check_durability(ir: FlowIR, facts: TypeFacts) -> Iterator[Diagnostic]:
    """Warn at each step that may pause when the flow is started through a hidden execution."""
    starts = facts.hidden_starts(ir)
    if not starts:
        return
    for step, chunk in pausing_chunks(ir, facts):
        yield Diagnostic(
            PAUSE_IN_HIDDEN_START,
            f'chunk "{chunk}" can pause (pause_for), but flow "{ir.name}" is started through a hidden '
            "execution that cannot be resumed",
            location(step.loc),
            help="start it with flow.create_execution(auto_close=False) and keep the execution to resume it",
            notes=[note("the hidden start", loc) for loc in starts],
        )
