"""Golden tests of the plan's text form: one flow file and one ``.plan`` file per case.

Regenerate with ``pytest --update-golden`` and review the diff: it is how optimiser changes
are read.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from tfc import TriggerFlow
from tfc.plan.text import render_plan

CASES = Path(__file__).parent / "cases"


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"tfc_plan_case_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("case", sorted(CASES.glob("*.py")), ids=lambda p: p.stem)
def test_plan_matches_golden(case: Path, request: pytest.FixtureRequest) -> None:
    flow = _load(case).flow
    assert isinstance(flow, TriggerFlow)
    text = render_plan(flow.compile())
    golden = case.with_suffix(".plan")
    if request.config.getoption("--update-golden"):
        golden.write_text(text)
    assert golden.exists(), f"{golden.name} is missing: run pytest --update-golden"
    assert golden.read_text() == text


def test_rendering_is_stable_and_location_free_on_request() -> None:
    flow = _load(CASES / "branches.py").flow
    plan = flow.compile()
    assert render_plan(plan) == render_plan(plan)
    assert "@" not in render_plan(plan, locations=False)
