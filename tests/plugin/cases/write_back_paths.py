"""to_sub_flow(write_back=...): targets against the parent, snapshot sources against the child."""

from typing import TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData


class Report(TypedDict):
    title: str
    score: float


class ParentState(TypedDict, total=False):
    topic: str
    report: Report


class ChildState(TypedDict, total=False):
    query: str
    report: Report


parent = TriggerFlow(name="parent", state=ParentState)
child = TriggerFlow(name="child", state=ChildState)


@parent.chunk
async def start(data: TriggerFlowRuntimeData[str, ParentState]) -> int:
    return len(data.value)


# Correct: flat and nested targets, both spellings of the state scope, result paths
# (the child's compat result is not in its type, so they are not checked).
parent.to_sub_flow(
    child,
    write_back={
        "state.report": "snapshot.report",
        "state": {"topic": "result.anything"},
        "value": "result",
    },
)
parent.to_sub_flow(child, write_back={"runtime_data.topic": "snapshot.report.title"})
parent.to_sub_flow(child, write_back={"runtime_data": {"report": "snapshot.report"}})

# Unknown fields, in the parent (targets) and in the child (snapshot sources).
parent.to_sub_flow(child, write_back={"state.topc": "result"})  # E:46-49: write_back target path "state.topc": ParentState has no field "topc"  [tfc-unknown-write-back-path]  # N:46-49: did you mean "state.topic"?
parent.to_sub_flow(child, write_back={"state": {"reprt": "result"}})  # E:50-54: write_back target path "state.reprt": ParentState has no field "reprt"  [tfc-unknown-write-back-path]  # N:50-54: did you mean "state.report"?
parent.to_sub_flow(child, write_back={"state.report.scor": "result.score"})  # E:53-56: write_back target path "state.report.scor": Report has no field "scor"  [tfc-unknown-write-back-path]  # N:53-56: did you mean "state.report.score"?
parent.to_sub_flow(child, write_back={"value": "snapshot.qurey"})  # E:58-62: write_back path "snapshot.qurey": ChildState (sub-flow "child") has no field "qurey"  [tfc-unknown-write-back-path]  # N:58-62: did you mean "snapshot.query"?

# Malformed, and the same target written twice.
parent.to_sub_flow(child, write_back={"value": "reslt.report"})  # E:48-61: write_back path "reslt.report": unknown scope "reslt"  [tfc-malformed-path]  # N:48-61: did you mean "result.report"?
parent.to_sub_flow(child, write_back={"stat.topic": "result"})  # E:39-50: write_back target path "stat.topic": unknown scope "stat"  [tfc-malformed-path]  # N:39-50: did you mean "state.topic"?
parent.to_sub_flow(child, write_back={"state.topic": "result.a", "runtime_data.topic": "result.b"})  # E:38-98: write_back writes "state.topic" twice (as "state.topic" and "runtime_data.topic")  [tfc-duplicate-write-back-target]  # N:38-98: keep one entry per target

# What the parent continues with: the written-back value, or its own value when nothing
# writes "value"; with side_branch=True the tail stays where it was.
reveal_type(parent.to(start).to_sub_flow(child, write_back={"value": "snapshot.report"}))  # N:13-88: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.write_back_paths.ParentState, {'topic'?: str, 'report'?: TypedDict(plugin.cases.write_back_paths.Report, {'title': str, 'score': float})}), TypedDict(plugin.cases.write_back_paths.Report, {'title': str, 'score': float})]"
reveal_type(parent.to(start).to_sub_flow(child, write_back={"state.topic": "snapshot.query"}))  # N:13-93: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.write_back_paths.ParentState, {'topic'?: str, 'report'?: TypedDict(plugin.cases.write_back_paths.Report, {'title': str, 'score': float})}), int]"
reveal_type(parent.to(start).to_sub_flow(child, write_back={"value": "result"}))  # N:13-79: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.write_back_paths.ParentState, {'topic'?: str, 'report'?: TypedDict(plugin.cases.write_back_paths.Report, {'title': str, 'score': float})}), Any]"
reveal_type(parent.to(start).to_sub_flow(child))  # N:13-47: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.write_back_paths.ParentState, {'topic'?: str, 'report'?: TypedDict(plugin.cases.write_back_paths.Report, {'title': str, 'score': float})}), Any]"
reveal_type(parent.to(start).to_sub_flow(child, side_branch=True))  # N:13-65: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.write_back_paths.ParentState, {'topic'?: str, 'report'?: TypedDict(plugin.cases.write_back_paths.Report, {'title': str, 'score': float})}), int]"
