"""A module's names after the resolve pass ran it, as plain JSON data, and back.

`tfc check` keeps each module's names (its *interface*) in the results cache, so a later run
that re-reads only some modules can give them their imports without running the modules
they import. Only values that are the same whoever reads them are kept: literals and
containers of them, project functions and classes (by their place in the module's summary
and the digest of the file they come from), chunks of those, names from outside the project,
modules and unknowns. Anything that a reader could change or that is bound to one run (a
flow, a process, a builder method, a lambda, a nested function) is kept as a *live* marker:
reading it from a snapshot makes the caller give up and run everything (see `units.py`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from ..ir.nodes import Loc
from .syntax import Block, ClassDef, FunctionDef, ModuleSummary, Stmt
from .values import ChunkVal, ClassVal, External, FuncVal, ModuleVal, Unknown

__all__ = ("LIVE", "Live", "contains_live", "decode", "encode", "encode_names", "interface_hash", "node_at", "node_paths")

Encoded = list[Any]
Path = tuple[int, ...]


class Live:
    """The marker for a value a snapshot cannot keep."""

    def __repr__(self) -> str:
        return "<live value>"


LIVE = Live()
_LITERALS = (str, int, float, bool, type(None))


def node_paths(summary: ModuleSummary) -> dict[int, Path]:
    """Where each module-level function and class of *summary* is: ``id(node) -> path``.

    A path is the statement's index in the body, then (inside ``if``/``try``/... blocks at
    module level) the body's index and the statement's index, and so on.
    """
    out: dict[int, Path] = {}

    def walk(body: tuple[Stmt, ...], prefix: Path) -> None:
        for i, stmt in enumerate(body):
            if isinstance(stmt, (FunctionDef, ClassDef)):
                out[id(stmt)] = (*prefix, i)
            elif isinstance(stmt, Block):
                for j, inner in enumerate(stmt.bodies):
                    walk(inner, (*prefix, i, j))

    walk(summary.body, ())
    return out


def node_at(summary: ModuleSummary, path: Path) -> Stmt | None:
    """The statement at *path* in *summary* (see `node_paths`), or None."""
    body: tuple[Stmt, ...] = summary.body
    stmt: Stmt | None = None
    steps = list(path)
    while steps:
        index = steps.pop(0)
        if not 0 <= index < len(body):
            return None
        stmt = body[index]
        if steps:
            if not isinstance(stmt, Block) or not 0 <= steps[0] < len(stmt.bodies):
                return None
            body = stmt.bodies[steps.pop(0)]
    return stmt


Locate = Callable[[str, object], "tuple[Path, str] | None"]
"""``(module, node) -> (path, digest of the module's file)``, or None when it has no place."""


def encode(value: object, locate: Locate) -> Encoded:
    """*value* as JSON data (see the module docstring)."""
    if isinstance(value, _LITERALS):
        if isinstance(value, float) and value != value:
            return ["X"]  # NaN is not equal to itself: keep it out of interfaces
        return ["c", value]
    if isinstance(value, bytes):
        return ["b", value.decode("latin-1")]
    if isinstance(value, External):
        return ["E", value.qualname]
    if isinstance(value, ModuleVal):
        return ["M", value.name]
    if isinstance(value, Unknown):
        return ["U", value.reason, value.text, None if value.loc is None else _loc(value.loc)]
    if isinstance(value, (FuncVal, ClassVal)):
        if isinstance(value, FuncVal) and value.env is not None:
            return ["X"]
        place = locate(value.module, value.node)
        if place is None:
            return ["X"]
        return ["F" if isinstance(value, FuncVal) else "C", value.module, list(place[0]), place[1]]
    if isinstance(value, ChunkVal):
        fn = encode(value.fn, locate)
        if fn[0] not in ("F", "E"):
            return ["X"]
        return ["K", value.name, fn]
    if isinstance(value, (list, tuple)):
        items = [encode(v, locate) for v in value]
        return ["l" if isinstance(value, list) else "t", items]
    if isinstance(value, dict):
        pairs = [[encode(k, locate), encode(v, locate)] for k, v in value.items()]
        return ["d", pairs]
    return ["X"]


def encode_names(env: dict[str, object], locate: Locate) -> list[list[Any]]:
    """A module's names: ``[[name, encoded value], ...]`` in binding order."""
    return [[name, encode(value, locate)] for name, value in env.items()]


def interface_hash(names: list[list[Any]], stars: list[str]) -> str:
    """What readers of a module depend on, as one digest."""
    text = json.dumps([names, stars], separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha1(text.encode()).hexdigest()


Resolve = Callable[[str, str, "Path", str], object]
"""``(kind "F"/"C", module, path, digest) -> FuncVal | ClassVal``; raises if it cannot."""


def decode(data: Any, resolve: Resolve) -> object:
    """The value *data* stands for; `LIVE` for a live marker.

    Raises:
        ValueError: If *data* is not what `encode` writes.
    """
    if not isinstance(data, list) or not data or not isinstance(data[0], str):
        raise ValueError("bad snapshot value")
    tag = data[0]
    if tag == "c" and len(data) == 2 and isinstance(data[1], _LITERALS):
        return data[1]
    if tag == "b" and len(data) == 2 and isinstance(data[1], str):
        return data[1].encode("latin-1")
    if tag == "E" and len(data) == 2 and isinstance(data[1], str):
        return External(data[1])
    if tag == "M" and len(data) == 2 and isinstance(data[1], str):
        return ModuleVal(data[1])
    if tag == "U" and len(data) == 4 and data[1] in ("unresolved", "computed", "dynamic", "error"):
        return Unknown(data[1], str(data[2]), None if data[3] is None else _unloc(data[3]))
    if tag in ("F", "C") and len(data) == 4 and isinstance(data[1], str) and isinstance(data[3], str):
        path = tuple(int(i) for i in data[2])
        return resolve(tag, data[1], path, data[3])
    if tag == "K" and len(data) == 3 and isinstance(data[1], str):
        from .builder import _chunk_ref

        fn = decode(data[2], resolve)
        if not isinstance(fn, (FuncVal, External)):
            raise ValueError("bad snapshot chunk")
        return ChunkVal(data[1], fn, _chunk_ref(data[1], fn))
    if tag in ("l", "t") and len(data) == 2 and isinstance(data[1], list):
        items = [decode(v, resolve) for v in data[1]]
        return items if tag == "l" else tuple(items)
    if tag == "d" and len(data) == 2 and isinstance(data[1], list):
        out: dict[object, object] = {}
        for pair in data[1]:
            if not isinstance(pair, list) or len(pair) != 2:
                raise ValueError("bad snapshot dict")
            out[decode(pair[0], resolve)] = decode(pair[1], resolve)
        return out
    if tag == "X" and len(data) == 1:
        return LIVE
    raise ValueError(f"bad snapshot value tag {tag!r}")


def contains_live(value: object) -> Iterator[object]:
    """The live values inside *value* (itself included), see the module docstring."""
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from contains_live(item)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from contains_live(k)
            yield from contains_live(v)
    elif isinstance(value, ChunkVal):
        if not isinstance(value.fn, (External,)) and not (isinstance(value.fn, FuncVal) and value.fn.env is None):
            yield value
    elif isinstance(value, FuncVal):
        if value.env is not None:
            yield value
    elif not isinstance(value, (*_LITERALS, bytes, External, ModuleVal, Unknown, ClassVal)):
        yield value


def _loc(loc: Loc) -> list[object]:
    return [loc.file, loc.line, loc.column]


def _unloc(data: Any) -> Loc:
    if not isinstance(data, list) or len(data) != 3:
        raise ValueError("bad snapshot location")
    return Loc(str(data[0]), int(data[1]), int(data[2]))
