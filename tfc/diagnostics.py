"""The one registry of tfc's diagnostic codes, the `Diagnostic` record, and its renderers.

Every check, the runtime compiler's errors, `tfc check`, the mypy plugin (as ``tfc-<name>``
error codes) and the docs name problems with the `Code` objects defined here, so
``ignore = ["TFC201"]`` in ``[tool.tfc]`` and ``disable_error_code = ["tfc-unknown-capture-path"]``
in mypy switch off the same check.

Ids are grouped by family: ``TFC1xx`` graph shape, ``TFC2xx`` capture and write_back paths,
``TFC3xx`` when keys and events, ``TFC4xx`` types across edges, ``TFC5xx`` durability and
``TFC9xx`` "could not analyse statically".

Columns are 0-based inside tfc (as libcst's raw columns are) and 1-based in everything a
person or another tool reads; `Location` is the only place that converts.

This module is imported by the runtime, so it uses the standard library only and imports the
heavier parts of it (json, difflib, linecache, os.path helpers) inside the functions that
need them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, TypeAlias

__all__ = (
    "BAD_ARGUMENT",
    "BATCH_RESULT_MISMATCH",
    "BLOCK_NEVER_CLOSED",
    "BRANCH_JOIN_MISMATCH",
    "CAPTURE_TYPE_MISMATCH",
    "CHUNK_BOUND_TWICE",
    "CLOSE_WITHOUT_OPEN",
    "CLOSE_WRONG_BLOCK",
    "CODES",
    "COMPUTED_EVENT_NAME",
    "CYCLE_WITHOUT_EXIT",
    "Code",
    "DUPLICATE_CHUNK_NAME",
    "DUPLICATE_WRITE_BACK_TARGET",
    "DYNAMIC_CHUNK",
    "DYNAMIC_FLOW",
    "Diagnostic",
    "EDGE_TYPE_MISMATCH",
    "EVENT_NEVER_EMITTED",
    "EVENT_NEVER_HANDLED",
    "EVENT_NOT_EMITTED",
    "EVENT_NOT_HANDLED",
    "FAMILIES",
    "FOR_EACH_NOT_ITERABLE",
    "IMPORT_FAILED",
    "INVALID_ARGUMENT",
    "Location",
    "MALFORMED_PATH",
    "MALFORMED_WHEN",
    "MISPLACED_CASE_ELSE",
    "NOT_A_CALLABLE",
    "NOT_CALLABLE",
    "Note",
    "OUTPUT_FORMATS",
    "PAUSE_IN_HIDDEN_START",
    "SARIF_SCHEMA",
    "STATE_KEY_MISSING",
    "SUB_FLOW_RESULT_MISMATCH",
    "SYNTAX_ERROR",
    "Severity",
    "SourceReader",
    "UNBALANCED_END",
    "UNCLOSED_BLOCK",
    "UNKNOWN_CAPTURE_PATH",
    "UNKNOWN_CHUNK",
    "UNKNOWN_CHUNK_NAME",
    "UNKNOWN_FIELD",
    "UNKNOWN_RESOURCE",
    "UNKNOWN_SCOPE",
    "UNKNOWN_STATE_KEY",
    "UNKNOWN_WRITE_BACK_PATH",
    "UNREACHABLE_END",
    "UNREACHABLE_STEP",
    "UNRESOLVABLE_HANDLER",
    "UNRESOLVED_NAME",
    "VALUE_NOT_ITERABLE",
    "VALUE_TYPE_MISMATCH",
    "WHEN_CHUNK_NOT_IN_FLOW",
    "WRITE_BACK_TARGET_TWICE",
    "WRITE_BACK_TYPE_MISMATCH",
    "code_by_name",
    "did_you_mean",
    "help_did_you_mean",
    "lookup",
    "read_source",
    "render",
    "render_concise",
    "render_full",
    "render_github",
    "render_json",
    "render_sarif",
    "summary_line",
)


class Severity(enum.Enum):
    """How serious a diagnostic is; each code has a default that configuration may override."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


#: Family names by the hundreds digit of a code id.
FAMILIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "1": "graph shape",
        "2": "capture and write_back paths",
        "3": "when keys and events",
        "4": "types across edges",
        "5": "durability",
        "9": "could not analyse",
    }
)

