"""`tfc check` with the results cache: reuse, re-run in part, or run whole.

1. Each checked file's digest is taken (from the cache when its size and mtime are
   unchanged). If the cache holds the same files, digests, tfc version and Python, and the
   module names it found missing are still missing, its results are printed as they are
   (nothing is parsed; libcst and the checks are not even imported).
2. If some files changed, only they re-run, plus every module coupled with them; each
   re-run module whose exported names (its interface) changed makes the modules that read
   them re-run too, until no interface changes. The other modules give their names from
   the cache (`snapshot.py`).
3. Otherwise — no usable cache, a project flagged as order-dependent, or a partial run
   that meets something a snapshot cannot give — everything runs.

Whatever way was taken, the diagnostics come from the same units through `results.merge`.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ..diagnostics import Diagnostic
from .project import CACHE_DIR, RECENT_NS, Project, SourceFile
from .results import CacheState, load_results, merge, save_results
from .syntax import ModuleSummary
from .units import Fallback, UnitData

__all__ = ("Outcome", "check_project")


@dataclass
class Outcome:
    """What `check_project` found, and how.

    Attributes:
        mode: ``"cached"``, ``"partial"`` or ``"whole"``.
        rerun: The modules that ran (all of them in a whole run).
    """

    diagnostics: list[Diagnostic]
    flow_count: int
    flows: list[object] | None
    mode: str
    rerun: int


def _digest(path: str) -> tuple[str, tuple[int, int]]:
    try:
        st = os.stat(path)
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return "", (0, 0)
    return hashlib.sha1(data).hexdigest(), (st.st_mtime_ns, st.st_size)


def _digests(files: Sequence[SourceFile], state: CacheState | None) -> dict[str, tuple[str, tuple[int, int]]]:
    """Each checked module's digest and stamp, reading only files whose stamp changed."""
    out = {}
    for f in files:
        path = str(f.path)
        previous = state.units.get(f.module) if state is not None else None
        if previous is not None and previous.path == path:
            try:
                st = os.stat(path)
            except OSError:
                out[f.module] = ("", (0, 0))
                continue
            stamp = (st.st_mtime_ns, st.st_size)
            if stamp == previous.stamp and stamp != (0, 0):
                out[f.module] = (previous.digest, stamp)
                continue
        out[f.module] = _digest(path)
    return out


def check_project(project: Project, files: Sequence[SourceFile], *, need_flows: bool = False) -> Outcome:
    """Check *files* of *project*, using and refreshing the results cache; see the module docstring."""
    cache_dir = project.root / CACHE_DIR if project.cache_dir is not None else None
    unique = len({f.module for f in files}) == len(files)
    state = load_results(cache_dir, project.root) if cache_dir is not None and unique else None
    digests = _digests(files, state)
    outcome: Outcome | None = None
    if state is not None and not need_flows:
        changed = _changed(state, project, files, digests)
        if changed is not None:
            if not changed:
                outcome = _cached(state, files, digests)
                if any(state.units[m].stamp != digests[m][1] for m in digests):
                    _restamp(state, digests)
                    _unstamp_recent(state)
                    save_results(cache_dir, project.root, state)  # type: ignore[arg-type]
                return outcome
            if not state.flags:
                try:
                    outcome, state = _partial(state, project, files, digests, changed)
                except Fallback:
                    outcome = None
                except Exception:  # noqa: BLE001 - a cache that breaks a partial run is ignored
                    outcome = None
    if outcome is None:
        outcome, state = _whole(project, files, digests, need_flows)
    if cache_dir is not None and unique and state is not None:
        _unstamp_recent(state)
        save_results(cache_dir, project.root, state)
    return outcome


def _unstamp_recent(state: CacheState) -> None:
    """Forget the stamps of files changed in the last seconds (their digest is taken again).

    A file written twice within the file system's timestamp resolution keeps its stamp
    while its content changes; only older stamps are trusted to mean "unchanged".
    """
    recent = time.time_ns() - RECENT_NS
    for unit in state.units.values():
        if unit.stamp[0] >= recent:
            unit.stamp = (0, 0)


def _changed(
    state: CacheState, project: Project, files: Sequence[SourceFile], digests: dict[str, tuple[str, tuple[int, int]]]
) -> set[str] | None:
    """The checked modules whose file changed, or None when the cache does not fit at all."""
    checked = {m for m, u in state.units.items() if u.checked}
    if checked != {f.module for f in files}:
        return None
    for f in files:
        unit = state.units[f.module]
        if (unit.path, unit.display, unit.is_package) != (str(f.path), f.display, f.is_package):
            return None
    for unit in state.units.values():
        if not unit.checked and _digest(unit.path)[0] != unit.digest:
            return None
    bases = [str(project.root), os.path.join(project.root, "src")]
    for name in state.missing:
        rel = os.path.join(*name.split("."))
        for base in bases:
            stem = os.path.join(base, rel)
            if os.path.isfile(stem + ".py") or os.path.isfile(os.path.join(stem, "__init__.py")):
                return None  # a module that was missing exists now
    return {m for m, (digest, _) in digests.items() if not digest or digest != state.units[m].digest}


