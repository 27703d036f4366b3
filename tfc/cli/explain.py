"""``tfc explain CODE``: a code's summary, why it matters, and its valid and invalid examples."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from . import EXIT_CLEAN, EXIT_ERROR

__all__ = ("add_parser", "run")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "explain", help="explain a diagnostic code", description=__doc__
    )
    parser.add_argument("code", metavar="CODE", help="an id (TFC201) or a rule name (unknown-capture-path)")
    return parser


def run(args: argparse.Namespace) -> int:
    from ..checks.explain import explain

    try:
        text = explain(args.code)
    except KeyError:
        print(f'tfc explain: unknown code "{args.code}"', file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_CLEAN
