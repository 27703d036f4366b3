"""Results per module (*unit*), and what each one depends on, so a re-run redoes only some.

Every module of the project is a unit: the diagnostics its code causes (the resolve pass
while its code runs, its sandboxed flow factories, the checks of the flows it creates), the
event facts of its flows and functions, the names it exports (`snapshot.py`), and the
modules whose names it read. `UnitTracker` collects that as the resolve pass runs
(`Tracker`); `analyse_units` runs the whole analysis and returns a `UnitData` per
unit.

What makes a unit's results depend on more than its own file and the names it read is
recorded too, so that a re-run can tell when it must run everything instead:

* *couples*: a unit that reads a live value of another (a flow, a process, a builder
  method) or calls another's flow factory changes the other's results, so both always run
  together;
* *flags*: import cycles, imports inside functions, star imports of project modules,
  namespace packages and modules outside the checked files make results depend on the
  order modules run in; a project with any flag always runs whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..diagnostics import SYNTAX_ERROR, Diagnostic, Location
from .snapshot import Live, contains_live, decode, node_at, node_paths
from .syntax import Block, ClassDef, FunctionDef, ModuleSummary, Stmt
from .values import BoundMethod, ChunkDecorator, ClassVal, FlowVal, FuncVal, ProcessVal

if TYPE_CHECKING:
    from ..ir.nodes import FlowIR
    from .resolve import _Interpreter

__all__ = ("Fallback", "Signal", "Tracker", "UnitData", "UnitTracker", "function_key", "syntax_diagnostic", "unit_facts")


class Fallback(Exception):
    """A partial re-run cannot give the same results as a whole one: run everything."""


Signal = tuple[str, Location, tuple[str, ...]]
"""A ``when("X")`` on an event: the event, where, and the chunk names of its flow."""
EmitFact = tuple[str, "str | None", Location, str]
"""An emit in a function: the function's key, the event (None: computed), where, its text."""


@dataclass
class UnitData:
    """One module's results and what they depend on (see the module docstring)."""

    module: str
    path: str
    """The file, absolute."""
    display: str
    """The file as diagnostics name it."""
    is_package: bool
    checked: bool
    """Whether the file is one of the checked ones (others were only imported)."""
    digest: str
    """sha1 of the file's bytes."""
    stamp: tuple[int, int] = (0, 0)
    """``(mtime_ns, size)`` when *digest* was taken."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    deps: tuple[str, ...] = ()
    """Modules whose names this unit read."""
    couples: tuple[str, ...] = ()
    names: list[list[Any]] = field(default_factory=list)
    """The module's names, encoded (`snapshot.encode_names`)."""
    stars: tuple[str, ...] = ()
    """Modules outside the project it star-imports (unknown names come from them)."""
    interface: str = ""
    """`snapshot.interface_hash` of names and stars."""
    signals: list[Signal] = field(default_factory=list)
    emits: list[EmitFact] = field(default_factory=list)
    chunk_keys: tuple[str, ...] = ()
    """`function_key` of every function its flows use as a chunk."""
    flow_files: tuple[str, ...] = ()
    """The file of each flow it created."""
    ignores: tuple[tuple[int, tuple[str, ...]], ...] = ()


def function_key(node: FunctionDef) -> str:
    """A name for a project function that holds across runs."""
    return f"{node.loc.file}:{node.loc.line}:{node.qualname}"


class Tracker(Protocol):
    """What the interpreter tells the unit bookkeeping (`units.py`), when there is one.

    A unit is a module (see the module docstring); `UnitTracker` is the implementation.
    """

    def read(self, unit: str, module: str, key: str, value: object) -> object:
        """*unit* reads *key* from *module*'s names: what it gets (or raise to give up)."""

    def diagnostic(self, unit: str, diagnostic: Diagnostic) -> None:
        """*unit*'s code reported *diagnostic*."""

    def calls(self, unit: str, fn: FuncVal) -> None:
        """*unit*'s code calls *fn*, a project function that creates a flow."""

    def flag(self, reason: str) -> None:
        """Something makes the result depend on the order modules are read in."""

    def snapshot(self, module: str) -> dict[str, object] | None:
        """*module*'s names from an earlier run, if it need not run again."""

    def is_module(self, module: str) -> bool:
        """Whether *module* is a project module known from an earlier run."""

    def has_submodule(self, name: str) -> bool:
        """Whether a project module below *name* is known from an earlier run."""


