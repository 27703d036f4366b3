"""``to_sub_flow(child, capture={...}, write_back={...})``: string paths checked against schemas.

The receiver gives the parent's state schema and current value (``Process[State, T]``), the
``child`` argument the child's state schema (``TriggerFlow[ChildState]``). Each string
literal in the two mappings is parsed with the runtime's own parser (`tfc.dsl.paths`), so
a malformed path gets the message ``flow.compile()`` gives, and then followed through the
schema it names:

==============================================  ==========================  ==========
path                                            checked against             code
==============================================  ==========================  ==========
capture source ``state.<path>``                 the parent's state          TFC201
capture source ``value.<path>``                 the parent's current value  TFC201
capture target ``{"state": {"<path>": ...}}``   the child's state           TFC201
write_back target ``state.<path>``              the parent's state          TFC202
write_back source ``snapshot.<path>``           the child's state           TFC202
==============================================  ==========================  ==========

``result.<path>`` is the child's compat result when it has one, so it is not checked;
``resources`` and ``flow_data`` have no schema in the types. The error points at the
offending segment inside the string and offers a did-you-mean.

`analyze_paths` turns ``Paths[State]`` into the union of ``Literal["state.<path>"]`` (and
``"runtime_data.<path>"``) for every field, so a module-level constant annotated with it is
checked where it is defined, in any module.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from mypy.nodes import Context, DictExpr, Expression, NameExpr, StrExpr, Var
from mypy.plugin import AnalyzeTypeContext, MethodContext
from mypy.types import (
    Instance,
    LiteralType,
    PlaceholderType,
    Type,
    TypedDictType,
    UnionType,
    get_proper_type,
)

from tfc.diagnostics import (
    DUPLICATE_WRITE_BACK_TARGET,
    MALFORMED_PATH,
    UNKNOWN_CAPTURE_PATH,
    UNKNOWN_FIELD,
    UNKNOWN_WRITE_BACK_PATH,
    Code,
    did_you_mean,
)
from tfc.dsl.paths import PathError, PathSpec, parse_capture, parse_write_back

from ._calls import first_expr, first_type, flow_state, is_side_branch, receiver
from ._codes import report
from ._types import PROCESS, Found, Missing, any_type, chunk_name, follow, segment_context

__all__ = ("analyze_paths", "on_to_sub_flow")

_NESTED = ("state", "runtime_data", "resources", "flow_data")
_MAX_LITERALS = 256
_MAX_DEPTH = 4
_LIBRARY_MODULES = frozenset({"builtins", "typing", "typing_extensions", "collections", "collections.abc"})


@dataclass(frozen=True, slots=True)
class _Text:
    """A string the user wrote, and where: ``literal`` is None for a `Final` constant."""

    value: str
    expr: Expression
    literal: StrExpr | None

    def span(self, parts: list[str], index: int) -> Context:
        """The location of ``parts[index]`` (``parts`` is this text split at dots)."""
        if self.literal is None:
            return self.expr
        start = sum(len(p) + 1 for p in parts[:index])
        return segment_context(self.literal, start, start + len(parts[index]))


@dataclass(frozen=True, slots=True)
class _Pair:
    """One parsed ``target <- source`` binding and the texts it came from."""

    target: PathSpec
    source: PathSpec
    target_text: _Text
    source_text: _Text
    target_offset: int
    """How many segments of ``target`` come before the first segment of ``target_text``."""


@dataclass(frozen=True, slots=True)
class _Sides:
    parent_state: Type | None
    value: Type | None
    child_state: Type | None
    child_name: str
    """The sub-flow's name as the compiler's messages quote it; ``""`` when not known."""


def on_to_sub_flow(ctx: MethodContext) -> Type:
    """`Process.to_sub_flow` and `TriggerFlow.to_sub_flow`."""
    child = first_type(ctx, "child", 0)
    name = first_expr(ctx, "name")
    child_name = name.value if isinstance(name, StrExpr) else chunk_name(child) or ""
    sides = _Sides(*receiver(ctx.type), flow_state(child), child_name)
    capture = first_expr(ctx, "capture")
    if isinstance(capture, DictExpr):
        for pair in _pairs(ctx, capture, "capture"):
            _check_capture(ctx, pair, sides)
    write_back = first_expr(ctx, "write_back")
    pairs: list[_Pair] = []
    complete = None
    if isinstance(write_back, DictExpr):
        pairs = list(_pairs(ctx, write_back, "write_back"))
        for pair in pairs:
            _check_write_back(ctx, pair, sides)
        complete = _literal_mapping(write_back)
        if complete is not None:
            _check_duplicates(ctx, complete, write_back)
    if is_side_branch(ctx):
        recv = ctx.type
        return recv if isinstance(recv, Instance) and recv.type.fullname == PROCESS else ctx.default_return_type
    if not isinstance(write_back, DictExpr):
        return ctx.default_return_type
    return _result_type(ctx, sides, pairs, complete is not None)


# --- reading the arguments -----------------------------------------------------------------


def _text(expr: Expression) -> _Text | None:
    """A string literal, or a name bound to a `Final` string constant."""
    if isinstance(expr, StrExpr):
        return _Text(expr.value, expr, expr)
    if isinstance(expr, NameExpr) and isinstance(expr.node, Var) and isinstance(expr.node.final_value, str):
        return _Text(expr.node.final_value, expr, None)
    return None


def _literal_mapping(expr: DictExpr) -> dict[str, object] | None:
    """The mapping as plain data when every key and value is literal, else None."""
    out: dict[str, object] = {}
    for key_expr, value_expr in expr.items:
        key = None if key_expr is None else _text(key_expr)
        if key is None:
            return None
        if isinstance(value_expr, DictExpr):
            inner = _literal_mapping(value_expr)
            if inner is None:
                return None
            out[key.value] = inner
        else:
            value = _text(value_expr)
            if value is None:
                return None
            out[key.value] = value.value
    return out


def _pairs(ctx: MethodContext, mapping: DictExpr, role: str) -> Iterator[_Pair]:
    """Parse each literal entry on its own, reporting malformed ones, so all are checked."""
    for key_expr, value_expr in mapping.items:
        key = None if key_expr is None else _text(key_expr)
        if key is None:
            continue
        if isinstance(value_expr, DictExpr) and key.value in _NESTED:
            for inner_key_expr, inner_value_expr in value_expr.items:
                inner_key = None if inner_key_expr is None else _text(inner_key_expr)
                inner_value = _text(inner_value_expr)
                if inner_key is None or inner_value is None:
                    continue
                entry = {key.value: {inner_key.value: inner_value.value}}
                yield from _parse(ctx, role, entry, inner_key, inner_value, mapping, 1)
        else:
            value = _text(value_expr)
            if value is None:
                if not isinstance(value_expr, DictExpr):
                    continue
                value = _Text("", value_expr, None)  # a nested mapping under a flat key
                data: object = {}
            else:
                data = value.value
            yield from _parse(ctx, role, {key.value: data}, key, value, mapping, 0)


def _parse(
    ctx: MethodContext,
    role: str,
    entry: Mapping[str, object],
    key: _Text,
    value: _Text,
    mapping: DictExpr,
    target_offset: int,
) -> Iterator[_Pair]:
    parse = parse_capture if role == "capture" else parse_write_back
    try:
        parsed, _ = parse(entry)
    except PathError as exc:
        problem = exc.problem
        code = DUPLICATE_WRITE_BACK_TARGET if problem.kind == "duplicate" else MALFORMED_PATH
        where: Context = value.expr if problem.path == value.value else key.expr
        report(ctx.api, code, problem.message, where, problem.help)
        return
    for target, source in parsed:
        yield _Pair(target, source, key, value, target_offset)


# --- checking ------------------------------------------------------------------------------


def _check_capture(ctx: MethodContext, pair: _Pair, sides: _Sides) -> None:
    source = pair.source
    if source.scope in ("state", "value"):
        schema = sides.parent_state if source.scope == "state" else sides.value
        _check_path(ctx, UNKNOWN_CAPTURE_PATH, "capture", schema, source, source.text, pair.source_text, 0, None)
    if pair.target.scope == "state":
        target = pair.target
        _check_path(
            ctx,
            UNKNOWN_CAPTURE_PATH,
            "capture target",
            sides.child_state,
            target,
            _canonical(target),
            pair.target_text,
            pair.target_offset,
            sides.child_name,
        )


def _check_write_back(ctx: MethodContext, pair: _Pair, sides: _Sides) -> None:
    source = pair.source
    if source.scope == "snapshot":
        _check_path(
            ctx,
            UNKNOWN_WRITE_BACK_PATH,
            "write_back",
            sides.child_state,
            source,
            source.text,
            pair.source_text,
            0,
            sides.child_name,
        )
    if pair.target.scope == "state":
        target = pair.target
        _check_path(
            ctx,
            UNKNOWN_WRITE_BACK_PATH,
            "write_back target",
            sides.parent_state,
            target,
            _canonical(target),
            pair.target_text,
            pair.target_offset,
            None,
        )


def _canonical(path: PathSpec) -> str:
    """``state.topic`` for ``runtime_data.topic`` too: how the compiler quotes a target."""
    return ".".join([path.scope, *map(str, path.segments)])


def _check_path(
    ctx: MethodContext,
    code: Code,
    role: str,
    schema: Type | None,
    path: PathSpec,
    quoted: str,
    text: _Text,
    offset: int,
    child: str | None,
) -> None:
    """Report the first segment of *path* that *schema* does not have, as the compiler does.

    *quoted* is the path as the message quotes it; *child* is set when *schema* is the
    sub-flow's (its name, or ``""`` when unknown). ``path.segments[i]`` is
    ``parts[i + 1 - offset]`` of *text* split at dots: a flat text starts with the scope
    (``"state.topic"``), a nested key does not (``"topic"``).
    """
    if schema is None or not path.segments:
        return
    found = follow(schema, path.segments)
    if not isinstance(found, Missing):
        return
    owner = found.owner
    if child is not None:
        owner = f'{owner} (sub-flow "{child}")' if child else f"{owner} (sub-flow)"
    message = UNKNOWN_FIELD.format(role=role, path=quoted, owner=owner, field=found.field)
    close = did_you_mean(found.field, found.known)
    help_text = None
    if close is not None:
        walked = [quoted.split(".")[0], *map(str, path.segments[: found.index]), close]
        help_text = f'did you mean "{".".join(walked)}"?'
    parts = text.value.split(".")
    index = min(max(found.index + 1 - offset, 0), len(parts) - 1)
    report(ctx.api, code, message, text.span(parts, index), help_text)


def _check_duplicates(ctx: MethodContext, mapping: dict[str, object], expr: DictExpr) -> None:
    try:
        parse_write_back(mapping)
    except PathError as exc:
        if exc.problem.kind == "duplicate":
            report(ctx.api, DUPLICATE_WRITE_BACK_TARGET, exc.problem.message, expr, exc.problem.help)


def _result_type(ctx: MethodContext, sides: _Sides, pairs: list[_Pair], complete: bool) -> Type:
    """What the parent continues with: the receiver's value when nothing writes ``value``."""
    default = get_proper_type(ctx.default_return_type)
    if not complete or not isinstance(default, Instance) or default.type.fullname != PROCESS:
        return ctx.default_return_type
    writes = [p for p in pairs if p.target.scope == "value"]
    if not writes:
        return default if sides.value is None else default.copy_modified(args=[default.args[0], sides.value])
    if len(writes) == 1 and not writes[0].target.segments and writes[0].source.scope == "snapshot":
        reached = follow(sides.child_state, writes[0].source.segments) if sides.child_state else None
        if isinstance(reached, Found):
            return default.copy_modified(args=[default.args[0], reached.type])
    return default.copy_modified(args=[default.args[0], any_type()])


