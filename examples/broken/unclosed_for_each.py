"""A for_each block that is never closed: TFC101."""

from tfc import TriggerFlow, TriggerFlowRuntimeData

flow = TriggerFlow(name="sections")


@flow.chunk
async def split(data: TriggerFlowRuntimeData[str]) -> list[str]:
    return data.value.split(",")


@flow.chunk
async def draft(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value.strip().title()


flow.to(split).for_each(concurrency=4).to(draft).end()
