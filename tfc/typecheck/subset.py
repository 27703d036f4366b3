"""The subset checker: can every value of one type be used where another is expected?

It answers for classes (by their known bases, with int -> float -> complex promotion),
unions and Optional, Literal, TypedDict (structurally), dataclasses (as classes),
list/dict/tuple/set and the `collections.abc` generics (Sequence, Mapping, Iterable, ...),
Any and TypeVars. It never reports a false error: whenever it cannot decide (an `Unknown`
term, a class whose bases are unknown, a generic it cannot map onto another) it accepts,
and counts the case in `unknown`, so a compile can say how much it could not check.

Container arguments are compared covariantly (``list[bool]`` is accepted for
``list[int]``): a chunk that receives a list it then mutates is beyond what these edge
checks look at.
"""

from __future__ import annotations

from typing import Final

from .terms import (
    ANY,
    AnyType,
    Instance,
    LiteralType,
    Ty,
    TypedDictType,
    TypeVarType,
    UnionType,
    Unknown,
    builtin,
    union,
)

__all__ = ("Iteration", "SubsetChecker", "element_of")

_ABC = "collections.abc."
_OBJECT = "builtins.object"
_PROMOTIONS: Final = {
    "builtins.int": ("builtins.float", "builtins.complex"),
    "builtins.float": ("builtins.complex",),
    "builtins.bool": ("builtins.float", "builtins.complex"),
}
# Generic classes whose one parameter is the element type.
_ELEMENT_FAMILY: Final = frozenset(
    {
        "builtins.list", "builtins.set", "builtins.frozenset", "collections.deque",
        _ABC + "Iterable", _ABC + "Iterator", _ABC + "Collection", _ABC + "Container",
        _ABC + "Sequence", _ABC + "MutableSequence", _ABC + "Reversible", _ABC + "Set",
        _ABC + "MutableSet", _ABC + "AsyncIterable", _ABC + "AsyncIterator",
    }
)  # fmt: skip
_MAPPING_FAMILY: Final = frozenset(
    {"builtins.dict", _ABC + "Mapping", _ABC + "MutableMapping", "collections.OrderedDict",
     "collections.defaultdict"}
)  # fmt: skip
_MAPPING_SUPERS: Final = _MAPPING_FAMILY | {
    _ABC + "Iterable", _ABC + "Collection", _ABC + "Container", _ABC + "Sized", _OBJECT
}
_SINGLE_ITEM: Final = frozenset({"builtins.str", "builtins.bytes", "builtins.bytearray"})


class Iteration:
    """What `for_each` makes of a type: whether it is iterable and the per-item type.

    ``iterable`` is True, False (definitely not: the value would be one single item), or
    None (cannot tell). ``item`` follows the runtime rule: a non-string sequence is
    iterated, anything else is one item.
    """

    __slots__ = ("item", "iterable")

    def __init__(self, iterable: bool | None, item: Ty) -> None:
        self.iterable = iterable
        self.item = item


