"""Each examples/broken/NAME.py gives exactly the `tfc check --output-format concise` output
committed in NAME.expected, and examples/ without that folder is clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfc.cli import main

ROOT = Path(__file__).resolve().parents[2]
BROKEN = sorted((ROOT / "examples" / "broken").glob("*.py"))


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_there_are_broken_examples() -> None:
    assert len(BROKEN) >= 5
    assert all(p.with_suffix(".expected").is_file() for p in BROKEN)


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_example_output(path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> None:
    rel = path.relative_to(ROOT).as_posix()
    status = main(["check", rel, "--output-format", "concise", "--no-cache"])
    out = capsys.readouterr().out
    expected = path.with_suffix(".expected")
    if request.config.getoption("--update-golden"):
        expected.write_text(out)
    assert out == expected.read_text()
    assert status == (1 if " error" in out.splitlines()[-1] else 0)


def test_examples_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", "examples", "--exclude", "examples/broken", "--no-cache"])
    out = capsys.readouterr().out
    assert (status, out) == (0, "All checks passed.\n")


def test_examples_checked_without_running_them(capsys: pytest.CaptureFixture[str]) -> None:
    # seed_playbook runs its flow at import; checking must not run it (no stream output).
    main(["check", "examples/seed_playbook", "--no-cache"])
    assert "STREAM" not in capsys.readouterr().out
