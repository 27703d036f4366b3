"""`to_sub_flow`: run a child flow as one step, with capture and write_back.

Paths were parsed at definition time (`tfc.dsl.paths`); here each activation captures from
the parent, runs an isolated child execution (its stream bridged into the parent's), closes
it and writes back. A missing path fails the step with an error naming the path, the scope
it was looked up in and the keys that do exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..dsl.paths import PathSpec, assign, lookup, parse_capture, parse_write_back
from ..errors import ChunkError, ExecutionError, PathLookupError, SubFlowError
from ..ir.nodes import Loc, SubFlowCall
from ..runtime.markers import MISSING, PAUSED, Scope, Trigger
from ..runtime.state import RESULT_KEY, copy_value
from .nodes import PlanNode

if TYPE_CHECKING:
    from ..dsl.flow import TriggerFlow
    from ..runtime.activation import Activation
    from ..runtime.execution import TriggerFlowExecution

__all__ = ("SubFlowPlan", "plan_sub_flow")


Captured = tuple[object, dict[str, object], dict[str, object], dict[str, object]]
"""What `capture` takes for one child run: (input, state seed, resources, flow data)."""


class SubFlowPlan(PlanNode):
    """Run the child flow; see the module docstring."""

    __slots__ = ("capture", "child", "concurrency", "name", "write_back")

    def __init__(
        self,
        id: int,
        loc: Loc,
        name: str,
        child: TriggerFlow[Any],
        capture: list[tuple[PathSpec, PathSpec]] | None,
        write_back: list[tuple[PathSpec, PathSpec]] | None,
        concurrency: int | None,
    ) -> None:
        self.id = id
        self.loc = loc
        self.name = name
        self.child = child
        self.capture = capture
        self.write_back = write_back
        self.concurrency = concurrency

    def describe(self) -> str:
        return f'sub-flow "{self.name}"'

    # -- capture ------------------------------------------------------------------------

    def _source(self, act: Activation, value: object, source: PathSpec) -> tuple[object, bool]:
        """The captured value and whether it is a live resource (never copied)."""
        execution = act.execution
        if source.scope == "value":
            root: object = value
            where = "the current value"
        elif source.scope == "state":
            root = execution.state.get()
            where = "the parent state"
        elif source.scope == "flow_data":
            root = execution.flow_data.get()
            where = "the parent flow data"
        else:  # resources
            resources = execution.resources
            name = source.segments[0]
            if name not in resources:
                self._missing(execution, "capture", source, "the parent resources", "", list(resources))
            found, got, stopped, keys = lookup(resources[name], source.segments[1:])  # type: ignore[index]
            if not found:
                self._missing(execution, "capture", source, f'resource "{name}"', stopped, keys)
            return got, len(source.segments) == 1
        found, got, stopped, keys = lookup(root, source.segments)
        if not found:
            self._missing(execution, "capture", source, where, stopped, keys)
        return got, False

    def _missing(
        self, execution: TriggerFlowExecution, role: str, path: PathSpec, where: str, stopped: str, keys: list[str]
    ) -> None:
        at = f' after "{stopped}"' if stopped else ""
        known = ", ".join(keys[:20]) if keys else "none"
        raise PathLookupError(
            f'{role} path "{path.text}" of {self.describe()} at {self.loc}: not found in {where}{at};'
            f" keys there: {known}",
            flow_name=execution.plan.flow_name,
            chunk=self.name,
            where=str(self.loc),
        )

    def capture_resources(self, act: Activation, value: object) -> dict[str, object]:
        """The child's resources, captured from the parent (live objects, never copied)."""
        resources: dict[str, object] = {}
        for target, source in self.capture or ():
            if target.scope == "resources":
                got, live = self._source(act, value, source)
                resources[str(target.segments[0])] = got if live else copy_value(got)
        return resources

    def rebuild_child(self, act: Activation, value: object, document: dict[str, Any] | None) -> TriggerFlowExecution:
        """The child execution of a loaded frame, restored from its saved document."""
        child = self.child.create_execution(
            auto_close=False, concurrency=self.concurrency, runtime_resources=self.capture_resources(act, value)
        )
        if document is not None:
            child.load(document)
        child.bridge = act.execution.put_into_stream
        return child

    # -- running ------------------------------------------------------------------------

    async def apply(self, act: Activation, value: object, scope: Scope, trigger: Trigger | None) -> object:
        try:
            return await self._run(act, value, scope)
        except ExecutionError:
            if act.execution.skip_exceptions:  # a failing step stops its branch quietly
                return MISSING
            raise

    def gather(self, act: Activation, value: object) -> Captured:
        """Everything `capture` takes from the parent for one child run.

        Live resources (``resources.<name>`` bound whole) keep their identity; every other
        value is copied. Without a capture map the child's input is a copy of *value*.
        """
        if self.capture is None:
            return copy_value(value), {}, {}, {}  # like capture={"input": "value"}: never shared
        child_input: object = None
        seed: dict[str, object] = {}
        resources: dict[str, object] = {}
        flow_data: dict[str, object] = {}
        for target, source in self.capture:
            got, live = self._source(act, value, source)
            if not live:
                got = copy_value(got)
            if target.scope == "input":
                child_input = got
            elif target.scope == "state":
                assign(seed, target.segments, got)
            elif target.scope == "resources":
                resources[str(target.segments[0])] = got
            else:
                assign(flow_data, target.segments, got)
        return child_input, seed, resources, flow_data

    async def _run(self, act: Activation, value: object, scope: Scope) -> object:
        parent = act.execution
        child_input, seed, resources, flow_data = self.gather(act, value)
        child = self.child.create_execution(
            auto_close=False, concurrency=self.concurrency, runtime_resources=resources
        )
        if seed:
            child.state.restore(seed)
        for key, item in flow_data.items():
            child.flow_data.set(key, item)
        child.bridge = parent.put_into_stream
        try:
            await child.async_start(child_input)
        except ChunkError as exc:
            raise self._child_error(parent, exc) from exc
        if child.interrupts.pending():
            return parent.interrupts.project(act, self, scope, value, child)
        return await self.finish(act, value, scope, child)

    async def finish(self, act: Activation, value: object, scope: Scope, child: TriggerFlowExecution) -> object:
        """Close the child and write back; the parent's next value."""
        try:
            snapshot = await child.async_close()
        except Exception as exc:
            if isinstance(exc, ChunkError):
                raise self._child_error(act.execution, exc) from exc
            raise
        return await self.write(act, value, scope, snapshot)

    async def write(self, act: Activation, value: object, scope: Scope, snapshot: dict[str, object]) -> object:
        if self.write_back is None:
            return snapshot[RESULT_KEY] if RESULT_KEY in snapshot else snapshot
        out = value
        for target, source in self.write_back:
            got = self._result(act.execution, snapshot, source)
            if target.scope == "value":
                if target.segments:
                    base = dict(out) if isinstance(out, Mapping) else {}
                    assign(base, target.segments, got)
                    out = base
                else:
                    out = got
            elif target.scope == "state":
                key = ".".join(map(str, target.segments))
                await act.async_write_state("set", key, got, True, scope)
            else:
                key = ".".join(map(str, target.segments))
                await act.async_write_flow_data("set", key, got, True, scope)
        return out

    def _result(self, execution: TriggerFlowExecution, snapshot: dict[str, object], source: PathSpec) -> object:
        if source.scope == "snapshot":
            found, got, stopped, keys = lookup(snapshot, source.segments)
            if not found:
                self._missing(execution, "write_back", source, "the child's close snapshot", stopped, keys)
            return copy_value(got)
        has_result = RESULT_KEY in snapshot
        if not source.segments:
            return copy_value(snapshot[RESULT_KEY] if has_result else snapshot)
        if has_result:
            found, got, _, _ = lookup(snapshot[RESULT_KEY], source.segments)
            if found:
                return copy_value(got)
        found, got, stopped, keys = lookup(snapshot, source.segments)
        if not found:
            where = "the child's compat result or close snapshot" if has_result else "the child's close snapshot"
            self._missing(execution, "write_back", source, where, stopped, keys)
        return copy_value(got)

    def _child_error(self, parent: TriggerFlowExecution, exc: ChunkError) -> SubFlowError:
        # A nested sub-flow's error already names the innermost flow and chunk: keep both,
        # so that `child_chunk` is always a chunk of `child_flow`.
        child_flow: str | None
        child_chunk: str | None
        if isinstance(exc, SubFlowError) and exc.child_chunk is not None:
            child_flow, child_chunk = exc.child_flow, exc.child_chunk
        else:
            child_flow, child_chunk = exc.flow_name, exc.chunk
        return SubFlowError(
            f'{self.describe()} at {self.loc} (flow "{parent.plan.flow_name}") failed: '
            f'chunk "{child_chunk}" of flow "{child_flow}" raised: {exc}',
            flow_name=parent.plan.flow_name,
            chunk=self.name,
            where=str(self.loc),
            child_flow=child_flow,
            child_chunk=child_chunk,
        )


def plan_sub_flow(node: SubFlowCall, planner: object) -> SubFlowPlan:
    """The planner's factory for `to_sub_flow` nodes (the child compiles here, once)."""
    spec: Any = node.flow
    child = spec.child
    child.compile()
    capture = parse_capture(spec.capture)[0] if spec.capture is not None else None
    write_back = parse_write_back(spec.write_back)[0] if spec.write_back is not None else None
    return SubFlowPlan(node.id, node.loc, node.child, child, capture, write_back, node.concurrency)