class SubsetChecker:
    """Answers `accepts(target, value)`; counts what it could not decide in `unknown`."""

    def __init__(self) -> None:
        self.unknown = 0
        """How many times a construct was accepted because it was not understood."""
        self.checked = 0
        """How many questions were asked."""

    def _accept_unknown(self) -> bool:
        self.unknown += 1
        return True

    def accepts(self, target: Ty, value: Ty) -> bool:
        """Whether every value of type *value* can be used where *target* is expected."""
        self.checked += 1
        return self._ok(target, value)

    # -- the relation --------------------------------------------------------------------

    def _ok(self, dst: Ty, src: Ty) -> bool:
        if isinstance(dst, AnyType) or isinstance(src, AnyType):
            return True
        if isinstance(dst, Unknown) or isinstance(src, Unknown):
            return self._accept_unknown()
        if isinstance(dst, TypeVarType) or isinstance(src, TypeVarType):
            return True  # a generic handler binds its type variables to whatever arrives
        if isinstance(src, UnionType):
            return all(self._ok(dst, item) for item in src.items)
        if isinstance(dst, UnionType):
            return any(self._ok(item, src) for item in dst.items)
        if isinstance(dst, Instance) and (dst.name == _OBJECT or dst.open):
            return True
        if isinstance(src, LiteralType):
            if isinstance(dst, LiteralType):
                return bool(src.value == dst.value and type(src.value) is type(dst.value))
            return self._ok(dst, src.base)
        if isinstance(dst, LiteralType):
            return False  # a plain str is not known to be one of the literal's values
        if isinstance(src, TypedDictType):
            return self._from_typeddict(dst, src)
        if isinstance(dst, TypedDictType):
            return self._to_typeddict(dst, src)
        return self._instances(dst, src)

    def _from_typeddict(self, dst: Instance | TypedDictType, src: TypedDictType) -> bool:
        if isinstance(dst, TypedDictType):
            for key, want in dst.fields:
                have = src.field(key)
                if have is None:
                    if key in dst.required:
                        return False
                    continue
                if key in dst.required and key not in src.required:
                    return False
                if not self._ok(want, have):
                    return False
            return True
        if dst.name not in _MAPPING_SUPERS:
            return False
        if not dst.args:
            return True
        if dst.name in _MAPPING_FAMILY:
            key_ty, value_ty = (dst.args + (ANY, ANY))[:2]
            str_ty = Instance("builtins.str", (), frozenset({"builtins.str", _OBJECT}))
            return self._ok(key_ty, str_ty) and all(self._ok(value_ty, t) for _, t in src.fields)
        return True  # Iterable[...] of keys: keys are str, and str is what anyone expects

    def _to_typeddict(self, dst: TypedDictType, src: Instance) -> bool:
        bases = src.bases
        if bases is None:
            return self._accept_unknown()
        if bases & _MAPPING_FAMILY:
            return True  # a dict of unknown keys may well have the right ones
        return False

    def _instances(self, dst: Instance, src: Instance) -> bool:
        if src.name in _PROMOTIONS and dst.name in _PROMOTIONS[src.name]:
            return True
        bases = src.bases
        if bases is None:
            if src.name == dst.name:
                return self._args(dst, src)
            return self._accept_unknown()
        if dst.name not in bases:
            return False
        return self._args(dst, src)

    def _args(self, dst: Instance, src: Instance) -> bool:
        if not dst.args:
            return True
        if src.name == dst.name == "builtins.tuple":
            return self._tuples(dst, src)
        if dst.name in _MAPPING_FAMILY:
            pair = self._mapping_args(src)
            if pair is None:
                return self._accept_unknown()
            key_ty, value_ty = (dst.args + (ANY, ANY))[:2]
            return self._ok(key_ty, pair[0]) and self._ok(value_ty, pair[1])
        if dst.name in _ELEMENT_FAMILY:
            item = element_of(src)
            if item is None:
                return self._accept_unknown()
            return self._ok(dst.args[0], item)
        if src.name == dst.name and len(src.args) == len(dst.args):
            return all(self._ok(d, s) for d, s in zip(dst.args, src.args, strict=True))
        if src.name == dst.name and not src.args:
            return True  # a bare generic: its arguments are Any
        return self._accept_unknown()

    def _tuples(self, dst: Instance, src: Instance) -> bool:
        if dst.variadic:
            if src.variadic:
                return self._ok(dst.args[0], src.args[0])
            return all(self._ok(dst.args[0], s) for s in src.args)
        if src.variadic:
            return False if dst.args else True
        if len(src.args) != len(dst.args):
            return not src.args  # a bare tuple is tuple[Any, ...]
        return all(self._ok(d, s) for d, s in zip(dst.args, src.args, strict=True))

    def _mapping_args(self, src: Instance) -> tuple[Ty, Ty] | None:
        if src.name in _MAPPING_FAMILY:
            args = (*src.args, ANY, ANY)
            return args[0], args[1]
        return None

    # -- for_each ----------------------------------------------------------------------

    def iteration(self, ty: Ty) -> Iteration:
        """How `for_each` splits a value of type *ty* (see `Iteration`)."""
        if isinstance(ty, AnyType | TypeVarType):
            return Iteration(None, ANY)
        if isinstance(ty, Unknown):
            self.unknown += 1
            return Iteration(None, ANY)
        if isinstance(ty, UnionType):
            parts = [self.iteration(t) for t in ty.items]
            if any(p.iterable is None for p in parts):
                state: bool | None = None
            else:
                state = any(p.iterable for p in parts)
            return Iteration(state, union([p.item for p in parts]))
        if isinstance(ty, LiteralType):
            return Iteration(ty.base.name in _SINGLE_ITEM, ty)
        if isinstance(ty, TypedDictType):
            return Iteration(True, ty)
        bases = ty.bases
        if bases is None:
            self.unknown += 1
            return Iteration(None, ANY)
        if _ABC + "Iterable" not in bases:
            return Iteration(False, ty)
        if ty.name in _SINGLE_ITEM or bases & _MAPPING_FAMILY:
            return Iteration(True, ty)
        if _ABC + "Sequence" in bases:
            item = element_of(ty)
            if item is None:
                self.unknown += 1
                return Iteration(True, ANY)
            return Iteration(True, item)
        self.unknown += 1  # a set or an iterator is one item at run time; typed code means its items
        return Iteration(True, ANY)


def element_of(ty: Instance) -> Ty | None:
    """The element type of a container instance, or None if it cannot be told."""
    name = ty.name
    if name in _SINGLE_ITEM:
        return builtin("int") if name != "builtins.str" else ty
    if name == "builtins.tuple":
        if not ty.args:
            return ANY
        return ty.args[0] if ty.variadic else union(ty.args)
    if name in _MAPPING_FAMILY:
        return ty.args[0] if ty.args else ANY
    if name in _ELEMENT_FAMILY:
        return ty.args[0] if ty.args else ANY
    return None
