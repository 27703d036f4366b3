"""The resolve pass: interpret module summaries the way Python would run them, without running them.

Modules run top to bottom; an import of a project module runs that module first (once), so
flows, chunks and constants defined in one file and used in another resolve as they would
at import time. Calls of project functions are followed (helpers that build or return
flows and processes), calls of async functions are not (they only make a coroutine).
Builder calls on flows go to `Builder`, which records through the shared `GraphRecorder`.

What cannot be followed is reported as a ``TFC9xx`` information diagnostic: builder calls
inside loops or conditionals, names that resolve to nothing, computed arguments. Functions
that create a flow but are never called by module code are interpreted on their own (their
parameters unknown), so flows built by ``build_flow()`` factories are checked too.

Imports and reads of other modules' names are `modules.ModuleLoader`'s part; with a
tracker (`units.Tracker`) each module's reads, reports and calls are recorded so its
results can be cached and re-run on their own.
"""

from __future__ import annotations

import builtins
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import diagnostics as codes
from ..diagnostics import Code, Diagnostic, Location
from ..dsl.graph import GraphRecorder
from ..ir.nodes import FlowIR, Loc, Schemas
from .builder import FLOW_METHODS, PROCESS_METHODS, Builder
from .modules import Finder, ModuleLoader, _Return, _Scope
from .syntax import (
    HIDDEN_STARTS,
    Assign,
    Attribute,
    Block,
    Call,
    ClassDef,
    Const,
    DictExpr,
    Expr,
    ExprStmt,
    FunctionDef,
    Import,
    Lambda,
    ModuleSummary,
    Name,
    Opaque,
    Return,
    SeqExpr,
    Stmt,
    creates_flow,
)
from .values import (
    BoundMethod,
    ChunkDecorator,
    ChunkVal,
    ClassVal,
    External,
    FlowVal,
    FuncVal,
    LambdaVal,
    ModuleVal,
    ProcessVal,
    Unknown,
)

if TYPE_CHECKING:
    from .units import Tracker

__all__ = ("Resolution", "resolve")

TRIGGER_FLOW_NAMES = frozenset({"tfc.TriggerFlow", "tfc.dsl.flow.TriggerFlow", "tfc.dsl.TriggerFlow"})
_BUILTINS = frozenset(dir(builtins))
_MAX_DEPTH = 12
_BLOCK_WORDS = {"if": "an if statement", "for": "a for loop", "while": "a while loop", "try": "an except or else clause", "match": "a match statement"}


@dataclass
class Resolution:
    """What the resolve pass found: every flow (in creation order) and the diagnostics so far."""

    flows: list[FlowVal]
    diagnostics: list[Diagnostic]
    globals: dict[str, dict[str, object]] = field(default_factory=dict)
    """Each module's names after it ran."""

    def chunk_functions(self) -> Iterator[tuple[FuncVal, FlowVal]]:
        """Each project function registered as a chunk, with its flow."""
        for flow in self.flows:
            for chunk in flow.chunks.values():
                if isinstance(chunk.fn, FuncVal):
                    yield chunk.fn, flow

    def irs(self) -> Iterator[tuple[FlowVal, FlowIR]]:
        """Each flow's IR, frozen from its recorder."""
        for flow in self.flows:
            refs = tuple(c.ref for c in flow.chunks.values())
            schemas = Schemas(**{k: v for k, v in flow.schemas.items() if k in _SCHEMA_ROLES})
            yield flow, flow.recorder.freeze(refs, schemas, flow.schema_names)


_SCHEMA_ROLES = ("state", "input", "result", "stream", "resources")


def resolve(
    summaries: Iterable[ModuleSummary], find: Finder | None = None, tracker: Tracker | None = None
) -> Resolution:
    """Interpret every module of the project; see the module docstring.

    Args:
        summaries: The checked files. Their flows are the ones reported.
        find: Where imports of other project modules are looked up.
        tracker: Told what each module reads, reports and calls (see `Tracker`).
    """
    return _Interpreter({s.module: s for s in summaries}, find, tracker).run()


