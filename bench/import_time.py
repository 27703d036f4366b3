"""Importing tfc in a fresh interpreter, against ``import anyio`` (what tfc cannot avoid).

``tfc`` loads its public names on first use (PEP 562), so two figures: ``from tfc import *``
loads every public name (the engine included: what a program that runs flows pays, and what
``import tfc`` cost before the package became lazy), and ``import tfc`` alone (what the
mypy plugin and ``tfc.diagnostics`` pay). The note adds ``from tfc import TriggerFlow``.

Each run starts a new ``python`` that times the import with ``time.perf_counter`` around
it (interpreter start-up excluded) and reports whether libcst or mypy got imported; the
figure is the median over several runs. One more run with ``-X importtime`` names the
modules that cost most, for the note.

Target (issue 2): importing tfc ≤ 100 ms, importing neither libcst nor mypy.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

from ._common import Row, case_main

TARGET_MS = 100.0

_PROBE = """
import json, sys, time
start = time.perf_counter()
{statement}
elapsed = time.perf_counter() - start
heavy = sorted({{name.split(".")[0] for name in sys.modules}} & {{"libcst", "mypy"}})
print(json.dumps({{"seconds": elapsed, "heavy": heavy}}))
"""


def probe(statement: str) -> tuple[float, list[str]]:
    """Seconds to run the import *statement* in a fresh interpreter, and the heavy modules it pulled in."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(statement=statement)], check=True, capture_output=True, text=True
    ).stdout
    got = json.loads(out)
    return float(got["seconds"]), list(got["heavy"])


def costliest(statement: str, top: int = 3) -> list[tuple[str, float]]:
    """The modules with the largest self time under ``-X importtime`` (ms)."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement], check=True, capture_output=True, text=True
    ).stderr
    rows: list[tuple[str, float]] = []
    for line in err.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((name.strip(), int(self_us) / 1000))
    rows.sort(key=lambda r: r[1], reverse=True)
    return rows[:top]


def run(quick: bool, backend: str) -> list[Row]:
    runs = 5 if quick else 9
    statements = ("from tfc import *", "import tfc", "from tfc import TriggerFlow", "import anyio")
    times: dict[str, list[float]] = {statement: [] for statement in statements}
    heavy: set[str] = set()
    for _ in range(runs):
        for statement in statements:  # interleaved, so drift hits all alike
            seconds, pulled = probe(statement)
            times[statement].append(seconds)
            if statement != "import anyio":
                heavy.update(pulled)
    ms = {statement: statistics.median(got) * 1e3 for statement, got in times.items()}
    raw_ms = ms["import anyio"]
    top = ", ".join(f"{name} {cost:.1f} ms" for name, cost in costliest("from tfc import *"))
    pulled_note = f"imported {', '.join(sorted(heavy))}!" if heavy else "imports neither libcst nor mypy"
    return [
        Row(
            "import_time",
            "from tfc import * (fresh interpreter)",
            "import",
            ms["from tfc import *"],
            raw_ms,
            f"≤ {TARGET_MS:g} ms, no libcst/mypy",
            ms["from tfc import *"] <= TARGET_MS and not heavy,
            scale="ms",
            note=(
                f"baseline: import anyio; every public name, the engine included;"
                f" from tfc import TriggerFlow: {ms['from tfc import TriggerFlow']:.1f} ms;"
                f" {pulled_note}; largest self times: {top}"
            ),
        ),
        Row(
            "import_time",
            "import tfc (names load on first use)",
            "import",
            ms["import tfc"],
            raw_ms,
            f"≤ {TARGET_MS:g} ms, no libcst/mypy",
            ms["import tfc"] <= TARGET_MS and not heavy,
            scale="ms",
            note="baseline: import anyio; what the mypy plugin and tfc.diagnostics pay for the package",
        ),
    ]


if __name__ == "__main__":
    case_main(run, __doc__ or "")
