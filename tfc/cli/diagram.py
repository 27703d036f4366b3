"""A flow's IR as a diagram: Mermaid (``flowchart TD``) or Graphviz DOT.

`layout` turns the IR into boxes, edges and nested groups once; `render_mermaid` and
`render_dot` only print that structure. ``batch``, ``for_each`` and ``match`` /
``if_condition`` blocks are groups with an entry and an exit box; a sub-flow is a group
holding the child flow's own diagram, entered through a ``call`` box and left through a
``return`` box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..ir.nodes import Batch, Branch, Collect, End, FlowIR, ForEach, Node, Root, Step, SubFlowCall

__all__ = ("Diagram", "Group", "layout", "render_dot", "render_mermaid")

ChildIR = Callable[[SubFlowCall], "FlowIR | None"]
_MAX_NESTING = 8


@dataclass
class Group:
    """A subgraph: its label, its boxes and its nested groups."""

    id: str
    label: str
    boxes: list[str] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)


@dataclass
class Diagram:
    """Boxes (id -> label, shape), edges (from, to, label, dotted) and the top-level group."""

    boxes: dict[str, tuple[str, str]] = field(default_factory=dict)
    edges: list[tuple[str, str, str, bool]] = field(default_factory=list)
    top: Group = field(default_factory=lambda: Group("top", ""))


class _Layout:
    def __init__(self, child: ChildIR, diagram: Diagram) -> None:
        self.child = child
        self.d = diagram

    def box(self, group: Group, id: str, label: str, shape: str = "box") -> str:
        self.d.boxes[id] = (label, shape)
        group.boxes.append(id)
        return id

    def flow(self, ir: FlowIR, group: Group, prefix: str, depth: int) -> list[str]:
        """Lay out *ir* in *group*; return the boxes of its end() calls."""
        ends: list[str] = []
        for root in ir.roots:
            head = self.root(root, group, prefix)
            self.chain(root.next, [head], group, prefix, depth, ends)
        return ends

    def root(self, root: Root, group: Group, prefix: str) -> str:
        if len(root.signals) == 1 and root.signals[0].kind == "start":
            return self.box(group, f"{prefix}start", "START", "circle")
        sigs = ", ".join(f"{s.kind}:{s.name}" for s in root.signals)
        mode = f" ({root.mode})" if len(root.signals) > 1 else ""
        return self.box(group, f"{prefix}r{root.id}", f"when {sigs}{mode}", "hexagon")

    def chain(
        self, nodes: tuple[Node, ...], preds: list[str], group: Group, prefix: str, depth: int, ends: list[str]
    ) -> list[str]:
        """Attach *nodes* after *preds*; return the exits of the last node of each branch."""
        exits: list[str] = []
        for node in nodes:
            entry, exit = self.node(node, group, prefix, depth, ends)
            for pred in preds:
                self.d.edges.append((pred, entry, "side" if getattr(node, "side", False) else "", False))
            after = self.chain(node.next, [exit], group, prefix, depth, ends)
            exits.extend(after or [exit])
        return exits

    def node(self, node: Node, group: Group, prefix: str, depth: int, ends: list[str]) -> tuple[str, str]:
        nid = f"{prefix}n{node.id}"
        if isinstance(node, Step):
            return (self.box(group, nid, node.chunk.name),) * 2
        if isinstance(node, End):
            box = self.box(group, nid, "end", "stadium")
            ends.append(box)
            return box, box
        if isinstance(node, Collect):
            return (self.box(group, nid, f"collect {node.name} [{node.branch_id}]", "stadium"),) * 2
        if isinstance(node, Batch):
            limit = f" concurrency={node.concurrency}" if node.concurrency else ""
            sub = self.group(group, f"{nid}g", f"batch{limit}")
            entry = self.box(sub, nid, "batch", "diamond")
            join = self.box(sub, f"{nid}j", "join", "circle")
            for branch in node.branches:
                b = self.box(sub, f"{prefix}n{branch.id}", branch.chunk.name)
                self.d.edges += [(entry, b, "", False), (b, join, "", False)]
            return entry, join
        if isinstance(node, ForEach):
            limit = f" concurrency={node.concurrency}" if node.concurrency else ""
            sub = self.group(group, f"{nid}g", f"for_each{limit}")
            entry = self.box(sub, nid, "for_each", "diamond")
            exit = self.box(sub, f"{nid}x", "end_for_each", "circle")
            for last in self.chain(node.body, [entry], sub, prefix, depth, ends) or [entry]:
                self.d.edges.append((last, exit, "", False))
            return entry, exit
        if isinstance(node, Branch):
            word = "if_condition" if node.form == "if" else f"match {node.mode}"
            sub = self.group(group, f"{nid}g", word)
            entry = self.box(sub, nid, word, "diamond")
            exit = self.box(sub, f"{nid}x", "end_condition" if node.form == "if" else "end_match", "circle")
            for case in node.cases:
                label = "else" if case.condition.kind == "else" else case.condition.text.rpartition(":")[2]
                first = len(self.d.edges)
                lasts = self.chain(case.body, [entry], sub, prefix, depth, ends)
                if len(self.d.edges) > first:
                    src, dst, _, dotted = self.d.edges[first]
                    self.d.edges[first] = (src, dst, label, dotted)
                    for last in lasts:
                        self.d.edges.append((last, exit, "", False))
                else:
                    self.d.edges.append((entry, exit, label, False))
            return entry, exit
        assert isinstance(node, SubFlowCall)
        sub = self.group(group, f"{nid}g", f"sub_flow {node.child}")
        call = self.box(sub, nid, f"call {node.child}", "subroutine")
        back = self.box(sub, f"{nid}r", "return", "circle")
        child = self.child(node) if depth < _MAX_NESTING else None
        if child is None:
            self.d.edges.append((call, back, "", True))
            return call, back
        inner = self.group(sub, f"{nid}c", f"flow {child.name}")
        child_ends = self.flow(child, inner, f"{nid}_", depth + 1)
        start = f"{nid}_start"
        self.d.edges.append((call, start if start in self.d.boxes else back, "", start not in self.d.boxes))
        for end in child_ends:
            self.d.edges.append((end, back, "", False))
        if not child_ends:
            self.d.edges.append((call, back, "closes", True))
        return call, back

    def group(self, parent: Group, id: str, label: str) -> Group:
        sub = Group(id, label)
        parent.groups.append(sub)
        return sub


def layout(ir: FlowIR, child: ChildIR = lambda call: None) -> Diagram:
    """The diagram of *ir*; *child* gives the IR of each sub-flow (None: drawn as one box)."""
    diagram = Diagram()
    diagram.top = Group("top", f"flow {ir.name}")
    _Layout(child, diagram).flow(ir, diagram.top, "", 0)
    return diagram


def _mermaid_label(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


_MERMAID_SHAPES = {
    "box": ("[", "]"),
    "circle": ("((", "))"),
    "hexagon": ("{{", "}}"),
    "diamond": ("{", "}"),
    "stadium": ("([", "])"),
    "subroutine": ("[[", "]]"),
}


def render_mermaid(diagram: Diagram) -> str:
    """Mermaid ``flowchart TD`` text."""
    out = ["flowchart TD"]

    def group(g: Group, depth: int) -> None:
        pad = "  " * depth
        for box in g.boxes:
            label, shape = diagram.boxes[box]
            left, right = _MERMAID_SHAPES[shape]
            out.append(f"{pad}{box}{left}{_mermaid_label(label)}{right}")
        for sub in g.groups:
            out.append(f"{pad}subgraph {sub.id} [{_mermaid_label(sub.label)}]")
            group(sub, depth + 1)
            out.append(f"{pad}end")

    group(diagram.top, 1)
    for src, dst, label, dotted in diagram.edges:
        arrow = "-.->" if dotted else "-->"
        text = f"|{_mermaid_label(label)}|" if label else ""
        out.append(f"  {src} {arrow}{text} {dst}")
    return "\n".join(out) + "\n"


_DOT_SHAPES = {
    "box": "box",
    "circle": "circle",
    "hexagon": "hexagon",
    "diamond": "diamond",
    "stadium": "oval",
    "subroutine": "box3d",
}


def _dot(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_dot(diagram: Diagram) -> str:
    """Graphviz DOT text (groups are ``cluster_`` subgraphs)."""
    out = [f"digraph {_dot(diagram.top.label)} {{", "  rankdir=TB;", "  node [fontname=Helvetica];"]

    def group(g: Group, depth: int) -> None:
        pad = "  " * depth
        for box in g.boxes:
            label, shape = diagram.boxes[box]
            out.append(f"{pad}{box} [label={_dot(label)}, shape={_DOT_SHAPES[shape]}];")
        for sub in g.groups:
            out.append(f"{pad}subgraph cluster_{sub.id} {{")
            out.append(f"{pad}  label={_dot(sub.label)};")
            group(sub, depth + 1)
            out.append(f"{pad}}}")

    group(diagram.top, 1)
    for src, dst, label, dotted in diagram.edges:
        attrs = [f"label={_dot(label)}"] if label else []
        if dotted:
            attrs.append("style=dashed")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        out.append(f"  {src} -> {dst}{suffix};")
    out.append("}")
    return "\n".join(out) + "\n"
