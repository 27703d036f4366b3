"""The executable plan: chains of nodes the engine awaits directly.

A `Chain` is a maximal linear run of plan nodes followed by its forks (the successors of
its last node, plus the `when(chunk)` roots listening to it). Running a chain is a loop of
direct awaits; a task group opens only where a chain forks or a block fans out. Every node
maps a value to a value (``apply``); blocks return their joined result, and the markers
`MISSING` / `PAUSED` stop a chain.

A chain inside a block body knows where the body's exit is, and ``run`` returns the value
that reached it: that is how a for_each item, a batch branch or a case delivers its result
without any per-item bookkeeping on the fast path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ChunkError, ExecutionError
from ..ir.nodes import Loc, Signal
from ..runtime.fanout import fan_out
from ..runtime.markers import MISSING, PAUSED, Marker, Scope, Trigger

if TYPE_CHECKING:
    from ..runtime.activation import Activation

__all__ = (
    "BatchPlan",
    "BranchPlan",
    "CasePlan",
    "Chain",
    "CollectPlan",
    "EndPlan",
    "ForEachPlan",
    "Fork",
    "ListenerFork",
    "PlanNode",
    "RootPlan",
    "StepPlan",
)

_SEQUENCE_EXCLUDED = (str, bytes, bytearray)


class PlanNode:
    """One node of a chain: maps the incoming value to its output."""

    __slots__ = ("id", "loc")

    id: int
    loc: Loc

    async def apply(self, act: Activation, value: object, scope: Scope, trigger: Trigger | None) -> object:
        raise NotImplementedError

    def describe(self) -> str:
        return f"#{self.id}"


class Fork:
    """Something a chain hands its last value to: a successor chain or a listening root."""

    __slots__ = ()

    async def run(self, act: Activation, value: object, scope: Scope, trigger: Trigger | None) -> object:
        raise NotImplementedError


class Chain(Fork):
    """A linear run of nodes, then its forks. See the module docstring."""

    __slots__ = ("exit_at_input", "exit_pos", "fork_exit", "forks", "nodes")

    def __init__(
        self,
        nodes: tuple[PlanNode, ...],
        forks: tuple[Fork, ...],
        *,
        exit_pos: int = -1,
        fork_exit: int = -1,
        exit_at_input: bool = False,
    ) -> None:
        self.nodes = nodes
        self.forks = forks
        self.exit_pos = exit_pos
        self.fork_exit = fork_exit
        self.exit_at_input = exit_at_input

    async def run(self, act: Activation, value: object, scope: Scope, trigger: Trigger | None) -> object:
        result: object = value if self.exit_at_input else MISSING
        exit_pos = self.exit_pos
        i = 0
        for node in self.nodes:
            value = await node.apply(act, value, scope, trigger)
            if value.__class__ is Marker:
                if value is PAUSED and result is MISSING and (exit_pos >= i or self.fork_exit >= 0):
                    return PAUSED
                return result
            if i == exit_pos:
                result = value
            trigger = None
            i += 1
        forks = self.forks
        if not forks:
            return result
        if len(forks) == 1:
            out = await forks[0].run(act, value, scope, trigger)
            return out if self.fork_exit == 0 else result
        outs = await _run_forks(forks, act, value, scope, trigger)
        return outs[self.fork_exit] if self.fork_exit >= 0 else result


def _run_forks(
    forks: tuple[Fork, ...], act: Activation, value: object, scope: Scope, trigger: Trigger | None
) -> Awaitable[list[object]]:
    """Run every fork on the chain's last value concurrently; their outputs in fork order.

    Kept out of `Chain.run`: a closure there would make its captured variables cells, which
    every chain run would pay for (time and memory), forks or not.
    """

    def run_fork(k: int) -> Awaitable[object]:
        return forks[k].run(act, value, scope, trigger)

    return fan_out(len(forks), run_fork, None)


class RootPlan:
    """The chain of one root, and how its signals combine (`when` modes)."""

    __slots__ = ("chain", "direct", "id", "loc", "mode", "signals", "slots_key")

    def __init__(self, id: int, loc: Loc, signals: tuple[Signal, ...], mode: str, chain: Chain) -> None:
        self.id = id
        self.loc = loc
        self.signals = signals
        self.mode = mode
        self.chain = chain
        self.direct = len(signals) == 1 or mode == "simple_or"
        """The chain runs on the bare value of every signal (no join, no tagging)."""

    def fire(self, act: Activation, signal: Signal, value: object, scope: Scope, trigger: Trigger) -> Awaitable[object]:
        """Run the chain for one arriving signal; the awaitable gives the chain's result.

        Not a coroutine function: a single-signal root hands back its chain's own coroutine,
        so routing a signal costs no coroutine frame of its own (nested emits would pay one per hop).
        """
        if self.direct:
            return self.chain.run(act, value, scope, trigger)
        return self._combine(act, signal, value, scope, trigger)

    async def _combine(self, act: Activation, signal: Signal, value: object, scope: Scope, trigger: Trigger) -> object:
        if self.mode == "or":
            return await self.chain.run(act, (_type_name(signal), signal.name, value), scope, trigger)
        joins = act.execution.joins
        key = (self.id, _join_scope(act, scope))
        slots = joins.get(key)
        if slots is None:
            slots = joins[key] = {}
        slots[(signal.kind, signal.name)] = value
        if len(slots) < len(self.signals):
            return MISSING
        del joins[key]
        grouped: dict[str, dict[str, object]] = {}
        for s in self.signals:
            grouped.setdefault(_type_name(s), {})[s.name] = slots[(s.kind, s.name)]
        return await self.chain.run(act, grouped, scope, trigger)


def _join_scope(act: Activation, scope: Scope) -> Scope:
    """The part of *scope* an and-`when` keeps its slots per: the for_each items only (B3).

    Batch branches and match cases are different paths of one instance, like two chains off
    START, so signals from them join; items of a for_each are instances of one body, so each
    item joins its own signals.
    """
    if not scope:
        return scope
    nodes = act.plan.nodes
    return tuple(entry for entry in scope if nodes.get(entry[0]).__class__ is ForEachPlan)


def _type_name(signal: Signal) -> str:
    return "event" if signal.kind in ("event", "chunk") else signal.kind


class ListenerFork(Fork):
    """A `when(chunk)` root fired with a step's output, as one more fork of its chain."""

    __slots__ = ("root", "signal", "trigger")

    def __init__(self, root: RootPlan, signal: Signal, chunk: str) -> None:
        self.root = root
        self.signal = signal
        self.trigger = Trigger(chunk, "event", "chunk")

    async def run(self, act: Activation, value: object, scope: Scope, trigger: Trigger | None) -> object:
        await self.root.fire(act, self.signal, value, scope, self.trigger)
        return MISSING


