"""The ``tfc`` command: ``check | graph | plan | explain | run`` (and ``build`` when present).

Each subcommand is a module of this package exposing ``add_parser(subparsers)`` and
``run(args) -> int``; `SUBCOMMANDS` lists them in help order, and a listed module that does
not exist is skipped, so adding ``tfc build`` is adding ``build.py``. Modules are imported
only when their command runs, apart from building the parser, which keeps ``tfc --help``
fast and libcst out of every command but ``check``.

Exit status: 0 clean, 1 findings at error severity, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

__all__ = ("EXIT_CLEAN", "EXIT_ERROR", "EXIT_FINDINGS", "SUBCOMMANDS", "build_parser", "main")

SUBCOMMANDS = ("check", "build", "graph", "plan", "explain", "run")
"""Subcommand modules, in the order ``tfc --help`` lists them."""

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _modules() -> list[ModuleType]:
    found = []
    for name in SUBCOMMANDS:
        full = f"{__name__}.{name}"
        if importlib.util.find_spec(full) is not None:
            found.append(importlib.import_module(full))
    return found


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``tfc`` argument parser with every available subcommand."""
    from .. import __version__

    parser = _Parser(prog="tfc", description="The typed TriggerFlow compiler.")
    parser.add_argument("--version", action="version", version=f"tfc {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for module in _modules():
        sub = module.add_parser(subparsers)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``tfc`` with *argv* (default: ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        status: int = args.handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN
    return status
