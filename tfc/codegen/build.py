"""Building runners: find flows, resolve what a runner imports, write files, load in memory.

`build_runner` emits the runner of a flow defined in an importable module (what `tfc build`
writes); `load_runner` compiles a runner in memory, registering its source with `linecache`
under ``<tfc runner FLOWNAME>`` so tracebacks show the generated lines.
"""

from __future__ import annotations

import importlib
import itertools
import linecache
import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..ir.nodes import SubFlowCall
from ..ir.walk import walk
from .emit import Runner, Source, display_path, emit_runner

__all__ = (
    "build_runner",
    "child_flows",
    "find_flows",
    "load_runner",
    "resolve_source",
    "runner_path",
)

_loads = itertools.count(1)


def _version() -> str:
    from .. import __version__

    return __version__


def resolve_source(flow: Any, module: str, flow_attr: str, *, root: str | None = None) -> Source:
    """Where the runner of *flow* (``module.flow_attr``) imports each chunk from.

    A chunk is imported by the module attribute that holds it (the `Chunk` returned by
    ``@flow.chunk``, or the plain function given to ``.to()``); chunks with no such name
    (lambdas, functions defined inside functions) are looked up on the flow, untyped. The
    chunks of child flows are looked for in the flow's module, then in the child's own.
    """
    mod = sys.modules.get(module) or importlib.import_module(module)
    attrs = {name: found[1] if found else None for name, found in _chunk_homes(flow, [mod]).items()}
    children: dict[int, dict[str, tuple[str, str] | None]] = {}
    for child in child_flows(flow):
        homes = [mod]
        own = _module_of(child.loc.file)
        if own is not None and own is not mod:
            homes.append(own)
        children[id(child)] = _chunk_homes(child, homes)
    file = getattr(mod, "__file__", None) or flow.loc.file
    return Source(
        module, flow_attr, attrs, display_path(file, root), f"{module}:{flow_attr}", children, root
    )


def child_flows(flow: Any) -> list[Any]:
    """Every flow *flow*'s `to_sub_flow` calls run, at any depth, each once, in call order."""
    found: dict[int, Any] = {}

    def visit(parent: Any) -> None:
        for node in walk(parent.ir()):
            child = getattr(getattr(node, "flow", None), "child", None)
            if isinstance(node, SubFlowCall) and child is not None and id(child) not in found:
                found[id(child)] = child
                visit(child)

    visit(flow)
    return list(found.values())


def _chunk_homes(flow: Any, modules: list[types.ModuleType]) -> dict[str, tuple[str, str] | None]:
    """Chunk name -> ``(module, attribute)`` holding the chunk or its function, or None."""
    out: dict[str, tuple[str, str] | None] = {}
    for name, chunk in flow.chunks.items():
        found = None
        for mod in modules:
            for attr, value in vars(mod).items():
                if attr.startswith("__"):
                    continue
                if value is chunk or value is chunk.fn:
                    found = (mod.__name__, attr)
                    if attr == name:
                        break
            if found is not None:
                break
        out[name] = found
    return out


def _module_of(file: str) -> types.ModuleType | None:
    path = os.path.abspath(file)
    for mod in list(sys.modules.values()):
        mod_file = getattr(mod, "__file__", None)
        if mod_file and os.path.abspath(mod_file) == path:
            return mod
    return None


def build_runner(
    flow: Any, module: str, flow_attr: str, *, root: str | None = None, checked: bool = True
) -> Runner:
    """The runner of ``module.flow_attr`` (the source `tfc build` writes).

    Args:
        root: Flow file paths in comments are shown relative to this (default: the cwd).
        checked: See `emit_runner`; ``False`` also builds flows with compile errors, for
            type-checking them.
    """
    source = resolve_source(flow, module, flow_attr, root=root)
    return emit_runner(flow, source, version=_version(), checked=checked)


