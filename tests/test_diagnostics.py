"""Tests for the diagnostic code registry and the renderers in `tfc.diagnostics`."""

from __future__ import annotations

import dataclasses
import json
import pickle
from pathlib import Path

import pytest

from tfc import diagnostics as d
from tfc.diagnostics import (
    CODES,
    Code,
    Diagnostic,
    Location,
    Note,
    Severity,
)

# --- the registry ------------------------------------------------------------------------

FAMILY_BY_PREFIX = {
    "TFC1": "graph shape",
    "TFC2": "capture and write_back paths",
    "TFC3": "when keys and events",
    "TFC4": "types across edges",
    "TFC5": "durability",
    "TFC9": "could not analyse",
}

EXPECTED_CODES = {
    "TFC101": ("UNCLOSED_BLOCK", "unclosed-block", Severity.ERROR),
    "TFC102": ("UNBALANCED_END", "unbalanced-end", Severity.ERROR),
    "TFC103": ("MISPLACED_CASE_ELSE", "misplaced-case-else", Severity.ERROR),
    "TFC104": ("DUPLICATE_CHUNK_NAME", "duplicate-chunk-name", Severity.ERROR),
    "TFC105": ("UNKNOWN_CHUNK", "unknown-chunk", Severity.ERROR),
    "TFC106": ("UNREACHABLE_STEP", "unreachable-step", Severity.WARNING),
    "TFC107": ("CYCLE_WITHOUT_EXIT", "cycle-without-exit", Severity.WARNING),
    "TFC108": ("UNREACHABLE_END", "unreachable-end", Severity.WARNING),
    "TFC109": ("NOT_CALLABLE", "not-callable", Severity.ERROR),
    "TFC110": ("INVALID_ARGUMENT", "invalid-argument", Severity.ERROR),
    "TFC201": ("UNKNOWN_CAPTURE_PATH", "unknown-capture-path", Severity.ERROR),
    "TFC202": ("UNKNOWN_WRITE_BACK_PATH", "unknown-write-back-path", Severity.ERROR),
    "TFC203": ("MALFORMED_PATH", "malformed-path", Severity.ERROR),
    "TFC204": ("DUPLICATE_WRITE_BACK_TARGET", "duplicate-write-back-target", Severity.ERROR),
    "TFC205": ("CAPTURE_TYPE_MISMATCH", "capture-type-mismatch", Severity.ERROR),
    "TFC206": ("WRITE_BACK_TYPE_MISMATCH", "write-back-type-mismatch", Severity.ERROR),
    "TFC207": ("UNKNOWN_RESOURCE", "unknown-resource", Severity.ERROR),
    "TFC301": ("UNKNOWN_STATE_KEY", "unknown-state-key", Severity.ERROR),
    "TFC302": ("WHEN_CHUNK_NOT_IN_FLOW", "when-chunk-not-in-flow", Severity.ERROR),
    "TFC303": ("MALFORMED_WHEN", "malformed-when", Severity.ERROR),
    "TFC304": ("EVENT_NEVER_EMITTED", "event-never-emitted", Severity.WARNING),
    "TFC305": ("EVENT_NEVER_HANDLED", "event-never-handled", Severity.INFO),
    "TFC401": ("EDGE_TYPE_MISMATCH", "edge-type-mismatch", Severity.ERROR),
    "TFC402": ("FOR_EACH_NOT_ITERABLE", "for-each-not-iterable", Severity.ERROR),
    "TFC403": ("BATCH_RESULT_MISMATCH", "batch-result-mismatch", Severity.ERROR),
    "TFC404": ("BRANCH_JOIN_MISMATCH", "branch-join-mismatch", Severity.ERROR),
    "TFC405": ("SUB_FLOW_RESULT_MISMATCH", "sub-flow-result-mismatch", Severity.ERROR),
    "TFC501": ("PAUSE_IN_HIDDEN_START", "pause-in-hidden-start", Severity.WARNING),
    "TFC502": ("UNRESOLVABLE_HANDLER", "unresolvable-handler", Severity.WARNING),
    "TFC901": ("DYNAMIC_FLOW", "dynamic-flow", Severity.INFO),
    "TFC902": ("COMPUTED_EVENT_NAME", "computed-event-name", Severity.INFO),
    "TFC903": ("DYNAMIC_CHUNK", "dynamic-chunk", Severity.INFO),
    "TFC904": ("UNRESOLVED_NAME", "unresolved-name", Severity.INFO),
    "TFC905": ("SYNTAX_ERROR", "syntax-error", Severity.ERROR),
    "TFC906": ("IMPORT_FAILED", "import-failed", Severity.WARNING),
}


