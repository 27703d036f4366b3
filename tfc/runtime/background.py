"""Bridges to code that is not inside our task groups: sync callers and background starts."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import anyio
import sniffio

__all__ = ("in_event_loop", "run_sync", "spawn_background")

T = TypeVar("T")
_TASKS: set[Any] = set()


def in_event_loop() -> bool:
    """Whether the calling thread is running an async event loop."""
    try:
        sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        return False
    return True


def run_sync(fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """Run ``fn(*args, **kwargs)`` to completion from sync code.

    Outside an event loop this is `anyio.run`; inside one (a notebook, a sync helper called
    from async code) it runs on a worker thread with its own loop, so it never deadlocks.
    """
    call = functools.partial(fn, *args, **kwargs)
    if not in_event_loop():
        return anyio.run(call)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tfc-sync") as pool:
        return pool.submit(anyio.run, call).result()


def spawn_background(fn: Callable[..., Awaitable[object]], *args: Any) -> None:
    """Start ``fn(*args)`` without a task group (it must catch its own errors)."""
    library = sniffio.current_async_library()
    if library == "trio":
        import trio

        trio.lowlevel.spawn_system_task(fn, *args)
        return
    import asyncio

    task: asyncio.Future[object] = asyncio.ensure_future(fn(*args))
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