def load_runner(flow: Any, *, root: str | None = None) -> types.ModuleType:
    """Generate and import the runner of *flow* in memory.

    The chunks and the flow are handed over through a private module, so any flow works,
    including flows built inside functions. The source is registered with `linecache` as
    ``<tfc runner FLOWNAME>``.
    """
    n = next(_loads)
    src_name = f"_tfc_runner_src_{n}"
    src = types.ModuleType(src_name)
    attrs: dict[str, str | None] = {}
    src.flow = flow  # type: ignore[attr-defined]
    for i, (name, chunk) in enumerate(flow.chunks.items()):
        attr = f"chunk_{i}"
        setattr(src, attr, chunk)
        attrs[name] = attr
    children: dict[int, dict[str, tuple[str, str] | None]] = {}
    for k, child in enumerate(child_flows(flow), 1):
        homes: dict[str, tuple[str, str] | None] = {}
        for i, (name, chunk) in enumerate(child.chunks.items()):
            attr = f"sub{k}_chunk_{i}"
            setattr(src, attr, chunk)
            homes[name] = (src_name, attr)
        children[id(child)] = homes
    sys.modules[src_name] = src
    file = display_path(flow.loc.file, root)
    source = Source(src_name, "flow", attrs, file, f"<in memory {flow.name}>", children, root)
    runner = emit_runner(flow, source, version=_version())
    filename = _linecache_name(flow.name, runner.source)
    lines = runner.source.splitlines(keepends=True)
    linecache.cache[filename] = (len(runner.source), None, lines, filename)
    module = types.ModuleType(f"tfc_runner_{n}")
    module.__file__ = filename
    code = compile(runner.source, filename, "exec")
    try:
        exec(code, module.__dict__)
    finally:
        del sys.modules[src_name]  # the runner holds what it imported; the hand-over is done
    module.__tfc_runner__ = runner  # type: ignore[attr-defined]
    return module


def _linecache_name(flow_name: str, source: str) -> str:
    """``<tfc runner NAME>``, or ``<tfc runner NAME #2>``... when another runner of a flow
    with the same name already holds that entry with other source."""
    filename, k = f"<tfc runner {flow_name}>", 1
    while True:
        entry = linecache.cache.get(filename)
        if entry is None or (len(entry) == 4 and "".join(entry[2]) == source):
            return filename
        k += 1
        filename = f"<tfc runner {flow_name} #{k}>"


def find_flows(module: types.ModuleType) -> Iterator[tuple[str, Any]]:
    """Every `TriggerFlow` defined at module level: ``(attribute, flow)``, first name wins."""
    from ..dsl.flow import TriggerFlow

    seen: set[int] = set()
    for attr, value in vars(module).items():
        if isinstance(value, TriggerFlow) and id(value) not in seen and not attr.startswith("_"):
            seen.add(id(value))
            yield attr, value


def runner_path(
    module_file: str, flow_attr: str, *, several: bool, runner_dir: str | None = None, module: str | None = None
) -> Path:
    """Where the runner of a flow goes.

    Beside the module: ``<module file stem>_runner.py`` (a package's ``__init__.py``: the
    package's name), ``<stem>_<flow>_runner.py`` when the module defines several flows. In
    *runner_dir*, the dotted *module* name with ``_`` for the dots, so same-named modules
    of different packages get different files: ``research_report.flow`` ->
    ``research_report_flow_runner.py`` (``research_report_flow_<flow>_runner.py`` when
    several).

    Raises:
        ValueError: *runner_dir* is given without *module*.
    """
    path = Path(module_file)
    if runner_dir:
        if not module:
            raise ValueError("runner_path: a runner dir needs the dotted module name")
        stem = module.replace(".", "_")
    else:
        stem = path.stem if path.stem != "__init__" else path.parent.name
    name = f"{stem}_{flow_attr}_runner.py" if several else f"{stem}_runner.py"
    return (Path(runner_dir) if runner_dir else path.parent) / name