def test_registry_holds_exactly_the_agreed_codes() -> None:
    assert list(CODES) == sorted(EXPECTED_CODES)
    for code_id, (constant, name, severity) in EXPECTED_CODES.items():
        code = getattr(d, constant)
        assert CODES[code_id] is code
        assert (code.id, code.name, code.severity) == (code_id, name, severity)
        assert constant in d.__all__


def test_code_ids_are_unique_and_match_their_family() -> None:
    ids = [code.id for code in CODES.values()]
    assert len(ids) == len(set(ids))
    for code in CODES.values():
        assert code.family == FAMILY_BY_PREFIX[code.id[:4]]
        assert len(code.id) == 6 and code.id[3:].isdigit()


def test_code_names_are_unique_kebab_case() -> None:
    names = [code.name for code in CODES.values()]
    assert len(names) == len(set(names))
    for name in names:
        assert name == name.lower()
        assert all(part.isalnum() for part in name.split("-")), name


def test_summaries_are_single_lines() -> None:
    for code in CODES.values():
        assert code.summary and "\n" not in code.summary
        assert not code.summary.endswith("."), code


@pytest.mark.parametrize(
    "key",
    ["TFC201", "tfc201", " TFC201 ", "unknown-capture-path", "tfc-unknown-capture-path"],
)
def test_lookup_accepts_ids_and_names(key: str) -> None:
    assert d.lookup(key) is d.UNKNOWN_CAPTURE_PATH


@pytest.mark.parametrize("key", ["TFC999", "unknown-capture", "", "TFC"])
def test_lookup_returns_none_for_unknown(key: str) -> None:
    assert d.lookup(key) is None


def test_code_by_name() -> None:
    assert d.code_by_name("unreachable-step") is d.UNREACHABLE_STEP
    assert d.code_by_name("TFC106") is None


@pytest.mark.parametrize(
    ("code_id", "name"),
    [
        pytest.param("TFC601", "no-such-family", id="unknown-family"),
        pytest.param("TFC20", "short-id", id="short-id"),
        pytest.param("XYZ201", "bad-prefix", id="bad-prefix"),
        pytest.param("TFC201", "Not_Kebab", id="not-kebab"),
        pytest.param("TFC201", "double--hyphen", id="double-hyphen"),
    ],
)
def test_code_rejects_bad_ids_and_names(code_id: str, name: str) -> None:
    with pytest.raises(ValueError):
        Code(code_id, name, "A summary", Severity.ERROR)


def test_all_lists_every_public_definition() -> None:
    assert isinstance(d.__all__, tuple)
    assert len(d.__all__) == len(set(d.__all__))
    assert all(hasattr(d, name) for name in d.__all__)
    defined = {
        name
        for name, value in vars(d).items()
        if not name.startswith("_")
        and (
            getattr(value, "__module__", None) == d.__name__  # classes, functions, Codes
            or (name.isupper() and isinstance(value, (str, tuple)))  # templates, constants
        )
    }
    assert defined <= set(d.__all__)


# --- locations and diagnostics ----------------------------------------------------------


def test_location_columns_are_converted_in_one_place() -> None:
    loc = Location("flows/report.py", 42, 30, 42, 43)
    assert loc.editor_column == 31
    assert loc.editor_end_column == 44
    assert str(loc) == "flows/report.py:42:31"


def test_location_end_column_implies_end_line() -> None:
    assert Location("a.py", 3, 0, end_column=4).end_line == 3
    assert Location("a.py", 3, 0).end_line is None
    assert Location("a.py", 3, 0).editor_end_column is None


@pytest.mark.parametrize(("line", "column"), [(0, 0), (1, -1)])
def test_location_rejects_impossible_positions(line: int, column: int) -> None:
    with pytest.raises(ValueError):
        Location("a.py", line, column)


def test_diagnostic_severity_defaults_to_the_codes() -> None:
    loc = Location("a.py", 1, 0)
    diag = Diagnostic(d.UNREACHABLE_STEP, "never runs", loc)
    assert diag.severity is Severity.WARNING
    assert diag.help is None and diag.notes == ()
    louder = Diagnostic(d.UNREACHABLE_STEP, "never runs", loc, severity=Severity.ERROR)
    assert louder.severity is Severity.ERROR
    assert dataclasses.replace(diag, severity=Severity.INFO).severity is Severity.INFO
    assert Diagnostic(d.UNREACHABLE_STEP, "never runs", loc) == diag
    with pytest.raises(dataclasses.FrozenInstanceError):
        diag.message = "changed"  # type: ignore[misc]


