"""`tfc check` finds every check's invalid example where `flow.compile()` finds it, and
reports nothing on the valid ones."""

from __future__ import annotations

import pytest

from tfc.checks.examples import EXAMPLES, PRELUDE, Example
from tfc.static import check_summaries
from tfc.static.index import index_source
from tfc.static.syntax import ModuleSummary


def _id(example: Example) -> str:
    return f"{example.code.id}-{example.kind}-{example.title.replace(' ', '_')}"


def check_example(example: Example) -> list[tuple[str, int, int]]:
    """Check the example as one module whose first statements are the prelude's imports."""
    prelude = index_source(PRELUDE, "<prelude>", "tfc_example")
    body = index_source(example.source, "example.py", "tfc_example")
    module = ModuleSummary("example.py", "tfc_example", prelude.body + body.body, syntax_error=body.syntax_error)
    diagnostics, _ = check_summaries([module])
    return [(d.code.id, d.location.line, d.location.editor_column) for d in diagnostics]


@pytest.mark.parametrize("example", EXAMPLES, ids=_id)
def test_static_check_agrees_with_the_example(example: Example) -> None:
    expected = [(example.code.id, example.line, example.column)] if example.kind == "invalid" else []
    assert check_example(example) == expected
