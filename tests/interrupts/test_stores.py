"""Snapshot stores: MemoryStore and SQLiteStore (save, load, ids, delete, re-save, WAL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tfc import SnapshotError, TriggerFlow, TriggerFlowRuntimeData
from tfc.runtime.stores import MemoryStore, SnapshotStore, SQLiteStore

from .helpers import close, only_pending, resume, start


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SnapshotStore]:
    if request.param == "memory":
        yield MemoryStore()
    else:
        with SQLiteStore(tmp_path / "executions.db") as sqlite_store:
            yield sqlite_store


def doc(n: int) -> dict[str, Any]:
    return {"format": "tfc.execution/1", "flow": "f", "status": "waiting", "n": n, "nested": {"list": [n, None]}}


def test_save_load_ids_delete(store: SnapshotStore) -> None:
    assert isinstance(store, SnapshotStore)
    assert store.ids() == []
    store.save("a", doc(1))
    store.save("b", doc(2))
    assert store.ids() == ["a", "b"]
    assert store.load("a") == doc(1) and store.load("b") == doc(2)
    store.delete("a")
    store.delete("a")  # absent: no error
    assert store.ids() == ["b"]
    with pytest.raises(SnapshotError, match='no saved execution "a" in this store \\(saved: b\\)'):
        store.load("a")


def test_re_saving_replaces_the_one_document_of_that_id(store: SnapshotStore) -> None:
    store.save("a", doc(1))
    store.save("b", doc(2))
    store.save("a", doc(3))
    assert store.load("a") == doc(3)
    assert sorted(store.ids()) == ["a", "b"] and len(store.ids()) == 2
    assert store.ids()[-1] == "a", "ids are listed oldest save first"


def test_documents_are_copies(store: SnapshotStore) -> None:
    original = doc(1)
    store.save("a", original)
    original["nested"]["list"].append("changed after save")
    loaded = store.load("a")
    assert loaded == doc(1)
    loaded["n"] = 99
    assert store.load("a") == doc(1)


def test_a_document_that_is_not_json_is_refused_and_the_old_one_kept(store: SnapshotStore) -> None:
    store.save("a", doc(1))
    with pytest.raises(SnapshotError, match="cannot store the document"):
        store.save("a", {"live": object()})
    with pytest.raises(SnapshotError, match="cannot store the document"):
        store.save("a", {"x": float("nan")})
    assert store.load("a") == doc(1)


def test_sqlite_runs_in_wal_mode_and_persists_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "executions.db"
    with SQLiteStore(path) as store:
        store.save("a", doc(1))
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT id, flow, status FROM tfc_executions").fetchall() == [("a", "f", "waiting")]
    with SQLiteStore(path) as again:
        assert again.load("a") == doc(1)
        assert list(again) == ["a"]


def test_sqlite_two_stores_on_one_file_see_each_others_saves(tmp_path: Path) -> None:
    path = tmp_path / "executions.db"
    with SQLiteStore(path) as writer, SQLiteStore(path) as reader:
        writer.save("a", doc(1))
        assert reader.load("a") == doc(1)
        writer.save("a", doc(2))
        assert reader.load("a") == doc(2)


def flow() -> TriggerFlow[Any]:
    f = TriggerFlow(name="stored")

    @f.chunk("ask")
    async def ask(data: TriggerFlowRuntimeData[Any]) -> None:
        data.state["asked"] = data.value
        await data.async_pause_for(interrupt_id="ask")

    f.to(ask).to(lambda data: data.value).end()
    return f


@pytest.mark.anyio
async def test_save_to_and_load_from_round_trip(store: SnapshotStore) -> None:
    definition = flow()
    execution = await start(definition, "x")
    document = execution.save_to(store)
    assert store.ids() == [execution.id]
    assert store.load(execution.id) == document
    restored = definition.load_from(store, execution.id)
    assert restored.id == execution.id and restored is not execution
    assert only_pending(restored) == "ask"
    await resume(restored, "ask", "y")
    assert await close(restored) == {"asked": "x", "$final_result": "y"}
    restored.save_to(store)
    assert store.ids() == [execution.id], "re-saving replaced the document"
    assert store.load(execution.id)["status"] == "completed"


def test_load_from_an_unknown_id_names_the_saved_ones(store: SnapshotStore) -> None:
    store.save("known", doc(1))
    with pytest.raises(SnapshotError, match='no saved execution "missing" in this store \\(saved: known\\)'):
        flow().load_from(store, "missing")
