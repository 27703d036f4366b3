"""Turn a flow's IR into its executable `Plan`, once per flow definition.

Linear runs of nodes become one `Chain` (a loop of direct awaits); a node with several
successors, or a step whose chunk some `when(chunk)` listens to, ends its chain with
forks. Event names, state keys, flow-data keys and collections become routing tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..ir.nodes import Batch, Branch, Collect, End, FlowIR, ForEach, Node, Signal, Step, SubFlowCall
from ..ir.text import fingerprint
from ..ir.walk import walk
from ..runtime.markers import Trigger
from .nodes import (
    BatchPlan,
    BranchPlan,
    CasePlan,
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

__all__ = ("CollectionPlan", "Plan", "plan_flow")

Entries = tuple[tuple[RootPlan, Signal], ...]


@dataclass
class CollectionPlan:
    """A named collection: its branch ids in registration order and how it resets."""

    name: str
    branch_ids: tuple[str, ...]
    mode: str


@dataclass
class Plan:
    """Everything the engine needs to run a flow, built once."""

    flow_name: str
    ir: FlowIR
    fingerprint: str
    start: Entries = ()
    events: dict[str, Entries] = field(default_factory=dict)
    state_keys: dict[str, Entries] = field(default_factory=dict)
    flow_data_keys: dict[str, Entries] = field(default_factory=dict)
    collect_roots: dict[str, Entries] = field(default_factory=dict)
    collections: dict[str, CollectionPlan] = field(default_factory=dict)
    nodes: dict[int, PlanNode] = field(default_factory=dict)
    """Every plan node by IR id (resume looks steps up here)."""
    continuations: dict[int, Chain] = field(default_factory=dict)
    """IR id -> the chain that follows that node (its forks), for resuming after it."""
    ir_nodes: dict[int, Node] = field(default_factory=dict)
    """Every IR node by id."""
    enclosing: dict[int, tuple[int, int | None]] = field(default_factory=dict)
    """IR id -> (enclosing block id, id of that body's exit) for nodes inside a block."""
    builder: _Planner | None = field(default=None, repr=False)

    def continuation(self, node_id: int) -> Chain:
        """The chain that runs after node *node_id* (built on first use, for resumes)."""
        chain = self.continuations.get(node_id)
        if chain is None:
            assert self.builder is not None
            chain = self.continuations[node_id] = self.builder.after(self.ir_nodes[node_id])
        return chain


SubFlowFactory = Callable[[SubFlowCall, "_Planner"], PlanNode]


def plan_flow(ir: FlowIR, subflow: SubFlowFactory | None = None) -> Plan:
    """Build the plan of *ir*. ``subflow`` makes the node for a `to_sub_flow` call."""
    return _Planner(ir, subflow).build()


def _contains(node: Node, target: int | None) -> bool:
    """Whether *target* is *node* or follows it (block bodies excluded), without recursion."""
    if target is None:
        return False
    stack = [node]
    while stack:
        n = stack.pop()
        if n.id == target:
            return True
        stack.extend(n.next)
    return False


class _Planner:
    def __init__(self, ir: FlowIR, subflow: SubFlowFactory | None) -> None:
        self.ir = ir
        self.subflow = subflow
        self.plan = Plan(ir.name, ir, fingerprint(ir))
        self.plan.builder = self
        self.roots: dict[int, RootPlan] = {}
        self.chunk_listeners: dict[str, list[tuple[RootPlan, Signal]]] = {}
        self.block_stack: list[int] = []

    def build(self) -> Plan:
        ir = self.ir
        chunk_names = {c.name for c in ir.chunks}
        # Roots first (without chains) so chains can reference listening roots.
        for root in ir.roots:
            self.roots[root.id] = RootPlan(root.id, root.loc, root.signals, root.mode, Chain((), ()))
        for root in ir.roots:
            rp = self.roots[root.id]
            for signal in root.signals:
                entry = (rp, signal)
                if signal.kind == "start":
                    self.plan.start += (entry,)
                elif signal.kind in ("event", "chunk"):
                    self.plan.events[signal.name] = self.plan.events.get(signal.name, ()) + (entry,)
                    if signal.kind == "chunk" or signal.name in chunk_names:
                        self.chunk_listeners.setdefault(signal.name, []).append(entry)
                elif signal.kind == "runtime_data":
                    self.plan.state_keys[signal.name] = self.plan.state_keys.get(signal.name, ()) + (entry,)
                elif signal.kind == "flow_data":
                    self.plan.flow_data_keys[signal.name] = self.plan.flow_data_keys.get(signal.name, ()) + (entry,)
                elif signal.kind == "collect":
                    self.plan.collect_roots[signal.name] = self.plan.collect_roots.get(signal.name, ()) + (entry,)
        for root in ir.roots:
            self.roots[root.id].chain = self.chain(root.next, None, exit_at_input=False, pred=None)
        self._collections(ir)
        # START is an event like any other: `when("START")` roots run at start, and an
        # emitted "START" re-runs the START chains.
        self.plan.start += self.plan.events.get("START", ())
        self.plan.events["START"] = self.plan.start
        return self.plan

    def _collections(self, ir: FlowIR) -> None:
        found: dict[str, list[Collect]] = {}
        for n in walk(ir):
            if isinstance(n, Collect):
                found.setdefault(n.name, []).append(n)
        for name, nodes in found.items():
            self.plan.collections[name] = CollectionPlan(
                name, tuple(dict.fromkeys(n.branch_id for n in nodes)), nodes[0].mode
            )
            # What follows any `.collect(name)` is the collection's continuation.
            followers = [n.next for n in nodes if n.next]
            if followers:
                synthetic = RootPlan(-nodes[0].id, nodes[0].loc, (Signal("collect", name),), "and", Chain((), ()))
                synthetic.chain = self.chain(tuple(x for f in followers for x in f), None, exit_at_input=False, pred=None)
                entry = (synthetic, Signal("collect", name))
                self.plan.collect_roots[name] = (entry, *self.plan.collect_roots.get(name, ()))

    # -- chains -------------------------------------------------------------------------

    def chain(self, nodes: tuple[Node, ...], exit_id: int | None, *, exit_at_input: bool, pred: Node | None) -> Chain:
        """The chain that starts with the successors *nodes* of *pred*."""
        plans: list[PlanNode] = []
        exit_pos = -1
        last: Node | None = None
        while len(nodes) == 1:
            node = nodes[0]
            plans.append(self.node(node, pred))
            if self.block_stack:
                self.plan.enclosing[node.id] = (self.block_stack[-1], exit_id)
            if node.id == exit_id:
                exit_pos = len(plans) - 1
            last = pred = node
            if isinstance(node, Collect):
                nodes = ()
                break
            nodes = node.next
            if isinstance(node, Step) and self.chunk_listeners.get(node.chunk.name):
                break
        forks: list[Fork] = []
        fork_exit = -1
        for i, n in enumerate(nodes):
            if _contains(n, exit_id):
                fork_exit = i
            forks.append(self.chain((n,), exit_id, exit_at_input=False, pred=pred))
        if isinstance(last, Step):
            for root, signal in self.chunk_listeners.get(last.chunk.name, ()):
                forks.append(ListenerFork(root, signal, last.chunk.name))
        return Chain(tuple(plans), tuple(forks), exit_pos=exit_pos, fork_exit=fork_exit, exit_at_input=exit_at_input)

    def after(self, node: Node) -> Chain:
        """The forks that follow *node*: its successors and, for a step, its listeners."""
        block_id, exit_id = self.plan.enclosing.get(node.id, (None, None))
        self.block_stack = [block_id] if block_id is not None else []
        forks: list[Fork] = []
        fork_exit = -1
        if not isinstance(node, Collect):
            for i, n in enumerate(node.next):
                if _contains(n, exit_id):
                    fork_exit = i
                forks.append(self.chain((n,), exit_id, exit_at_input=False, pred=node))
        if isinstance(node, Step):
            for root, signal in self.chunk_listeners.get(node.chunk.name, ()):
                forks.append(ListenerFork(root, signal, node.chunk.name))
        self.block_stack = []
        return Chain((), tuple(forks), fork_exit=fork_exit)

    def node(self, node: Node, pred: Node | None) -> PlanNode:
        plan: PlanNode
        if isinstance(node, Step):
            plan = self.step(node, pred)
        elif isinstance(node, Batch):
            branches = []
            for b in node.branches:
                step = self.step(b, pred)
                forks: tuple[Fork, ...] = tuple(
                    ListenerFork(root, signal, b.chunk.name) for root, signal in self.chunk_listeners.get(b.chunk.name, ())
                )
                branches.append(Chain((step,), forks, exit_pos=0))
                self.plan.enclosing[b.id] = (node.id, b.id)
                self.plan.ir_nodes[b.id] = b
                self.plan.nodes[b.id] = step
            plan = BatchPlan(node.id, node.loc, tuple(branches), tuple(b.chunk.name for b in node.branches), node.concurrency)
        elif isinstance(node, ForEach):
            self.block_stack.append(node.id)
            body = self.chain(node.body, node.exit, exit_at_input=node.exit is None, pred=None)
            self.block_stack.pop()
            plan = ForEachPlan(node.id, node.loc, body, node.concurrency)
        elif isinstance(node, Branch):
            self.block_stack.append(node.id)
            cases = []
            for case in node.cases:
                body = self.chain(case.body, case.exit, exit_at_input=case.exit is None, pred=None)
                cond = case.condition
                cases.append(CasePlan(case.loc, cond.kind, cond.text, cond.fn, cond.value, body))
            self.block_stack.pop()
            label = f"{node.form} at {node.loc}"
            plan = BranchPlan(node.id, node.loc, tuple(cases), node.mode == "hit_all", label)
        elif isinstance(node, SubFlowCall):
            if self.subflow is None:
                raise AssertionError("a sub-flow node needs a sub-flow factory")
            plan = self.subflow(node, self)
        elif isinstance(node, End):
            plan = EndPlan(node.id, node.loc)
        elif isinstance(node, Collect):
            plan = CollectPlan(node.id, node.loc, node.name, node.branch_id)
        else:  # pragma: no cover - exhaustive
            raise AssertionError(node)
        self.plan.nodes[node.id] = plan
        self.plan.ir_nodes[node.id] = node
        return plan

    def step(self, node: Step, pred: Node | None) -> StepPlan:
        fn: Any = node.chunk.fn
        if pred is None:
            trigger = Trigger("START", "event", "start")
        elif isinstance(pred, Step):
            trigger = Trigger(f"Chunk[{pred.chunk.name}]", "event", "chunk")
        else:
            trigger = Trigger(f"{type(pred).__name__}#{pred.id}", "event", "chunk")
        return StepPlan(node.id, node.loc, node.chunk.name, fn, node.chunk.is_async, trigger)

