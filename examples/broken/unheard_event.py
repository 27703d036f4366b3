"""A when() on an event nothing emits (TFC304), and an event nobody waits for (TFC305)."""

from tfc import TriggerFlow, TriggerFlowRuntimeData

flow = TriggerFlow(name="events")


@flow.chunk
async def review(data: TriggerFlowRuntimeData[str]) -> str:
    await data.async_emit("Reviewed", data.value)
    return data.value


@flow.chunk
async def publish(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value


flow.to(review)
flow.when("Reviewd").to(publish).end()
