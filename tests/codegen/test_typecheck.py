"""Check by compiling: mypy --strict reads a runner and checks the flow's value types.

A correct typed flow's runner passes; a flow that hands a step the wrong type gets a mypy
error on the runner line of that step, which ``__tfc_lines__`` maps to the flow line.
"""

from __future__ import annotations

import importlib
import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from mypy import api as mypy_api

from tfc.codegen import build_runner

ROOT = Path(__file__).resolve().parents[2]

TYPED = '''
from typing import TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData


class State(TypedDict, total=False):
    topic: str


class Findings(TypedDict):
    facts: list[str]
    size: int


flow = TriggerFlow(name="typed", state=State, input=str)


@flow.chunk
async def clean(data: TriggerFlowRuntimeData[str, State]) -> str:
    data.state["topic"] = data.value
    return data.value.strip()


@flow.chunk
def facts(data: TriggerFlowRuntimeData[str, State]) -> list[str]:
    return data.value.split()


@flow.chunk
async def size(data: TriggerFlowRuntimeData[str, State]) -> int:
    return len(data.value)


@flow.chunk
async def outline(data: TriggerFlowRuntimeData[Findings, State]) -> list[str]:
    return data.value["facts"]


@flow.chunk
async def shout(data: TriggerFlowRuntimeData[str, State]) -> str:
    return data.value.upper()


@flow.chunk
async def join(data: TriggerFlowRuntimeData[list[str], State]) -> str:
    return " ".join(data.value)


def short(data: TriggerFlowRuntimeData[str, State]) -> bool:
    return len(data.value) < 4


flow.to(clean).batch(facts, size).to(outline).for_each().if_condition(short).to(shout).end_condition().end_for_each().to(join).end()
flow.when({"runtime_data": "topic"}).to(("shout_topic", shout))
'''

WRONG = '''
from typing import TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData


class State(TypedDict, total=False):
    n: int


flow = TriggerFlow(name="wrong", state=State)


@flow.chunk
async def count(data: TriggerFlowRuntimeData[str, State]) -> int:
    return len(data.value)


@flow.chunk
async def shout(data: TriggerFlowRuntimeData[str, State]) -> str:
    return data.value.upper()


flow.to(count).to(shout)
'''


SUB_FLOW = '''
from typing import TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData


class ParentState(TypedDict, total=False):
    topic: str
    score: int


class ChildState(TypedDict, total=False):
    seed: str


class Report(TypedDict):
    title: str
    score: float


child = TriggerFlow(name="child", state=ChildState, input=str, result=Report)


@child.chunk
async def write(data: TriggerFlowRuntimeData[str, ChildState]) -> Report:
    return {"title": data.value.title(), "score": 0.5}


child.to(write).end()

flow = TriggerFlow(name="parent", state=ParentState)


@flow.chunk
async def start(data: TriggerFlowRuntimeData[str, ParentState]) -> str:
    data.state["topic"] = data.value
    return data.value


flow.to(start).to_sub_flow(
    child,
    capture={"input": "state.topic", "state": {"seed": "value"}},
    write_back={"state.topic": "result.title", "state.score": "SCORE"},
).end()
'''


@pytest.fixture
def package(tmp_path: Path) -> Iterator[Path]:
    """A directory on sys.path whose modules are forgotten afterwards."""
    sys.path.insert(0, str(tmp_path))
    before = set(sys.modules)
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        for name in set(sys.modules) - before:
            if name.startswith("tc_"):
                del sys.modules[name]


def _mypy(tmp_path: Path, file: Path) -> tuple[list[str], int]:
    config = tmp_path / "mypy.ini"
    config.write_text(f"[mypy]\nstrict = True\nfollow_imports = silent\nmypy_path = {ROOT}\n")
    out, err, status = mypy_api.run(
        ["--config-file", str(config), "--cache-dir", str(tmp_path / ".mypy_cache"), "--no-error-summary", str(file)]
    )
    assert not err, err
    return [line for line in out.splitlines() if line.strip()], status


def _build(package: Path, name: str, text: str, *, checked: bool) -> tuple[Path, dict[int, int]]:
    (package / f"{name}.py").write_text(textwrap.dedent(text))
    module = importlib.import_module(name)
    runner = build_runner(module.flow, name, "flow", root=str(package), checked=checked)
    path = package / f"{name}_runner.py"
    path.write_text(runner.source)
    return path, runner.lines


def test_mypy_strict_passes_on_the_runner_of_a_correct_typed_flow(package: Path) -> None:
    path, _ = _build(package, "tc_typed", TYPED, checked=True)
    source = path.read_text()
    assert "class _Batch3(TypedDict)" in source and "facts: list[str]" in source and "size: int" in source
    assert "async def run(\n    value: str," in source and "state: State | None = None" in source
    lines, status = _mypy(package, path)
    assert (lines, status) == ([], 0)


