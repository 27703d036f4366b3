"""``.to(chunk)``: the next value is the chunk's output, even when its types hold an Any.

A `Chunk` is callable, so for ``.to(chunk)`` mypy also finds `.to()`'s overloads for plain
functions matching. When the chunk's types hold an ``Any`` (``Chunk[str, dict[str, Any]]``),
mypy cannot tell which overload the ``Any`` selects and types the call ``Process[Any, Any]``,
dropping the flow's state and the value type for every later edge. The chunk overload is
the one that applies: this hook gives its result, ``Process[State, Out]``.
"""

from __future__ import annotations

from mypy.plugin import MethodContext
from mypy.types import Instance, Type, get_proper_type

from ._calls import receiver
from ._types import PROCESS, chunk_output

__all__ = ("on_to",)


def on_to(ctx: MethodContext) -> Type:
    """``flow.to(chunk)`` / ``process.to(chunk)``: ``Process[State, Out]``."""
    if not ctx.arg_types or not ctx.arg_types[0]:
        return ctx.default_return_type
    out = chunk_output(ctx.arg_types[0][0])
    result = get_proper_type(ctx.default_return_type)
    state, _ = receiver(ctx.type)
    if out is None or state is None:
        return ctx.default_return_type
    if not (isinstance(result, Instance) and result.type.fullname == PROCESS and len(result.args) == 2):
        return ctx.default_return_type
    return result.copy_modified(args=[state, out])
