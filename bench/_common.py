"""What every benchmark case shares: timing against a raw-anyio baseline, rows, the table.

A case measures tfc and a hand-written anyio program doing the same work, in the same
process and the same event loop, alternating the two so that drift (CPU frequency, other
processes on the machine) hits both alike. Each sample repeats the work enough times to
last at least ``min_sample`` seconds; the figure is the median sample divided by the
repetitions and by the number of units (steps, items, branches, emits).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import statistics
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass

__all__ = (
    "Row",
    "Timing",
    "case_main",
    "compare",
    "deep_recursion",
    "equal",
    "format_table",
    "peak_memory",
    "time_calls",
)

Work = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Row:
    """One line of the results table.

    Attributes:
        case: The case's name (the module's name).
        size: What was run, e.g. ``"1000 steps"``.
        unit: What one figure is per: ``"step"``, ``"item"``, ``"execution"``, ...
        tfc: tfc's figure per unit, in ``scale`` units (µs unless said otherwise).
        raw: The raw-anyio baseline's figure per unit, or ``None`` if there is none.
        target: The target from the issue, in words.
        ok: Whether the target is met (``None``: no target on this row).
        scale: The unit of ``tfc`` and ``raw``: ``"µs"``, ``"ms"`` or ``"KB"``.
        note: Anything a reader needs to read the row right.
    """

    case: str
    size: str
    unit: str
    tfc: float
    raw: float | None
    target: str = ""
    ok: bool | None = None
    scale: str = "µs"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """tfc / raw."""
        if self.raw is None or self.raw <= 0:
            return None
        return self.tfc / self.raw

    @property
    def over(self) -> float | None:
        """tfc - raw, per unit."""
        return None if self.raw is None else self.tfc - self.raw


@dataclass(frozen=True)
class Timing:
    """Median seconds per call of tfc and of the baseline, and the samples behind them."""

    tfc: float
    raw: float
    tfc_samples: tuple[float, ...]
    raw_samples: tuple[float, ...]

    def per(self, units: int, scale: float = 1e6) -> tuple[float, float]:
        """(tfc, raw) per unit, in µs by default."""
        return self.tfc / units * scale, self.raw / units * scale


async def _sample(work: Work, loops: int, collect: bool = True) -> float:
    gc.collect()
    if not collect:
        gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(loops):
            await work()
        return (time.perf_counter() - start) / loops
    finally:
        gc.enable()


async def _calibrate(work: Work, min_sample: float, collect: bool = True) -> int:
    """How many calls make one sample last at least *min_sample* seconds."""
    once = await _sample(work, 1, collect)
    if once >= min_sample:
        return 1
    loops = max(1, math.ceil(min_sample / max(once, 1e-7)))
    # One more try with that many calls: the first call was cold.
    per_call = await _sample(work, loops, collect)
    return max(1, math.ceil(min_sample / max(per_call, 1e-7)))


async def time_calls(work: Work, *, runs: int, min_sample: float = 0.02) -> tuple[float, tuple[float, ...]]:
    """Median seconds per call of *work* (no baseline); see the module docstring."""
    loops = await _calibrate(work, min_sample)
    samples = tuple([await _sample(work, loops) for _ in range(runs)])
    return statistics.median(samples), samples


async def compare(
    tfc: Work,
    raw: Work,
    *,
    runs: int,
    min_sample: float = 0.02,
    check: Callable[[object, object], None] | None = None,
    collect: bool = True,
) -> Timing:
    """Time *tfc* against *raw*: median seconds per call of each.

    Both are called once first (warm-up, and the flow compiles); *check* then receives
    their two results and should raise if they differ, so that both sides provably did the
    same work. The samples alternate raw, tfc, raw, tfc, ... With ``collect=False`` the
    cyclic garbage collector is off during each sample (it is collected before).
    """
    started = time.perf_counter()
    got_tfc = await tfc()
    tfc_once = time.perf_counter() - started
    started = time.perf_counter()
    got_raw = await raw()
    raw_once = time.perf_counter() - started
    if check is not None:
        check(got_tfc, got_raw)
    # Work that takes long on its own (a second or so) is sampled one call at a time,
    # uncalibrated, and its first call counts as a sample (when the collector was on for it).
    long_tfc = tfc_once >= 10 * min_sample
    long_raw = raw_once >= 10 * min_sample
    loops_tfc = 1 if long_tfc else await _calibrate(tfc, min_sample, collect)
    loops_raw = 1 if long_raw else await _calibrate(raw, min_sample, collect)
    both_long = long_tfc and long_raw and collect
    tfc_samples: list[float] = [tfc_once] if both_long else []
    raw_samples: list[float] = [raw_once] if both_long else []
    for _ in range(runs - len(tfc_samples)):
        raw_samples.append(await _sample(raw, loops_raw, collect))
        tfc_samples.append(await _sample(tfc, loops_tfc, collect))
    return Timing(
        statistics.median(tfc_samples), statistics.median(raw_samples), tuple(tfc_samples), tuple(raw_samples)
    )


def equal(got: object, want: object) -> None:
    """A `compare` check: both sides returned the same value."""
    if got != want:
        shown_got, shown_want = repr(got)[:200], repr(want)[:200]
        raise AssertionError(f"tfc and the baseline disagree: {shown_got} != {shown_want}")


async def peak_memory(work: Work) -> tuple[int, int]:
    """Run *work* under tracemalloc; (peak, retained) bytes allocated during it."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        await work()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before, current - before


