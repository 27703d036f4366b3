"""batch(): the result is a TypedDict keyed by the chunks' names, with their output types."""

from typing import Any, TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData


class State(TypedDict, total=False):
    topic: str


class Stats(TypedDict):
    count: int
    title: str


class WrongType(TypedDict):
    count: str
    title: str


class Misnamed(TypedDict):
    cnt: int
    title: str


flow = TriggerFlow(name="stats", state=State)


@flow.chunk("count")  # the name given here, not the function's, is the key
async def count_words(data: TriggerFlowRuntimeData[str, State]) -> int:
    return len(data.value.split())


@flow.chunk
def title(data: TriggerFlowRuntimeData[str, State]) -> str:
    return data.value.title()


@flow.chunk
async def summarize(data: TriggerFlowRuntimeData[Stats, State]) -> str:
    return f"{data.value['title']}: {data.value['count']}"


@flow.chunk
async def wants_wrong_type(data: TriggerFlowRuntimeData[WrongType, State]) -> str:
    return data.value["count"]


@flow.chunk
async def wants_misnamed(data: TriggerFlowRuntimeData[Misnamed, State]) -> str:
    return data.value["title"]


async def shout(data: TriggerFlowRuntimeData[str, Any]) -> str:
    return data.value.upper()


stats = flow.to(title).batch(count_words, title)
reveal_type(stats)  # N:13-17: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.batch_keys.State, {'topic'?: str}), TypedDict({'count': int, 'title': str})]"
stats.to(summarize)
stats.to(wants_wrong_type)  # E:10-25: Argument 1 to "to" of "Process" has incompatible type "Chunk[WrongType, str]"; expected "Chunk[TypedDict({'count': int, 'title': str}), str]"  [arg-type]
stats.to(wants_misnamed)  # E:10-23: Argument 1 to "to" of "Process" has incompatible type "Chunk[Misnamed, str]"; expected "Chunk[TypedDict({'count': int, 'title': str}), str]"  [arg-type]

# Every branch kind the runtime accepts: a chunk, a (name, function) pair, a plain function,
# and a declared chunk's name (whose output type is not known from the name).
reveal_type(flow.batch(count_words, ("loud", shout), shout, "title"))  # N:13-68: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.batch_keys.State, {'topic'?: str}), TypedDict({'count': int, 'loud': str, 'shout': str, 'title': Any})]"

# A lambda is named by the pair it comes in; alone, its name is not known statically, nor
# can two branches share a name: the result is then Any, never a guess.
reveal_type(flow.batch(count_words, ("x", lambda data: 1)))  # N:13-58: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.batch_keys.State, {'topic'?: str}), TypedDict({'count': int, 'x': int})]"
reveal_type(flow.batch(count_words, lambda data: 1))  # N:13-51: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.batch_keys.State, {'topic'?: str}), Any]"
reveal_type(flow.batch(count_words, count_words))  # N:13-48: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.batch_keys.State, {'topic'?: str}), Any]"

# side_branch=True leaves the tail where it was.
reveal_type(flow.to(title).batch(count_words, side_branch=True))  # N:13-63: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.batch_keys.State, {'topic'?: str}), str]"

# The branches must accept the value before the batch (plain typing).
flow.to(count_words).batch(title)  # E:28-32: Argument 1 to "batch" of "Process" has incompatible type "Chunk[str, str]"; expected "Chunk[int, Any] | Callable[[TriggerFlowRuntimeData[int, Any]], Any] | str | tuple[str, Callable[..., Any]]"  [arg-type]
