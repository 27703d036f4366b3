"""The flow graph IR shared by both frontends, the checks, the planner and codegen."""

from .nodes import (
    Batch as Batch,
    Binding as Binding,
    Branch as Branch,
    Case as Case,
    ChunkRef as ChunkRef,
    Collect as Collect,
    Condition as Condition,
    End as End,
    FlowIR as FlowIR,
    ForEach as ForEach,
    Loc as Loc,
    Node as Node,
    Root as Root,
    Schemas as Schemas,
    Signal as Signal,
    Step as Step,
    SubFlowCall as SubFlowCall,
)
from .text import fingerprint as fingerprint, render_ir as render_ir

__all__ = (
    "Batch",
    "Binding",
    "Branch",
    "Case",
    "ChunkRef",
    "Collect",
    "Condition",
    "End",
    "FlowIR",
    "ForEach",
    "Loc",
    "Node",
    "Root",
    "Schemas",
    "Signal",
    "Step",
    "SubFlowCall",
    "fingerprint",
    "render_ir",
)
