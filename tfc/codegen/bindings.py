"""Typed capture and write_back checks for `to_sub_flow` calls in a runner.

A runner leaves a sub-flow call to the engine, but it can still let a type checker see
each binding: under ``if TYPE_CHECKING:`` it writes one annotated assignment per binding,
``target type = source expression``, typed by the parent's and the child's TypedDict
schemas (``_t3_0: str = _r3["title"]`` for ``write_back={"state.topic": "result.title"}``).
mypy then reports an unknown key or a value of the wrong type on that line, which the
runner's line table maps to the `to_sub_flow` call. Bindings whose types are not known
(no schema, flow data, resources, a non-TypedDict schema) are left out.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import get_args, get_origin, is_typeddict

import typing_extensions

from ..ir.nodes import SubFlowCall
from .types import hints_of

__all__ = ("binding_probes",)

_QUALIFIERS = {typing.NotRequired, typing.Required, typing_extensions.NotRequired, typing_extensions.Required}


def binding_probes(
    node: SubFlowCall, value: str, parent_state: object, render: Callable[[object], str]
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """``({variable: type text}, [(assignment, comment)])`` for *node*'s bindings.

    Args:
        value: The runner variable holding the parent's current value.
        parent_state: The parent flow's state schema.
        render: Writes a type as annotation text (``Any`` when it cannot).
    """
    child = getattr(node.flow, "child", None)
    if child is None:
        return {}, []
    child_schemas = child.schemas
    probes: list[tuple[str, str]] = []
    roots: dict[str, str] = {}

    def root(name: str, schema: object) -> str | None:
        if not _is_typeddict(schema):
            return None
        var = f"_{name}{node.id}"
        roots.setdefault(var, render(schema))
        return var

    def expr(base: str, segments: tuple[str | int, ...]) -> str:
        return base + "".join(f"[{seg!r}]" for seg in segments)

    for b in node.capture or ():
        target, source = _split(b.target), _split(b.source)
        if source[0] == "value":
            src = expr(value, source[1])
        elif source[0] == "state" and (base := root("p", parent_state)) is not None:
            src = expr(base, source[1])
        else:
            continue
        if target[0] == "input":
            want: object = child_schemas.input
        elif target[0] == "state":
            want = _path_type(child_schemas.state, target[1])
        else:
            continue
        if want is None or (text := render(want)) == "Any":
            continue
        probes.append((f"{text} = {src}", f"capture {b.target} <- {b.source}"))
    for b in node.write_back or ():
        target, source = _split(b.target), _split(b.source)
        if source[0] == "result" and (base := root("r", child_schemas.result)) is not None:
            src = expr(base, source[1])
        elif source[0] == "snapshot" and (base := root("z", child_schemas.state)) is not None:
            src = expr(base, source[1])
        else:
            continue
        if target[0] != "state":
            continue
        want = _path_type(parent_state, target[1])
        if want is None or (text := render(want)) == "Any":
            continue
        probes.append((f"{text} = {src}", f"write_back {b.target} <- {b.source}"))
    return roots, probes


def _split(path: str) -> tuple[str, tuple[str | int, ...]]:
    head, *rest = path.split(".")
    scope = "state" if head == "runtime_data" else head
    return scope, tuple(int(p) if p.isdigit() else p for p in rest)


def _is_typeddict(schema: object) -> bool:
    return isinstance(schema, type) and is_typeddict(schema)


def _path_type(schema: object, segments: tuple[str | int, ...]) -> object:
    """The declared type at *segments* inside a TypedDict *schema*, or None if unknown."""
    current = schema
    for seg in segments:
        if isinstance(seg, int):
            args = get_args(current)
            if get_origin(current) not in (list, tuple) or not args:
                return None
            current = args[0]
            continue
        if not _is_typeddict(current):
            return None
        found = hints_of(current).get(seg)
        if found is None:
            return None
        current = _unwrap(found)
    return current


def _unwrap(tp: object) -> object:
    """``NotRequired[X]`` / ``Required[X]`` / ``ReadOnly[X]`` -> ``X`` (get_type_hints keeps them
    on some Pythons)."""
    while get_origin(tp) in _QUALIFIERS:
        tp = get_args(tp)[0]
    return tp
