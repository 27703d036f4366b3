"""The errors tfc raises: one small tree under `TfcError`.

Each class also subclasses the builtin a caller would catch anyway: wiring mistakes are
`TypeError`s, failures while running are `RuntimeError`s, bad snapshots are `ValueError`s and
unknown names are `KeyError`s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .diagnostics import Code, Diagnostic

__all__ = (
    "ChunkError",
    "ExecutionError",
    "ExecutionStateError",
    "FlowDefinitionError",
    "PathLookupError",
    "ResourceError",
    "SnapshotError",
    "SubFlowError",
    "TfcError",
    "UnknownInterruptError",
)


class TfcError(Exception):
    """Base class for every error tfc raises."""


class FlowDefinitionError(TfcError, TypeError):
    """The flow was wired incorrectly (found while building or compiling, never while running).

    Attributes:
        code: The diagnostic code of the first problem, when there is one.
        where: ``file:line`` of the builder call at fault.
        diagnostics: Every problem found, when the compiler found several.
    """

    def __init__(
        self,
        message: str,
        *,
        code: Code | None = None,
        where: str | None = None,
        help: str | None = None,
        diagnostics: Sequence[Diagnostic] = (),
    ) -> None:
        text = message
        if where and f"--> {where}" not in message:  # a rendered diagnostic shows it already
            text = f"{text}\n  --> {where}"
        if help:
            text = f"{text}\n  help: {help}"
        super().__init__(text)
        self.message = message
        self.code = code
        self.where = where
        self.help = help
        self.diagnostics = tuple(diagnostics)


class ExecutionError(TfcError, RuntimeError):
    """Something went wrong while an execution ran.

    Attributes:
        flow_name: The flow the failing step belongs to.
        chunk: The chunk that failed, if a chunk failed.
        where: ``file:line`` of the step in the flow definition.
    """

    def __init__(
        self,
        message: str,
        *,
        flow_name: str | None = None,
        chunk: str | None = None,
        where: str | None = None,
    ) -> None:
        super().__init__(message)
        self.flow_name = flow_name
        self.chunk = chunk
        self.where = where


class ChunkError(ExecutionError):
    """A chunk raised. The original exception is ``__cause__``."""


class SubFlowError(ChunkError):
    """A chunk inside a sub-flow raised; ``child_flow`` and ``child_chunk`` say where."""

    def __init__(
        self,
        message: str,
        *,
        flow_name: str | None = None,
        chunk: str | None = None,
        where: str | None = None,
        child_flow: str | None = None,
        child_chunk: str | None = None,
    ) -> None:
        super().__init__(message, flow_name=flow_name, chunk=chunk, where=where)
        self.child_flow = child_flow
        self.child_chunk = child_chunk


class PathLookupError(ExecutionError, KeyError):
    """A capture or write_back path was well-formed but missing at run time."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ExecutionStateError(TfcError, RuntimeError):
    """The execution is not in a state that allows the call (closed, waiting, hidden, ...)."""


class UnknownInterruptError(TfcError, KeyError):
    """No waiting interrupt has that id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ResourceError(TfcError, KeyError):
    """A required runtime resource is missing."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class SnapshotError(TfcError, ValueError):
    """A saved execution document cannot be loaded; the message says what and where."""