@contextlib.contextmanager
def deep_recursion(limit: int = 20_000) -> Iterator[None]:
    """Raise the recursion limit for a while (compiling a 1000-step chain needs it; see README)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


# -- the table ------------------------------------------------------------------------------

_HEAD = ("case", "size", "per", "tfc", "raw anyio", "tfc/raw", "tfc-raw", "target", "met")


def _num(value: float | None, scale: str) -> str:
    if value is None:
        return "-"
    if scale == "ms":
        return f"{value:.1f} ms" if abs(value) >= 10 else f"{value:.2f} ms"
    if scale == "KB":
        return f"{value:.1f} KB"
    if abs(value) >= 100:
        return f"{value:.0f} µs"
    return f"{value:.2f} µs"


def _cells(row: Row) -> tuple[str, ...]:
    ratio = row.ratio
    met = "-" if row.ok is None else ("yes" if row.ok else "NO")
    return (
        row.case,
        row.size,
        row.unit,
        _num(row.tfc, row.scale),
        _num(row.raw, row.scale),
        "-" if ratio is None else f"{ratio:.2f}×",
        _num(row.over, row.scale),
        row.target or "-",
        met,
    )


def format_table(rows: Sequence[Row], *, markdown: bool = False) -> str:
    """The rows as an aligned text table, or as a Markdown table; notes follow it."""
    body = [_cells(r) for r in rows]
    lines: list[str] = []
    if markdown:
        lines.append("| " + " | ".join(_HEAD) + " |")
        lines.append("|" + "|".join("---" for _ in _HEAD) + "|")
        lines.extend("| " + " | ".join(cells) + " |" for cells in body)
    else:
        widths = [max(len(c[i]) for c in [_HEAD, *body]) for i in range(len(_HEAD))]
        lines.append("  ".join(h.ljust(w) for h, w in zip(_HEAD, widths)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        lines.extend("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip() for cells in body)
    notes = [f"{r.case} {r.size}: {r.note}" for r in rows if r.note]
    if notes:
        lines.append("")
        lines.extend(("- " if markdown else "  * ") + n for n in notes)
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None, description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer runs")
    parser.add_argument("--backend", choices=("asyncio", "trio"), default="asyncio")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    return parser.parse_args(argv)


def case_main(run: Callable[[bool, str], list[Row]], description: str) -> None:
    """``python -m bench.<case>``: run one case and print its table."""
    args = parse_args(sys.argv[1:], description)
    rows = run(args.quick, args.backend)
    print(format_table(rows, markdown=args.markdown))
