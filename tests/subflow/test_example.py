"""examples/sub_flow_report: seed 004's full example, run on both backends."""

from __future__ import annotations

import pytest

from examples.sub_flow_report.flow import Brief, SimpleLogger, build_parent_flow, flow

from .helpers import run_streamed

pytestmark = pytest.mark.anyio


async def test_multi_section_request() -> None:
    logger = SimpleLogger()
    snapshot, items = await run_streamed(
        flow, Brief(topic=" tfc ", sections=["design", " runtime "]), runtime_resources={"logger": logger}
    )
    assert items == [
        {"stage": "prepared", "topic": "tfc"},
        {"stage": "sections_listed", "sections": ["Design", "Runtime"]},  # from here on: the child
        {"stage": "section_drafted", "heading": "Design"},
        {"stage": "section_drafted", "heading": "Runtime"},
        {"stage": "summarized", "words": 10},
        {"stage": "finalized", "sections": 2},  # the parent again
    ]
    assert snapshot == {
        "request": {"topic": "tfc", "sections": ["Design", "Runtime"], "audience": "engineers"},
        "$final_result": "# Report: tfc (multi, 10 words)\n"
        "## Design\nWhat tfc means for design.\n"
        "## Runtime\nWhat tfc means for runtime.",
    }
    # the child logged into the parent's logger: the same object, forwarded by capture
    assert logger.lines == ["prepared a request about tfc", "multi-section mode for tfc", "summarised 2 section(s)"]


async def test_single_section_request() -> None:
    logger = SimpleLogger()
    snapshot, items = await run_streamed(
        build_parent_flow(), Brief(topic="sub-flows", sections=["why"]), runtime_resources={"logger": logger}
    )
    assert [item["stage"] for item in items if isinstance(item, dict)] == [
        "prepared",
        "sections_listed",
        "section_drafted",
        "summarized",
        "finalized",
    ]
    assert snapshot["$final_result"] == "# Report: sub-flows (single, 5 words)\n## Why\nWhat sub-flows means for why."
    assert logger.lines[1] == "single-section mode for sub-flows"
