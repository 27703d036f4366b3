"""Reading a builder call: its receiver's schemas and its arguments by parameter name."""

from __future__ import annotations

from mypy.nodes import ArgKind, Expression, NameExpr
from mypy.plugin import MethodContext
from mypy.types import Instance, Type, get_proper_type

from ._types import FLOW, PROCESS

__all__ = ("arguments", "first_expr", "first_type", "flow_state", "is_side_branch", "receiver")


def receiver(typ: Type) -> tuple[Type | None, Type | None]:
    """``(state schema, current value)`` of a `Process` receiver; a flow has no value yet."""
    proper = get_proper_type(typ)
    if isinstance(proper, Instance) and proper.type.fullname == PROCESS and len(proper.args) == 2:
        return proper.args[0], proper.args[1]
    if isinstance(proper, Instance) and proper.type.fullname == FLOW and proper.args:
        return proper.args[0], None
    return None, None


def flow_state(typ: Type | None) -> Type | None:
    """``State`` of a ``TriggerFlow[State]``, else None."""
    proper = get_proper_type(typ)
    if isinstance(proper, Instance) and proper.type.fullname == FLOW and proper.args:
        return proper.args[0]
    return None


def arguments(
    ctx: MethodContext, name: str, position: int | None = None
) -> list[tuple[Expression, Type, ArgKind]] | None:
    """The actual arguments given for parameter *name*, or None if it has no such parameter.

    Positional-only parameters have no name in the signature: give their *position*.
    """
    names = ctx.callee_arg_names
    if name in names:
        i = names.index(name)
    elif position is not None and position < len(names) and names[position] is None:
        i = position
    else:
        return None
    return list(zip(ctx.args[i], ctx.arg_types[i], ctx.arg_kinds[i], strict=True))


def first_expr(ctx: MethodContext, name: str, position: int | None = None) -> Expression | None:
    """The expression passed for parameter *name* (at *position* if positional-only), or None."""
    given = arguments(ctx, name, position)
    return given[0][0] if given else None


def first_type(ctx: MethodContext, name: str, position: int | None = None) -> Type | None:
    """The type of the argument passed for parameter *name*, or None."""
    given = arguments(ctx, name, position)
    return given[0][1] if given else None


def is_side_branch(ctx: MethodContext) -> bool:
    """``side_branch=True`` was passed: the tail does not move."""
    expr = first_expr(ctx, "side_branch")
    return isinstance(expr, NameExpr) and expr.fullname == "builtins.True"
