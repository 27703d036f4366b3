"""The plan's stable text form, which the plan golden tests (tests/plan) compare.

No command prints it: `tfc plan` prints the flow's IR (`tfc.ir.text.render_ir`), not this.

It shows what the planner decided, not how the flow was written: the routing tables
(which roots START, each event, state key, flow-data key and collection fires), then each
root's chains: the nodes one chain awaits directly in a row, then its forks (successor
chains run concurrently, and ``listen`` forks firing `when(chunk)` roots). Block bodies are
chains of their own; ``exit`` marks the node whose value is the block's per-item result.
Locations print as ``@line:col`` (1-based), so the text does not depend on the checkout.
"""

from __future__ import annotations

from ..ir.nodes import Loc
from .nodes import (
    BatchPlan,
    BranchPlan,
    Chain,
    CollectPlan,
    EndPlan,
    ForEachPlan,
    Fork,
    ListenerFork,
    PlanNode,
    RootPlan,
    StepPlan,
)
from .planner import Plan

__all__ = ("render_plan",)


def render_plan(plan: Plan, *, locations: bool = True) -> str:
    """Render *plan* in the stable text form (see the module docstring)."""
    out = _Writer(locations)
    out.line(0, f"plan {plan.flow_name}", None)
    roots: dict[int, RootPlan] = {}
    out.line(1, "routes", None)
    tables = (
        ("start", {"START": plan.start}),
        ("event", plan.events),
        ("state", plan.state_keys),
        ("flow_data", plan.flow_data_keys),
        ("collect", plan.collect_roots),
    )
    for kind, table in tables:
        for name in sorted(table):
            targets = []
            for root, _signal in table[name]:
                roots[root.id] = root
                targets.append(_root_name(root))
            label = "start" if kind == "start" else f"{kind} {name!r}"
            out.line(2, f"{label} -> {', '.join(targets)}", None)
    for name in sorted(plan.collections):
        coll = plan.collections[name]
        out.line(1, f"collection {name!r} branches=[{', '.join(coll.branch_ids)}] mode={coll.mode}", None)
    for root in sorted(roots.values(), key=lambda r: (r.id < 0, abs(r.id))):
        signals = ", ".join(f"{s.kind}:{s.name!r}" for s in root.signals)
        mode = f" mode={root.mode}" if len(root.signals) > 1 else ""
        out.line(1, f"{_root_name(root)} on {signals}{mode}", root.loc if root.id > 0 else None)
        _chain(out, 2, root.chain)
    return "\n".join(out.lines) + "\n"


def _root_name(root: RootPlan) -> str:
    return f"root#{root.id}" if root.id > 0 else f"collected#{-root.id}"


class _Writer:
    def __init__(self, locations: bool) -> None:
        self.lines: list[str] = []
        self.locations = locations

    def line(self, depth: int, text: str, loc: Loc | None) -> None:
        at = f"  @{loc.short}" if self.locations and loc is not None and loc.line > 0 else ""
        self.lines.append(f"{'  ' * depth}{text}{at}")


def _chain(out: _Writer, depth: int, chain: Chain) -> None:
    flags = []
    if chain.exit_at_input:
        flags.append("exit=input")
    head = "chain" + (f" [{', '.join(flags)}]" if flags else "")
    out.line(depth, head, None)
    for i, node in enumerate(chain.nodes):
        _node(out, depth + 1, node, exit_here=i == chain.exit_pos)
    if chain.forks:
        out.line(depth + 1, "forks" + (f" [exit in fork {chain.fork_exit + 1}]" if chain.fork_exit >= 0 else ""), None)
        for fork in chain.forks:
            _fork(out, depth + 2, fork)


def _fork(out: _Writer, depth: int, fork: Fork) -> None:
    if isinstance(fork, Chain):
        _chain(out, depth, fork)
    elif isinstance(fork, ListenerFork):
        out.line(depth, f"listen {_root_name(fork.root)} ({fork.signal.kind}:{fork.signal.name!r})", None)
    else:  # pragma: no cover - no other forks exist
        out.line(depth, type(fork).__name__, None)


def _node(out: _Writer, depth: int, node: PlanNode, *, exit_here: bool) -> None:
    mark = "  <exit>" if exit_here else ""
    if isinstance(node, StepPlan):
        kind = "await" if node.is_async else "call"
        out.line(depth, f"#{node.id} {kind} {node.chunk}{mark}", node.loc)
    elif isinstance(node, BatchPlan):
        limit = f" concurrency={node.concurrency}" if node.concurrency is not None else ""
        out.line(depth, f"#{node.id} batch [{', '.join(node.names)}]{limit}{mark}", node.loc)
        for branch in node.branches:
            _chain(out, depth + 1, branch)
    elif isinstance(node, ForEachPlan):
        limit = f" concurrency={node.concurrency}" if node.concurrency is not None else ""
        out.line(depth, f"#{node.id} for_each{limit}{mark}", node.loc)
        _chain(out, depth + 1, node.body)
    elif isinstance(node, BranchPlan):
        mode = "hit_all" if node.hit_all else "hit_first"
        out.line(depth, f"#{node.id} branch {mode}{mark}", node.loc)
        for case in node.cases:
            out.line(depth + 1, "else" if case.is_else else f"case {case.text}", case.loc)
            _chain(out, depth + 2, case.body)
    elif isinstance(node, EndPlan):
        out.line(depth, f"#{node.id} end{mark}", node.loc)
    elif isinstance(node, CollectPlan):
        out.line(depth, f"#{node.id} collect {node.name!r} branch={node.branch_id!r}{mark}", node.loc)
    else:
        out.line(depth, f"#{node.id} {_describe(node)}{mark}", node.loc)


def _describe(node: PlanNode) -> str:
    """Other nodes (a sub-flow call): their description and bindings, if they have any."""
    text = node.describe()
    for label in ("capture", "write_back"):
        pairs = getattr(node, label, None)
        if pairs:
            inner = ", ".join(f"{t}<-{s}" for t, s in pairs)
            text += f" {label}={{{inner}}}"
    limit = getattr(node, "concurrency", None)
    if limit is not None:
        text += f" concurrency={limit}"
    return text
