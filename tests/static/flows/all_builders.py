"""Every builder method, in the shapes users write them (kept in sync with the runtime IR)."""

from typing import TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData


class State(TypedDict, total=False):
    topic: str
    report: str


CAPTURE = {"input": "value", "runtime_data": {"topic": "state.topic"}}
WRITE_BACK = {"value": "result", "runtime_data": {"report": "result.report"}}

child = TriggerFlow(name="child", state=State)


@child.chunk
async def summarize(data: TriggerFlowRuntimeData[str, State]) -> str:
    return data.value


child.to(summarize).end()

flow = TriggerFlow(name="all_builders", state=State)


@flow.chunk("first")
async def first(data: TriggerFlowRuntimeData[str, State]) -> list[str]:
    await data.async_emit("Ready", data.value)
    return [data.value]


@flow.chunk
def plain(data: TriggerFlowRuntimeData) -> str:
    return str(data.value)


async def loose(data: TriggerFlowRuntimeData) -> str:
    return str(data.value)


def is_long(data: TriggerFlowRuntimeData) -> bool:
    return len(str(data.value)) > 3


def attach_tail(process):
    return process.to(loose, name="tail").end()


head = flow.to(first)
each = head.for_each(concurrency=2)
each.if_condition(is_long).to(plain).elif_condition("x").to("first").else_condition().to(("alias", loose)).end_condition().end_for_each().to(lambda data: data.value)
flow.side_branch(plain)
flow.batch(first, plain, loose, concurrency=1).match("hit_all").case(is_long).to(plain).case(3).to(loose).case_else().to(first).end_match().collect("joined", "a")
flow.to_sub_flow(child, capture=CAPTURE, write_back=WRITE_BACK, concurrency=2).to(child)
flow.when("Ready").to(plain)
flow.when(first, mode="or").to(plain).collect("joined")
flow.when({"runtime_data": ["topic", "report"], "event": "Ready"}, mode="simple_or").to(lambda d: d.value)
flow.when(["Ready", "Other"]).batch(plain, side_branch=True).to(loose)
attach_tail(flow.start_process.for_each().for_each().to(plain).end_for_each().end_for_each())
(
    flow.when({"collect": "joined"})
    .to(plain)
    .match()
    .case(lambda d: True)
    .to(loose)
    .end_match()
)
