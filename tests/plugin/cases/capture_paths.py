"""to_sub_flow(capture=...): source paths against the parent, targets against the child."""

from dataclasses import dataclass
from typing import Final, TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData


class Report(TypedDict):
    title: str
    score: float


@dataclass
class Profile:
    name: str
    tags: list[str]


class ParentState(TypedDict, total=False):
    topic: str
    retries: int
    report: Report
    profile: Profile
    notes: dict[str, str]


class ChildState(TypedDict, total=False):
    query: str
    owner: str


class Query(TypedDict):
    text: str
    lang: str


parent = TriggerFlow(name="parent", state=ParentState)
child = TriggerFlow(name="child", state=ChildState)


@parent.chunk
async def make_query(data: TriggerFlowRuntimeData[str, ParentState]) -> Query:
    return {"text": data.value, "lang": "en"}


# Correct paths: state fields (TypedDict, dataclass, dict values, list items), the current
# value and its fields, resources and flow data (not in the types), the peer's spelling.
parent.to(make_query).to_sub_flow(
    child,
    capture={
        "input": "value.text",
        "state": {"query": "state.topic", "owner": "state.profile.name"},
        "runtime_data": {"query": "runtime_data.notes.anything"},
        "resources": {"logger": "resources.logger"},
        "flow_data": {"x": "flow_data.whatever"},
    },
)
parent.to_sub_flow(child, capture={"input": "state.profile.tags.0"})

# Unknown fields: the error spans the wrong segment and offers the closest field.
parent.to(make_query).to_sub_flow(
    child,
    capture={
        "input": "state.topik",  # E:25-29: capture path "state.topik": ParentState has no field "topik"  [tfc-unknown-capture-path]  # N:25-29: did you mean "state.topic"?
        "state": {
            "qurey": "state.topic",  # E:14-18: capture target path "state.qurey": ChildState (sub-flow "child") has no field "qurey"  [tfc-unknown-capture-path]  # N:14-18: did you mean "state.query"?
            "owner": "state.report.titel",  # E:36-40: capture path "state.report.titel": Report has no field "titel"  [tfc-unknown-capture-path]  # N:36-40: did you mean "state.report.title"?
            "query": "value.txt",  # E:29-31: capture path "value.txt": Query has no field "txt"  [tfc-unknown-capture-path]  # N:29-31: did you mean "value.text"?
        },
    },
)
parent.to_sub_flow(child, capture={"input": "state.profile.nmae"})  # E:60-63: capture path "state.profile.nmae": Profile has no field "nmae"  [tfc-unknown-capture-path]  # N:60-63: did you mean "state.profile.name"?
parent.to_sub_flow(child, capture={"input": "state.retries.count"})  # E:60-64: capture path "state.retries.count": int has no field "count"  [tfc-unknown-capture-path]
parent.to_sub_flow(child, capture={"input": "state.zzz"})  # E:52-54: capture path "state.zzz": ParentState has no field "zzz"  [tfc-unknown-capture-path]

# Malformed paths get the message flow.compile() gives.
parent.to_sub_flow(child, capture={"input": "stat.topic"})  # E:45-56: capture path "stat.topic": unknown scope "stat"  [tfc-malformed-path]  # N:45-56: did you mean "state.topic"?
parent.to_sub_flow(child, capture={"inptu": "value"})  # E:36-42: capture key "inptu" is not one of: input, state, runtime_data, resources, flow_data  [tfc-malformed-path]  # N:36-42: did you mean "input"?
parent.to_sub_flow(child, capture={"input": "state"})  # E:45-51: capture path "state": "state" needs a name after it ("state.<name>")  [tfc-malformed-path]
parent.to_sub_flow(child, capture={"state": "state.topic"})  # E:36-42: capture["state"] must map child names to source paths, got str  [tfc-malformed-path]  # N:36-42: for example {"state": {"name": "value"}}

# A Final constant is checked where it is used; a literal with escapes is reported whole.
TOPIC: Final = "state.topik"
parent.to_sub_flow(child, capture={"input": TOPIC})  # E:45-49: capture path "state.topik": ParentState has no field "topik"  [tfc-unknown-capture-path]  # N:45-49: did you mean "state.topic"?
parent.to_sub_flow(child, capture={"input": "state.\x74opik"})  # E:45-60: capture path "state.topik": ParentState has no field "topik"  [tfc-unknown-capture-path]  # N:45-60: did you mean "state.topic"?

# An untyped parent or child has nothing to check against.
untyped = TriggerFlow()
untyped.to_sub_flow(untyped, capture={"input": "state.anything", "state": {"x": "value.y"}})
