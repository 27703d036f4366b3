"""tfc: the typed TriggerFlow compiler.

You write flows with the TriggerFlow DSL (`TriggerFlow`, `@flow.chunk`, `Process` chains);
each builder call records a node of the flow's IR with its source location. Before a flow
first runs, the compiler checks its IR (one registry of diagnostic codes, shared with
`tfc check` and the mypy plugin) and plans it: linear chains become direct awaits, fan-out
opens anyio task groups, events route through tables. The engine runs that plan on anyio
(asyncio or trio), with state, resources, a runtime stream, interrupts and snapshots.
"""

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
