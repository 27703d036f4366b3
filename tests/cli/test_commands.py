"""`tfc graph`, `tfc plan`, `tfc explain`, `tfc run` and the command's own plumbing."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tfc.cli import SUBCOMMANDS
from tfc.ir import render_ir

Run = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_plan_of_a_file_is_read_statically_and_matches_the_runtime(tfc: Run) -> None:
    from examples.research_report.flow import flow

    status, out, _ = tfc("plan", "examples/research_report/flow.py:flow")
    assert status == 0
    assert out == render_ir(flow.ir())
    assert tfc("plan", "examples.research_report.flow:flow") == (0, out, "")


def test_plan_of_a_module_that_runs_at_import_is_not_run(tfc: Run) -> None:
    status, out, _ = tfc("plan", "examples/seed_playbook/__main__.py")
    assert status == 0 and "batch concurrency=2" in out and "STREAM" not in out


def test_plan_errors(tfc: Run) -> None:
    status, _, err = tfc("plan", "examples/research_report/flow.py:nope")
    assert status == 2 and 'no flow "nope"' in err
    assert tfc("plan", "no_such_module_here:flow")[0] == 2


def test_graph_mermaid_draws_blocks_as_subgraphs(tfc: Run) -> None:
    status, out, _ = tfc("graph", "examples/research_report/flow.py:flow")
    assert status == 0
    assert out.startswith("flowchart TD\n")
    for text in ('subgraph n4g ["batch"]', 'subgraph n8g ["for_each concurrency=2"]', 'subgraph n9g ["if_condition"]'):
        assert text in out
    assert '  r3 --> n4\n' in out
    assert 'n9 -->|"is_risk"| n10' in out and 'n9 -->|"else"| n11' in out


def test_graph_nests_sub_flows(tfc: Run) -> None:
    status, out, _ = tfc("graph", "tests/static/flows/factory.py:PARENT", "--format", "dot")
    assert status == 0
    assert out.startswith('digraph "flow factory_parent" {')
    assert 'subgraph cluster_n3g {' in out and 'label="flow factory_child";' in out
    assert "n3 -> n3_start;" in out


def test_explain(tfc: Run) -> None:
    status, out, _ = tfc("explain", "TFC201")
    assert status == 0 and out.startswith("# TFC201 unknown-capture-path")
    assert tfc("explain", "unknown-capture-path")[1] == out
    status, _, err = tfc("explain", "TFC999")
    assert status == 2 and "unknown code" in err


def test_run_prints_the_stream_then_the_result(tfc: Run) -> None:
    status, out, _ = tfc("run", "examples.research_report.flow:flow", '"  tfc  "', "--stream")
    lines = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert lines[0] == {"stage": "normalized", "topic": "tfc"}
    assert lines[-1]["$final_result"].startswith("# tfc\n")
    stages = [item.get("stage") for item in lines[:-1]]
    assert stages[0] == "normalized" and stages[-1] == "compiled"


def test_run_without_stream_prints_only_the_result(tfc: Run) -> None:
    status, out, _ = tfc("run", "examples.research_report.flow:flow", "plain text")
    (result,) = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and result["topic"] == "plain text"


def test_run_needs_a_module(tfc: Run) -> None:
    status, _, err = tfc("run", "examples/research_report/flow.py:flow", "x")
    assert status == 2 and "module name" in err


def test_subcommands_are_modules_with_add_parser_and_run() -> None:
    import importlib
    import importlib.util

    assert SUBCOMMANDS[0] == "check"
    for name in SUBCOMMANDS:
        if importlib.util.find_spec(f"tfc.cli.{name}") is None:
            continue
        module = importlib.import_module(f"tfc.cli.{name}")
        assert callable(module.add_parser) and callable(module.run)


def test_python_dash_m_tfc_and_light_imports() -> None:
    code = "import sys, tfc.cli; tfc.cli.build_parser(); print('libcst' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
    done = subprocess.run([sys.executable, "-m", "tfc", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.startswith("tfc ")
