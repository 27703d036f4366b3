"""The flow of the crash test and the two halves it runs in separate processes.

`pause_then_die` starts one execution per topic, saves each to SQLite where it paused, prints
one JSON line per execution and kills its own process with SIGKILL (no close, no cleanup).
`load_and_resume` loads each saved execution in a fresh process, resumes it by its root
interrupt id and prints the outcome.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys

import anyio

from tfc.runtime.stores import SQLiteStore

from .flows import legal_child, review_parent
from .helpers import Runs

runs = Runs()
flow = review_parent(runs, legal_child(runs))


def digest(document: object) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


async def _pause(path: str, topics: list[str]) -> None:
    store = SQLiteStore(path)
    for topic in topics:
        execution = flow.create_execution(auto_close=False)
        await execution.async_start(topic)
        document = execution.save_to(store)
        (root_id,) = execution.get_pending_interrupts()
        print(json.dumps({"id": execution.id, "interrupt": root_id, "digest": digest(document)}), flush=True)


def pause_then_die(path: str, topics: list[str]) -> None:
    anyio.run(_pause, path, topics)
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


async def _resume(path: str) -> None:
    store = SQLiteStore(path)
    for execution_id in store.ids():
        document = store.load(execution_id)
        execution = flow.load_from(store, execution_id)
        (root_id,) = execution.get_pending_interrupts()
        await execution.async_continue_with(root_id, {"by": "legal"}, resume_request_id=f"hook-{execution_id}")
        snapshot = await execution.async_close()
        print(json.dumps({"id": execution_id, "digest": digest(document), "result": snapshot}), flush=True)
    store.close()


def load_and_resume(path: str) -> None:
    anyio.run(_resume, path)
