"""Engine vs generated runner vs hand-written anyio, counted in CPU instructions (valgrind).

    .venv/bin/python -m bench.instructions [--case sub_flow] [--body yield] [--backend trio]

`bench.runner` times the three programs; on a shared machine its figures move by ±30 %
between runs (and by 2× on a busy day). This counts the instructions each program runs per
unit instead, with valgrind's callgrind, which gives the same figure on every run: a
process builds the case at both sizes, then runs one program of one size ``--loops`` times
in one event loop; the per-unit figure is the slope between the two sizes. Instructions are
not time (an event loop iteration waits on system calls, which are not counted, and
interpreter code runs at a different rate than C), so the ratio here is a check on the
timed one, not a replacement for it.

Needs ``valgrind`` on PATH; each measurement takes about a minute (two run at once).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

PROGRAMS = ("engine", "runner", "raw")


def _one(program: str, case: str, body: str, size: int, loops: int, backend: str) -> int:
    """Instructions of one child process (valgrind), running *program* *loops* times."""
    cmd = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, "-m", "bench.instructions", "--child", program, case, body, str(size), str(loops), backend,
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dict layouts in every process
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from valgrind:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def child(program: str, case: str, body: str, size: int, loops: int, backend: str) -> None:
    """Build *case* at both sizes (the same work in every process), run one program."""
    import anyio

    from tfc.codegen import load_runner

    from ._common import deep_recursion
    from .runner import CASES

    make, _unit, sizes = CASES[case]
    built: dict[int, Any] = {}
    for n in sizes:
        flow, raw = make(n, body)
        with deep_recursion():
            built[n] = (flow, load_runner(flow), raw)
    flow, runner, raw = built[size]
    arg: object = list(range(size)) if case == "for_each" else 0

    async def main() -> None:
        async def engine() -> object:
            return await flow.async_start(arg)

        async def run() -> object:
            return await runner.run(arg)

        work = {"engine": engine, "runner": run, "raw": raw}[program]
        for _ in range(3):
            await work()
        gc.collect()
        for _ in range(loops):
            await work()

    anyio.run(main, backend=backend)


def measure(case: str, body: str, loops: int, backend: str) -> dict[str, float]:
    from .runner import CASES

    _make, _unit, (small, big) = CASES[case]
    jobs = [(p, n) for p in PROGRAMS for n in (small, big)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = dict(zip(jobs, pool.map(lambda job: _one(job[0], case, body, job[1], loops, backend), jobs)))
    return {p: (counts[(p, big)] - counts[(p, small)]) / (big - small) / loops for p in PROGRAMS}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        program, case, body, size, loops, backend = argv[1:7]
        child(program, case, body, int(size), int(loops), backend)
        return
    from .runner import CASES, TARGET

    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--case", action="append", choices=list(CASES), help="default: sub_flow (repeatable)")
    parser.add_argument("--body", action="append", choices=("yield", "trivial"), help="default: yield")
    parser.add_argument("--backend", choices=("asyncio", "trio"), default="asyncio")
    parser.add_argument("--loops", type=int, default=40, help="runs of each program per process")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        sys.exit("bench.instructions needs valgrind on PATH")
    print(f"bench.instructions on {args.backend}: instructions per unit (slope between two sizes)")
    print(f"{'case':16} {'body':8} {'engine':>9} {'runner':>9} {'raw':>9} {'runner/raw':>11} {'engine/raw':>11}  target")
    for case in args.case or ["sub_flow"]:
        for body in args.body or ["yield"]:
            got = measure(case, body, args.loops, args.backend)
            ratio = got["runner"] / got["raw"]
            target = f"≤ {TARGET:g}× {'met' if ratio <= TARGET else 'NOT met'}" if body == "yield" else "-"
            print(
                f"{case:16} {body:8} {got['engine']:9.0f} {got['runner']:9.0f} {got['raw']:9.0f}"
                f" {ratio:10.2f}× {got['engine'] / got['raw']:10.2f}×  {target}",
                flush=True,
            )


if __name__ == "__main__":
    main()
