"""Realistic flows with one mistake each: `flow.compile()` (or building the flow) reports it,
with its code, at the line marked ``# <-`` (the offending builder call). Then correct flows
that report nothing.

No ``from __future__ import annotations`` here: handlers defined inside the test functions
refer to local classes, which `typing.get_type_hints` can only see when annotations are
evaluated eagerly.
"""

import inspect
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Optional, TypedDict, TypeVar

import pytest

from tfc import FlowDefinitionError, TriggerFlow
from tfc import TriggerFlowRuntimeData as Data
from tfc.compile import FlowWarning
from tfc.diagnostics import Diagnostic

BROKEN: list[tuple[str, Callable[[], object]]] = []
CORRECT: list[Callable[[], object]] = []


def broken(code: str) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def register(fn: Callable[[], object]) -> Callable[[], object]:
        BROKEN.append((code, fn))
        return fn

    return register


def correct(fn: Callable[[], object]) -> Callable[[], object]:
    CORRECT.append(fn)
    return fn


def diagnostics_of(build: Callable[[], object]) -> list[Diagnostic]:
    """Build the flow(s) and compile them; every diagnostic, errors and warnings alike."""
    found: list[Diagnostic] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            flows = build()
            for flow in flows if isinstance(flows, tuple) else (flows,):
                assert isinstance(flow, TriggerFlow)
                try:
                    flow.compile()
                except FlowDefinitionError as exc:
                    found.extend(exc.diagnostics)
        except FlowDefinitionError as exc:
            assert exc.code is not None and exc.where is not None
            file, line, _ = exc.where.rsplit(":", 2)
            from tfc.diagnostics import Location

            found.append(Diagnostic(exc.code, exc.message, Location(file, int(line), 0)))
    found += [w.message.diagnostic for w in caught if isinstance(w.message, FlowWarning) and w.message.diagnostic]
    return found


def marked_line(fn: Callable[[], object]) -> int:
    lines, first = inspect.getsourcelines(fn)
    marked = [first + i for i, text in enumerate(lines) if text.rstrip().endswith("# <-")]
    assert len(marked) == 1, f"{fn.__name__} needs exactly one '# <-' marker"
    return marked[0]


# --- fixtures shared by the flows -----------------------------------------------------------


class Profile(TypedDict):
    name: str
    email: str


class UserState(TypedDict, total=False):
    topic: str
    attempts: int
    profile: Profile
    report: str


class Summary(TypedDict):
    text: str
    words: int


class Findings(TypedDict):
    facts: list[str]
    risks: list[str]


@dataclass
class Draft:
    title: str
    body: str


@dataclass
class Review:
    score: int


class Resources(TypedDict):
    llm: object
    db: object


def _steps(flow: TriggerFlow[Any]) -> dict[str, Any]:
    @flow.chunk
    def split(data: Data[str]) -> list[str]:
        return data.value.split()

    @flow.chunk
    def shout(data: Data[str]) -> str:
        return data.value.upper()

    @flow.chunk
    def count(data: Data[str]) -> int:
        return len(data.value)

    @flow.chunk
    def double(data: Data[int]) -> int:
        return data.value * 2

    return {"split": split, "shout": shout, "count": count, "double": double}


def _child(**schemas: Any) -> TriggerFlow[Any]:
    child: TriggerFlow[Any] = TriggerFlow(name="summarize", **schemas)

    @child.chunk
    def summarize(data: Data[str]) -> dict[str, object]:
        return {"text": data.value, "words": len(data.value.split())}

    child.to(summarize).end()
    return child


# --- TFC1xx ---------------------------------------------------------------------------------


@broken("TFC101")
def unclosed_for_each() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    flow.to(s["split"]).for_each().to(s["shout"])  # <-
    return flow


@broken("TFC101")
def unclosed_condition() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    (
        flow.to(s["count"])
        .if_condition(lambda d: d.value > 3)  # <-
        .to(s["double"])
    )
    return flow


@broken("TFC102")
def end_match_without_match() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    flow.to(s["shout"]).end_match()  # <-
    return flow


@broken("TFC103")
def case_else_twice() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    (
        flow.match()
        .case("a").to(s["shout"])
        .case_else().to(s["count"])
        .case_else().to(s["count"])  # <-
        .end_match()
    )
    return flow


@broken("TFC105")
def misspelt_chunk_name() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    _steps(flow)
    flow.to("split").to("shuot")  # <-
    return flow


