"""Pause in a child flow, save to SQLite, load in a fresh execution, resume twice (idempotent)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import anyio

from tfc.runtime.stores import SQLiteStore

from .flow import RUNS, Document, flow


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, SQLiteStore(Path(tmp) / "reviews.db") as store:
        execution = flow.create_execution(auto_close=False)
        await execution.async_start(Document(title=" Supplier contract ", body="The supplier delivers weekly."))
        (root_id,) = execution.get_pending_interrupts()
        record = execution.get_interrupt(root_id)
        assert record is not None
        print("STATUS:", execution.status)
        print("WAITING:", root_id)
        print("  type:", record.type, "| payload:", record.payload)
        print("  sub_flow_frame_id:", record.sub_flow_frame_id, "| local_interrupt_id:", record.local_interrupt_id)
        execution.save_to(store)
        print("SAVED:", execution.id, "->", store.path.name)

        restored = flow.load_from(store, execution.id)
        print("LOADED:", restored.id, "status:", restored.status)
        approval = {"approved": True, "by": "legal@example.com"}
        first = await restored.async_continue_with(root_id, approval, resume_request_id="legal-webhook-42")
        runs_after_first = dict(RUNS)
        again = await restored.async_continue_with(root_id, approval, resume_request_id="legal-webhook-42")
        print("RESUMED:", first is not None and first.status, "| runs:", runs_after_first)
        print("REPEATED (same resume_request_id):", "same record" if again is first else "another record",
              "| nothing ran twice:", dict(RUNS) == runs_after_first)

        snapshot = await restored.async_close()
        print("REPORT:", snapshot["report"])
        print("RESULT:", snapshot["$final_result"])
        print("STREAM:")
        async for item in restored.get_async_runtime_stream(timeout=None):
            if isinstance(item, dict) and item.get("type") == "interrupt":
                where = "parent" if item["execution_id"] == restored.id else "child"
                print(f"  {where} interrupt {item['action']}: {item['interrupt']['type']}")
            else:
                print(f"  {item}")


anyio.run(main)
