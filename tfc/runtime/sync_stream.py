"""The sync runtime-stream consumer: a generator fed by a worker thread's event loop."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from .execution import TriggerFlowExecution

__all__ = ("iterate_in_thread",)

_END = object()


def iterate_in_thread(execution: TriggerFlowExecution, initial: object, timeout: float | None) -> Iterator[object]:
    """Yield stream items while a worker thread runs the execution to its close.

    The generator joins the worker before it ends, so a script that exits right after the
    loop never tears down a half-finished event loop.
    """
    items: queue.Queue[object] = queue.Queue()
    failure: list[BaseException] = []

    async def drive() -> None:
        async with anyio.create_task_group() as tg:

            async def pump() -> None:
                async for item in execution.stream.consume(timeout=timeout):
                    items.put(item)

            tg.start_soon(pump)
            try:
                if not execution.started:
                    await execution.async_start(initial)
                if not execution.is_closed() and execution.auto_close:
                    await execution.async_close()
            except BaseException as exc:
                failure.append(exc)
                execution.stream.stop()

    def worker() -> None:
        try:
            anyio.run(drive)
        except BaseException as exc:  # pragma: no cover - drive catches its own
            failure.append(exc)
        finally:
            items.put(_END)

    thread = threading.Thread(target=worker, name="tfc-stream", daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is _END:
                break
            yield item
    finally:
        thread.join()
    if failure:
        raise failure[0]
