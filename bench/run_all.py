"""Run every benchmark case and print one table.

Usage (from the repository root)::

    .venv/bin/python -m bench.run_all            # the full run (about 2 minutes here)
    .venv/bin/python -m bench.run_all --quick    # smaller sizes, fewer runs (~20 s)
    .venv/bin/python -m bench.run_all --backend trio --markdown
    .venv/bin/python -m bench.run_all --only chain,emit

Each case lives in its own module (``python -m bench.chain`` runs one) and measures tfc
and a hand-written anyio baseline in the same process; see ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python bench/run_all.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "bench"

from ._common import Row, format_table  # noqa: E402

CASES = (
    "chain",
    "for_each",
    "batch",
    "emit",
    "executions",
    "stream",
    "sleep_bound",
    "sub_flow",
    "import_time",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run tfc's benchmarks against raw anyio baselines.")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer runs")
    parser.add_argument("--backend", choices=("asyncio", "trio"), default="asyncio")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--only", default="", help="comma-separated case names")
    args = parser.parse_args(argv)
    chosen = [c for c in args.only.split(",") if c] or list(CASES)
    unknown = sorted(set(chosen) - set(CASES))
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(CASES)}")
    rows: list[Row] = []
    started = time.perf_counter()
    for name in chosen:
        module = importlib.import_module(f"{__package__}.{name}")
        case_start = time.perf_counter()
        rows.extend(module.run(args.quick, args.backend))
        print(f"{name}: {time.perf_counter() - case_start:.1f} s", file=sys.stderr, flush=True)
    total = time.perf_counter() - started
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(
        f"tfc benchmarks, {args.backend}{' (quick)' if args.quick else ''}: Python {platform.python_version()},"
        f" {platform.machine()}, {_cpu()}; {total:.0f} s; load average at the end {load}"
    )
    print()
    print(format_table(rows, markdown=args.markdown))
    missed = [r for r in rows if r.ok is False]
    print()
    print(f"{len(rows) - len(missed)} of {len(rows)} rows meet their target or have none; missed: {len(missed)}")
    return 0


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()} × {os.cpu_count()}"
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    raise SystemExit(main())
