"""Paths[State]: module-level path constants checked where they are defined."""

from dataclasses import dataclass
from typing import TypedDict

from tfc import Paths, TriggerFlow


@dataclass
class Profile:
    name: str


class State(TypedDict, total=False):
    topic: str
    profile: Profile


class Child(TypedDict, total=False):
    query: str


TOPIC: Paths[State] = "state.topic"
NAME: Paths[State] = "runtime_data.profile.name"
WRONG: Paths[State] = "state.topik"  # E:23-35: Incompatible types in assignment (expression has type "Literal['state.topik']", variable has type "Literal['state.topic', 'state.profile', 'state.profile.name', 'runtime_data.topic', 'runtime_data.profile', 'runtime_data.profile.name']")  [assignment]
CAPTURE: dict[str, Paths[State]] = {"query": "state.topic", "other": "state.profil"}  # E:61-83: Dict entry 1 has incompatible type "str": "Literal['state.profil']"; expected "str": "Literal['state.topic', 'state.profile', 'state.profile.name', 'runtime_data.topic', 'runtime_data.profile', 'runtime_data.profile.name']"  [dict-item]
reveal_type(TOPIC)  # N:13-17: Revealed type is "Literal['state.topic'] | Literal['state.profile'] | Literal['state.profile.name'] | Literal['runtime_data.topic'] | Literal['runtime_data.profile'] | Literal['runtime_data.profile.name']"

# Constants typed with Paths were checked above, so they pass where they are used.
parent = TriggerFlow(name="parent", state=State)
child: TriggerFlow[Child] = TriggerFlow(name="child", state=Child)
parent.to_sub_flow(child, capture={"input": TOPIC, "state": CAPTURE})


def anything(path: Paths[State]) -> str:
    return path


anything(TOPIC)
anything("state.profile")
anything("state.profiel")  # E:10-24: Argument 1 to "anything" has incompatible type "Literal['state.profiel']"; expected "Literal['state.topic', 'state.profile', 'state.profile.name', 'runtime_data.topic', 'runtime_data.profile', 'runtime_data.profile.name']"  [arg-type]
plain: str = TOPIC
