"""Engine-style flows that the equivalence tests run through the engine and a runner.

Every flow is a module-level `TriggerFlow` in `FLOWS` with the input it runs on. Chunks put
what they see on the stream and write state, so stream, state, snapshot and result all
show differences. Chunks inside concurrent branches never wait on anything timed, so the
order of their stream items is fixed by the task structure alone.
"""

from __future__ import annotations

from typing import Any

from tfc import TriggerFlow, TriggerFlowRuntimeData

D = TriggerFlowRuntimeData[Any, Any]


# -- chunks shared by the flows ----------------------------------------------------------


async def inc(data: D) -> Any:
    await data.async_put_into_stream(("inc", data.value))
    return data.value + 1


def double(data: D) -> Any:
    data.put_into_stream(("double", data.value))
    return data.value * 2


async def show(data: D) -> Any:
    await data.async_put_into_stream(("show", data.value, data.trigger_event, data.trigger_type))
    return data.value


async def remember(data: D) -> Any:
    key = "seen_" + "_".join(f"{a}x{b}" for a, b in data._scope) if data._scope else "seen"
    data.state.append(key, data.value, emit=False)
    return data.value


async def total(data: D) -> Any:
    await data.async_put_into_stream(("total", data.value))
    return sum(data.value)


async def boom(data: D) -> Any:
    await data.async_put_into_stream(("boom", data.value))
    raise ValueError(f"no good: {data.value!r}")


async def emit_go(data: D) -> Any:
    await data.async_emit("go", data.value * 10)
    await data.async_put_into_stream(("emitted", data.value))
    return data.value


async def emit_both(data: D) -> Any:
    await data.async_emit("A", data.value)
    await data.async_emit("B", data.value + 1)
    return data.value


async def set_topic(data: D) -> Any:
    data.state["topic"] = f"t{data.value}"
    await data.async_set_state("inline", data.value)
    await data.async_put_into_stream(("set", data.value))
    return data.value


def is_big(data: D) -> bool:
    return bool(data.value > 5)


async def is_odd(data: D) -> bool:
    return bool(data.value % 2)


# -- the flows ---------------------------------------------------------------------------

chain = TriggerFlow(name="chain")
chain.to(inc).to(double).to(("inc_again", inc)).to(show).end()

sync_and_lambda = TriggerFlow(name="sync_and_lambda")
sync_and_lambda.to(double).to(lambda d: d.value - 1).to(show).end()

when_event = TriggerFlow(name="when_event")
when_event.to(emit_go).to(show).end()
when_event.when("go").to(inc).to(("show_go", show))

when_fan = TriggerFlow(name="when_fan")
when_fan.to(emit_go)
go = when_fan.when("go")
go.to(show)
go.to(("show_b", show)).end()

when_state = TriggerFlow(name="when_state")
when_state.to(set_topic).to(show)
when_state.when({"runtime_data": "topic"}).to(("show_topic", show)).end()
when_state.when({"runtime_data": "inline"}).to(inc).to(remember)

when_chunk = TriggerFlow(name="when_chunk")
inc_chunk = when_chunk.chunk(inc)
when_chunk.to(inc_chunk).to(double).to(show).end()
when_chunk.when(inc_chunk).to(("show_listener", show)).to(remember)

when_join = TriggerFlow(name="when_join")
when_join.to(emit_both)
when_join.when(["A", "B"]).to(show).end()
when_join.when({"event": ["A", "B"]}, mode="or").to(("show_or", show))
when_join.when(["A", "B"], mode="simple_or").to(("remember_simple", remember))

batch = TriggerFlow(name="batch")
batch.to(inc).batch(double, show, ("inc_b", inc), concurrency=2).to(("show_after", show)).end()

batch_side = TriggerFlow(name="batch_side")
batch_side.to(inc).batch(double, remember, side_branch=True).to(show).end()

for_each_nested = TriggerFlow(name="for_each_nested")
(
    for_each_nested.for_each()
    .for_each(concurrency=2)
    .to(inc)
    .to(remember)
    .end_for_each()
    .to(total)
    .end_for_each()
    .to(show)
    .end()
)

