# batch -> for_each (nested, with concurrency limits) -> end.
from tfc import TriggerFlow, TriggerFlowRuntimeData as Data

flow = TriggerFlow(name="batch_then_each")


@flow.chunk
async def facts(data: Data[str]) -> list[str]:
    return [data.value]


@flow.chunk
async def risks(data: Data[str]) -> list[str]:
    return []


@flow.chunk
def merge(data: Data[dict[str, list[str]]]) -> list[list[str]]:
    return list(data.value.values())


@flow.chunk
async def draft(data: Data[str]) -> str:
    return f"- {data.value}"


(
    flow.batch(facts, risks, concurrency=2)
    .to(merge)
    .for_each(concurrency=4)
    .for_each()
    .to(draft)
    .end_for_each()
    .end_for_each()
    .end()
)
