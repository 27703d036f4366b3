"""The engine's own test-suites, run again with every flow going through its generated runner.

``tests/engine`` (every operator, errors, state, stream, when), ``tests/subflow`` and
``tests/interrupts``
(pause, resume, save / load, sub-flow pause projection: generated code pauses, the resume
continues on the engine). The runner must pass every test the engine passes: the test
compares the sets of failing tests of the two runs (both empty when the engine is green).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUITES = ("tests/engine", "tests/interrupts", "tests/subflow")


def _suite(*plugin: str) -> tuple[set[str], int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:randomly", *plugin, *SUITES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    failed = set(re.findall(r"^FAILED (\S+)", done.stdout, flags=re.M))
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed is not None, done.stdout[-3000:] + done.stderr[-2000:]
    return failed, int(passed.group(1)), done.stdout


@pytest.mark.slow
def test_the_runner_passes_every_engine_test_the_engine_passes() -> None:
    engine_failed, engine_passed, _ = _suite()
    runner_failed, runner_passed, out = _suite("-p", "tests.codegen.via_runner")
    built = re.search(r"tfc runners built: (\d+)", out)
    assert built is not None and int(built.group(1)) > 200, out[-2000:]
    assert runner_failed == engine_failed, out[-4000:]
    assert runner_passed == engine_passed
