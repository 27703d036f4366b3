"""`emit_runner`: a flow's IR -> the source of its runner module.

A runner module holds the generated functions of its flow (`tfc.codegen.flowcode`) and of
every child flow its `to_sub_flow` calls run, recursively, each child once however many
calls run it. Each generated line that implements a builder call carries a comment
pointing at that call, and `__tfc_lines__` maps runner lines to flow lines.

Semantics come from the engine: the runner calls the helpers in `tfc.codegen.support`,
which use the engine's own plan nodes for triggers, conditions and error wording.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..ir.nodes import FlowIR, SubFlowCall
from ..ir.text import fingerprint
from .flowcode import FlowCode
from .layout import banner, entry_points
from .support import RUNNER_API
from .types import Imports

__all__ = ("Module", "Runner", "Source", "display_path", "emit_runner")


_RESERVED = {
    "Activation", "Any", "Callable", "MISSING", "Mapping", "Marker", "Scope", "TYPE_CHECKING", "Trigger", "TypedDict",
    "annotations", "run", "run_sync", "act", "scope", "trig",
}  # fmt: skip


@dataclass(frozen=True)
class Source:
    """Where a runner finds its flow and chunks.

    Attributes:
        module: The module the runner imports from.
        flow_attr: The flow's name in that module.
        chunk_attrs: Chunk name -> the module attribute holding the chunk (or its
            function); ``None`` (or absent) looks the chunk up on the flow, untyped.
        file: The flow definition's file as comments should show it.
        command: The `tfc build` arguments that regenerate the runner.
        child_chunks: For each child flow a `to_sub_flow` call runs (keyed by ``id()`` of
            the child `TriggerFlow`, so valid while the flows live): chunk name -> the
            ``(module, attribute)`` holding it, or ``None`` to look it up on the child.
        root: Other flow files (children defined elsewhere) are shown relative to this
            (default: the current directory).
    """

    module: str
    flow_attr: str
    chunk_attrs: Mapping[str, str | None] = field(default_factory=dict)
    file: str = ""
    command: str = ""
    child_chunks: Mapping[int, Mapping[str, tuple[str, str] | None]] = field(default_factory=dict)
    root: str | None = None


@dataclass(frozen=True)
class Runner:
    """A generated runner: its source, line table and the child flows it runs inline."""

    flow_name: str
    source: str
    lines: dict[int, int]
    """Runner line -> flow definition line."""
    children: tuple[str, ...]
    """The child flows whose code the runner holds, as the banner lists them."""


def emit_runner(flow: Any, source: Source, *, version: str, checked: bool = True) -> Runner:
    """The runner module for *flow* (a `TriggerFlow`).

    Args:
        checked: Compile the flow first, so a flow with error diagnostics raises
            `FlowDefinitionError`. ``False`` emits from the IR as it is: such a runner
            cannot run, but type-checking it shows what mypy thinks of the flow.
    """
    return Module(flow, source, version, checked=checked).build()


def display_path(file: str, root: str | None) -> str:
    """*file* relative to *root* (default: the cwd), with ``/``; its base name if outside."""
    base = os.path.abspath(root or os.getcwd())
    path = os.path.abspath(file)
    try:
        rel = os.path.relpath(path, base)
    except ValueError:
        return os.path.basename(path)
    return os.path.basename(path) if rel.startswith("..") else rel.replace(os.sep, "/")


class Module:
    """One runner module being written: its imports, its flows' code, the assembly."""

    def __init__(self, flow: Any, source: Source, version: str, *, checked: bool) -> None:
        self.source = source
        self.version = version
        self.checked = checked
        self.imports = Imports(_RESERVED)
        self.typed: list[str] = []
        """Module-level TypedDicts (batch results), in the order they were needed."""
        ir = self.ir_of(flow)
        self.main = FlowCode(self, ir, flow, "_", "", source.file or ir.loc.file)
        self.children: dict[int, FlowCode] = {}
        """id() of a child flow -> its code."""
        self.via: dict[int, str] = {}
        """id() of a child flow -> the node variable of the first call that runs it."""

    def ir_of(self, flow: Any) -> FlowIR:
        ir: FlowIR = flow.compile().ir if self.checked else flow.ir()
        return ir

    def child_code(self, node: SubFlowCall, node_var: str) -> FlowCode:
        """The code of the child flow *node* runs, written on first use."""
        flow = getattr(node.flow, "child", None)
        assert flow is not None, f"sub-flow call {node.child!r} without its child flow"
        code = self.children.get(id(flow))
        if code is None:
            prefix = f"_sub{len(self.children) + 1}_"
            ir = self.ir_of(flow)
            file = ir.loc.file
            if os.path.abspath(file) == self.main.abs_file:
                file = self.main.file
            else:
                file = display_path(file, self.source.root)
            code = self.children[id(flow)] = FlowCode(self, ir, flow, prefix, f"{prefix}flow", file)
            self.via[id(flow)] = node_var
            code.build()
        return code

    def chunk_attrs(self, code: FlowCode) -> Mapping[str, tuple[str, str] | None]:
        """Chunk name -> ``(module, attribute)`` to import it from, for *code*'s flow."""
        if code is self.main:
            module = self.source.module
            return {name: (module, attr) if attr else None for name, attr in self.source.chunk_attrs.items()}
        return self.source.child_chunks.get(id(code.flow), {})

    def setup(self, code: FlowCode, engine_expr: str) -> list[str]:
        """The lines that bind *code*'s engine plan, chunks and node descriptors."""
        engine = f"{code.prefix}engine"
        lines = [f"{engine} = {engine_expr}"]
        attrs = self.chunk_attrs(code)
        for name, var in code.chunks.items():
            found = attrs.get(name)
            if found is not None:
                local = self.imports.name(*found)
                lines.append(f"{var} = _rt.bind({code.flow_var}, {name!r}, {local})")
            else:
                lines.append(f"{var} = _rt.bind({code.flow_var}, {name!r})")
        for node_id, (var, kind) in sorted(code.nodes.items()):
            helper = "node" if kind == "node" else f"{kind}_node"
            lines.append(f"{var} = _rt.{helper}({engine}, {node_id})")
        return lines

    def tables(self, code: FlowCode) -> list[str]:
        """The dispatch table, the runner plan and the listener forks of *code*'s flow."""
        p = code.prefix
        roots = ", ".join(f"{rid}: {fn}" for rid, fn in code.roots.items())
        head = "Dispatch table" if code is self.main else f"Dispatch table of {code.label}"
        return [
            f"# {head}: root id -> code. {_routes(code)}",
            f"{p}ROOTS: dict[int, _rt.RootFn] = {{{roots}}}",
            f"{p}plan, {p}roots = _rt.runner_plan({p}engine, {p}ROOTS)",
            *(f"{var} = _rt.listener({p}roots, {rid}, {k}, {_listened(code, rid, k)!r})"
              for (rid, k), var in code.listener_vars.items()),
        ]

    # -- the module -------------------------------------------------------------------------

    def build(self) -> Runner:
        self.main.build()
        return self.assemble()

    def assemble(self) -> Runner:
        main, source = self.main, self.source
        ir = main.ir
        main.flow_var = self.imports.name(source.module, source.flow_attr, "_flow")
        setup = self.setup(main, f"_rt.engine_plan({main.flow_var}, __tfc_fingerprint__, {RUNNER_API})")
        children = list(self.children.values())
        for code in children:
            setup += [
                "",
                f"# {code.label} ({code.file}:{code.ir.loc.line}): run inline by `to_sub_flow`",
                f"{code.flow_var} = _rt.child_flow({self.via[id(code.flow)]})",
                *self.setup(code, f"_rt.engine_plan({code.flow_var}, {fingerprint(code.ir)!r}, {RUNNER_API})"),
            ]
        state_type = "Mapping[str, Any]"
        if ir.schemas.state is not None:
            rendered = main.type_text(ir.schemas.state)
            if rendered != "Any":
                state_type = rendered
        input_type = main.type_text(ir.schemas.input) if ir.schemas.input is not None else "Any"
        command = source.command or f"{source.module}:{source.flow_attr}"
        inline = [f"{c.label} ({c.file}:{c.ir.loc.line})" for c in children]
        head = banner(self.version, main.file, ir.name, command, inline)
        head += [
            "from __future__ import annotations",
            "",
            "from collections.abc import Callable, Mapping",
            "from typing import TYPE_CHECKING, Any, TypedDict",
            "",
            "from tfc.codegen import support as _rt",
            "from tfc.codegen.support import MISSING, Activation, Marker, Scope, Trigger",
            *self.imports.lines(),
            "",
            f"__tfc_flow__ = {ir.name!r}",
            f"__tfc_fingerprint__ = {fingerprint(ir)!r}",
            f"__tfc_flow_file__ = {main.file!r}",
            "",
            *setup,
        ]
        typed = []
        for block in self.typed:
            typed += ["", "", *block.split("\n")]
        tail = ["", "", *self.tables(main)]
        for code in children:
            start = code.direct_start()
            made = f"_rt.ChildFlow({code.flow_var}, {code.prefix}plan{', ' + start if start else ''})"
            tail += ["", *self.tables(code), f"{code.prefix[:-1]} = {made}"]
        tail += entry_points(ir.name, main.flow_var, input_type, state_type)
        out: list[str] = [*head, *typed]
        table: dict[int, int] = {}
        for code in [main, *children]:
            for line in code.body:
                text = "    " * line.depth + line.text if line.text else ""
                comment = ""
                here = line.loc is not None and os.path.abspath(line.loc.file) == code.abs_file
                if line.loc is not None and here:
                    comment = f"{code.where(line.loc)} {line.note}".rstrip()
                    if code.abs_file == main.abs_file:
                        table[len(out) + 1] = line.loc.line
                elif line.note:
                    comment = line.note
                if comment:
                    text = f"{text}  # {comment}"
                out.append(text)
        out += tail
        table_line = f"__tfc_lines__ = {{{', '.join(f'{k}: {v}' for k, v in sorted(table.items()))}}}"
        out += ["", "", "# runner line -> flow definition line", table_line]
        return Runner(ir.name, "\n".join(out) + "\n", table, tuple(inline))


def _listened(code: FlowCode, root_id: int, k: int) -> str:
    root = next(r for r in code.ir.roots if r.id == root_id)
    return root.signals[k].name


def _routes(code: FlowCode) -> str:
    parts = []
    for root in code.ir.roots:
        fn = code.roots[root.id]
        for s in root.signals:
            label = "start" if s.kind == "start" else f"{s.kind} {s.name!r}"
            parts.append(f"{label} -> {fn}")
    for name in code.collections:
        parts.append(f"collect {name!r} -> {code.roots[code.collections[name][0]]}")
    return "; ".join(parts)
