"""`StaticFacts`: the checks' `TypeFacts`, answered from annotation text and the project index.

Annotations are parsed as expressions (with `ast`, which is enough for annotation text) and
their names resolved the way the resolve pass resolved the module: project classes become
TypedDict terms or class instances with their fields, well-known builtins, `typing` and
`collections.abc` names become the same terms the runtime frontend builds, and anything
else becomes `Unknown` (accepted everywhere), so the static checks can be less precise than
the runtime ones, never wrong.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Mapping

from ..checks.facts import UNTYPED, ChunkTypes, SchemaRole
from ..ir.nodes import ChunkRef, FlowIR, Loc, SubFlowCall
from ..typecheck.terms import (
    ANY,
    NONE,
    Instance,
    LiteralType,
    Ty,
    TypedDictType,
    Unknown as UnknownTy,
    builtin,
    union,
)
from .syntax import ClassDef, FunctionDef
from .values import ClassVal, External, FlowVal, FuncVal, ModuleVal, Unknown

__all__ = ("StaticFacts",)

_ABC = "collections.abc."
_OBJ = "builtins.object"
_ABC_BASES: dict[str, tuple[str, ...]] = {
    "Iterable": (),
    "Container": (),
    "Sized": (),
    "Hashable": (),
    "Reversible": ("Iterable",),
    "Collection": ("Sized", "Iterable", "Container"),
    "Sequence": ("Reversible", "Collection", "Sized", "Iterable", "Container"),
    "MutableSequence": ("Sequence", "Reversible", "Collection", "Sized", "Iterable", "Container"),
    "Mapping": ("Collection", "Sized", "Iterable", "Container"),
    "MutableMapping": ("Mapping", "Collection", "Sized", "Iterable", "Container"),
    "Set": ("Collection", "Sized", "Iterable", "Container"),
    "MutableSet": ("Set", "Collection", "Sized", "Iterable", "Container"),
    "Iterator": ("Iterable",),
    "Awaitable": (),
    "AsyncIterable": (),
}
_TYPING_BUILTINS = {"List": "list", "Dict": "dict", "Tuple": "tuple", "Set": "set", "FrozenSet": "frozenset"}
_TYPING_MODULES = ("typing.", "typing_extensions.")
_WRAPPERS = frozenset({"Awaitable", "Coroutine"})
_FIELD_WRAPPERS = frozenset({"Required", "NotRequired", "ReadOnly", "Annotated", "ClassVar", "Final"})
_MAX_DEPTH = 12


class StaticFacts:
    """`TypeFacts` for the static frontend's IR.

    Args:
        flows: Each flow of the project with its frozen IR.
        globals: Each module's names after the resolve pass ran it.
    """

    def __init__(self, flows: list[tuple[FlowVal, FlowIR]], globals: Mapping[str, Mapping[str, object]]) -> None:
        self._globals = globals
        self._irs = {id(flow): ir for flow, ir in flows}
        self._flows = {id(ir): flow for flow, ir in flows}
        self._functions: dict[ChunkRef, FuncVal] = {}
        for flow, _ in flows:
            for chunk in flow.chunks.values():
                if isinstance(chunk.fn, FuncVal):
                    self._functions[chunk.ref] = chunk.fn
        self._classes: dict[int, Ty] = {}
        self._chunks: dict[ChunkRef, ChunkTypes] = {}
        self._annotations: dict[tuple[str, str, str], Ty] = {}

    def fresh(self) -> StaticFacts:
        """The same facts with empty caches (so each unit's reads are seen by its own run)."""
        copy = StaticFacts.__new__(StaticFacts)
        copy._globals = self._globals
        copy._irs = self._irs
        copy._flows = self._flows
        copy._functions = self._functions
        copy._classes = {}
        copy._chunks = {}
        copy._annotations = {}
        return copy

    # -- TypeFacts ---------------------------------------------------------------------

    def chunk_types(self, chunk: ChunkRef) -> ChunkTypes:
        found = self._chunks.get(chunk)
        if found is None:
            found = self._chunks[chunk] = self._read_chunk(chunk)
        return found

    def _read_chunk(self, chunk: ChunkRef) -> ChunkTypes:
        fn = self._functions.get(chunk)
        if fn is None:
            return UNTYPED
        node = fn.node
        params = [p for p in node.params if p.name != "self"]
        if node.returns is None and not any(p.annotation for p in node.params):
            return ChunkTypes(loc=chunk.loc)
        value: Ty = ANY
        if params and params[0].annotation is not None:
            value = self._memo("value", params[0].annotation, fn, self._value_type)
        out: Ty = ANY
        if node.returns is not None:
            out = self._memo("return", node.returns, fn, self._unwrap)
        return ChunkTypes(value, out, chunk.loc)

    def _memo(self, kind: str, text: str, fn: FuncVal, read: Callable[[str, FuncVal], Ty]) -> Ty:
        """*read* of an annotation, once per text and module (functions at module level)."""
        if fn.env is not None:
            return read(text, fn)
        key = (kind, fn.module, text)
        found = self._annotations.get(key)
        if found is None:
            found = self._annotations[key] = read(text, fn)
        return found

    def _value_type(self, text: str, fn: FuncVal) -> Ty:
        tree = _parse(text)
        if tree is None:
            return UnknownTy(text)
        if isinstance(tree, ast.Constant) and isinstance(tree.value, str):
            return self._value_type(tree.value, fn)
        base, args = (tree.value, _slice_items(tree.slice)) if isinstance(tree, ast.Subscript) else (tree, [])
        target = self._resolve(base, fn.module, fn.env)
        if not (isinstance(target, External) and target.short == "TriggerFlowRuntimeData"):
            return UnknownTy(text)
        return self._term(args[0], fn.module, fn.env, 0) if args else ANY

    def _unwrap(self, text: str, fn: FuncVal) -> Ty:
        tree = _parse(text)
        if tree is None:
            return UnknownTy(text)
        if isinstance(tree, ast.Subscript):
            target = self._resolve(tree.value, fn.module, fn.env)
            if isinstance(target, External) and target.short in _WRAPPERS:
                args = _slice_items(tree.slice)
                return self._term(args[-1], fn.module, fn.env, 0) if args else ANY
        return self._term(tree, fn.module, fn.env, 0)

    def schema(self, flow: FlowIR, role: SchemaRole) -> Ty | None:
        value = getattr(flow.schemas, role)
        if value is None:
            return None
        owner = self._flows.get(id(flow))
        module = owner.module if owner is not None else ""
        if role == "resources" and isinstance(value, (dict, list, tuple)):
            return self._resource_names(value, module)
        return self._value_term(value, module)

    def child_flow(self, call: SubFlowCall) -> FlowIR | None:
        child = call.flow
        return self._irs.get(id(child)) if isinstance(child, FlowVal) else None

    def chunk_pauses(self, chunk: ChunkRef) -> bool:
        fn = self._functions.get(chunk)
        return fn is not None and _pauses(fn.node)

    def hidden_starts(self, flow: FlowIR) -> tuple[Loc, ...]:
        owner = self._flows.get(id(flow))
        return tuple(owner.hidden_starts) if owner is not None else ()

    # -- values and annotations to terms -----------------------------------------------

    def _resource_names(self, value: object, module: str) -> Ty:
        if isinstance(value, dict):
            fields = tuple((str(k), self._value_term(v, module) if v is not None else ANY) for k, v in value.items())
        else:
            fields = tuple((str(k), ANY) for k in value)  # type: ignore[attr-defined]
        return TypedDictType("resources", fields, frozenset(k for k, _ in fields))

    def _value_term(self, value: object, module: str) -> Ty:
        if isinstance(value, ClassVal):
            return self._class(value, 0)
        if isinstance(value, External):
            return self._external(value.qualname, [], module, None, 0, ast.Name(value.qualname))
        if isinstance(value, Unknown) and value.reason == "computed":
            tree = _parse(value.text)
            if tree is not None:
                return self._term(tree, module, None, 0)
        return UnknownTy(getattr(value, "text", repr(value)))

    def _resolve(self, node: ast.expr, module: str, env: object) -> object:
        if isinstance(node, ast.Name):
            scope = env
            while scope is not None:
                found = getattr(scope, "vars", {})
                if node.id in found:
                    return found[node.id]
                scope = getattr(scope, "parent", None)
            names = self._globals.get(module, {})
            if node.id in names:
                return names[node.id]
            return External(f"builtins.{node.id}")
        if isinstance(node, ast.Attribute):
            owner = self._resolve(node.value, module, env)
            if isinstance(owner, External):
                return External(f"{owner.qualname}.{node.attr}")
            if isinstance(owner, ModuleVal):
                return self._globals.get(owner.name, {}).get(node.attr, Unknown("unresolved", node.attr))
        return Unknown("computed", ast.unparse(node))

    def _term(self, node: ast.expr, module: str, env: object, depth: int) -> Ty:
        if depth > _MAX_DEPTH:
            return UnknownTy(ast.unparse(node))
        depth += 1
        if isinstance(node, ast.Constant):
            if node.value is None:
                return NONE
            if isinstance(node.value, str):
                inner = _parse(node.value)
                return UnknownTy(node.value) if inner is None else self._term(inner, module, env, depth)
            return UnknownTy(ast.unparse(node))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return union([self._term(node.left, module, env, depth), self._term(node.right, module, env, depth)])
        base_node, args = (node.value, _slice_items(node.slice)) if isinstance(node, ast.Subscript) else (node, [])
        target = self._resolve(base_node, module, env)
        if isinstance(target, ClassVal):
            return self._class(target, depth) if not args else UnknownTy(ast.unparse(node))
        if isinstance(target, External):
            return self._external(target.qualname, args, module, env, depth, node)
        return UnknownTy(ast.unparse(node))

    def _external(self, qualname: str, args: list[ast.expr], module: str, env: object, depth: int, node: ast.expr) -> Ty:
        module_name, _, name = qualname.rpartition(".")
        terms = [self._term(a, module, env, depth) for a in args if not _is_ellipsis(a)] if name != "Literal" else []
        if module_name == "builtins":
            if name == "tuple" and len(args) == 2 and _is_ellipsis(args[1]):
                return builtin("tuple", terms[0], variadic=True)
            if name == "None":
                return NONE
            if name in ("object", "bool", "int", "float", "complex", "str", "bytes", "list", "tuple", "dict", "set", "frozenset"):
                return builtin(name, *terms)
            return UnknownTy(ast.unparse(node))
        if qualname.startswith(_TYPING_MODULES) or module_name == "collections.abc":
            if name == "Any":
                return ANY
            if name == "Optional" and terms:
                return union([terms[0], NONE])
            if name == "Union":
                return union(terms)
            if name == "Literal":
                return union([_literal(a) for a in args])
            if name in ("Annotated", "Required", "NotRequired", "ReadOnly") and args:
                return self._term(args[0], module, env, depth)
            if name in _TYPING_BUILTINS:
                if name == "Tuple" and len(args) == 2 and _is_ellipsis(args[1]):
                    return builtin("tuple", terms[0], variadic=True)
                return builtin(_TYPING_BUILTINS[name], *terms)
            if name in _ABC_BASES:
                bases = frozenset({_ABC + name, _OBJ, *(_ABC + b for b in _ABC_BASES[name])})
                return Instance(_ABC + name, tuple(terms), bases)
        return UnknownTy(ast.unparse(node))

    def _class(self, cls: ClassVal, depth: int) -> Ty:
        cached = self._classes.get(id(cls.node))
        if cached is not None:
            return cached
        self._classes[id(cls.node)] = UnknownTy(cls.node.name)  # a recursive schema stays Unknown
        ty = self._class_term(cls, depth)
        self._classes[id(cls.node)] = ty
        return ty

    def _class_term(self, cls: ClassVal, depth: int) -> Ty:
        node = cls.node
        module = cls.module
        bases = [self._resolve(_expr_of(b), module, None) for b in _base_texts(node)]
        if any(_is_typeddict(b) or (isinstance(b, ClassVal) and isinstance(self._class(b, depth), TypedDictType)) for b in bases):
            return self._typeddict(cls, bases, depth)
        if any(isinstance(b, External) and b.short in ("Protocol", "Enum", "IntEnum", "StrEnum") for b in bases):
            return UnknownTy(node.name)
        names: set[str] = {f"{module}.{node.qualname}", _OBJ}
        for base in bases:
            if isinstance(base, ClassVal):
                parent = self._class(base, depth)
                if not isinstance(parent, Instance) or parent.bases is None:
                    return UnknownTy(node.name)
                names |= parent.bases
            elif not (isinstance(base, External) and base.qualname in ("builtins.object", "typing.Generic")):
                return UnknownTy(node.name)
        fields = None
        if self._is_dataclass(cls):
            fields = tuple((f.name, self._field_term(f.annotation, module, depth)) for f in node.fields)
        return Instance(f"{module}.{node.qualname}", (), frozenset(names), fields)

    def _typeddict(self, cls: ClassVal, bases: list[object], depth: int) -> Ty:
        total = True
        for key, value in cls.node.keywords:
            if key == "total":
                total = not (value is not None and getattr(value, "value", True) is False)
        fields: list[tuple[str, Ty]] = []
        required: set[str] = set()
        for base in bases:
            if isinstance(base, ClassVal):
                parent = self._class(base, depth)
                if isinstance(parent, TypedDictType):
                    fields += [f for f in parent.fields if f[0] not in dict(fields)]
                    required |= parent.required
        for field in cls.node.fields:
            tree = _parse(field.annotation)
            wrapper = _field_wrapper(tree, self, cls.module)
            fields = [f for f in fields if f[0] != field.name]
            fields.append((field.name, self._field_term(field.annotation, cls.module, depth)))
            if wrapper == "Required" or (wrapper != "NotRequired" and total):
                required.add(field.name)
            else:
                required.discard(field.name)
        return TypedDictType(cls.node.qualname, tuple(fields), frozenset(required))

    def _field_term(self, text: str, module: str, depth: int) -> Ty:
        tree = _parse(text)
        if tree is None:
            return UnknownTy(text)
        return self._term(tree, module, None, depth)

    def _is_dataclass(self, cls: ClassVal) -> bool:
        for decorator in cls.node.decorators:
            expr = decorator.func if hasattr(decorator, "func") else decorator
            target = self._resolve(_expr_of(expr), cls.module, None)
            if isinstance(target, External) and target.qualname in ("dataclasses.dataclass", "builtins.dataclass"):
                return True
        return False


def _is_typeddict(value: object) -> bool:
    return isinstance(value, External) and value.qualname in ("typing.TypedDict", "typing_extensions.TypedDict")


def _field_wrapper(tree: ast.expr | None, facts: StaticFacts, module: str) -> str | None:
    if isinstance(tree, ast.Subscript):
        target = facts._resolve(tree.value, module, None)
        if isinstance(target, External) and target.short in _FIELD_WRAPPERS:
            if target.short in ("Required", "NotRequired"):
                return target.short
            inner = _slice_items(tree.slice)
            return _field_wrapper(inner[0], facts, module) if inner else None
    return None


def _base_texts(node: ClassDef) -> list[object]:
    return list(node.bases)


def _expr_of(expr: object) -> ast.expr:
    """The `ast` form of a summary expression (names and attributes only)."""
    from .syntax import Attribute, Name

    if isinstance(expr, Name):
        return ast.Name(expr.id)
    if isinstance(expr, Attribute):
        return ast.Attribute(_expr_of(expr.value), expr.attr)
    return ast.Constant(None)


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> ast.expr | None:
    """The expression *text* (annotation text), parsed once per distinct text."""
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None


def _slice_items(node: ast.expr) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, ast.Tuple) else [node]


def _is_ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def _literal(node: ast.expr) -> Ty:
    if isinstance(node, ast.Constant):
        value = node.value
        if value is None:
            return NONE
        if isinstance(value, (str, bytes, int, bool)):
            return LiteralType(value, builtin(type(value).__name__))
    return UnknownTy(ast.unparse(node))


def _pauses(node: FunctionDef) -> bool:
    if node.pauses:
        return True
    return any(isinstance(s, FunctionDef) and _pauses(s) for s in node.body)

