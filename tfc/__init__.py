"""tfc: the typed TriggerFlow compiler.

You write flows with the TriggerFlow DSL (`TriggerFlow`, `@flow.chunk`, `Process` chains);
each builder call records a node of the flow's IR with its source location. Before a flow
first runs, the compiler checks its IR (one registry of diagnostic codes, shared with
`tfc check` and the mypy plugin) and plans it: linear chains become direct awaits, fan-out
opens anyio task groups, events route through tables. The engine runs that plan on anyio
(asyncio or trio), with state, resources, a runtime stream, interrupts and snapshots.

The names below load on first use (PEP 562), so importing a submodule such as
``tfc.mypy`` (the mypy plugin) or ``tfc.diagnostics`` loads neither the engine nor anyio;
``from tfc import TriggerFlow`` loads what it names, as a plain import would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what checkers see: the same names, eagerly re-exported
    from .dsl.chunk import Chunk as Chunk
    from .dsl.data import TriggerFlowRuntimeData as TriggerFlowRuntimeData
    from .dsl.flow import TriggerFlow as TriggerFlow
    from .dsl.paths import Paths as Paths
    from .dsl.process import Process as Process
    from .errors import (
        ChunkError as ChunkError,
        ExecutionError as ExecutionError,
        ExecutionStateError as ExecutionStateError,
        FlowDefinitionError as FlowDefinitionError,
        PathLookupError as PathLookupError,
        ResourceError as ResourceError,
        SnapshotError as SnapshotError,
        SubFlowError as SubFlowError,
        TfcError as TfcError,
        UnknownInterruptError as UnknownInterruptError,
    )
    from .runtime.execution import TriggerFlowExecution as TriggerFlowExecution

__version__ = "0.1.0"

__all__ = (
    "Chunk",
    "ChunkError",
    "ExecutionError",
    "ExecutionStateError",
    "FlowDefinitionError",
    "PathLookupError",
    "Paths",
    "Process",
    "ResourceError",
    "SnapshotError",
    "SubFlowError",
    "TfcError",
    "TriggerFlow",
    "TriggerFlowExecution",
    "TriggerFlowRuntimeData",
    "UnknownInterruptError",
)

# Each public name and the module that defines it (tests/test_public_api.py checks that
# this table and the TYPE_CHECKING imports above name the same objects).
_HOMES = {
    "Chunk": "tfc.dsl.chunk",
    "TriggerFlowRuntimeData": "tfc.dsl.data",
    "TriggerFlow": "tfc.dsl.flow",
    "Paths": "tfc.dsl.paths",
    "Process": "tfc.dsl.process",
    "ChunkError": "tfc.errors",
    "ExecutionError": "tfc.errors",
    "ExecutionStateError": "tfc.errors",
    "FlowDefinitionError": "tfc.errors",
    "PathLookupError": "tfc.errors",
    "ResourceError": "tfc.errors",
    "SnapshotError": "tfc.errors",
    "SubFlowError": "tfc.errors",
    "TfcError": "tfc.errors",
    "UnknownInterruptError": "tfc.errors",
    "TriggerFlowExecution": "tfc.runtime.execution",
}

if not TYPE_CHECKING:  # hidden from checkers, so a misspelt ``tfc.X`` stays an error

    def __getattr__(name: str) -> object:
        """Import a public name's module on first use and keep the name here."""
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(home), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
