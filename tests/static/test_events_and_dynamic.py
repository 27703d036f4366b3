"""Event checks only the static frontend makes, and the 9xx "could not analyse" findings."""

from __future__ import annotations

import textwrap

from tfc.static import check_summaries
from tfc.static.index import index_source

HEAD = """
from tfc import TriggerFlow, TriggerFlowRuntimeData

flow = TriggerFlow(name="events")

@flow.chunk
async def review(data: TriggerFlowRuntimeData[str]) -> str:
    await data.async_emit("Reviewed", data.value)
    data.emit_nowait(f"dyn-{data.value}", 1)
    return data.value
"""


def check(source: str) -> list[tuple[str, int, int]]:
    text = textwrap.dedent(HEAD).lstrip("\n") + textwrap.dedent(source)
    diagnostics, _ = check_summaries([index_source(text, "m.py", "m")])
    return [(d.code.id, d.location.line, d.location.editor_column) for d in diagnostics]


def test_emitted_and_listened_events_are_clean_apart_from_the_computed_name() -> None:
    assert check('flow.to(review)\nflow.when("Reviewed").to(review)\n') == [("TFC902", 8, 10)]


def test_a_when_nothing_emits_and_an_emit_nobody_hears() -> None:
    assert check('flow.to(review)\nflow.when("Reviewd").to(review)\n') == [
        ("TFC305", 7, 16),
        ("TFC902", 8, 10),
        ("TFC304", 11, 6),
    ]


def test_when_on_a_chunk_name_is_the_chunk_not_an_event() -> None:
    assert ("TFC304", 11, 6) not in check('flow.to(review)\nflow.when("review").to(review)\n')


def test_unresolved_names_and_computed_when_are_information() -> None:
    found = check('flow.to(missing_chunk)\nflow.when(EVENTS[0]).to(review)\n')
    assert found == [("TFC305", 7, 16), ("TFC902", 8, 10), ("TFC904", 10, 9), ("TFC902", 11, 11)]


def test_conditionally_built_flows_are_information() -> None:
    found = check('import os\nif os.environ.get("X"):\n    flow.to(review)\n')
    assert ("TFC901", 12, 10) in found
