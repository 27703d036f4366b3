"""Runner modules: a flow's plan written out as typed Python (`tfc build`).

`emit` turns a flow into runner source (`flowcode` writes one flow's functions: the flow's
own and those of each child flow it runs inline), `build` finds flows, writes runners and
loads them in memory, and `support` (with `child`, for sub-flow calls) holds the small
runtime API generated code calls.
"""

from .build import build_runner as build_runner, find_flows as find_flows, load_runner as load_runner
from .emit import Runner as Runner, Source as Source, emit_runner as emit_runner

__all__ = ("Runner", "Source", "build_runner", "emit_runner", "find_flows", "load_runner")
