"""Capture and write_back paths: parsed once, at definition time, into getters and setters.

A path is a scope and dotted segments (``state.profile.name``). Parsing checks the syntax
and the scope and normalises the seed's and the peer's spellings (``state`` and
``runtime_data`` name the same scope); the result is a list of `Binding`s for the IR and
`PathSpec`s the engine runs without splitting strings. Nothing here imports runtime code,
so the static frontend parses with the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from typing_extensions import TypeAliasType, TypeVar

from ..diagnostics import did_you_mean
from ..ir.nodes import Binding

__all__ = (
    "CAPTURE_SOURCES",
    "PathError",
    "PathProblem",
    "PathSpec",
    "Paths",
    "assign",
    "lookup",
    "parse_capture",
    "parse_write_back",
)

_StateT = TypeVar("_StateT", default=Any)

Paths = TypeAliasType("Paths", str, type_params=(_StateT,))
"""A state path of the schema ``State`` (``"state.topic"``): ``str`` to every type checker.

Annotate module-level capture and write_back constants with it
(``TOPIC: Paths[ReportState] = "state.topic"``); the `tfc.mypy` plugin then checks the
path where it is defined, against ``ReportState``'s fields.
"""

_SEGMENT = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_\-]*|\$[A-Za-z_][A-Za-z0-9_]*|[0-9]+)$")

CAPTURE_SOURCES = ("value", "state", "runtime_data", "resources", "flow_data")
CAPTURE_TARGETS = ("input", "state", "runtime_data", "resources", "flow_data")
WRITE_BACK_SOURCES = ("result", "snapshot")
WRITE_BACK_TARGETS = ("value", "state", "runtime_data", "flow_data")

Scope = Literal["value", "state", "resources", "flow_data", "result", "snapshot", "input"]


@dataclass(frozen=True, slots=True)
class PathSpec:
    """A parsed path: its scope and segments (``runtime_data`` is normalised to ``state``)."""

    scope: str
    segments: tuple[str | int, ...]
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class PathProblem:
    """A mistake in a capture/write_back mapping: ``kind`` picks the diagnostic code."""

    kind: Literal["malformed", "duplicate"]
    message: str
    path: str
    help: str | None = None


class PathError(Exception):
    def __init__(self, problem: PathProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _parse(text: object, role: str, scopes: tuple[str, ...], *, bare_ok: tuple[str, ...]) -> PathSpec:
    if not isinstance(text, str) or not text:
        raise PathError(PathProblem("malformed", f"{role} path {text!r} is not a non-empty string", str(text)))
    head, dot, rest = text.partition(".")
    if head not in scopes:
        close = did_you_mean(head, scopes)
        hint = f'did you mean "{close}{"." + rest if rest else ""}"?' if close else f"paths start with one of: {', '.join(scopes)}"
        raise PathError(PathProblem("malformed", f'{role} path "{text}": unknown scope "{head}"', text, hint))
    segments: list[str | int] = []
    if dot:  # "value." is an empty segment, not "value"
        for seg in rest.split("."):
            if not _SEGMENT.match(seg):
                raise PathError(
                    PathProblem(
                        "malformed",
                        f'{role} path "{text}": segment {seg!r} is not a name',
                        text,
                        "segments are identifiers or list indexes, separated by single dots",
                    )
                )
            segments.append(int(seg) if seg.isdigit() else seg)
    elif head not in bare_ok:
        raise PathError(
            PathProblem("malformed", f'{role} path "{text}": "{head}" needs a name after it ("{head}.<name>")', text)
        )
    scope = "state" if head == "runtime_data" else head
    return PathSpec(scope, tuple(segments), text)


def _target_path(scope: str, key: object, role: str) -> PathSpec:
    if not isinstance(key, str) or not key:
        raise PathError(PathProblem("malformed", f"{role} target {key!r} is not a non-empty string", str(key)))
    return _parse(f"{scope}.{key}", role, (scope,), bare_ok=())


def parse_capture(capture: Mapping[str, object]) -> tuple[list[tuple[PathSpec, PathSpec]], tuple[Binding, ...]]:
    """``[(target, source)]`` and the IR bindings for a capture mapping.

    Raises:
        PathError: A malformed entry (its `PathProblem` says which and how to fix it).
    """
    pairs: list[tuple[PathSpec, PathSpec]] = []
    for key, value in capture.items():
        if key == "input":
            pairs.append((PathSpec("input", (), "input"), _parse(value, "capture", CAPTURE_SOURCES, bare_ok=("value",))))
        elif key in ("state", "runtime_data", "resources", "flow_data"):
            if not isinstance(value, Mapping):
                raise PathError(
                    PathProblem(
                        "malformed",
                        f'capture["{key}"] must map child names to source paths, got {type(value).__name__}',
                        key,
                        f'for example {{"{key}": {{"name": "value"}}}}',
                    )
                )
            scope = "state" if key == "runtime_data" else key
            for child_key, source in value.items():
                target = _target_path(scope, child_key, "capture")
                pairs.append((target, _parse(source, "capture", CAPTURE_SOURCES, bare_ok=("value",))))
        else:
            close = did_you_mean(str(key), CAPTURE_TARGETS)
            raise PathError(
                PathProblem(
                    "malformed",
                    f'capture key "{key}" is not one of: {", ".join(CAPTURE_TARGETS)}',
                    str(key),
                    f'did you mean "{close}"?' if close else None,
                )
            )
    bindings = tuple(Binding(t.text, s.text) for t, s in pairs)
    return pairs, bindings


def parse_write_back(write_back: Mapping[str, object]) -> tuple[list[tuple[PathSpec, PathSpec]], tuple[Binding, ...]]:
    """``[(target, source)]`` and the IR bindings for a write_back mapping.

    Targets: ``value`` (or ``value.<path>``), ``state.<path>`` and the nested
    ``{"state": {...}}`` / ``{"runtime_data": {...}}`` / ``{"flow_data": {...}}`` forms.
    """
    pairs: list[tuple[PathSpec, PathSpec]] = []
    spellings: list[str] = []  # each target as the user wrote it, for the duplicate message
    for key, value in write_back.items():
        if key in ("state", "runtime_data", "flow_data") and isinstance(value, Mapping):
            scope = "state" if key == "runtime_data" else key
            for name, source in value.items():
                pairs.append(
                    (_target_path(scope, name, "write_back"), _parse(source, "write_back", WRITE_BACK_SOURCES, bare_ok=WRITE_BACK_SOURCES))
                )
                spellings.append(f'{{"{key}": {{"{name}": ...}}}}')
            continue
        target = _parse(key, "write_back target", WRITE_BACK_TARGETS, bare_ok=("value",))
        pairs.append((target, _parse(value, "write_back", WRITE_BACK_SOURCES, bare_ok=WRITE_BACK_SOURCES)))
        spellings.append(f'"{key}"')
    seen: dict[tuple[str, tuple[str | int, ...]], str] = {}
    for (target, _), spelling in zip(pairs, spellings):
        key2 = (target.scope, target.segments)
        if key2 in seen:
            raise PathError(
                PathProblem(
                    "duplicate",
                    f'write_back writes "{_canonical(target)}" twice (as {seen[key2]} and {spelling})',
                    target.text,
                    "keep one entry per target",
                )
            )
        seen[key2] = spelling
    bindings = tuple(Binding(_canonical(t), s.text) for t, s in pairs)
    return pairs, bindings


def _canonical(path: PathSpec) -> str:
    return ".".join([path.scope, *map(str, path.segments)])


def lookup(root: object, segments: tuple[str | int, ...]) -> tuple[bool, object, str, list[str]]:
    """Follow *segments* from *root*: ``(found, value, where_it_stopped, keys_there)``."""
    current = root
    walked: list[str] = []
    for seg in segments:
        if isinstance(current, Mapping):
            if seg in current:
                current = current[seg]
            elif isinstance(seg, int) and str(seg) in current:
                current = current[str(seg)]
            else:
                return False, None, ".".join(walked), [str(k) for k in current]
        elif isinstance(current, (list, tuple)) and isinstance(seg, int) and -len(current) <= seg < len(current):
            current = current[seg]
        elif isinstance(seg, str) and hasattr(current, "__dataclass_fields__") and hasattr(current, seg):
            current = getattr(current, seg)
        else:
            keys = [str(k) for k in current] if isinstance(current, Mapping) else []
            return False, None, ".".join(walked), keys
        walked.append(str(seg))
    return True, current, ".".join(walked), []


def assign(root: dict[str, object], segments: tuple[str | int, ...], value: object) -> None:
    """Set ``root[s0][s1]... = value``, creating dicts on the way."""
    current = root
    for seg in segments[:-1]:
        nxt = current.get(str(seg))
        if not isinstance(nxt, dict):
            nxt = current[str(seg)] = {}
        current = nxt
    current[str(segments[-1])] = value
