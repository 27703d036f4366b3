"""The state of one execution: a dict with dotted keys, copy-on-write/read and a freeze.

Every value is copied on the way in and on the way out, so mutating an argument or a
returned value never changes stored state (SEMANTICS §3.1). Dispatching the
``runtime_data`` signals a write triggers is the execution's job, not this module's; the
write methods return the value to send with it.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import fractions
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final

from ..errors import ExecutionStateError

__all__ = ("ATOMIC", "RESULT_KEY", "StateStore", "copy_value")

ATOMIC: Final[frozenset[type]] = frozenset(
    {
        type(None),
        bool,
        int,
        float,
        complex,
        str,
        bytes,
        range,
        decimal.Decimal,
        fractions.Fraction,
        datetime.date,
        datetime.datetime,
        datetime.time,
        datetime.timedelta,
        datetime.timezone,
        uuid.UUID,
    }
)
"""Exact types (not subclasses) whose instances are immutable and hold nothing mutable:
`copy_value` hands them back as they are (``type(v) in ATOMIC`` saves the call)."""

RESULT_KEY: Final = "$final_result"
"""Where `.end()` and `set_result()` keep an execution's compat result in its state."""

_MISSING: Final = object()

_FROZEN: Final = "state is frozen: the execution is closed, so {op}({key!r}) cannot change it"


def copy_value(value: object) -> object:
    """Return a copy of ``value`` that shares nothing mutable with it.

    Immutable scalars come back as they are (a single type lookup), ``dict``, ``list``,
    ``tuple``, ``set`` and ``frozenset`` are copied element by element, and anything else
    goes through `copy.deepcopy`. Dict keys are kept as they are. Only exact types take the
    fast paths; subclasses are deep-copied so their extra attributes are copied too.

    Args:
        value: Any value a chunk may store in state or put in a snapshot.

    Returns:
        An equal value safe to hand out or to store.
    """
    if type(value) in ATOMIC:
        return value
    try:
        return _copy(value)
    except RecursionError:
        # A container that holds itself (or is absurdly deep): deepcopy keeps the cycles.
        return copy.deepcopy(value)


def _copy(value: object) -> object:
    cls = type(value)
    if cls in ATOMIC:
        return value
    copier = _CONTAINERS.get(cls)
    return copy.deepcopy(value) if copier is None else copier(value)


def _copy_dict(value: dict[object, object]) -> dict[object, object]:
    return {key: _copy(item) for key, item in value.items()}


def _copy_list(value: list[object]) -> list[object]:
    return [_copy(item) for item in value]


def _copy_tuple(value: tuple[object, ...]) -> tuple[object, ...]:
    for item in value:
        if type(item) not in ATOMIC:
            return tuple([_copy(item) for item in value])
    return value


def _copy_set(value: set[object]) -> set[object]:
    return {_copy(item) for item in value}


def _copy_frozenset(value: frozenset[object]) -> frozenset[object]:
    for item in value:
        if type(item) not in ATOMIC:
            return frozenset([_copy(item) for item in value])
    return value


# The containers copied element by element, by exact type.
_CONTAINERS: Final[dict[type, Callable[[Any], object]]] = {
    dict: _copy_dict,
    list: _copy_list,
    tuple: _copy_tuple,
    set: _copy_set,
    frozenset: _copy_frozenset,
}


def _path(key: str) -> list[str] | None:
    """Split a dotted key into its parts, or return ``None`` if it is a plain key."""
    if "." not in key:
        return None
    parts = key.split(".")
    return parts if all(parts) else None


