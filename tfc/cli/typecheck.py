"""``tfc check --type-check``: type-check flows through their generated runner modules.

Each checked module that defines flows is imported (so this mode, unlike plain `tfc check`,
runs the module's import-time code; never a ``__main__.py``, which is a program, nor a
generated runner: the rule `tfc build --all` uses, `imports_to_find_flows`), a typed
runner is emitted for each module-level flow into a temporary folder (`tfc.codegen`), and
mypy checks the runners. Every mypy error in a
runner is mapped back, through the runner's line table, to the flow definition line.

A module that raises while being imported is not type-checked: it becomes one TFC906
``import-failed`` (could not analyse, warning) diagnostic on its file, at the line the
exception names when it names one, and the other modules are type-checked as usual.
"""

from __future__ import annotations

import json
import sys
import tempfile
import traceback
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
    """`--type-check` cannot run here (no codegen or no mypy)."""


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
        TypeCheckUnavailable: tfc.codegen or mypy is missing. (A module that fails to import
            is a diagnostic, not this.)
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
    files = {f.module: f.ir.loc.file for f in result.flows if f.variables and imports_to_find_flows(Path(f.ir.loc.file))}
    modules = sorted(files)
    with tempfile.TemporaryDirectory(prefix="tfc-type-check-") as tmp:
        runners: dict[str, tuple[Any, str]] = {}
        for module_name in modules:
            try:
                module = importlib.import_module(module_name)
            except (Exception, SystemExit) as exc:  # a module that exits on import cannot be imported either
                yield _import_failed(module_name, files[module_name], exc, config)
                continue
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


def _import_failed(module_name: str, file: str, exc: BaseException, config: Config) -> Diagnostic:
    """TFC906 on *file*: *module_name* raised *exc* on import, so its flows were not type-checked."""
    first = str(exc).strip().splitlines()
    detail = f"{type(exc).__name__}: {first[0]}" if first else type(exc).__name__
    path = Path(file).resolve()
    try:
        pattern = path.relative_to(config.root.resolve()).as_posix()
    except ValueError:
        pattern = _display(file)
    return Diagnostic(
        codes.IMPORT_FAILED,
        f"--type-check cannot import {module_name} ({detail}), so its flows were not type-checked",
        Location(_display(file), *_error_at(path, exc)),
        help=(
            "--type-check imports each module that defines flows (running its import-time code) to "
            f'type-check them; fix the error, or leave this file out with --exclude {pattern} or '
            f'exclude = ["{pattern}"] under [tool.tfc]'
        ),
    )


def _error_at(path: Path, exc: BaseException) -> tuple[int, int]:
    """The line and 0-based column of *path* that *exc* points at: its ``where`` (as
    `FlowDefinitionError` has), a SyntaxError's line, or the deepest traceback frame in *path*;
    (1, 0) when none is in *path*."""
    candidates: list[tuple[str, int, int]] = []
    where = getattr(exc, "where", None)
    if isinstance(where, str):
        parts = where.rsplit(":", 2)
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():  # file:line:column (1-based)
            candidates.append((parts[0], int(parts[1]), int(parts[2]) - 1))
        elif len(parts) >= 2 and parts[-1].isdigit():  # file:line
            candidates.append((where.rpartition(":")[0], int(parts[-1]), 0))
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        candidates.append((exc.filename, exc.lineno, 0))
    frames = reversed(traceback.extract_tb(exc.__traceback__))
    candidates += [(frame.filename, frame.lineno or 1, 0) for frame in frames]
    for name, line, column in candidates:
        try:
            if Path(name).resolve() == path:
                return max(line, 1), max(column, 0)
        except (OSError, ValueError):
            continue
    return 1, 0


def _display(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path
