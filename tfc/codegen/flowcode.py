"""`FlowCode`: the generated functions of one flow in a runner module.

The walk follows the planner (`tfc.plan.planner`): a linear run of nodes becomes a run of
direct awaits, a node with several successors (or a step some `when(chunk)` listens to)
ends with forks, blocks become nested functions handed to the fan-out helpers. A runner
module holds one `FlowCode` for its flow and one for each child flow its `to_sub_flow`
calls run inline (names prefixed ``_sub1_``, ``_sub2_``...), shared by every call of that child.
"""

from __future__ import annotations

import keyword
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..ir.nodes import Batch, Branch, Collect, End, FlowIR, ForEach, Loc, Node, Root, Step, SubFlowCall
from .bindings import binding_probes
from .types import hints_of, input_type, render_type

if TYPE_CHECKING:
    from .emit import Module

__all__ = ("FlowCode", "Line")


def _ident(text: str) -> str:
    out = re.sub(r"\W+", "_", text).strip("_") or "x"
    if out[0].isdigit() or keyword.iskeyword(out):
        out = f"c_{out}"
    return out


@dataclass
class Line:
    """One generated line: indentation depth, text, and the flow location it implements."""

    depth: int
    text: str
    loc: Loc | None = None
    note: str = ""


class FlowCode:
    """The root functions of one flow, and the chunks, nodes and roots they use (see the module docstring).

    Args:
        module: The runner module being written.
        ir: The flow's IR.
        flow: The `TriggerFlow`.
        prefix: Starts every module-level name of this flow: ``_`` for the runner's own
            flow (``_root_1``, ``_n3``, ``_k_fetch``), ``_sub1_`` for its first child flow.
        flow_var: The runner variable holding the flow.
        file: The flow definition's file as comments show it.
    """

    def __init__(self, module: Module, ir: FlowIR, flow: Any, prefix: str, flow_var: str, file: str) -> None:
        self.module = module
        self.ir = ir
        self.flow = flow
        self.prefix = prefix
        self.flow_var = flow_var
        self.file = file
        self.abs_file = os.path.abspath(ir.loc.file)
        self.body: list[Line] = []
        self.nodes: dict[int, tuple[str, str]] = {}
        """IR id -> (variable, helper kind) for engine node descriptors."""
        self.chunks: dict[str, str] = {}
        """Chunk name -> the runner variable bound to it."""
        self.roots: dict[int, str] = {}
        self.listener_vars: dict[tuple[int, int], str] = {}
        self.listeners: dict[str, list[tuple[int, int]]] = {}
        chunk_names = {c.name for c in ir.chunks}
        for root in ir.roots:
            for k, signal in enumerate(root.signals):
                if signal.kind == "chunk" or (signal.kind == "event" and signal.name in chunk_names):
                    self.listeners.setdefault(signal.name, []).append((root.id, k))
        self.collections: dict[str, tuple[int, tuple[Node, ...], Loc]] = {}

    @property
    def label(self) -> str:
        """The flow as comments name it."""
        return f"flow `{self.ir.name}`"

    # -- writing ----------------------------------------------------------------------------

    def w(self, depth: int, text: str, loc: Loc | None = None, note: str = "") -> None:
        body = self.body
        if text.startswith("return ") and len(body) >= 2:
            # `if isinstance(x, Marker): return y` right before `return y` says nothing.
            test, ret = body[-2], body[-1]
            if (
                test.depth == depth
                and test.text.startswith("if isinstance(")
                and test.text.endswith(", Marker):")
                and ret.depth == depth + 1
                and ret.text == text
            ):
                del body[-2:]
        body.append(Line(depth, text, loc, note))

    def where(self, loc: Loc) -> str:
        return f"{self.file}:{loc.line}"

    # -- descriptors ----------------------------------------------------------------------

    def node_var(self, node_id: int, kind: str) -> str:
        found = self.nodes.get(node_id)
        if found is None:
            found = self.nodes[node_id] = (f"{self.prefix}n{node_id}", kind)
        return found[0]

    def chunk_var(self, name: str) -> str:
        found = self.chunks.get(name)
        if found is None:
            taken = set(self.chunks.values())
            base = f"{self.prefix}k_{_ident(name)}"
            found, n = base, 2
            while found in taken:
                found, n = f"{base}_{n}", n + 1
            self.chunks[name] = found
        return found

    def type_text(self, tp: object) -> str:
        return render_type(tp, self.module.imports)

    # -- the flow -----------------------------------------------------------------------------

    def build(self) -> None:
        """Write every root function (and one per collection with followers) into `body`."""
        self.collect_roots()
        for root in self.ir.roots:
            self.root(root)
        for name, (rid, followers, loc) in self.collections.items():
            fn = f"{self.prefix}collect_{_ident(name)}"
            self.roots[rid] = fn
            self.w(0, "")
            self.w(0, "")
            self.w(0, f"async def {fn}(act: Activation, v: Any, scope: Scope, trig: Trigger | None) -> object:", loc,
                   f'collection "{name}"')
            self.chain(followers, None, False, "v", "scope", "trig", 1)

    def collect_roots(self) -> None:
        found: dict[str, list[Collect]] = {}

        def walk(nodes: tuple[Node, ...]) -> None:
            for n in nodes:
                if isinstance(n, Collect):
                    found.setdefault(n.name, []).append(n)
                if isinstance(n, ForEach):
                    walk(n.body)
                if isinstance(n, Branch):
                    for c in n.cases:
                        walk(c.body)
                walk(n.next)

        for root in self.ir.roots:
            walk(root.next)
        for name, nodes in found.items():
            followers = tuple(x for n in nodes for x in n.next)
            if followers:
                self.collections[name] = (-nodes[0].id, followers, nodes[0].loc)

    def root(self, root: Root) -> None:
        fn = f"{self.prefix}root_{root.id}"
        self.roots[root.id] = fn
        start = len(root.signals) == 1 and root.signals[0].kind == "start"
        schemas = self.ir.schemas
        value_type = "Any"
        if start and schemas.input is not None:
            value_type = self.type_text(schemas.input)
        elif len(root.signals) == 1 and root.signals[0].kind == "runtime_data":
            field_type = hints_of(schemas.state).get(root.signals[0].name) if schemas.state else None
            if field_type is not None:
                value_type = self.type_text(field_type)
        if start:
            note = "on start"
        else:
            sigs = ", ".join(f"{s.kind} {s.name!r}" for s in root.signals)
            mode = f" mode={root.mode}" if len(root.signals) > 1 else ""
            note = f"when({sigs}){mode}"
        if self.prefix != "_":
            note = f"{self.label} {note}"
        self.w(0, "")
        self.w(0, "")
        self.w(
            0,
            f"async def {fn}(act: Activation, v: {value_type}, scope: Scope, trig: Trigger | None) -> object:",
            None if start else root.loc,
            note,
        )
        self.chain(root.next, None, False, "v", "scope", "trig", 1)

    # -- chains -------------------------------------------------------------------------------

    def shape(
        self, nodes: tuple[Node, ...], exit_id: int | None
    ) -> tuple[list[Node], tuple[Node, ...], list[tuple[int, int]], int, int, Node | None]:
        """The planner's chain: linear nodes, successor forks, listener forks, exit positions."""
        seq: list[Node] = []
        exit_pos = -1
        last: Node | None = None
        while len(nodes) == 1:
            node = nodes[0]
            seq.append(node)
            if node.id == exit_id:
                exit_pos = len(seq) - 1
            last = node
            if isinstance(node, Collect):
                nodes = ()
                break
            nodes = node.next
            if isinstance(node, Step) and self.listeners.get(node.chunk.name):
                break
        fork_exit = -1
        for i, n in enumerate(nodes):
            if exit_id is not None and _contains(n, exit_id):
                fork_exit = i
        listeners = self.listeners.get(last.chunk.name, []) if isinstance(last, Step) else []
        return seq, nodes, listeners, exit_pos, fork_exit, last

    def chain(
        self, nodes: tuple[Node, ...], exit_id: int | None, exit_at_input: bool, v: str, sc: str, tg: str, depth: int
    ) -> None:
        """Statements that run a chain from input *v* and ``return`` the chain's result."""
        seq, forks, listeners, exit_pos, fork_exit, _last = self.shape(nodes, exit_id)
        result = v if exit_at_input else "MISSING"
        cur = v
        for i, node in enumerate(seq):
            if result != "MISSING":
                on_marker = result
            elif exit_pos >= i or fork_exit >= 0:
                on_marker = None  # return the marker itself (PAUSED must reach the join)
            else:
                on_marker = "MISSING"

            def check(var: str, on_marker: str | None = on_marker) -> None:
                self.w(depth, f"if isinstance({var}, Marker):")
                self.w(depth + 1, f"return {on_marker or var}")

            out = self.node(node, cur, sc, tg if i == 0 else "None", depth, check)
            if out is None:  # collect: the chain stops here
                self.w(depth, f"return {result}")
                return
            if i == exit_pos:
                result = out
            cur = out
        count = len(forks) + len(listeners)
        ftg = "None" if seq else tg  # forks see the chain's trigger only when no node ran before
        if count == 0:
            self.w(depth, f"return {result}")
            return
        if count == 1 and forks and (fork_exit == 0 or result == "MISSING"):
            self.chain(forks, exit_id, False, cur, sc, ftg, depth)
            return
        if count == 1 and listeners:
            rid, k = listeners[0]
            self.w(depth, f"await {self.listener(rid, k)}.run(act, {cur}, {sc}, {ftg})")
            self.w(depth, f"return {result}")
            return
        calls = []
        for n in forks:
            fn = f"_fork_{n.id}"
            self.w(depth, f"async def {fn}() -> Any:")
            self.chain((n,), exit_id, False, cur, sc, ftg, depth + 1)
            calls.append(fn)
        for rid, k in listeners:
            calls.append(f"lambda: {self.listener(rid, k)}.run(act, {cur}, {sc}, {ftg})")
        keep = "out = " if fork_exit >= 0 else ""
        if len(calls) == 1:
            self.w(depth, f"{keep}await {calls[0]}()")
        else:
            self.w(depth, f"{keep}await _rt.forks({_tuple(calls)})")
        if fork_exit >= 0:
            self.w(depth, f"return out[{fork_exit}]" if len(calls) > 1 else "return out")
        else:
            self.w(depth, f"return {result}")

    def listener(self, root_id: int, k: int) -> str:
        var = self.listener_vars.get((root_id, k))
        if var is None:
            var = self.listener_vars[(root_id, k)] = f"{self.prefix}L{root_id}_{k}"
        return var

    # -- nodes -------------------------------------------------------------------------------

    def node(self, node: Node, v: str, sc: str, tg: str, depth: int, check: Callable[[str], None]) -> str | None:
        out = f"v{node.id}"
        if isinstance(node, Step):
            self.step(node, v, sc, tg, depth, f".{'side_branch' if node.side else 'to'}({node.chunk.name})")
            check(out)
            return out
        if isinstance(node, Batch):
            return self.batch(node, v, sc, tg, depth, check)
        if isinstance(node, ForEach):
            return self.for_each(node, v, sc, depth, check)
        if isinstance(node, Branch):
            return self.branch(node, v, sc, tg, depth, check)
        if isinstance(node, SubFlowCall):
            return self.sub_flow(node, v, sc, tg, depth, check)
        if isinstance(node, End):
            # The first value to arrive becomes the result (`Activation.end`).
            self.w(depth, f"act.end({v})", node.loc, ".end()")
            return v
        if isinstance(node, Collect):
            self.w(depth, f"await _rt.collect(act, {node.name!r}, {node.branch_id!r}, {v}, {sc})", node.loc,
                   f".collect({node.name!r}, {node.branch_id!r})")
            return None
        raise AssertionError(node)  # pragma: no cover

    def sub_flow(self, node: SubFlowCall, v: str, sc: str, tg: str, depth: int, check: Callable[[str], None]) -> str:
        """A `to_sub_flow` call: the child's own generated code, awaited inline around a
        `ChildCall` (`tfc.codegen.child`)."""
        out, c = f"v{node.id}", f"c{node.id}"
        n = self.node_var(node.id, "sub_flow")
        child = self.module.child_code(node, n)
        start = child.direct_start()
        run = f"{start}({c}, {c}.enter({v}), (), _rt.START_TRIGGER)" if start else f"{c}.start({c}.enter({v}))"
        self.w(depth, f"{out}: Any")
        self.w(depth, f"{c} = _rt.ChildCall(act, {n}, {child.prefix[:-1]})", node.loc,
               f".to_sub_flow({node.child}): {child.label} runs inline")
        self.w(depth, "try:")
        self.w(depth + 1, f"await {run}", node.loc, "capture, then the child's start")
        self.w(depth, "except BaseException as exc:")
        self.w(depth + 1, f"{out} = await {c}.failed(exc)", node.loc, "SubFlowError (a marker with skip_exceptions)")
        self.w(depth, "else:")
        self.w(depth + 1, f"{out} = {c}.leave()", node.loc, "the child's result, or a copy of its state")
        self.w(depth + 1, f"if {out} is {c}:", None, "tracked work to wait for, write_back, or a whole execution")
        self.w(depth + 2, f"{out} = await {c}.finish({v}, {sc})", node.loc)
        self.sub_flow_types(node, v, depth)
        check(out)
        return out

    def direct_start(self) -> str | None:
        """The root function START runs directly (one root, one signal or ``simple_or``)."""
        starts = [r for r in self.ir.roots if any(s.kind == "start" for s in r.signals)]
        if len(starts) == 1 and (len(starts[0].signals) == 1 or starts[0].mode == "simple_or"):
            return self.roots[starts[0].id]
        return None

    def sub_flow_types(self, node: SubFlowCall, v: str, depth: int) -> None:
        """Typed assignments mypy checks (under ``if TYPE_CHECKING:``, never run): see `bindings`."""
        roots, probes = binding_probes(node, v, self.ir.schemas.state, self.type_text)
        if not probes:
            return
        self.w(depth, "if TYPE_CHECKING:", None, "capture and write_back types, for type checkers only")
        for var, text in roots.items():
            self.w(depth + 1, f"{var}: {text} = _rt.typed()")
        for k, (assignment, note) in enumerate(probes):
            self.w(depth + 1, f"_t{node.id}_{k}: {assignment}", node.loc, note)

    def step(self, node: Step, v: str, sc: str, tg: str, depth: int, note: str) -> str:
        """Run *node*'s chunk on *v*; the variable holding its output (or a marker).

        An async chunk's step is written out (what the engine's `StepPlan.apply` does): its
        runtime data, a direct ``await`` of the chunk's function (through the execution's
        limiter under ``concurrency=``), failures turned into the step's `ChunkError` (or a
        marker under ``skip_exceptions``), a pause into the `PAUSED` marker. A sync chunk goes
        through its `Bound`, which also awaits what it may hand back.
        """
        out = f"v{node.id}"
        n = self.node_var(node.id, "step")
        k = self.chunk_var(node.chunk.name)
        if not node.chunk.is_async:
            self.w(depth, f"{out} = await {k}(act, {n}, {v}, {sc}, {tg})", node.loc, note)
            return out
        d = f"d{node.id}"
        ret = hints_of(node.chunk.fn).get("return", Any) if node.chunk.fn is not None else Any
        trig = f"{n}.trigger" if tg == "None" else f"{tg} or {n}.trigger"
        self.w(depth, f"{out}: {self.type_text(ret)} | Marker")
        want = self.type_text(input_type(node.chunk.fn))
        typed = f": _rt.TriggerFlowRuntimeData[{want}, Any]" if want != "Any" else ""
        # Typed by the chunk's input, so a type checker checks the value handed to it.
        self.w(depth, f"{d}{typed} = _rt.TriggerFlowRuntimeData(act, {v}, {sc}, {trig}, {n})", node.loc, note)
        self.w(depth, "try:")
        call = f"await ({k}.fn({d}) if act.limiter is None else {k}.limited({d}))"
        if ret is None or ret is type(None):  # mypy refuses to assign what a `-> None` function returns
            self.w(depth + 1, call, node.loc, note)
            self.w(depth + 1, f"{out} = None")
        else:
            self.w(depth + 1, f"{out} = {call}", node.loc, note)
        self.w(depth, "except _rt.ExecutionError:")
        self.w(depth + 1, "raise")
        self.w(depth, "except Exception as exc:")
        self.w(depth + 1, f"{out} = act.execution.fail_step({n}, exc)", node.loc, f"{note} failed: ChunkError (a marker with skip_exceptions)")
        self.w(depth, f"if {d}._paused:")
        self.w(depth + 1, f"{out} = _rt.PAUSED")
        return out

    def batch(self, node: Batch, v: str, sc: str, tg: str, depth: int, check: Callable[[str], None]) -> str:
        names = ", ".join(b.chunk.name for b in node.branches)
        fns = []
        for j, b in enumerate(node.branches):
            fn = f"_b{node.id}_{j}"
            fns.append(fn)
            self.w(depth, f"async def {fn}() -> Any:")
            bsc = f"sc{node.id}_{j}"
            self.w(depth + 1, f"{bsc} = {sc} + (({node.id}, {j}),)")
            out = self.step(b, v, bsc, tg, depth + 1, f"batch branch {b.chunk.name}")
            self.w(depth + 1, f"if isinstance({out}, Marker):")
            self.w(depth + 2, f"return {out}")
            listeners = self.listeners.get(b.chunk.name, [])
            if len(listeners) == 1:
                rid, k = listeners[0]
                self.w(depth + 1, f"await {self.listener(rid, k)}.run(act, {out}, {bsc}, None)")
            elif listeners:
                calls = [f"lambda: {self.listener(rid, k)}.run(act, {out}, {bsc}, None)" for rid, k in listeners]
                self.w(depth + 1, f"await _rt.forks({_tuple(calls)})")
            self.w(depth + 1, f"return {out}")
        n = self.node_var(node.id, "node")
        r = f"r{node.id}"
        limit = node.concurrency
        self.w(depth, f"{r} = await _rt.batch(act, {n}, {sc}, {_tuple(fns)}, {limit})", node.loc,
               f".batch({names})")
        check(r)
        td = self.batch_type(node)
        last = {b.chunk.name: j for j, b in enumerate(node.branches)}
        items = ", ".join(f"{name!r}: {r}[{j}]" for name, j in last.items())
        out = f"v{node.id}"
        self.w(depth, f"{out}: {td} = {{{items}}}")
        return out

    def batch_type(self, node: Batch) -> str:
        name = f"{self.prefix}Batch{node.id}"
        fields: list[tuple[str, str]] = []
        for b in node.branches:
            if b.chunk.name in [f for f, _ in fields]:
                continue
            ret = hints_of(b.chunk.fn).get("return", Any)
            fields.append((b.chunk.name, self.type_text(ret)))
        if not all(f.isidentifier() and not keyword.iskeyword(f) for f, _ in fields):
            inner = ", ".join(f"{f!r}: {t}" for f, t in fields)
            self.module.typed.append(f'{name} = TypedDict("{name}", {{{inner}}})  # {self.where(node.loc)} .batch(...)')
        else:
            lines = [f"class {name}(TypedDict):  # {self.where(node.loc)} .batch(...)"]
            lines += [f"    {f}: {t}" for f, t in fields]
            self.module.typed.append("\n".join(lines))
        return name

    def for_each(self, node: ForEach, v: str, sc: str, depth: int, check: Callable[[str], None]) -> str:
        it, i, isc, x = f"it{node.id}", f"i{node.id}", f"sc{node.id}", f"x{node.id}"
        limit = f"concurrency={node.concurrency}" if node.concurrency is not None else ""
        self.w(depth, f"{it} = _rt.items({v})", node.loc, f".for_each({limit})")
        self.w(depth, f"async def _e{node.id}({i}: int) -> Any:")
        self.w(depth + 1, f"{isc} = {sc} + (({node.id}, {i}),)")
        self.w(depth + 1, f"{x} = {it}[{i}]")
        self.chain(node.body, node.exit, node.exit is None, x, isc, "None", depth + 1)
        n = self.node_var(node.id, "node")
        out = f"v{node.id}"
        self.w(depth, f"{out} = await _rt.for_each(act, {n}, {sc}, len({it}), _e{node.id}, {node.concurrency})",
               node.end_loc or node.loc, ".end_for_each()")
        check(out)
        return out

    def branch(self, node: Branch, v: str, sc: str, tg: str, depth: int, check: Callable[[str], None]) -> str:
        fns = []
        for k, case in enumerate(node.cases):
            fn = f"_c{node.id}_{k}"
            fns.append(fn)
            self.w(depth, f"async def {fn}() -> Any:")
            csc = f"sc{node.id}_{k}"
            self.w(depth + 1, f"{csc} = {sc} + (({node.id}, {k}),)")
            self.chain(case.body, case.exit, case.exit is None, v, csc, tg, depth + 1)
        n = self.node_var(node.id, "branch")
        out = f"v{node.id}"
        if node.mode == "hit_all":
            self.w(depth, f"{out} = await _rt.hit_all(act, {n}, {v}, {sc}, {tg}, {_tuple(fns)})", node.loc,
                   '.match("hit_all")')
            check(out)
            return out
        self.w(depth, f"{out}: Any")
        opened = False
        for k, case in enumerate(node.cases):
            what = _case_words(node, k)
            if case.condition.kind == "else":
                if opened:
                    self.w(depth, "else:", case.loc, what)
                    self.w(depth + 1, f"{out} = await {fns[k]}()")
                else:
                    self.w(depth, f"{out} = await {fns[k]}()", case.loc, what)
                break
            word = "elif" if opened else "if"
            self.w(depth, f"{word} await _rt.hits(act, {n}, {k}, {v}, {sc}, {tg}):", case.loc, what)
            self.w(depth + 1, f"{out} = await {fns[k]}()")
            opened = True
        else:
            if opened:
                self.w(depth, "else:")
                self.w(depth + 1, f"{out} = {v}", node.end_loc or node.loc, "no case hit: the value passes through")
            else:
                self.w(depth, f"{out} = {v}", node.loc)
        check(out)
        return out

def _tuple(items: list[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def _case_words(node: Branch, k: int) -> str:
    cond = node.cases[k].condition
    text = cond.text.rsplit(":", 1)[-1] if cond.kind == "callable" else cond.text
    if node.form == "if":
        if cond.kind == "else":
            return ".else_condition()"
        return f".{'if' if k == 0 else 'elif'}_condition({text})"
    if cond.kind == "else":
        return ".case_else()"
    return f".case({text})"


def _contains(node: Node, target: int) -> bool:
    if node.id == target:
        return True
    return any(_contains(n, target) for n in node.next)