for_each_shapes = TriggerFlow(name="for_each_shapes")
for_each_shapes.for_each().to(show).end_for_each().to(("show_all", show)).end()

if_elif_else = TriggerFlow(name="if_elif_else")
(
    if_elif_else.for_each()
    .if_condition(is_big)
    .to(double)
    .elif_condition(3)
    .to(inc)
    .elif_condition(is_odd)
    .to(show)
    .else_condition()
    .to(remember)
    .end_condition()
    .end_for_each()
    .to(("show_all", show))
    .end()
)

if_pass_through = TriggerFlow(name="if_pass_through")
if_pass_through.if_condition(is_big).to(double).end_condition().to(show).end()

match_first = TriggerFlow(name="match_first")
(
    match_first.for_each()
    .match()
    .case(1)
    .to(inc)
    .case(is_odd)
    .to(double)
    .case_else()
    .to(show)
    .end_match()
    .end_for_each()
    .end()
)

match_all = TriggerFlow(name="match_all")
(
    match_all.for_each()
    .match("hit_all")
    .case(is_odd)
    .to(inc)
    .case(is_big)
    .to(double)
    .case_else()
    .to(show)
    .end_match()
    .end_for_each()
    .to(("show_all", show))
    .end()
)

side = TriggerFlow(name="side")
side.to(inc).side_branch(remember).to(double).side_branch(("show_side", show)).to(show).end()

forks = TriggerFlow(name="forks")
head = forks.to(inc)
head.to(double).to(show).end()
head.to(("inc_fork", inc)).to(remember)
head.to(("show_fork", show))

collect = TriggerFlow(name="collect")
collect.to(inc).collect("pair", "left").to(show).end()
collect.to(double).collect("pair", "right")

errors = TriggerFlow(name="errors")
errors.to(inc).to(boom).to(show).end()

errors_in_for_each = TriggerFlow(name="errors_in_for_each")
errors_in_for_each.for_each().if_condition(is_big).to(boom).end_condition().end_for_each().end()

condition_error = TriggerFlow(name="condition_error")
condition_error.if_condition(lambda d: d.value["missing"]).to(show).end_condition().end()

skipping = TriggerFlow(name="skipping", skip_exceptions=True)
skipping.for_each().to(inc).to(boom).end_for_each().to(show).end()
skipping.to(("show_start", show)).end()

child = TriggerFlow(name="child")
child.to(inc).to(show).end()

sub_flow = TriggerFlow(name="sub_flow")
sub_flow.to(set_topic).to_sub_flow(
    child, capture={"input": "value"}, write_back={"value": "result", "state.from_child": "result"}
).to(("show_parent", show)).end()

empty_for_each = TriggerFlow(name="empty_for_each")
empty_for_each.for_each().to(inc).end_for_each().to(show).end()


FLOWS: tuple[tuple[str, TriggerFlow[Any], object], ...] = (
    ("chain", chain, 1),
    ("sync_and_lambda", sync_and_lambda, 4),
    ("when_event", when_event, 2),
    ("when_fan", when_fan, 2),
    ("when_state", when_state, 3),
    ("when_chunk", when_chunk, 5),
    ("when_join", when_join, 1),
    ("batch", batch, 2),
    ("batch_side", batch_side, 2),
    ("for_each_nested", for_each_nested, [[1, 2], [3], []]),
    ("for_each_shapes_list", for_each_shapes, [1, "a", (2,)]),
    ("for_each_shapes_scalar", for_each_shapes, "text"),
    ("for_each_shapes_dict", for_each_shapes, {"k": 1}),
    ("if_elif_else", if_elif_else, [1, 2, 3, 7, 9, 4]),
    ("if_pass_through", if_pass_through, 2),
    ("match_first", match_first, [1, 2, 3, 7]),
    ("match_all", match_all, [1, 2, 7, 8]),
    ("side", side, 1),
    ("forks", forks, 3),
    ("collect", collect, 4),
    ("errors", errors, 1),
    ("errors_in_for_each", errors_in_for_each, [1, 9, 2]),
    ("condition_error", condition_error, {"present": 1}),
    ("skipping", skipping, [1, 2]),
    ("sub_flow", sub_flow, 5),
    ("empty_for_each", empty_for_each, []),
)
