"""Turn the type objects `typing.get_type_hints` returns into type terms.

Anything this module does not understand becomes `Unknown` (which the checker accepts), so
a new typing construct can make the checks less precise, never wrong.
"""

from __future__ import annotations

import abc
import collections.abc as cabc
import dataclasses
import enum
import types
import typing
from typing import Any, Final

import typing_extensions

from .terms import ANY, NONE, Instance, LiteralType, Ty, TypedDictType, TypeVarType, Unknown, union

__all__ = ("from_runtime", "hints")

_MAX_DEPTH: Final = 12

# collections.abc classes a value may be a virtual subclass of (issubclass, not the MRO).
_ABCS: Final = tuple(
    getattr(cabc, name)
    for name in (
        "Container", "Hashable", "Iterable", "Iterator", "Reversible", "Generator", "Sized",
        "Collection", "Sequence", "MutableSequence", "Set", "MutableSet", "Mapping",
        "MutableMapping", "Awaitable", "Coroutine", "AsyncIterable", "AsyncIterator",
    )
)  # fmt: skip

# typing's aliases of builtins and ABCs: the origin `get_origin` reports is the real class.
_TYPING_NAMES: Final[dict[object, type]] = {
    typing.List: list, typing.Dict: dict, typing.Tuple: tuple, typing.Set: set,
    typing.FrozenSet: frozenset, typing.Type: type,
}  # fmt: skip


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _bases(cls: type) -> frozenset[str]:
    names = {_qualname(c) for c in cls.__mro__}
    for abc in _ABCS:
        try:
            if issubclass(cls, abc):
                names.add(_qualname(abc))
        except TypeError:  # pragma: no cover - exotic metaclasses
            pass
    return frozenset(names)


def hints(obj: object) -> dict[str, Any] | None:
    """`typing.get_type_hints` of *obj*, or None when its annotations cannot be resolved."""
    try:
        return typing.get_type_hints(obj, include_extras=False)
    except Exception:  # NameError for unresolvable strings, TypeError for odd objects...
        return None


def from_runtime(tp: object, _depth: int = 0) -> Ty:
    """The term for a runtime type object (a class, ``list[int]``, ``Optional[X]``, ...)."""
    if _depth > _MAX_DEPTH:
        return Unknown(getattr(tp, "__name__", repr(tp)))
    depth = _depth + 1
    if tp is Any or tp is typing_extensions.Any:
        return ANY
    if tp is None or tp is type(None):
        return NONE
    if isinstance(tp, (str, typing.ForwardRef)):
        return Unknown(tp if isinstance(tp, str) else tp.__forward_arg__)
    if isinstance(tp, typing.TypeVar):
        bound = tp.__bound__
        return TypeVarType(tp.__name__, None if bound is None else from_runtime(bound, depth))
    if isinstance(tp, typing.NewType):
        return from_runtime(tp.__supertype__, depth)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return from_runtime(args[0], depth)
    if origin in (typing.Union, types.UnionType):
        return union([from_runtime(a, depth) for a in args])
    if origin in (typing.Literal, typing_extensions.Literal):
        return union([_literal(v) for v in args])
    if typing_extensions.is_typeddict(tp):
        return _typeddict(tp, depth)
    if origin is not None:
        return _generic(tp, origin, args, depth)
    if tp in _TYPING_NAMES:
        return _instance(_TYPING_NAMES[tp], (), depth)
    if isinstance(tp, type):
        if getattr(tp, "_is_protocol", False) and not tp.__module__.startswith("collections.abc"):
            return Unknown(tp.__qualname__)
        return _instance(tp, (), depth)
    return Unknown(repr(tp))


def _literal(value: object) -> Ty:
    if value is None:
        return NONE
    if isinstance(value, (str, bytes, int, bool, enum.Enum)):
        base = _instance(type(value), (), 0)
        assert isinstance(base, Instance)
        return LiteralType(value, base)
    return Unknown(f"Literal[{value!r}]")


def _generic(tp: object, origin: object, args: tuple[object, ...], depth: int) -> Ty:
    if not isinstance(origin, type):
        return Unknown(repr(tp))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return Instance("builtins.tuple", (from_runtime(args[0], depth),), _bases(tuple), None, True)
        if args == ((),):  # tuple[()]
            return Instance("builtins.tuple", (), _bases(tuple))
    if origin in (cabc.Callable, type) or typing_extensions.is_typeddict(origin):
        return Unknown(repr(tp))
    return _instance(origin, tuple(a for a in args if a is not Ellipsis), depth)


def _instance(cls: type, args: tuple[object, ...], depth: int) -> Ty:
    terms = tuple(from_runtime(a, depth) for a in args)
    fields: tuple[tuple[str, Ty], ...] | None = None
    if dataclasses.is_dataclass(cls):
        found = hints(cls)
        if found is None:
            return Unknown(cls.__qualname__)
        fields = tuple(
            (f.name, from_runtime(found.get(f.name, Any), depth)) for f in dataclasses.fields(cls)
        )
    if cls is type(None):
        return NONE
    is_open = isinstance(cls, abc.ABCMeta) and cls not in _ABCS
    return Instance(_qualname(cls), terms, _bases(cls), fields, open=is_open)


def _typeddict(tp: Any, depth: int) -> Ty:
    found = hints(tp)
    if found is None:
        return Unknown(getattr(tp, "__qualname__", repr(tp)))
    required = frozenset(getattr(tp, "__required_keys__", found))
    fields = tuple((key, from_runtime(value, depth)) for key, value in found.items())
    return TypedDictType(tp.__qualname__, fields, required)
