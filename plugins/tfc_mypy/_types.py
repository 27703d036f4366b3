"""What the hooks need to know about mypy types: schemas, chunk names, and spans in strings.

`follow` walks a dotted path through a schema type the way the runtime's ``lookup`` walks a
value (dict keys, dataclass fields, list indexes), with the same answers as the compiler's
own `tfc.typecheck.fields.follow`: the type reached, a missing field (with its owner's name
as messages show it), or "cannot tell" (``Any``, type variables, protocols, open ABCs).

A chunk's name is a value (``@flow.chunk("fetch_facts")``), so the plugin records it on
the `Chunk` instance type where the chunk is created, as an extra attribute of the
instance (a flow's name likewise, on its `TriggerFlow` type). Mypy keeps extra attributes
when the type is copied, stored on an inferred variable or written to the incremental
cache, so the name is known wherever the chunk is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mypy.nodes import Context, StrExpr, TypeInfo, Var
from mypy.plugin import CheckerPluginInterface
from mypy.types import (
    AnyType,
    Instance,
    LiteralType,
    NoneType,
    PlaceholderType,
    ProperType,
    TupleType,
    Type,
    TypedDictType,
    TypeOfAny,
    TypeVarLikeType,
    UnionType,
    get_proper_type,
)

__all__ = (
    "CHUNK",
    "CHUNK_DECORATOR",
    "FLOW",
    "PROCESS",
    "Found",
    "Missing",
    "any_type",
    "chunk_name",
    "chunk_output",
    "display",
    "follow",
    "is_unknown",
    "literal_str",
    "record_fields",
    "segment_context",
    "unwrap_awaitable",
    "with_chunk_name",
)

CHUNK = "tfc.dsl.chunk.Chunk"
PROCESS = "tfc.dsl.process.Process"
FLOW = "tfc.dsl.flow.TriggerFlow"
CHUNK_DECORATOR = "tfc.dsl.flow._ChunkDecorator"

_NAME_ATTR = "__tfc_name__"

_MAPPINGS = frozenset(
    {"builtins.dict", "typing.Mapping", "typing.MutableMapping", "collections.OrderedDict",
     "collections.defaultdict"}
)  # fmt: skip
_SEQUENCES = frozenset({"builtins.list", "builtins.tuple", "typing.Sequence", "typing.MutableSequence"})
_AWAITABLES = frozenset({"typing.Coroutine", "typing.Awaitable"})


# --- recorded names ------------------------------------------------------------------------


def with_chunk_name(typ: Type, name: str, api: CheckerPluginInterface) -> Type:
    """*typ* (a `Chunk`, a `_ChunkDecorator` or a `TriggerFlow`) carrying *name*.

    Other types are returned unchanged.
    """
    proper = get_proper_type(typ)
    if not isinstance(proper, Instance) or proper.type.fullname not in (CHUNK, CHUNK_DECORATOR, FLOW):
        return typ
    return proper.copy_with_extra_attr(_NAME_ATTR, LiteralType(name, api.named_generic_type("builtins.str", [])))


def chunk_name(typ: Type | None) -> str | None:
    """The name recorded by `with_chunk_name` (a chunk's or a flow's), or None."""
    proper = get_proper_type(typ)
    if not isinstance(proper, Instance) or proper.extra_attrs is None:
        return None
    value = get_proper_type(proper.extra_attrs.attrs.get(_NAME_ATTR))
    return value.value if isinstance(value, LiteralType) and isinstance(value.value, str) else None


def chunk_output(typ: Type) -> Type | None:
    """``Out`` of a ``Chunk[In, Out]``, or None if *typ* is not a chunk."""
    proper = get_proper_type(typ)
    if isinstance(proper, Instance) and proper.type.fullname == CHUNK and len(proper.args) == 2:
        return proper.args[1]
    return None


def unwrap_awaitable(typ: Type) -> Type:
    """``X`` for ``Coroutine[Any, Any, X]`` or ``Awaitable[X]`` (what an async handler gives)."""
    proper = get_proper_type(typ)
    if isinstance(proper, Instance) and proper.type.fullname in _AWAITABLES and proper.args:
        return proper.args[-1]
    return typ


def literal_str(typ: Type) -> str | None:
    """The value of a ``Literal["..."]`` type (or an inferred ``str`` literal), else None."""
    proper = get_proper_type(typ)
    if isinstance(proper, Instance) and proper.last_known_value is not None:
        proper = proper.last_known_value
    if isinstance(proper, LiteralType) and isinstance(proper.value, str):
        return proper.value
    return None


# --- following paths -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Found:
    """The path exists; ``type`` is the type it reaches."""

    type: Type


@dataclass(frozen=True, slots=True)
class Missing:
    """Segment number ``index`` (``field``) is not a field of ``owner``, which has ``known``."""

    index: int
    field: str
    owner: str
    known: tuple[str, ...]


def follow(typ: Type, segments: Sequence[str | int]) -> Found | Missing | None:
    """Follow *segments* from a value of type *typ*; None when the types cannot tell."""
    for index, segment in enumerate(segments):
        step = _field(typ, segment)
        if step is None:
            return None
        if isinstance(step, Missing):
            return Missing(index, step.field, step.owner, step.known)
        typ = step.type
    return Found(typ)


def _field(typ: Type, segment: str | int) -> Found | Missing | None:
    proper = get_proper_type(typ)
    if isinstance(proper, LiteralType):
        proper = proper.fallback
    if isinstance(proper, UnionType):
        return _union_field(proper, segment)
    if isinstance(proper, TypedDictType):
        found = proper.items.get(str(segment))
        if found is None:
            return Missing(0, str(segment), _typeddict_name(proper), tuple(proper.items))
        return Found(found)
    if isinstance(proper, TupleType):
        if isinstance(segment, int):
            items = proper.items
            return Found(items[segment]) if -len(items) <= segment < len(items) else None
        return Missing(0, str(segment), display(proper), ())
    if isinstance(proper, NoneType):
        return Missing(0, str(segment), "None", ())
    if isinstance(proper, Instance):
        return _instance_field(proper, segment)
    return None  # Any, type variables, callables, ...: cannot tell


def _union_field(typ: UnionType, segment: str | int) -> Found | Missing | None:
    parts = [_field(t, segment) for t in typ.items if not isinstance(get_proper_type(t), NoneType)]
    if not parts or any(p is None for p in parts):
        return None
    found = [p.type for p in parts if isinstance(p, Found)]
    if not found:
        first = parts[0]
        return Missing(0, str(segment), display(typ), first.known if isinstance(first, Missing) else ())
    return Found(UnionType.make_union(found))


def _instance_field(typ: Instance, segment: str | int) -> Found | Missing | None:
    info = typ.type
    fields = _dataclass_fields(info)
    if fields is not None:
        node = info.get(str(segment)) if str(segment) in fields else None
        if node is None:
            return Missing(0, str(segment), display(typ), fields)
        var = node.node
        if not isinstance(var, Var) or var.type is None or info.type_vars:
            return None  # generic dataclasses: the field's type needs the instance's arguments
        return Found(var.type)
    if info.is_protocol or _is_open_abc(info):
        return None
    if any(info.has_base(name) for name in _MAPPINGS):
        if info.fullname in _MAPPINGS and len(typ.args) == 2:
            return Found(typ.args[1])
        return None
    if isinstance(segment, int) and any(info.has_base(name) for name in _SEQUENCES):
        if info.fullname in _SEQUENCES and typ.args:
            return Found(typ.args[0])
        return None
    # Neither a mapping, a dataclass nor a sequence: the run-time lookup fails here.
    return Missing(0, str(segment), display(typ), ())


def record_fields(typ: Type) -> dict[str, Type] | None:
    """The fields of a TypedDict or a (non-generic) dataclass, by name; None for other types."""
    proper = get_proper_type(typ)
    if isinstance(proper, TypedDictType):
        return dict(proper.items)
    if not isinstance(proper, Instance) or proper.type.type_vars:
        return None
    names = _dataclass_fields(proper.type)
    if names is None:
        return None
    fields: dict[str, Type] = {}
    for name in names:
        node = proper.type.get(name)
        if node is not None and isinstance(node.node, Var) and node.node.type is not None:
            fields[name] = node.node.type
    return fields


def _dataclass_fields(info: TypeInfo) -> tuple[str, ...] | None:
    meta = info.metadata.get("dataclass")
    if not meta:
        return None
    attributes = meta.get("attributes", [])
    return tuple(str(a["name"]) for a in attributes if isinstance(a, dict) and "name" in a)


def _is_open_abc(info: TypeInfo) -> bool:
    # Other classes may register as virtual subclasses of an ABC: nothing is known for sure.
    meta = info.metaclass_type
    if meta is None or not meta.type.has_base("abc.ABCMeta"):
        return False
    return not info.fullname.startswith(("typing.", "collections.abc.", "builtins."))


def _typeddict_name(typ: TypedDictType) -> str:
    info = typ.fallback.type
    if info.fullname in ("typing._TypedDict", "typing_extensions._TypedDict", "mypy_extensions._TypedDict"):
        return "TypedDict"
    return _qualname(info)


def _qualname(info: TypeInfo) -> str:
    module = info.module_name
    return info.fullname[len(module) + 1 :] if module and info.fullname.startswith(module + ".") else info.name


def display(typ: Type) -> str:
    """How a type reads in a tfc message: ``list[str] | None``, ``Findings``, ``Literal['a']``.

    The same short forms as the compiler's messages (`tfc.typecheck.terms.display`).
    """
    proper = get_proper_type(typ)
    if isinstance(proper, AnyType):
        return "Any"
    if isinstance(proper, NoneType):
        return "None"
    if isinstance(proper, TypedDictType):
        return _typeddict_name(proper)
    if isinstance(proper, UnionType):
        return " | ".join(display(t) for t in proper.items)
    if isinstance(proper, LiteralType):
        return f"Literal[{proper.value!r}]"
    if isinstance(proper, TupleType):
        return f"tuple[{', '.join(display(t) for t in proper.items)}]"
    if isinstance(proper, Instance):
        if not proper.args:
            return proper.type.name
        inner = ", ".join(display(a) for a in proper.args)
        if proper.type.fullname == "builtins.tuple":
            inner += ", ..."
        return f"{proper.type.name}[{inner}]"
    if isinstance(proper, TypeVarLikeType):
        return proper.name
    return str(proper)


def is_unknown(typ: Type | None) -> bool:
    """True for a missing, ``Any`` or placeholder type: nothing to check against."""
    if typ is None:
        return True
    proper: ProperType = get_proper_type(typ)
    return isinstance(proper, (AnyType, PlaceholderType))


def any_type() -> AnyType:
    """``Any``, as a plugin-made type that could not be made more precise."""
    return AnyType(TypeOfAny.implementation_artifact)


# --- locations -----------------------------------------------------------------------------


def segment_context(literal: StrExpr, start: int, end: int) -> Context:
    """A location spanning characters ``[start, end)`` of *literal*'s value.

    Only when the literal's source text is exactly its value between two one-character
    quotes (no prefix, escapes, triple quotes or implicit concatenation) can the offsets be
    trusted; otherwise the whole literal is the location.
    """
    value = literal.value
    simple = (
        literal.end_line == literal.line
        and literal.end_column is not None
        and literal.end_column - literal.column == len(value) + 2
    )
    if not simple or not 0 <= start <= end <= len(value):
        return literal
    context = Context(literal.line, literal.column + 1 + start)
    context.end_line = literal.line
    context.end_column = literal.column + 1 + max(end, start + 1)
    return context
