"""capture: what a child gets from its parent (seed 004's table, SEMANTICS §2.12, §7 "seed 004").

Every source scope (``value``, ``state.<key>`` and its peer spelling ``runtime_data.<key>``,
``resources.<name>``, ``flow_data.<path>``) into every target (``input``, the nested
``"state"`` / ``"runtime_data"`` forms, ``"resources"``, ``"flow_data"``); values are copies,
resources are the same live objects, and nothing the parent has reaches the child unless it
is captured.
"""

from __future__ import annotations

from typing import Any

import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData

from .helpers import run, seen_by

pytestmark = pytest.mark.anyio


class Logger:
    """A live resource: identity matters, copies would be a bug."""

    def __init__(self) -> None:
        self.lines: list[str] = []


def parent_with_state(child: TriggerFlow[Any], **sub_flow: Any) -> TriggerFlow[Any]:
    """prepare (state topic/profile/sections, value {"request": ...}) -> child -> keep."""
    parent = TriggerFlow(name="parent")

    async def prepare(data: TriggerFlowRuntimeData[Any]) -> dict[str, Any]:
        await data.async_set_state("topic", "tfc")
        await data.async_set_state("profile", {"name": "Ada", "tags": ["x", "y"]})
        return {"request": {"topic": data.value, "pages": [1, 2, 3]}}

    async def keep(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("after", data.value)

    parent.to(prepare).to_sub_flow(child, **sub_flow).to(keep)
    return parent


# -- capture["input"]: each source row of the seed's table ----------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("value", {"request": {"topic": "t", "pages": [1, 2, 3]}}, id="value"),
        pytest.param("value.request.topic", "t", id="value-path"),
        pytest.param("value.request.pages.1", 2, id="value-list-index"),
        pytest.param("state.topic", "tfc", id="state-key"),
        pytest.param("state.profile.name", "Ada", id="state-path"),
        pytest.param("state.profile.tags.0", "x", id="state-list-index"),
        pytest.param("runtime_data.topic", "tfc", id="runtime_data-key"),
        pytest.param("runtime_data.profile", {"name": "Ada", "tags": ["x", "y"]}, id="runtime_data-path"),
    ],
)
async def test_capture_input_from_each_source(source: str, expected: object) -> None:
    child = TriggerFlow(name="child")
    seen: list[dict[str, Any]] = []
    seen_by(child, seen)
    await run(parent_with_state(child, capture={"input": source}), "t")
    assert [s["value"] for s in seen] == [expected]
    assert seen[0]["state"] == {}  # capturing an input seeds no child state


async def test_capture_input_from_a_resource_is_the_live_object() -> None:
    child = TriggerFlow(name="child")
    seen: list[dict[str, Any]] = []
    seen_by(child, seen)
    logger = Logger()
    await run(parent_with_state(child, capture={"input": "resources.logger"}), runtime_resources={"logger": logger})
    assert seen[0]["value"] is logger


async def test_capture_input_from_flow_data() -> None:
    child = TriggerFlow(name="child")
    seen: list[dict[str, Any]] = []
    seen_by(child, seen)
    parent = parent_with_state(child, capture={"input": "flow_data.settings.mode"})
    parent.set_flow_data("settings", {"mode": "draft"})
    await run(parent)
    assert seen[0]["value"] == "draft"


async def test_capture_without_input_starts_the_child_with_none() -> None:
    child = TriggerFlow(name="child")
    seen: list[dict[str, Any]] = []
    seen_by(child, seen)
    snapshot = await run(parent_with_state(child, capture={"state": {"topic": "state.topic"}}), "t")
    assert seen[0]["value"] is None
    assert seen[0]["state"] == {"topic": "tfc"}
    # no write_back: the parent's next value is the child's close snapshot (no compat result)
    assert snapshot["after"] == {"topic": "tfc"}


async def test_an_empty_capture_is_a_capture_without_input() -> None:
    child = TriggerFlow(name="child")
    seen: list[dict[str, Any]] = []
    seen_by(child, seen)
    await run(parent_with_state(child, capture={}), "t")
    assert seen[0]["value"] is None


