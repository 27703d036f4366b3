"""Every code's examples are its tests: invalid ones produce exactly that code where they say,
valid ones produce nothing. ``docs/codes.md`` is generated from them and must be current."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfc.checks.examples import EXAMPLES, Example
from tfc.checks.explain import explain, render_codes_md, run_example
from tfc.diagnostics import CODES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "codes.md"
RUNTIME = [e for e in EXAMPLES if e.frontend == "runtime"]


def _id(example: Example) -> str:
    return f"{example.code.id}-{example.kind}-{example.title.replace(' ', '_')}"


@pytest.mark.parametrize("example", RUNTIME, ids=_id)
def test_example(example: Example) -> None:
    found = [(d.code.id, d.location.line, d.location.editor_column) for d in run_example(example)]
    expected = [(example.code.id, example.line, example.column)] if example.kind == "invalid" else []
    assert found == expected


def test_every_code_the_compiler_reports_has_both_kinds_of_example() -> None:
    reported_elsewhere = {"TFC304", "TFC305", "TFC502", "TFC901", "TFC902", "TFC904", "TFC905", "TFC906"}
    for code_id in CODES:
        kinds = {(e.kind, e.frontend) for e in EXAMPLES if e.code.id == code_id}
        if code_id in reported_elsewhere:
            continue
        assert {k for k, _ in kinds} == {"invalid", "valid"}, code_id


def test_explain_prints_the_summary_and_the_examples() -> None:
    text = explain("tfc201")
    assert text.startswith("# TFC201 unknown-capture-path\n")
    assert '"state.topik"' in text
    assert 'did you mean' not in text or "topic" in text
    assert explain("unknown-capture-path") == text


def test_explain_unknown_code() -> None:
    with pytest.raises(KeyError):
        explain("TFC999")


def test_docs_codes_md_is_current(request: pytest.FixtureRequest) -> None:
    text = render_codes_md()
    if request.config.getoption("--update-golden"):
        DOCS.write_text(text)
    assert DOCS.read_text() == text, "docs/codes.md is stale: run pytest --update-golden"
