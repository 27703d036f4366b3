"""The flow graph IR: frozen dataclasses, one per construct.

Both frontends produce it: the builder methods of `TriggerFlow` and `Process` (the runtime
frontend) and the libcst reader behind `tfc check` (the static frontend). Checks read it, the
planner turns it into an executable plan, and `text.py` gives it a stable text form.

A flow is a set of `Root`s (the START chain and one per `when(...)`). Every node lists the
nodes attached after it in `next`, in registration order, so a chain is a tree: two `.to()`
calls on the same handle are two successors of the same node. Blocks (`ForEach`, `Branch`)
keep their body as a tree of their own and name the body's exit, the node whose output is
the block's per-item result; `exit=None` means the body is empty and its input is its output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

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
    "SignalKind",
    "Step",
    "SubFlowCall",
)


@dataclass(frozen=True, slots=True)
class Loc:
    """Where a builder call or a definition stands: 1-based line, 0-based column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column + 1}"

    @property
    def short(self) -> str:
        """``line:column`` (1-based column), as the text form prints it."""
        return f"{self.line}:{self.column + 1}"


UNKNOWN_LOC = Loc("<unknown>", 0, 0)


@dataclass(frozen=True, slots=True)
class ChunkRef:
    """A chunk as the IR sees it: its name, what it was defined from, and where."""

    name: str
    handler: str
    """``module:qualname`` of the handler, ``<lambda>`` for lambdas."""
    loc: Loc | None = None
    is_async: bool = True
    fn: object = field(default=None, compare=False, repr=False)
    """The callable itself (runtime frontend only)."""


@dataclass(frozen=True, slots=True)
class Condition:
    """A case condition: a callable given the runtime data, or a literal compared with ``==``."""

    kind: Literal["callable", "literal", "else"]
    text: str
    """The callable's ``module:qualname``, the literal's ``repr``, or ``else``."""
    fn: object = field(default=None, compare=False, repr=False)
    value: object = field(default=None, compare=False, repr=False)


SignalKind: TypeAlias = Literal["start", "event", "chunk", "runtime_data", "flow_data", "collect"]


@dataclass(frozen=True, slots=True)
class Signal:
    """One signal a root listens to."""

    kind: SignalKind
    name: str


@dataclass(frozen=True, slots=True)
class Binding:
    """One capture or write_back entry: ``target <- source``, both as written."""

    target: str
    source: str
    loc: Loc | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """A chunk at one position of a chain."""

    id: int
    loc: Loc
    chunk: ChunkRef
    next: tuple[Node, ...] = ()
    side: bool = False
    """Attached with `side_branch`: the chain continued from the node before it."""


@dataclass(frozen=True, slots=True)
class Batch:
    """Run every branch on the same input; continue with ``{chunk_name: result}``."""

    id: int
    loc: Loc
    branches: tuple[Step, ...]
    concurrency: int | None = None
    next: tuple[Node, ...] = ()
    side: bool = False


@dataclass(frozen=True, slots=True)
class ForEach:
    """Run the body once per item; continue with the list of per-item results."""

    id: int
    loc: Loc
    body: tuple[Node, ...]
    exit: int | None
    concurrency: int | None = None
    end_loc: Loc | None = None
    """Where `end_for_each()` was called; ``None`` if the block was never closed."""
    next: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class Case:
    """One case of a `Branch`: its condition and its body."""

    loc: Loc
    condition: Condition
    body: tuple[Node, ...]
    exit: int | None


@dataclass(frozen=True, slots=True)
class Branch:
    """`match` / `if_condition`: route the value to the first (or every) hitting case."""

    id: int
    loc: Loc
    mode: Literal["hit_first", "hit_all"]
    cases: tuple[Case, ...]
    form: Literal["match", "if"] = "match"
    end_loc: Loc | None = None
    next: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class SubFlowCall:
    """Run another flow as one step, with capture and write_back mappings."""

    id: int
    loc: Loc
    child: str
    """The child flow's name."""
    capture: tuple[Binding, ...] | None = None
    write_back: tuple[Binding, ...] | None = None
    concurrency: int | None = None
    next: tuple[Node, ...] = ()
    side: bool = False
    flow: object = field(default=None, compare=False, repr=False)
    """The child `TriggerFlow` (runtime frontend only)."""


@dataclass(frozen=True, slots=True)
class End:
    """`.end()`: the first value to arrive becomes the compat result."""

    id: int
    loc: Loc
    next: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class Collect:
    """`.collect(name, branch_id)`: contribute the value to a named collection."""

    id: int
    loc: Loc
    name: str
    branch_id: str
    mode: Literal["filled_and_update", "filled_then_empty"] = "filled_and_update"
    next: tuple[Node, ...] = ()


Node: TypeAlias = Step | Batch | ForEach | Branch | SubFlowCall | End | Collect


@dataclass(frozen=True, slots=True)
class Root:
    """A chain's root: START, or the signals of one `when(...)` call."""

    id: int
    loc: Loc
    signals: tuple[Signal, ...]
    mode: Literal["and", "or", "simple_or"] = "and"
    next: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class Schemas:
    """The types a flow declares (runtime objects; the static frontend keeps their names)."""

    state: object = None
    input: object = None
    result: object = None
    stream: object = None
    resources: object = None


@dataclass(frozen=True, slots=True)
class FlowIR:
    """One flow: its roots (START first), its chunks and its declared schemas."""

    name: str
    loc: Loc
    roots: tuple[Root, ...]
    chunks: tuple[ChunkRef, ...]
    schemas: Schemas = field(default_factory=Schemas, compare=False)
    schema_names: tuple[tuple[str, str], ...] = ()
    """``(role, type name)`` for each declared schema, e.g. ``("state", "ReportState")``."""
