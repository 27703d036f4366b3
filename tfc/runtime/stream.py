"""The runtime stream of one execution: an append-only list that every consumer replays.

Producers `RuntimeStream.put` items; each consumer made by `RuntimeStream.consume` starts at
the first item, however late it attaches (SEMANTICS §4.3). Items put after `stop` are
dropped with a `StreamClosedWarning` rather than failing the execution (§7 B2). Only anyio
primitives are used, so the stream works on asyncio and trio alike; all calls must come from
the thread that runs the event loop.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Final, overload

import anyio
import anyio.lowlevel

__all__ = (
    "RuntimeStream",
    "StreamClosedWarning",
    "StreamConsumer",
    "StreamTimeoutWarning",
)

_DROPPED: Final = (
    "runtime stream: dropped an item of type {kind}: the stream is stopped "
    "(stop_stream() was called or the execution is closed)"
)
_INACTIVE: Final = (
    "runtime stream: no new item for {timeout} s after {count} item(s); the consumer "
    "stops here (pass a larger timeout, or timeout=None to wait for stop)"
)


class StreamClosedWarning(UserWarning):
    """An item was put into a stopped runtime stream and dropped."""


class StreamTimeoutWarning(UserWarning):
    """A stream consumer saw no new item for its inactivity timeout and stopped."""


class _ItemsView(Sequence[object]):
    """A read-only, copy-free view of the items put so far; it grows with the stream."""

    __slots__ = ("_items",)

    def __init__(self, items: list[object]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> object: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[object]: ...

    def __getitem__(self, index: int | slice) -> object | Sequence[object]:
        if isinstance(index, slice):
            return tuple(self._items[index])
        return self._items[index]

    def __repr__(self) -> str:
        return f"<stream items {self._items!r}>"


class RuntimeStream:
    """The runtime stream of one execution.

    Items are kept for the lifetime of the stream so that every consumer can replay them
    from the first one. Waiting consumers share one `anyio.Event`, created only when
    somebody waits and replaced after each wake-up, so `put` costs a list append and a
    flag check when nobody waits.

    Example:
        >>> stream = RuntimeStream()
        >>> stream.put("token")
        True
        >>> stream.stop()
        >>> async def collect() -> list[object]:
        ...     return [item async for item in stream.consume()]
        >>> anyio.run(collect)
        ['token']
    """

    __slots__ = ("_event", "_items", "_stopped", "_view", "_waiters")

    def __init__(self) -> None:
        """Create an empty, running stream."""
        self._items: list[object] = []
        self._stopped = False
        self._event: anyio.Event | None = None
        self._waiters = 0
        self._view = _ItemsView(self._items)

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "open"
        return f"<RuntimeStream {state} items={len(self._items)} waiters={self._waiters}>"

    def __len__(self) -> int:
        """The number of items put so far."""
        return len(self._items)

    @property
    def items(self) -> Sequence[object]:
        """A read-only view of every item put so far, in put order (not a copy)."""
        return self._view

    @property
    def stopped(self) -> bool:
        """Whether `stop` was called."""
        return self._stopped

    def put(self, item: object, *, stacklevel: int = 2) -> bool:
        """Append ``item`` and wake the waiting consumers.

        Args:
            item: Any value; consumers receive this very object.
            stacklevel: Passed to `warnings.warn` when the item is dropped; the default
                points at the caller of `put`. Facades add one per frame they add.

        Returns:
            ``True`` if the item was added, ``False`` if the stream is stopped and the item
            was dropped with a `StreamClosedWarning`.
        """
        if self._stopped:
            message = _DROPPED.format(kind=type(item).__name__)
            warnings.warn(message, StreamClosedWarning, stacklevel=stacklevel)
            return False
        self._items.append(item)
        event = self._event
        if event is not None:
            self._event = None
            event.set()
        return True

    def stop(self) -> None:
        """End the stream: consumers finish once they have every item. Idempotent."""
        self._stopped = True
        event = self._event
        if event is not None:
            self._event = None
            event.set()

    async def wait_beyond(self, index: int, timeout: float | None = None) -> bool:
        """Wait until the stream holds an item at ``index`` or is stopped.

        Returns at once (without a checkpoint) if that is already so.

        Args:
            index: The position the caller wants to read next.
            timeout: Most seconds to wait; ``None`` waits without a limit.

        Returns:
            ``True`` if an item exists at ``index`` or the stream is stopped, ``False`` if
            ``timeout`` ran out first.
        """
        items = self._items
        if len(items) > index or self._stopped:
            return True
        self._waiters += 1
        try:
            with anyio.move_on_after(timeout):
                while len(items) <= index and not self._stopped:
                    event = self._event
                    if event is None:
                        event = self._event = anyio.Event()
                    await event.wait()
        finally:
            self._waiters -= 1
            if not self._waiters:
                # Nobody waits any more: drop an unset event so that the next waiter, maybe
                # in another event loop run, makes a fresh one.
                self._event = None
        return len(items) > index or self._stopped

    def consume(
        self,
        *,
        timeout: float | None = 10.0,
        on_timeout: Callable[[], None] | None = None,
        error_source: Callable[[], BaseException | None] | None = None,
    ) -> StreamConsumer:
        """Return an async iterator over every item, from the first one.

        The iterator ends when the stream is stopped and it has yielded every item, or
        when no new item arrives for ``timeout`` seconds while it waits (an inactivity
        timeout: each wait starts afresh). A timeout ends it quietly with a
        `StreamTimeoutWarning`.

        Args:
            timeout: Inactivity timeout in seconds; ``None`` waits until `stop`.
            on_timeout: Called once when the inactivity timeout ends the iteration.
            error_source: Asked once when the iteration ends; an exception it returns is
                raised from the iterator instead of ending quietly (a failed background
                start, for example).

        Raises:
            ValueError: If ``timeout`` is negative.
        """
        if timeout is not None and timeout < 0:
            msg = f"the stream timeout must be >= 0 or None, got {timeout!r}"
            raise ValueError(msg)
        return StreamConsumer(self, timeout, on_timeout, error_source)


class StreamConsumer(AsyncIterator[object]):
    """One consumer's position in a `RuntimeStream`; made by `RuntimeStream.consume`.

    A plain async iterator (not an async generator), so it needs no ``aclose()`` and can be
    abandoned anywhere, on asyncio or trio, inside or outside task groups. Each
    ``__anext__`` is a checkpoint.
    """

    __slots__ = ("_done", "_error_source", "_index", "_on_timeout", "_stream", "_timeout")

    def __init__(
        self,
        stream: RuntimeStream,
        timeout: float | None,
        on_timeout: Callable[[], None] | None,
        error_source: Callable[[], BaseException | None] | None,
    ) -> None:
        """Start at the first item of ``stream``; see `RuntimeStream.consume`."""
        self._stream = stream
        self._timeout = timeout
        self._on_timeout = on_timeout
        self._error_source = error_source
        self._index = 0
        self._done = False

    def __repr__(self) -> str:
        return f"<StreamConsumer at item {self._index} of {self._stream!r}>"

    @property
    def position(self) -> int:
        """How many items this consumer has yielded."""
        return self._index

    def __aiter__(self) -> StreamConsumer:
        return self

    async def __anext__(self) -> object:
        """Return the next item, waiting for it if needed.

        Raises:
            StopAsyncIteration: When the stream is stopped and drained, or on inactivity.
            BaseException: Whatever ``error_source`` returns when the iteration ends.
        """
        stream = self._stream
        index = self._index
        items = stream._items
        if self._done or len(items) > index or stream._stopped:
            await anyio.lowlevel.checkpoint()
        elif not await stream.wait_beyond(index, self._timeout):
            self._done = True
            message = _INACTIVE.format(timeout=self._timeout, count=index)
            warnings.warn(message, StreamTimeoutWarning, stacklevel=2)
            if self._on_timeout is not None:
                self._on_timeout()
        if not self._done and len(items) > index:
            self._index = index + 1
            return items[index]
        self._done = True
        error_source, self._error_source = self._error_source, None
        error = None if error_source is None else error_source()
        if error is not None:
            raise error
        raise StopAsyncIteration
