"""`TfcPlugin`: routes mypy's hooks to the modules that handle each builder call.

Hooks are looked up by the fully qualified name of the class that *defines* a method
(``tfc.dsl.process.Process.batch``), not by the re-export users import. The plugin keeps
no state between calls: every hook reads what it needs from its context, so it gives the
same answers in incremental runs, in the daemon and with ``mypy -n N``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final

from mypy.plugin import AnalyzeTypeContext, FunctionContext, MethodContext, Plugin, ReportConfigContext
from mypy.types import Type

from ._batch import on_batch
from ._chunks import on_chunk_call, on_chunk_decorator_call, on_chunk_init, on_flow_init
from ._edges import on_to
from ._paths import analyze_paths, on_to_sub_flow
from ._types import CHUNK, CHUNK_DECORATOR, FLOW, PROCESS
from ._when import on_when

__all__ = ("TfcPlugin",)

_METHOD_HOOKS: Final[Mapping[str, Callable[[MethodContext], Type]]] = MappingProxyType(
    {
        f"{FLOW}.chunk": on_chunk_call,
        f"{CHUNK_DECORATOR}.__call__": on_chunk_decorator_call,
        f"{FLOW}.to": on_to,
        f"{PROCESS}.to": on_to,
        f"{FLOW}.batch": on_batch,
        f"{PROCESS}.batch": on_batch,
        f"{FLOW}.to_sub_flow": on_to_sub_flow,
        f"{PROCESS}.to_sub_flow": on_to_sub_flow,
        f"{FLOW}.when": on_when,
        f"{PROCESS}.when": on_when,
    }
)
_FUNCTION_HOOKS: Final[Mapping[str, Callable[[FunctionContext], Type]]] = MappingProxyType(
    {CHUNK: on_chunk_init, FLOW: on_flow_init}
)
_TYPE_HOOKS: Final[Mapping[str, Callable[[AnalyzeTypeContext], Type]]] = MappingProxyType(
    {"tfc.dsl.paths.Paths": analyze_paths}
)




def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_FINGERPRINT: Final = _fingerprint()
"""Mypy fingerprints only the entry module (``tfc/mypy.py``), which never changes."""


class TfcPlugin(Plugin):
    """The tfc mypy plugin (see the `tfc_mypy` package docstring)."""

    def report_config_data(self, ctx: ReportConfigContext) -> str:
        """The plugin's own fingerprint: mypy's cache is stale when the plugin changed."""
        return _FINGERPRINT

    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        return _METHOD_HOOKS.get(fullname)

    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        return _FUNCTION_HOOKS.get(fullname)

    def get_type_analyze_hook(self, fullname: str) -> Callable[[AnalyzeTypeContext], Type] | None:
        return _TYPE_HOOKS.get(fullname)