_KEBAB_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass(frozen=True, slots=True)
class Code:
    """One kind of problem tfc reports.

    Attributes:
        id: What users put in ignores and configuration, e.g. ``"TFC201"``.
        name: The kebab-case rule name, e.g. ``"unknown-capture-path"``; the mypy plugin
            reports it as ``tfc-<name>``.
        summary: One line, used by `tfc explain`, the docs and SARIF's ``shortDescription``.
        severity: The default severity of diagnostics with this code.
    """

    id: str
    name: str
    summary: str
    severity: Severity

    def __post_init__(self) -> None:
        digits = self.id[3:]
        if not (
            self.id.startswith("TFC")
            and len(digits) == 3
            and digits.isascii()
            and digits.isdigit()
            and digits[0] in FAMILIES
        ):
            msg = f"code id {self.id!r} is not TFC<family digit><two digits>"
            raise ValueError(msg)
        if (
            not self.name
            or not set(self.name) <= _KEBAB_CHARS
            or self.name.startswith("-")
            or self.name.endswith("-")
            or "--" in self.name
        ):
            msg = f"code name {self.name!r} is not kebab-case"
            raise ValueError(msg)
        if not self.summary or "\n" in self.summary:
            msg = f"code {self.id} needs a one-line summary"
            raise ValueError(msg)

    @property
    def family(self) -> str:
        """The family this code belongs to, e.g. ``"capture and write_back paths"``."""
        return FAMILIES[self.id[3]]


_ERROR, _WARNING, _INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# --- TFC1xx: graph shape -----------------------------------------------------------------

UNCLOSED_BLOCK: Final = Code(
    "TFC101", "unclosed-block", "A for_each, if_condition or match block is never closed", _ERROR
)
UNBALANCED_END: Final = Code(
    "TFC102",
    "unbalanced-end",
    "A block is closed or continued (end_*, elif, else, case) without a matching open block",
    _ERROR,
)
MISPLACED_CASE_ELSE: Final = Code(
    "TFC103",
    "misplaced-case-else",
    "case_else comes before any case, or appears twice in one match",
    _ERROR,
)
DUPLICATE_CHUNK_NAME: Final = Code(
    "TFC104", "duplicate-chunk-name", "One chunk name is bound to two different functions", _ERROR
)
UNKNOWN_CHUNK: Final = Code(
    "TFC105", "unknown-chunk", "A chunk name is used but never declared", _ERROR
)
UNREACHABLE_STEP: Final = Code(
    "TFC106", "unreachable-step", "A case after case_else or else_condition can never run", _WARNING
)
CYCLE_WITHOUT_EXIT: Final = Code(
    "TFC107", "cycle-without-exit", "A cycle through when/emit has no conditional exit", _WARNING
)
UNREACHABLE_END: Final = Code(
    "TFC108", "unreachable-end", "No path through the flow reaches this end()", _WARNING
)
NOT_CALLABLE: Final = Code("TFC109", "not-callable", "A chunk is not callable", _ERROR)
INVALID_ARGUMENT: Final = Code(
    "TFC110",
    "invalid-argument",
    "A builder argument has the wrong kind or value (e.g. concurrency=0, an unknown match mode)",
    _ERROR,
)

# --- TFC2xx: capture and write_back paths ------------------------------------------------

UNKNOWN_CAPTURE_PATH: Final = Code(
    "TFC201",
    "unknown-capture-path",
    "A capture path names a field its source does not have",
    _ERROR,
)
UNKNOWN_WRITE_BACK_PATH: Final = Code(
    "TFC202",
    "unknown-write-back-path",
    "A write_back path names a field its target does not have",
    _ERROR,
)
MALFORMED_PATH: Final = Code(
    "TFC203",
    "malformed-path",
    "A capture or write_back path has bad syntax or an unknown scope",
    _ERROR,
)
DUPLICATE_WRITE_BACK_TARGET: Final = Code(
    "TFC204",
    "duplicate-write-back-target",
    "Two write_back entries write the same target path",
    _ERROR,
)
CAPTURE_TYPE_MISMATCH: Final = Code(
    "TFC205",
    "capture-type-mismatch",
    "A captured value's type does not match the sub-flow field it fills",
    _ERROR,
)
WRITE_BACK_TYPE_MISMATCH: Final = Code(
    "TFC206",
    "write-back-type-mismatch",
    "A written-back value's type does not match the parent field it fills",
    _ERROR,
)
UNKNOWN_RESOURCE: Final = Code(
    "TFC207",
    "unknown-resource",
    "A path or chunk names a runtime resource the flow does not declare",
    _ERROR,
)

