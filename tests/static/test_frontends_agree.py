"""Both frontends give the same IR for every example flow and every test flow."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfc.ir import FlowIR

from .helpers import ROOT, runtime_irs, static_irs, text

FOLDERS = sorted(
    {
        p.parent
        for p in [*(ROOT / "examples").rglob("*.py"), *(Path(__file__).parent / "flows").rglob("*.py")]
        if "broken" not in p.parts and p.parent != ROOT / "examples"
    }
)


def _chunks(ir: FlowIR) -> list[tuple[str, str, int | None, bool]]:
    return [(c.name, c.handler, c.loc.line if c.loc else None, c.is_async) for c in ir.chunks]


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.relative_to(ROOT).as_posix() for p in FOLDERS])
def test_static_ir_matches_runtime_ir(folder: Path) -> None:
    runtime = runtime_irs(folder)
    assert runtime, "no flow to compare"
    static = static_irs(folder, {ir.name for ir in runtime})
    assert [text(ir) for ir in static] == [text(ir) for ir in runtime]
    assert [_chunks(ir) for ir in static] == [_chunks(ir) for ir in runtime]
    assert [ir.loc.line for ir in static] == [ir.loc.line for ir in runtime]


def test_every_example_folder_is_compared() -> None:
    assert {ROOT / "examples" / "research_report", ROOT / "examples" / "seed_playbook"} <= set(FOLDERS)