@broken("TFC106")
def duplicate_literal_case() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    (
        flow.match()
        .case("draft").to(s["shout"])
        .case("draft").to(s["count"])  # <-
        .end_match()
    )
    return flow


@broken("TFC107")
def when_cycle() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    flow.to(s["double"])
    flow.when(s["double"]).to(s["double"])  # <-
    return flow


@broken("TFC108")
def end_under_dead_when() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    flow.to(s["shout"])
    flow.when({"collect": "parts"}).to(s["count"]).end()  # <-
    return flow


@broken("TFC110")
def batch_concurrency_zero() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    flow.batch(s["shout"], s["count"], concurrency=0)  # <-
    return flow


# --- TFC2xx ---------------------------------------------------------------------------------


@broken("TFC201")
def capture_state_typo() -> object:
    flow: TriggerFlow[UserState] = TriggerFlow(name="t", state=UserState)
    flow.to_sub_flow(_child(input=str), capture={"input": "state.topik"})  # <-
    return flow


@broken("TFC201")
def capture_nested_typo() -> object:
    flow: TriggerFlow[UserState] = TriggerFlow(name="t", state=UserState)
    flow.to_sub_flow(_child(), capture={"input": "state.profile.nmae"})  # <-
    return flow


@broken("TFC201")
def capture_value_field_typo() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")

    @flow.chunk
    def load(data: Data[str]) -> Profile:
        return {"name": data.value, "email": ""}

    flow.to(load).to_sub_flow(_child(), capture={"input": "value.mail"})  # <-
    return flow


@broken("TFC202")
def write_back_target_typo() -> object:
    flow: TriggerFlow[UserState] = TriggerFlow(name="t", state=UserState)
    child = _child(result=Summary)
    flow.to_sub_flow(child, write_back={"state.reprot": "result.text"})  # <-
    return flow


@broken("TFC202")
def write_back_source_missing() -> object:
    flow: TriggerFlow[UserState] = TriggerFlow(name="t", state=UserState)
    child = _child(result=Summary, state=Summary)
    flow.to_sub_flow(child, write_back={"state.report": "result.summary"})  # <-
    return flow


@broken("TFC203")
def capture_unknown_scope() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    flow.to_sub_flow(_child(), capture={"input": "sate.topic"})  # <-
    return flow


@broken("TFC204")
def write_back_same_target_twice() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    write_back = {"state.report": "result", "runtime_data": {"report": "snapshot"}}
    flow.to_sub_flow(_child(), write_back=write_back)  # <-
    return flow


@broken("TFC205")
def capture_wrong_type() -> object:
    flow: TriggerFlow[UserState] = TriggerFlow(name="t", state=UserState)
    flow.to_sub_flow(_child(input=str), capture={"input": "state.attempts"})  # <-
    return flow


@broken("TFC206")
def write_back_wrong_type() -> object:
    flow: TriggerFlow[UserState] = TriggerFlow(name="t", state=UserState)
    child = _child(result=Summary)
    flow.to_sub_flow(child, write_back={"state.report": "result.words"})  # <-
    return flow


@broken("TFC207")
def capture_unknown_resource() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t", resources=Resources)
    child = _child(resources=Resources)
    flow.to_sub_flow(child, capture={"input": "value", "resources": {"llm": "resources.model"}})  # <-
    return flow


# --- TFC3xx ---------------------------------------------------------------------------------


@broken("TFC301")
def when_state_key_typo() -> object:
    flow: TriggerFlow[UserState] = TriggerFlow(name="t", state=UserState)
    s = _steps(flow)
    flow.when({"runtime_data": "topick"}).to(s["shout"])  # <-
    return flow


@broken("TFC302")
def when_other_flows_chunk() -> object:
    other: TriggerFlow[Any] = TriggerFlow(name="other")
    o = _steps(other)
    flow: TriggerFlow[Any] = TriggerFlow(name="t")

    @flow.chunk
    def log(data: Data[object]) -> None:
        print(data.value)

    flow.to(log)
    flow.when(o["shout"]).to(log)  # <-
    return flow


@broken("TFC303")
def when_bad_mode() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    flow.when(["a", "b"], mode="any").to(s["shout"])  # type: ignore[arg-type]  # <-
    return flow


# --- TFC4xx ---------------------------------------------------------------------------------


@broken("TFC401")
def list_into_str() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    flow.to(s["split"]).to(s["shout"])  # <-
    return flow