class StateStore:
    """The state of one execution: an insertion-ordered dict of copied values.

    A key with dots (``"a.b"``) addresses nested dicts, unless a key with exactly that
    spelling exists at the top level, which wins. Keys with an empty part (``".x"``,
    ``"a..b"``) are always plain keys. Every effective write, append or delete bumps
    `version`; after `freeze` every write raises `ExecutionStateError` and reads go on
    working.

    Example:
        >>> state = StateStore({"topic": "llm"})
        >>> state.set("report.title", "Draft")
        'Draft'
        >>> state.get()
        {'topic': 'llm', 'report': {'title': 'Draft'}}
    """

    __slots__ = ("_data", "_frozen", "_version")

    def __init__(self, initial: Mapping[str, object] | None = None) -> None:
        """Create the store, copying ``initial`` when given."""
        self._data: dict[str, object] = {}
        self._version = 0
        self._frozen = False
        if initial:
            self._data = {key: copy_value(value) for key, value in initial.items()}

    def __repr__(self) -> str:
        frozen = ", frozen" if self._frozen else ""
        return f"<StateStore version={self._version}{frozen} {self._data!r}>"

    @property
    def version(self) -> int:
        """How many effective writes, appends and deletes the state has seen."""
        return self._version

    @property
    def frozen(self) -> bool:
        """Whether `freeze` was called; a frozen store refuses every write."""
        return self._frozen

    def freeze(self) -> None:
        """Refuse every later write (the execution closed). Idempotent."""
        self._frozen = True

    def freeze_and_get(self, key: str, default: object = None) -> object:
        """`freeze`, then a copy of the value at the top-level *key* (no dotted lookup), or
        *default*: what closing a run reads its compat result with, in one call."""
        self._frozen = True
        value = self._data.get(key, default)
        return value if value is default or type(value) in ATOMIC else copy_value(value)

    # -- reads -----------------------------------------------------------------------------

    def get(self, key: str | None = None, default: object = None) -> object:
        """Return a copy of the value at ``key``.

        Args:
            key: A top-level key, or a dotted path through nested dicts. ``None`` returns
                a copy of the whole state.
            default: Returned as it is when ``key`` is missing.

        Returns:
            A copy of the stored value, or ``default``.
        """
        if key is None:
            return self.snapshot()
        data = self._data
        value = data.get(key, _MISSING)
        if value is _MISSING:
            value = self._lookup(key)
            if value is _MISSING:
                return default
        return value if type(value) in ATOMIC else copy_value(value)

    def snapshot(self) -> dict[str, object]:
        """Return a copy of the whole state, in insertion order."""
        return {key: copy_value(value) for key, value in self._data.items()}

    def keys(self) -> list[str]:
        """Return the top-level keys, in insertion order."""
        return list(self._data)

    def __contains__(self, key: object) -> bool:
        """Whether `get` would find ``key`` (a top-level key or a dotted path)."""
        if not isinstance(key, str):
            return False
        return key in self._data or self._lookup(key) is not _MISSING

    def __len__(self) -> int:
        """The number of top-level keys."""
        return len(self._data)

    # -- writes ----------------------------------------------------------------------------

    def set(self, key: str, value: object) -> object:
        """Store a copy of ``value`` at ``key``, replacing what was there (no merging).

        A dotted key creates the nested dicts it needs; an intermediate value that is not
        a dict is replaced by one.

        Args:
            key: A top-level key or a dotted path.
            value: The new value; a copy is stored.

        Returns:
            A copy of the stored value, for the ``runtime_data`` signal.

        Raises:
            ExecutionStateError: If the store is frozen.
        """
        if self._frozen:
            msg = _FROZEN.format(op="set", key=key)
            raise ExecutionStateError(msg)
        stored = copy_value(value)
        container, leaf = self._container(key)
        container[leaf] = stored
        self._version += 1
        return stored if type(stored) in ATOMIC else copy_value(stored)

    def set_if_missing(self, key: str, value: object) -> bool:
        """Store a copy of ``value`` at ``key`` unless `get` would find something there.

        ``if key not in state: state.set(key, value)`` in one dict lookup for a plain key
        (what `.end()` does with the compat result), without copying the stored value back
        out. A present key leaves the store as it is, frozen or not.

        Returns:
            Whether the value was stored.

        Raises:
            ExecutionStateError: If the key is missing and the store is frozen.
        """
        data = self._data
        if key in data:
            return False
        if "." in key:
            if self._lookup(key) is not _MISSING:
                return False
            self.set(key, value)
            return True
        if self._frozen:
            msg = _FROZEN.format(op="set", key=key)
            raise ExecutionStateError(msg)
        data[key] = value if type(value) in ATOMIC else copy_value(value)
        self._version += 1
        return True

    def append(self, key: str, value: object) -> object:
        """Append a copy of ``value`` to the list at ``key``.

        A missing key becomes ``[value]``; a value that is not a list becomes
        ``[old, value]``.

        Args:
            key: A top-level key or a dotted path.
            value: The item to append; a copy is stored.

        Returns:
            A copy of the whole new list, for the ``runtime_data`` signal.

        Raises:
            ExecutionStateError: If the store is frozen.
        """
        if self._frozen:
            msg = _FROZEN.format(op="append", key=key)
            raise ExecutionStateError(msg)
        item = copy_value(value)
        container, leaf = self._container(key)
        current = container.get(leaf, _MISSING)
        if current is _MISSING:
            new: list[object] = [item]
        elif type(current) is list:
            new = current
            new.append(item)
        else:
            new = [current, item]
        container[leaf] = new
        self._version += 1
        return copy_value(new)

    def delete(self, key: str) -> bool:
        """Remove ``key`` (a top-level key or a dotted path).

        Returns:
            ``True`` if something was removed; ``False`` (and no version bump) if the key
            was missing.

        Raises:
            ExecutionStateError: If the store is frozen.
        """
        if self._frozen:
            msg = _FROZEN.format(op="delete", key=key)
            raise ExecutionStateError(msg)
        data = self._data
        if key in data:
            del data[key]
        else:
            parts = _path(key)
            if parts is None:
                return False
            parent = self._walk(parts[:-1])
            if parent is None or parts[-1] not in parent:
                return False
            del parent[parts[-1]]
        self._version += 1
        return True

    def restore(self, data: Mapping[str, object]) -> None:
        """Replace the whole state with a copy of ``data`` (loading a snapshot).

        Raises:
            ExecutionStateError: If the store is frozen.
        """
        if self._frozen:
            msg = "state is frozen: the execution is closed, so restore() cannot change it"
            raise ExecutionStateError(msg)
        self._data = {key: copy_value(value) for key, value in data.items()}
        self._version += 1

    # -- helpers ---------------------------------------------------------------------------

    def _walk(self, parts: list[str]) -> dict[str, object] | None:
        """Follow ``parts`` through nested dicts; ``None`` if one is missing or not a dict."""
        node: object = self._data
        for part in parts:
            if not isinstance(node, dict):
                return None
            node = node.get(part, _MISSING)
        return node if isinstance(node, dict) else None

    def _lookup(self, key: str) -> object:
        """Read a dotted path (the literal key was already tried); `_MISSING` if absent."""
        parts = _path(key)
        if parts is None:
            return _MISSING
        parent = self._walk(parts[:-1])
        return _MISSING if parent is None else parent.get(parts[-1], _MISSING)

    def _container(self, key: str) -> tuple[dict[str, object], str]:
        """Return the dict and leaf key a write to ``key`` goes to, creating nested dicts."""
        data = self._data
        parts = None if key in data else _path(key)
        if parts is None:
            return data, key
        node = data
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        return node, parts[-1]