# --- TFC3xx: when keys and events --------------------------------------------------------

UNKNOWN_STATE_KEY: Final = Code(
    "TFC301",
    "unknown-state-key",
    "when() watches a runtime_data key the state schema does not have",
    _ERROR,
)
WHEN_CHUNK_NOT_IN_FLOW: Final = Code(
    "TFC302",
    "when-chunk-not-in-flow",
    "when() waits for a chunk that is not part of this flow",
    _ERROR,
)
MALFORMED_WHEN: Final = Code(
    "TFC303", "malformed-when", "A when() condition has an unknown scope or mode", _ERROR
)
EVENT_NEVER_EMITTED: Final = Code(
    "TFC304",
    "event-never-emitted",
    "when() waits for an event that nothing in the flow emits",
    _WARNING,
)
EVENT_NEVER_HANDLED: Final = Code(
    "TFC305",
    "event-never-handled",
    "An event is emitted but no when() in the flow waits for it",
    _INFO,
)

# --- TFC4xx: types across edges ----------------------------------------------------------

EDGE_TYPE_MISMATCH: Final = Code(
    "TFC401",
    "edge-type-mismatch",
    "A step's result type does not match what the next step accepts",
    _ERROR,
)
FOR_EACH_NOT_ITERABLE: Final = Code(
    "TFC402",
    "for-each-not-iterable",
    "for_each() follows a step whose result is not iterable",
    _ERROR,
)
BATCH_RESULT_MISMATCH: Final = Code(
    "TFC403",
    "batch-result-mismatch",
    "The collected results of a batch do not match what the next step accepts",
    _ERROR,
)
BRANCH_JOIN_MISMATCH: Final = Code(
    "TFC404",
    "branch-join-mismatch",
    "Branches that join again produce types the next step cannot accept",
    _ERROR,
)
SUB_FLOW_RESULT_MISMATCH: Final = Code(
    "TFC405",
    "sub-flow-result-mismatch",
    "A sub-flow's result type does not match what the next step accepts",
    _ERROR,
)

# --- TFC5xx: durability ------------------------------------------------------------------

PAUSE_IN_HIDDEN_START: Final = Code(
    "TFC501",
    "pause-in-hidden-start",
    "A chunk that can pause runs where the execution cannot be saved (a hidden start)",
    _WARNING,
)
UNRESOLVABLE_HANDLER: Final = Code(
    "TFC502",
    "unresolvable-handler",
    "A handler in a flow that pauses cannot be found by name when a snapshot is loaded",
    _WARNING,
)

# --- TFC9xx: could not analyse statically ------------------------------------------------

DYNAMIC_FLOW: Final = Code(
    "TFC901",
    "dynamic-flow",
    "A flow is built dynamically and could not be analysed statically",
    _INFO,
)
COMPUTED_EVENT_NAME: Final = Code(
    "TFC902",
    "computed-event-name",
    "An event name is computed at run time and could not be checked",
    _INFO,
)
DYNAMIC_CHUNK: Final = Code(
    "TFC903",
    "dynamic-chunk",
    "A chunk is chosen at run time and could not be resolved statically",
    _INFO,
)
UNRESOLVED_NAME: Final = Code(
    "TFC904",
    "unresolved-name",
    "A name used in a flow could not be resolved to a definition",
    _INFO,
)
SYNTAX_ERROR: Final = Code("TFC905", "syntax-error", "A checked file does not parse", _ERROR)
IMPORT_FAILED: Final = Code(
    "TFC906",
    "import-failed",
    "A module that defines flows raised on import, so --type-check could not check its flows",
    _WARNING,
)

