"""One mistake per function, made both ways: `test_parity` type-checks this file with the
plugin and runs each function, and the plugin must say what ``flow.compile()`` (or the
builder call) says, code, message and help alike.
"""

from __future__ import annotations

from typing import TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData


class Report(TypedDict):
    title: str
    score: float


class ParentState(TypedDict, total=False):
    topic: str
    report: Report


class ChildState(TypedDict, total=False):
    query: str


class Query(TypedDict):
    text: str


def _flows() -> tuple[TriggerFlow[ParentState], TriggerFlow[ChildState]]:
    parent = TriggerFlow(name="parent", state=ParentState)
    child = TriggerFlow(name="child", state=ChildState)

    @child.chunk
    async def answer(data: TriggerFlowRuntimeData[str, ChildState]) -> str:
        return data.value

    child.to(answer).end()
    return parent, child


async def make_query(data: TriggerFlowRuntimeData[str, ParentState]) -> Query:
    return {"text": data.value}


def capture_state_field() -> None:
    parent, child = _flows()
    parent.to_sub_flow(child, capture={"input": "state.topik"})
    parent.compile()


def capture_nested_field() -> None:
    parent, child = _flows()
    parent.to_sub_flow(child, capture={"input": "state.report.titel"})
    parent.compile()


def capture_value_field() -> None:
    parent, child = _flows()
    parent.to(make_query).to_sub_flow(child, capture={"input": "value.txt"})
    parent.compile()


def capture_target_field() -> None:
    parent, _ = _flows()
    child = TriggerFlow(name="child", state=ChildState)  # inferred: the plugin knows its name
    parent.to_sub_flow(child, capture={"state": {"qurey": "state.topic"}})
    parent.compile()


def write_back_target_field() -> None:
    parent, child = _flows()
    parent.to_sub_flow(child, write_back={"state.topc": "result"})
    parent.compile()


def write_back_nested_target() -> None:
    parent, child = _flows()
    parent.to_sub_flow(child, write_back={"runtime_data": {"reprt": "result"}})
    parent.compile()


def write_back_snapshot_field() -> None:
    parent, _ = _flows()
    child = TriggerFlow(name="child", state=ChildState)  # inferred: the plugin knows its name
    parent.to_sub_flow(child, write_back={"value": "snapshot.qurey"})
    parent.compile()


def malformed_scope() -> None:
    parent, child = _flows()
    parent.to_sub_flow(child, capture={"input": "stat.topic"})


def malformed_capture_key() -> None:
    parent, child = _flows()
    parent.to_sub_flow(child, capture={"inptu": "value"})


def write_back_twice() -> None:
    parent, child = _flows()
    parent.to_sub_flow(child, write_back={"state.topic": "result.a", "runtime_data.topic": "result.b"})


def when_unknown_key() -> None:
    parent, _ = _flows()
    parent.when({"runtime_data": "topik"}).to(make_query)
    parent.compile()


def when_nested_key() -> None:
    parent, _ = _flows()
    parent.when({"runtime_data": "report.titl"}).to(make_query)
    parent.compile()


def when_unknown_scope() -> None:
    parent, _ = _flows()
    parent.when({"runtme_data": "topic"})
