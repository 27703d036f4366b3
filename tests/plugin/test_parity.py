"""The plugin and the compiler say the same thing about the same mistake (see `parity_flows`)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

from tfc import FlowDefinitionError
from tfc.diagnostics import lookup

from . import parity_flows
from .golden import Message, run_mypy

HERE = Path(__file__).parent
SOURCE = HERE / "parity_flows.py"

Finding = tuple[str, str, "str | None"]
"""(code id, message, help)."""


def _functions() -> dict[str, tuple[int, int]]:
    tree = ast.parse(SOURCE.read_text())
    return {
        node.name: (node.lineno, node.end_lineno or node.lineno)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    }


CASES = _functions()


@pytest.fixture(scope="module")
def plugin_findings(mypy_cache: Path) -> list[tuple[Message, str | None]]:
    messages, output, _ = run_mypy([SOURCE], HERE / "mypy.ini", mypy_cache)
    found: list[tuple[Message, str | None]] = []
    for i, m in enumerate(messages):
        if m.severity != "error":
            continue
        following = messages[i + 1] if i + 1 < len(messages) else None
        help_text = None
        if following is not None and following.severity == "note" and (following.line, following.column) == (
            m.line,
            m.column,
        ):
            help_text = following.text
        found.append((m, help_text))
    stray = [m for m, _ in found if not m.text.endswith("]") or "[tfc-" not in m.text]
    assert not stray, output
    return found


def _plugin(found: list[tuple[Message, str | None]], case: str) -> list[Finding]:
    first, last = CASES[case]
    out: list[Finding] = []
    for m, help_text in found:
        if first <= m.line <= last:
            text, _, code = m.text.rpartition("  [")
            resolved = lookup(code.rstrip("]"))
            assert resolved is not None, code
            out.append((resolved.id, text, help_text))
    return out


def _compiler(case: str) -> list[Finding]:
    run: Callable[[], None] = getattr(parity_flows, case)
    with pytest.raises(FlowDefinitionError) as caught:
        run()
    exc = caught.value
    if exc.diagnostics:
        return [(d.code.id, d.message, d.help) for d in exc.diagnostics]
    assert exc.code is not None
    return [(exc.code.id, exc.message, exc.help)]


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_finding(case: str, plugin_findings: list[tuple[Message, str | None]]) -> None:
    assert _plugin(plugin_findings, case) == _compiler(case)