def _restamp(state: CacheState, digests: dict[str, tuple[str, tuple[int, int]]]) -> None:
    for module, (_, stamp) in digests.items():
        state.units[module].stamp = stamp


def _flow_count(units: dict[str, UnitData]) -> int:
    checked = {u.display for u in units.values() if u.checked}
    return sum(1 for u in units.values() for f in u.flow_files if f in checked)


def _cached(state: CacheState, files: Sequence[SourceFile], digests: dict[str, tuple[str, tuple[int, int]]]) -> Outcome:
    return Outcome(merge(state.units), _flow_count(state.units), None, "cached", 0)


def _whole(
    project: Project,
    files: Sequence[SourceFile],
    digests: dict[str, tuple[str, tuple[int, int]]],
    need_flows: bool,
) -> tuple[Outcome, CacheState]:
    from . import StaticFlow, run_flow_checks, static_flows
    from .analysis import run_units
    from .units import UnitTracker

    by_module = {f.module: f for f in files}
    summaries = project.summaries(files)
    tracker = UnitTracker(digests={m: d for m, (d, _) in digests.items()})

    def source(module: str) -> tuple[str, str, bool, bool, str]:
        f = by_module.get(module)
        if f is not None:
            return (str(f.path), f.display, f.is_package, True, digests[module][0])
        path = project.find_module(module)
        if path is None:  # pragma: no cover - found while running, so it exists
            return ("", module, False, False, "")
        found = project.source(path)
        return (str(found.path), found.display, found.is_package, False, _digest(str(found.path))[0])

    run = run_units(summaries, project.summary_of, tracker, source, run_flow_checks)
    for module, unit in run.units.items():
        unit.stamp = digests[module][1] if module in digests else _digest(unit.path)[1]
    flows = static_flows(run.flows, run.resolution.globals, {f.display for f in files})
    state = CacheState(run.units, list(tracker.flags), sorted(run.missing))
    return Outcome(merge(run.units), _flow_count(run.units), list(flows) if need_flows else None, "whole", len(run.units)), state


def _partial(
    state: CacheState,
    project: Project,
    files: Sequence[SourceFile],
    digests: dict[str, tuple[str, tuple[int, int]]],
    changed: set[str],
) -> tuple[Outcome, CacheState]:
    from . import run_flow_checks
    from .analysis import run_units
    from .units import UnitTracker

    by_module = {f.module: f for f in files}
    order = {f.module: i for i, f in enumerate(files)}
    plain = {m: d for m, (d, _) in digests.items()}
    for unit in state.units.values():
        plain.setdefault(unit.module, unit.digest)
    loaded: dict[str, ModuleSummary] = {}

    def summary_of(module: str) -> ModuleSummary | None:
        f = by_module.get(module)
        if f is None:
            return None
        if module not in loaded:
            loaded[module] = project.summaries([f])[0]
        return loaded[module]

    def source(module: str) -> tuple[str, str, bool, bool, str]:
        f = by_module.get(module)
        if f is None:
            raise Fallback(f"{module} is not a checked file")
        return (str(f.path), f.display, f.is_package, True, plain[module])

    live = set(changed)
    while True:
        live = _couple(state, live)
        tracker = UnitTracker(state.units, live, dict(plain), summary_of)
        summaries = [summary_of(m) for m in sorted(live, key=order.__getitem__)]
        run = run_units([s for s in summaries if s is not None], project.summary_of, tracker, source, run_flow_checks)
        if set(run.units) != live:
            raise Fallback("a re-run module did not run")
        moved = {m for m in live if run.units[m].interface != state.units[m].interface}
        readers = {m for m, u in state.units.items() if m not in live and any(d in moved for d in u.deps)}
        if not readers:
            break
        live |= readers
    units = dict(state.units)
    units.update(run.units)
    for module, unit in run.units.items():
        unit.stamp = digests[module][1]
    new_state = CacheState(units, [], sorted(set(state.missing) | run.missing))
    _restamp(new_state, digests)
    return Outcome(merge(units), _flow_count(units), None, "partial", len(live)), new_state


def _couple(state: CacheState, live: set[str]) -> set[str]:
    """*live* and every module coupled with one of them, transitively."""
    out = set(live)
    todo = list(live)
    while todo:
        for other in state.units[todo.pop()].couples:
            if other not in out and other in state.units:
                out.add(other)
                todo.append(other)
    return out
