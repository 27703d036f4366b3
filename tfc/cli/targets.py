"""``MODULE:FLOW`` and ``path/to/file.py:FLOW``: finding the flow a command is about.

A dotted module is imported (the runtime frontend: its flows are live objects, as `tfc run`
needs). A file path is read by the static frontend and never imported, which is what
`tfc graph` and `tfc plan` need for code with side effects at import. ``FLOW`` is the
variable holding the flow or the flow's name; it may be left out when there is one flow.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from pathlib import Path

from ..ir.nodes import FlowIR, SubFlowCall

__all__ = ("LoadedFlow", "TargetError", "load_runtime_flow", "load_target", "split_target")


class TargetError(Exception):
    """The target does not name a flow; the message says why."""


@dataclass
class LoadedFlow:
    """A flow's IR, and how to get the IR of a sub-flow it calls."""

    ir: FlowIR
    child: Callable[[SubFlowCall], FlowIR | None]
    live: object = None
    """The `TriggerFlow` itself (runtime targets only)."""


def split_target(target: str) -> tuple[str, str | None]:
    """``"pkg.mod:flow"`` -> ``("pkg.mod", "flow")``; a Windows drive letter is not a separator."""
    head, sep, tail = target.rpartition(":")
    if not sep or (len(head) == 1 and head.isalpha()) or "/" in tail or "\\" in tail:
        return target, None
    return head, tail or None


def _is_path(where: str) -> bool:
    return where.endswith(".py") or "/" in where or "\\" in where or Path(where).is_file()


def load_runtime_flow(where: str, name: str | None) -> object:
    """Import module *where* and return its flow *name* (a variable or a flow name)."""
    from ..dsl.flow import TriggerFlow

    if _is_path(where):
        raise TargetError(f"{where}: give a module name (pkg.module:flow) to run a flow; files are read statically")
    if "" not in sys.path and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    try:
        module = importlib.import_module(where)
    except ImportError as exc:
        raise TargetError(f"cannot import {where}: {exc}") from exc
    flows = {k: v for k, v in vars(module).items() if isinstance(v, TriggerFlow)}
    return _pick(where, name, flows, lambda f: f.name)


def _pick(where: str, name: str | None, flows: Mapping[str, object], flow_name: Callable[[Any], str]) -> object:
    unique = list({id(v): v for v in flows.values()}.values())
    if name is None:
        if len(unique) == 1:
            return unique[0]
        listed = ", ".join(sorted(flows)) or "none"
        raise TargetError(f"{where} defines {len(unique)} flows; name one with {where}:FLOW (found: {listed})")
    if name in flows:
        return flows[name]
    for value in unique:
        if flow_name(value) == name:
            return value
    raise TargetError(f'{where} has no flow "{name}" (found: {", ".join(sorted(flows)) or "none"})')


def load_target(target: str) -> LoadedFlow:
    """The flow *target* names (see the module docstring)."""
    where, name = split_target(target)
    if _is_path(where):
        return _load_static(where, name)
    from ..checks.facts import RuntimeFacts

    flow = load_runtime_flow(where, name)
    facts = RuntimeFacts()
    return LoadedFlow(flow.ir(), facts.child_flow, flow)  # type: ignore[attr-defined]


def _load_static(where: str, name: str | None) -> LoadedFlow:
    from ..static import StaticFlow, extract_flows

    path = Path(where)
    if not path.is_file():
        raise TargetError(f"no such file: {where}")
    flows = extract_flows([str(path)])
    if not flows:
        raise TargetError(f"{where} defines no flow tfc check can read")
    named: dict[str, object] = {var: f for f in reversed(flows) for var in f.variables}
    if name is not None and name not in named:
        named.update({f.name: f for f in flows if f.name == name})
    if name is None and not named:
        named = {f.name: f for f in flows}
    chosen = _pick(where, name, named, lambda f: f.name)
    assert isinstance(chosen, StaticFlow)
    irs = {id(f.value): f.ir for f in flows}
    for f in flows:  # sub-flows defined in imported modules
        for value in _children(f.ir):
            if id(value) not in irs:
                irs[id(value)] = _freeze(value)

    def child(call: SubFlowCall) -> FlowIR | None:
        return irs.get(id(call.flow))

    return LoadedFlow(chosen.ir, child)


def _children(ir: FlowIR) -> list[object]:
    from ..checks.common import walk

    return [n.flow for n in walk(ir) if isinstance(n, SubFlowCall) and n.flow is not None]


def _freeze(value: object) -> FlowIR:
    from ..static.values import FlowVal

    assert isinstance(value, FlowVal)
    return value.recorder.freeze(tuple(c.ref for c in value.chunks.values()), None, value.schema_names)
