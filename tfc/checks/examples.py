'''Good and bad examples for every diagnostic code: its tests, its docs, and `tfc explain`.

Each `Example` is a small module. Its names come from `PRELUDE` (``TriggerFlow``, ``Data``
for ``TriggerFlowRuntimeData``, ``TypedDict``, ``dataclass``, ``Literal``), and the flow it
is about is bound to ``flow``. An invalid example names where the diagnostic must point with
``at``: the first occurrence of that text in the source (a leading dot is skipped, so
``at=".to(outline)"`` points at ``to``). Codes raised while building (a bad ``end_*``, an
unknown chunk, a malformed path...) stop the module with a `FlowDefinitionError`; the
others come from ``flow.compile()``, or from a hidden start (TFC501).

Examples marked ``frontend="static"`` are about source the runtime never sees as such (a
computed chunk, a file that does not parse): `tfc check` reports them.
'''

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .. import diagnostics as d
from ..diagnostics import Code

__all__ = ("EXAMPLES", "PRELUDE", "RATIONALE", "Example", "examples_for")

PRELUDE = (
    "from dataclasses import dataclass\n"
    "from typing import Literal, TypedDict\n"
    "from tfc import TriggerFlow, TriggerFlowRuntimeData as Data\n"
)


@dataclass(frozen=True)
class Example:
    """One example: a module that must produce exactly one ``code`` diagnostic (invalid) or
    none at all (valid).

    Attributes:
        line: 1-based line of the expected diagnostic (invalid examples).
        column: 1-based column, as editors and the concise format show it.
    """

    code: Code
    kind: Literal["invalid", "valid"]
    source: str
    title: str
    line: int = 0
    column: int = 0
    frontend: Literal["runtime", "static"] = "runtime"


def _invalid(code: Code, title: str, source: str, at: str, *, frontend: Literal["runtime", "static"] = "runtime") -> Example:
    text = source.strip("\n") + "\n"
    index = text.find(at)
    if index < 0 or text.find(at, index + 1) >= 0:
        msg = f"{code.id} example: {at!r} must occur exactly once"
        raise ValueError(msg)
    if at.startswith("."):
        index += 1
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return Example(code, "invalid", text, title, line, column, frontend)


def _valid(code: Code, title: str, source: str, *, frontend: Literal["runtime", "static"] = "runtime") -> Example:
    return Example(code, "valid", source.strip("\n") + "\n", title, frontend=frontend)


_STEPS = '''
@flow.chunk("fetch")
def fetch(data: Data[str]) -> list[str]:
    return [data.value]

@flow.chunk("summarize")
def summarize(data: Data[str]) -> str:
    return data.value
'''

