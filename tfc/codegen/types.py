"""Write runtime type annotations back as source text, with the imports they need.

The emitter types a runner from the flow's own annotations (chunk return types for batch
TypedDicts, the input and state schemas for `run`). Anything it cannot name from an
importable module (a class defined in a function, a TypeVar, a callable type) becomes
``Any``, which keeps the runner correct and only loosens its checking.
"""

from __future__ import annotations

import collections.abc
import inspect
import sys
import types
import typing
from typing import Any, get_args, get_origin

__all__ = ("Imports", "hints_of", "input_type", "render_type")


class Imports:
    """``from module import name`` lines a runner needs, deduplicated, names kept unique."""

    def __init__(self, reserved: set[str]) -> None:
        self.reserved = set(reserved)
        self.names: dict[tuple[str, str], str] = {}
        """(module, attribute) -> the local name it is imported as."""

    def name(self, module: str, attr: str, prefer: str | None = None) -> str:
        """The local name for ``module.attr``, adding its import on first use."""
        key = (module, attr)
        found = self.names.get(key)
        if found is not None:
            return found
        local = prefer or attr
        taken = self.reserved | set(self.names.values())
        if local in taken:
            base = f"_{local.lstrip('_')}"
            local, n = base, 2
            while local in taken:
                local, n = f"{base}_{n}", n + 1
        self.names[key] = local
        return local

    def lines(self) -> list[str]:
        """The import lines, grouped by module, sorted."""
        by_module: dict[str, list[str]] = {}
        for (module, attr), local in self.names.items():
            by_module.setdefault(module, []).append(attr if attr == local else f"{attr} as {local}")
        out = []
        for module in sorted(by_module):
            names = sorted(by_module[module])
            line = f"from {module} import {', '.join(names)}"
            if len(line) > 100:
                out += [f"from {module} import (", *(f"    {n}," for n in names), ")"]
            else:
                out.append(line)
        return out


_ABC_NAMES = {getattr(collections.abc, n): n for n in collections.abc.__all__}


def render_type(tp: object, imports: Imports) -> str:
    """*tp* as annotation text, or ``Any`` when it cannot be named."""
    try:
        return _render(tp, imports)
    except _Unnamable:
        return "Any"


class _Unnamable(Exception):
    pass


def _render(tp: object, imports: Imports) -> str:
    if tp is Any:
        return "Any"
    if tp is None or tp is type(None):
        return "None"
    origin = get_origin(tp)
    if origin is not None:
        args = get_args(tp)
        if origin is typing.Union or origin is types.UnionType:
            return " | ".join(_render(a, imports) for a in args)
        if origin is typing.Literal:
            if all(isinstance(a, (int, str, bool, bytes)) or a is None for a in args):
                return f"{imports.name('typing', 'Literal')}[{', '.join(repr(a) for a in args)}]"
            raise _Unnamable
        if origin is collections.abc.Callable or origin is typing.Annotated:
            raise _Unnamable
        base = _render_class(origin, imports)
        if not args:
            return base
        inner = ", ".join("..." if a is Ellipsis else _render(a, imports) for a in args)
        return f"{base}[{inner}]"
    if isinstance(tp, type):
        return _render_class(tp, imports)
    raise _Unnamable


def _render_class(cls: type, imports: Imports) -> str:
    module = getattr(cls, "__module__", None)
    qualname = getattr(cls, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        raise _Unnamable
    if module == "builtins":
        return qualname
    if cls in _ABC_NAMES:
        return imports.name("collections.abc", _ABC_NAMES[cls])
    mod = sys.modules.get(module)
    if mod is None or module == "__main__":
        raise _Unnamable
    head, _, rest = qualname.partition(".")
    found: object = mod
    for part in qualname.split("."):
        found = getattr(found, part, None)
    if found is not cls:
        raise _Unnamable
    local = imports.name(module, head)
    return f"{local}.{rest}" if rest else local


def hints_of(obj: object) -> dict[str, Any]:
    """`typing.get_type_hints`, or ``{}`` when the annotations cannot be evaluated."""
    try:
        return typing.get_type_hints(obj)
    except Exception:
        return {}


def input_type(fn: object) -> object:
    """The value type a chunk function declares, ``X`` of its ``TriggerFlowRuntimeData[X, S]``
    first parameter, or ``Any`` when it declares none."""
    try:
        first = next(iter(inspect.signature(fn).parameters), None)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return Any
    annotation = hints_of(fn).get(first) if first is not None else None
    args = get_args(annotation)
    if args and getattr(get_origin(annotation), "__name__", "") == "TriggerFlowRuntimeData":
        return args[0]
    return Any
