"""``tfc run MODULE:FLOW INPUT [--stream]``: run a flow from the command line.

INPUT is parsed as JSON when it is valid JSON and used as a string otherwise (``-`` reads
it from stdin). With ``--stream`` every runtime stream item is printed as one JSON line
while the flow runs; the close snapshot is printed last, as JSON. A failing flow prints
its error to stderr and exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from . import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS

__all__ = ("add_parser", "run")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "run", help="run a flow and print its result (and stream)", description=__doc__
    )
    parser.add_argument("target", metavar="MODULE:FLOW")
    parser.add_argument("input", metavar="INPUT", nargs="?", default=None)
    parser.add_argument("--stream", action="store_true", help="print stream items as JSON lines")
    parser.add_argument("--timeout", type=float, default=None, help="give up after this many seconds")
    return parser


def _value(text: str | None) -> object:
    if text is None:
        return None
    if text == "-":
        text = sys.stdin.read()
    try:
        return json.loads(text)
    except ValueError:
        return text


def _json(value: object) -> str:
    return json.dumps(value, default=repr, ensure_ascii=False)


async def _run(flow: Any, value: object, stream: bool, timeout: float | None) -> object:
    import anyio

    execution = flow.create_execution()
    if not stream:
        return await execution.async_start(value, timeout=timeout)
    result: list[object] = []
    async with anyio.create_task_group() as tg:

        async def watch() -> None:
            async for item in execution.get_async_runtime_stream(timeout=timeout):
                print(_json(item), flush=True)

        tg.start_soon(watch)
        result.append(await execution.async_start(value, timeout=timeout))
    return result[0]


def run(args: argparse.Namespace) -> int:
    import anyio

    from ..errors import TfcError
    from .targets import TargetError, load_runtime_flow, split_target

    try:
        flow = load_runtime_flow(*split_target(args.target))
    except TargetError as exc:
        print(f"tfc run: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        snapshot = anyio.run(_run, flow, _value(args.input), args.stream, args.timeout)
    except TfcError as exc:
        print(f"tfc run: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FINDINGS
    print(_json(snapshot))
    return EXIT_CLEAN
