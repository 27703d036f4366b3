"""``tfc graph TARGET [--format mermaid|dot]``: draw a flow (see `targets.py` for TARGET)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from . import EXIT_CLEAN, EXIT_ERROR

__all__ = ("add_parser", "run")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "graph",
        help="draw a flow as a Mermaid or DOT diagram",
        description="Draw a flow. TARGET is MODULE:FLOW (imported) or FILE.py:FLOW (read statically).",
    )
    parser.add_argument("target", metavar="TARGET")
    parser.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    return parser


def run(args: argparse.Namespace) -> int:
    from .diagram import layout, render_dot, render_mermaid
    from .targets import TargetError, load_target

    try:
        loaded = load_target(args.target)
    except TargetError as exc:
        print(f"tfc graph: {exc}", file=sys.stderr)
        return EXIT_ERROR
    diagram = layout(loaded.ir, loaded.child)
    sys.stdout.write(render_mermaid(diagram) if args.format == "mermaid" else render_dot(diagram))
    return EXIT_CLEAN
