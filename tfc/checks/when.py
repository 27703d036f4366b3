"""`when()` keys and chunks (TFC301, TFC302).

``when({"runtime_data": key})`` must name a key (or a dotted path) of the state schema,
when there is one; ``when(chunk)`` must wait for a chunk some step of this flow runs.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import STATE_KEY_MISSING, UNKNOWN_STATE_KEY, WHEN_CHUNK_NOT_IN_FLOW, Diagnostic, did_you_mean
from ..ir.nodes import Batch, FlowIR, Step
from ..typecheck.fields import follow
from .common import location, walk
from .facts import TypeFacts

__all__ = ("check_when", "chunks_run")


def chunks_run(ir: FlowIR) -> set[str]:
    """The names of the chunks some step of *ir* runs (batch branches included)."""
    names: set[str] = set()
    for node in walk(ir):
        if isinstance(node, Step):
            names.add(node.chunk.name)
        elif isinstance(node, Batch):
            names.update(b.chunk.name for b in node.branches)
    return names


def check_when(ir: FlowIR, facts: TypeFacts) -> Iterator[Diagnostic]:
    """Unknown state keys and chunks outside the flow in `when()` triggers."""
    state = facts.schema(ir, "state")
    declared = {c.name for c in ir.chunks}
    run: set[str] | None = None
    for root in ir.roots:
        for signal in root.signals:
            if signal.kind == "runtime_data" and state is not None:
                found = follow(state, tuple(signal.name.split(".")))
                if found.status == "missing":
                    close = did_you_mean(found.missing, found.known)
                    prefix = f"{found.walked}." if found.walked else ""
                    yield Diagnostic(
                        UNKNOWN_STATE_KEY,
                        STATE_KEY_MISSING.format(key=signal.name, schema=found.owner).replace(
                            f'has no key "{signal.name}"', f'has no key "{found.missing}"'
                        ),
                        location(root.loc),
                        help=f'did you mean "{prefix}{close}"?' if close else None,
                    )
            elif signal.kind == "chunk":
                if run is None:
                    run = chunks_run(ir)
                if signal.name not in declared:
                    yield Diagnostic(
                        WHEN_CHUNK_NOT_IN_FLOW,
                        f'when() waits for chunk "{signal.name}", which is not a chunk of flow "{ir.name}"',
                        location(root.loc),
                        help="a chunk of another flow never runs here; wait for an event it emits instead",
                    )
                elif signal.name not in run:
                    yield Diagnostic(
                        WHEN_CHUNK_NOT_IN_FLOW,
                        f'when() waits for chunk "{signal.name}", but no step of flow "{ir.name}" runs it',
                        location(root.loc),
                        help=f'add a step that runs it, e.g. .to("{signal.name}")',
                    )
