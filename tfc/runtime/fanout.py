"""Run N branches concurrently and collect their results in order.

The one place a task group opens for fan-out. The first failing branch cancels its
siblings and its exception is re-raised as itself, never wrapped in an exception group.
Branches start in index order on every backend (trio runs newly started tasks in a random
order, so a branch that runs before its turn waits for it); with a limit, that many workers
pull indices in order, so branches start FIFO and memory stays bounded by the limit rather
than by N.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio

from .markers import MISSING

__all__ = ("fan_out",)


async def fan_out(n: int, run_one: Callable[[int], Awaitable[object]], limit: int | None) -> list[object]:
    """Await ``run_one(i)`` for ``i`` in ``range(n)`` concurrently; results in index order."""
    if n == 1:
        return [await run_one(0)]
    results: list[object] = [MISSING] * n
    failure: list[BaseException] = []
    async with anyio.create_task_group() as tg:

        async def one(i: int) -> None:
            try:
                results[i] = await run_one(i)
            except Exception as exc:
                if not failure:
                    failure.append(exc)
                tg.cancel_scope.cancel()

        if limit is None or limit >= n:
            turn = 0
            waiting: dict[int, anyio.Event] = {}

            async def in_order(i: int) -> None:
                nonlocal turn
                if turn != i:
                    event = waiting[i] = anyio.Event()
                    await event.wait()
                turn = i + 1
                successor = waiting.pop(turn, None)
                if successor is not None:
                    successor.set()
                await one(i)

            for i in range(n):
                tg.start_soon(in_order, i)
        else:
            indices = iter(range(n))

            async def worker() -> None:
                for i in indices:
                    await one(i)

            for _ in range(limit):
                tg.start_soon(worker)
    if failure:
        raise failure[0]
    return results
