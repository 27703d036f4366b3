"""The builder methods, statically: what `TriggerFlow` and `Process` do, on static values.

Each method mirrors its runtime twin in `tfc/dsl/flow.py` and `tfc/dsl/process.py` and records
through the same `GraphRecorder`, so both frontends build the same IR and report definition
mistakes with the same codes, messages and locations. Where the runtime raises, the static
side reports and stops following that chain (the call returns an `Unknown`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .. import diagnostics as codes
from ..diagnostics import Code, help_did_you_mean
from ..dsl.graph import Block
from ..dsl.paths import PathError, parse_capture, parse_write_back
from ..ir.nodes import ChunkRef, Condition, Loc, Signal
from .syntax import Call
from .values import (
    BoundMethod,
    ChunkDecorator,
    ChunkVal,
    External,
    FlowVal,
    FuncVal,
    LambdaVal,
    ProcessVal,
    Unknown,
)

__all__ = ("FLOW_METHODS", "PROCESS_METHODS", "Builder", "Stop")

_WHEN_SCOPES = ("event", "runtime_data", "flow_data", "collect", "chunk")

PROCESS_METHODS = frozenset(
    {
        "to",
        "side_branch",
        "batch",
        "for_each",
        "end_for_each",
        "if_condition",
        "elif_condition",
        "else_condition",
        "end_condition",
        "match",
        "case",
        "case_else",
        "end_match",
        "to_sub_flow",
        "end",
        "collect",
        "when",
    }
)
FLOW_METHODS = PROCESS_METHODS - {
    "end_for_each",
    "elif_condition",
    "else_condition",
    "end_condition",
    "case",
    "case_else",
    "end_match",
}

Report = Callable[[Code, str, Loc, "str | None"], None]
Args = tuple[object, ...]
Kwargs = dict[str, object]


class Stop(Exception):
    """A definition error was reported: the runtime would have raised here."""


def _describe(fn: object) -> str:
    if isinstance(fn, FuncVal):
        return fn.handler
    if isinstance(fn, LambdaVal):
        return "<lambda>"
    if isinstance(fn, External):
        module, _, name = fn.qualname.rpartition(".")
        return f"{module}:{name}"
    return "?"


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    return type(value).__name__


class Builder:
    """Applies builder calls to static values, reporting what the runtime would raise."""

    def __init__(self, report: Report, info: Callable[[Code, str, Loc], None]) -> None:
        self.report = report
        self.info = info

    def fail(self, code: Code, message: str, loc: Loc, help: str | None = None) -> Stop:
        self.report(code, message, loc, help)
        return Stop()

    # -- dispatch ----------------------------------------------------------------------

    def call(self, method: BoundMethod, args: Args, kwargs: Kwargs, call: Call) -> object:
        owner = method.owner
        if call.starred is not None:
            code = codes.DYNAMIC_CHUNK if method.name == "batch" else codes.DYNAMIC_FLOW
            self.info(code, f".{method.name}() gets arguments through * or **; tfc check cannot follow them", call.starred)
            return Unknown("dynamic", method.name, call.loc)
        try:
            if isinstance(owner, FlowVal):
                if method.name == "chunk":
                    return self.chunk_decorator(owner, args, call)
                process = ProcessVal(owner, owner.recorder.start)
            else:
                process = owner
            handler = getattr(self, f"_{method.name}")
            result: object = handler(process, call.loc, *args, **kwargs)
            return result
        except Stop:
            (owner if isinstance(owner, FlowVal) else owner.flow).failed = True
            return Unknown("error", method.name, call.loc)
        except TypeError:
            self.info(codes.DYNAMIC_FLOW, f".{method.name}() is called with arguments tfc check does not understand", call.loc)
            return Unknown("dynamic", method.name, call.loc)

    # -- chunks ------------------------------------------------------------------------

    def chunk_decorator(self, flow: FlowVal, args: Args, call: Call) -> object:
        if len(args) != 1:
            raise TypeError
        (arg,) = args
        if isinstance(arg, str):
            return ChunkDecorator(flow, arg, call.loc)
        if isinstance(arg, FuncVal):
            return self.register(flow, arg.node.name, arg, call.loc)
        if isinstance(arg, Unknown):
            return arg
        raise self.fail(codes.NOT_CALLABLE, f"@flow.chunk got {_type_name(arg)}, not a function", call.loc)

    def register(self, flow: FlowVal, name: str, fn: object, loc: Loc) -> ChunkVal:
        if not isinstance(fn, (FuncVal, LambdaVal, External, ChunkVal)):
            raise self.fail(codes.NOT_CALLABLE, f'chunk "{name}" is {_type_name(fn)}, not a function', loc)
        existing = flow.chunks.get(name)
        if existing is not None:
            if existing.fn is fn or (isinstance(fn, ChunkVal) and fn.fn is existing.fn):
                return existing
            raise self.fail(
                codes.DUPLICATE_CHUNK_NAME,
                f'chunk name "{name}" is already bound to {existing.ref.handler}; '
                f"cannot bind it to {_describe(fn)} too",
                loc,
                f'give this one its own name, e.g. ("{name}_2", fn)',
            )
        chunk = ChunkVal(name, fn, _chunk_ref(name, fn))
        flow.chunks[name] = chunk
        return chunk

    def resolve_chunk(self, flow: FlowVal, step: object, name: str | None, loc: Loc) -> ChunkVal:
        if isinstance(step, ChunkVal):
            return self.register(flow, name if name is not None else step.name, step.fn, loc)
        if isinstance(step, str):
            found = flow.chunks.get(step)
            if found is None:
                raise self.fail(
                    codes.UNKNOWN_CHUNK,
                    f'unknown chunk "{step}" in flow "{flow.name}"',
                    loc,
                    help_did_you_mean(step, flow.chunks) or "declare it with @flow.chunk first",
                )
            return found
        if isinstance(step, tuple) and len(step) == 2 and isinstance(step[0], str):
            return self.register(flow, step[0], step[1], loc)
        if isinstance(step, (FuncVal, External, LambdaVal)):
            if name is None:
                if isinstance(step, FuncVal):
                    name = step.node.name
                elif isinstance(step, External):
                    name = step.short
                else:
                    flow.lambdas += 1
                    name = f"<lambda#{flow.lambdas}>"
            return self.register(flow, name, step, loc)
        if isinstance(step, Unknown):
            self.unknown_step(step, loc)
            raise Stop
        raise self.fail(
            codes.NOT_CALLABLE,
            f"a step must be a chunk, a function, a chunk name or a (name, function) tuple; got {_type_name(step)}",
            loc,
        )

    def unknown_step(self, step: Unknown, loc: Loc) -> None:
        if step.reason == "unresolved":
            self.info(codes.UNRESOLVED_NAME, f'cannot resolve "{step.text}" to a chunk or function', step.loc or loc)
        elif step.reason != "error":
            self.info(codes.DYNAMIC_CHUNK, f'the step "{step.text}" is chosen at run time; tfc check cannot follow it', loc)

    @staticmethod
    def condition(value: object) -> Condition:
        if isinstance(value, (FuncVal, LambdaVal, External, ChunkVal)):
            text = value.ref.handler if isinstance(value, ChunkVal) else _describe(value)
            return Condition("callable", text)
        return Condition("literal", repr(value), value=value)

    def check_concurrency(self, concurrency: object, what: str, loc: Loc) -> int | None:
        if concurrency is None or isinstance(concurrency, Unknown):
            return None
        if not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1:
            raise self.fail(
                codes.INVALID_ARGUMENT, f"{what}(concurrency={concurrency!r}): use a positive int or None", loc
            )
        return concurrency

    # -- Process methods (named _<method>) ---------------------------------------------

    def _to(self, p: ProcessVal, loc: Loc, step: object, /, *, name: object = None) -> object:
        if isinstance(step, FlowVal):
            return self._attach_sub_flow(p, loc, step, None, None, name, None, False)
        chunk = self.resolve_chunk(p.flow, step, _opt_str(name), loc)
        node = p.flow.recorder.step(p.anchor, chunk.ref, loc)
        return ProcessVal(p.flow, node, p.blocks)

    def _side_branch(self, p: ProcessVal, loc: Loc, step: object, /, *, name: object = None) -> object:
        chunk = self.resolve_chunk(p.flow, step, _opt_str(name), loc)
        p.flow.recorder.step(p.anchor, chunk.ref, loc, side=True)
        return p

    def _batch(self, p: ProcessVal, loc: Loc, *steps: object, concurrency: object = None, side_branch: object = False) -> object:
        limit = self.check_concurrency(concurrency, "batch", loc)
        if not steps:
            raise self.fail(codes.INVALID_ARGUMENT, "batch() needs at least one chunk", loc)
        refs = [(self.resolve_chunk(p.flow, s, None, loc).ref, loc) for s in steps]
        node = p.flow.recorder.batch(p.anchor, refs, loc, concurrency=limit, side=bool(side_branch))
        return p if side_branch else ProcessVal(p.flow, node, p.blocks)

    def _for_each(self, p: ProcessVal, loc: Loc, *, concurrency: object = None) -> object:
        limit = self.check_concurrency(concurrency, "for_each", loc)
        node = p.flow.recorder.for_each(p.anchor, loc, limit)
        return ProcessVal(p.flow, node.body, (*p.blocks, Block(node)))

    def _end_for_each(self, p: ProcessVal, loc: Loc) -> object:
        node = p.flow.recorder.end_for_each(p.anchor, p.blocks, loc)
        if node is None:
            raise Stop
        return ProcessVal(p.flow, node, p.blocks[:-1])

    def _if_condition(self, p: ProcessVal, loc: Loc, condition: object, /) -> object:
        node, case = p.flow.recorder.branch(p.anchor, loc, form="if", mode="hit_first", first=self.condition(condition))
        return ProcessVal(p.flow, case.body if case else None, (*p.blocks, Block(node, case)))

    def _elif_condition(self, p: ProcessVal, loc: Loc, condition: object, /) -> object:
        return self._case_of(p, self.condition(condition), loc, "elif_condition()", "if")

    def _else_condition(self, p: ProcessVal, loc: Loc) -> object:
        return self._case_of(p, Condition("else", "else"), loc, "else_condition()", "if")

    def _end_condition(self, p: ProcessVal, loc: Loc) -> object:
        node = p.flow.recorder.end_branch(p.anchor, p.blocks, loc, word="end_condition()", form="if")
        if node is None:
            raise Stop
        return ProcessVal(p.flow, node, p.blocks[:-1])

    def _match(self, p: ProcessVal, loc: Loc, mode: object = "hit_first") -> object:
        if mode not in ("hit_first", "hit_all"):
            raise self.fail(codes.INVALID_ARGUMENT, f'match(mode={mode!r}): the mode is "hit_first" or "hit_all"', loc)
        node, _ = p.flow.recorder.branch(p.anchor, loc, form="match", mode=mode, first=None)
        return ProcessVal(p.flow, None, (*p.blocks, Block(node, None)))

    def _case(self, p: ProcessVal, loc: Loc, condition: object, /) -> object:
        return self._case_of(p, self.condition(condition), loc, "case()", "match")

    def _case_else(self, p: ProcessVal, loc: Loc) -> object:
        return self._case_of(p, Condition("else", "else"), loc, "case_else()", "match")

    def _end_match(self, p: ProcessVal, loc: Loc) -> object:
        node = p.flow.recorder.end_branch(p.anchor, p.blocks, loc, word="end_match()", form="match")
        if node is None:
            raise Stop
        return ProcessVal(p.flow, node, p.blocks[:-1])

    def _case_of(self, p: ProcessVal, cond: Condition, loc: Loc, word: str, form: Any) -> object:
        opened = p.flow.recorder.case(p.anchor, p.blocks, cond, loc, word=word, form=form)
        if opened is None:
            raise Stop
        node, case = opened
        return ProcessVal(p.flow, case.body, (*p.blocks[:-1], Block(node, case)))

    def _to_sub_flow(
        self,
        p: ProcessVal,
        loc: Loc,
        child: object,
        /,
        *,
        capture: object = None,
        write_back: object = None,
        name: object = None,
        concurrency: object = None,
        side_branch: object = False,
    ) -> object:
        return self._attach_sub_flow(p, loc, child, capture, write_back, name, concurrency, bool(side_branch))

    def _attach_sub_flow(
        self,
        p: ProcessVal,
        loc: Loc,
        child: object,
        capture: object,
        write_back: object,
        name: object,
        concurrency: object,
        side: bool,
    ) -> object:
        if isinstance(child, Unknown):
            self.unknown_step(child, loc)
            raise Stop
        if not isinstance(child, FlowVal):
            raise self.fail(codes.INVALID_ARGUMENT, f"to_sub_flow() needs a TriggerFlow, got {_type_name(child)}", loc)
        limit = self.check_concurrency(concurrency, "to_sub_flow", loc)
        cap = self._mapping(capture, "capture", loc)
        wb = self._mapping(write_back, "write_back", loc)
        try:
            cap_b = parse_capture(cap)[1] if cap is not None else None
            wb_b = parse_write_back(wb)[1] if wb is not None else None
        except PathError as exc:
            problem = exc.problem
            code = codes.DUPLICATE_WRITE_BACK_TARGET if problem.kind == "duplicate" else codes.MALFORMED_PATH
            raise self.fail(code, problem.message, loc, problem.help) from exc
        node = p.flow.recorder.sub_flow(
            p.anchor,
            _opt_str(name) or child.name,
            loc,
            capture=cap_b,
            write_back=wb_b,
            concurrency=limit,
            side=side,
            flow=child,
        )
        return p if side else ProcessVal(p.flow, node, p.blocks)

    def _mapping(self, value: object, role: str, loc: Loc) -> Mapping[str, object] | None:
        if value is None:
            return None
        unknown = next(_unknowns(value), None)
        if unknown is not None:
            where = unknown.loc or loc
            if unknown.reason == "unresolved":
                self.info(codes.UNRESOLVED_NAME, f'cannot resolve "{unknown.text}" in the {role} mapping', where)
            else:
                self.info(codes.DYNAMIC_FLOW, f'the {role} mapping uses "{unknown.text}", computed at run time', where)
            raise Stop
        if not isinstance(value, Mapping):
            raise self.fail(codes.MALFORMED_PATH, f"{role} must be a mapping, got {_type_name(value)}", loc)
        return value

    def _end(self, p: ProcessVal, loc: Loc) -> object:
        return ProcessVal(p.flow, p.flow.recorder.end(p.anchor, loc), p.blocks)

    def _collect(
        self, p: ProcessVal, loc: Loc, name: object, branch_id: object = None, mode: object = "filled_and_update"
    ) -> object:
        if not isinstance(name, str) or not (branch_id is None or isinstance(branch_id, str)):
            raise TypeError
        node = p.flow.recorder.collect(p.anchor, name, branch_id, mode, loc)  # type: ignore[arg-type]
        return ProcessVal(p.flow, node, p.blocks)

    def _when(self, p: ProcessVal, loc: Loc, trigger: object, /, *, mode: object = "and") -> object:
        flow = p.flow
        if mode not in ("and", "or", "simple_or"):
            raise self.fail(
                codes.MALFORMED_WHEN,
                f'when(..., mode={mode!r}): the mode is "and", "or" or "simple_or"',
                loc,
                help_did_you_mean(str(mode), ("and", "or", "simple_or")),
            )
        signals = tuple(self._signals(trigger, loc))
        if not signals:
            raise self.fail(codes.MALFORMED_WHEN, "when() needs at least one signal", loc)
        root = flow.recorder.add_root(signals, mode, loc)
        return ProcessVal(flow, root)

    def _signals(self, trigger: object, loc: Loc) -> Iterator[Signal]:
        if isinstance(trigger, str):
            yield Signal("event", trigger)
        elif isinstance(trigger, ChunkVal):
            yield Signal("chunk", trigger.name)
        elif isinstance(trigger, Mapping):
            for scope, names in trigger.items():
                if scope not in _WHEN_SCOPES:
                    raise self.fail(
                        codes.MALFORMED_WHEN,
                        f'when({{"{scope}": ...}}): unknown signal type "{scope}"',
                        loc,
                        help_did_you_mean(str(scope), _WHEN_SCOPES[:4])
                        or 'use "event", "runtime_data", "flow_data" or "collect"',
                    )
                for name in [names] if isinstance(names, (str, ChunkVal, Unknown)) else list(names):
                    if isinstance(name, ChunkVal):
                        yield Signal("chunk", name.name)
                    elif isinstance(name, str):
                        yield Signal(scope, name)
                    elif isinstance(name, Unknown):
                        self._unknown_signal(name, loc)
                    else:
                        raise self.fail(codes.MALFORMED_WHEN, f'when({{"{scope}": {name!r}}}): names are strings', loc)
        elif isinstance(trigger, (list, tuple)):
            for item in trigger:
                yield from self._signals(item, loc)
        elif isinstance(trigger, (FuncVal, LambdaVal, External)):
            raise self.fail(
                codes.MALFORMED_WHEN,
                f"when() got the plain function {_describe(trigger)}; it listens to chunks, not functions",
                loc,
                "pass the chunk returned by @flow.chunk, or the chunk's name",
            )
        elif isinstance(trigger, Unknown):
            self._unknown_signal(trigger, loc)
        else:
            raise self.fail(
                codes.MALFORMED_WHEN, f"when() got {_type_name(trigger)}; use an event name, a chunk or a dict", loc
            )

    def _unknown_signal(self, value: Unknown, loc: Loc) -> None:
        if value.reason == "unresolved":
            self.info(codes.UNRESOLVED_NAME, f'cannot resolve "{value.text}" in when()', value.loc or loc)
        elif value.reason != "error":
            self.info(codes.COMPUTED_EVENT_NAME, f'when() listens to "{value.text}", computed at run time', value.loc or loc)
        raise Stop


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _unknowns(value: object) -> Iterator[Unknown]:
    if isinstance(value, Unknown):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _unknowns(k)
            yield from _unknowns(v)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _unknowns(item)


def _chunk_ref(name: str, fn: object) -> ChunkRef:
    if isinstance(fn, ChunkVal):
        fn = fn.fn
    if isinstance(fn, FuncVal):
        return ChunkRef(name, fn.handler, fn.node.loc, fn.node.is_async)
    if isinstance(fn, LambdaVal):
        return ChunkRef(name, "<lambda>", Loc(fn.loc.file, fn.loc.line, 0), False)
    return ChunkRef(name, _describe(fn), None, False)
