"""`compile_flow`: IR -> checks -> plan. What `flow.compile()` runs, once per definition."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from .checks import run_checks
from .diagnostics import Severity, render_full
from .errors import FlowDefinitionError
from .plan.planner import Plan, plan_flow
from .plan.subflow import plan_sub_flow

if TYPE_CHECKING:
    from .dsl.flow import TriggerFlow

__all__ = ("FlowWarning", "compile_flow")


class FlowWarning(UserWarning):
    """A compiler diagnostic of warning severity (the message carries its location and code)."""


def compile_flow(flow: TriggerFlow[Any]) -> Plan:
    """Check *flow* and plan it.

    Raises:
        FlowDefinitionError: Every error-severity diagnostic, rendered in the full format.
    """
    ir = flow.ir()
    diagnostics = run_checks(ir)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        summary = f'flow "{flow.name}" has {len(errors)} error{"s" if len(errors) != 1 else ""}'
        raise FlowDefinitionError(
            f"{summary}:\n{render_full(errors)}",
            code=first.code,
            where=str(first.location),
            diagnostics=diagnostics,
        )
    for d in diagnostics:
        if d.severity is Severity.WARNING:
            warnings.warn_explicit(
                f"{d.code.id} {d.message}", FlowWarning, d.location.file, d.location.line
            )
    return plan_flow(ir, plan_sub_flow)