# fmt: off
_ALL_CODES: Final[tuple[Code, ...]] = (
    UNCLOSED_BLOCK, UNBALANCED_END, MISPLACED_CASE_ELSE, DUPLICATE_CHUNK_NAME, UNKNOWN_CHUNK,
    UNREACHABLE_STEP, CYCLE_WITHOUT_EXIT, UNREACHABLE_END, NOT_CALLABLE, INVALID_ARGUMENT,
    UNKNOWN_CAPTURE_PATH, UNKNOWN_WRITE_BACK_PATH, MALFORMED_PATH, DUPLICATE_WRITE_BACK_TARGET,
    CAPTURE_TYPE_MISMATCH, WRITE_BACK_TYPE_MISMATCH, UNKNOWN_RESOURCE,
    UNKNOWN_STATE_KEY, WHEN_CHUNK_NOT_IN_FLOW, MALFORMED_WHEN, EVENT_NEVER_EMITTED,
    EVENT_NEVER_HANDLED,
    EDGE_TYPE_MISMATCH, FOR_EACH_NOT_ITERABLE, BATCH_RESULT_MISMATCH, BRANCH_JOIN_MISMATCH,
    SUB_FLOW_RESULT_MISMATCH,
    PAUSE_IN_HIDDEN_START, UNRESOLVABLE_HANDLER,
    DYNAMIC_FLOW, COMPUTED_EVENT_NAME, DYNAMIC_CHUNK, UNRESOLVED_NAME, SYNTAX_ERROR,
    IMPORT_FAILED,
)
# fmt: on

#: Every code, keyed by id, in id order.
CODES: Final[Mapping[str, Code]] = MappingProxyType({c.id: c for c in _ALL_CODES})
_BY_NAME: Final[Mapping[str, Code]] = MappingProxyType({c.name: c for c in _ALL_CODES})

if len(CODES) != len(_ALL_CODES) or len(_BY_NAME) != len(_ALL_CODES):  # pragma: no cover
    msg = "diagnostic code ids and names must be unique"
    raise RuntimeError(msg)


def code_by_name(name: str) -> Code | None:
    """Return the code whose rule name is ``name`` (e.g. ``"unknown-capture-path"``)."""
    return _BY_NAME.get(name)


def lookup(id_or_name: str) -> Code | None:
    """Return the code named by an id or a rule name, or None if there is none.

    Accepts ``"TFC201"`` in any case, ``"unknown-capture-path"``, and the mypy plugin's
    ``"tfc-unknown-capture-path"``.
    """
    key = id_or_name.strip()
    code = CODES.get(key.upper())
    if code is not None:
        return code
    key = key.lower()
    return _BY_NAME.get(key) or _BY_NAME.get(key.removeprefix("tfc-"))


# --- Message templates (mypy's message_registry style) -----------------------------------
# Fill with str.format; quote the user's own text, and name both sides of a mismatch.

#: ``role`` is "capture" or "write_back"; ``owner`` the schema that lacks ``field``.
UNKNOWN_FIELD: Final = '{role} path "{path}": {owner} has no field "{field}"'
UNKNOWN_SCOPE: Final = '{role} path "{path}": unknown scope "{scope}" (expected {expected})'
WRITE_BACK_TARGET_TWICE: Final = 'write_back sets "{path}" twice: from "{first}" and "{second}"'
UNKNOWN_CHUNK_NAME: Final = 'unknown chunk "{name}"'
CHUNK_BOUND_TWICE: Final = 'chunk name "{name}" is bound to both {first} and {second}'
NOT_A_CALLABLE: Final = 'chunk "{name}" is not callable (got {type})'
BAD_ARGUMENT: Final = "{call}(): {argument}={value} is not allowed: {reason}"
BLOCK_NEVER_CLOSED: Final = ".{opener}() is never closed; add .{closer}()"
CLOSE_WITHOUT_OPEN: Final = ".{call}() has no open block to close or continue"
CLOSE_WRONG_BLOCK: Final = ".{call}() cannot close the .{opener}() opened at line {line}"
STATE_KEY_MISSING: Final = 'when() watches runtime_data key "{key}": {schema} has no key "{key}"'
EVENT_NOT_EMITTED: Final = 'when() waits for event "{event}", which nothing in this flow emits'
EVENT_NOT_HANDLED: Final = 'event "{event}" is emitted, but no when() waits for it'
VALUE_TYPE_MISMATCH: Final = "{source} returns {produced}, but {target} expects {expected}"
VALUE_NOT_ITERABLE: Final = "for_each() needs an iterable, but {source} returns {produced}"


