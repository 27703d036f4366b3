"""The compiler's checks: each a function from a flow's IR to diagnostics."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..diagnostics import Diagnostic
from ..ir.nodes import FlowIR
from .structure import check_structure

__all__ = ("CHECKS", "run_checks")

Check = Callable[[FlowIR], Iterable[Diagnostic]]

CHECKS: tuple[Check, ...] = (check_structure,)
"""Every check, in the order they run."""


def run_checks(ir: FlowIR, checks: Iterable[Check] = CHECKS) -> list[Diagnostic]:
    """Run *checks* on *ir*; the diagnostics sorted by location."""
    found: list[Diagnostic] = []
    for check in checks:
        found.extend(check(ir))
    return sorted(found, key=Diagnostic.sort_key)
