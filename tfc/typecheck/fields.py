"""Follow a dotted path (``state.profile.name``) through a type: what `lookup` does to values.

Capture/write_back paths and ``when({"runtime_data": "a.b"})`` keys are dict lookups (and
attribute reads on dataclasses, indexes into lists); this module answers, from a schema
term, whether the path exists and what type it reaches, or that it cannot tell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .subset import element_of
from .terms import ANY, NONE, AnyType, Instance, LiteralType, Ty, TypedDictType, TypeVarType, UnionType, Unknown, display, union

__all__ = ("PathType", "follow")

_MAPPINGS = frozenset(
    {"builtins.dict", "collections.abc.Mapping", "collections.abc.MutableMapping",
     "collections.OrderedDict", "collections.defaultdict"}
)  # fmt: skip
_SEQUENCES = frozenset({"builtins.list", "builtins.tuple", "collections.abc.Sequence", "collections.abc.MutableSequence"})


@dataclass(frozen=True, slots=True)
class PathType:
    """The outcome of following a path.

    Attributes:
        status: ``"ok"`` (``ty`` is the type reached), ``"missing"`` (``owner`` has no
            field ``missing``; ``known`` lists the fields it has) or ``"unknown"``.
        walked: The segments followed before the missing one, dotted.
    """

    status: Literal["ok", "missing", "unknown"]
    ty: Ty = ANY
    missing: str = ""
    owner: str = ""
    known: tuple[str, ...] = ()
    walked: str = ""


def follow(ty: Ty, segments: tuple[str | int, ...]) -> PathType:
    """Follow *segments* from a value of type *ty*."""
    walked: list[str] = []
    for seg in segments:
        step = _field(ty, seg)
        if step.status != "ok":
            return PathType(step.status, ANY, step.missing, step.owner, step.known, ".".join(walked))
        ty = step.ty
        walked.append(str(seg))
    return PathType("ok", ty, walked=".".join(walked))


def _field(ty: Ty, seg: str | int) -> PathType:
    if isinstance(ty, (AnyType, Unknown, TypeVarType)):
        return PathType("unknown")
    if isinstance(ty, LiteralType):
        ty = ty.base
    if isinstance(ty, UnionType):
        parts = [_field(t, seg) for t in ty.items if t != NONE]
        if not parts or any(p.status == "unknown" for p in parts):
            return PathType("unknown")
        found = [p.ty for p in parts if p.status == "ok"]
        if not found:
            first = parts[0]
            return PathType("missing", ANY, str(seg), display(ty), first.known)
        return PathType("ok", union(found))
    if isinstance(ty, TypedDictType):
        got = ty.field(str(seg))
        if got is None:
            return PathType("missing", ANY, str(seg), ty.name, tuple(k for k, _ in ty.fields))
        return PathType("ok", got)
    return _instance_field(ty, seg)


def _instance_field(ty: Instance, seg: str | int) -> PathType:
    if ty.fields is not None:
        for name, field_ty in ty.fields:
            if name == str(seg):
                return PathType("ok", field_ty)
        return PathType("missing", ANY, str(seg), display(ty), tuple(n for n, _ in ty.fields))
    if ty.open or ty.bases is None:
        return PathType("unknown")
    if ty.bases & _MAPPINGS:
        if ty.name in _MAPPINGS and len(ty.args) == 2:
            return PathType("ok", ty.args[1])
        return PathType("unknown")
    if isinstance(seg, int) and ty.bases & _SEQUENCES:
        if ty.name == "builtins.tuple" and not ty.variadic and ty.args:
            return PathType("ok", ty.args[seg]) if -len(ty.args) <= seg < len(ty.args) else PathType("unknown")
        item = element_of(ty)
        return PathType("ok", item) if item is not None else PathType("unknown")
    # Neither a mapping, a dataclass nor a sequence: the run-time lookup fails here.
    return PathType("missing", ANY, str(seg), display(ty), ())
