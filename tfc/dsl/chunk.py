"""`Chunk[In, Out]`: a handler registered under a name.

A chunk is what `@flow.chunk` returns: the handler plus its name, whether it is async,
and where it was defined. ``In`` is the ``data.value`` type the handler declares, ``Out``
what it returns; the builder uses them to type-check `.to()` edges.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic

from typing_extensions import TypeVar

from ..ir.nodes import ChunkRef, Loc
from .callsite import definition_site

if TYPE_CHECKING:
    from .data import TriggerFlowRuntimeData

__all__ = ("Chunk", "describe_callable")

In = TypeVar("In", contravariant=True, default=Any)
Out = TypeVar("Out", covariant=True, default=Any)


def describe_callable(fn: object) -> str:
    """``module:qualname`` of a function, ``<lambda>`` for lambdas."""
    qualname = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__
    if getattr(fn, "__name__", None) == "<lambda>":
        return "<lambda>"
    module = getattr(fn, "__module__", None) or "?"
    return f"{module}:{qualname}"


class Chunk(Generic[In, Out]):
    """A named handler: one node kind of a flow, usable at any number of steps.

    Calling a chunk calls its handler, so chunks stay testable as plain functions.
    """

    __slots__ = ("fn", "is_async", "loc", "name", "ref")

    name: str
    fn: Callable[[TriggerFlowRuntimeData[Any, Any]], Awaitable[Any] | Any]
    is_async: bool
    loc: Loc | None
    ref: ChunkRef

    def __init__(self, name: str, fn: Callable[..., Any]) -> None:
        self.name = name
        self.fn = fn
        self.is_async = inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
            getattr(fn, "__call__", None)
        )
        self.loc = definition_site(fn)
        self.ref = ChunkRef(name, describe_callable(fn), self.loc, self.is_async, fn)

    def __call__(self, data: TriggerFlowRuntimeData[In, Any]) -> Any:
        # Typed `In` (not Any) so a chunk never matches `Process.to`'s plain-callable
        # overloads when its input does not fit: the mismatch is then an error.
        return self.fn(data)

    def __repr__(self) -> str:
        return f"<Chunk {self.name!r} {self.ref.handler}>"
