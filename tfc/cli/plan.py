"""``tfc plan TARGET``: print a flow's IR in its stable text form (what golden tests compare)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from . import EXIT_CLEAN, EXIT_ERROR

__all__ = ("add_parser", "run")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "plan",
        help="print a flow's IR in its text form",
        description="Print a flow's IR. TARGET is MODULE:FLOW (imported) or FILE.py:FLOW (read statically).",
    )
    parser.add_argument("target", metavar="TARGET")
    parser.add_argument("--no-locations", action="store_true", help="leave out @line:column")
    return parser


def run(args: argparse.Namespace) -> int:
    from ..ir.text import render_ir
    from .targets import TargetError, load_target

    try:
        loaded = load_target(args.target)
    except TargetError as exc:
        print(f"tfc plan: {exc}", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(render_ir(loaded.ir, locations=not args.no_locations))
    return EXIT_CLEAN