RATIONALE: dict[str, str] = {
    "TFC101": "A block opened with for_each(), if_condition() or match() must be closed, or the "
    "values its branches produce go nowhere and the chain after it never runs.",
    "TFC102": "end_for_each(), end_condition(), end_match() and the case methods continue a "
    "block; called with no such block open (or the wrong one) the chain cannot mean anything.",
    "TFC103": "case_else() is the fallback of a match: before any case() it has nothing to be "
    "the else of, and a second one could never run.",
    "TFC104": "Steps refer to chunks by name; one name bound to two functions would make every "
    "step and every when(chunk) ambiguous.",
    "TFC105": "A step names a chunk by a string nobody declared, usually a typo.",
    "TFC106": "In a hit_first block the first matching case wins: a case after the catch-all, "
    "or a literal case repeated, can never run.",
    "TFC107": "A when() root that runs the chunk it waits for on every path re-triggers itself "
    "forever, and the execution never becomes idle.",
    "TFC108": "An end() under a when() that can never fire (it waits for a chunk no step runs, "
    "or a collection nothing fills) never sets the result.",
    "TFC109": "Chunks are functions; anything else fails when the step runs.",
    "TFC110": "Builder arguments are checked when the flow is built: a concurrency below 1 or an "
    "unknown mode would otherwise fail, or hang, at run time.",
    "TFC201": "A capture path reads a field from the current value, the parent's state or the "
    "sub-flow's schema; a misspelt field is a KeyError in production.",
    "TFC202": "A write_back path reads the sub-flow's result or snapshot and writes the parent's "
    "state; both ends are checked against the declared schemas.",
    "TFC203": "Paths start with a known scope (value, state, resources, result, snapshot...) "
    "followed by dotted names.",
    "TFC204": "Two write_back entries writing one target would make the parent's value depend on "
    "the order of a dict.",
    "TFC205": "The captured value must fit the sub-flow field it fills (its input, a state key "
    "or a resource), as the child's chunks will rely on it.",
    "TFC206": "The written-back value must fit the parent's state key it replaces.",
    "TFC207": "A resource the flow does not declare will not be there at run time.",
    "TFC301": "when({\"runtime_data\": key}) fires on writes of that state key; a key the state "
    "schema does not have is never written.",
    "TFC302": "when(chunk) fires after steps that run the chunk; a chunk of another flow, or one "
    "no step runs, never fires it.",
    "TFC303": "when() takes an event name, a chunk, or a dict of signal types "
    "(event, runtime_data, flow_data, collect) and a mode of and, or or simple_or.",
    "TFC304": "An event that nothing in the flow emits may still come from outside "
    "(execution.async_emit), so this is only a hint.",
    "TFC305": "An event that no when() waits for is dropped.",
    "TFC401": "Each step receives the previous step's result: its declared input must accept it.",
    "TFC402": "for_each() runs its body once per item of a list or tuple; any other value is a "
    "single item, which is rarely what the types meant.",
    "TFC403": "A batch continues with {chunk_name: result}; the next chunk's TypedDict must match "
    "those names and result types.",
    "TFC404": "After end_condition()/end_match() the next step receives whichever branch ran (or "
    "the input, when no branch matched and there is no else): it must accept all of them.",
    "TFC405": "After to_sub_flow() the next step receives the sub-flow's result (or the "
    "write_back \"value\"): it must accept its declared type.",
    "TFC501": "flow.start() runs a hidden execution that cannot be saved or resumed, so a chunk "
    "that pauses there fails.",
    "TFC502": "Resuming a saved execution looks handlers up by name; lambdas and nested "
    "functions cannot be found.",
    "TFC901": "tfc check reads flows from source without running them; a flow built in a loop or "
    "by a helper cannot be followed.",
    "TFC902": "An event name built at run time cannot be matched with the when() that waits for it.",
    "TFC903": "A chunk chosen at run time (getattr, a dict lookup) cannot be resolved from source.",
    "TFC904": "A name used in a flow definition could not be resolved to a definition.",
    "TFC905": "A checked file has a syntax error, so nothing in it was checked.",
    "TFC906": "tfc check --type-check imports each module that defines flows to type-check them; "
    "one that raises on import (a missing setting, a failed import, a flow that fails to build) "
    "could not be checked at all, which should not pass unnoticed. The code may still be fine: "
    "give the import what it needs, or leave the file out with --exclude.",
}


