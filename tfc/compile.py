"""`compile_flow`: IR -> checks -> plan. What `flow.compile()` runs, once per definition.

Errors stop the compile with a `FlowDefinitionError` carrying every diagnostic (its message
renders them in the full format, source frames included). Warnings are issued through
`warnings` as `FlowWarning`s attributed to the offending line, so ``-W error`` and pytest's
``filterwarnings`` treat them like any other warning.
"""

from __future__ import annotations

import sys
import warnings
import weakref
from collections.abc import Iterable
from types import FrameType
from typing import TYPE_CHECKING, Any

from .checks import run_checks
from .checks.durability import check_durability
from .checks.facts import RuntimeFacts
from .diagnostics import Diagnostic, Severity, render_full
from .errors import FlowDefinitionError
from .ir.nodes import Loc
from .plan.planner import Plan, plan_flow
from .plan.subflow import plan_sub_flow

if TYPE_CHECKING:
    from .dsl.flow import TriggerFlow

__all__ = ("FlowWarning", "compile_flow", "warn_hidden_start")


class FlowWarning(UserWarning):
    """A compiler diagnostic of warning severity; ``diagnostic`` is the full record."""

    def __init__(self, message: str, diagnostic: Diagnostic | None = None) -> None:
        super().__init__(message)
        self.diagnostic = diagnostic


def compile_flow(flow: TriggerFlow[Any]) -> Plan:
    """Check *flow* and plan it.

    Raises:
        FlowDefinitionError: Every error-severity diagnostic, rendered in the full format.
    """
    ir = flow.ir()
    diagnostics = run_checks(ir, RuntimeFacts())
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
    _warn(diagnostics)
    return plan_flow(ir, plan_sub_flow)


def _warn(diagnostics: Iterable[Diagnostic]) -> None:
    for d in diagnostics:
        if d.severity is Severity.WARNING:
            text = f"{d.location}: {d.code.id} {d.message}" + (f" (help: {d.help})" if d.help else "")
            warnings.warn_explicit(FlowWarning(text, d), FlowWarning, d.location.file, d.location.line)


_HIDDEN_CHECKED: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
_DRIVER_MODULES = ("tfc", "anyio", "asyncio", "trio", "threading", "concurrent", "sniffio", "outcome", "contextlib")


def warn_hidden_start(flow: TriggerFlow[Any], version: int) -> None:
    """Warn (TFC501) if *flow*, about to run in a hidden execution, has a step that pauses.

    Checked once per definition *version*; the location is the first user frame on the
    stack (the ``flow.start(...)`` call), or the flow's definition when there is none.
    """
    if _HIDDEN_CHECKED.get(flow) == version:
        return
    _HIDDEN_CHECKED[flow] = version
    _warn(check_durability(flow.ir(), RuntimeFacts(hidden_starts=(_user_loc(flow.loc),))))


def _user_loc(default: Loc) -> Loc:
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if not (isinstance(name, str) and name.split(".")[0] in _DRIVER_MODULES):
            return Loc(frame.f_code.co_filename, frame.f_lineno or 1, 0)
        frame = frame.f_back
    return default
