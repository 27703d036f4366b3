"""``import tfc`` in a fresh interpreter, against ``import anyio`` (what tfc cannot avoid).

Each run starts a new ``python`` that times the import with ``time.perf_counter`` around
it (interpreter start-up excluded) and reports whether libcst or mypy got imported; the
figure is the median over several runs. One more run with ``-X importtime`` names the
modules that cost most, for the note.

Target (issue 2): ``import tfc`` ≤ 100 ms, importing neither libcst nor mypy.
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
import {module}
elapsed = time.perf_counter() - start
heavy = sorted({{name.split(".")[0] for name in sys.modules}} & {{"libcst", "mypy"}})
print(json.dumps({{"seconds": elapsed, "heavy": heavy}}))
"""


def probe(module: str) -> tuple[float, list[str]]:
    """Seconds to import *module* in a fresh interpreter, and the heavy modules it pulled in."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module)], check=True, capture_output=True, text=True
    ).stdout
    got = json.loads(out)
    return float(got["seconds"]), list(got["heavy"])


def costliest(module: str, top: int = 3) -> list[tuple[str, float]]:
    """The modules with the largest self time under ``-X importtime`` (ms)."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"], check=True, capture_output=True, text=True
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
    tfc_times: list[float] = []
    raw_times: list[float] = []
    heavy: set[str] = set()
    for _ in range(runs):
        seconds, pulled = probe("tfc")
        tfc_times.append(seconds)
        heavy.update(pulled)
        raw_times.append(probe("anyio")[0])
    tfc_ms = statistics.median(tfc_times) * 1e3
    raw_ms = statistics.median(raw_times) * 1e3
    top = ", ".join(f"{name} {ms:.1f} ms" for name, ms in costliest("tfc"))
    pulled_note = f"imported {', '.join(sorted(heavy))}!" if heavy else "imports neither libcst nor mypy"
    return [
        Row(
            "import_time",
            "import tfc (fresh interpreter)",
            "import",
            tfc_ms,
            raw_ms,
            f"≤ {TARGET_MS:g} ms, no libcst/mypy",
            tfc_ms <= TARGET_MS and not heavy,
            scale="ms",
            note=f"baseline: import anyio; {pulled_note}; largest self times: {top}",
        )
    ]


if __name__ == "__main__":
    case_main(run, __doc__ or "")
