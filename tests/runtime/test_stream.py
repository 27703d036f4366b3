"""RuntimeStream: SEMANTICS §4.3 and §7 B2, on asyncio and trio."""

from __future__ import annotations

import anyio
import anyio.lowlevel
import pytest

from tfc.runtime.stream import RuntimeStream, StreamClosedWarning, StreamTimeoutWarning

pytestmark = pytest.mark.anyio

# Guards against a hanging test; never reached when the code is right.
DEADLINE = 5.0


async def drain(stream: RuntimeStream, *, timeout: float | None = None) -> list[object]:
    return [item async for item in stream.consume(timeout=timeout)]


# -- put, stop, items ------------------------------------------------------------------------


async def test_put_keeps_items_in_order() -> None:
    stream = RuntimeStream()
    assert stream.put("a")
    assert stream.put({"n": 1})
    assert len(stream) == 2
    assert list(stream.items) == ["a", {"n": 1}]
    assert stream.items[-1] == {"n": 1}
    assert stream.items[:1] == ("a",)
    assert not stream.stopped


async def test_items_view_grows_with_the_stream() -> None:
    stream = RuntimeStream()
    view = stream.items
    stream.put(1)
    assert list(view) == [1]


def test_put_after_stop_warns_and_drops_the_item() -> None:
    stream = RuntimeStream()
    stream.put("kept")
    stream.stop()
    stream.stop()
    assert stream.stopped
    with pytest.warns(StreamClosedWarning, match="dropped .* stream is stopped") as caught:
        assert stream.put("late") is False
    assert caught[0].filename == __file__
    assert list(stream.items) == ["kept"]


# -- replay ----------------------------------------------------------------------------------


async def test_a_late_consumer_replays_from_the_first_item() -> None:
    stream = RuntimeStream()
    for item in ("a", "b", "c"):
        stream.put(item)
    stream.stop()
    assert await drain(stream) == ["a", "b", "c"]
    assert await drain(stream) == ["a", "b", "c"]


async def test_a_consumer_attached_midway_still_sees_earlier_items() -> None:
    stream = RuntimeStream()
    stream.put("early")
    got: list[object] = []
    with anyio.fail_after(DEADLINE):
        async with anyio.create_task_group() as tg:

            async def consume() -> None:
                got.extend(await drain(stream))

            tg.start_soon(consume)
            await anyio.wait_all_tasks_blocked()
            stream.put("late")
            stream.stop()
    assert got == ["early", "late"]


async def test_concurrent_consumers_see_identical_sequences() -> None:
    stream = RuntimeStream()
    results: list[list[object]] = [[], [], []]
    with anyio.fail_after(DEADLINE):
        async with anyio.create_task_group() as tg:
            for result in results[:2]:

                async def consume(result: list[object] = result) -> None:
                    result.extend(await drain(stream))

                tg.start_soon(consume)
            for n in range(20):
                stream.put(n)
                if n % 3 == 0:
                    await anyio.lowlevel.checkpoint()
                if n == 10:
                    await anyio.wait_all_tasks_blocked()
            stream.stop()
        results[2] = await drain(stream)
    assert results[0] == results[1] == results[2] == list(range(20))


# -- waking ----------------------------------------------------------------------------------


async def test_a_waiting_consumer_wakes_on_put() -> None:
    stream = RuntimeStream()
    received = anyio.Event()
    got: list[object] = []
    with anyio.fail_after(DEADLINE):
        async with anyio.create_task_group() as tg:

            async def consume() -> None:
                async for item in stream.consume(timeout=None):
                    got.append(item)
                    received.set()

            tg.start_soon(consume)
            await anyio.wait_all_tasks_blocked()  # the consumer waits: nothing to replay
            assert got == []
            stream.put("hello")
            await received.wait()
            assert got == ["hello"]
            stream.stop()
    assert got == ["hello"]


async def test_stop_wakes_a_waiting_consumer() -> None:
    stream = RuntimeStream()
    finished = anyio.Event()
    with anyio.fail_after(DEADLINE):
        async with anyio.create_task_group() as tg:

            async def consume() -> None:
                assert await drain(stream) == []
                finished.set()

            tg.start_soon(consume)
            await anyio.wait_all_tasks_blocked()
            assert not finished.is_set()
            stream.stop()
    assert finished.is_set()


async def test_wait_beyond() -> None:
    stream = RuntimeStream()
    assert not await stream.wait_beyond(0, 0.01)
    stream.put("a")
    assert await stream.wait_beyond(0, 0)
    assert not await stream.wait_beyond(1, 0.01)
    stream.stop()
    assert await stream.wait_beyond(5, None)


async def test_a_cancelled_consumer_leaves_the_stream_usable() -> None:
    stream = RuntimeStream()
    with anyio.move_on_after(0.01):
        await drain(stream)
    stream.put("a")
    stream.stop()
    assert await drain(stream) == ["a"]


# -- timeout and errors ----------------------------------------------------------------------


async def test_inactivity_timeout_ends_quietly_with_a_warning() -> None:
    stream = RuntimeStream()
    stream.put("a")
    stream.put("b")
    calls: list[str] = []
    consumer = stream.consume(timeout=0.05, on_timeout=lambda: calls.append("timeout"))
    got: list[object] = []
    with anyio.fail_after(DEADLINE):
        with pytest.warns(StreamTimeoutWarning, match=r"no new item for 0\.05 s after 2 item"):
            async for item in consumer:
                got.append(item)
        assert got == ["a", "b"]
        assert calls == ["timeout"]
        with pytest.raises(StopAsyncIteration):
            await consumer.__anext__()
    assert calls == ["timeout"]


async def test_error_source_is_raised_once_the_stream_is_drained() -> None:
    stream = RuntimeStream()
    stream.put("a")
    stream.stop()
    error = RuntimeError("background start failed")
    consumer = stream.consume(error_source=lambda: error)
    got: list[object] = []
    with pytest.raises(RuntimeError, match="background start failed"):
        async for item in consumer:
            got.append(item)
    assert got == ["a"]
    with pytest.raises(StopAsyncIteration):
        await consumer.__anext__()


async def test_error_source_returning_none_ends_quietly() -> None:
    stream = RuntimeStream()
    stream.stop()
    assert [item async for item in stream.consume(error_source=lambda: None)] == []


async def test_error_source_is_raised_after_a_timeout() -> None:
    stream = RuntimeStream()
    consumer = stream.consume(timeout=0.01, error_source=lambda: ValueError("failed"))
    with pytest.warns(StreamTimeoutWarning), pytest.raises(ValueError, match="failed"):
        await consumer.__anext__()


def test_a_negative_timeout_is_refused() -> None:
    with pytest.raises(ValueError, match="timeout"):
        RuntimeStream().consume(timeout=-1)
