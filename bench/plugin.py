"""Time mypy on a synthetic module of 100 flows, with and without the tfc plugin.

    python -m bench.plugin [--flows N] [--runs N] [--keep DIR] [--no-bytecode-cache]

The module has, per flow, a TypedDict state, four named chunks, a `batch`, a
`when({"runtime_data": ...})`, a `to_sub_flow` with capture and write_back paths and a
`Paths[State]` constant: every hook of the plugin runs for every flow. Each run is the real
command line (``python -m mypy --strict``, a subprocess), alternating plain and plugin runs:

* cold: an empty cache (tfc, typeshed and the module are all analysed);
* touched: the cache is warm and only the synthetic module changed (what an editor's
  re-check costs, and where the plugin's hooks are most of the difference).

Figures are CPU seconds of the mypy process (user + system), which other load on the
machine disturbs far less than wall time.

Python loads the plugin (``tfc.mypy`` and the tfc modules it reads) from bytecode, as it
does for any installed package: the runs write it under the bench's temporary folder
(``PYTHONPYCACHEPREFIX``), never into the repository, and a first import fills it.
``--no-bytecode-cache`` measures a checkout run with ``PYTHONDONTWRITEBYTECODE=1`` instead,
where every mypy process compiles those modules again.

Target (issue 6): the plugin makes mypy at most 20 % slower. Both configurations must
report no errors (the module is correct by construction).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.20


def flow_source(i: int) -> str:
    """One flow and its child, using batch, when, to_sub_flow and Paths."""
    return f'''

class State{i}(TypedDict, total=False):
    topic: str
    count: int
    report: Report


class Child{i}(TypedDict, total=False):
    query: str
    report: Report


class Stats{i}(TypedDict):
    words_{i}: int
    title_{i}: str


TOPIC_{i}: Paths[State{i}] = "state.topic"
flow_{i} = TriggerFlow(name="flow_{i}", state=State{i})
child_{i} = TriggerFlow(name="child_{i}", state=Child{i})


@flow_{i}.chunk("normalize_{i}")
async def normalize_{i}(data: TriggerFlowRuntimeData[str, State{i}]) -> str:
    data.state["topic"] = data.value.strip()
    return data.value.strip()


@flow_{i}.chunk("words_{i}")
async def words_{i}(data: TriggerFlowRuntimeData[str, State{i}]) -> int:
    return len(data.value.split())


@flow_{i}.chunk("title_{i}")
def title_{i}(data: TriggerFlowRuntimeData[str, State{i}]) -> str:
    return data.value.title()


@flow_{i}.chunk("summary_{i}")
async def summary_{i}(data: TriggerFlowRuntimeData[Stats{i}, State{i}]) -> str:
    return f"{{data.value['title_{i}']}}: {{data.value['words_{i}']}}"


flow_{i}.to(normalize_{i})
(
    flow_{i}.when({{"runtime_data": "topic"}})
    .batch(words_{i}, title_{i})
    .to(summary_{i})
    .to_sub_flow(
        child_{i},
        capture={{"input": "value", "state": {{"query": TOPIC_{i}}}}},
        write_back={{"state.report": "snapshot.report", "value": "snapshot.report.title"}},
    )
    .end()
)
'''


def module_source(flows: int) -> str:
    head = '''"""Synthetic flows for bench.plugin."""

from __future__ import annotations

from typing import TypedDict

from tfc import Paths, TriggerFlow, TriggerFlowRuntimeData


class Report(TypedDict):
    title: str
    score: float
'''
    return head + "".join(flow_source(i) for i in range(flows))


def config(folder: Path, plugin: bool) -> Path:
    path = folder / ("with_plugin.ini" if plugin else "plain.ini")
    lines = ["[mypy]", "strict = True", f"mypy_path = {ROOT}"]
    if plugin:
        lines.append("plugins = tfc.mypy")
    lines += ["", "[mypy-tfc.*]", "follow_imports = silent", ""]
    path.write_text("\n".join(lines))
    return path


def python_env(pycache: Path | None) -> dict[str, str]:
    """The environment of every measured process: bytecode under *pycache*, or none at all."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def run_mypy(cfg: Path, cache: Path, module: Path, env: dict[str, str]) -> float:
    """CPU seconds (user + system) of one mypy process: steadier than wall time on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(cfg), "--cache-dir", str(cache), str(module)],
        capture_output=True,
        text=True,
        cwd=module.parent,
        env=env,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"mypy ({cfg.name}) reported problems:\n{done.stdout}{done.stderr}")
    return elapsed


def import_cost(runs: int, env: dict[str, str]) -> float:
    """CPU seconds that loading the plugin adds to a mypy process (``import tfc.mypy``).

    The baseline imports what a mypy run has loaded before it reads its plugins.
    """

    def cpu(code: str) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    base: list[float] = []
    loaded: list[float] = []
    for _ in range(runs):
        base.append(cpu("import mypy.main, mypy.build, mypy.plugin"))
        loaded.append(cpu("import mypy.main, mypy.build, mypy.plugin, tfc.mypy"))
    return statistics.median(loaded) - statistics.median(base)


def measure(folder: Path, flows: int, runs: int, env: dict[str, str]) -> dict[tuple[str, bool], list[float]]:
    module = folder / "synthetic_flows.py"
    source = module_source(flows)
    module.write_text(source)
    times: dict[tuple[str, bool], list[float]] = {}
    for n in range(runs):
        for plugin in (False, True):  # alternate, so drift hits both alike
            cfg = config(folder, plugin)
            cache = folder / f"cache_{int(plugin)}_{n}"
            times.setdefault(("cold", plugin), []).append(run_mypy(cfg, cache, module, env))
            module.write_text(source + f"\n# touched {n}\n")
            times.setdefault(("touched", plugin), []).append(run_mypy(cfg, cache, module, env))
            module.write_text(source)
            shutil.rmtree(cache, ignore_errors=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the synthetic module here and keep it")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run with PYTHONDONTWRITEBYTECODE=1: every process compiles the plugin's modules",
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="tfc_bench_plugin_"))
    folder.mkdir(parents=True, exist_ok=True)
    env = python_env(None if args.no_bytecode_cache else folder / "pycache")
    try:
        subprocess.run([sys.executable, "-c", "import tfc.mypy"], check=True, cwd=ROOT, env=env)  # fill the cache
        times = measure(folder, args.flows, args.runs, env)
        loading = import_cost(args.runs, env)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    bytecode = "no bytecode cache" if args.no_bytecode_cache else "bytecode cached"
    print(f"mypy --strict on one module of {args.flows} flows; CPU seconds, median of {args.runs} runs ({bytecode})")
    print(f"{'run':<8} {'plain mypy':>11} {'with plugin':>12} {'ratio':>7}  target <= {TARGET:.2f}")
    for mode in ("cold", "touched"):
        plain = statistics.median(times[(mode, False)])
        with_plugin = statistics.median(times[(mode, True)])
        ratio = with_plugin / plain
        verdict = "ok" if ratio <= TARGET else "MISSED"
        print(f"{mode:<8} {plain:>10.2f}s {with_plugin:>11.2f}s {ratio:>7.2f}  {verdict}")
    touched = statistics.median(times[("touched", True)]) - loading
    print(
        f"loading the plugin (import tfc.mypy into a process that has mypy loaded) costs {loading:.3f}s"
        f" per mypy process; the touched run without it: {touched:.2f}s,"
        f" ratio {touched / statistics.median(times[('touched', False)]):.2f} (the hooks themselves)"
    )


if __name__ == "__main__":
    main()
