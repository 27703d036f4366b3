"""``batch(a, b, c)``: the result is a TypedDict keyed by the chunks' names.

At run time a batch continues with ``{chunk_name: result}``. Native typing can only say
``Any`` there (a name is a value, and no checker can build a TypedDict from arguments), so
the plugin builds ``TypedDict({"a": A, "b": B, "c": C})`` from the chunks' recorded names
and output types. A downstream chunk whose input TypedDict misnames a key or wants another
value type is then an ordinary argument error at its ``.to()``.

Whenever a branch's name is unknown (a lambda, ``*chunks``, a chunk whose name was not
recorded) or two branches share a name, the result stays ``Any``: never a guess.
"""

from __future__ import annotations

from mypy.nodes import ARG_POS, Decorator, Expression, FuncDef, RefExpr, StrExpr, TupleExpr
from mypy.plugin import MethodContext
from mypy.types import CallableType, Instance, TupleType, Type, TypedDictType, get_proper_type

from ._calls import arguments, is_side_branch
from ._types import PROCESS, any_type, chunk_name, chunk_output, unwrap_awaitable

__all__ = ("on_batch",)


def on_batch(ctx: MethodContext) -> Type:
    """`Process.batch` and `TriggerFlow.batch`."""
    default = get_proper_type(ctx.default_return_type)
    if not isinstance(default, Instance) or default.type.fullname != PROCESS or len(default.args) != 2:
        return ctx.default_return_type
    if is_side_branch(ctx):
        receiver = ctx.type
        if isinstance(receiver, Instance) and receiver.type.fullname == PROCESS:
            return receiver  # the tail does not move
        return ctx.default_return_type
    steps = arguments(ctx, "steps")
    if steps is None:
        return ctx.default_return_type
    items: dict[str, Type] = {}
    for expr, typ, kind in steps:
        branch = _branch(expr, typ) if kind == ARG_POS else None
        if branch is None or branch[0] in items:
            return ctx.default_return_type
        items[branch[0]] = _declared(branch[1])
    if not items:
        return ctx.default_return_type
    result = TypedDictType(items, set(items), set(), ctx.api.named_generic_type("typing._TypedDict", []))
    return default.copy_modified(args=[default.args[0], result])


def _declared(typ: Type) -> Type:
    """*typ* without an inferred literal value (``Literal[1]?`` is ``int`` once stored)."""
    proper = get_proper_type(typ)
    if isinstance(proper, Instance) and proper.last_known_value is not None:
        return proper.copy_modified(last_known_value=None)
    return typ


def _branch(expr: Expression, typ: Type) -> tuple[str, Type] | None:
    """``(name, output type)`` of one batch argument, or None when its name is unknown."""
    output = chunk_output(typ)
    if output is not None:
        name = chunk_name(typ)
        return None if name is None else (name, output)
    if isinstance(expr, StrExpr):  # a declared chunk, by name
        return expr.value, any_type()
    if isinstance(expr, TupleExpr) and len(expr.items) == 2 and isinstance(expr.items[0], StrExpr):
        proper = get_proper_type(typ)
        handler = proper.items[1] if isinstance(proper, TupleType) and len(proper.items) == 2 else None
        out = None if handler is None else _handler_output(handler)
        return expr.items[0].value, out if out is not None else any_type()
    if isinstance(expr, RefExpr) and isinstance(expr.node, (FuncDef, Decorator)):
        out = _handler_output(typ)
        return None if out is None else (expr.node.name, out)
    return None


def _handler_output(typ: Type) -> Type | None:
    """What a handler (a chunk or a plain function) gives a batch: its awaited result."""
    output = chunk_output(typ)
    if output is not None:
        return output
    proper = get_proper_type(typ)
    if not isinstance(proper, CallableType):
        return None
    definition = proper.definition
    if isinstance(definition, FuncDef) and definition.is_coroutine:
        return unwrap_awaitable(proper.ret_type)
    return proper.ret_type