@pytest.mark.parametrize("name", ["research_report", "sub_flow_report"])
def test_mypy_strict_passes_on_the_committed_example_runners(tmp_path: Path, name: str) -> None:
    lines, status = _mypy(tmp_path, ROOT / f"tests/codegen/golden/{name}.run.py")
    assert (lines, status) == ([], 0)


def test_a_wrong_value_type_between_steps_is_a_mypy_error_mapped_to_the_flow_line(package: Path) -> None:
    path, table = _build(package, "tc_wrong", WRONG, checked=False)
    lines, status = _mypy(package, path)
    assert status == 1
    assert len(lines) == 1, lines
    found = re.match(r".*tc_wrong_runner\.py:(\d+): error: (.*)", lines[0])
    assert found is not None, lines
    assert 'incompatible type "int"; expected "str"' in found.group(2)
    flow_line = WRONG.splitlines().index("flow.to(count).to(shout)") + 1
    assert table[int(found.group(1))] == flow_line


def test_the_line_table_is_written_into_the_runner(package: Path) -> None:
    path, table = _build(package, "tc_typed2", TYPED.replace('name="typed"', 'name="typed2"'), checked=True)
    namespace: dict[str, object] = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    assert namespace["__tfc_lines__"] == table
    assert namespace["__tfc_flow_file__"] == "tc_typed2.py"


def test_sub_flow_capture_and_write_back_types_are_checked(package: Path) -> None:
    good = SUB_FLOW.replace('"SCORE"', '"result.title"').replace("score: int", "score: str")
    path, _ = _build(package, "tc_sub_good", good, checked=True)
    assert "if TYPE_CHECKING:" in path.read_text()
    assert _mypy(package, path) == ([], 0)


def test_a_wrong_write_back_value_type_is_a_mypy_error_mapped_to_the_sub_flow_line(package: Path) -> None:
    path, table = _build(package, "tc_sub_bad", SUB_FLOW.replace('"SCORE"', '"result.score"'), checked=False)
    lines, status = _mypy(package, path)
    assert status == 1 and len(lines) == 1, lines
    found = re.match(r".*tc_sub_bad_runner\.py:(\d+): error: (.*)", lines[0])
    assert found is not None, lines
    assert 'expression has type "float", variable has type "int"' in found.group(2)
    assert found.group(2).endswith("[assignment]")
    runner_line = int(found.group(1))
    assert "write_back state.score <- result.score" in path.read_text().splitlines()[runner_line - 1]
    flow_line = next(i for i, text in enumerate(SUB_FLOW.splitlines(), 1) if "to_sub_flow(" in text)
    assert table[runner_line] == flow_line



NESTED = '''
from typing import TypedDict

from tfc import TriggerFlow, TriggerFlowRuntimeData


class Report(TypedDict):
    title: str
    words: int


grandchild = TriggerFlow(name="grandchild", input=str)


@grandchild.chunk
async def count(data: TriggerFlowRuntimeData[str]) -> int:
    return len(data.value.split())


grandchild.to(count).end()

child = TriggerFlow(name="child", input=str, result=Report)


@child.chunk
async def title(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value.title()


@child.chunk
async def report(data: TriggerFlowRuntimeData[str]) -> Report:
    return {"title": data.value, "words": 0}


child.to(title).to(report).end()
child.to_sub_flow(grandchild)

flow = TriggerFlow(name="parent", input=str)


@flow.chunk
async def clean(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value.strip()


flow.to(clean).to_sub_flow(child).to_sub_flow(grandchild, capture={"input": "value.title"}).end()
'''


def test_mypy_strict_passes_on_a_runner_with_nested_inline_sub_flows(package: Path) -> None:
    path, _ = _build(package, "tc_nested", NESTED, checked=True)
    source = path.read_text()
    assert "async def _sub1_root_" in source and "async def _sub2_root_" in source
    assert "async def _sub3_root_" not in source  # the grandchild's code is shared by its two calls
    assert "v: str, scope: Scope" in source.split("async def _sub1_root_")[1].split("\n")[0]
    assert _mypy(package, path) == ([], 0)


def test_a_wrong_value_type_inside_a_child_flow_is_a_mypy_error_mapped_to_the_child_line(package: Path) -> None:
    wrong = NESTED.replace("report(data: TriggerFlowRuntimeData[str])", "report(data: TriggerFlowRuntimeData[int])")
    path, table = _build(package, "tc_nested_bad", wrong, checked=False)
    lines, status = _mypy(package, path)
    assert status == 1 and len(lines) == 1, lines
    found = re.match(r".*tc_nested_bad_runner\.py:(\d+): error: (.*)", lines[0])
    assert found is not None, lines
    assert 'incompatible type "str"; expected "int"' in found.group(2)
    runner_line = int(found.group(1))
    assert "_rt.TriggerFlowRuntimeData(act, " in path.read_text().splitlines()[runner_line - 1]  # the runtime data of report's step
    assert table[runner_line] == wrong.splitlines().index("child.to(title).to(report).end()") + 1
