"""``tfc check --type-check``: type-check flows through their generated runner modules.

Each checked module that defines flows is imported (so this mode, unlike plain `tfc check`,
runs the module's import-time code; never a ``__main__.py``, which is a program, nor a
generated runner: the rule `tfc build --all` uses, `imports_to_find_flows`), a typed runner is emitted for each module-level flow
into a temporary folder (`tfc.codegen`), and mypy checks the runners. Every mypy error in a
runner is mapped back, through the runner's line table, to the flow definition line.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import diagnostics as codes
from ..diagnostics import Diagnostic, Location

if TYPE_CHECKING:
    from ..static import CheckResult
    from .config import Config

__all__ = ("TypeCheckUnavailable", "type_check_paths")


class TypeCheckUnavailable(Exception):
    """`--type-check` cannot run here (no codegen, no mypy, or a module does not import)."""


_PATH_CODES = {"typeddict-item", "typeddict-unknown-key", "attr-defined", "index", "literal-required"}


def _code(mypy_code: str | None, line_text: str) -> codes.Code:
    if mypy_code in _PATH_CODES:
        if "capture" in line_text:
            return codes.UNKNOWN_CAPTURE_PATH
        if "write_back" in line_text:
            return codes.UNKNOWN_WRITE_BACK_PATH
    if mypy_code == "assignment" and "write_back" in line_text:
        return codes.WRITE_BACK_TYPE_MISMATCH
    return codes.EDGE_TYPE_MISMATCH


def type_check_paths(result: CheckResult, config: Config) -> Iterator[Diagnostic]:
    """The mypy findings on the runners of every flow in *result* (see the module docstring).

    Raises:
        TypeCheckUnavailable: tfc.codegen or mypy is missing, or a module fails to import.
    """
    try:
        from ..codegen import build_runner, find_flows
    except ImportError as exc:
        raise TypeCheckUnavailable(f"runner modules are not available (tfc.codegen: {exc})") from exc
    try:
        from mypy import api
    except ImportError as exc:
        raise TypeCheckUnavailable("mypy is not installed (pip install 'tfc[mypy]')") from exc
    import importlib

    for base in (config.root / "src", config.root):
        if base.is_dir() and str(base) not in sys.path:
            sys.path.insert(0, str(base))
    from .build import imports_to_find_flows

    # imported by name, so no module runs its `if __name__ == "__main__":` block (only a
    # __main__.py can be named __main__, and those are skipped)
    modules = sorted({f.module for f in result.flows if f.variables and imports_to_find_flows(Path(f.ir.loc.file))})
    with tempfile.TemporaryDirectory(prefix="tfc-type-check-") as tmp:
        runners: dict[str, tuple[Any, str]] = {}
        for module_name in modules:
            try:
                module = importlib.import_module(module_name)
            except Exception as exc:
                raise TypeCheckUnavailable(f"cannot import {module_name}: {type(exc).__name__}: {exc}") from exc
            for attr, flow in find_flows(module):
                runner = build_runner(flow, module_name, attr, checked=False)
                path = Path(tmp) / f"tfc_runner_{module_name.replace('.', '_')}_{attr}.py"
                path.write_text(runner.source, encoding="utf-8")
                runners[str(path)] = (runner, flow.loc.file)
        if not runners:
            return
        import os

        import tfc

        library = str(Path(tfc.__file__).resolve().parent.parent)  # editable installs hide it from mypy
        saved = os.environ.get("MYPYPATH")
        os.environ["MYPYPATH"] = os.pathsep.join(p for p in (library, str(config.root), saved) if p)
        try:
            stdout, _, _ = api.run(
                [
                    *runners,
                    "--strict",
                    "--follow-imports=silent",
                    "--no-error-summary",
                    "-O",
                    "json",
                    "--cache-dir",
                    str(Path(tmp) / ".mypy_cache"),
                ]
            )
        finally:
            if saved is None:
                os.environ.pop("MYPYPATH", None)
            else:
                os.environ["MYPYPATH"] = saved
        for line in stdout.splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            found = runners.get(str(Path(item.get("file", "")).resolve())) or runners.get(item.get("file", ""))
            if found is None or item.get("severity") != "error":
                continue
            runner, flow_file = found
            runner_line = int(item.get("line", 1))
            text = runner.source.splitlines()[runner_line - 1] if runner_line <= len(runner.source.splitlines()) else ""
            flow_line = runner.lines.get(runner_line)
            if flow_line is None:  # the runner's own plumbing, not a line of the flow
                continue
            message = f"mypy on the generated runner: {item.get('message', '')}"
            if item.get("code"):
                message += f"  [{item['code']}]"
            yield Diagnostic(
                _code(item.get("code"), text),
                message,
                Location(_display(flow_file), max(flow_line, 1), 0),
                help=item.get("hint") or None,
            )


def _display(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path
