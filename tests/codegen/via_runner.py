"""A pytest plugin that runs every flow through its generated runner instead of the engine.

With ``-p tests.codegen.via_runner``, `TriggerFlow.compile` returns the plan of the flow's
in-memory runner (`tfc.codegen.load_runner`): every execution then runs generated code, so
the engine's own test-suite checks the runner's semantics. `test_engine_suite.py` runs it.
"""

from __future__ import annotations

from typing import Any

from tfc import TriggerFlow
from tfc.codegen import load_runner

_original = TriggerFlow.compile
_building: list[bool] = []
BUILT: list[str] = []
"""Names of the flows that ran through a runner (the session reports how many)."""


def _compile(self: TriggerFlow[Any]) -> Any:
    plan = _original(self)
    if _building:
        return plan
    cached = self.__dict__.get("_tfc_runner")
    if cached is not None and cached[0] is plan:
        return cached[1]
    _building.append(True)
    try:
        module = load_runner(self)
    finally:
        _building.pop()
    self.__dict__["_tfc_runner"] = (plan, module._plan)
    BUILT.append(self.name)
    return module._plan


TriggerFlow.compile = _compile  # type: ignore[method-assign]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(f"tfc runners built: {len(BUILT)}")