class StepPlan(PlanNode):
    """Call one chunk."""

    __slots__ = ("chunk", "fn", "is_async", "trigger", "where")

    def __init__(self, id: int, loc: Loc, chunk: str, fn: Callable[..., Any], is_async: bool, trigger: Trigger) -> None:
        self.id = id
        self.loc = loc
        self.chunk = chunk
        self.fn = fn
        self.is_async = is_async
        self.trigger = trigger
        self.where = str(loc)

    def describe(self) -> str:
        return f'chunk "{self.chunk}"'

    async def apply(self, act: Activation, value: object, scope: Scope, trigger: Trigger | None) -> object:
        data = act.make_data(value, scope, trigger or self.trigger, self)
        limiter = act.limiter
        try:
            if limiter is None:
                out = self.fn(data)
                if self.is_async or hasattr(out, "__await__"):
                    out = await out
            else:
                await limiter.acquire()
                data._permit = True
                try:
                    out = self.fn(data)
                    if self.is_async or hasattr(out, "__await__"):
                        out = await out
                finally:
                    if data._permit:  # not when cancelled while taking it back after an emit
                        data._permit = False
                        limiter.release()
        except ExecutionError:
            raise
        except Exception as exc:
            return act.execution.fail_step(self, exc)
        if data._paused:
            return PAUSED
        return out

    def error(self, exc: BaseException, flow_name: str) -> ChunkError:
        return ChunkError(
            f'chunk "{self.chunk}" failed at {self.where} (flow "{flow_name}"): {type(exc).__name__}: {exc}',
            flow_name=flow_name,
            chunk=self.chunk,
            where=self.where,
        )


class BatchPlan(PlanNode):
    """Run every branch on the same input; join ``{chunk_name: result}`` in declaration order."""

    __slots__ = ("branches", "concurrency", "names")

    def __init__(self, id: int, loc: Loc, branches: tuple[Chain, ...], names: tuple[str, ...], concurrency: int | None) -> None:
        self.id = id
        self.loc = loc
        self.branches = branches
        self.names = names
        self.concurrency = concurrency

    async def apply(self, act: Activation, value: object, scope: Scope, trigger: Trigger | None) -> object:
        branches = self.branches
        sid = self.id

        def run_branch(i: int) -> Awaitable[object]:
            return branches[i].run(act, value, (*scope, (sid, i)), trigger)

        results = await fan_out(len(branches), run_branch, self.concurrency)
        for r in results:
            if r.__class__ is Marker:
                return act.execution.incomplete_join(self, scope, results, self.names)
        return dict(zip(self.names, results))