def _live_owner(value: object) -> str | None:
    if isinstance(value, FlowVal):
        return value.module
    if isinstance(value, ProcessVal):
        return value.flow.module
    if isinstance(value, BoundMethod):
        owner = value.owner
        return owner.module if isinstance(owner, FlowVal) else owner.flow.module
    if isinstance(value, ChunkDecorator):
        return value.flow.module
    return None


class UnitTracker:
    """`Tracker` for one run, whole or partial.

    Args:
        previous: The units of an earlier run (partial runs only).
        live: The modules this run interprets again; the others give their names from
            *previous* through snapshots. None: a whole run.
        digests: Each module's current file digest (partial runs only).
        summary_of: Reads the summary of a module that does not run (for its functions
            and classes).
    """

    def __init__(
        self,
        previous: dict[str, UnitData] | None = None,
        live: set[str] | None = None,
        digests: dict[str, str] | None = None,
        summary_of: Callable[[str], ModuleSummary | None] | None = None,
    ) -> None:
        self.previous = previous or {}
        self.live = live
        self.digests = digests or {}
        self.summary_of = summary_of
        self.interp: _Interpreter | None = None
        self.deps: dict[str, set[str]] = defaultdict(set)
        self.couples: dict[str, set[str]] = defaultdict(set)
        self.flags: list[str] = []
        self.diagnostics: dict[str, list[Diagnostic]] = defaultdict(list)
        self._funcs: dict[tuple[str, tuple[int, ...]], FuncVal] = {}
        self._summaries: dict[str, ModuleSummary] = {}
        self._paths: dict[str, dict[int, tuple[int, ...]]] = {}

    @property
    def partial(self) -> bool:
        return self.live is not None

    # -- Tracker ---------------------------------------------------------------

    def read(self, unit: str, module: str, key: str, value: object) -> object:
        self.deps[unit].add(module)
        if isinstance(value, Live):
            raise Fallback(f"{unit} reads {module}.{key}, which a snapshot cannot give")
        for live in contains_live(value):
            owner = _live_owner(live)
            self.couple(unit, module)
            if owner is not None:
                self.couple(unit, owner)
        return value

    def couple(self, unit: str, other: str) -> None:
        if unit == other:
            return
        if self.partial and not (unit in self.live and other in self.live):  # type: ignore[operator]
            raise Fallback(f"{unit} changes the results of {other}")
        self.couples[unit].add(other)
        self.couples[other].add(unit)

    def diagnostic(self, unit: str, diagnostic: Diagnostic) -> None:
        self.diagnostics[unit].append(diagnostic)

    def calls(self, unit: str, fn: FuncVal) -> None:
        self.couple(unit, fn.module)

    def flag(self, reason: str) -> None:
        if self.partial:
            raise Fallback(reason)
        self.flags.append(reason)

    def is_module(self, module: str) -> bool:
        return self.partial and module in self.previous

    def has_submodule(self, name: str) -> bool:
        prefix = name + "."
        return self.partial and any(m.startswith(prefix) for m in self.previous)

    def snapshot(self, module: str) -> dict[str, object] | None:
        if not self.partial or module in self.live or module not in self.previous:  # type: ignore[operator]
            return None
        unit = self.previous[module]
        assert self.interp is not None
        if unit.stars:
            self.interp.stars[module] = list(unit.stars)
        try:
            return {str(name): decode(data, self._resolve) for name, data in unit.names}
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise Fallback(f"the snapshot of {module} cannot be read: {exc}") from None

    # -- snapshots ---------------------------------------------------------------------

    def _summary(self, module: str) -> ModuleSummary:
        found = self._summaries.get(module)
        if found is None:
            assert self.interp is not None
            found = self.interp.summaries.get(module) if module in self.live else None  # type: ignore[operator]
            if found is None and self.summary_of is not None:
                found = self.summary_of(module)
            if found is None:
                raise Fallback(f"no summary for {module}")
            self._summaries[module] = found
        return found

    def _resolve(self, kind: str, module: str, path: tuple[int, ...], digest: str) -> object:
        if self.digests.get(module) != digest:
            raise Fallback(f"a snapshot refers to an older {module}")
        summary = self._summary(module)
        node = node_at(summary, path)
        if kind == "C":
            if not isinstance(node, ClassDef):
                raise Fallback(f"no class at {module}{list(path)}")
            return ClassVal(module, node)
        if not isinstance(node, FunctionDef):
            raise Fallback(f"no function at {module}{list(path)}")
        found = self._funcs.get((module, path))
        if found is not None:
            return found
        assert self.interp is not None
        if module in self.live:  # type: ignore[operator]
            if module in self.interp.loading:
                raise Fallback(f"{module} is read while it runs")
            env = self.interp.load(module)
            for value in env.values():
                fn = getattr(value, "fn", value)
                if isinstance(fn, FuncVal) and fn.node is node and fn.env is None:
                    found = fn
                    break
        if found is None:
            found = FuncVal(module, node, None)
        self._funcs[(module, path)] = found
        return found

    def locate(self, module: str, node: object) -> tuple[tuple[int, ...], str] | None:
        """Where *node* is in *module*'s summary, and the digest of its file (for `snapshot.encode`)."""
        summary = self._summaries.get(module)
        if summary is None and self.interp is not None:
            summary = self.interp.summaries.get(module)
        if summary is None or module not in self.digests:
            return None
        paths = self._paths.get(module)
        if paths is None:
            paths = self._paths[module] = node_paths(summary)
        path = paths.get(id(node))
        return None if path is None else (path, self.digests[module])