@broken("TFC401")
def optional_into_plain() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")

    @flow.chunk
    def find(data: Data[str]) -> Optional[Draft]:
        return None

    @flow.chunk
    def publish(data: Data[Draft]) -> str:
        return data.value.title

    flow.to(find).to(publish)  # <-
    return flow


@broken("TFC401")
def dataclass_into_other_dataclass() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")

    @flow.chunk
    def write(data: Data[str]) -> Draft:
        return Draft(data.value, "")

    @flow.chunk
    def score(data: Data[Review]) -> int:
        return data.value.score

    flow.to(write).to(score)  # <-
    return flow


@broken("TFC401")
def str_into_literal() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")

    @flow.chunk
    def classify(data: Data[str]) -> str:
        return "low"

    @flow.chunk
    def route(data: Data[Literal["low", "high"]]) -> str:
        return data.value

    flow.to(classify).to(route)  # <-
    return flow


@broken("TFC401")
def start_input_schema() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t", input=int)
    s = _steps(flow)
    flow.to(s["shout"])  # <-
    return flow


@broken("TFC402")
def for_each_over_int() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    flow.to(s["count"]).for_each().to(s["double"]).end_for_each()  # <-
    return flow


@broken("TFC403")
def batch_missing_key() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")

    @flow.chunk
    def facts(data: Data[str]) -> list[str]:
        return []

    @flow.chunk
    def risk(data: Data[str]) -> list[str]:
        return []

    @flow.chunk
    def outline(data: Data[Findings]) -> str:
        return ""

    flow.batch(facts, risk).to(outline)  # <-
    return flow


@broken("TFC403")
def batch_wrong_value_type() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")

    @flow.chunk
    def facts(data: Data[str]) -> list[str]:
        return []

    @flow.chunk
    def risks(data: Data[str]) -> int:
        return 0

    @flow.chunk
    def outline(data: Data[Findings]) -> str:
        return ""

    flow.batch(facts, risks).to(outline)  # <-
    return flow


@broken("TFC404")
def branches_join_mismatch() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    (
        flow.match()
        .case("n").to(s["count"])
        .case_else().to(s["shout"])
        .end_match()
        .to(s["double"])  # <-
    )
    return flow


@broken("TFC404")
def no_else_passes_input_through() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    (
        flow.to(s["shout"])
        .if_condition(lambda d: d.value == "")
        .to(s["count"])
        .end_condition()
        .to(s["double"])  # <-
    )
    return flow


@broken("TFC405")
def sub_flow_result_mismatch() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")
    s = _steps(flow)
    flow.to_sub_flow(_child(result=Summary)).to(s["shout"])  # <-
    return flow


@broken("TFC501")
def pause_in_hidden_start() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="t")

    @flow.chunk
    async def approve(data: Data[int]) -> int:
        if data.value > 100:
            await data.async_pause_for(type="approval")
        return data.value

    flow.to(approve).end()  # <-
    flow.start(1)
    return flow


@pytest.mark.parametrize(("code", "build"), [pytest.param(c, b, id=f"{c}-{b.__name__}") for c, b in BROKEN])
def test_broken_flow_reports_its_mistake(code: str, build: Callable[[], object]) -> None:
    found = [(d.code.id, d.location.line) for d in diagnostics_of(build)]
    assert found == [(code, marked_line(build))]


def test_enough_broken_flows_over_every_family() -> None:
    assert len(BROKEN) >= 25
    assert {c[3] for c, _ in BROKEN} == {"1", "2", "3", "4", "5"}


# --- correct flows ---------------------------------------------------------------------------

T = TypeVar("T")


@correct
def list_into_sequence_and_iterable() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="ok")

    @flow.chunk
    def words(data: Data[str]) -> list[str]:
        return data.value.split()

    @flow.chunk
    def first(data: Data[Sequence[str]]) -> str:
        return data.value[0]

    @flow.chunk
    def join(data: Data[Iterable[object]]) -> str:
        return "".join(map(str, data.value))

    flow.to(words).to(first)
    flow.to(words).to(join)
    return flow


@correct
def numeric_promotion_and_subclasses() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="ok")

    @flow.chunk
    def flag(data: Data[str]) -> bool:
        return True

    @flow.chunk
    def as_float(data: Data[float]) -> float:
        return data.value

    @flow.chunk
    def as_complex(data: Data[complex]) -> complex:
        return data.value

    flow.to(flag).to(as_float).to(as_complex)
    return flow


