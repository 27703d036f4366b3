"""The index pass: read one file with libcst into a `ModuleSummary`, never importing it.

This is the only module that imports libcst. It keeps what the resolve pass needs (see
`syntax.py`) with libcst's positions: 1-based lines and 0-based code-point columns, the
same numbers the runtime frontend reads from bytecode for builder calls.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider
from libcst.metadata.position_provider import PositionProvidingCodegenState

from ..ir.nodes import Loc
from .syntax import (
    EMIT_METHODS,
    HIDDEN_STARTS,
    PAUSE_METHODS,
    Assign,
    Attribute,
    Block,
    Call,
    ClassDef,
    Const,
    DictExpr,
    Emit,
    Expr,
    ExprStmt,
    Field,
    FunctionDef,
    Import,
    Lambda,
    ModuleSummary,
    Name,
    Opaque,
    Param,
    Return,
    SeqExpr,
    Stmt,
    creates_flow,
)

__all__ = ("EMIT_METHODS", "HIDDEN_STARTS", "PAUSE_METHODS", "index_source")


_IGNORE = re.compile(r"#\s*tfc:\s*ignore(?:\[([^\]]*)\])?")
_OPAQUE_WIDTH = 60


def index_source(source: str, path: str, module: str, *, is_package: bool = False) -> ModuleSummary:
    """Summarise *source* (the text of *path*, importable as *module*).

    A file that does not parse gives a summary with ``syntax_error`` set and no statements.
    """
    ignores = _ignores(source)
    try:
        tree = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return ModuleSummary(path, module, (), is_package, _syntax_error(source, exc), ignores)
    reader = _Reader(tree, path, module, is_package, _positions(tree))
    body = reader.block(tree.body, "")
    return ModuleSummary(path, module, body, is_package, None, ignores)


def _positions(tree: cst.Module) -> dict[cst.CSTNode, CodeRange]:
    """Every node's position, from one code-generation pass over the tree.

    This is what `PositionProvider` computes, without `MetadataWrapper`'s extra visit of
    the whole tree (a third of the cost of indexing a file).
    """
    provider = PositionProvider()
    state = PositionProvidingCodegenState(
        default_indent=tree.default_indent, default_newline=tree.default_newline, provider=provider
    )
    tree._codegen(state)
    return cast("dict[cst.CSTNode, CodeRange]", provider._computed)


def _syntax_error(source: str, exc: cst.ParserSyntaxError) -> tuple[str, int, int]:
    """Python's own message and position when it has one (clearer than the parser's)."""
    import ast

    try:
        ast.parse(source)
    except SyntaxError as error:
        if error.lineno is not None:
            return (error.msg, error.lineno, max((error.offset or 1) - 1, 0))
    first = str(exc.message).strip().splitlines()
    return (first[0] if first else "invalid syntax", exc.raw_line, exc.raw_column)


def _ignores(source: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    if "tfc:" not in source:
        return ()
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        match = _IGNORE.search(line)
        if match is not None:
            codes = tuple(c.strip().upper() for c in (match.group(1) or "").split(",") if c.strip())
            found.append((number, codes))
    return tuple(found)


@dataclass
class _Calls:
    """What a function body calls that matters to the checks (nested functions excluded)."""

    found: list[Emit] = field(default_factory=list)
    pauses: bool = False
    starts: list[tuple[str, Loc]] = field(default_factory=list)


class _Reader:
    def __init__(
        self,
        tree: cst.Module,
        path: str,
        module: str,
        is_package: bool,
        positions: dict[cst.CSTNode, CodeRange],
    ) -> None:
        self.tree = tree
        self.path = path
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.positions = positions
        self.calls: list[_Calls] = []
        """One collector per function being read: its emits, pauses and hidden starts."""

    # -- helpers -----------------------------------------------------------------------

    def loc(self, node: cst.CSTNode) -> Loc:
        start = self.positions[node].start
        return Loc(self.path, start.line, start.column)

    def text(self, node: cst.CSTNode) -> str:
        code = " ".join(self.tree.code_for_node(node).split())
        return code if len(code) <= _OPAQUE_WIDTH else code[: _OPAQUE_WIDTH - 3] + "..."

    # -- statements --------------------------------------------------------------------

    def block(self, body: Sequence[cst.CSTNode], scope: str) -> tuple[Stmt, ...]:
        out: list[Stmt] = []
        for stmt in body:
            out.extend(self.statement(stmt, scope))
        return tuple(out)

    def suite(self, node: cst.BaseSuite, scope: str) -> tuple[Stmt, ...]:
        if isinstance(node, cst.IndentedBlock):
            return self.block(node.body, scope)
        if isinstance(node, cst.SimpleStatementSuite):
            return self.block(node.body, scope)
        return ()

    def statement(self, node: cst.CSTNode, scope: str) -> list[Stmt]:
        if isinstance(node, cst.SimpleStatementLine):
            return [s for small in node.body for s in self.small(small, scope)]
        if isinstance(node, cst.FunctionDef):
            return [self.function(node, scope)]
        if isinstance(node, cst.ClassDef):
            return [self.klass(node, scope)]
        if isinstance(node, cst.If):
            return [self.if_block(node, scope)]
        if isinstance(node, (cst.For, cst.While)):
            bodies = [self.suite(node.body, scope)]
            if node.orelse is not None:
                bodies.append(self.suite(node.orelse.body, scope))
            return [Block("for" if isinstance(node, cst.For) else "while", self.loc(node), tuple(bodies))]
        if isinstance(node, cst.With):
            return [Block("with", self.loc(node), (self.suite(node.body, scope),))]
        if isinstance(node, (cst.Try, cst.TryStar)):
            bodies = [self.suite(node.body, scope)]
            bodies += [self.suite(h.body, scope) for h in node.handlers]
            if node.orelse is not None:
                bodies.append(self.suite(node.orelse.body, scope))
            if node.finalbody is not None:
                bodies.append(self.suite(node.finalbody.body, scope))
            return [Block("try", self.loc(node), tuple(bodies))]
        if isinstance(node, cst.Match):
            return [Block("match", self.loc(node), tuple(self.suite(c.body, scope) for c in node.cases))]
        return []

    def if_block(self, node: cst.If, scope: str) -> Block:
        test = node.test
        if (
            isinstance(test, cst.Comparison)
            and isinstance(test.left, cst.Name)
            and test.left.value == "__name__"
            and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Equal)
        ):
            return Block("main", self.loc(node), (self.suite(node.body, scope),))
        bodies = [self.suite(node.body, scope)]
        orelse = node.orelse
        if isinstance(orelse, cst.If):
            bodies.append((self.if_block(orelse, scope),))
        elif isinstance(orelse, cst.Else):
            bodies.append(self.suite(orelse.body, scope))
        return Block("if", self.loc(node), tuple(bodies), self.expr(test))

    def small(self, node: cst.BaseSmallStatement, scope: str) -> list[Stmt]:
        if isinstance(node, cst.Expr):
            return [ExprStmt(self.expr(node.value))]
        if isinstance(node, cst.Assign):
            value = self.expr(node.value)
            if len(node.targets) == 1 and isinstance(node.targets[0].target, (cst.Tuple, cst.List)):
                return self.unpack(node.targets[0].target, node.value, value)
            names = tuple(t.target.value for t in node.targets if isinstance(t.target, cst.Name))
            if len(names) != len(node.targets):
                names = ()
            return [Assign(names, value, self.loc(node))]
        if isinstance(node, cst.AnnAssign):
            if node.value is None or not isinstance(node.target, cst.Name):
                return []
            return [Assign((node.target.value,), self.expr(node.value), self.loc(node))]
        if isinstance(node, cst.Return):
            return [Return(None if node.value is None else self.expr(node.value), self.loc(node))]
        if isinstance(node, cst.Import):
            return [self.import_name(alias) for alias in node.names]
        if isinstance(node, cst.ImportFrom):
            return self.import_from(node)
        return []

    def unpack(self, target: cst.Tuple | cst.List, raw: cst.BaseExpression, value: Expr) -> list[Stmt]:
        names = [e.value.value if isinstance(e.value, cst.Name) else None for e in target.elements]
        loc = self.loc(target)
        if isinstance(value, SeqExpr) and len(value.items) == len(names) and isinstance(raw, (cst.Tuple, cst.List)):
            return [Assign((n,), v, loc) for n, v in zip(names, value.items) if n is not None]
        return [Assign((n,), Opaque(self.text(raw), value.loc), loc) for n in names if n is not None]

    def import_name(self, alias: cst.ImportAlias) -> Import:
        dotted = _dotted(alias.name)
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            return Import(dotted, None, alias.asname.name.value, self.loc(alias))
        return Import(dotted.partition(".")[0], None, dotted.partition(".")[0], self.loc(alias))

    def import_from(self, node: cst.ImportFrom) -> list[Stmt]:
        base = _dotted(node.module) if node.module is not None else ""
        level = len(node.relative)
        if level:
            parts = self.package.split(".") if self.package else []
            if level - 1 > len(parts):
                return []
            anchor = parts[: len(parts) - (level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        if isinstance(node.names, cst.ImportStar):
            return [Import(base, "*", "*", self.loc(node))]
        out: list[Stmt] = []
        for alias in node.names:
            name = _dotted(alias.name)
            bind = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bind = alias.asname.name.value
            out.append(Import(base, name, bind, self.loc(alias)))
        return out

    def function(self, node: cst.FunctionDef, scope: str) -> FunctionDef:
        name = node.name.value
        qualname = f"{scope}{name}"
        first = node.decorators[0] if node.decorators else node
        start = self.positions[first].start
        params = self.params(node.params)
        returns = None if node.returns is None else self.tree.code_for_node(node.returns.annotation)
        finder = _Calls()
        self.calls.append(finder)
        try:
            body = self.suite(node.body, f"{qualname}.<locals>.")
        finally:
            self.calls.pop()
        if node.asynchronous is not None and not creates_flow(body):
            # Calling an async function only makes a coroutine: the resolve pass never runs
            # its body, so keep only what the event checks read (nested functions).
            body = tuple(s for s in body if isinstance(s, FunctionDef))
        return FunctionDef(
            name,
            qualname,
            Loc(self.path, start.line, 0),
            node.asynchronous is not None,
            tuple(self.expr(d.decorator) for d in node.decorators),
            params,
            returns,
            body,
            tuple(finder.found),
            finder.pauses,
            tuple(finder.starts),
        )

    def params(self, params: cst.Parameters) -> tuple[Param, ...]:
        out: list[Param] = []

        def one(p: cst.Param, kind: str) -> None:
            annotation = None if p.annotation is None else self.tree.code_for_node(p.annotation.annotation)
            default = None if p.default is None else self.expr(p.default)
            out.append(Param(p.name.value, annotation, kind, default))  # type: ignore[arg-type]

        for p in (*params.posonly_params, *params.params):
            one(p, "positional")
        if isinstance(params.star_arg, cst.Param):
            one(params.star_arg, "star")
        for p in params.kwonly_params:
            one(p, "keyword")
        if params.star_kwarg is not None:
            one(params.star_kwarg, "starstar")
        return tuple(out)

    def klass(self, node: cst.ClassDef, scope: str) -> ClassDef:
        fields: list[Field] = []
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else node.body.body
        for stmt in body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    fields.append(
                        Field(small.target.value, self.tree.code_for_node(small.annotation.annotation), self.loc(small.target))
                    )
        first = node.decorators[0] if node.decorators else node
        start = self.positions[first].start
        return ClassDef(
            node.name.value,
            f"{scope}{node.name.value}",
            Loc(self.path, start.line, start.column),
            tuple(self.expr(a.value) for a in node.bases),
            tuple((k.keyword.value, self.expr(k.value)) for k in node.keywords if k.keyword is not None),
            tuple(self.expr(d.decorator) for d in node.decorators),
            tuple(fields),
        )

    # -- expressions -------------------------------------------------------------------

    def expr(self, node: cst.BaseExpression) -> Expr:
        if isinstance(node, cst.Name):
            if node.value in ("True", "False", "None"):
                return Const({"True": True, "False": False, "None": None}[node.value], self.loc(node))
            return Name(node.value, self.loc(node))
        if isinstance(node, cst.Attribute):
            return Attribute(self.expr(node.value), node.attr.value, self.loc(node.attr))
        if isinstance(node, cst.Call):
            return self.call(node)
        if isinstance(node, cst.Await):
            return self.expr(node.expression)
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = node.evaluated_value
            if isinstance(value, (str, bytes)):
                return Const(value, self.loc(node))
            return Opaque(self.text(node), self.loc(node))
        if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
            return Const(node.evaluated_value, self.loc(node))
        if (
            isinstance(node, cst.UnaryOperation)
            and isinstance(node.operator, cst.Minus)
            and isinstance(node.expression, (cst.Integer, cst.Float))
        ):
            return Const(-node.expression.evaluated_value, self.loc(node))
        if isinstance(node, cst.Dict):
            items: list[tuple[Expr | None, Expr]] = []
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    items.append((self.expr(element.key), self.expr(element.value)))
                else:
                    items.append((None, self.expr(element.value)))
            return DictExpr(tuple(items), self.loc(node))
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            kind = "list" if isinstance(node, cst.List) else "tuple" if isinstance(node, cst.Tuple) else "set"
            elements = tuple(
                self.expr(e.value) if isinstance(e, cst.Element) else Opaque(self.text(e.value), self.loc(e.value))
                for e in node.elements
            )
            return SeqExpr(kind, elements, self.loc(node))  # type: ignore[arg-type]
        if isinstance(node, cst.Lambda):
            return Lambda(self.loc(node))
        return Opaque(self.text(node), self.loc(node))

    def note_call(self, node: cst.Call, func: cst.Attribute, loc: Loc) -> None:
        """Record an ``x.emit("name")``, a ``pause_for`` or a ``flow.start()`` in the current function.

        Calls are seen as the body's statements are read, so calls inside expressions the
        summary does not keep (comprehensions, lambdas, f-strings, operators) are not seen.
        """
        calls = self.calls[-1]
        attr = func.attr.value
        if attr in PAUSE_METHODS:
            calls.pauses = True
            # A resume of pause_for(resume_to={"event": "X"}) (or resume_event="X") emits X.
            for arg in node.args:
                name = arg.keyword.value if arg.keyword is not None else None
                value = arg.value
                if name == "resume_to" and isinstance(value, cst.Dict) and len(value.elements) == 1:
                    element = value.elements[0]
                    if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                        if element.key.evaluated_value == "event":
                            value = element.value
                            name = "resume_event"
                if name == "resume_event" and isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
                    event = value.evaluated_value
                    calls.found.append(Emit(event if isinstance(event, str) else None, loc, self.text(value)))
        elif attr in HIDDEN_STARTS and isinstance(func.value, cst.Name):
            calls.starts.append((func.value.value, loc))
        elif attr in EMIT_METHODS:
            first = node.args[0] if node.args and not node.args[0].star and node.args[0].keyword is None else None
            if first is None:
                named = [a for a in node.args if a.keyword is not None and a.keyword.value in ("event", "name", "trigger_event")]
                first = named[0] if named else None
            if first is not None:
                value = first.value
                event = None
                if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
                    evaluated = value.evaluated_value
                    event = evaluated if isinstance(evaluated, str) else None
                calls.found.append(Emit(event, loc, self.text(value)))

    def call(self, node: cst.Call) -> Call:
        func = node.func
        if isinstance(func, cst.Attribute):
            loc = self.loc(func.attr)
            if self.calls:
                self.note_call(node, func, loc)
        else:
            loc = self.loc(func)
        args: list[Expr] = []
        kwargs: list[tuple[str, Expr]] = []
        starred: Loc | None = None
        for arg in node.args:
            if arg.star:
                if starred is None:
                    starred = self.loc(arg)
                continue
            if arg.keyword is not None:
                kwargs.append((arg.keyword.value, self.expr(arg.value)))
            else:
                args.append(self.expr(arg.value))
        return Call(self.expr(func), tuple(args), tuple(kwargs), loc, self.loc(node), starred)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""
