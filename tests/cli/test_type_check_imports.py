"""`tfc check --type-check` imports the modules that define flows, but never runs a program:
``__main__.py`` files are skipped by the same rule as `tfc build --all`, and no module's
``if __name__ == "__main__":`` block runs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import GOOD

MAIN = '''
from pathlib import Path

from tfc import TriggerFlow, TriggerFlowRuntimeData

Path(__file__).with_name("main_was_imported").write_text("imported")

flow = TriggerFlow(name="main_flow")


@flow.chunk
async def step(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value


flow.to(step).end()
raise SystemExit("__main__.py was imported")
'''

GUARDED = '''
from pathlib import Path

from tfc import TriggerFlow, TriggerFlowRuntimeData

flow = TriggerFlow(name="guarded")


@flow.chunk
async def step(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value


flow.to(step).end()

if __name__ == "__main__":
    Path(__file__).with_name("main_block_ran").write_text("ran")
'''


SHOUT = '''
@flow.chunk
async def shout(data: TriggerFlowRuntimeData[str, State]) -> str:
    return data.value

flow.when("Ready").to(normalize).to(shout)
'''


def test_the_rule_is_the_one_build_uses() -> None:
    from tfc.cli.build import imports_to_find_flows

    assert not imports_to_find_flows(Path("pkg/__main__.py"))
    assert not imports_to_find_flows(Path("pkg/flow_runner.py"))
    assert imports_to_find_flows(Path("pkg/flow.py"))
    assert imports_to_find_flows(Path("pkg/__init__.py"))


@pytest.mark.slow
def test_type_check_does_not_import_main_modules_or_run_main_blocks(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n[tool.tfc]\n")
    app = tmp_path / "tc_main_app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "__main__.py").write_text(textwrap.dedent(MAIN).lstrip())
    (app / "guarded.py").write_text(textwrap.dedent(GUARDED).lstrip())
    (app / "typed.py").write_text(textwrap.dedent(GOOD).lstrip().replace("-> str:\n    return data.value", "-> int:\n    return 1") + SHOUT)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "tfc", "check", "--type-check", "--no-cache", "--output-format", "concise", "--select", "TFC4"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    out = done.stdout + done.stderr
    assert not (app / "main_was_imported").exists(), out
    assert not (app / "main_block_ran").exists(), out
    assert "was imported" not in out
    # the other modules are still imported and type-checked through their runners
    assert done.returncode == 1, out
    assert any(
        line.startswith("tc_main_app/typed.py:") and "TFC401 mypy on the generated runner:" in line
        for line in done.stdout.splitlines()
    ), out
