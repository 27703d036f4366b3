"""Run a flow through the engine and through its runner and record what each observed."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import anyio
import sniffio

from tfc import TriggerFlow

DEADLINE = 10.0


@dataclass(frozen=True)
class Outcome:
    """What one run showed: stream items, the close snapshot (as ordered items) or the error."""

    stream: list[object]
    snapshot: list[tuple[str, object]] | None
    error: tuple[str, str, str | None, str | None, str | None] | None
    """(type, message, chunk, where, cause type)"""


def _seed_scheduler() -> None:
    """Make trio's scheduling choices repeat, so two runs of the same task structure match."""
    if sniffio.current_async_library() == "trio":
        import trio._core._run as trio_run

        trio_run._r.seed(20261122)


def _error(exc: BaseException) -> tuple[str, str, str | None, str | None, str | None]:
    cause = type(exc.__cause__).__name__ if exc.__cause__ is not None else None
    return (type(exc).__name__, str(exc), getattr(exc, "chunk", None), getattr(exc, "where", None), cause)


async def on_engine(flow: TriggerFlow[Any], value: object, **options: Any) -> Outcome:
    """``flow.create_execution(**options).async_start(value)``, observed."""
    _seed_scheduler()
    execution = flow.create_execution(**options)
    snapshot = error = None
    with anyio.fail_after(DEADLINE), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            snapshot = list((await execution.async_start(value)).items())
        except Exception as exc:
            error = _error(exc)
    return Outcome(list(execution.stream.items), snapshot, error)


async def on_runner(runner: ModuleType, value: object, **options: Any) -> Outcome:
    """``runner.run(value, **options)``, observed through its ``stream`` callback."""
    _seed_scheduler()
    items: list[object] = []
    snapshot = error = None
    with anyio.fail_after(DEADLINE), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            snapshot = list((await runner.run(value, stream=items.append, **options)).items())
        except Exception as exc:
            error = _error(exc)
    return Outcome(items, snapshot, error)
