"""Sub-flows inside the other constructs, and sub-flows in sub-flows (§2.12, §5, §6.3).

A sub-flow is one step: it can stand in a for_each body, a condition's branch, after a
batch, on a side branch and in parallel chains joined by collect; a child may itself run
sub-flows, and capture, write_back, streams and resources compose level by level.
"""

from __future__ import annotations

from typing import Any

import pytest

from tfc import TriggerFlow, TriggerFlowRuntimeData

from .helpers import Gate, run, run_streamed

pytestmark = pytest.mark.anyio


def upper_child() -> TriggerFlow[Any]:
    """``value`` -> state["text"] = VALUE, compat result ``{"text": VALUE}``."""
    child = TriggerFlow(name="upper")

    async def upper(data: TriggerFlowRuntimeData[Any]) -> dict[str, str]:
        text = str(data.value).upper()
        await data.async_set_state("text", text)
        await data.async_put_into_stream(f"upper {data.value}")
        return {"text": text}

    child.to(upper).end()
    return child


# -- in for_each ----------------------------------------------------------------------------


async def test_a_sub_flow_per_for_each_item_joins_in_input_order() -> None:
    """Children finish in reverse item order (forced); the join keeps input order."""
    gate = Gate()
    child = TriggerFlow(name="slow_upper")

    async def upper(data: TriggerFlowRuntimeData[Any]) -> str:
        index, text = data.value
        if index < 2:
            await gate.wait(f"done {index + 1}")
        gate.set(f"done {index}")
        return str(text).upper()

    child.to(upper).end()
    parent = TriggerFlow(name="parent")

    async def number(data: TriggerFlowRuntimeData[Any]) -> list[tuple[int, str]]:
        return list(enumerate(data.value))

    parent.to(number).for_each().to_sub_flow(child, write_back={"value": "result"}).end_for_each().end()
    snapshot = await run(parent, ["a", "b", "c"])
    assert snapshot["$final_result"] == ["A", "B", "C"]


async def test_for_each_items_captured_by_path_and_written_back_to_a_nested_value() -> None:
    parent = TriggerFlow(name="parent")
    parent.for_each().to_sub_flow(
        upper_child(), capture={"input": "value.name"}, write_back={"value.upper": "result.text"}
    ).end_for_each().end()
    snapshot, items = await run_streamed(parent, [{"name": "x"}, {"name": "y"}])
    assert snapshot["$final_result"] == [{"name": "x", "upper": "X"}, {"name": "y", "upper": "Y"}]
    assert sorted(map(str, items)) == ["upper x", "upper y"]