async def test_without_capture_the_child_starts_with_the_parents_value() -> None:
    child = TriggerFlow(name="child")
    seen: list[dict[str, Any]] = []
    seen_by(child, seen)
    await run(parent_with_state(child), "t")
    assert seen == [{"value": {"request": {"topic": "t", "pages": [1, 2, 3]}}, "state": {}, "resources": {}}]


# -- the nested capture forms seed the child's state ----------------------------------------


@pytest.mark.parametrize("scope", ["state", "runtime_data"])
async def test_nested_capture_seeds_the_child_state(scope: str) -> None:
    child = TriggerFlow(name="child")
    seen: list[dict[str, Any]] = []
    seen_by(child, seen)
    capture = {
        "input": "value.request.topic",
        scope: {
            "topic": "state.topic",  # the seed's spelling
            "who": "runtime_data.profile.name",  # the peer's spelling
            "request": "value.request",
            "meta.pages": "value.request.pages",  # a nested child path builds dicts
        },
    }
    await run(parent_with_state(child, capture=capture), "t")
    assert seen[0]["value"] == "t"
    assert seen[0]["state"] == {
        "topic": "tfc",
        "who": "Ada",
        "request": {"topic": "t", "pages": [1, 2, 3]},
        "meta": {"pages": [1, 2, 3]},
    }


