"""The compiler's checks: each a function from a flow's IR (and its type facts) to diagnostics.

Every check takes ``(ir, facts)`` and yields `Diagnostic`s; none of them runs user code or
needs the live objects the runtime frontend keeps in the IR: type facts come through the
`TypeFacts` protocol (`facts.py`), which each frontend implements. `run_checks` runs them
all; `analyse` also says how many type constructs could not be checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..diagnostics import Diagnostic
from ..ir.nodes import FlowIR
from ..typecheck.subset import SubsetChecker
from .cycles import check_cycles
from .durability import check_durability
from .edges import infer_types
from .facts import ChunkTypes, RuntimeFacts, SchemaRole, TypeFacts
from .paths import check_paths
from .structure import check_structure
from .when import check_when

__all__ = (
    "CHECKS",
    "Analysis",
    "Check",
    "ChunkTypes",
    "RuntimeFacts",
    "SchemaRole",
    "TypeFacts",
    "analyse",
    "check_edges",
    "run_checks",
)

Check = Callable[[FlowIR, TypeFacts], Iterable[Diagnostic]]


def check_edges(ir: FlowIR, facts: TypeFacts) -> Iterable[Diagnostic]:
    """Types across edges (TFC4xx); see `tfc.checks.edges`."""
    return infer_types(ir, facts).diagnostics


CHECKS: tuple[Check, ...] = (
    check_structure,
    check_cycles,
    check_paths,
    check_when,
    check_edges,
    check_durability,
)
"""Every check, in the order they run."""


@dataclass(frozen=True)
class Analysis:
    """What `analyse` found: the diagnostics (sorted) and how much typing was unchecked."""

    diagnostics: list[Diagnostic]
    unchecked_types: int
    """Type questions answered "accepted: not understood" (see `SubsetChecker.unknown`)."""


def run_checks(ir: FlowIR, facts: TypeFacts | None = None, checks: Iterable[Check] = CHECKS) -> list[Diagnostic]:
    """Run *checks* on *ir* with *facts* (the runtime's by default); diagnostics sorted by location."""
    facts = RuntimeFacts() if facts is None else facts
    found: list[Diagnostic] = []
    for check in checks:
        found.extend(check(ir, facts))
    return sorted(set(found), key=Diagnostic.sort_key)


def analyse(ir: FlowIR, facts: TypeFacts | None = None) -> Analysis:
    """`run_checks`, plus the count of type constructs the subset checker could not judge."""
    facts = RuntimeFacts() if facts is None else facts
    diagnostics = run_checks(ir, facts)
    checker = SubsetChecker()
    infer_types(ir, facts, checker)
    return Analysis(diagnostics, checker.unknown)