def test_diagnostic_pickles() -> None:
    # Diagnostics cross process boundaries when files are checked in a process pool.
    diag = _capture_diagnostic("flows/report.py")
    assert pickle.loads(pickle.dumps(diag)) == diag


def test_diagnostic_notes_become_a_tuple() -> None:
    notes = [Note("first"), Note("second", Location("b.py", 2, 0))]
    diag = Diagnostic(d.UNKNOWN_CHUNK, "m", Location("a.py", 1, 0), notes=notes)
    assert diag.notes == tuple(notes)


def test_sort_key_orders_by_file_position_and_code() -> None:
    a = Diagnostic(d.UNKNOWN_CHUNK, "m", Location("a.py", 2, 5))
    b = Diagnostic(d.UNCLOSED_BLOCK, "m", Location("a.py", 2, 5))
    c = Diagnostic(d.UNCLOSED_BLOCK, "m", Location("a.py", 10, 0))
    e = Diagnostic(d.UNCLOSED_BLOCK, "m", Location("b.py", 1, 0))
    assert sorted([e, c, a, b], key=Diagnostic.sort_key) == [b, a, c, e]


# --- did you mean ------------------------------------------------------------------------


def test_did_you_mean() -> None:
    assert d.did_you_mean("topik", ["topic", "report", "sources"]) == "topic"
    assert d.did_you_mean("zzz", ["topic", "report"]) is None
    assert d.did_you_mean("topik", iter(["topic"])) == "topic"
    assert d.did_you_mean("topik", []) is None


def test_help_did_you_mean() -> None:
    assert d.help_did_you_mean("state.topik", ["state.topic"]) == 'did you mean "state.topic"?'
    assert d.help_did_you_mean("x", ["state.topic"]) is None
    assert d.help_did_you_mean("fech", ["fetch"], template="use {} instead") == "use fetch instead"


def test_message_templates() -> None:
    message = d.UNKNOWN_FIELD.format(
        role="capture", path="state.topik", owner="ParentState", field="topik"
    )
    assert message == 'capture path "state.topik": ParentState has no field "topik"'
    assert d.UNKNOWN_CHUNK_NAME.format(name="fetch") == 'unknown chunk "fetch"'


# --- renderers ---------------------------------------------------------------------------

SOURCE = """\
from flows import child, parent

parent.start().to_sub_flow(child,
    capture={"input": "state.topik"},
)
"""


def _capture_diagnostic(file: str) -> Diagnostic:
    # `"state.topik"` starts at 0-based column 22 on line 4 and ends before column 35.
    return Diagnostic(
        d.UNKNOWN_CAPTURE_PATH,
        'capture path "state.topik": ParentState has no field "topik"',
        Location(file, 4, 22, 4, 35),
        help='did you mean "state.topic"?',
        notes=(Note("ParentState is defined here", Location("flows/state.py", 8, 6)),),
    )


def test_render_concise_is_one_line_each() -> None:
    diags = [
        _capture_diagnostic("flows/report.py"),
        Diagnostic(d.DYNAMIC_FLOW, "flow built in a loop", Location("flows/x.py", 1, 0)),
    ]
    assert d.render_concise(diags) == (
        'flows/report.py:4:23: TFC201 capture path "state.topik": '
        'ParentState has no field "topik"\n'
        "flows/x.py:1:1: TFC901 flow built in a loop\n"
    )
    assert d.render_concise([]) == ""


def test_render_full_with_a_real_file(tmp_path: Path) -> None:
    path = tmp_path / "report.py"
    path.write_text(SOURCE)
    text = d.render_full([_capture_diagnostic(str(path))])
    assert text == (
        'error[TFC201]: capture path "state.topik": ParentState has no field "topik"\n'
        f" --> {path}:4:23\n"
        "  |\n"
        '4 |     capture={"input": "state.topik"},\n'
        "  |                       ^^^^^^^^^^^^^\n"
        "  |\n"
        '  = help: did you mean "state.topic"?\n'
        "  = note: ParentState is defined here (at flows/state.py:8:7)\n"
    )
    # The carets sit exactly under the quoted path.
    frame = text.splitlines()
    source_line, caret_line = frame[3], frame[4]
    start = caret_line.index("^")
    assert source_line[start : start + 13] == '"state.topik"'


def test_render_full_gutter_grows_with_the_line_number() -> None:
    source = "\n" * 99 + "x = 1\n"
    diag = Diagnostic(d.UNRESOLVED_NAME, "cannot resolve x", Location("m.py", 100, 0))
    assert d.render_full([diag], source_reader=lambda _: source) == (
        "info[TFC904]: cannot resolve x\n"
        "   --> m.py:100:1\n"
        "    |\n"
        "100 | x = 1\n"
        "    | ^\n"
        "    |\n"
    )