class _Interpreter(ModuleLoader):
    def __init__(self, summaries: dict[str, ModuleSummary], find: Finder | None, tracker: Tracker | None = None) -> None:
        self.summaries = dict(summaries)
        self.checked = list(summaries)
        self.find = find
        self.missing: set[str] = set()
        self.globals: dict[str, dict[str, object]] = {}
        self.stars: dict[str, list[str]] = {}
        self.loading: set[str] = set()
        self.flows: list[FlowVal] = []
        self.diagnostics: list[Diagnostic] = []
        self.called: set[int] = set()
        self.stack: list[int] = []
        self.dynamic: tuple[str, Loc] | None = None
        self.sandbox = 0
        self.sandboxes = 0
        self._reported: set[tuple[str, str, int, int, str]] = set()
        self.builder = Builder(self.report, self.info)
        self.tracker = tracker
        self.units: list[str] = []
        """The modules whose code is running, innermost last (see `Tracker`)."""

    # -- diagnostics -------------------------------------------------------------------

    def report(self, code: Code, message: str, loc: Loc, help: str | None) -> None:
        unit = self.units[-1] if self.units else ""
        key = (unit, loc.file, loc.line, loc.column, code.id + message)
        if key in self._reported:
            return
        self._reported.add(key)
        diagnostic = Diagnostic(code, message, _location(loc), help=help)
        self.diagnostics.append(diagnostic)
        if self.tracker is not None:
            self.tracker.diagnostic(unit, diagnostic)

    def info(self, code: Code, message: str, loc: Loc) -> None:
        self.report(code, message, loc, None)

    # -- modules -----------------------------------------------------------------------

    def run(self) -> Resolution:
        for name in self.checked:
            self.load(name)
        for name in self.checked:
            summary = self.summaries[name]
            for stmt in summary.body:
                if isinstance(stmt, FunctionDef) and id(stmt) not in self.called and creates_flow(stmt.body):
                    self.sandboxes += 1
                    self.sandbox, saved = self.sandboxes, self.sandbox
                    self.units.append(name)
                    try:
                        fn = FuncVal(name, stmt, None)
                        self.call_function(fn, (), {}, stmt.loc, force=True)
                    finally:
                        self.sandbox = saved
                        self.units.pop()
        for name, summary in list(self.summaries.items()):
            self.units.append(name)
            try:
                self.find_starts(summary.body, name, self.globals.get(name, {}))
            finally:
                self.units.pop()
        return Resolution(self.flows, self.diagnostics, self.globals)

    def find_starts(self, body: tuple[Stmt, ...], module: str, env: dict[str, object]) -> None:
        """Record ``flow.start(...)``-style calls inside functions on the flows they name."""
        for stmt in body:
            if isinstance(stmt, FunctionDef):
                for receiver, loc in stmt.starts:
                    flow = self.read(module, env, receiver) if receiver in env else None
                    if isinstance(flow, FlowVal):
                        flow.hidden_starts.append(loc)
                self.find_starts(stmt.body, module, env)
            elif isinstance(stmt, Block):
                for inner in stmt.bodies:
                    self.find_starts(inner, module, env)

    # -- statements --------------------------------------------------------------------

    def exec_block(self, body: tuple[Stmt, ...], scope: _Scope) -> None:
        for stmt in body:
            self.exec(stmt, scope)

    def exec(self, stmt: Stmt, scope: _Scope) -> None:
        if isinstance(stmt, ExprStmt):
            self.eval(stmt.value, scope)
        elif isinstance(stmt, Assign):
            value = self.eval(stmt.value, scope)
            for target in stmt.targets:
                scope.vars[target] = value
        elif isinstance(stmt, FunctionDef):
            scope.vars[stmt.name] = self.define(stmt, scope)
        elif isinstance(stmt, ClassDef):
            scope.vars[stmt.name] = ClassVal(scope.module, stmt)
        elif isinstance(stmt, Import):
            self.do_import(stmt, scope)
        elif isinstance(stmt, Return):
            raise _Return(None if stmt.value is None else self.eval(stmt.value, scope))
        elif isinstance(stmt, Block):
            self.exec_compound(stmt, scope)

    def exec_compound(self, stmt: Block, scope: _Scope) -> None:
        if stmt.kind == "main":
            return
        if stmt.kind == "with":
            for body in stmt.bodies:
                self.exec_block(body, scope)
            return
        if stmt.test is not None:
            self.eval(stmt.test, scope)
        saved = self.dynamic
        for index, body in enumerate(stmt.bodies):
            straight = stmt.kind == "try" and index == 0
            if not straight and self.dynamic is None:
                self.dynamic = (stmt.kind, stmt.loc)
            try:
                self.exec_block(body, scope)
            finally:
                self.dynamic = saved

    def define(self, node: FunctionDef, scope: _Scope) -> object:
        value: object = FuncVal(scope.module, node, scope if scope.is_function else None)
        for decorator in reversed(node.decorators):
            deco = self.eval(decorator, scope)
            if isinstance(deco, BoundMethod) and deco.name == "chunk" and isinstance(deco.owner, FlowVal):
                if self.blocked(deco.owner, deco.loc):
                    return Unknown("dynamic", node.name, node.loc)
                value = self.register(deco.owner, node.name, value, deco.loc)
            elif isinstance(deco, ChunkDecorator):
                if self.blocked(deco.flow, deco.loc):
                    return Unknown("dynamic", node.name, node.loc)
                value = self.register(deco.flow, deco.name, value, deco.loc)
            elif isinstance(deco, Unknown) and deco.reason == "error":
                return deco
        return value

    def register(self, flow: FlowVal, name: str, fn: object, loc: Loc) -> object:
        from .builder import Stop

        target = fn.fn if isinstance(fn, ChunkVal) else fn
        try:
            return self.builder.register(flow, name, target, loc)
        except Stop:
            flow.failed = True
            return Unknown("error", name, loc)

    # -- expressions -------------------------------------------------------------------

    def lookup(self, name: str, scope: _Scope, loc: Loc) -> object:
        current: _Scope | None = scope
        while current is not None:
            if name in current.vars:
                return current.vars[name]
            current = current.parent
        env = self.globals.get(scope.module, {})
        if name in env:
            return self.read(scope.module, env, name)
        for star in self.stars.get(scope.module, ()):
            return External(f"{star}.{name}")
        if name in _BUILTINS:
            return External(f"builtins.{name}")
        return Unknown("unresolved", name, loc)

    def eval(self, expr: Expr, scope: _Scope) -> object:
        if isinstance(expr, Const):
            return expr.value
        if isinstance(expr, Name):
            return self.lookup(expr.id, scope, expr.loc)
        if isinstance(expr, Attribute):
            return self.attribute(self.eval(expr.value, scope), expr, scope)
        if isinstance(expr, Call):
            return self.call(expr, scope)
        if isinstance(expr, DictExpr):
            result: dict[object, object] = {}
            for key, value in expr.items:
                v = self.eval(value, scope)
                if key is None:
                    if isinstance(v, dict):
                        result.update(v)
                    else:
                        return Unknown("computed", "**" + _text(value, v), value.loc if hasattr(value, "loc") else expr.loc)
                    continue
                k = self.eval(key, scope)
                try:
                    result[k] = v
                except TypeError:
                    return Unknown("computed", "dict", expr.loc)
            return result
        if isinstance(expr, SeqExpr):
            items = [self.eval(item, scope) for item in expr.items]
            return items if expr.kind == "list" else tuple(items)
        if isinstance(expr, Lambda):
            return LambdaVal(expr.loc)
        return Unknown("computed", expr.text, expr.loc)

    def attribute(self, owner: object, expr: Attribute, scope: _Scope) -> object:
        attr = expr.attr
        if isinstance(owner, ModuleVal):
            full = f"{owner.name}.{attr}"
            if self.has_module(full):
                self.load(full)
                return ModuleVal(full)
            env = self.load(owner.name)
            if attr in env:
                return self.read(owner.name, env, attr)
            return Unknown("unresolved", full, expr.loc)
        if isinstance(owner, External):
            return External(f"{owner.qualname}.{attr}")
        if isinstance(owner, FlowVal):
            if attr in FLOW_METHODS or attr == "chunk":
                return BoundMethod(owner, attr, expr.loc)
            if attr == "start_process":
                return ProcessVal(owner, owner.recorder.start)
            if attr == "name":
                return owner.name
            if attr in HIDDEN_STARTS:
                owner.hidden_starts.append(expr.loc)
            return Unknown("dynamic", attr, expr.loc)
        if isinstance(owner, ProcessVal):
            if attr in PROCESS_METHODS:
                return BoundMethod(owner, attr, expr.loc)
            return Unknown("dynamic", attr, expr.loc)
        if isinstance(owner, ChunkVal) and attr == "name":
            return owner.name
        if isinstance(owner, Unknown):
            return owner
        return Unknown("computed", f"{_text(expr.value, owner)}.{attr}", expr.loc)

    def call(self, expr: Call, scope: _Scope) -> object:
        func = self.eval(expr.func, scope)
        args = tuple(self.eval(a, scope) for a in expr.args)
        kwargs = {k: self.eval(v, scope) for k, v in expr.kwargs}
        if isinstance(func, BoundMethod):
            flow = func.owner if isinstance(func.owner, FlowVal) else func.owner.flow
            if self.blocked(flow, expr.loc):
                return Unknown("dynamic", func.name, expr.loc)
            return self.builder.call(func, args, kwargs, expr)
        if isinstance(func, External) and func.qualname in TRIGGER_FLOW_NAMES:
            return self.create_flow(expr, args, kwargs, scope)
        if isinstance(func, ChunkDecorator):
            if len(args) == 1 and not self.blocked(func.flow, func.loc):
                return self.register(func.flow, func.name, args[0], func.loc)
            return Unknown("dynamic", func.name, expr.loc)
        if isinstance(func, FuncVal):
            if func.node.is_async:
                return Unknown("dynamic", f"{func.node.name}()", expr.loc)
            return self.call_function(func, args, kwargs, expr.loc)
        if isinstance(func, Unknown):
            return func
        return Unknown("dynamic", _text(expr.func, func) + "()", expr.loc)

    def blocked(self, flow: FlowVal, loc: Loc) -> bool:
        """Whether builder calls on *flow* are not followed here (and say so once)."""
        if self.sandbox and flow.sandbox != self.sandbox:
            return True
        if self.dynamic is not None:
            kind, where = self.dynamic
            self.info(
                codes.DYNAMIC_FLOW,
                f'flow "{flow.name}" is built inside {_BLOCK_WORDS.get(kind, kind)} (line {where.line}); '
                "tfc check does not follow builder calls there",
                loc,
            )
            return True
        return False

    def create_flow(self, expr: Call, args: tuple[object, ...], kwargs: dict[str, object], scope: _Scope) -> object:
        loc = Loc(expr.start.file, expr.start.line, 0)
        if self.dynamic is not None:
            kind, where = self.dynamic
            self.info(
                codes.DYNAMIC_FLOW,
                f"a flow is created inside {_BLOCK_WORDS.get(kind, kind)} (line {where.line}); tfc check does not follow it",
                expr.loc,
            )
            return Unknown("dynamic", "TriggerFlow()", expr.loc)
        name = args[0] if args else kwargs.get("name")
        if not isinstance(name, str) or not name:
            digest = hashlib.sha1(f"{loc.file}:{loc.line}".encode()).hexdigest()[:8]
            name = f"flow_{digest}"
        schemas: dict[str, object] = {}
        names: list[tuple[str, str]] = []
        for role in _SCHEMA_ROLES:
            value = kwargs.get(role)
            if value is None:
                continue
            schemas[role] = value
            names.append((role, _schema_name(value, expr, role)))
        recorder = GraphRecorder(name, loc, self.report)
        flow = FlowVal(name, loc, scope.module, recorder, tuple(names), schemas, sandbox=self.sandbox)
        self.flows.append(flow)
        return flow

    def call_function(
        self, fn: FuncVal, args: tuple[object, ...], kwargs: dict[str, object], loc: Loc, *, force: bool = False
    ) -> object:
        node = fn.node
        self.called.add(id(node))
        if self.tracker is not None and not force and fn.env is None and creates_flow(node.body):
            self.tracker.calls(self.units[-1] if self.units else fn.module, fn)
        if id(node) in self.stack or len(self.stack) >= _MAX_DEPTH:
            return Unknown("dynamic", f"{node.name}()", loc)
        parent = fn.env if isinstance(fn.env, _Scope) else None
        local = _Scope({}, fn.module, parent, is_function=True)
        positional = [p for p in node.params if p.kind == "positional"]
        for i, param in enumerate(positional):
            if i < len(args):
                local.vars[param.name] = args[i]
        for param in node.params:
            if param.name in kwargs:
                local.vars[param.name] = kwargs[param.name]
            elif param.name not in local.vars:
                if param.default is not None and not force:
                    local.vars[param.name] = self.eval(param.default, _Scope({}, fn.module))
                else:
                    local.vars[param.name] = Unknown("dynamic", param.name, loc)
        self.stack.append(id(node))
        try:
            self.exec_block(node.body, local)
        except _Return as ret:
            return ret.value
        finally:
            self.stack.pop()
        return None


def _location(loc: Loc) -> Location:
    return Location(loc.file, max(loc.line, 1), max(loc.column, 0))


def _text(expr: Expr, value: object) -> str:
    if isinstance(expr, Name):
        return expr.id
    if isinstance(expr, Attribute):
        return f"{_text(expr.value, None)}.{expr.attr}"
    if isinstance(expr, Opaque):
        return expr.text
    return type(value).__name__


def _schema_name(value: object, expr: Call, role: str) -> str:
    if isinstance(value, ClassVal):
        return value.node.name
    if isinstance(value, External):
        return value.short
    if isinstance(value, Unknown):
        text = value.text
        return text.partition("[")[0].rpartition(".")[2] or text
    return repr(value)
