"""Type terms: the small type language the compiler's type checks speak.

Both frontends describe types with these frozen dataclasses: the runtime frontend converts
the objects `typing.get_type_hints` returns (`tfc.typecheck.runtime`), the static frontend
converts annotation text. The subset checker (`tfc.typecheck.subset`) only ever sees terms,
so it gives the same answers for both.

A term the frontend does not understand is `Unknown`: the checker accepts it on either
side of an edge and counts it. Class names are qualified (``builtins.int``,
``collections.abc.Sequence``, ``pkg.mod.Report``); `display` gives the short form people
read in messages (``list[str] | None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, TypeAlias

__all__ = (
    "ANY",
    "NONE",
    "OBJECT",
    "AnyType",
    "Instance",
    "LiteralType",
    "Ty",
    "TypeVarType",
    "TypedDictType",
    "UnionType",
    "Unknown",
    "builtin",
    "display",
    "list_of",
    "union",
)


@dataclass(frozen=True, slots=True)
class AnyType:
    """``Any``, or no annotation at all: every value goes, in both directions."""


@dataclass(frozen=True, slots=True)
class Unknown:
    """A construct the frontend could not translate (a Protocol, a Callable, a string
    annotation it cannot resolve...). Accepted everywhere, and counted."""

    text: str


@dataclass(frozen=True, slots=True)
class Instance:
    """An instance of a class, with its type arguments.

    Attributes:
        name: The qualified class name, e.g. ``"builtins.list"``.
        args: Type arguments (``list[str]`` has one); empty when not parametrised.
        bases: Qualified names of the class and every class it is a subclass of (virtual
            `collections.abc` subclasses included), or None when they are not known, in
            which case the class is only known to be a subclass of itself and `object`.
        fields: ``(name, type)`` of a dataclass's fields, None for other classes.
        variadic: For ``tuple[X, ...]``: ``args == (X,)`` stands for any length.
        open: Other classes may be registered as virtual subclasses of this one (an ABC
            other than the well-known `collections.abc` ones): as a target it accepts
            anything, since no frontend can know every registration.
    """

    name: str
    args: tuple[Ty, ...] = ()
    bases: frozenset[str] | None = None
    fields: tuple[tuple[str, Ty], ...] | None = None
    variadic: bool = False
    open: bool = False


@dataclass(frozen=True, slots=True)
class TypedDictType:
    """A TypedDict (or the dict a `batch` produces): keys, their types, and which are required."""

    name: str
    fields: tuple[tuple[str, Ty], ...]
    required: frozenset[str]

    def field(self, key: str) -> Ty | None:
        """The type of *key*, or None if the TypedDict has no such key."""
        for name, ty in self.fields:
            if name == key:
                return ty
        return None


@dataclass(frozen=True, slots=True)
class UnionType:
    """``A | B | ...`` (``Optional[A]`` is ``A | None``). Built with `union`, never nested."""

    items: tuple[Ty, ...]


@dataclass(frozen=True, slots=True)
class LiteralType:
    """``Literal[v]``: one value of a class (str, int, bool, bytes, an enum member, None)."""

    value: object
    base: Instance


@dataclass(frozen=True, slots=True)
class TypeVarType:
    """A type variable; the checker treats it as its bound (``object`` when unbound)."""

    name: str
    bound: Ty | None = None


Ty: TypeAlias = AnyType | Unknown | Instance | TypedDictType | UnionType | LiteralType | TypeVarType

ANY: Final = AnyType()

_ABC = "collections.abc."
_OBJ = "builtins.object"

# Supertypes of the builtins a frontend meets most, for frontends that cannot import them.
_ITERABLE = frozenset({_ABC + "Iterable", _ABC + "Container", _ABC + "Sized", _ABC + "Collection"})
_SEQUENCE = _ITERABLE | {_ABC + "Sequence", _ABC + "Reversible"}
_BUILTIN_BASES: Final[dict[str, frozenset[str]]] = {
    "object": frozenset(),
    "NoneType": frozenset(),
    "bool": frozenset({"builtins.int"}),
    "int": frozenset(),
    "float": frozenset(),
    "complex": frozenset(),
    "str": _SEQUENCE,
    "bytes": _SEQUENCE,
    "list": _SEQUENCE | {_ABC + "MutableSequence"},
    "tuple": _SEQUENCE,
    "dict": _ITERABLE | {_ABC + "Mapping", _ABC + "MutableMapping"},
    "set": _ITERABLE | {_ABC + "Set", _ABC + "MutableSet"},
    "frozenset": _ITERABLE | {_ABC + "Set"},
}


def builtin(name: str, *args: Ty, variadic: bool = False) -> Instance:
    """An instance of a builtin class by its bare name (``builtin("list", builtin("str"))``).

    The bases of the common builtins are known, so a static frontend gets the same answers
    as the runtime one without importing anything.
    """
    own = f"builtins.{name}"
    extra = _BUILTIN_BASES.get(name)
    bases = None if extra is None else frozenset({own, _OBJ, *extra})
    return Instance(own, tuple(args), bases, None, variadic)


NONE: Final = builtin("NoneType")
OBJECT: Final = builtin("object")


def list_of(item: Ty) -> Instance:
    """``list[item]``."""
    return builtin("list", item)


def union(items: tuple[Ty, ...] | list[Ty]) -> Ty:
    """The union of *items*, flattened and without duplicates; a single item stands alone.

    ``Any`` absorbs the union, as an unknown member does (the checker could not say
    anything about it anyway).
    """
    flat: list[Ty] = []
    for item in items:
        members = item.items if isinstance(item, UnionType) else (item,)
        for m in members:
            if isinstance(m, (AnyType, Unknown)):
                return m
            if m not in flat:
                flat.append(m)
    if not flat:
        return ANY
    return flat[0] if len(flat) == 1 else UnionType(tuple(flat))


def _short(name: str) -> str:
    short = name.rpartition(".")[2]
    return "None" if short == "NoneType" else short


def display(ty: Ty) -> str:
    """How a type reads in a message: ``list[str] | None``, ``Findings``, ``Literal['a']``."""
    if isinstance(ty, AnyType):
        return "Any"
    if isinstance(ty, Unknown):
        return ty.text
    if isinstance(ty, Instance):
        if not ty.args:
            return _short(ty.name)
        inner = ", ".join(display(a) for a in ty.args)
        if ty.variadic:
            inner += ", ..."
        return f"{_short(ty.name)}[{inner}]"
    if isinstance(ty, TypedDictType):
        return ty.name
    if isinstance(ty, UnionType):
        literals = [i.value for i in ty.items if isinstance(i, LiteralType)]
        rest = [display(i) for i in ty.items if not isinstance(i, LiteralType)]
        merged = [f"Literal[{', '.join(map(repr, literals))}]"] if literals else []
        return " | ".join(merged + rest)
    if isinstance(ty, LiteralType):
        return f"Literal[{ty.value!r}]"
    return ty.name