def test_render_full_without_source_omits_the_frame(tmp_path: Path) -> None:
    missing = tmp_path / "gone.py"
    location = Location(str(missing), 3, 4)
    diag = Diagnostic(d.UNREACHABLE_STEP, "never runs", location, help="drop it")
    assert d.render_full([diag]) == (
        f"warning[TFC106]: never runs\n --> {missing}:3:5\n  = help: drop it\n"
    )


def test_render_full_source_reader_is_injectable_and_cached() -> None:
    calls: list[str] = []

    def reader(path: str) -> str | None:
        calls.append(path)
        return "\tx = y\n"

    diags = [
        Diagnostic(d.UNRESOLVED_NAME, "cannot resolve y", Location("m.py", 1, 5)),
        Diagnostic(d.UNRESOLVED_NAME, "again", Location("m.py", 1, 5, 1, 6)),
    ]
    text = d.render_full(diags, source_reader=reader)
    assert calls == ["m.py"]
    # A tab in the indent is kept so the caret lines up however the terminal expands it.
    assert "1 | \tx = y\n  | \t    ^\n" in text
    # Diagnostics are separated by one blank line.
    assert "\n\ninfo[TFC904]: again\n" in text


@pytest.mark.parametrize(
    ("location", "carets"),
    [
        pytest.param(Location("m.py", 1, 4), "    ^", id="no-end"),
        pytest.param(Location("m.py", 1, 4, 1, 4), "    ^", id="empty-span"),
        pytest.param(Location("m.py", 1, 4, 1, 99), "    ^^^^^", id="clamped-to-line"),
        pytest.param(Location("m.py", 1, 4, 3, 0), "    ^^^^^", id="multi-line"),
        pytest.param(Location("m.py", 1, 20), "         ^", id="past-end-of-line"),
    ],
)
def test_render_full_caret_spans(location: Location, carets: str) -> None:
    diag = Diagnostic(d.EDGE_TYPE_MISMATCH, "m", location)
    lines = d.render_full([diag], source_reader=lambda _: "x = fetch\ny\nz\n").splitlines()
    assert lines[4] == f"  | {carets}"


def test_render_full_line_past_end_of_file_omits_frame() -> None:
    diag = Diagnostic(d.EDGE_TYPE_MISMATCH, "m", Location("m.py", 7, 0))
    assert d.render_full([diag], source_reader=lambda _: "x\n") == (
        "error[TFC401]: m\n --> m.py:7:1\n"
    )


def test_render_json() -> None:
    text = d.render_json([_capture_diagnostic("flows/report.py")])
    data = json.loads(text)
    assert data == [
        {
            "code": "TFC201",
            "name": "unknown-capture-path",
            "severity": "error",
            "message": 'capture path "state.topik": ParentState has no field "topik"',
            "help": 'did you mean "state.topic"?',
            "notes": [
                {
                    "message": "ParentState is defined here",
                    "location": {
                        "file": "flows/state.py",
                        "line": 8,
                        "column": 7,
                        "end_line": None,
                        "end_column": None,
                    },
                }
            ],
            "location": {
                "file": "flows/report.py",
                "line": 4,
                "column": 23,
                "end_line": 4,
                "end_column": 36,
            },
        }
    ]
    assert list(data[0]) == ["code", "name", "severity", "message", "help", "notes", "location"]
    assert text.startswith('[\n  {\n    "code": "TFC201",')
    assert d.render_json([]) == "[]\n"


def test_render_github_escapes_messages_and_properties() -> None:
    diag = Diagnostic(
        d.UNKNOWN_CHUNK,
        "unknown chunk: 100% wrong\r\nsecond line",
        Location("dir,with:odd/f.py", 3, 4, 3, 9),
        help="declare it, then retry",
    )
    assert d.render_github([diag]) == (
        "::error file=dir%2Cwith%3Aodd/f.py,line=3,col=5,endLine=3,endColumn=10,"
        "title=TFC105 unknown-chunk"
        "::unknown chunk: 100%25 wrong%0D%0Asecond line%0Ahelp: declare it, then retry\n"
    )


@pytest.mark.parametrize(
    ("code", "command"),
    [
        (d.UNREACHABLE_STEP, "::warning "),
        (d.DYNAMIC_FLOW, "::notice "),
        (d.SYNTAX_ERROR, "::error "),
    ],
)
def test_render_github_commands_follow_severity(code: Code, command: str) -> None:
    text = d.render_github([Diagnostic(code, "m", Location("f.py", 1, 0))])
    assert text == f"{command}file=f.py,line=1,col=1,title={code.id} {code.name}::m\n"


