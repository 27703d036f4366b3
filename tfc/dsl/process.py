"""`Process[StateT, T]`: a handle on the tail of a chain, with the builder methods.

Every builder call records into the flow's graph and returns a new handle at the new tail,
so several chains can hang off one point. ``T`` is the type of the value at the tail: a
`.to()` whose chunk cannot accept it is a type error in plain mypy or pyright.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, overload

from typing_extensions import TypeVar

from .callsite import call_site
from .chunk import Chunk
from .graph import Anchor, Block

if TYPE_CHECKING:
    from .data import TriggerFlowRuntimeData
    from .flow import TriggerFlow

__all__ = ("Process",)

S = TypeVar("S", default=Any)
T = TypeVar("T", covariant=True, default=Any)
U = TypeVar("U")
E = TypeVar("E")

Condition = Callable[["TriggerFlowRuntimeData[Any, Any]"], object] | object
"""A callable given the runtime data (truthy result = hit), or a literal compared with ``==``."""

ChunkLike = Chunk[Any, Any] | Callable[..., Any] | str | tuple[str, Callable[..., Any]]
MatchMode = Literal["hit_first", "hit_all"]
CollectMode = Literal["filled_and_update", "filled_then_empty"]


class Process(Generic[S, T]):
    """A chain's tail. See the module docstring."""

    __slots__ = ("_anchor", "_blocks", "_flow")

    def __init__(self, flow: TriggerFlow[Any], anchor: Anchor, blocks: tuple[Block, ...] = ()) -> None:
        self._flow = flow
        self._anchor = anchor
        self._blocks = blocks

    def _at(self, anchor: Anchor, blocks: tuple[Block, ...] | None = None) -> Process[Any, Any]:
        return Process(self._flow, anchor, self._blocks if blocks is None else blocks)

    # -- to -----------------------------------------------------------------------------

    @overload
    def to(self: Process[S, U], step: Chunk[U, E], /, *, name: str | None = None) -> Process[S, E]: ...
    @overload
    def to(
        self: Process[S, U],
        step: Callable[[TriggerFlowRuntimeData[U, Any]], Coroutine[Any, Any, E]],
        /,
        *,
        name: str | None = None,
    ) -> Process[S, E]: ...
    @overload
    def to(
        self: Process[S, U], step: Callable[[TriggerFlowRuntimeData[U, Any]], E], /, *, name: str | None = None
    ) -> Process[S, E]: ...
    @overload
    def to(self, step: str | tuple[str, Callable[..., Any]], /, *, name: str | None = None) -> Process[S, Any]: ...
    @overload
    def to(self, step: TriggerFlow[Any], /, *, name: str | None = None) -> Process[S, Any]: ...
    def to(self, step: Any, /, *, name: str | None = None) -> Process[Any, Any]:
        """Run *step* on the value at the tail; its output is the new tail's value.

        *step* is a chunk, a function (registered on the fly), a declared chunk's name, a
        ``(name, function)`` tuple, or a `TriggerFlow` (shorthand for `to_sub_flow`).

        Raises:
            FlowDefinitionError: An unknown chunk name, or something that is not callable.
        """
        loc = call_site("to")
        flow = self._flow
        from .flow import TriggerFlow

        if isinstance(step, TriggerFlow):
            return self._sub_flow(step, None, None, name, None, False, loc)
        chunk = flow._resolve_chunk(step, name, loc)
        node = flow._graph.step(self._anchor, chunk.ref, loc)
        return self._at(node)

    def side_branch(self, step: ChunkLike, /, *, name: str | None = None) -> Process[S, T]:
        """Attach *step* here without moving the tail: the next `.to()` gets the same value."""
        loc = call_site("side_branch")
        chunk = self._flow._resolve_chunk(step, name, loc)
        self._flow._graph.step(self._anchor, chunk.ref, loc, side=True)
        return self

    # -- fan-out ------------------------------------------------------------------------

    def batch(
        self: Process[S, U],
        *steps: Chunk[U, Any] | Callable[[TriggerFlowRuntimeData[U, Any]], Any] | str | tuple[str, Callable[..., Any]],
        concurrency: int | None = None,
        side_branch: bool = False,
    ) -> Process[S, Any]:
        """Run every step on the same value concurrently; continue with ``{chunk_name: result}``.

        The dict is in declaration order whatever the completion order. The `tfc.mypy`
        plugin types it as a TypedDict keyed by the chunks' names.

        Args:
            concurrency: Most branches running at once (FIFO start order). ``None``: no limit.
            side_branch: Leave the tail where it was.
        """
        loc = call_site("batch")
        flow = self._flow
        flow._check_concurrency(concurrency, "batch", loc)
        if not steps:
            flow._definition_error("INVALID_ARGUMENT", "batch() needs at least one chunk", loc, None)
        refs = [(flow._resolve_chunk(s, None, loc).ref, loc) for s in steps]
        node = flow._graph.batch(self._anchor, refs, loc, concurrency=concurrency, side=side_branch)
        return self if side_branch else self._at(node)

    def for_each(self: Process[S, Sequence[E]], *, concurrency: int | None = None) -> Process[S, E]:
        """Run the following steps once per item of the current value.

        A list or tuple (any non-string sequence) is iterated; any other value is one item.
        Close the block with `end_for_each()`.

        Args:
            concurrency: Most items in flight at once. ``None`` means no limit.
        """
        loc = call_site("for_each")
        self._flow._check_concurrency(concurrency, "for_each", loc)
        node = self._flow._graph.for_each(self._anchor, loc, concurrency)
        return self._at(node.body, (*self._blocks, Block(node)))

    def end_for_each(self) -> Process[S, list[T]]:
        """Close the innermost `for_each`; continue with the per-item results in input order."""
        loc = call_site("end_for_each")
        node = self._flow._graph.end_for_each(self._anchor, self._blocks, loc)
        return self._at(node, self._blocks[:-1])

    # -- branching ----------------------------------------------------------------------

    def if_condition(self, condition: Condition, /) -> Process[S, T]:
        """Open a condition block: the steps until the next `elif`/`else`/`end` run on a hit.

        A callable condition gets the runtime data and hits when its result is truthy (an
        awaitable result is awaited first); any other value hits when equal to the value.
        """
        loc = call_site("if_condition")
        cond = self._flow._condition(condition)
        node, case = self._flow._graph.branch(self._anchor, loc, form="if", mode="hit_first", first=cond)
        return self._at(case.body if case else None, (*self._blocks, Block(node, case)))

    def elif_condition(self, condition: Condition, /) -> Process[S, Any]:
        loc = call_site("elif_condition")
        return self._case(self._flow._condition(condition), loc, "elif_condition()", "if")

    def else_condition(self) -> Process[S, Any]:
        loc = call_site("else_condition")
        return self._case(self._flow._else(), loc, "else_condition()", "if")

    def end_condition(self) -> Process[S, Any]:
        """Close the condition block; continue with the winning branch's value (or the input)."""
        loc = call_site("end_condition")
        node = self._flow._graph.end_branch(self._anchor, self._blocks, loc, word="end_condition()", form="if")
        return self._at(node, self._blocks[:-1])

    def match(self, mode: MatchMode = "hit_first") -> Process[S, T]:
        """Open a match block; add cases with `case(...)`, close it with `end_match()`.

        ``hit_first`` runs the first hitting case; ``hit_all`` runs every hitting case
        concurrently and continues with their results in case order.
        """
        loc = call_site("match")
        if mode not in ("hit_first", "hit_all"):
            self._flow._definition_error(
                "INVALID_ARGUMENT", f'match(mode={mode!r}): the mode is "hit_first" or "hit_all"', loc, None
            )
        node, _ = self._flow._graph.branch(self._anchor, loc, form="match", mode=mode, first=None)
        return self._at(None, (*self._blocks, Block(node, None)))

    def case(self, condition: Condition, /) -> Process[S, Any]:
        loc = call_site("case")
        return self._case(self._flow._condition(condition), loc, "case()", "match")

    def case_else(self) -> Process[S, Any]:
        loc = call_site("case_else")
        return self._case(self._flow._else(), loc, "case_else()", "match")

    def end_match(self) -> Process[S, Any]:
        loc = call_site("end_match")
        node = self._flow._graph.end_branch(self._anchor, self._blocks, loc, word="end_match()", form="match")
        return self._at(node, self._blocks[:-1])

    def _case(self, cond: Any, loc: Any, word: str, form: Literal["match", "if"]) -> Process[Any, Any]:
        opened = self._flow._graph.case(self._anchor, self._blocks, cond, loc, word=word, form=form)
        if opened is None:
            return self
        node, case = opened
        return self._at(case.body, (*self._blocks[:-1], Block(node, case)))

    # -- sub-flows, sinks ---------------------------------------------------------------

    def to_sub_flow(
        self,
        child: TriggerFlow[Any],
        /,
        *,
        capture: Mapping[str, Any] | None = None,
        write_back: Mapping[str, Any] | None = None,
        name: str | None = None,
        concurrency: int | None = None,
        side_branch: bool = False,
    ) -> Process[S, Any]:
        """Run *child* as one step: isolated state, its own close, then this chain continues.

        Args:
            capture: What the child gets from here: ``"input"``, ``"state"`` (or
                ``"runtime_data"``), ``"resources"``, ``"flow_data"``. Sources are ``value``,
                ``state.<path>``, ``resources.<name>`` and ``flow_data.<path>``.
            write_back: What comes back: ``"value"`` and ``"state.<name>"`` targets, from
                ``result``, ``result.<path>``, ``snapshot`` or ``snapshot.<path>``.
            concurrency: The child execution's concurrency budget.
            side_branch: Leave the tail where it was.
        """
        loc = call_site("to_sub_flow")
        return self._sub_flow(child, capture, write_back, name, concurrency, side_branch, loc)

    def _sub_flow(
        self,
        child: TriggerFlow[Any],
        capture: Mapping[str, Any] | None,
        write_back: Mapping[str, Any] | None,
        name: str | None,
        concurrency: int | None,
        side_branch: bool,
        loc: Any,
    ) -> Process[Any, Any]:
        node = self._flow._attach_sub_flow(self._anchor, child, capture, write_back, name, concurrency, side_branch, loc)
        return self if side_branch else self._at(node)

    def end(self) -> Process[S, T]:
        """The first value to reach any `end()` becomes the compat result (``$final_result``)."""
        loc = call_site("end")
        node = self._flow._graph.end(self._anchor, loc)
        return self._at(node)

    def collect(
        self, name: str, branch_id: str | None = None, mode: CollectMode = "filled_and_update"
    ) -> Process[S, dict[str, Any]]:
        """Contribute the value to collection *name*; it continues once every branch delivered."""
        loc = call_site("collect")
        node = self._flow._graph.collect(self._anchor, name, branch_id, mode, loc)
        return self._at(node)

    def when(self, trigger: Any, /, *, mode: Literal["and", "or", "simple_or"] = "and") -> Process[S, Any]:
        """Start a new chain rooted at *trigger* (see `TriggerFlow.when`)."""
        return self._flow.when(trigger, mode=mode)

    def __repr__(self) -> str:
        return f"<Process of flow {self._flow.name!r}>"
