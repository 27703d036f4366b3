"""The mypy plugin's golden cases: each file under ``cases/`` (or folder, for cases that
span modules) is type-checked with the plugin and must equal itself with mypy's messages
merged in (see `golden`). Regenerate with ``pytest tests/plugin --update-golden``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .golden import Message, merge, run_mypy

HERE = Path(__file__).parent
CASES = HERE / "cases"
CONFIG = HERE / "mypy.ini"


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.suffix == ".py" or (p.is_dir() and p.name != "__pycache__"))


def _files(case: Path) -> list[Path]:
    return [case.resolve()] if case.is_file() else sorted(p.resolve() for p in case.rglob("*.py"))


def check_golden(
    case: Path, cache: Path, request: pytest.FixtureRequest, *extra: str
) -> list[Message]:
    """Type-check *case*, compare (or with ``--update-golden`` rewrite) its files; the messages."""
    messages, output, status = run_mypy([case], CONFIG, cache, *extra)
    files = _files(case)
    assert status in (0, 1), output
    stray = [m for m in messages if m.file not in files]
    assert not stray, f"messages outside the case:\n{output}"
    update = request.config.getoption("--update-golden")
    for path in files:
        source = path.read_text()
        merged = merge(source, [m for m in messages if m.file == path])
        if update and merged != source:
            path.write_text(merged)
            source = merged
        assert source == merged, f"{path.name} differs from mypy's output:\n{output}"
    return messages


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.stem)
def test_golden_case(case: Path, mypy_cache: Path, request: pytest.FixtureRequest) -> None:
    check_golden(case, mypy_cache, request)


def test_parallel_checking(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """``mypy -n 2`` (worker processes, a cold cache) gives every case the same messages."""
    messages, output, status = run_mypy(_cases(), CONFIG, tmp_path, "-n", "2")
    assert status == 1, output
    for case in _cases():
        for path in _files(case):
            mine = [m for m in messages if m.file == path]
            assert merge(path.read_text(), mine) == path.read_text(), f"{path.name} under -n 2:\n{output}"


def test_disabled_code_is_silent(mypy_cache: Path) -> None:
    """``--disable-error-code tfc-<name>`` silences that code (and its help notes), not others."""
    case = CASES / "capture_paths.py"
    before, _, _ = run_mypy([case], CONFIG, mypy_cache)
    after, output, _ = run_mypy([case], CONFIG, mypy_cache, "--disable-error-code", "tfc-unknown-capture-path")
    silenced = {(m.line, m.column) for m in before if m.text.endswith("[tfc-unknown-capture-path]")}
    assert silenced
    assert not [m for m in after if (m.line, m.column) in silenced], output
    assert any(m.text.endswith("[tfc-malformed-path]") for m in after), output


def test_names_survive_the_cache(tmp_path: Path) -> None:
    """Chunk names recorded in one module reach another that is re-checked on a warm cache."""
    package = tmp_path / "wired"
    shutil.copytree(CASES / "cross_module", package)
    cache = tmp_path / "cache"
    cold, output, _ = run_mypy([package], CONFIG, cache)
    wiring = package / "wiring.py"
    wiring.write_text(wiring.read_text() + "\n# edited: only this module is checked again\n")
    warm, output, _ = run_mypy([wiring], CONFIG, cache)
    reveal = [m.text for m in warm if m.text.startswith("Revealed type")]
    assert reveal and "TypedDict({'facts': list[str], 'risks': list[str]})" in reveal[0], output
    mine = wiring.resolve()
    assert [m.text for m in cold if m.file == mine] == [m.text for m in warm if m.file == mine], output