# --- Locations and diagnostics -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Location:
    """A span in a source file.

    Lines are 1-based. Columns are 0-based, counted in code points, as libcst's raw columns
    are; ``end_column`` is exclusive. Use `editor_column` and `editor_end_column` (or `str`)
    for anything shown to people or other tools; this class is the only place that adds 1.

    If ``end_column`` is given without ``end_line``, the span ends on ``line``.
    """

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __post_init__(self) -> None:
        if self.line < 1 or self.column < 0:
            msg = f"bad location line={self.line} column={self.column} in {self.file}"
            raise ValueError(msg)
        if self.end_column is not None and self.end_line is None:
            object.__setattr__(self, "end_line", self.line)

    @property
    def editor_column(self) -> int:
        """The 1-based column, as editors, compilers and SARIF show it."""
        return self.column + 1

    @property
    def editor_end_column(self) -> int | None:
        """The 1-based column just past the span's end, or None if the end is unknown."""
        return None if self.end_column is None else self.end_column + 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.editor_column}"


@dataclass(frozen=True, slots=True)
class Note:
    """An extra sentence attached to a diagnostic, optionally pointing at another place."""

    message: str
    location: Location | None = None


@dataclass(frozen=True, slots=True, init=False)
class Diagnostic:
    """One problem found in a flow: a location, a code, a sentence and a way out.

    ``severity`` defaults to the code's own severity; pass one to override it (or use
    `dataclasses.replace`).

    Attributes:
        code: What kind of problem this is.
        message: One sentence quoting the user's text.
        location: Where the problem is.
        severity: How serious it is.
        help: How to fix it, e.g. ``'did you mean "state.topic"?'``.
        notes: Extra context, possibly pointing at other places.
    """

    code: Code
    message: str
    location: Location
    severity: Severity
    help: str | None
    notes: tuple[Note, ...]

    def __init__(
        self,
        code: Code,
        message: str,
        location: Location,
        severity: Severity | None = None,
        help: str | None = None,
        notes: Iterable[Note] = (),
    ) -> None:
        set_ = object.__setattr__  # the dataclass is frozen
        set_(self, "code", code)
        set_(self, "message", message)
        set_(self, "location", location)
        set_(self, "severity", code.severity if severity is None else severity)
        set_(self, "help", help)
        set_(self, "notes", tuple(notes))

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order by file, position, code and message: ``sorted(ds, key=Diagnostic.sort_key)``."""
        loc = self.location
        return (loc.file, loc.line, loc.column, self.code.id, self.message)


# --- Did you mean --------------------------------------------------------------------------


def did_you_mean(word: str, known: Iterable[str]) -> str | None:
    """Return the closest of ``known`` to ``word`` (difflib ratio at least 0.6), or None."""
    import difflib

    matches = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def help_did_you_mean(
    word: str, known: Iterable[str], *, template: str = 'did you mean "{}"?'
) -> str | None:
    """Return a ``help:`` text suggesting the closest of ``known`` to ``word``, or None."""
    match = did_you_mean(word, known)
    return None if match is None else template.format(match)


# --- Renderers ---------------------------------------------------------------------------

#: The names `render` accepts, in the order `tfc check --output-format` lists them.
OUTPUT_FORMATS: Final = ("full", "concise", "json", "github", "sarif")

#: Returns a file's whole text, or None when it cannot be read.
SourceReader: TypeAlias = Callable[[str], str | None]


def read_source(path: str) -> str | None:
    """Read a source file through `linecache` (which also knows generated runner modules)."""
    import linecache

    linecache.checkcache(path)  # the file may have changed since it was last read
    lines = linecache.getlines(path)
    return "".join(lines) if lines else None


def _split_lines(text: str) -> list[str]:
    # Python (and libcst) end lines at \n, \r\n and \r only; str.splitlines also splits at
    # \f, \v, \x1c... which would shift line numbers.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def render_concise(diagnostics: Sequence[Diagnostic]) -> str:
    """Render one ``path:line:col: TFC201 message`` line per diagnostic (1-based column)."""
    return "".join(f"{d.location}: {d.code.id} {d.message}\n" for d in diagnostics)


def render_full(
    diagnostics: Sequence[Diagnostic], *, source_reader: SourceReader = read_source
) -> str:
    """Render diagnostics the way rustc and ruff do, with a source frame when the file is readable.

    ::

        error[TFC201]: capture path "state.topik": ParentState has no field "topik"
          --> flows/report.py:42:23
           |
        42 |     capture={"input": "state.topik"},
           |                       ^^^^^^^^^^^^^
           |
           = help: did you mean "state.topic"?
           = note: ParentState is defined here (at flows/state.py:8:7)

    Diagnostics are separated by a blank line.
    """
    sources: dict[str, list[str] | None] = {}

    def source_lines(path: str) -> list[str] | None:
        if path not in sources:
            text = source_reader(path)
            sources[path] = None if text is None else _split_lines(text)
        return sources[path]

    blocks = [_render_one_full(d, source_lines(d.location.file)) for d in diagnostics]
    return "\n".join(blocks)


def _render_one_full(d: Diagnostic, lines: list[str] | None) -> str:
    loc = d.location
    width = len(str(loc.line))
    pad = " " * (width + 1)
    out = [f"{d.severity.value}[{d.code.id}]: {d.message}", f"{' ' * width}--> {loc}"]
    if lines is not None and loc.line <= len(lines):
        text = lines[loc.line - 1]
        start = min(loc.column, len(text))
        if loc.end_column is not None and loc.end_line == loc.line:
            end = min(loc.end_column, len(text))
        elif loc.end_line is not None and loc.end_line > loc.line:
            end = len(text)  # a multi-line span: underline to the end of its first line
        else:
            end = start
        # Keep tabs in the indent so the carets line up however the terminal expands them.
        indent = "".join(ch if ch == "\t" else " " for ch in text[:start])
        carets = "^" * max(end - start, 1)
        out += [
            f"{pad}|",
            f"{loc.line:>{width}} | {text}".rstrip(),
            f"{pad}| {indent}{carets}",
            f"{pad}|",
        ]
    if d.help:
        out.append(f"{pad}= help: {d.help}")
    for note in d.notes:
        where = f" (at {note.location})" if note.location is not None else ""
        out.append(f"{pad}= note: {note.message}{where}")
    return "\n".join(out) + "\n"


def _location_json(loc: Location) -> dict[str, Any]:
    return {
        "file": loc.file,
        "line": loc.line,
        "column": loc.editor_column,
        "end_line": loc.end_line,
        "end_column": loc.editor_end_column,
    }


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    """Render a JSON array, one object per diagnostic, with 1-based columns.

    Each object has, in this order: ``code``, ``name``, ``severity``, ``message``, ``help``,
    ``notes`` (``[{message, location}]``) and ``location`` (``{file, line, column, end_line,
    end_column}``).
    """
    import json

    items = [
        {
            "code": d.code.id,
            "name": d.code.name,
            "severity": d.severity.value,
            "message": d.message,
            "help": d.help,
            "notes": [
                {
                    "message": n.message,
                    "location": None if n.location is None else _location_json(n.location),
                }
                for n in d.notes
            ],
            "location": _location_json(d.location),
        }
        for d in diagnostics
    ]
    return json.dumps(items, indent=2) + "\n"


_GITHUB_COMMANDS: Final = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def _github_data(text: str) -> str:
    # actions/toolkit `escapeData`
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    # actions/toolkit `escapeProperty`
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """Render GitHub Actions workflow commands (``::error file=...::message``), one per line.

    The help and any notes follow the message in the same annotation, on lines of their own.
    """
    out = []
    for d in diagnostics:
        loc = d.location
        props = [("file", loc.file), ("line", str(loc.line)), ("col", str(loc.editor_column))]
        if loc.end_line is not None:
            props.append(("endLine", str(loc.end_line)))
        if loc.editor_end_column is not None:
            props.append(("endColumn", str(loc.editor_end_column)))
        props.append(("title", f"{d.code.id} {d.code.name}"))
        text = "\n".join([d.message, *_extra_lines(d)])
        joined = ",".join(f"{key}={_github_property(value)}" for key, value in props)
        out.append(f"::{_GITHUB_COMMANDS[d.severity]} {joined}::{_github_data(text)}\n")
    return "".join(out)


def _extra_lines(d: Diagnostic, *, located_notes: bool = True) -> list[str]:
    lines = [f"help: {d.help}"] if d.help else []
    for note in d.notes:
        if note.location is None:
            lines.append(f"note: {note.message}")
        elif located_notes:
            lines.append(f"note: {note.message} (at {note.location})")
    return lines


SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVELS: Final = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}


def _sarif_uri(path: str, root: str | None) -> str:
    import os.path
    import urllib.parse

    if os.path.isabs(path):
        base = os.path.abspath(root if root is not None else os.curdir)
        rel = os.path.relpath(path, base)
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            # Outside the root: an absolute file URI is the only honest answer.
            return "file://" + urllib.parse.quote(path.replace(os.sep, "/"))
        path = rel
    return urllib.parse.quote(path.replace(os.sep, "/"))


def _sarif_location(loc: Location, root: str | None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": loc.line, "startColumn": loc.editor_column}
    if loc.end_line is not None:
        region["endLine"] = loc.end_line
    if loc.editor_end_column is not None:
        region["endColumn"] = loc.editor_end_column
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _sarif_uri(loc.file, root)},
            "region": region,
        }
    }


def render_sarif(
    diagnostics: Sequence[Diagnostic],
    *,
    version: str = "0.1.0",
    information_uri: str = "https://pypi.org/project/tfc/",
    root: str | None = None,
) -> str:
    """Render a SARIF 2.1.0 log (for GitHub code scanning and other SARIF viewers).

    Every code is listed as a rule, so ``ruleIndex`` is stable across runs. Artifact URIs are
    relative POSIX paths; absolute paths are made relative to ``root`` (default: the current
    directory). Columns are 1-based code points (``columnKind: unicodeCodePoints``). Notes
    with a location become ``relatedLocations``; help and other notes follow the message text.

    Args:
        version: tfc's version, reported as ``tool.driver.version``.
        information_uri: Where to read about tfc.
        root: The directory absolute paths are made relative to.
    """
    import json

    rule_index = {code_id: i for i, code_id in enumerate(CODES)}
    rules = [
        {
            "id": code.id,
            "name": code.name,
            "shortDescription": {"text": code.summary},
            "defaultConfiguration": {"level": _SARIF_LEVELS[code.severity]},
        }
        for code in CODES.values()
    ]
    results = []
    for d in diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code.id,
            "ruleIndex": rule_index[d.code.id],
            "level": _SARIF_LEVELS[d.severity],
            "message": {"text": "\n".join([d.message, *_extra_lines(d, located_notes=False)])},
            "locations": [_sarif_location(d.location, root)],
        }
        related = [
            {"id": i, "message": {"text": n.message}, **_sarif_location(n.location, root)}
            for i, n in enumerate(d.notes)
            if n.location is not None
        ]
        if related:
            result["relatedLocations"] = related
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tfc",
                        "informationUri": information_uri,
                        "version": version,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def render(
    diagnostics: Sequence[Diagnostic],
    fmt: str,
    *,
    source_reader: SourceReader = read_source,
    version: str = "0.1.0",
) -> str:
    """Render diagnostics in one of `OUTPUT_FORMATS`.

    Args:
        fmt: ``"full"``, ``"concise"``, ``"json"``, ``"github"`` or ``"sarif"``.
        source_reader: Reads a file's text for the ``full`` format's source frames.
        version: tfc's version, for the ``sarif`` format.

    Raises:
        ValueError: If ``fmt`` is not one of `OUTPUT_FORMATS`.
    """
    if fmt == "full":
        return render_full(diagnostics, source_reader=source_reader)
    if fmt == "concise":
        return render_concise(diagnostics)
    if fmt == "json":
        return render_json(diagnostics)
    if fmt == "github":
        return render_github(diagnostics)
    if fmt == "sarif":
        return render_sarif(diagnostics, version=version)
    msg = f"unknown output format {fmt!r}; expected one of {', '.join(OUTPUT_FORMATS)}"
    raise ValueError(msg)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(diagnostics: Sequence[Diagnostic], files_with_findings: int | None = None) -> str:
    """Return the closing line of the human formats, e.g. ``"Found 3 errors in 2 files."``.

    Errors, warnings and info messages are counted separately by their (effective)
    severity. ``files_with_findings`` defaults to the number of distinct files the
    diagnostics point at.
    """
    if not diagnostics:
        return "All checks passed."
    if files_with_findings is None:
        files_with_findings = len({d.location.file for d in diagnostics})
    counts = {severity: 0 for severity in Severity}
    for d in diagnostics:
        counts[d.severity] += 1
    parts = [
        _count(n, word)
        for n, word in (
            (counts[Severity.ERROR], "error"),
            (counts[Severity.WARNING], "warning"),
            (counts[Severity.INFO], "info message"),
        )
        if n
    ]
    found = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"Found {found} in {_count(files_with_findings, 'file')}."
