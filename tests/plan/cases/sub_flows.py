# to_sub_flow with capture and write_back, .to(child) shorthand, and a side sub-flow.
from typing import TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData as Data


class ParentState(TypedDict, total=False):
    topic: str
    summary: str


class Summary(TypedDict):
    text: str


child = TriggerFlow(name="summarize", input=str, result=Summary)


@child.chunk
async def summarize(data: Data[str]) -> Summary:
    return {"text": data.value[:10]}


child.to(summarize).end()

flow = TriggerFlow(name="sub_flows", state=ParentState)


@flow.chunk
async def publish(data: Data[str]) -> str:
    return data.value


(
    flow.to_sub_flow(
        child,
        capture={"input": "state.topic"},
        write_back={"value": "result.text", "state.summary": "result.text"},
        concurrency=2,
    )
    .to(publish)
    .to_sub_flow(child, side_branch=True)
    .to(child)
    .end()
)
