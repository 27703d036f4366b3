"""The plugin's codes work with `# type: ignore[...]` (strict: unused ignores are errors)."""

from typing import TypedDict

from tfc import TriggerFlow


class State(TypedDict, total=False):
    topic: str


flow = TriggerFlow(name="codes", state=State)
flow.when({"runtime_data": "topik"})  # type: ignore[tfc-unknown-state-key]
flow.to_sub_flow(flow, capture={"input": "state.topik"})  # type: ignore[tfc-unknown-capture-path]
flow.to_sub_flow(flow, capture={"input": "state.topic"})  # type: ignore[tfc-unknown-capture-path]  # E:1: Unused "type: ignore" comment  [unused-ignore]
flow.when({"runtime_data": "topik"})  # type: ignore[tfc-unknown-capture-path]  # E:1: Unused "type: ignore" comment  [unused-ignore]  # E:29-33: when() watches runtime_data key "topik": State has no key "topik"  [tfc-unknown-state-key]  # N:29-33: Error code "tfc-unknown-state-key" not covered by "type: ignore[tfc-unknown-capture-path]" comment  # N:29-33: did you mean "topic"?

# Untyped flows (the seed style) are Any everywhere: nothing to report.
seed = TriggerFlow()
seed.when({"runtime_data": "anything"})
seed.to_sub_flow(seed, capture={"input": "state.whatever"}, write_back={"state.x": "snapshot.y"})
