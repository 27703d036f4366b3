"""`tfc check --type-check` on a module that raises when imported: the module becomes a TFC906
import-failed warning on its file (at the line the error names) and the other modules are
still type-checked; the exit status follows the findings (a warning alone exits 0), never 2."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import GOOD

REPO = Path(__file__).resolve().parents[2]

SHOUT = '''
@flow.chunk
async def shout(data: TriggerFlowRuntimeData[str, State]) -> str:
    return data.value

flow.when("Ready").to(normalize).to(shout)
'''

UNKNOWN_CHUNK = '''
from tfc import TriggerFlow, TriggerFlowRuntimeData

flow = TriggerFlow(name="broken")


@flow.chunk
async def summarize(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value


flow.to("sumarize").end()
'''

NEEDS_SETTING = '''
import os

from tfc import TriggerFlow, TriggerFlowRuntimeData

flow = TriggerFlow(name="configured")


@flow.chunk
async def step(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value


flow.to(step).end()
KEY = os.environ["TFC_TEST_SETTING_THAT_IS_NEVER_SET"]
'''


def _check(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    env.pop("TFC_TEST_SETTING_THAT_IS_NEVER_SET", None)
    return subprocess.run(
        [sys.executable, "-m", "tfc", "check", "--type-check", "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n[tool.tfc]\n")
    app = tmp_path / "tc_import_app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    for name, text in files.items():
        (app / name).write_text(textwrap.dedent(text).lstrip())
    return tmp_path


@pytest.mark.slow
def test_a_module_that_raises_on_import_is_a_finding_and_the_rest_is_type_checked(tmp_path: Path) -> None:
    typed = textwrap.dedent(GOOD).lstrip().replace("-> str:\n    return data.value", "-> int:\n    return 1") + SHOUT
    root = _project(tmp_path, {"typed.py": typed, "broken.py": UNKNOWN_CHUNK})
    done = _check(root, "--output-format", "concise")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "cannot import" not in done.stderr, out
    lines = done.stdout.splitlines()
    # at the builder call FlowDefinitionError names (line 11, column 6), saying what failed
    assert (
        "tc_import_app/broken.py:11:6: TFC906 --type-check cannot import tc_import_app.broken "
        '(FlowDefinitionError: unknown chunk "sumarize" in flow "broken"), so its flows were not type-checked'
    ) in lines, out
    # the static finding on the same file is still there
    assert any(line.startswith("tc_import_app/broken.py:11:6: TFC105 unknown chunk") for line in lines), out
    # and the module that imports is still type-checked through its runner
    assert any(
        line.startswith("tc_import_app/typed.py:") and "TFC401 mypy on the generated runner:" in line for line in lines
    ), out
    full = _check(root, "--select", "TFC906").stdout
    assert "warning[TFC906]" in full
    assert (
        "help: --type-check imports each module that defines flows (running its import-time code) to "
        "type-check them; fix the error, or leave this file out with --exclude tc_import_app/broken.py or "
        'exclude = ["tc_import_app/broken.py"] under [tool.tfc]'
    ) in full


def test_an_import_error_alone_is_a_warning_at_the_raising_line_and_exits_0(tmp_path: Path) -> None:
    root = _project(tmp_path, {"configured.py": NEEDS_SETTING})
    done = _check(root, "--output-format", "concise")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert (
        "tc_import_app/configured.py:14:1: TFC906 --type-check cannot import tc_import_app.configured "
        "(KeyError: 'TFC_TEST_SETTING_THAT_IS_NEVER_SET'), so its flows were not type-checked"
    ) in done.stdout.splitlines(), out
    # a warning: reported and counted, but not a failure (the module's code may be fine)
    assert "Found 1 warning in 1 file." in done.stdout.splitlines(), out


@pytest.mark.slow
def test_examples_type_check_cleanly_without_the_broken_ones() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tfc", "check", "--type-check", "--no-cache", "examples/", "--exclude", "examples/broken"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
