"""write_back and the default composition: what comes back from a child (seed 004, §2.12, §7).

Sources: ``result`` (compat result if present, else the close snapshot), ``result.<path>``
(compat result first, then the close snapshot), ``snapshot`` and ``snapshot.<path>`` (the
close snapshot only). Targets: ``value`` (and ``value.<path>``), ``state.<name>`` flat (and
the peer's ``runtime_data.<name>``), the nested ``{"state": {...}}`` / ``{"runtime_data":
{...}}`` / ``{"flow_data": {...}}`` forms. Without a ``value`` target the parent's value
passes through unchanged.
"""

from __future__ import annotations

from typing import Any

import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData

from .helpers import run

pytestmark = pytest.mark.anyio

SNAPSHOT_REPORT = {"title": "from the snapshot", "body": "only in the snapshot"}
COMPAT = {"report": {"title": "from the compat result"}, "extra": [10, 20]}


def legacy_child() -> TriggerFlow[Any]:
    """Writes state ``report`` and ``count``, then ends with `COMPAT` (a compat result)."""
    child = TriggerFlow(name="legacy")

    async def work(data: TriggerFlowRuntimeData[Any]) -> dict[str, Any]:
        await data.async_set_state("report", dict(SNAPSHOT_REPORT))
        await data.async_set_state("count", 2)
        return COMPAT

    child.to(work).end()
    return child


def state_first_child() -> TriggerFlow[Any]:
    """Writes state ``report`` and ``count``; no compat result."""
    child = TriggerFlow(name="state_first")

    async def work(data: TriggerFlowRuntimeData[Any]) -> str:
        await data.async_set_state("report", dict(SNAPSHOT_REPORT))
        await data.async_set_state("count", 2)
        return "ignored"

    child.to(work)
    return child


