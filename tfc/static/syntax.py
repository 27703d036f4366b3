"""The summary of one module that the index pass keeps: a small, picklable syntax tree.

The index pass (`index.py`) turns a libcst tree into these records, keeping only what the
resolve pass needs: names, attribute accesses, calls (with the location of the called
method's name token), literals, functions with their annotations and the events their
bodies emit, classes with their annotated fields, imports, and the statements that could
build a flow. Everything else becomes `Opaque`. Summaries are what the file-level cache
stores, so the resolve pass never needs the source again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from ..ir.nodes import Loc

EMIT_METHODS = frozenset({"emit", "async_emit", "emit_nowait", "async_emit_nowait"})
"""The methods whose first argument is an event name."""
PAUSE_METHODS = frozenset({"pause_for", "async_pause_for"})
HIDDEN_STARTS = frozenset({"start", "async_start", "get_runtime_stream", "get_async_runtime_stream"})
"""The flow methods that run it in a hidden execution (one that cannot be saved)."""

__all__ = (
    "EMIT_METHODS",
    "HIDDEN_STARTS",
    "PAUSE_METHODS",
    "Assign",
    "Attribute",
    "Block",
    "Call",
    "ClassDef",
    "Const",
    "DictExpr",
    "Emit",
    "Expr",
    "ExprStmt",
    "Field",
    "FunctionDef",
    "Import",
    "Lambda",
    "ModuleSummary",
    "Name",
    "Opaque",
    "Param",
    "Return",
    "SeqExpr",
    "Stmt",
    "creates_flow",
)


# -- expressions ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Name:
    """A bare name: ``flow``."""

    id: str
    loc: Loc


@dataclass(frozen=True, slots=True)
class Attribute:
    """``value.attr``; ``loc`` is the ``attr`` token."""

    value: Expr
    attr: str
    loc: Loc


@dataclass(frozen=True, slots=True)
class Call:
    """``func(*args, **kwargs)``.

    ``loc`` is the called name's token (``to`` in ``flow.to(x)``), as the runtime's call
    sites are; ``start`` is where the whole call expression begins. ``starred`` is the
    location of the first ``*args`` / ``**kwargs`` argument, if there is one.
    """

    func: Expr
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str, Expr], ...]
    loc: Loc
    start: Loc
    starred: Loc | None = None


@dataclass(frozen=True, slots=True)
class Const:
    """A literal str, bytes, int, float, complex, bool or None."""

    value: object
    loc: Loc


@dataclass(frozen=True, slots=True)
class DictExpr:
    """A dict display; a ``None`` key is a ``**mapping`` entry."""

    items: tuple[tuple[Expr | None, Expr], ...]
    loc: Loc


@dataclass(frozen=True, slots=True)
class SeqExpr:
    """A list, tuple or set display."""

    kind: Literal["list", "tuple", "set"]
    items: tuple[Expr, ...]
    loc: Loc


@dataclass(frozen=True, slots=True)
class Lambda:
    """A lambda (always an anonymous chunk or condition)."""

    loc: Loc


@dataclass(frozen=True, slots=True)
class Opaque:
    """Anything else (an f-string, an operator, a subscript...): its source text, shortened."""

    text: str
    loc: Loc


Expr: TypeAlias = Name | Attribute | Call | Const | DictExpr | SeqExpr | Lambda | Opaque


# -- statements ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assign:
    """``a = b = value`` (simple names only; other targets make ``targets`` empty)."""

    targets: tuple[str, ...]
    value: Expr
    loc: Loc


@dataclass(frozen=True, slots=True)
class ExprStmt:
    """An expression used as a statement (a builder chain, usually)."""

    value: Expr


@dataclass(frozen=True, slots=True)
class Return:
    value: Expr | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter: its name, annotation text, kind and default."""

    name: str
    annotation: str | None
    kind: Literal["positional", "keyword", "star", "starstar"]
    default: Expr | None = None