def test_render_sarif_structure() -> None:
    diags = [
        _capture_diagnostic("flows/report.py"),
        Diagnostic(d.UNREACHABLE_STEP, "never runs", Location("flows/x.py", 2, 0)),
        Diagnostic(d.DYNAMIC_FLOW, "built in a loop", Location("flows/x.py", 5, 8)),
    ]
    log = json.loads(d.render_sarif(diags, version="9.9.9"))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "tfc"
    assert driver["version"] == "9.9.9"
    assert driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == list(CODES)
    for rule in rules:
        code = CODES[rule["id"]]
        assert rule["name"] == code.name
        assert rule["shortDescription"] == {"text": code.summary}
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    assert rules[list(CODES).index("TFC305")]["defaultConfiguration"]["level"] == "note"

    results = run["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
    first = results[0]
    assert first["ruleId"] == "TFC201"
    assert first["message"]["text"] == (
        'capture path "state.topik": ParentState has no field "topik"\n'
        'help: did you mean "state.topic"?'
    )
    physical = first["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "flows/report.py"}
    assert physical["region"] == {"startLine": 4, "startColumn": 23, "endLine": 4, "endColumn": 36}
    (related,) = first["relatedLocations"]
    assert related["message"] == {"text": "ParentState is defined here"}
    assert related["physicalLocation"]["region"] == {"startLine": 8, "startColumn": 7}
    assert results[2]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 5,
        "startColumn": 9,
    }


def test_render_sarif_uris_are_relative_posix(tmp_path: Path) -> None:
    inside = tmp_path / "my flows" / "a.py"
    diags = [Diagnostic(d.UNKNOWN_CHUNK, "m", Location(str(inside), 1, 0))]
    log = json.loads(d.render_sarif(diags, root=str(tmp_path)))
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "my%20flows/a.py"}


def test_render_sarif_with_no_results_still_lists_rules() -> None:
    log = json.loads(d.render_sarif([]))
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(CODES)
    assert log["runs"][0]["tool"]["driver"]["version"] == "0.1.0"


@pytest.mark.parametrize("fmt", d.OUTPUT_FORMATS)
def test_render_dispatches_to_each_format(fmt: str) -> None:
    diags = [_capture_diagnostic("flows/report.py")]
    expected = {
        "full": d.render_full(diags, source_reader=lambda _: SOURCE),
        "concise": d.render_concise(diags),
        "json": d.render_json(diags),
        "github": d.render_github(diags),
        "sarif": d.render_sarif(diags),
    }[fmt]
    assert d.render(diags, fmt, source_reader=lambda _: SOURCE) == expected


def test_render_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        d.render([], "xml")


# --- summary line ------------------------------------------------------------------------


def _at(code: Code, file: str = "a.py") -> Diagnostic:
    return Diagnostic(code, "m", Location(file, 1, 0))


@pytest.mark.parametrize(
    ("diags", "files", "expected"),
    [
        pytest.param([], 0, "All checks passed.", id="clean"),
        pytest.param([_at(d.UNKNOWN_CHUNK)], 1, "Found 1 error in 1 file.", id="one"),
        pytest.param(
            [_at(d.UNKNOWN_CHUNK)] * 3, 2, "Found 3 errors in 2 files.", id="plural"
        ),
        pytest.param(
            [_at(d.UNKNOWN_CHUNK), _at(d.UNREACHABLE_STEP), _at(d.UNREACHABLE_STEP)],
            2,
            "Found 1 error and 2 warnings in 2 files.",
            id="errors-and-warnings",
        ),
        pytest.param([_at(d.UNREACHABLE_STEP)], 1, "Found 1 warning in 1 file.", id="warning"),
        pytest.param(
            [_at(d.UNKNOWN_CHUNK), _at(d.UNREACHABLE_STEP), _at(d.DYNAMIC_FLOW)],
            1,
            "Found 1 error, 1 warning and 1 info message in 1 file.",
            id="all-three",
        ),
    ],
)
def test_summary_line(diags: list[Diagnostic], files: int, expected: str) -> None:
    assert d.summary_line(diags, files) == expected


def test_summary_line_counts_effective_severity_and_files() -> None:
    demoted = Diagnostic(d.UNKNOWN_CHUNK, "m", Location("a.py", 1, 0), severity=Severity.WARNING)
    diags = [demoted, _at(d.UNKNOWN_CHUNK, "b.py")]
    assert d.summary_line(diags) == "Found 1 error and 1 warning in 2 files."
