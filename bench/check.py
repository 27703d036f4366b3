"""Time `tfc check` on a synthetic project: 1,000 modules, 2,000 flows, 20,000 chunks.

    python -m bench.check [--modules N] [--keep DIR]

Each module defines a TypedDict state, two flows and ten typed chunks per flow, wired with
`to`, `batch`, `for_each`, `if_condition`, `when` on an emitted event and on a state key,
and imports a chunk from the previous module (so names resolve across files). Three runs
of the real command line (`python -m tfc check`, a subprocess each):

* cold: no cache (every file is parsed);
* warm: the cache is fresh (nothing is parsed);
* touched: a comment appended to one file (one file is parsed; its summary is unchanged);
* edited: a line inserted at the top of another file (every location in it moves, so the
  modules that import from it re-run too).

Targets on the 2-core reference machine: cold <= 20 s, touched <= 2 s. The project is
clean by construction, so every run must exit 0 with "All checks passed.".
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHUNKS_PER_FLOW = 10
FLOWS_PER_MODULE = 2


def module_source(i: int) -> str:
    """One synthetic module (module ``i`` imports a chunk from module ``i - 1``)."""
    lines = [
        f'"""Synthetic module {i}."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import TypedDict",
        "",
        "from tfc import TriggerFlow, TriggerFlowRuntimeData",
    ]
    if i:
        lines.append(f"from .m{i - 1:04d} import shared_{i - 1}")
    lines += [
        "",
        "",
        f"class State{i}(TypedDict, total=False):",
        "    topic: str",
        "    count: int",
        "",
        "",
        f"async def shared_{i}(data: TriggerFlowRuntimeData[str, State{i}]) -> str:",
        "    return data.value",
        "",
    ]
    for f in range(FLOWS_PER_MODULE):
        flow = f"flow_{f}"
        lines += ["", f'{flow} = TriggerFlow(name="m{i}_f{f}", state=State{i})', ""]
        for c in range(CHUNKS_PER_FLOW):
            out = "list[str]" if c == 1 else "str"
            inp = "list[str]" if c == 9 else "str"
            body = "    return [data.value, data.value]" if c == 1 else "    return str(data.value)"
            lines += [
                "",
                f'@{flow}.chunk("c{c}")',
                f"async def f{f}_c{c}(data: TriggerFlowRuntimeData[{inp}, State{i}]) -> {out}:",
            ]
            if c == 0:
                lines.append(f'    await data.async_emit("Ready{f}", data.value)')
                lines.append('    data.state["topic"] = data.value')
            lines += [body, ""]
        prev = f"shared_{i - 1}" if i else f"shared_{i}"
        lines += [
            "",
            f"(",
            f"    {flow}.to(f{f}_c0)",
            f"    .to(f{f}_c1)",
            "    .for_each(concurrency=4)",
            f"    .to(f{f}_c2)",
            "    .end_for_each()",
            f"    .to(f{f}_c9)",
            f"    .to({prev})",
            f"    .batch(f{f}_c3, f{f}_c4)",
            ")",
            f'{flow}.when("Ready{f}").if_condition("x").to(f{f}_c5).else_condition().to(f{f}_c6).end_condition()',
            f'{flow}.when({{"runtime_data": "topic"}}).to(f{f}_c7).to(f{f}_c8).end()',
        ]
    return "\n".join(lines) + "\n"


def generate(root: Path, modules: int) -> None:
    """Write the synthetic project under *root*."""
    package = root / "synthetic"
    package.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "synthetic"\n\n[tool.tfc]\ninclude = ["synthetic"]\n')
    (package / "__init__.py").write_text("")
    for i in range(modules):
        (package / f"m{i:04d}.py").write_text(module_source(i))


def run_check(root: Path, *extra: str) -> tuple[float, float, str]:
    """Run `python -m tfc check` in *root*: (wall seconds, CPU seconds, stderr); fails unless clean.

    CPU seconds (user + system, the command and its index workers) are reported beside
    wall time because on a shared machine the wall time depends on the neighbours.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tfc", "check", "--output-format", "concise", "--statistics", *extra],
        cwd=root,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0 or done.stdout.strip() != "All checks passed.":
        raise SystemExit(f"tfc check failed ({done.returncode}):\n{done.stdout[:2000]}\n{done.stderr[:2000]}")
    return elapsed, cpu, done.stderr.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it")
    args = parser.parse_args()
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="tfc-bench-check-"))
    try:
        generate(root, args.modules)
        flows = args.modules * FLOWS_PER_MODULE
        chunks = flows * CHUNKS_PER_FLOW
        print(f"project: {args.modules} modules, {flows} flows, {chunks} chunks, {os.cpu_count()} CPUs")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        cold, cpu, stats = run_check(root, "--no-cache")
        print(f"cold (no cache):   {cold:6.2f} s wall {cpu:6.2f} s CPU  {args.modules / cold:6.0f} files/s   [{stats}]")
        run_check(root)  # fills the cache
        warm, cpu, stats = run_check(root)
        print(f"warm (cached):     {warm:6.2f} s wall {cpu:6.2f} s CPU  {args.modules / warm:6.0f} files/s   [{stats}]")
        touched = root / "synthetic" / f"m{args.modules // 2:04d}.py"
        touched.write_text(touched.read_text() + "\n# touched\n")
        again, cpu, stats = run_check(root)
        print(f"one file touched:  {again:6.2f} s wall {cpu:6.2f} s CPU  {args.modules / again:6.0f} files/s   [{stats}]")
        edited = root / "synthetic" / f"m{args.modules // 3:04d}.py"
        edited.write_text('"""Edited: every line moves down."""\n' + edited.read_text())
        moved, cpu, stats = run_check(root)
        print(f"one file edited:   {moved:6.2f} s wall {cpu:6.2f} s CPU  {args.modules / moved:6.0f} files/s   [{stats}]")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        slowest = max(again, moved)
        print(f"targets: cold <= 20 s ({'met' if cold <= 20 else 'MISSED'}), touched <= 2 s ({'met' if slowest <= 2 else 'MISSED'})")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
