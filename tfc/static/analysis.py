"""Running the analysis whole or in part, one `UnitData` per module that ran.

`run_units` interprets the given modules (the resolve pass with a `UnitTracker`), checks the
flows they create with per-unit `StaticFacts`, and collects each unit's results. A whole run
gives every module; a partial run (``tracker.live``) re-runs only the live modules and
gives the others their names from the previous run's snapshots.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from ..diagnostics import Diagnostic
from ..ir.nodes import FlowIR
from .facts import StaticFacts
from .modules import Finder
from .resolve import Resolution, _Interpreter
from .snapshot import encode_names, interface_hash
from .syntax import ModuleSummary
from .units import UnitData, UnitTracker, syntax_diagnostic, unit_facts
from .values import FlowVal

__all__ = ("Source", "UnitRun", "run_units")

Source = tuple[str, str, bool, bool, str]
"""A module's absolute path, display path, whether it is a package, whether it is checked, digest."""


class _View(Mapping[str, object]):
    """One module's names as the facts read them: each read is told to the tracker."""

    def __init__(self, interp: _Interpreter, module: str, env: dict[str, object]) -> None:
        self.interp = interp
        self.module = module
        self.env = env

    def __getitem__(self, key: str) -> object:
        return self.interp.read(self.module, self.env, key)

    def __contains__(self, key: object) -> bool:
        return key in self.env

    def __iter__(self) -> Iterator[str]:
        return iter(self.env)

    def __len__(self) -> int:
        return len(self.env)


class _Names(Mapping[str, Mapping[str, object]]):
    """Every module's names for `StaticFacts`, read through the interpreter."""

    def __init__(self, interp: _Interpreter) -> None:
        self.interp = interp

    def __getitem__(self, module: str) -> Mapping[str, object]:
        env = self.interp.env_of(module)
        if env is None:
            raise KeyError(module)
        return _View(self.interp, module, env)

    def __iter__(self) -> Iterator[str]:
        return iter(self.interp.globals)

    def __len__(self) -> int:
        return len(self.interp.globals)


@dataclass
class UnitRun:
    """What `run_units` found: the units that ran, their flows and the interpreter's state."""

    units: dict[str, UnitData]
    flows: list[tuple[FlowVal, FlowIR]]
    resolution: Resolution
    missing: set[str]


def run_units(
    summaries: list[ModuleSummary],
    find: Finder | None,
    tracker: UnitTracker,
    source: Callable[[str], Source],
    checks: Callable[[FlowIR, StaticFacts], list[Diagnostic]],
) -> UnitRun:
    """Interpret *summaries* and check their flows; see the module docstring.

    Args:
        source: ``module -> (absolute path, display path, is_package, checked, digest)``.
        checks: Runs the compiler's checks on one flow.

    Raises:
        Fallback: In a partial run, when it cannot give the results of a whole one.
    """
    interp = _Interpreter({s.module: s for s in summaries}, find, tracker)
    tracker.interp = interp
    resolution = interp.run()
    pairs = list(resolution.irs())
    facts = StaticFacts(pairs, _Names(interp))
    by_unit: dict[str, list[tuple[FlowVal, FlowIR]]] = {}
    for flow, ir in pairs:
        by_unit.setdefault(flow.module, []).append((flow, ir))
    checked_diags: dict[str, list[Diagnostic]] = {}
    for module, flows in by_unit.items():
        unit_facts_ = facts.fresh()
        interp.units.append(module)
        try:
            found = checked_diags.setdefault(module, [])
            for flow, ir in flows:
                if not flow.failed:  # the runtime raises at the definition error, never compiling
                    found.extend(checks(ir, unit_facts_))
        finally:
            interp.units.pop()
    sources = {}
    for module in interp.summaries:
        sources[module] = source(module)
        tracker.digests.setdefault(module, sources[module][4])
    _adopt_strays(tracker, sources)
    units: dict[str, UnitData] = {}
    for module, summary in interp.summaries.items():
        path, display, is_package, checked, digest = sources[module]
        diagnostics = []
        syntax = syntax_diagnostic(summary)
        if syntax is not None:
            diagnostics.append(syntax)
        diagnostics.extend(tracker.diagnostics.get(module, ()))
        diagnostics.extend(checked_diags.get(module, ()))
        env = interp.globals.get(module, {})
        names = encode_names(env, tracker.locate)
        stars = tuple(interp.stars.get(module, ()))
        signals, emits, chunk_keys, flow_files = unit_facts(summary, by_unit.get(module, []), checked)
        units[module] = UnitData(
            module=module,
            path=path,
            display=display,
            is_package=is_package,
            checked=checked,
            digest=digest,
            diagnostics=diagnostics,
            deps=tuple(sorted(tracker.deps.get(module, set()) - {module})),
            couples=tuple(sorted(tracker.couples.get(module, set()))),
            names=names,
            stars=stars,
            interface=interface_hash(names, list(stars)),
            signals=signals,
            emits=emits,
            chunk_keys=chunk_keys,
            flow_files=flow_files,
            ignores=summary.ignores,
        )
    return UnitRun(units, pairs, resolution, set(interp.missing))


def _adopt_strays(tracker: UnitTracker, sources: dict[str, Source]) -> None:
    """Give diagnostics reported outside any module's code to the unit of their file.

    None are expected; if some are, a whole run keeps them and flags the project (so it
    always runs whole), and a partial run gives up.
    """
    strays = [(unit, d) for unit, found in tracker.diagnostics.items() if unit not in sources for d in found]
    if not strays:
        return
    tracker.flag("diagnostics reported outside any module")
    by_display = {display: module for module, (_, display, _, _, _) in sources.items()}
    fallback = min(sources) if sources else ""
    for unit in {unit for unit, _ in strays}:
        del tracker.diagnostics[unit]
    for _, d in strays:
        tracker.diagnostics[by_display.get(d.location.file, fallback)].append(d)
