# if/elif/else with a pass-through-free join, and a hit_all match with literal cases.
from tfc import TriggerFlow, TriggerFlowRuntimeData as Data

flow = TriggerFlow(name="branches")


@flow.chunk
async def small(data: Data[int]) -> str:
    return "small"


@flow.chunk
async def big(data: Data[int]) -> str:
    return "big"


@flow.chunk
async def zero(data: Data[int]) -> str:
    return "zero"


@flow.chunk
async def tag(data: Data[object]) -> str:
    return repr(data.value)


def is_big(data: Data[int]) -> bool:
    return data.value > 100


def is_zero(data: Data[int]) -> bool:
    return data.value == 0


(
    flow.if_condition(is_big)
    .to(big)
    .elif_condition(is_zero)
    .to(zero)
    .else_condition()
    .to(small)
    .end_condition()
    .to(tag)
)
flow.match("hit_all").case(1).to(small).case(2).to(big).case_else().to(zero).end_match().end()
