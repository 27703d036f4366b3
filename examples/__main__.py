"""Run every example flow, printing its runtime stream and result: python -m examples."""

from __future__ import annotations

import runpy
import sys
import time

EXAMPLES = (
    "examples.seed_playbook",
    "examples.research_report",
    "examples.sub_flow_report",
    "examples.document_review",
)


def main() -> None:
    for name in EXAMPLES:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        runpy.run_module(name, run_name="__main__")
        print(f"--- {name}: {time.perf_counter() - started:.3f}s", flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
