"""What the checks know about types, beyond the IR: the `TypeFacts` interface.

The IR says how a flow is wired; the type checks also need what each chunk accepts and
returns, what the flow's schemas contain, and which flow a `to_sub_flow` call runs. Each
frontend answers through a `TypeFacts` object:

- `RuntimeFacts` (here) reads the live objects the runtime frontend keeps in the IR
  (``ChunkRef.fn``, ``Schemas``, ``SubFlowCall.flow``) with `typing.get_type_hints`.
- The static frontend implements the same protocol from annotation text and its index of
  the checked files (TypedDicts, dataclasses, other flows), building the same terms
  (`tfc.typecheck.terms`; `builtin(...)` knows the builtins' bases without importing).

Every answer may be "don't know": `ANY` for types, None for a schema or child flow, an
empty tuple for starts. The checks then say nothing, which is how untyped flows compile
with no type or path diagnostics at all.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import CodeType
from typing import Literal, Protocol, TypeAlias, get_args, get_origin

from ..ir.nodes import ChunkRef, FlowIR, Loc, SubFlowCall
from ..typecheck.runtime import from_runtime, hints
from ..typecheck.terms import ANY, Ty, TypedDictType, Unknown

__all__ = ("ChunkTypes", "RuntimeFacts", "SchemaRole", "TypeFacts")

SchemaRole: TypeAlias = Literal["state", "input", "result", "stream", "resources"]
"""The schemas a flow may declare (``TriggerFlow(state=..., input=..., ...)``)."""


@dataclass(frozen=True, slots=True)
class ChunkTypes:
    """What a chunk's handler declares.

    Attributes:
        input: The ``ValueT`` of its ``TriggerFlowRuntimeData[ValueT, ...]`` parameter
            (`ANY` when the parameter is unannotated or bare).
        output: Its return annotation, with ``Awaitable``/``Coroutine`` unwrapped (`ANY`
            when missing).
        loc: Where the handler is defined, for ``note:`` lines (None if unknown).
    """

    input: Ty = ANY
    output: Ty = ANY
    loc: Loc | None = None


UNTYPED = ChunkTypes()


class TypeFacts(Protocol):
    """The type facts a frontend supplies to the checks (see the module docstring)."""

    def chunk_types(self, chunk: ChunkRef) -> ChunkTypes:
        """The declared input and output of *chunk*'s handler (`UNTYPED` if unknown)."""
        ...

    def schema(self, flow: FlowIR, role: SchemaRole) -> Ty | None:
        """The term for *flow*'s declared *role* schema, or None if it declares none.

        For ``resources`` the term is a TypedDict-like term whose keys are the resource
        names (a TypedDict or dataclass schema, or a mapping of names to types).
        """
        ...

    def child_flow(self, call: SubFlowCall) -> FlowIR | None:
        """The IR of the flow *call* runs, or None if it cannot be resolved.

        Type facts about the child's chunks and schemas come from this same object.
        """
        ...

    def chunk_pauses(self, chunk: ChunkRef) -> bool:
        """Whether *chunk*'s handler may call ``pause_for`` / ``async_pause_for``."""
        ...

    def hidden_starts(self, flow: FlowIR) -> tuple[Loc, ...]:
        """Where *flow* is run through a hidden execution (``flow.start(...)``,
        ``flow.async_start(...)``, ``flow.get_runtime_stream(...)``...)."""
        ...


_PAUSE_NAMES = frozenset({"pause_for", "async_pause_for"})
_WRAPPERS = frozenset({"Awaitable", "Coroutine"})


