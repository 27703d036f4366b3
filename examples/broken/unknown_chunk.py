"""A step names a chunk nobody declared: TFC105 (with a did-you-mean)."""

from tfc import TriggerFlow, TriggerFlowRuntimeData

flow = TriggerFlow(name="summary")


@flow.chunk("summarize")
async def summarize(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value[:100]


flow.to("sumarize").end()
