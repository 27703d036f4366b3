"""when(): runtime_data keys checked against the state schema; the value typed from it."""

from typing import TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData


class Report(TypedDict):
    title: str
    score: float


class State(TypedDict, total=False):
    topic: str
    retries: int
    report: Report


flow = TriggerFlow(name="watch", state=State)


@flow.chunk("fetch")
async def fetch_facts(data: TriggerFlowRuntimeData[str, State]) -> list[str]:
    return [data.value]


def helper(data: TriggerFlowRuntimeData[str, State]) -> str:
    return data.value


# The value a root fires with.
reveal_type(flow.when({"runtime_data": "topic"}))  # N:13-48: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.when_keys.State, {'topic'?: str, 'retries'?: int, 'report'?: TypedDict(plugin.cases.when_keys.Report, {'title': str, 'score': float})}), str]"
reveal_type(flow.when({"runtime_data": "report.score"}))  # N:13-55: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.when_keys.State, {'topic'?: str, 'retries'?: int, 'report'?: TypedDict(plugin.cases.when_keys.Report, {'title': str, 'score': float})}), float]"
reveal_type(flow.to(fetch_facts).when({"runtime_data": "retries"}))  # N:13-66: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.when_keys.State, {'topic'?: str, 'retries'?: int, 'report'?: TypedDict(plugin.cases.when_keys.Report, {'title': str, 'score': float})}), int]"
reveal_type(flow.when(fetch_facts))  # N:13-34: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.when_keys.State, {'topic'?: str, 'retries'?: int, 'report'?: TypedDict(plugin.cases.when_keys.Report, {'title': str, 'score': float})}), list[str]]"
reveal_type(flow.when("Approved"))  # N:13-33: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.when_keys.State, {'topic'?: str, 'retries'?: int, 'report'?: TypedDict(plugin.cases.when_keys.Report, {'title': str, 'score': float})}), Any]"
reveal_type(flow.when({"collect": "drafts"}))  # N:13-44: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.when_keys.State, {'topic'?: str, 'retries'?: int, 'report'?: TypedDict(plugin.cases.when_keys.Report, {'title': str, 'score': float})}), dict[str, Any]]"
reveal_type(flow.when({"runtime_data": ["topic", "retries"]}, mode="simple_or"))  # N:13-79: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.when_keys.State, {'topic'?: str, 'retries'?: int, 'report'?: TypedDict(plugin.cases.when_keys.Report, {'title': str, 'score': float})}), str | int]"
reveal_type(flow.when({"runtime_data": "topic", "event": ["Approved", fetch_facts]}))  # N:13-84: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.when_keys.State, {'topic'?: str, 'retries'?: int, 'report'?: TypedDict(plugin.cases.when_keys.Report, {'title': str, 'score': float})}), TypedDict({'runtime_data': TypedDict({'topic': str}), 'event': TypedDict({'Approved': Any, 'fetch': list[str]})})]"
reveal_type(flow.when(["A", "B"], mode="or"))  # N:13-44: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.when_keys.State, {'topic'?: str, 'retries'?: int, 'report'?: TypedDict(plugin.cases.when_keys.Report, {'title': str, 'score': float})}), Any]"

# Keys the schema does not have.
flow.when({"runtime_data": "topik"})  # E:29-33: when() watches runtime_data key "topik": State has no key "topik"  [tfc-unknown-state-key]  # N:29-33: did you mean "topic"?
flow.when({"runtime_data": "report.scor"})  # E:36-39: when() watches runtime_data key "report.scor": Report has no key "scor"  [tfc-unknown-state-key]  # N:36-39: did you mean "report.score"?
flow.when({"runtime_data": ["topic", "retris"]})  # E:39-44: when() watches runtime_data key "retris": State has no key "retris"  [tfc-unknown-state-key]  # N:39-44: did you mean "retries"?

# Mistakes flow.compile() rejects with the same message.
flow.when({"runtme_data": "topic"})  # E:12-24: when({"runtme_data": ...}): unknown signal type "runtme_data"  [tfc-malformed-when]  # N:12-24: did you mean "runtime_data"?
flow.when(helper)  # E:11-16: when() got the plain function plugin.cases.when_keys:helper; it listens to chunks, not functions  [tfc-malformed-when]  # N:11-16: pass the chunk returned by @flow.chunk, or the chunk's name

# Watching a key typed like the chunk's input lets the chain be checked end to end.
flow.when({"runtime_data": "retries"}).to(fetch_facts)  # E:43-53: Argument 1 to "to" of "Process" has incompatible type "Chunk[str, list[str]]"; expected "Chunk[int, list[str]]"  [arg-type]
