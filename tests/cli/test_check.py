"""`tfc check`: exit codes, output formats, configuration, ignores, syntax errors, the cache."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import BAD, GOOD

Run = Callable[..., tuple[int, str, str]]
Make = Callable[..., Path]


def test_clean_project_exits_0(project: Make, tfc: Run) -> None:
    project({"good.py": GOOD})
    assert tfc("check", ".") == (0, "All checks passed.\n", "")


def test_findings_exit_1_with_a_summary_line(project: Make, tfc: Run) -> None:
    project({"good.py": GOOD, "bad.py": BAD})
    status, out, _ = tfc("check", "--output-format", "concise")
    assert status == 1
    assert out == (
        "bad.py:9:27: TFC105 unknown chunk \"splt\" in flow \"bad\"\n"
        "Found 1 error in 1 file.\n"
    )


def test_exit_zero(project: Make, tfc: Run) -> None:
    project({"bad.py": BAD})
    assert tfc("check", "--exit-zero", "--output-format", "concise")[0] == 0


def test_warnings_alone_exit_0(project: Make, tfc: Run) -> None:
    project({"w.py": GOOD + 'flow.when("Nobody").to(normalize)\n'})
    status, out, _ = tfc("check", "--output-format", "concise")
    assert (status, out.splitlines()[-1]) == (0, "Found 1 warning in 1 file.")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["check", "--output-format", "xml"], id="bad-format"),
        pytest.param(["check", "--select", "TFC999"], id="unknown-code"),
        pytest.param(["check", "missing_folder"], id="missing-path"),
        pytest.param(["check", "--no-such-flag"], id="unknown-flag"),
        pytest.param(["nonsense"], id="unknown-command"),
    ],
)
def test_usage_errors_exit_2(project: Make, tfc: Run, args: list[str]) -> None:
    project({"good.py": GOOD})
    status, out, err = tfc(*args)
    assert (status, out) == (2, "")
    assert err


def test_full_format_shows_the_source_and_help(project: Make, tfc: Run) -> None:
    project({"bad.py": BAD})
    status, out, _ = tfc("check")
    assert status == 1
    assert 'error[TFC105]: unknown chunk "splt" in flow "bad"' in out
    assert " --> bad.py:9:27" in out
    assert 'flow.to(split).for_each().to("splt")' in out
    assert '= help: did you mean "split"?' in out
    assert out.endswith("\nFound 1 error in 1 file.\n")


def test_json_format(project: Make, tfc: Run) -> None:
    project({"bad.py": BAD})
    status, out, _ = tfc("check", "--output-format", "json")
    items = json.loads(out)
    assert status == 1
    assert [(i["code"], i["location"]["file"], i["location"]["line"], i["location"]["column"]) for i in items] == [
        ("TFC105", "bad.py", 9, 27)
    ]
    assert items[0]["help"] == 'did you mean "split"?'


def test_github_format_escapes_newlines(project: Make, tfc: Run) -> None:
    project({"bad.py": BAD})
    status, out, _ = tfc("check", "--output-format", "github")
    lines = out.splitlines()
    assert status == 1 and len(lines) == 1
    assert lines[0].startswith("::error file=bad.py,line=9,col=27,")
    assert "title=TFC105 unknown-chunk::" in lines[0]
    assert '%0Ahelp: did you mean "split"?' in lines[0]
    assert "Found" not in out


def test_sarif_format_has_what_code_scanning_reads(project: Make, tfc: Run) -> None:
    project({"pkg/bad.py": BAD, "good.py": GOOD})
    status, out, _ = tfc("check", "--output-format", "sarif")
    log = json.loads(out)
    assert status == 1
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "tfc" and driver["version"]
    rule_ids = [r["id"] for r in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    assert all(r["shortDescription"]["text"] for r in driver["rules"])
    (result,) = run["results"]
    assert result["ruleId"] == "TFC105" and rule_ids[result["ruleIndex"]] == "TFC105"
    assert result["level"] in ("error", "warning", "note", "none")
    assert result["message"]["text"].startswith('unknown chunk "splt"')
    (where,) = result["locations"]
    physical = where["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "pkg/bad.py"
    assert physical["region"]["startLine"] == 9 and physical["region"]["startColumn"] == 27


def test_select_and_ignore(project: Make, tfc: Run) -> None:
    project({"bad.py": BAD, "w.py": GOOD + 'flow.when("Nobody").to(normalize)\n'})
    assert tfc("check", "--output-format", "concise", "--ignore", "TFC1")[1].count("TFC") == 1
    status, out, _ = tfc("check", "--output-format", "concise", "--select", "TFC3")
    assert (status, out.count("TFC304"), out.count("TFC105")) == (0, 1, 0)
    status, out, _ = tfc("check", "--output-format", "concise", "--select", "unknown-chunk")
    assert (status, out.count("TFC105"), out.count("TFC304")) == (1, 1, 0)


def test_config_table(project: Make, tfc: Run) -> None:
    config = """
[tool.tfc]
include = ["src"]
exclude = ["src/legacy"]
ignore = ["TFC304"]
output-format = "concise"

