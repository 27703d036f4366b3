# A seed-style untyped chain: steps, a side branch, a second chain off START, end().
from tfc import TriggerFlow, TriggerFlowRuntimeData

flow = TriggerFlow(name="chain_side_end")


@flow.chunk("normalize")
async def normalize(data: TriggerFlowRuntimeData):
    return str(data.value).strip()


@flow.chunk("log")
def log(data: TriggerFlowRuntimeData):
    print(data.value)


@flow.chunk("shout")
async def shout(data: TriggerFlowRuntimeData):
    return data.value.upper()


flow.to(normalize).side_branch(log).to(shout).end()
flow.to(log)
