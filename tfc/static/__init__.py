"""The static frontend: flows read from source with libcst, checked without importing them.

Two passes: the index pass (`index.py`) summarises each file (cached per file, see
`project.py`); the resolve pass (`resolve.py`) interprets the summaries as Python would run
them and records every flow through the same `GraphRecorder` the runtime uses
(`builder.py`), so both frontends give the same IR. Then the compiler's checks run on each
flow with `StaticFacts` for types (`analysis.py`), and the project-wide event checks run
once over every module's event facts (`results.py`).

Results are kept per module (`units.py`) in one cache file (`results.py`), so a re-run
re-reads, re-interprets and re-checks only what a change can affect (`incremental.py`).

Only `index.py` imports libcst, and only when a file must be parsed.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic
from ..ir.nodes import FlowIR
from .project import Project, SourceFile, discover, find_root
from .syntax import ModuleSummary
from .values import FlowVal

if TYPE_CHECKING:
    from .facts import StaticFacts

__all__ = (
    "CheckResult",
    "StaticFlow",
    "apply_inline_ignores",
    "check_paths",
    "check_summaries",
    "extract_flows",
    "run_flow_checks",
    "static_flows",
)


@dataclass(frozen=True)
class StaticFlow:
    """A flow found in source: the variable-free facts about it and its IR."""

    name: str
    module: str
    ir: FlowIR
    value: FlowVal = field(repr=False, compare=False)
    variables: tuple[str, ...] = ()
    """The module-level names the flow is bound to."""


@dataclass
class CheckResult:
    """What `check_paths` found.

    Attributes:
        diagnostics: Every finding in the checked files, inline ignores applied, sorted.
        files: The checked files.
        flows: Every flow found in them.
        indexed: How many files were read (the others came from the cache).
        flow_count: How many flows the checked files define.
        mode: How the results were found: ``"cached"``, ``"partial"`` or ``"whole"``.
        rerun: How many modules were interpreted again.
    """

    diagnostics: list[Diagnostic]
    files: list[SourceFile]
    flows: list[StaticFlow]
    indexed: int = 0
    flow_count: int = 0
    mode: str = "whole"
    rerun: int = 0


def run_flow_checks(ir: FlowIR, facts: StaticFacts) -> list[Diagnostic]:
    """Run the compiler's checks (`tfc.checks.run_checks`) on *ir* with *facts*."""
    from .. import checks

    run: Any = checks.run_checks
    if "facts" in inspect.signature(run).parameters:
        return list(run(ir, facts))
    return list(run(ir))  # pragma: no cover - before the checks took type facts


def static_flows(pairs: Iterable[tuple[FlowVal, FlowIR]], globals_: dict[str, dict[str, object]], checked: set[str]) -> list[StaticFlow]:
    """The resolved flows defined in the *checked* files, with the module names bound to them."""
    return [
        StaticFlow(
            ir.name,
            flow.module,
            ir,
            flow,
            tuple(k for k, v in globals_.get(flow.module, {}).items() if v is flow),
        )
        for flow, ir in pairs
        if ir.loc.file in checked
    ]


def check_summaries(
    summaries: list[ModuleSummary], project: Project | None = None
) -> tuple[list[Diagnostic], list[StaticFlow]]:
    """Check the flows of already indexed modules: every diagnostic, and the flows found.

    Diagnostics and flows are those of the given modules only (not of modules they import),
    with inline ignores applied, sorted. This is the whole run of `check_paths`, without
    files or a cache.
    """
    from .analysis import run_units
    from .results import merge
    from .units import UnitTracker

    by_module = {s.module: s for s in summaries}
    find = project.summary_of if project is not None else _no_module

    def source(module: str) -> tuple[str, str, bool, bool, str]:
        summary = by_module.get(module)
        if summary is not None:
            return (summary.path, summary.path, summary.is_package, True, "")
        found = project.find_module(module) if project is not None else None
        display = project.source(found).display if project is not None and found is not None else module
        return (str(found or ""), display, False, False, "")

    run = run_units(summaries, find, UnitTracker(), source, run_flow_checks)
    flows = static_flows(run.flows, run.resolution.globals, {s.path for s in summaries})
    return merge(run.units), flows


def check_paths(
    paths: Sequence[str],
    *,
    root: Path | None = None,
    exclude: Sequence[str] = (),
    cache: bool = True,
    jobs: int | None = None,
    need_flows: bool = False,
) -> CheckResult:
    """Check every flow in the ``.py`` files under *paths* without importing them.

    With the cache on, results come from ``<root>/.tfc_cache`` as far as they still hold
    (see `incremental.py`). `CheckResult.flows` is empty unless *need_flows* asks for the
    flows (which runs everything): keeping them alive costs more than finding them.

    Args:
        root: The project root (default: the folder of the nearest ``pyproject.toml``).
        exclude: Root-relative globs or folders to skip.
        cache: Read and write the caches in ``<root>/.tfc_cache``.
        jobs: Processes for indexing (default: one per CPU).
        need_flows: Find every flow (`CheckResult.flows`), not only the diagnostics.
    """
    import gc

    from .incremental import check_project

    root = root if root is not None else find_root(Path.cwd())
    collecting = gc.isenabled()
    # The analysis builds millions of long-lived objects and almost no cycles: the cyclic
    # collector's full passes over them cost more than the analysis itself.
    gc.disable()
    try:
        project = Project(root, cache=cache, jobs=jobs)
        files = [project.source(p) for p in discover(paths, root, exclude)]
        outcome = check_project(project, files, need_flows=need_flows)
    finally:
        if collecting:
            gc.enable()
    flows = [f for f in outcome.flows or () if isinstance(f, StaticFlow)]
    return CheckResult(outcome.diagnostics, files, flows, project.indexed, outcome.flow_count, outcome.mode, outcome.rerun)


def apply_inline_ignores(diagnostics: list[Diagnostic], summaries: Iterable[ModuleSummary]) -> list[Diagnostic]:
    """Drop diagnostics on lines that carry ``# tfc: ignore`` or ``# tfc: ignore[CODE, ...]``."""
    table = {s.path: dict(s.ignores) for s in summaries if s.ignores}
    if not table:
        return diagnostics
    kept = []
    for d in diagnostics:
        codes = table.get(d.location.file, {}).get(d.location.line)
        if codes is not None and (not codes or any(d.code.id.startswith(c) or d.code.name == c.lower() for c in codes)):
            continue
        kept.append(d)
    return kept


def extract_flows(paths: Sequence[str], *, root: Path | None = None) -> list[StaticFlow]:
    """Every flow defined in the files under *paths*, read statically (no cache)."""
    from .resolve import resolve

    root = root if root is not None else find_root(Path.cwd())
    project = Project(root, cache=False, jobs=1)
    files = [project.source(p) for p in discover(paths, root)]
    resolution = resolve(project.summaries(files), project.summary_of)
    return static_flows(resolution.irs(), resolution.globals, {f.display for f in files})


def _no_module(name: str) -> ModuleSummary | None:
    return None
