"""Where saved executions live: the `SnapshotStore` protocol, `MemoryStore` and `SQLiteStore`.

A store keeps one document per execution id. `SQLiteStore` uses the standard library's
sqlite3 in WAL mode with one transaction per save, so a process killed at any point leaves
either the previous or the new document, never half of one. Documents are stored as JSON
text; loading one never executes anything.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..errors import SnapshotError

__all__ = ("MemoryStore", "SQLiteStore", "SnapshotStore")


@runtime_checkable
class SnapshotStore(Protocol):
    """One saved document per execution id."""

    def save(self, execution_id: str, document: Mapping[str, Any]) -> None:
        """Store *document* under *execution_id*, replacing any earlier one."""

    def load(self, execution_id: str) -> dict[str, Any]:
        """The document saved under *execution_id* (`SnapshotError` if there is none)."""
        ...

    def delete(self, execution_id: str) -> None:
        """Forget *execution_id* (no error if absent)."""

    def ids(self) -> list[str]:
        """Every stored execution id, oldest save first."""
        ...


def _encode(document: Mapping[str, Any]) -> str:
    try:
        return json.dumps(document, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise SnapshotError(f"cannot store the document: {exc}") from None


def _missing(execution_id: str, known: list[str]) -> SnapshotError:
    shown = ", ".join(known[:10]) or "none"
    return SnapshotError(f'no saved execution "{execution_id}" in this store (saved: {shown})')


class MemoryStore:
    """A store in a dict (documents are kept as JSON text, so they are copies)."""

    def __init__(self) -> None:
        self._docs: dict[str, str] = {}

    def save(self, execution_id: str, document: Mapping[str, Any]) -> None:
        text = _encode(document)
        self._docs.pop(execution_id, None)
        self._docs[execution_id] = text

    def load(self, execution_id: str) -> dict[str, Any]:
        text = self._docs.get(execution_id)
        if text is None:
            raise _missing(execution_id, list(self._docs))
        loaded: dict[str, Any] = json.loads(text)
        return loaded

    def delete(self, execution_id: str) -> None:
        self._docs.pop(execution_id, None)

    def ids(self) -> list[str]:
        return list(self._docs)


class SQLiteStore:
    """A store in one SQLite file (WAL, one transaction per save).

    Args:
        path: The database file; created if missing.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS tfc_executions ("
            " id TEXT PRIMARY KEY, flow TEXT NOT NULL, status TEXT NOT NULL,"
            " saved_at REAL NOT NULL, document TEXT NOT NULL)"
        )

    def save(self, execution_id: str, document: Mapping[str, Any]) -> None:
        text = _encode(document)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO tfc_executions (id, flow, status, saved_at, document) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT(id) DO UPDATE SET flow=excluded.flow, status=excluded.status,"
                    " saved_at=excluded.saved_at, document=excluded.document",
                    (execution_id, str(document.get("flow", "")), str(document.get("status", "")), time.time(), text),
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def load(self, execution_id: str) -> dict[str, Any]:
        with self._lock:
            row = self._db.execute("SELECT document FROM tfc_executions WHERE id = ?", (execution_id,)).fetchone()
        if row is None:
            raise _missing(execution_id, self.ids())
        try:
            loaded: dict[str, Any] = json.loads(row[0])
        except ValueError as exc:
            raise SnapshotError(f'saved execution "{execution_id}" is not valid JSON: {exc}') from None
        return loaded

    def delete(self, execution_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM tfc_executions WHERE id = ?", (execution_id,))

    def ids(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT id FROM tfc_executions ORDER BY saved_at, id")]

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids())

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
