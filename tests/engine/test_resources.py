"""Flow and execution resources, `require_resource`: SEMANTICS §2.15, §3.2."""

from __future__ import annotations

from typing import Any

import pytest

from tfc import ChunkError, ResourceError, TriggerFlow, TriggerFlowRuntimeData

from .helpers import next_line, run

pytestmark = pytest.mark.anyio


class Client:
    """A live object: resources are never copied."""

    def __init__(self, name: str) -> None:
        self.name = name


def test_flow_level_resources_api() -> None:
    flow = TriggerFlow()
    client = Client("a")
    flow.update_runtime_resources({"client": client}, model="m1")
    flow.set_runtime_resource("limit", 3)
    assert flow.get_runtime_resource("client") is client
    assert flow.get_runtime_resource("missing", "d") == "d"
    assert flow.runtime_resources == {"client": client, "model": "m1", "limit": 3}
    flow.del_runtime_resource("limit")
    flow.del_runtime_resource("never there")
    assert set(flow.runtime_resources) == {"client", "model"}
    flow.clear_runtime_resources()
    assert flow.runtime_resources == {}


async def test_chunks_see_flow_resources_as_live_objects() -> None:
    flow = TriggerFlow()
    client = Client("flow")
    flow.update_runtime_resources(client=client)
    seen: list[object] = []

    def chunk(data: TriggerFlowRuntimeData[Any]) -> None:
        seen.extend([data.require_resource("client"), data.resources["client"], data.get_resource("client")])

    flow.to(chunk)
    await run(flow)
    assert all(item is client for item in seen) and len(seen) == 3


async def test_execution_resources_override_the_flows() -> None:
    flow = TriggerFlow()
    flow.update_runtime_resources(client=Client("flow"), shared="flow")
    own = Client("execution")
    seen: dict[str, object] = {}

    def chunk(data: TriggerFlowRuntimeData[Any]) -> None:
        view = data.resources
        seen["client"] = view["client"]
        seen["shared"] = view.get("shared")
        seen["keys"] = sorted(view)
        seen["len"] = len(view)
        seen["in"] = ("client" in view, "nope" in view)
        seen["default"] = data.get_resource("nope", "fallback")

    flow.to(chunk)
    await run(flow, runtime_resources={"client": own})
    assert seen == {
        "client": own,
        "shared": "flow",
        "keys": ["client", "shared"],
        "len": 2,
        "in": (True, False),
        "default": "fallback",
    }
    assert flow.get_runtime_resource("client").name == "flow"


async def test_set_resource_writes_the_execution_level_only() -> None:
    flow = TriggerFlow()
    seen: list[object] = []

    def first(data: TriggerFlowRuntimeData[Any]) -> None:
        if data.value != "set":
            return
        data.set_resource("token", "t1")
        data.set_resource("temp", 1)
        data.del_resource("temp")

    def second(data: TriggerFlowRuntimeData[Any]) -> None:
        seen.extend([data.get_resource("token"), data.get_resource("temp")])

    flow.to(first).to(second)
    await run(flow, "set")
    assert seen == ["t1", None]
    assert flow.runtime_resources == {}
    seen.clear()
    await run(flow)  # another execution does not see it
    assert seen == [None, None]


async def test_the_resources_view_is_read_only() -> None:
    flow = TriggerFlow()
    errors: list[BaseException] = []

    def chunk(data: TriggerFlowRuntimeData[Any]) -> None:
        try:
            data.resources["x"] = 1  # type: ignore[index]
        except TypeError as exc:
            errors.append(exc)

    flow.to(chunk)
    await run(flow)
    assert len(errors) == 1


async def test_require_resource_names_the_chunk_and_the_known_keys() -> None:
    flow = TriggerFlow()
    flow.update_runtime_resources(model="m")

    @flow.chunk
    def call_model(data: TriggerFlowRuntimeData[Any]) -> None:
        data.require_resource("client")

    line = next_line()
    flow.to(call_model)
    with pytest.raises(ChunkError) as info:
        await run(flow)
    cause = info.value.__cause__
    assert isinstance(cause, ResourceError)
    assert isinstance(cause, KeyError)
    message = str(cause)
    assert 'chunk "call_model" requires the resource "client"' in message
    assert "resources: model" in message
    assert info.value.where is not None and f":{line}:" in info.value.where


async def test_hidden_starts_take_runtime_resources() -> None:
    flow = TriggerFlow()
    flow.to(lambda d: d.require_resource("n") + d.value).end()
    assert (await flow.async_start(1, runtime_resources={"n": 41}))["$final_result"] == 42


async def test_execution_resource_methods() -> None:
    flow = TriggerFlow()
    flow.update_runtime_resources(a="flow")
    execution = flow.create_execution(auto_close=False, runtime_resources={"b": "own"})
    execution.set_runtime_resource("c", "set")
    execution.update_runtime_resources({"d": "upd"})
    execution.del_runtime_resource("c")
    assert dict(execution.resources) == {"a": "flow", "b": "own", "d": "upd"}
    assert execution.get_runtime_resource("a") == "flow"
    assert execution.get_runtime_resource("zz", 0) == 0
    await execution.async_close()
