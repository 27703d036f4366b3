from tfc import TriggerFlow, TriggerFlowRuntimeData

flow = TriggerFlow(name="shared")


@flow.chunk
async def start_here(data: TriggerFlowRuntimeData) -> str:
    return "x"


async def helper(data: TriggerFlowRuntimeData) -> str:
    return "y"