[tool.tfc.per-file-ignores]
"src/generated/*" = ["TFC105"]
"""
    project(
        {
            "src/good.py": GOOD + 'flow.when("Nobody").to(normalize)\n',
            "src/legacy/bad.py": BAD,
            "src/generated/bad.py": BAD,
            "outside.py": BAD,
        },
        config,
    )
    assert tfc("check") == (0, "All checks passed.\n", "")
    status, out, _ = tfc("check", "src/generated/bad.py", "--ignore", "TFC9")
    assert status == 0


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param('[tool.tfc]\nselcet = ["TFC1"]\n', "unknown key selcet", id="unknown-key"),
        pytest.param('[tool.tfc]\nignore = "TFC1"\n', "must be a list of strings", id="not-a-list"),
        pytest.param('[tool.tfc]\nignore = ["TFC777"]\n', 'unknown code "TFC777"', id="unknown-code"),
        pytest.param('[tool.tfc]\noutput-format = "xml"\n', "output-format must be one of", id="bad-format"),
        pytest.param("[tool.tfc\n", "invalid TOML", id="bad-toml"),
    ],
)
def test_configuration_errors_exit_2(project: Make, tfc: Run, table: str, message: str) -> None:
    root = project({"good.py": GOOD})
    (root / "pyproject.toml").write_text(table)
    status, out, err = tfc("check", "--config", "pyproject.toml")
    assert (status, out) == (2, "")
    assert message in err


def test_nearest_pyproject_with_a_table_is_used(project: Make, tfc: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project({"app/bad.py": BAD}, '[tool.tfc]\nignore = ["TFC105"]\n')
    (root / "app" / "pyproject.toml").write_text("[project]\nname = 'inner'\n")  # no [tool.tfc]
    monkeypatch.chdir(root / "app")
    assert tfc("check", ".")[0] == 0


def test_inline_ignores(project: Make, tfc: Run) -> None:
    ignored = BAD.replace('to("splt")', 'to("splt")  # tfc: ignore[TFC105]')
    bare = BAD.replace('to("splt")', 'to("splt")  # tfc: ignore')
    other = BAD.replace('to("splt")', 'to("splt")  # tfc: ignore[TFC201]')
    project({"a.py": ignored, "b.py": bare, "c.py": other})
    status, out, _ = tfc("check", "--output-format", "concise")
    assert status == 1
    assert [line.split(":")[0] for line in out.splitlines()[:-1]] == ["c.py"]


def test_a_syntax_error_is_a_diagnostic_and_other_files_are_still_checked(project: Make, tfc: Run) -> None:
    project({"a_good.py": GOOD, "b_broken.py": "def f(:\n    pass\n", "c_bad.py": BAD})
    status, out, err = tfc("check", "--output-format", "concise")
    assert (status, err) == (1, "")
    lines = out.splitlines()
    assert lines[0].startswith("b_broken.py:1:7: TFC905 cannot parse this file:")
    assert lines[1].startswith("c_bad.py:9:27: TFC105")
    assert lines[-1] == "Found 2 errors in 2 files."


def test_cache_rereads_only_changed_files(project: Make, tfc: Run) -> None:
    root = project({"a.py": GOOD, "b.py": BAD})
    for name in ("a.py", "b.py"):  # files changed in the last seconds are not cached by stamp
        os.utime(root / name, ns=(0, (root / name).stat().st_mtime_ns - 10_000_000_000))
    assert "2 read, 0 cached" in tfc("check", "--statistics")[2]
    assert "0 read, 2 cached" in tfc("check", "--statistics")[2]
    target = root / "b.py"
    target.write_text(GOOD)
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    status, out, err = tfc("check", "--statistics")
    assert "1 read, 1 cached" in err
    assert status == 0
    assert (root / ".tfc_cache" / ".gitignore").read_text().endswith("*\n")


def test_flows_split_across_modules(project: Make, tfc: Run) -> None:
    project(
        {
            "app/__init__.py": "",
            "app/chunks.py": """
                from tfc import TriggerFlowRuntimeData

                async def fetch(data: TriggerFlowRuntimeData[str]) -> int:
                    return 1
            """,
            "app/flows.py": """
                from tfc import TriggerFlow, TriggerFlowRuntimeData
                from .chunks import fetch

                flow = TriggerFlow(name="split")

                @flow.chunk
                async def render(data: TriggerFlowRuntimeData[str]) -> str:
                    return data.value

                flow.to(fetch).to(render)
            """,
        }
    )
    status, out, _ = tfc("check", "app/flows.py", "--output-format", "concise")
    assert status == 1
    assert out.startswith('app/flows.py:10:16: TFC401 chunk "fetch" returns int, but chunk "render" expects str')


def test_dynamic_constructs_are_information(project: Make, tfc: Run) -> None:
    project(
        {
            "dyn.py": """
                from tfc import TriggerFlow

                flow = TriggerFlow(name="dyn")
                STEPS = []
                for step in STEPS:
                    flow.to(step)
                flow.batch(*STEPS)
            """
        }
    )
    status, out, _ = tfc("check", "--output-format", "concise")
    assert status == 0
    assert "dyn.py:6:10: TFC901" in out
    assert "dyn.py:7:12: TFC903 .batch() gets arguments through * or **" in out


@pytest.mark.slow
def test_type_check_maps_mypy_errors_on_runners_back_to_the_flow(project: Make, tfc: Run) -> None:
    project(
        {
            "tcflow.py": GOOD.replace("-> str:\n    return data.value", "-> int:\n    return 1")
            + """
@flow.chunk
async def shout(data: TriggerFlowRuntimeData[str, State]) -> str:
    return data.value

flow.when("Ready").to(normalize).to(shout)
"""
        }
    )
    status, out, _ = tfc("check", "--type-check", "--output-format", "concise", "--select", "TFC4", "--no-cache")
    lines = out.splitlines()
    assert status == 1
    assert any(line.startswith("tcflow.py:19:1: TFC401 mypy on the generated runner:") and "[arg-type]" in line for line in lines)
    assert any(line.startswith('tcflow.py:19:34: TFC401 chunk "normalize" returns int') for line in lines)