def parent_of(child: TriggerFlow[Any], write_back: dict[str, Any] | None) -> TriggerFlow[Any]:
    """value "parent value" -> child -> state["next"] = the value after the sub-flow."""
    parent = TriggerFlow(name="parent")

    async def prepare(data: TriggerFlowRuntimeData[Any]) -> object:
        return data.value

    async def after(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("next", data.value)

    parent.to(prepare).to_sub_flow(child, write_back=write_back).to(after)
    return parent


async def next_value(child: TriggerFlow[Any], write_back: dict[str, Any] | None, value: object = "parent value") -> Any:
    return (await run(parent_of(child, write_back), value))["next"]


LEGACY_SNAPSHOT = {"report": SNAPSHOT_REPORT, "count": 2, "$final_result": COMPAT}
STATE_FIRST_SNAPSHOT = {"report": SNAPSHOT_REPORT, "count": 2}


# -- the default composition ---------------------------------------------------------------


async def test_default_the_parent_gets_the_compat_result_when_the_child_wrote_one() -> None:
    assert await next_value(legacy_child(), None) == COMPAT


async def test_default_the_parent_gets_the_close_snapshot_otherwise() -> None:
    got = await next_value(state_first_child(), None)
    assert got == STATE_FIRST_SNAPSHOT
    assert list(got) == ["report", "count"]  # insertion order


async def test_default_a_compat_result_of_none_still_wins_over_the_snapshot() -> None:
    child = TriggerFlow(name="none_result")

    async def work(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("noise", 1)

    child.to(work).end()
    assert await next_value(child, None) is None


async def test_default_set_result_is_a_compat_result_too() -> None:
    child = TriggerFlow(name="set_result")

    async def work(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("noise", 1)
        data.set_result({"done": data.value})

    child.to(work)
    assert await next_value(child, None) == {"done": "parent value"}


async def test_the_childs_state_never_leaks_into_the_parent_state() -> None:
    snapshot = await run(parent_of(legacy_child(), None), "v")
    assert list(snapshot) == ["next"]


async def test_each_activation_runs_a_fresh_child() -> None:
    child = TriggerFlow(name="counter")

    async def count(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_append_state("calls", data.value)

    child.to(count)
    parent = parent_of(child, None)
    first = await run(parent, "a")
    second = await run(parent, "b")
    assert first["next"] == {"calls": ["a"]}
    assert second["next"] == {"calls": ["b"]}


# -- sources: the seed's table, legacy and state-first children ------------------------------


@pytest.mark.parametrize(
    ("make_child", "source", "expected"),
    [
        pytest.param(legacy_child, "result", COMPAT, id="result-compat"),
        pytest.param(state_first_child, "result", STATE_FIRST_SNAPSHOT, id="result-snapshot"),
        pytest.param(legacy_child, "result.report.title", "from the compat result", id="result-path-compat-first"),
        pytest.param(legacy_child, "result.report.body", "only in the snapshot", id="result-path-falls-back"),
        pytest.param(legacy_child, "result.count", 2, id="result-path-snapshot-only-key"),
        pytest.param(legacy_child, "result.extra.1", 20, id="result-path-list-index"),
        pytest.param(state_first_child, "result.report.title", "from the snapshot", id="result-path-no-compat"),
        pytest.param(legacy_child, "snapshot", LEGACY_SNAPSHOT, id="snapshot-skips-compat"),
        pytest.param(state_first_child, "snapshot", STATE_FIRST_SNAPSHOT, id="snapshot"),
        pytest.param(legacy_child, "snapshot.report.title", "from the snapshot", id="snapshot-path-skips-compat"),
        pytest.param(legacy_child, "snapshot.$final_result.extra", [10, 20], id="snapshot-path-into-compat-key"),
        pytest.param(state_first_child, "snapshot.count", 2, id="snapshot-path"),
    ],
)
async def test_write_back_sources(make_child: Any, source: str, expected: object) -> None:
    assert await next_value(make_child(), {"value": source}) == expected


async def test_result_path_falls_back_when_the_compat_result_is_not_a_mapping() -> None:
    child = TriggerFlow(name="scalar_result")

    async def work(data: TriggerFlowRuntimeData[Any]) -> str:
        await data.async_set_state("report", {"title": "snapshot"})
        return "a plain string"

    child.to(work).end()
    assert await next_value(child, {"value": "result.report.title"}) == "snapshot"
    assert await next_value(child, {"value": "result"}) == "a plain string"


# -- targets --------------------------------------------------------------------------------


async def test_no_value_target_leaves_the_parents_value_unchanged() -> None:
    got = await next_value(legacy_child(), {"state.report": "result.report"}, {"request": "r"})
    assert got == {"request": "r"}


async def test_an_empty_write_back_leaves_the_parents_value_unchanged() -> None:
    assert await next_value(legacy_child(), {}, ["v"]) == ["v"]


async def test_a_nested_value_target_builds_a_dict() -> None:
    got = await next_value(legacy_child(), {"value.doc.title": "result.report.title", "value.n": "result.count"}, "v")
    assert got == {"doc": {"title": "from the compat result"}, "n": 2}


async def test_a_nested_value_target_adds_to_a_mapping_value() -> None:
    got = await next_value(legacy_child(), {"value.n": "result.count"}, {"request": "r"})
    assert got == {"request": "r", "n": 2}


async def test_value_and_a_nested_value_target_together() -> None:
    got = await next_value(legacy_child(), {"value": "snapshot.report", "value.n": "result.count"})
    assert got == {**SNAPSHOT_REPORT, "n": 2}


async def test_flat_state_targets_write_the_parent_state_in_order() -> None:
    parent = parent_of(
        legacy_child(),
        {
            "state.title": "result.report.title",  # the seed's spelling
            "runtime_data.count": "snapshot.count",  # the peer's spelling
            "state.doc.body": "result.report.body",  # a dotted target: nested state
            "value": "result.extra",
        },
    )
    snapshot = await run(parent, "v")
    assert list(snapshot.items()) == [
        ("title", "from the compat result"),
        ("count", 2),
        ("doc", {"body": "only in the snapshot"}),
        ("next", [10, 20]),
    ]


@pytest.mark.parametrize("scope", ["state", "runtime_data"])
async def test_nested_state_targets(scope: str) -> None:
    parent = parent_of(legacy_child(), {scope: {"title": "result.report.title", "whole": "snapshot"}})
    snapshot = await run(parent, "v")
    assert snapshot == {"title": "from the compat result", "whole": LEGACY_SNAPSHOT, "next": "v"}


async def test_nested_flow_data_target_writes_the_parents_flow_data() -> None:
    parent = parent_of(legacy_child(), {"flow_data": {"latest": "result.report.title"}})
    await run(parent, "v")
    assert parent.get_flow_data("latest") == "from the compat result"


async def test_a_state_write_back_triggers_the_parents_watchers_before_it_continues() -> None:
    parent = TriggerFlow(name="parent")
    log: list[str] = []

    async def after(data: TriggerFlowRuntimeData[Any]) -> None:
        log.append(f"after {data.value}")

    async def watcher(data: TriggerFlowRuntimeData[Any]) -> None:
        log.append(f"watcher {data.value}")

    parent.to_sub_flow(legacy_child(), write_back={"state.title": "result.report.title"}).to(after)
    parent.when({"runtime_data": "title"}).to(watcher)
    await run(parent, "v")
    assert log == ["watcher from the compat result", "after v"]


async def test_written_back_values_are_copies_of_the_childs() -> None:
    parent = TriggerFlow(name="parent")
    seen: list[object] = []

    async def mutate(data: TriggerFlowRuntimeData[Any]) -> None:
        data.value["title"] = "mutated"
        seen.append(data.state["report"])

    parent.to_sub_flow(legacy_child(), write_back={"value": "snapshot.report", "state.report": "snapshot.report"}).to(
        mutate
    )
    await run(parent)
    assert seen == [SNAPSHOT_REPORT]
