"""A stable text form of the IR: what `tfc plan` prints and golden tests compare.

Linear chains print flat; where a node has several successors each one opens an indented
``fork`` arm. Locations print as ``@line:col`` (1-based) so the form does not depend on
where the checkout lives; `fingerprint` hashes the form without locations.
"""

from __future__ import annotations

import hashlib

from .nodes import Batch, Binding, Branch, Collect, End, FlowIR, ForEach, Loc, Node, Root, Step, SubFlowCall

__all__ = ("fingerprint", "render_ir")


def render_ir(flow: FlowIR, *, locations: bool = True) -> str:
    """Render *flow* in the stable text form, one construct per line."""
    out = _Writer(locations)
    schemas = "".join(f" {role}={name}" for role, name in flow.schema_names)
    out.line(0, f"flow {flow.name}{schemas}", None)
    for root in flow.roots:
        _root(out, root)
    return "\n".join(out.lines) + "\n"


def fingerprint(flow: FlowIR) -> str:
    """A hash of the flow's structure: chunk names, wiring and parameters, not locations."""
    return hashlib.sha256(render_ir(flow, locations=False).encode()).hexdigest()[:16]


class _Writer:
    def __init__(self, locations: bool) -> None:
        self.lines: list[str] = []
        self.locations = locations

    def line(self, depth: int, text: str, loc: Loc | None) -> None:
        at = f"  @{loc.short}" if (self.locations and loc is not None) else ""
        self.lines.append(f"{'  ' * depth}{text}{at}")


def _root(out: _Writer, root: Root) -> None:
    if len(root.signals) == 1 and root.signals[0].kind == "start":
        head = "on start"
    else:
        sigs = ", ".join(f"{s.kind}:{s.name!r}" for s in root.signals)
        mode = f" mode={root.mode}" if len(root.signals) > 1 else ""
        head = f"on {sigs}{mode}"
    out.line(1, head, None if head == "on start" else root.loc)
    _chain(out, 2, root.next)


def _chain(out: _Writer, depth: int, nodes: tuple[Node, ...]) -> None:
    """Print successors: one successor continues the chain at the same depth."""
    while len(nodes) == 1:
        _node(out, depth, nodes[0])
        nodes = nodes[0].next
    if nodes:
        out.line(depth, "fork", None)
        for node in nodes:
            out.line(depth + 1, "-", None)
            _chain(out, depth + 2, (node,))


def _exit(exit_id: int | None) -> str:
    return "exit=input" if exit_id is None else f"exit=#{exit_id}"


def _bindings(label: str, bindings: tuple[Binding, ...] | None) -> str:
    if bindings is None:
        return ""
    inner = ", ".join(f"{b.target}<-{b.source}" for b in bindings)
    return f" {label}={{{inner}}}"


def _node(out: _Writer, depth: int, node: Node) -> None:
    side = " side" if getattr(node, "side", False) else ""
    if isinstance(node, Step):
        out.line(depth, f"#{node.id} step {node.chunk.name}{side}", node.loc)
    elif isinstance(node, Batch):
        limit = f" concurrency={node.concurrency}" if node.concurrency is not None else ""
        out.line(depth, f"#{node.id} batch{limit}{side}", node.loc)
        for branch in node.branches:
            out.line(depth + 1, f"#{branch.id} branch {branch.chunk.name}", branch.loc)
    elif isinstance(node, ForEach):
        limit = f" concurrency={node.concurrency}" if node.concurrency is not None else ""
        closed = "" if node.end_loc is not None else " unclosed"
        out.line(depth, f"#{node.id} for_each{limit} {_exit(node.exit)}{closed}", node.loc)
        _chain(out, depth + 1, node.body)
        if node.end_loc is not None:
            out.line(depth, "end_for_each", node.end_loc)
    elif isinstance(node, Branch):
        closed = "" if node.end_loc is not None else " unclosed"
        out.line(depth, f"#{node.id} {node.form} {node.mode}{closed}", node.loc)
        for case in node.cases:
            cond = case.condition
            text = "else" if cond.kind == "else" else f"case {cond.kind} {cond.text}"
            out.line(depth + 1, f"{text} {_exit(case.exit)}", case.loc)
            _chain(out, depth + 2, case.body)
        if node.end_loc is not None:
            out.line(depth, f"end_{'condition' if node.form == 'if' else 'match'}", node.end_loc)
    elif isinstance(node, SubFlowCall):
        limit = f" concurrency={node.concurrency}" if node.concurrency is not None else ""
        text = (
            f"#{node.id} sub_flow {node.child}{limit}{side}"
            f"{_bindings('capture', node.capture)}{_bindings('write_back', node.write_back)}"
        )
        out.line(depth, text, node.loc)
    elif isinstance(node, End):
        out.line(depth, f"#{node.id} end", node.loc)
    elif isinstance(node, Collect):
        out.line(depth, f"#{node.id} collect {node.name!r} branch={node.branch_id!r} {node.mode}", node.loc)