@dataclass(frozen=True, slots=True)
class Emit:
    """An ``emit`` / ``async_emit`` / ``emit_nowait`` call: the event name if it is a literal."""

    event: str | None
    loc: Loc
    text: str
    """The first argument's source text (for messages about computed names)."""


@dataclass(frozen=True, slots=True)
class FunctionDef:
    """A function. ``loc`` is what ``co_firstlineno`` gives: the first decorator's line, col 0."""

    name: str
    qualname: str
    loc: Loc
    is_async: bool
    decorators: tuple[Expr, ...]
    params: tuple[Param, ...]
    returns: str | None
    body: tuple[Stmt, ...]
    emits: tuple[Emit, ...]
    pauses: bool = False
    """Whether the body calls ``pause_for`` / ``async_pause_for`` (nested functions not counted)."""
    starts: tuple[tuple[str, Loc], ...] = ()
    """``name.start(...)``-style calls that run a flow in a hidden execution: receiver, location."""


@dataclass(frozen=True, slots=True)
class Field:
    """An annotated name in a class body: ``topic: str``."""

    name: str
    annotation: str
    loc: Loc


@dataclass(frozen=True, slots=True)
class ClassDef:
    """A class, with the annotated fields of its body (schemas are TypedDicts or dataclasses)."""

    name: str
    qualname: str
    loc: Loc
    bases: tuple[Expr, ...]
    keywords: tuple[tuple[str, Expr], ...]
    decorators: tuple[Expr, ...]
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class Import:
    """``import a.b as c`` (``name=None``) or ``from a.b import name as c`` (relative levels resolved).

    ``bind`` is the local name; for ``import a.b`` it is ``a`` and ``module`` is ``a``.
    ``name="*"`` is a star import.
    """

    module: str
    name: str | None
    bind: str
    loc: Loc


@dataclass(frozen=True, slots=True)
class Block:
    """A compound statement: what kind, its test, and its bodies in source order.

    ``kind`` is ``if``, ``main`` (``if __name__ == "__main__":``), ``for``, ``while``,
    ``with``, ``try`` or ``match``.
    """

    kind: Literal["if", "main", "for", "while", "with", "try", "match"]
    loc: Loc
    bodies: tuple[tuple[Stmt, ...], ...]
    test: Expr | None = None


Stmt: TypeAlias = Assign | ExprStmt | Return | FunctionDef | ClassDef | Import | Block


@dataclass(frozen=True, slots=True)
class ModuleSummary:
    """One checked file: its module name, its statements and whether it parsed."""

    path: str
    module: str
    body: tuple[Stmt, ...]
    is_package: bool = False
    syntax_error: tuple[str, int, int] | None = None
    """``(message, line, 0-based column)`` when the file does not parse."""
    ignores: tuple[tuple[int, tuple[str, ...]], ...] = ()
    """``# tfc: ignore[...]`` comments: line and codes (empty: every code)."""


def creates_flow(body: tuple[Stmt, ...]) -> bool:
    """Whether a function body calls something named ``TriggerFlow`` (a cheap syntactic test)."""
    return any(_mentions_flow(stmt) for stmt in body)


def _mentions_flow(node: object) -> bool:
    if isinstance(node, Call):
        func = node.func
        if (isinstance(func, Name) and func.id == "TriggerFlow") or (isinstance(func, Attribute) and func.attr == "TriggerFlow"):
            return True
        return _mentions_flow(func) or any(_mentions_flow(a) for a in node.args) or any(_mentions_flow(v) for _, v in node.kwargs)
    if isinstance(node, (Assign, ExprStmt)):
        return _mentions_flow(node.value)
    if isinstance(node, Return):
        return node.value is not None and _mentions_flow(node.value)
    if isinstance(node, Block):
        return any(_mentions_flow(s) for body in node.bodies for s in body)
    if isinstance(node, Attribute):
        return _mentions_flow(node.value)
    if isinstance(node, (SeqExpr,)):
        return any(_mentions_flow(i) for i in node.items)
    if isinstance(node, DictExpr):
        return any(_mentions_flow(v) for _, v in node.items)
    return False