async def test_seeded_state_is_in_the_childs_close_snapshot_in_capture_order() -> None:
    child = TriggerFlow(name="child")

    async def add(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("added", True)

    child.to(add)
    snapshot = await run(
        parent_with_state(child, capture={"state": {"b": "state.topic", "a": "value.request.topic"}}), "t"
    )
    assert list(snapshot["after"].items()) == [("b", "tfc"), ("a", "t"), ("added", True)]


async def test_capture_into_the_childs_flow_data() -> None:
    child = TriggerFlow(name="child")
    got: list[object] = []

    async def read(data: TriggerFlowRuntimeData[Any]) -> None:
        got.append(data.get_flow_data("mode"))

    child.to(read)
    await run(parent_with_state(child, capture={"flow_data": {"mode": "value.request.topic"}}), "draft")
    assert got == ["draft"]


# -- resources: identity, renaming, isolation -----------------------------------------------


async def test_a_captured_resource_is_the_same_live_object() -> None:
    child = TriggerFlow(name="child")
    seen: list[dict[str, Any]] = []
    seen_by(child, seen)

    async def log(data: TriggerFlowRuntimeData[Any]) -> None:
        data.resources["log"].lines.append(f"child saw {data.value}")

    child.to(log)
    logger = Logger()
    await run(
        parent_with_state(child, capture={"input": "value.request.topic", "resources": {"log": "resources.logger"}}),
        "t",
        runtime_resources={"logger": logger},
    )
    assert seen[0]["resources"]["log"] is logger
    assert list(seen[0]["resources"]) == ["log"]  # under the child's name only
    assert logger.lines == ["child saw t"]


async def test_a_flow_level_resource_of_the_parent_can_be_captured() -> None:
    child = TriggerFlow(name="child")
    seen: list[dict[str, Any]] = []
    seen_by(child, seen)
    logger = Logger()
    parent = parent_with_state(child, capture={"resources": {"logger": "resources.logger"}})
    parent.update_runtime_resources(logger=logger)
    await run(parent)
    assert seen[0]["resources"] == {"logger": logger}
    assert seen[0]["resources"]["logger"] is logger


async def test_parent_resources_are_not_visible_unless_captured() -> None:
    child = TriggerFlow(name="child")
    seen: list[dict[str, Any]] = []
    seen_by(child, seen)
    missing: list[object] = []

    async def probe(data: TriggerFlowRuntimeData[Any]) -> None:
        missing.append(data.get_resource("secret", "absent"))
        with pytest.raises(KeyError):
            data.require_resource("secret")

    child.to(probe)
    parent = parent_with_state(child, capture={"resources": {"logger": "resources.logger"}})
    parent.update_runtime_resources(flow_secret="flow-level")
    await run(parent, runtime_resources={"logger": Logger(), "secret": "execution-level"})
    assert list(seen[0]["resources"]) == ["logger"]
    assert missing == ["absent"]


async def test_without_capture_no_parent_resource_reaches_the_child() -> None:
    child = TriggerFlow(name="child")
    seen: list[dict[str, Any]] = []
    seen_by(child, seen)
    parent = parent_with_state(child)
    parent.update_runtime_resources(logger=Logger())
    await run(parent, runtime_resources={"secret": 1})
    assert seen[0]["resources"] == {}


async def test_the_childs_own_flow_resources_stay_visible_beside_captured_ones() -> None:
    child = TriggerFlow(name="child")
    seen: list[dict[str, Any]] = []
    seen_by(child, seen)
    own = Logger()
    child.update_runtime_resources(own=own)
    logger = Logger()
    await run(
        parent_with_state(child, capture={"resources": {"logger": "resources.logger"}}),
        runtime_resources={"logger": logger},
    )
    assert seen[0]["resources"]["own"] is own
    assert seen[0]["resources"]["logger"] is logger


async def test_a_value_captured_into_a_resource_is_a_copy() -> None:
    child = TriggerFlow(name="child")
    seen: list[object] = []

    async def mutate(data: TriggerFlowRuntimeData[Any]) -> None:
        seen.append(dict(data.resources["profile"]))
        data.resources["profile"]["name"] = "Bob"

    child.to(mutate)
    snapshot = await run(parent_with_state(child, capture={"resources": {"profile": "state.profile"}}))
    assert seen == [{"name": "Ada", "tags": ["x", "y"]}]
    assert snapshot["profile"] == {"name": "Ada", "tags": ["x", "y"]}


# -- copies ------------------------------------------------------------------------------------


async def test_mutating_captured_values_in_the_child_does_not_change_the_parent() -> None:
    child = TriggerFlow(name="child")
    seen_inputs: list[object] = []

    async def mutate(data: TriggerFlowRuntimeData[Any]) -> None:
        seen_inputs.append(data.value)
        data.value["pages"].append(99)
        data.value["topic"] = "changed"
        profile = data.state["profile"]  # a copy already; write it back mutated
        profile["tags"].append("z")
        await data.async_set_state("profile", profile)

    child.to(mutate)
    parent = TriggerFlow(name="parent")
    kept: list[object] = []

    async def prepare(data: TriggerFlowRuntimeData[Any]) -> dict[str, Any]:
        await data.async_set_state("profile", {"name": "Ada", "tags": ["x"]})
        return {"topic": "t", "pages": [1]}

    async def after(data: TriggerFlowRuntimeData[Any]) -> None:
        kept.append(data.value)

    (
        parent.to(prepare)
        .to_sub_flow(child, capture={"input": "value", "state": {"profile": "state.profile"}}, write_back={})
        .to(after)
    )
    snapshot = await run(parent)
    assert seen_inputs == [{"topic": "changed", "pages": [1, 99]}]
    assert kept == [{"topic": "t", "pages": [1]}]  # the parent's value, untouched
    assert snapshot == {"profile": {"name": "Ada", "tags": ["x"]}}


async def test_the_default_input_is_a_copy_too() -> None:
    child = TriggerFlow(name="child")

    async def mutate(data: TriggerFlowRuntimeData[Any]) -> None:
        data.value.append("child")

    child.to(mutate)
    parent = TriggerFlow(name="parent")
    kept: list[object] = []
    shared = ["parent"]

    async def prepare(data: TriggerFlowRuntimeData[Any]) -> list[str]:
        return shared

    async def after(data: TriggerFlowRuntimeData[Any]) -> None:
        kept.append(data.value)

    parent.to(prepare).to_sub_flow(child, write_back={}).to(after)
    await run(parent)
    assert kept == [["parent"]]
    assert shared == ["parent"]
