"""Event checks only the static frontend can make: it sees every ``emit`` in the project.

* ``when("X")`` where nothing in the project emits ``X`` (and no chunk of the flow is named
  ``X``): `EVENT_NEVER_EMITTED`, a warning.
* a literal event a chunk emits that no ``when`` in the project listens to:
  `EVENT_NEVER_HANDLED`, information.
* an event name a chunk computes at run time: `COMPUTED_EVENT_NAME`, information.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..checks.common import location as _location
from ..diagnostics import COMPUTED_EVENT_NAME, EVENT_NEVER_EMITTED, EVENT_NEVER_HANDLED, Diagnostic, help_did_you_mean
from ..ir.nodes import FlowIR
from .syntax import Block, ClassDef, Emit, FunctionDef, ModuleSummary, Stmt
from .values import FuncVal

__all__ = ("check_events", "project_emits")


def project_emits(summaries: Iterable[ModuleSummary]) -> Iterator[tuple[FunctionDef, Emit]]:
    """Every emit call in every function of the project, with its function."""
    for summary in summaries:
        yield from _emits(summary.body)


def _emits(body: tuple[Stmt, ...]) -> Iterator[tuple[FunctionDef, Emit]]:
    for stmt in body:
        if isinstance(stmt, FunctionDef):
            for emit in stmt.emits:
                yield stmt, emit
            yield from _emits(stmt.body)
        elif isinstance(stmt, Block):
            for inner in stmt.bodies:
                yield from _emits(inner)
        elif isinstance(stmt, ClassDef):
            continue


def check_events(
    flows: Iterable[FlowIR],
    summaries: Iterable[ModuleSummary],
    chunk_functions: Iterable[FuncVal],
) -> Iterator[Diagnostic]:
    """The event diagnostics of a whole project (see the module docstring)."""
    flows = list(flows)
    emits = list(project_emits(summaries))
    emitted = {e.event for _, e in emits if e.event is not None}
    chunk_defs = {id(fn.node) for fn in chunk_functions}
    listened: set[str] = set()
    for flow in flows:
        chunk_names = {c.name for c in flow.chunks}
        for root in flow.roots:
            for signal in root.signals:
                if signal.kind != "event":
                    continue
                listened.add(signal.name)
                if signal.name in emitted or signal.name in chunk_names:
                    continue
                known = sorted(emitted | chunk_names)
                yield Diagnostic(
                    EVENT_NEVER_EMITTED,
                    f'when() waits for event "{signal.name}", which nothing in the project emits',
                    _location(root.loc, "when"),
                    help=help_did_you_mean(signal.name, known)
                    or "emit it from a chunk with data.emit(...), or remove this when()",
                )
    for fn, emit in emits:
        if id(fn) not in chunk_defs:
            continue
        if emit.event is None:
            yield Diagnostic(
                COMPUTED_EVENT_NAME,
                f"the event name {emit.text} is computed at run time; tfc check cannot match it to a when()",
                _location(emit.loc),
            )
        elif emit.event not in listened:
            yield Diagnostic(
                EVENT_NEVER_HANDLED,
                f'event "{emit.event}" is emitted, but no when() in the project waits for it',
                _location(emit.loc),
                help=help_did_you_mean(emit.event, sorted(listened)),
            )
