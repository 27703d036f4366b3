"""`tfc build`: write runner modules for flows, or check that committed ones are current.

    tfc build MODULE:FLOW [-o PATH]      one flow; PATH defaults to <module>_runner.py beside it
    tfc build --all [PATHS]              every module-level flow in the .py files under PATHS
    tfc build --check [...]              write nothing; exit 1 if a runner is missing or stale

Runners go beside their module (``<module>_runner.py``), or under ``--runner-dir`` or
``[tool.tfc] runner-dir`` (of the nearest pyproject.toml with a ``[tool.tfc]`` table;
relative to that file), named after the dotted module: ``research_report.flow`` ->
``research_report_flow_runner.py``. A module with several flows gets one runner per flow
(``<name>_<flow>_runner.py``). Two flows whose runners would be the same file are an error.
Modules are imported (that is how flows are found), except ``__main__.py`` files,
generated ``*_runner.py`` files and paths matching ``--exclude`` or ``[tool.tfc] exclude``
(the same patterns `tfc check` skips). With ``--all``, a module that fails to import (or
whose flow does not compile) is reported with its file and the others are still built.
Exit codes: 0 done or current, 1 stale (``--check``), 2 usage error, a module that could
not be imported or built, or two flows with one runner file.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..sources import discover

__all__ = ("add_parser", "imports_to_find_flows", "run")

NAME = "build"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``tfc build`` on an argparse subparsers object."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        NAME,
        help="generate runner modules for flows (or check they are current)",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("targets", nargs="*", help="MODULE:FLOW, or with --all the paths to search (default .)")
    parser.add_argument("-o", "--output", help="where to write the runner of a single MODULE:FLOW")
    parser.add_argument("--all", action="store_true", help="build every flow found under the given paths")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a runner is missing or stale")
    parser.add_argument(
        "--exclude", metavar="PATTERN", action="append", default=[], help="with --all: skip matching paths"
    )
    parser.add_argument(
        "--runner-dir",
        help="write runners here, named after the dotted module (pkg.flow -> pkg_flow_runner.py; "
        "overrides [tool.tfc] runner-dir)",
    )
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``tfc build`` with parsed *args*; the exit code."""
    from ..codegen.build import build_runner, find_flows, runner_path

    from .config import ConfigError, find_config, load_config

    try:
        config = load_config(find_config(Path.cwd()))
    except ConfigError as exc:
        return _usage(str(exc))
    root = os.getcwd()
    for base in (str(config.root), root):
        if base not in sys.path:
            sys.path.insert(0, base)
    runner_dir = args.runner_dir or (str(config.root / config.runner_dir) if config.runner_dir else None)
    jobs: list[tuple[Any, str, str, Path, str]] = []
    failed = 0
    if args.all:
        if args.output:
            return _usage("-o/--output names one runner; it cannot be used with --all")
        exclude = [*config.exclude, *args.exclude]
        for module_name, file in _modules(args.targets or config.include or ["."], Path(root), exclude):
            try:
                module = importlib.import_module(module_name)
                found = list(find_flows(module))
            except Exception as exc:  # a flow that does not compile, a module that fails to import
                failed += 1
                print(f"tfc build: {_shown(Path(file), root)} ({module_name}): {_problem(exc)}", file=sys.stderr)
                continue
            for attr, flow in found:
                path = runner_path(file, attr, several=len(found) > 1, runner_dir=runner_dir, module=module_name)
                jobs.append((flow, module_name, attr, path, file))
    else:
        if args.exclude:
            return _usage("--exclude skips paths searched by --all; it cannot be used with MODULE:FLOW")
        if len(args.targets) != 1 or ":" not in args.targets[0]:
            return _usage("give one MODULE:FLOW (for example flows.report:flow), or --all [PATHS]")
        module_name, _, attr = args.targets[0].partition(":")
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:
            print(f"tfc build: {module_name}: {_problem(exc)}", file=sys.stderr)
            return 2
        flow = getattr(module, attr, None)
        from ..dsl.flow import TriggerFlow

        if not isinstance(flow, TriggerFlow):
            return _usage(f"{module_name} has no flow named {attr!r}")
        file = getattr(module, "__file__", None) or f"{attr}.py"
        if args.output:
            path = Path(args.output)
        else:
            path = runner_path(file, attr, several=False, runner_dir=runner_dir, module=module_name)
        jobs.append((flow, module_name, attr, path, file))
    clash = _same_runner(jobs, root)
    if clash:
        return _usage(clash)
    stale = 0
    for flow, module_name, attr, path, _ in jobs:
        try:
            source = build_runner(flow, module_name, attr, root=root).source
        except Exception as exc:
            failed += 1
            print(f"tfc build: {module_name}:{attr}: {_problem(exc)}", file=sys.stderr)
            continue
        shown = _shown(path, root)
        current = path.read_text() if path.exists() else None
        if args.check:
            if current != source:
                stale += 1
                print(f"{shown}: {'missing' if current is None else 'stale'} (flow {module_name}:{attr})")
            continue
        if current == source:
            print(f"{shown}: up to date")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
        print(f"{shown}: wrote runner for {module_name}:{attr}")
    if failed:
        what = "module or flow" if failed == 1 else "modules or flows"
        print(f"tfc build: {failed} {what} could not be built (above); nothing was written for them", file=sys.stderr)
    if args.check and stale:
        print(f"{stale} runner{'s' if stale != 1 else ''} out of date; run `tfc build` to regenerate.")
        return 2 if failed else 1
    if args.check and not failed:
        print(f"{len(jobs)} runner{'s' if len(jobs) != 1 else ''} up to date.")
    if not jobs and not failed:
        print("tfc build: no flows found", file=sys.stderr)
    return 2 if failed else 0


def _problem(exc: BaseException) -> str:
    """What went wrong importing a module or building its flow, for one report."""
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        return f"cannot import {exc.name}: {exc}"
    return f"{type(exc).__name__}: {str(exc).rstrip()}"


def _usage(message: str) -> int:
    print(f"tfc build: {message}", file=sys.stderr)
    return 2


def _same_runner(jobs: list[tuple[Any, str, str, Path, str]], root: str) -> str | None:
    """The error when two flows would write one runner file (the second would overwrite the first)."""
    owners: dict[Path, tuple[str, str]] = {}
    for _, module_name, attr, path, file in jobs:
        source = (f"{module_name}:{attr}", _shown(Path(file), root))
        first = owners.setdefault(path.resolve(), source)
        if first != source:
            return (
                f"{first[0]} ({first[1]}) and {source[0]} ({source[1]}) would both be written to "
                f"{_shown(path, root)}; rename a module or a flow, or build one of them alone with -o"
            )
    return None


def _shown(path: Path, root: str) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def imports_to_find_flows(file: Path) -> bool:
    """Whether tfc may import *file* to find its flows (`tfc build --all`, `tfc check --type-check`).

    Not ``__main__.py`` files: they are programs, and importing one runs it. Not generated
    ``*_runner.py`` files either.
    """
    return file.name != "__main__.py" and not file.name.endswith("_runner.py")


def _modules(paths: list[str], root: Path, exclude: list[str]) -> Iterator[tuple[str, str]]:
    """``(module name, file)`` for every importable .py file under *paths* (relative to *root*)."""
    for file in discover(paths, root, exclude):
        if not imports_to_find_flows(file):
            continue
        try:
            rel = file.relative_to(root.resolve())
        except ValueError:
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(p.isidentifier() for p in parts):
            yield ".".join(parts), str(file)
