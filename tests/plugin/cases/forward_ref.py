"""Path constants whose schema is defined further down: mypy defers, then checks them."""

from __future__ import annotations

from typing import TypedDict

from tfc import Paths, TriggerFlow

EARLY: Paths[Late] = "state.later"
EARLY_WRONG: Paths[Late] = "state.latter"  # E:28-41: Incompatible types in assignment (expression has type "Literal['state.latter']", variable has type "Literal['state.later', 'state.nested', 'state.nested.deep', 'runtime_data.later', 'runtime_data.nested', 'runtime_data.nested.deep']")  [assignment]
DEEP: Paths[Late] = "state.nested.deep"
reveal_type(EARLY)  # N:13-17: Revealed type is "Literal['state.later'] | Literal['state.nested'] | Literal['state.nested.deep'] | Literal['runtime_data.later'] | Literal['runtime_data.nested'] | Literal['runtime_data.nested.deep']"


class Late(TypedDict, total=False):
    later: int
    nested: Nested


class Nested(TypedDict):
    deep: str


flow = TriggerFlow(name="late", state=Late)
flow.when({"runtime_data": "nested.deep"})
flow.when({"runtime_data": "nested.dep"})  # E:36-38: when() watches runtime_data key "nested.dep": Nested has no key "dep"  [tfc-unknown-state-key]  # N:36-38: did you mean "nested.deep"?
