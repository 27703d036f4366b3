"""A step receives a value its handler does not accept: TFC401."""

from tfc import TriggerFlow, TriggerFlowRuntimeData

flow = TriggerFlow(name="counts")


@flow.chunk
async def count_words(data: TriggerFlowRuntimeData[str]) -> int:
    return len(data.value.split())


@flow.chunk
async def shout(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value.upper()


flow.to(count_words).to(shout).end()  # type: ignore[arg-type]
