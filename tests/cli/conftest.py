from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tfc.cli import main

GOOD = '''
from typing import TypedDict
from tfc import TriggerFlow, TriggerFlowRuntimeData

class State(TypedDict, total=False):
    topic: str

flow = TriggerFlow(name="good", state=State)

@flow.chunk
async def normalize(data: TriggerFlowRuntimeData[str, State]) -> str:
    return data.value

flow.to(normalize).end()
'''

BAD = '''
from tfc import TriggerFlow, TriggerFlowRuntimeData

flow = TriggerFlow(name="bad")

@flow.chunk
async def split(data: TriggerFlowRuntimeData[str]) -> list[str]:
    return data.value.split()

flow.to(split).for_each().to("splt")
flow.to(split).for_each().to(split)
'''


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write files (name -> source) and a pyproject.toml into a fresh folder and cd there."""
    monkeypatch.chdir(tmp_path)

    def make(files: dict[str, str], config: str = "") -> Path:
        (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'demo'\n{config}")
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"))
        return tmp_path

    return make


@pytest.fixture
def tfc(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run `tfc ARGS...`: (exit status, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        status = main(list(args))
        out = capsys.readouterr()
        return status, out.out, out.err

    return run