async def test_a_child_with_its_own_batch_and_for_each_runs_per_parent_item() -> None:
    child = TriggerFlow(name="inner_fanout")

    async def words(data: TriggerFlowRuntimeData[Any]) -> list[str]:
        return str(data.value).split()

    async def shout(data: TriggerFlowRuntimeData[Any]) -> str:
        return f"{data.value}!"

    async def count(data: TriggerFlowRuntimeData[Any]) -> int:
        return len(data.value)

    async def first(data: TriggerFlowRuntimeData[Any]) -> str:
        return str(data.value[0])

    async def summary(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_set_state("summary", data.value)

    child.to(words).for_each().to(shout).end_for_each().batch(count, first).to(summary)
    parent = TriggerFlow(name="parent")
    parent.for_each().to_sub_flow(child, write_back={"value": "snapshot.summary"}).end_for_each().end()
    snapshot = await run(parent, ["a b", "c d e"])
    assert snapshot["$final_result"] == [{"count": 2, "first": "a!"}, {"count": 3, "first": "c!"}]


# -- after a batch, in branches, on the side, in parallel chains ------------------------------


async def test_a_sub_flow_after_a_batch_captures_from_the_batch_result() -> None:
    parent = TriggerFlow(name="parent")

    async def facts(data: TriggerFlowRuntimeData[Any]) -> str:
        return f"facts about {data.value}"

    async def risks(data: TriggerFlowRuntimeData[Any]) -> list[str]:
        return [f"{data.value} is new"]

    child = TriggerFlow(name="combine")
    seen: list[object] = []

    async def combine(data: TriggerFlowRuntimeData[Any]) -> str:
        seen.append((data.value, data.state.to_dict()))
        return f"{data.value} / {data.state['risks'][0]}"

    child.to(combine).end()
    parent.batch(facts, risks).to_sub_flow(
        child, capture={"input": "value.facts", "state": {"risks": "value.risks"}}, write_back={"value": "result"}
    ).end()
    snapshot = await run(parent, "tfc")
    assert seen == [("facts about tfc", {"risks": ["tfc is new"]})]
    assert snapshot["$final_result"] == "facts about tfc / tfc is new"


async def test_sub_flows_in_condition_branches() -> None:
    big = TriggerFlow(name="big")
    big.to(lambda data: f"big {data.value}").end()
    small = TriggerFlow(name="small")
    small.to(lambda data: f"small {data.value}").end()
    parent = TriggerFlow(name="parent")
    (
        parent.if_condition(lambda data: data.value > 10)
        .to_sub_flow(big)
        .else_condition()
        .to(small)  # the shorthand inside a branch
        .end_condition()
        .end()
    )
    assert (await run(parent, 50))["$final_result"] == "big 50"
    assert (await run(parent, 5))["$final_result"] == "small 5"


async def test_a_side_branch_sub_flow_leaves_the_tail_and_value_where_they_were() -> None:
    parent = TriggerFlow(name="parent")
    after: list[object] = []

    async def keep(data: TriggerFlowRuntimeData[Any]) -> None:
        after.append(data.value)

    parent.to(lambda data: f"{data.value}.").to_sub_flow(
        upper_child(), write_back={"state.side": "result.text"}, side_branch=True
    ).to(keep)
    snapshot, items = await run_streamed(parent, "v")
    assert after == ["v."]
    assert snapshot == {"side": "V."}
    assert items == ["upper v."]


async def test_parallel_sub_flows_join_with_collect() -> None:
    """Two sub-flows on START run at once (each waits for the other to have started)."""
    gate = Gate()

    def waiting_child(name: str, other: str) -> TriggerFlow[Any]:
        child = TriggerFlow(name=name)

        async def work(data: TriggerFlowRuntimeData[Any]) -> str:
            gate.set(name)
            await gate.wait(other)
            return f"{name}({data.value})"

        child.to(work).end()
        return child

    parent = TriggerFlow(name="parent")
    parent.to_sub_flow(waiting_child("left", "right")).collect("both", "left")
    parent.to_sub_flow(waiting_child("right", "left")).collect("both", "right")
    parent.when({"collect": "both"}).end()
    snapshot = await run(parent, 1)
    assert snapshot["$final_result"] == {"left": "left(1)", "right": "right(1)"}


# -- sub-flows in sub-flows ---------------------------------------------------------------------


class Logger:
    def __init__(self) -> None:
        self.lines: list[str] = []


def three_levels() -> tuple[TriggerFlow[Any], list[dict[str, Any]]]:
    """top -> mid -> leaf, each level capturing and writing back its own way."""
    seen: list[dict[str, Any]] = []

    leaf = TriggerFlow(name="leaf")

    async def leaf_work(data: TriggerFlowRuntimeData[Any]) -> str:
        seen.append({"level": "leaf", "value": data.value, "state": data.state.to_dict(), "resources": dict(data.resources)})
        data.resources["log"].lines.append(f"leaf {data.value}")
        await data.async_put_into_stream(f"leaf {data.value}")
        await data.async_set_state("leaf_note", f"leaf saw {data.value}")
        return f"<{data.value}>"

    leaf.to(leaf_work).end()

    mid = TriggerFlow(name="mid")

    async def mid_before(data: TriggerFlowRuntimeData[Any]) -> str:
        seen.append({"level": "mid", "value": data.value, "state": data.state.to_dict(), "resources": dict(data.resources)})
        await data.async_put_into_stream(f"mid before {data.value}")
        await data.async_set_state("mid_key", "mid only")
        return f"{data.value}-m"

    async def mid_after(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_put_into_stream(f"mid after {data.value}")

    (
        mid.to(mid_before)
        .to_sub_flow(
            leaf,
            capture={"input": "value", "resources": {"log": "resources.logger"}},
            write_back={"value": "result", "state.note": "snapshot.leaf_note"},
        )
        .to(mid_after)
    )

    top = TriggerFlow(name="top")

    async def top_before(data: TriggerFlowRuntimeData[Any]) -> str:
        await data.async_set_state("topic", data.value)
        await data.async_put_into_stream(f"top before {data.value}")
        return "ignored by capture"

    async def top_after(data: TriggerFlowRuntimeData[Any]) -> None:
        await data.async_put_into_stream(f"top after {data.value}")

    (
        top.to(top_before)
        .to_sub_flow(
            mid,
            capture={"input": "state.topic", "resources": {"logger": "resources.logger"}},
            write_back={"value": "snapshot.note", "state.mid": "snapshot.mid_key"},
        )
        .to(top_after)
    )
    return top, seen


async def test_sub_flows_in_sub_flows_compose_capture_write_back_and_streams() -> None:
    top, seen = three_levels()
    logger = Logger()
    snapshot, items = await run_streamed(top, "t", runtime_resources={"logger": logger, "other": 1})
    assert items == [
        "top before t",
        "mid before t",
        "leaf t-m",
        "mid after <t-m>",
        "top after leaf saw t-m",
    ]
    assert snapshot == {"topic": "t", "mid": "mid only"}
    assert [s["level"] for s in seen] == ["mid", "leaf"]
    assert seen[0]["state"] == {} and seen[1]["state"] == {}
    # the resource is the same live object two levels down, under each level's name
    assert list(seen[0]["resources"]) == ["logger"] and seen[0]["resources"]["logger"] is logger
    assert list(seen[1]["resources"]) == ["log"] and seen[1]["resources"]["log"] is logger
    assert logger.lines == ["leaf t-m"]


async def test_one_child_template_at_two_levels_gets_a_fresh_execution_each_time() -> None:
    counter = TriggerFlow(name="counter")

    async def bump(data: TriggerFlowRuntimeData[Any]) -> int:
        await data.async_append_state("seen", data.value)
        return int(data.value) + len(data.state["seen"])  # + 1, unless state leaked between runs

    counter.to(bump).end()
    mid = TriggerFlow(name="mid")
    mid.to(counter).to(counter).end()
    top = TriggerFlow(name="top")
    top.to(counter).to(mid).end()
    snapshot = await run(top, 0)
    assert snapshot == {"$final_result": 3}
