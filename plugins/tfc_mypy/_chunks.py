"""Where chunks and flows are made: record their names on their types (`_types.with_chunk_name`).

``@flow.chunk`` names the chunk after the function; ``@flow.chunk("name")`` and
``Chunk("name", fn)`` after the string. The name travels from ``flow.chunk("name")`` (a
`_ChunkDecorator`) to the `Chunk` its ``__call__`` returns. ``TriggerFlow(name="child")``
records the flow's name, which messages about a sub-flow quote.
"""

from __future__ import annotations

from mypy.nodes import Decorator, Expression, FuncDef, RefExpr, StrExpr
from mypy.plugin import FunctionContext, MethodContext
from mypy.types import CallableType, Type, get_proper_type

from ._types import chunk_name, literal_str, with_chunk_name

__all__ = ("on_chunk_call", "on_chunk_decorator_call", "on_chunk_init", "on_flow_init")


def on_chunk_call(ctx: MethodContext) -> Type:
    """``flow.chunk(fn)`` / ``@flow.chunk`` / ``flow.chunk("name")``."""
    if not ctx.args or not ctx.args[0]:
        return ctx.default_return_type
    arg = ctx.args[0][0]
    name = _literal(arg, ctx.arg_types[0][0]) or _function_name(arg, ctx.arg_types[0][0], ctx)
    if name is None:
        return ctx.default_return_type
    return with_chunk_name(ctx.default_return_type, name, ctx.api)


def on_chunk_decorator_call(ctx: MethodContext) -> Type:
    """``flow.chunk("name")(fn)``: the chunk gets the decorator's name."""
    name = chunk_name(ctx.type)
    if name is None:
        return ctx.default_return_type
    return with_chunk_name(ctx.default_return_type, name, ctx.api)


def on_chunk_init(ctx: FunctionContext) -> Type:
    """``Chunk("name", fn)``."""
    if not ctx.args or not ctx.args[0]:
        return ctx.default_return_type
    name = _literal(ctx.args[0][0], ctx.arg_types[0][0])
    if name is None:
        return ctx.default_return_type
    return with_chunk_name(ctx.default_return_type, name, ctx.api)


def _literal(arg: Expression, typ: Type) -> str | None:
    if isinstance(arg, StrExpr):
        return arg.value
    return literal_str(typ)


def _function_name(arg: Expression, typ: Type, ctx: MethodContext) -> str | None:
    """``fn.__name__`` of the function being registered, when it is known statically."""
    if isinstance(ctx.context, Decorator):  # @flow.chunk on a def
        return ctx.context.func.name
    if isinstance(arg, RefExpr) and isinstance(arg.node, (FuncDef, Decorator)):
        return arg.node.name
    proper = get_proper_type(typ)
    if isinstance(proper, CallableType) and isinstance(proper.definition, FuncDef):
        return proper.definition.name
    return None


def on_flow_init(ctx: FunctionContext) -> Type:
    """``TriggerFlow(name="...")``."""
    if "name" not in ctx.callee_arg_names:
        return ctx.default_return_type
    i = ctx.callee_arg_names.index("name")
    if not ctx.args[i]:
        return ctx.default_return_type
    name = _literal(ctx.args[i][0], ctx.arg_types[i][0])
    if name is None:
        return ctx.default_return_type
    return with_chunk_name(ctx.default_return_type, name, ctx.api)
