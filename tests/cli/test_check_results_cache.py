"""The results cache of `tfc check`: reused, re-run in part, or ignored, never stale.

Every run here is compared with a ``--no-cache`` run of the same files (the whole analysis,
no cache read or written): the cached and partial answers must be byte-identical to it.
The statistics line says how the answer was found (``results: cached | partial | whole``).
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import tfc as tfc_package

from .conftest import GOOD

Run = Callable[..., tuple[int, str, str]]
Make = Callable[..., Path]

CHUNKS = '''
from tfc import TriggerFlowRuntimeData

async def fetch(data: TriggerFlowRuntimeData[str]) -> {fetch_out}:
    await data.async_emit("{event}", data.value)
    return {fetch_value}
'''

SCHEMA = '''
from typing import TypedDict

class State(TypedDict, total=False):
    {field}: str
'''

FLOWS = '''
from tfc import TriggerFlow, TriggerFlowRuntimeData
from .chunks import fetch
from .schema import State

flow = TriggerFlow(name="main", state=State)

@flow.chunk
async def render(data: TriggerFlowRuntimeData[str, State]) -> str:
    return data.value

flow.to(fetch).to(render)
flow.when("Ready").to(render)
flow.when({"runtime_data": "topic"}).to(render)
'''

OTHER = '''
from tfc import TriggerFlow, TriggerFlowRuntimeData

other = TriggerFlow(name="other")

@other.chunk
async def shout(data: TriggerFlowRuntimeData[str]) -> str:
    return data.value.upper()

other.to(shout)
'''


def _chunks(out: str = "str", value: str = "data.value", event: str = "Ready") -> str:
    return CHUNKS.format(fetch_out=out, fetch_value=value, event=event)


def _write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(textwrap.dedent(text).lstrip("\n"))


def _check(tfc: Run, *extra: str) -> tuple[int, str, str]:
    """A cached run, checked against a whole run: (status, stdout, how it was found)."""
    status, out, err = tfc("check", "--output-format", "concise", "--statistics", *extra)
    whole = tfc("check", "--output-format", "concise", "--no-cache", *extra)
    assert (status, out) == whole[:2]
    mode = err.rpartition("results: ")[2].partition(",")[0]
    return status, out, mode


@pytest.fixture
def app(project: Make) -> Path:
    root = project(
        {
            "app/__init__.py": "",
            "app/chunks.py": _chunks(),
            "app/schema.py": SCHEMA.format(field="topic"),
            "app/flows.py": FLOWS,
            "app/other.py": OTHER,
        }
    )
    return root


def test_a_second_run_reuses_every_result(app: Path, tfc: Run) -> None:
    assert _check(tfc)[2] == "whole"
    status, out, mode = _check(tfc)
    assert (status, mode) == (0, "cached")
    assert out.splitlines()[-1] == "All checks passed."


def test_a_changed_chunk_rechecks_the_flow_that_imports_it(app: Path, tfc: Run) -> None:
    _check(tfc)
    _write(app, "app/chunks.py", _chunks(out="int", value="1"))
    status, out, mode = _check(tfc)
    assert (status, mode) == (1, "partial")
    assert "app/flows.py:11:" in out and "TFC4" in out
    _write(app, "app/chunks.py", _chunks())
    status, out, mode = _check(tfc)
    assert (status, mode) == (0, "partial")
    assert "TFC4" not in out


def test_a_changed_schema_rechecks_the_when_keys_that_use_it(app: Path, tfc: Run) -> None:
    _check(tfc)
    _write(app, "app/schema.py", SCHEMA.format(field="subject"))
    status, out, mode = _check(tfc)
    assert mode == "partial"
    assert '"topic"' in out and "app/flows.py:13:" in out
    _write(app, "app/schema.py", SCHEMA.format(field="topic"))
    assert "topic" not in _check(tfc)[1]


def test_an_event_emitted_in_a_changed_module_changes_event_findings_elsewhere(app: Path, tfc: Run) -> None:
    _check(tfc)
    _write(app, "app/chunks.py", _chunks(event="Started"))
    status, out, mode = _check(tfc)
    assert mode == "partial"
    assert 'when() waits for event "Ready"' in out  # a warning in flows.py, which did not change
    assert 'event "Started" is emitted' in out  # information in chunks.py
    _write(app, "app/chunks.py", _chunks())
    assert _check(tfc)[1].splitlines()[-1] == "All checks passed."


def test_a_new_emitter_silences_a_warning_in_an_unchanged_module(app: Path, tfc: Run) -> None:
    _write(app, "app/chunks.py", _chunks(event="Started"))
    assert 'waits for event "Ready"' in _check(tfc)[1]
    _write(app, "app/other.py", OTHER.replace("return data.value.upper()", 'await data.async_emit("Ready", 1)\n    return data.value'))
    status, out, mode = _check(tfc)
    assert mode == "partial"
    assert 'waits for event "Ready"' not in out


def test_a_module_that_extends_an_imported_flow_keeps_both_up_to_date(project: Make, tfc: Run) -> None:
    root = project({"app/__init__.py": "", "app/base.py": GOOD, "app/extra.py": "from .base import flow\n\nflow.to('normalize')\n"})
    assert _check(tfc)[0] == 0
    _write(root, "app/extra.py", "from .base import flow\n\nflow.to('normalise')\n")
    status, out, mode = _check(tfc)
    assert (status, mode) == (1, "partial")
    assert 'unknown chunk "normalise"' in out
    _write(root, "app/extra.py", "from .base import flow\n\nflow.to('normalize')\n")
    assert _check(tfc)[0] == 0


def test_options_and_configuration_apply_to_cached_results(app: Path, tfc: Run) -> None:
    _write(app, "app/chunks.py", _chunks(out="int", value="1", event="Started"))
    everything = _check(tfc)[1]
    assert "TFC4" in everything and "TFC30" in everything
    status, out, mode = _check(tfc, "--select", "TFC3")
    assert mode == "cached" and "TFC4" not in out and "TFC30" in out
    assert "TFC30" not in _check(tfc, "--ignore", "TFC3")[1]
    (app / "pyproject.toml").write_text("[project]\nname = 'demo'\n[tool.tfc]\nignore = ['TFC4']\n")
    status, out, mode = _check(tfc)
    assert mode == "cached" and "TFC4" not in out and "TFC30" in out
    (app / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    assert _check(tfc)[1] == everything


def test_another_tfc_version_does_not_reuse_the_cache(app: Path, tfc: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    _check(tfc)
    monkeypatch.setattr(tfc_package, "__version__", "0.0.0-other")
    assert _check(tfc)[2] == "whole"
    assert _check(tfc)[2] == "cached"


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text: "not json", id="not-json"),
        pytest.param(lambda text: "[]", id="wrong-shape"),
        pytest.param(lambda text: text.replace('"TFC', '"XYZ'), id="unknown-code"),
        pytest.param(lambda text: text.replace('"digest":"', '"digest":1, "x":"'), id="wrong-type"),
        pytest.param(lambda text: text.replace('"names":[', '"names":[["fetch",["F","app.chunks",[99],"0"]],'), id="bad-snapshot"),
    ],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(app: Path, tfc: Run, damage: Callable[[str], str]) -> None:
    _write(app, "app/chunks.py", _chunks(out="int", value="1"))
    first = _check(tfc)
    cache = app / ".tfc_cache" / "results-1.json"
    cache.write_text(damage(cache.read_text()))
    _write(app, "app/schema.py", SCHEMA.format(field="subject"))  # a partial run reads the snapshots
    status, out, mode = _check(tfc)
    assert mode in ("whole", "partial")
    assert "TFC4" in out and first[1] != out
    json.loads(cache.read_text())  # rewritten whole


def test_a_same_size_edit_within_the_same_mtime_is_seen(app: Path, tfc: Run) -> None:
    _check(tfc)
    target = app / "app" / "chunks.py"
    before = target.stat()
    _write(app, "app/chunks.py", _chunks(out="int"))  # "int" for "str": same size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    assert "TFC401" in _check(tfc)[1]


def test_import_cycles_run_whole_and_stay_correct(project: Make, tfc: Run) -> None:
    root = project(
        {
            "app/__init__.py": "",
            "app/a.py": "from . import b\nfrom .chunks import fetch\n",
            "app/b.py": "from . import a\n",
            "app/chunks.py": _chunks(),
            "app/schema.py": SCHEMA.format(field="topic"),
            "app/flows.py": FLOWS,
        }
    )
    _check(tfc)
    _write(root, "app/chunks.py", _chunks(out="int", value="1"))
    status, out, mode = _check(tfc)
    assert (status, mode) == (1, "whole")


def test_a_module_that_appears_outside_the_checked_files_is_seen(project: Make, tfc: Run) -> None:
    flows = FLOWS.replace("from .chunks import fetch", "from helpers import fetch")
    root = project({"app/__init__.py": "", "app/schema.py": SCHEMA.format(field="topic"), "app/flows.py": flows})
    assert _check(tfc, "app")[0] == 0  # helpers is not a project module: fetch is unknown, accepted
    _write(root, "helpers.py", _chunks(out="int", value="1"))
    status, out, mode = _check(tfc, "app")
    assert (status, mode) == (1, "whole")
    assert "TFC401" in out


def _truncate(entry: list[object]) -> str:
    return json.dumps(entry)[:-20]


def _unknown_class(entry: list[object]) -> str:
    return json.dumps([entry[0], [999, *entry[1][1:]]])  # type: ignore[index]


def _wrong_arity(entry: list[object]) -> str:
    return json.dumps([entry[0], [*entry[1], None]])  # type: ignore[misc]


def _unknown_tag(entry: list[object]) -> str:
    return json.dumps([entry[0], ["q", entry[1]]])


@pytest.mark.parametrize("damage", [_truncate, _unknown_class, _wrong_arity, _unknown_tag])
def test_the_summary_cache_is_json_and_a_damaged_entry_is_read_again(
    app: Path, tfc: Run, damage: Callable[[list[object]], str]
) -> None:
    _write(app, "app/chunks.py", _chunks(out="int", value="1"))
    for path in (app / "app").glob("*.py"):  # recent files are not cached by stamp
        os.utime(path, ns=(0, path.stat().st_mtime_ns - 10_000_000_000))
    first = _check(tfc)[1]
    cache = app / ".tfc_cache"
    assert not list(cache.rglob("*.pickle"))
    entries = list(cache.glob("index-*/*.json"))
    assert len(entries) == 5
    for entry in entries:
        entry.write_text(damage(json.loads(entry.read_text())))
    (cache / "results-1.json").unlink()
    status, out, err = tfc("check", "--output-format", "concise", "--statistics")
    assert out == first
    assert "5 read, 0 cached" in err


CHILD = '''
from typing import TypedDict
from tfc import TriggerFlow, TriggerFlowRuntimeData

class ChildState(TypedDict, total=False):
    {field}: str

child = TriggerFlow(name="child", state=ChildState)

@child.chunk
async def write(data: TriggerFlowRuntimeData[str, ChildState]) -> str:
    return data.value

child.to(write).end()
'''

PARENT = '''
from typing import TypedDict
from tfc import TriggerFlow, TriggerFlowRuntimeData
from .child import child

class ParentState(TypedDict, total=False):
    topic: str

parent = TriggerFlow(name="parent", state=ParentState)

@parent.chunk
async def normalize(data: TriggerFlowRuntimeData[str, ParentState]) -> str:
    return data.value

parent.to(normalize).to_sub_flow(child, capture={"input": "value", "state": {"subject": "state.topic"}}).end()
'''


def test_a_changed_child_flow_rechecks_its_parent(project: Make, tfc: Run) -> None:
    root = project({"app/__init__.py": "", "app/child.py": CHILD.format(field="subject"), "app/parent.py": PARENT})
    assert _check(tfc)[0] == 0
    _write(root, "app/child.py", CHILD.format(field="title"))
    status, out, mode = _check(tfc)
    assert (status, mode) == (1, "partial")  # the parent reads the child flow: both re-run
    assert "app/parent.py:14:" in out and '"subject"' in out
    _write(root, "app/child.py", CHILD.format(field="subject"))
    status, out, mode = _check(tfc)
    assert (status, mode) == (0, "partial")