class ForEachPlan(PlanNode):
    """Run the body once per item; join the per-item results in input order."""

    __slots__ = ("body", "concurrency")

    def __init__(self, id: int, loc: Loc, body: Chain, concurrency: int | None) -> None:
        self.id = id
        self.loc = loc
        self.body = body
        self.concurrency = concurrency

    async def apply(self, act: Activation, value: object, scope: Scope, trigger: Trigger | None) -> object:
        items: Sequence[object]
        if value.__class__ is list or value.__class__ is tuple:
            items = value  # type: ignore[assignment,unused-ignore]
        elif isinstance(value, Sequence) and not isinstance(value, _SEQUENCE_EXCLUDED):
            items = value
        else:
            items = (value,)
        n = len(items)
        if n == 0:
            return []
        body = self.body
        sid = self.id

        def run_item(i: int) -> Awaitable[object]:
            return body.run(act, items[i], (*scope, (sid, i)), None)

        results = await fan_out(n, run_item, self.concurrency)
        for r in results:
            if r.__class__ is Marker:
                return act.execution.incomplete_join(self, scope, results, None)
        return results


class CasePlan:
    """One case: a condition and the chain it routes to."""

    __slots__ = ("body", "fn", "is_else", "literal", "loc", "text")

    def __init__(self, loc: Loc, kind: str, text: str, fn: object, literal: object, body: Chain) -> None:
        self.loc = loc
        self.is_else = kind == "else"
        self.fn = fn if kind == "callable" else None
        self.literal = literal
        self.text = text
        self.body = body

    async def hits(self, act: Activation, value: object, scope: Scope, trigger: Trigger | None, owner: BranchPlan) -> bool:
        if self.is_else:
            return True
        fn = self.fn
        if fn is None:
            return bool(value == self.literal)
        data = act.make_data(value, scope, trigger or START_CONDITION, owner)
        try:
            out = fn(data)  # type: ignore[operator]
            if hasattr(out, "__await__"):
                out = await out
        except ExecutionError:
            raise
        except Exception as exc:
            act.execution.fail_step(owner, exc, what=f"condition {self.text}")
            return False
        return bool(out)


START_CONDITION = Trigger("condition", "event", "chunk")


class BranchPlan(PlanNode):
    """`match` / `if_condition`: hit_first routes to one case, hit_all to every hitting case."""

    __slots__ = ("cases", "hit_all", "label")

    def __init__(self, id: int, loc: Loc, cases: tuple[CasePlan, ...], hit_all: bool, label: str) -> None:
        self.id = id
        self.loc = loc
        self.cases = cases
        self.hit_all = hit_all
        self.label = label

    def describe(self) -> str:
        return self.label

    async def apply(self, act: Activation, value: object, scope: Scope, trigger: Trigger | None) -> object:
        sid = self.id
        if not self.hit_all:
            for i, case in enumerate(self.cases):
                if await case.hits(act, value, scope, trigger, self):
                    return await case.body.run(act, value, (*scope, (sid, i)), trigger)
            return value
        hit = [i for i, case in enumerate(self.cases) if not case.is_else and await case.hits(act, value, scope, trigger, self)]
        if not hit:
            hit = [i for i, case in enumerate(self.cases) if case.is_else]
            if not hit:
                return value
        cases = self.cases

        def run_case(k: int) -> Awaitable[object]:
            i = hit[k]
            return cases[i].body.run(act, value, (*scope, (sid, i)), trigger)

        results = await fan_out(len(hit), run_case, None)
        for r in results:
            if r.__class__ is Marker:
                return act.execution.incomplete_join(self, scope, results, list(hit))
        return results


class EndPlan(PlanNode):
    """`.end()`: the first value to arrive becomes ``$final_result``; later ones are ignored."""

    __slots__ = ()

    def __init__(self, id: int, loc: Loc) -> None:
        self.id = id
        self.loc = loc

    async def apply(self, act: Activation, value: object, scope: Scope, trigger: Trigger | None) -> object:
        act.end(value)  # the first value to arrive
        return value


class CollectPlan(PlanNode):
    """`.collect(name, branch_id)`: deliver into the named collection; the collection continues."""

    __slots__ = ("branch_id", "name")

    def __init__(self, id: int, loc: Loc, name: str, branch_id: str) -> None:
        self.id = id
        self.loc = loc
        self.name = name
        self.branch_id = branch_id

    async def apply(self, act: Activation, value: object, scope: Scope, trigger: Trigger | None) -> object:
        await act.collect(self.name, self.branch_id, value, scope)
        return MISSING
