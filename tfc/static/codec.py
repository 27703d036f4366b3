"""Module summaries as JSON data and back: the per-file cache's format (never pickle).

A summary is a tree of the frozen dataclasses of `syntax.py` (and `Loc`), tuples and
literals. In JSON, a dataclass is ``[class number, field, field, ...]``, a tuple is
``["t", item, ...]``, and the literals JSON lacks are ``["b", latin-1 text]`` (bytes),
``["c", real, imag]`` (complex) and ``["f", "inf"]`` (non-finite floats); other literals are
themselves. Reading checks the class numbers and field counts; anything else raises
`ValueError`, and the caller treats the file as not cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from typing import Any

from ..ir.nodes import Loc
from . import syntax
from .syntax import ModuleSummary

__all__ = ("SCHEMA", "dump_summary", "load_summary")

_CLASSES: tuple[type, ...] = (
    Loc,
    *sorted(
        (c for c in vars(syntax).values() if isinstance(c, type) and dataclasses.is_dataclass(c)),
        key=lambda c: c.__name__,
    ),
)
_NUMBER = {cls: i for i, cls in enumerate(_CLASSES)}
_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _CLASSES}
_ARITY = tuple(len(_FIELDS[cls]) for cls in _CLASSES)
SCHEMA = hashlib.sha1(repr([(c.__name__, _FIELDS[c]) for c in _CLASSES]).encode()).hexdigest()[:12]
"""Changes whenever a summary class or its fields change (old cache files are then ignored)."""


def dump_summary(summary: ModuleSummary) -> Any:
    """*summary* as JSON data."""
    return _dump(summary)


def _dump(value: object) -> Any:
    cls = type(value)
    number = _NUMBER.get(cls)
    if number is not None:
        return [number, *(_dump(getattr(value, name)) for name in _FIELDS[cls])]
    if cls is tuple:
        return ["t", *(_dump(v) for v in value)]  # type: ignore[attr-defined]
    if value is None or cls in (str, bool, int):
        return value
    if cls is float:
        return value if math.isfinite(value) else ["f", repr(value)]  # type: ignore[arg-type]
    if cls is bytes:
        return ["b", value.decode("latin-1")]  # type: ignore[attr-defined]
    if cls is complex:
        return ["c", value.real, value.imag]  # type: ignore[attr-defined]
    raise ValueError(f"cannot store a {cls.__name__} in a summary")


def load_summary(data: Any) -> ModuleSummary:
    """The summary *data* stands for.

    Raises:
        ValueError: If *data* is not what `dump_summary` writes.
    """
    try:
        summary = _load(data)
    except (TypeError, IndexError, KeyError, RecursionError) as exc:
        raise ValueError(f"bad summary: {exc}") from None
    if not isinstance(summary, ModuleSummary):
        raise ValueError("bad summary: not a module")
    return summary


def _load(data: Any) -> Any:
    if type(data) is not list:
        if data is None or type(data) in (str, bool, int, float):
            return data
        raise ValueError("bad summary value")
    head = data[0]
    if type(head) is int:
        if not 0 <= head < len(_CLASSES) or len(data) - 1 != _ARITY[head]:
            raise ValueError("bad summary record")
        return _CLASSES[head](*[_load(v) for v in data[1:]])
    if head == "t":
        return tuple([_load(v) for v in data[1:]])
    if head == "b" and len(data) == 2 and type(data[1]) is str:
        return data[1].encode("latin-1")
    if head == "c" and len(data) == 3:
        return complex(float(data[1]), float(data[2]))
    if head == "f" and len(data) == 2 and data[1] in ("inf", "-inf", "nan"):
        return float(data[1])
    raise ValueError("bad summary value")
