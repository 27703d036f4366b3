"""``when(...)``: runtime_data keys checked against the state schema, and the value typed.

``when({"runtime_data": "topic"})`` fires with the new value of ``state["topic"]``, so the
process it returns is ``Process[State, <type of topic>]``; ``when(chunk)`` fires with the
chunk's output. With several signals the value follows the mode: ``"simple_or"`` gives
the union of the values, ``"and"`` the dict ``{type: {name: value}}`` (as a TypedDict),
``"or"`` a ``(type, name, value)`` tuple. A key the schema lacks is TFC301; an unknown
signal type or a plain function is TFC303, with the message `flow.compile()` gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mypy.nodes import Decorator, DictExpr, Expression, FuncDef, ListExpr, RefExpr, StrExpr, TupleExpr
from mypy.plugin import MethodContext
from mypy.types import Instance, Type, TypedDictType, UnionType, get_proper_type

from tfc.diagnostics import MALFORMED_WHEN, STATE_KEY_MISSING, UNKNOWN_STATE_KEY, did_you_mean, help_did_you_mean

from ._calls import first_expr, first_type, receiver
from ._codes import report
from ._types import PROCESS, Found, Missing, any_type, chunk_name, chunk_output, follow, segment_context

__all__ = ("on_when",)

_SCOPES = ("event", "runtime_data", "flow_data", "collect", "chunk")
_USER_SCOPES = _SCOPES[:4]


@dataclass(frozen=True, slots=True)
class _Signal:
    group: str
    """How the ``"and"`` value groups it: ``event`` (chunks too), ``runtime_data``, ..."""
    name: str | None
    type: Type


class _Unknown(Exception):
    """The trigger is not written out literally: the value stays ``Any``."""


def on_when(ctx: MethodContext) -> Type:
    """`TriggerFlow.when` and `Process.when`."""
    default = get_proper_type(ctx.default_return_type)
    trigger, trigger_type = first_expr(ctx, "trigger", 0), first_type(ctx, "trigger", 0)
    if trigger is None or trigger_type is None:
        return ctx.default_return_type
    state, _ = receiver(ctx.type)
    try:
        signals = list(_signals(ctx, trigger, trigger_type, state))
    except _Unknown:
        return ctx.default_return_type
    if not signals or not isinstance(default, Instance) or default.type.fullname != PROCESS:
        return ctx.default_return_type
    mode = first_expr(ctx, "mode")
    mode_name = mode.value if isinstance(mode, StrExpr) else "and" if mode is None else None
    value = _value_type(ctx, signals, mode_name)
    return default.copy_modified(args=[default.args[0], value])


def _value_type(ctx: MethodContext, signals: list[_Signal], mode: str | None) -> Type:
    if len(signals) == 1 or mode == "simple_or":
        return UnionType.make_union([s.type for s in signals])
    if mode != "and" or any(s.name is None for s in signals):
        return any_type()
    groups: dict[str, dict[str, Type]] = {}
    for s in signals:
        assert s.name is not None
        groups.setdefault(s.group, {})[s.name] = s.type
    fallback = ctx.api.named_generic_type("typing._TypedDict", [])
    inner: dict[str, Type] = {g: TypedDictType(items, set(items), set(), fallback) for g, items in groups.items()}
    return TypedDictType(inner, set(inner), set(), fallback)


def _signals(ctx: MethodContext, trigger: Expression, typ: Type, state: Type | None) -> Iterator[_Signal]:
    """The signals of a literal trigger, as `TriggerFlow._signals` reads them at run time."""
    output = chunk_output(typ)
    if output is not None:
        yield _Signal("event", chunk_name(typ), output)
    elif isinstance(trigger, StrExpr):
        yield _Signal("event", trigger.value, any_type())
    elif isinstance(trigger, DictExpr):
        for key, names in trigger.items:
            if not isinstance(key, StrExpr):
                raise _Unknown
            yield from _scope_signals(ctx, key, names, state)
    elif isinstance(trigger, (ListExpr, TupleExpr)):
        for item in trigger.items:
            yield from _signals(ctx, item, _item_type(ctx, item), state)
    elif isinstance(trigger, RefExpr) and isinstance(trigger.node, (FuncDef, Decorator)):
        _plain_function(ctx, trigger, trigger.node)
        raise _Unknown
    else:
        raise _Unknown


def _scope_signals(ctx: MethodContext, key: StrExpr, names: Expression, state: Type | None) -> Iterator[_Signal]:
    scope = key.value
    if scope not in _SCOPES:
        help_text = help_did_you_mean(scope, _USER_SCOPES) or 'use "event", "runtime_data", "flow_data" or "collect"'
        report(ctx.api, MALFORMED_WHEN, f'when({{"{scope}": ...}}): unknown signal type "{scope}"', key, help_text)
        raise _Unknown
    items = names.items if isinstance(names, (ListExpr, TupleExpr)) else [names]
    for item in items:
        item_type = _item_type(ctx, item)
        output = chunk_output(item_type)
        if output is not None:
            yield _Signal("event", chunk_name(item_type), output)
        elif not isinstance(item, StrExpr):
            raise _Unknown
        elif scope == "runtime_data":
            yield _Signal(scope, item.value, _state_key(ctx, item, state))
        elif scope == "collect":
            yield _Signal(scope, item.value, ctx.api.named_generic_type("builtins.dict", [
                ctx.api.named_generic_type("builtins.str", []), any_type()]))
        else:
            yield _Signal("event" if scope == "chunk" else scope, item.value, any_type())


def _item_type(ctx: MethodContext, item: Expression) -> Type:
    """The type of a name inside a literal trigger (names are cheap to re-check; calls are not)."""
    if isinstance(item, RefExpr):
        return ctx.api.get_expression_type(item)
    return any_type()


def _state_key(ctx: MethodContext, key: StrExpr, state: Type | None) -> Type:
    """The type of ``state[key]`` (dotted keys read through); reports a key the schema lacks."""
    parts = key.value.split(".")
    segments = [int(p) if p.isdigit() else p for p in parts]
    found = follow(state, segments) if state is not None else None
    if isinstance(found, Found):
        return found.type
    if isinstance(found, Missing):
        # The template names the key twice; for a dotted key the second is the missing part.
        message = STATE_KEY_MISSING.format(key=key.value, schema=found.owner).replace(
            f'has no key "{key.value}"', f'has no key "{found.field}"'
        )
        close = did_you_mean(found.field, found.known)
        help_text = None if close is None else f'did you mean "{".".join([*parts[: found.index], close])}"?'
        start = sum(len(p) + 1 for p in parts[: found.index])
        where = segment_context(key, start, start + len(parts[found.index]))
        report(ctx.api, UNKNOWN_STATE_KEY, message, where, help_text)
    return any_type()


def _plain_function(ctx: MethodContext, expr: RefExpr, node: FuncDef | Decorator) -> None:
    module, _, qualname = node.fullname.rpartition(".")
    report(
        ctx.api,
        MALFORMED_WHEN,
        f"when() got the plain function {module}:{qualname}; it listens to chunks, not functions",
        expr,
        "pass the chunk returned by @flow.chunk, or the chunk's name",
    )
