"""What names stand for while the resolve pass interprets a module: the static values.

Literals are plain Python values (str, int, float, bool, None, bytes, and dicts, lists and
tuples of values), so capture and write_back mappings can go straight to `tfc.dsl.paths`.
Everything else is one of the classes below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ..ir.nodes import ChunkRef, Loc
from .syntax import ClassDef, FunctionDef

if TYPE_CHECKING:
    from ..dsl.graph import Anchor, Block, GraphRecorder

__all__ = (
    "BoundMethod",
    "ChunkDecorator",
    "ChunkVal",
    "ClassVal",
    "External",
    "FlowVal",
    "FuncVal",
    "LambdaVal",
    "ModuleVal",
    "ProcessVal",
    "Unknown",
)


@dataclass(eq=False)
class Unknown:
    """A value the resolve pass cannot know: why, and where it came from."""

    reason: Literal["unresolved", "computed", "dynamic", "error"]
    text: str
    loc: Loc | None = None


@dataclass(eq=False)
class External:
    """A name imported from outside the checked project, by its dotted name."""

    qualname: str

    @property
    def short(self) -> str:
        return self.qualname.rpartition(".")[2]


@dataclass(eq=False)
class ModuleVal:
    """A module of the checked project."""

    name: str


@dataclass(eq=False)
class FuncVal:
    """A function defined in the checked project (``env``: the enclosing function's scope, if any)."""

    module: str
    node: FunctionDef
    env: object = None

    @property
    def handler(self) -> str:
        return f"{self.module}:{self.node.qualname}"


@dataclass(eq=False)
class LambdaVal:
    """One evaluation of a lambda expression."""

    loc: Loc


@dataclass(eq=False)
class ClassVal:
    """A class defined in the checked project."""

    module: str
    node: ClassDef


@dataclass(eq=False)
class ChunkVal:
    """What ``@flow.chunk`` returned: a name bound to a handler."""

    name: str
    fn: object
    ref: ChunkRef


@dataclass(eq=False)
class FlowVal:
    """A `TriggerFlow` under construction: its recorder and its chunks by name."""

    name: str
    loc: Loc
    module: str
    recorder: GraphRecorder
    schema_names: tuple[tuple[str, str], ...]
    schemas: dict[str, object]
    chunks: dict[str, ChunkVal] = field(default_factory=dict)
    lambdas: int = 0
    hidden_starts: list[Loc] = field(default_factory=list)
    """Where the flow is run through a hidden execution (``flow.start(...)``...)."""
    sandbox: int = 0
    """The interpretation sandbox that created the flow (0: module code)."""
    failed: bool = False
    """A definition error was reported: the runtime would have raised before compiling it."""


@dataclass(eq=False)
class ProcessVal:
    """A `Process` handle: a flow, where the next call attaches, and the open blocks."""

    flow: FlowVal
    anchor: Anchor
    blocks: tuple[Block, ...] = ()


@dataclass(eq=False)
class BoundMethod:
    """``flow.to`` / ``process.batch`` ... before it is called."""

    owner: FlowVal | ProcessVal
    name: str
    loc: Loc


@dataclass(eq=False)
class ChunkDecorator:
    """What ``flow.chunk("name")`` returns."""

    flow: FlowVal
    name: str
    loc: Loc