def _emits(body: tuple[Stmt, ...]) -> Iterable[tuple[FunctionDef, Any]]:
    for stmt in body:
        if isinstance(stmt, FunctionDef):
            for emit in stmt.emits:
                yield stmt, emit
            yield from _emits(stmt.body)
        elif isinstance(stmt, Block):
            for inner in stmt.bodies:
                yield from _emits(inner)


def unit_facts(
    summary: ModuleSummary, flows: list[tuple[FlowVal, FlowIR]], checked: bool
) -> tuple[list[Signal], list[EmitFact], tuple[str, ...], tuple[str, ...]]:
    """The event facts of one unit: its flows' event signals, its emits, its chunk functions, its flows' files."""
    from ..checks.common import location

    signals: list[Signal] = []
    keys: list[str] = []
    for flow, ir in flows:
        names = tuple(sorted({c.name for c in ir.chunks}))
        for root in ir.roots:
            for signal in root.signals:
                if signal.kind == "event":
                    signals.append((signal.name, location(root.loc, "when"), names))
        for chunk in flow.chunks.values():
            if isinstance(chunk.fn, FuncVal):
                keys.append(function_key(chunk.fn.node))
    emits: list[EmitFact] = []
    if checked:
        for fn, emit in _emits(summary.body):
            emits.append((function_key(fn), emit.event, location(emit.loc), emit.text))
    return signals, emits, tuple(keys), tuple(ir.loc.file for _, ir in flows)


def syntax_diagnostic(summary: ModuleSummary) -> Diagnostic | None:
    """The ``cannot parse this file`` diagnostic of *summary*, if it did not parse."""
    if summary.syntax_error is None:
        return None
    message, line, column = summary.syntax_error
    return Diagnostic(SYNTAX_ERROR, f"cannot parse this file: {message}", Location(summary.path, max(line, 1), max(column, 0)))