# --- Paths[State] ----------------------------------------------------------------------------


def analyze_paths(ctx: AnalyzeTypeContext) -> Type:
    """``Paths[State]``: a union of ``Literal["state.<path>"]``, or ``str`` when it cannot be."""
    str_type = ctx.api.named_type("builtins.str", [])
    if len(ctx.type.args) != 1:
        return str_type
    schema = ctx.api.analyze_type(ctx.type.args[0])
    if _has_placeholder(schema):
        return schema  # a forward reference: mypy analyses this annotation again
    paths: list[str] = []
    if not _collect(schema, "", 0, paths) or not paths or len(paths) * 2 > _MAX_LITERALS:
        return str_type
    literals: list[Type] = [
        LiteralType(f"{scope}.{path}", str_type) for scope in ("state", "runtime_data") for path in paths
    ]
    return UnionType.make_union(literals)


def _collect(typ: Type, prefix: str, depth: int, out: list[str]) -> bool:
    """Append every field path under *typ*; False when its fields are not all known."""
    fields = _declared_fields(typ)
    if fields is None:
        return depth > 0  # a leaf below the schema is fine; a schema that is not a record is not
    for name, field_type in fields.items():
        path = f"{prefix}{name}"
        out.append(path)
        if len(out) * 2 > _MAX_LITERALS:
            return False
        if depth + 1 < _MAX_DEPTH:
            _collect(field_type, f"{path}.", depth + 1, out)
    return True


def _declared_fields(typ: Type) -> Mapping[str, Type] | None:
    """The fields of a TypedDict or a user class, while mypy is still analysing names.

    A dataclass's field list is made later than this hook runs, so a class's annotated
    instance attributes stand for it (a path into a plain class fails at run time, so
    accepting one here can only miss a mistake, never invent one).
    """
    proper = get_proper_type(typ)
    if isinstance(proper, TypedDictType):
        return proper.items
    if not isinstance(proper, Instance) or proper.type.module_name in _LIBRARY_MODULES:
        return None
    fields: dict[str, Type] = {}
    for info in reversed(proper.type.mro[:-1]):  # the bases first, as dataclasses order fields
        for name, node in info.names.items():
            var = node.node
            if isinstance(var, Var) and var.type is not None and not var.is_classvar and not var.is_inferred:
                fields[name] = var.type
    return fields


def _has_placeholder(typ: Type) -> bool:
    proper = get_proper_type(typ)
    if isinstance(proper, PlaceholderType):
        return True
    if isinstance(proper, TypedDictType):
        return any(_has_placeholder(t) for t in proper.items.values())
    return False
