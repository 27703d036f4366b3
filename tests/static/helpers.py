"""Build a file's flows with both frontends, for comparing their IR."""

from __future__ import annotations

import asyncio
import importlib
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import anyio

from tfc import TriggerFlow
from tfc.ir import FlowIR, render_ir
from tfc.static import extract_flows
from tfc.static.project import find_root, module_name

ROOT = find_root(Path(__file__))
_RANDOM_NAME = re.compile(r"\bflow_[0-9a-f]{8}\b")


def _close(coro: object, *args: object, **kwargs: object) -> None:
    close = getattr(coro, "close", None)
    if callable(close):
        close()


@contextmanager
def _no_event_loops() -> Iterator[None]:
    """Modules that run their flow at import (``asyncio.run(main())``) only build it."""
    with mock.patch.object(asyncio, "run", _close), mock.patch.object(anyio, "run", _close):
        yield


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.py"))


def runtime_irs(folder: Path) -> list[FlowIR]:
    """The IR of every flow the modules of *folder* leave in their globals, by line."""
    flows: dict[int, TriggerFlow] = {}
    modules = [module_name(path, ROOT)[0] for path in _files(folder)]
    for module in modules:  # fresh copies, each imported once (one may import another)
        sys.modules.pop(module, None)
    for module in modules:
        with _no_event_loops():
            loaded = importlib.import_module(module)
        flows.update({id(v): v for v in vars(loaded).values() if isinstance(v, TriggerFlow)})
    return sorted((f.ir() for f in flows.values()), key=lambda ir: (ir.loc.file, ir.loc.line))


def static_irs(folder: Path, names: set[str] | None = None) -> list[FlowIR]:
    """The IR of the flows the modules of *folder* define, read statically, by line."""
    irs = [f.ir for f in extract_flows([str(p) for p in _files(folder)], root=ROOT)]
    if names is not None:
        irs = [ir for ir in irs if ir.name in names or _RANDOM_NAME.fullmatch(ir.name)]
    return sorted(irs, key=lambda ir: (str(Path(ir.loc.file).resolve()), ir.loc.line))


def text(ir: FlowIR) -> str:
    """`render_ir` with random flow names normalised."""
    return _RANDOM_NAME.sub("flow_<random>", render_ir(ir))