EXAMPLES: tuple[Example, ...] = (
    # --- TFC1xx ---------------------------------------------------------------------------
    _invalid(d.UNCLOSED_BLOCK, "for_each() without end_for_each()", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to(fetch).for_each().to(summarize)
''', at=".for_each()"),
    _valid(d.UNCLOSED_BLOCK, "the block is closed", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to(fetch).for_each().to(summarize).end_for_each().end()
'''),
    _invalid(d.UNBALANCED_END, "end_for_each() with no for_each()", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to(fetch).to(summarize).end_for_each()
''', at=".end_for_each()"),
    _valid(d.UNBALANCED_END, "every end_* closes the block it follows", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to(fetch).for_each().to(summarize).end_for_each()
'''),
    _invalid(d.MISPLACED_CASE_ELSE, "case_else() before any case()", '''
flow = TriggerFlow(name="triage")

@flow.chunk
def escalate(data: Data[str]) -> str:
    return data.value

flow.match().case_else().to(escalate).end_match()
''', at=".case_else()"),
    _valid(d.MISPLACED_CASE_ELSE, "case_else() last", '''
flow = TriggerFlow(name="triage")

@flow.chunk
def escalate(data: Data[str]) -> str:
    return data.value

@flow.chunk
def archive(data: Data[str]) -> str:
    return data.value

flow.match().case("urgent").to(escalate).case_else().to(archive).end_match()
'''),
    _invalid(d.DUPLICATE_CHUNK_NAME, "one name, two functions", '''
flow = TriggerFlow(name="report")

@flow.chunk("load")
def load_file(data: Data[str]) -> str:
    return data.value

@flow.chunk("load")
def load_url(data: Data[str]) -> str:
    return data.value
''', at='chunk("load")\ndef load_url'),
    _valid(d.DUPLICATE_CHUNK_NAME, "one name per function", '''
flow = TriggerFlow(name="report")

@flow.chunk("load_file")
def load_file(data: Data[str]) -> str:
    return data.value

@flow.chunk("load_url")
def load_url(data: Data[str]) -> str:
    return data.value

flow.to(load_file).to(load_url)
'''),
    _invalid(d.UNKNOWN_CHUNK, "a misspelt chunk name", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to("fetch").to("sumarize")
''', at='.to("sumarize")'),
    _valid(d.UNKNOWN_CHUNK, "names of declared chunks", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to("fetch")
'''),
    _invalid(d.UNREACHABLE_STEP, "a case after case_else()", '''
flow = TriggerFlow(name="triage")

@flow.chunk
def escalate(data: Data[str]) -> str:
    return data.value

@flow.chunk
def archive(data: Data[str]) -> str:
    return data.value

flow.match().case("spam").to(archive).case_else().to(escalate).case("urgent").to(escalate).end_match()
''', at='.case("urgent")'),
    _valid(d.UNREACHABLE_STEP, "the catch-all comes last", '''
flow = TriggerFlow(name="triage")

@flow.chunk
def escalate(data: Data[str]) -> str:
    return data.value

@flow.chunk
def archive(data: Data[str]) -> str:
    return data.value

flow.match().case("spam").to(archive).case("urgent").to(escalate).case_else().to(escalate).end_match()
'''),
    _invalid(d.CYCLE_WITHOUT_EXIT, "a when() that always runs the chunk it waits for", '''
flow = TriggerFlow(name="poll")

@flow.chunk
def poll(data: Data[int]) -> int:
    return data.value + 1

flow.to(poll)
flow.when(poll).to(poll)
''', at=".when(poll)"),
    _valid(d.CYCLE_WITHOUT_EXIT, "the loop goes through a condition", '''
flow = TriggerFlow(name="poll")

@flow.chunk
def poll(data: Data[int]) -> int:
    return data.value + 1

def more(data: Data[int]) -> bool:
    return data.value < 3

flow.to(poll)
flow.when(poll).if_condition(more).to(poll).end_condition()
'''),
    _invalid(d.UNREACHABLE_END, "end() under a when() that never fires", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to(fetch)
flow.when({"collect": "parts"}).to(summarize).end()
''', at=".end()"),
    _valid(d.UNREACHABLE_END, "the collection is filled", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to(fetch).collect("parts", "fetched")
flow.when({"collect": "parts"}).end()
'''),
    _invalid(d.NOT_CALLABLE, "a chunk that is not a function", '''
flow = TriggerFlow(name="report")
flow.to(("fetch", 42))
''', at=".to("),
    _valid(d.NOT_CALLABLE, "a (name, function) pair", '''
flow = TriggerFlow(name="report")

def fetch(data: Data[str]) -> str:
    return data.value

flow.to(("fetch", fetch))
'''),
    _invalid(d.INVALID_ARGUMENT, "concurrency=0", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to(fetch).for_each(concurrency=0).to(summarize).end_for_each()
''', at=".for_each("),
    _valid(d.INVALID_ARGUMENT, "a positive limit", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to(fetch).for_each(concurrency=2).to(summarize).end_for_each()
'''),
    # --- TFC2xx ---------------------------------------------------------------------------
    _invalid(d.UNKNOWN_CAPTURE_PATH, "a misspelt state key", '''
class ParentState(TypedDict, total=False):
    topic: str

child = TriggerFlow(name="child")
flow = TriggerFlow(name="parent", state=ParentState)
flow.to_sub_flow(child, capture={"input": "state.topik"})
''', at=".to_sub_flow("),
    _valid(d.UNKNOWN_CAPTURE_PATH, "the key exists", '''
class ParentState(TypedDict, total=False):
    topic: str

child = TriggerFlow(name="child")
flow = TriggerFlow(name="parent", state=ParentState)
flow.to_sub_flow(child, capture={"input": "state.topic"})
'''),
    _invalid(d.UNKNOWN_WRITE_BACK_PATH, "writing a key the parent state does not have", '''
class ParentState(TypedDict, total=False):
    report: str

class ChildResult(TypedDict):
    text: str

child = TriggerFlow(name="child", result=ChildResult)
flow = TriggerFlow(name="parent", state=ParentState)
flow.to_sub_flow(child, write_back={"state.reprot": "result.text"})
''', at=".to_sub_flow("),
    _valid(d.UNKNOWN_WRITE_BACK_PATH, "both ends exist", '''
class ParentState(TypedDict, total=False):
    report: str

class ChildResult(TypedDict):
    text: str

child = TriggerFlow(name="child", result=ChildResult)
flow = TriggerFlow(name="parent", state=ParentState)
flow.to_sub_flow(child, write_back={"state.report": "result.text"})
'''),
    _invalid(d.MALFORMED_PATH, "an unknown scope", '''
child = TriggerFlow(name="child")
flow = TriggerFlow(name="parent")
flow.to_sub_flow(child, capture={"input": "vaule"})
''', at=".to_sub_flow("),
    _valid(d.MALFORMED_PATH, "a known scope", '''
child = TriggerFlow(name="child")
flow = TriggerFlow(name="parent")
flow.to_sub_flow(child, capture={"input": "value"})
'''),
    _invalid(d.DUPLICATE_WRITE_BACK_TARGET, "one target written twice", '''
child = TriggerFlow(name="child")
flow = TriggerFlow(name="parent")
flow.to_sub_flow(child, write_back={"state.report": "result", "runtime_data": {"report": "snapshot"}})
''', at=".to_sub_flow("),
    _valid(d.DUPLICATE_WRITE_BACK_TARGET, "one entry per target", '''
child = TriggerFlow(name="child")
flow = TriggerFlow(name="parent")
flow.to_sub_flow(child, write_back={"state.report": "result", "state.raw": "snapshot"})
'''),
    _invalid(d.CAPTURE_TYPE_MISMATCH, "an int where the child's input is a str", '''
class ParentState(TypedDict, total=False):
    attempts: int

child = TriggerFlow(name="child", input=str)
flow = TriggerFlow(name="parent", state=ParentState)
flow.to_sub_flow(child, capture={"input": "state.attempts"})
''', at=".to_sub_flow("),
    _valid(d.CAPTURE_TYPE_MISMATCH, "the types agree", '''
class ParentState(TypedDict, total=False):
    topic: str

child = TriggerFlow(name="child", input=str)
flow = TriggerFlow(name="parent", state=ParentState)
flow.to_sub_flow(child, capture={"input": "state.topic"})
'''),
    _invalid(d.WRITE_BACK_TYPE_MISMATCH, "a list written into a str key", '''
class ParentState(TypedDict, total=False):
    report: str

class ChildResult(TypedDict):
    lines: list[str]

child = TriggerFlow(name="child", result=ChildResult)
flow = TriggerFlow(name="parent", state=ParentState)
flow.to_sub_flow(child, write_back={"state.report": "result.lines"})
''', at=".to_sub_flow("),
    _valid(d.WRITE_BACK_TYPE_MISMATCH, "the types agree", '''
class ParentState(TypedDict, total=False):
    report: list[str]

class ChildResult(TypedDict):
    lines: list[str]

child = TriggerFlow(name="child", result=ChildResult)
flow = TriggerFlow(name="parent", state=ParentState)
flow.to_sub_flow(child, write_back={"state.report": "result.lines"})
'''),
    _invalid(d.UNKNOWN_RESOURCE, "a resource the flow does not declare", '''
class Resources(TypedDict):
    llm: object

child = TriggerFlow(name="child", resources=Resources)
flow = TriggerFlow(name="parent", resources=Resources)
flow.to_sub_flow(child, capture={"resources": {"llm": "resources.lmm"}})
''', at=".to_sub_flow("),
    _valid(d.UNKNOWN_RESOURCE, "a declared resource", '''
class Resources(TypedDict):
    llm: object

child = TriggerFlow(name="child", resources=Resources)
flow = TriggerFlow(name="parent", resources=Resources)
flow.to_sub_flow(child, capture={"resources": {"llm": "resources.llm"}})
'''),
    # --- TFC3xx ---------------------------------------------------------------------------
    _invalid(d.UNKNOWN_STATE_KEY, "a state key the schema does not have", '''
class State(TypedDict, total=False):
    topic: str

flow = TriggerFlow(name="report", state=State)
''' + _STEPS + '''
flow.when({"runtime_data": "topci"}).to(summarize)
''', at=".when("),
    _valid(d.UNKNOWN_STATE_KEY, "a declared key", '''
class State(TypedDict, total=False):
    topic: str

flow = TriggerFlow(name="report", state=State)
''' + _STEPS + '''
flow.when({"runtime_data": "topic"}).to(summarize)
'''),
    _invalid(d.WHEN_CHUNK_NOT_IN_FLOW, "waiting for another flow's chunk", '''
other = TriggerFlow(name="other")

@other.chunk
def notify(data: Data[str]) -> str:
    return data.value

flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to(fetch)
flow.when(notify).to(summarize)
''', at=".when(notify)"),
    _valid(d.WHEN_CHUNK_NOT_IN_FLOW, "waiting for a chunk of this flow", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to(summarize)
flow.when(summarize).to(fetch)
'''),
    _invalid(d.MALFORMED_WHEN, "an unknown signal type", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.when({"state": "topic"}).to(summarize)
''', at=".when("),
    _valid(d.MALFORMED_WHEN, "runtime_data is the state's signal type", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.when({"runtime_data": "topic"}).to(summarize)
'''),
    # --- TFC4xx ---------------------------------------------------------------------------
    _invalid(d.EDGE_TYPE_MISMATCH, "a list into a chunk that takes a str", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to(fetch).to(summarize)
''', at=".to(summarize)"),
    _valid(d.EDGE_TYPE_MISMATCH, "each item is a str", '''
flow = TriggerFlow(name="report")
''' + _STEPS + '''
flow.to(fetch).for_each().to(summarize).end_for_each()
'''),
    _invalid(d.FOR_EACH_NOT_ITERABLE, "for_each() over an int", '''
flow = TriggerFlow(name="count")

@flow.chunk
def count(data: Data[str]) -> int:
    return len(data.value)

flow.to(count).for_each().end_for_each()
''', at=".for_each()"),
    _valid(d.FOR_EACH_NOT_ITERABLE, "for_each() over a list", '''
flow = TriggerFlow(name="count")

@flow.chunk
def words(data: Data[str]) -> list[str]:
    return data.value.split()

flow.to(words).for_each().end_for_each()
'''),
    _invalid(d.BATCH_RESULT_MISMATCH, "a batch branch named differently from the TypedDict key", '''
class Findings(TypedDict):
    facts: list[str]
    risks: list[str]

flow = TriggerFlow(name="report")

@flow.chunk
def facts(data: Data[str]) -> list[str]:
    return [data.value]

@flow.chunk
def risk(data: Data[str]) -> list[str]:
    return []

@flow.chunk
def outline(data: Data[Findings]) -> str:
    return " ".join(data.value["facts"] + data.value["risks"])

flow.batch(facts, risk).to(outline)
''', at=".to(outline)"),
    _valid(d.BATCH_RESULT_MISMATCH, "the keys are the chunk names", '''
class Findings(TypedDict):
    facts: list[str]
    risks: list[str]

flow = TriggerFlow(name="report")

@flow.chunk
def facts(data: Data[str]) -> list[str]:
    return [data.value]

@flow.chunk
def risks(data: Data[str]) -> list[str]:
    return []

@flow.chunk
def outline(data: Data[Findings]) -> str:
    return " ".join(data.value["facts"] + data.value["risks"])

flow.batch(facts, risks).to(outline)
'''),
    _invalid(d.BRANCH_JOIN_MISMATCH, "one branch returns an int", '''
flow = TriggerFlow(name="grade")

@flow.chunk
def label(data: Data[int]) -> str:
    return "high"

@flow.chunk
def clamp(data: Data[int]) -> int:
    return 100

@flow.chunk
def shout(data: Data[str]) -> str:
    return data.value.upper()

def big(data: Data[int]) -> bool:
    return data.value > 100

flow.if_condition(big).to(clamp).else_condition().to(label).end_condition().to(shout)
''', at=".to(shout)"),
    _valid(d.BRANCH_JOIN_MISMATCH, "every branch returns a str", '''
flow = TriggerFlow(name="grade")

@flow.chunk
def label(data: Data[int]) -> str:
    return "high"

@flow.chunk
def cap(data: Data[int]) -> str:
    return "100"

@flow.chunk
def shout(data: Data[str]) -> str:
    return data.value.upper()

def big(data: Data[int]) -> bool:
    return data.value > 100

flow.if_condition(big).to(cap).else_condition().to(label).end_condition().to(shout)
'''),
    _invalid(d.SUB_FLOW_RESULT_MISMATCH, "the child's result is not what the next step takes", '''
class Summary(TypedDict):
    text: str

child = TriggerFlow(name="summarize", result=Summary)
flow = TriggerFlow(name="report")

@flow.chunk
def publish(data: Data[str]) -> None:
    print(data.value)

flow.to_sub_flow(child).to(publish)
''', at=".to(publish)"),
    _valid(d.SUB_FLOW_RESULT_MISMATCH, "write_back picks the str out of the result", '''
class Summary(TypedDict):
    text: str

child = TriggerFlow(name="summarize", result=Summary)
flow = TriggerFlow(name="report")

@flow.chunk
def publish(data: Data[str]) -> None:
    print(data.value)

flow.to_sub_flow(child, write_back={"value": "result.text"}).to(publish)
'''),
    # --- TFC5xx ---------------------------------------------------------------------------
    _invalid(d.PAUSE_IN_HIDDEN_START, "a chunk that may pause, run by flow.start()", '''
flow = TriggerFlow(name="approve")

@flow.chunk
async def review(data: Data[int]) -> int:
    if data.value > 1000:
        await data.async_pause_for(type="approval", payload=data.value)
    return data.value

flow.to(review).end()
flow.start(10)
''', at=".to(review)"),
    _valid(d.PAUSE_IN_HIDDEN_START, "an execution the caller keeps", '''
flow = TriggerFlow(name="approve")

@flow.chunk
async def review(data: Data[int]) -> int:
    if data.value > 1000:
        await data.async_pause_for(type="approval", payload=data.value)
    return data.value

flow.to(review).end()
execution = flow.create_execution(auto_close=False)
'''),
    # --- TFC9xx (tfc check only) ------------------------------------------------------------
    _invalid(d.DYNAMIC_CHUNK, "a chunk chosen at run time", '''
import handlers

flow = TriggerFlow(name="report")
flow.to(getattr(handlers, "fetch"))
''', at=".to(", frontend="static"),
    _valid(d.DYNAMIC_CHUNK, "a chunk named in the source", '''
from handlers import fetch

flow = TriggerFlow(name="report")
flow.to(fetch)
''', frontend="static"),
)


def examples_for(code: Code) -> tuple[Example, ...]:
    """The examples of *code*, invalid ones first."""
    found = [e for e in EXAMPLES if e.code == code]
    return tuple(sorted(found, key=lambda e: e.kind != "invalid"))