@correct
def optional_and_unions() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="ok")

    @flow.chunk
    def parse(data: Data[str]) -> int | None:
        return None

    @flow.chunk
    def show(data: Data[int | str | None]) -> str:
        return str(data.value)

    @flow.chunk
    def pick(data: Data[str]) -> Literal["a", "b"]:
        return "a"

    flow.to(parse).to(show)
    flow.to(pick).to(show)
    return flow


@correct
def typeddicts_and_mappings() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="ok")

    @flow.chunk
    def summary(data: Data[str]) -> Summary:
        return {"text": data.value, "words": 1}

    @flow.chunk
    def keys(data: Data[Mapping[str, object]]) -> list[str]:
        return list(data.value)

    flow.to(summary).to(keys)
    return flow


@correct
def batch_into_typeddict_and_dict() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="ok")

    @flow.chunk
    def facts(data: Data[str]) -> list[str]:
        return []

    @flow.chunk
    def risks(data: Data[str]) -> list[str]:
        return []

    @flow.chunk
    def outline(data: Data[Findings]) -> str:
        return ""

    @flow.chunk
    def merge(data: Data[dict[str, list[str]]]) -> list[str]:
        return [x for v in data.value.values() for x in v]

    flow.batch(facts, risks).to(outline)
    flow.batch(facts, risks).to(merge).for_each().to("risks").end_for_each()
    return flow


@correct
def generic_chunk_and_any() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="ok")

    def ident(data: Data[T]) -> T:
        return data.value

    @flow.chunk
    def anything(data: Data[Any]) -> Any:
        return data.value

    @flow.chunk
    def count(data: Data[str]) -> int:
        return 1

    flow.to(("ident", ident)).to(count).to(anything).to(count)
    return flow


@correct
def dataclass_fields_and_subclass() -> object:
    class Special(Draft):
        pass

    flow: TriggerFlow[Any] = TriggerFlow(name="ok")

    @flow.chunk
    def make(data: Data[str]) -> Special:
        return Special(data.value, "")

    @flow.chunk
    def title(data: Data[Draft]) -> str:
        return data.value.title

    flow.to(make).to(title)
    return flow


@correct
def typed_sub_flow_round_trip() -> object:
    flow: TriggerFlow[UserState] = TriggerFlow(name="ok", state=UserState, resources=Resources)
    child = _child(input=str, result=Summary, resources=Resources)

    @flow.chunk
    def publish(data: Data[str]) -> None:
        print(data.value)

    flow.to_sub_flow(
        child,
        capture={"input": "state.topic", "resources": {"llm": "resources.llm"}},
        write_back={"value": "result.text", "state.report": "result.text", "state.attempts": "result.words"},
    ).to(publish)
    return flow, child


@correct
def branches_that_agree() -> object:
    flow: TriggerFlow[UserState] = TriggerFlow(name="ok", state=UserState)
    s = _steps(flow)
    (
        flow.when({"runtime_data": "topic"})
        .if_condition(lambda d: len(d.value) > 3)
        .to(s["count"])
        .elif_condition(lambda d: d.value == "")
        .to(s["count"])
        .else_condition()
        .to(s["count"])
        .end_condition()
        .to(s["double"])
        .end()
    )
    flow.when({"runtime_data": "profile.name"}).to(s["shout"])
    return flow


@correct
def nested_for_each_and_loop_with_exit() -> object:
    flow: TriggerFlow[Any] = TriggerFlow(name="ok")

    @flow.chunk
    def grid(data: Data[int]) -> list[list[int]]:
        return [[data.value]]

    @flow.chunk
    def inc(data: Data[int]) -> int:
        return data.value + 1

    @flow.chunk
    def total(data: Data[list[list[int]]]) -> int:
        return sum(map(sum, data.value))

    flow.to(grid).for_each().for_each().to(inc).end_for_each().end_for_each().to(total)
    flow.when(inc).if_condition(lambda d: d.value < 3).to(inc).end_condition()
    return flow


@pytest.mark.parametrize("build", [pytest.param(b, id=b.__name__) for b in CORRECT])
def test_correct_flow_reports_nothing(build: Callable[[], object]) -> None:
    assert diagnostics_of(build) == []


def test_ten_correct_flows() -> None:
    assert len(CORRECT) >= 10