class RuntimeFacts:
    """`TypeFacts` for the runtime frontend's IR, from the live objects it carries.

    Args:
        hidden_starts: Where the flow is being run through a hidden execution, if it is
            (the runtime passes the flow's location when `flow.start()` compiles it).
    """

    def __init__(self, hidden_starts: tuple[Loc, ...] = ()) -> None:
        self._hidden = hidden_starts
        self._chunks: dict[int, tuple[object, ChunkTypes]] = {}
        self._types: dict[object, Ty] = {}

    # -- terms, memoised per type object (compiling 1,000 steps stays cheap) -------------

    def term(self, tp: object) -> Ty:
        """The term for a runtime type object."""
        try:
            return self._types[tp]
        except KeyError:
            pass
        except TypeError:  # unhashable: do not cache
            return from_runtime(tp)
        ty = self._types[tp] = from_runtime(tp)
        return ty

    # -- TypeFacts ---------------------------------------------------------------------

    def chunk_types(self, chunk: ChunkRef) -> ChunkTypes:
        fn = chunk.fn
        if fn is None:
            return UNTYPED
        cached = self._chunks.get(id(fn))
        if cached is not None and cached[0] is fn:
            return cached[1]
        types = self._read_chunk(fn, chunk.loc)
        self._chunks[id(fn)] = (fn, types)
        return types

    def _read_chunk(self, fn: object, loc: Loc | None) -> ChunkTypes:
        target = fn if inspect.isfunction(fn) or inspect.ismethod(fn) else getattr(fn, "__call__", None)
        if target is None or not getattr(target, "__annotations__", None):
            return ChunkTypes(loc=loc)
        found = hints(target)
        if found is None:
            unknown = Unknown(getattr(fn, "__qualname__", "?"))
            return ChunkTypes(unknown, unknown, loc)
        try:
            params = [p for p in inspect.signature(target).parameters.values() if p.name != "self"]
        except (TypeError, ValueError):
            params = []
        value_ty: Ty = ANY
        if params and params[0].name in found:
            value_ty = self._value_type(found[params[0].name])
        out: Ty = ANY
        if "return" in found:
            out = self._unwrap(found["return"])
        return ChunkTypes(value_ty, out, loc)

    def _value_type(self, annotation: object) -> Ty:
        origin = get_origin(annotation) or annotation
        if getattr(origin, "__name__", None) != "TriggerFlowRuntimeData":
            return Unknown(repr(annotation))
        args = get_args(annotation)
        return self.term(args[0]) if args else ANY

    def _unwrap(self, annotation: object) -> Ty:
        origin = get_origin(annotation)
        if origin is not None and getattr(origin, "__name__", None) in _WRAPPERS:
            args = get_args(annotation)
            return self.term(args[-1]) if args else ANY
        return self.term(annotation)

    def schema(self, flow: FlowIR, role: SchemaRole) -> Ty | None:
        value = getattr(flow.schemas, role)
        if value is None:
            return None
        if role == "resources" and not isinstance(value, type):
            return _resource_names(value, self)
        return self.term(value)

    def child_flow(self, call: SubFlowCall) -> FlowIR | None:
        spec = call.flow
        child = getattr(spec, "child", spec)
        make_ir = getattr(child, "ir", None)
        if not callable(make_ir):
            return None
        ir = make_ir()
        return ir if isinstance(ir, FlowIR) else None

    def chunk_pauses(self, chunk: ChunkRef) -> bool:
        fn = chunk.fn
        code = getattr(fn, "__code__", None) or getattr(getattr(fn, "__call__", None), "__code__", None)
        return isinstance(code, CodeType) and any(_PAUSE_NAMES & set(c.co_names) for c in _codes(code))

    def hidden_starts(self, flow: FlowIR) -> tuple[Loc, ...]:
        return self._hidden


def _codes(code: CodeType) -> Iterator[CodeType]:
    """*code* and the code of every function nested in it."""
    yield code
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _codes(const)


def _resource_names(value: object, facts: RuntimeFacts) -> Ty:
    """Resources declared as ``{"name": type}`` or as a collection of names."""
    if isinstance(value, Mapping):
        fields: tuple[tuple[str, Ty], ...] = tuple(
            (str(k), facts.term(v) if v is not None else ANY) for k, v in value.items()
        )
    elif isinstance(value, (list, tuple, set, frozenset)):
        fields = tuple((str(k), ANY) for k in value)
    else:
        return Unknown(repr(value))
    return TypedDictType("resources", fields, frozenset(k for k, _ in fields))
