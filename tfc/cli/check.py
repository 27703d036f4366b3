"""``tfc check [PATHS]``: check every flow in the source, without importing it.

Configuration comes from ``[tool.tfc]`` (see `config.py`); command-line flags win
(``--select``/``--ignore`` replace the file's lists, ``--exclude`` adds to its list). Inline
``# tfc: ignore[TFC201]`` comments silence one line. The human formats end with a summary
line; the machine formats (json, github, sarif) print nothing else on stdout.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import time
from pathlib import Path
from typing import Any

from ..diagnostics import OUTPUT_FORMATS, Diagnostic, Severity, render, summary_line
from . import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from .config import Config, ConfigError, find_config, load_config, parse_code_list

__all__ = ("add_parser", "filter_diagnostics", "run")

_HUMAN = ("full", "concise")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check",
        help="check flows statically (no imports): exit 0 clean, 1 findings, 2 errors",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: [tool.tfc] include, or .)")
    parser.add_argument("--output-format", choices=OUTPUT_FORMATS, default=None, help="default: full")
    parser.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to report")
    parser.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes never to report")
    parser.add_argument("--exclude", metavar="PATTERN", action="append", default=[], help="skip matching paths")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    parser.add_argument("--type-check", action="store_true", default=None, help="also build typed runners and run mypy")
    parser.add_argument("--config", metavar="PYPROJECT", help="read [tool.tfc] from this file")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write .tfc_cache")
    parser.add_argument("--statistics", action="store_true", help="print files, flows and timing to stderr")
    return parser


def _codes(value: str | None, where: str) -> list[str] | None:
    if value is None:
        return None
    return parse_code_list([v for v in value.split(",") if v.strip()], where)


def _matches(code_id: str, patterns: list[str]) -> bool:
    return any(code_id.startswith(p) for p in patterns)


def filter_diagnostics(
    diagnostics: list[Diagnostic], config: Config, select: list[str] | None, ignore: list[str] | None
) -> list[Diagnostic]:
    """Apply select, ignore and per-file-ignores (the command line's lists replace the file's)."""
    select = select if select is not None else config.select
    ignore = ignore if ignore is not None else config.ignore
    kept = []
    for d in diagnostics:
        code = d.code.id
        if select and not _matches(code, select):
            continue
        if ignore and _matches(code, ignore):
            continue
        if config.per_file_ignores:
            path = Path(d.location.file).resolve()
            try:
                rel = path.relative_to(config.root).as_posix()
            except ValueError:
                rel = d.location.file
            if any(fnmatch.fnmatch(rel, pattern) and _matches(code, codes) for pattern, codes in config.per_file_ignores.items()):
                continue
        kept.append(d)
    return kept


def run(args: argparse.Namespace) -> int:
    """Run ``tfc check``; see the module docstring."""
    try:
        config_path = Path(args.config) if args.config else find_config(Path.cwd())
        config = load_config(config_path)
        select = _codes(args.select, "--select")
        ignore = _codes(args.ignore, "--ignore")
    except ConfigError as exc:
        print(f"tfc check: {exc}", file=sys.stderr)
        return EXIT_ERROR
    paths = list(args.paths) or [str(config.root / p) for p in config.include] or ["."]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        print(f"tfc check: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_ERROR
    fmt = args.output_format or config.output_format or "full"
    type_check = config.type_check if args.type_check is None else args.type_check
    started = time.perf_counter()
    try:
        from ..static import check_paths
    except ImportError as exc:  # pragma: no cover - libcst missing
        print(f"tfc check needs libcst (pip install 'tfc[check]'): {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        result = check_paths(
            paths,
            root=config.root,
            exclude=[*config.exclude, *args.exclude],
            cache=config.cache and not args.no_cache,
            need_flows=bool(type_check),
        )
    except Exception as exc:  # an internal error must not look like "findings"
        print(f"tfc check: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    diagnostics = result.diagnostics
    if type_check:
        from .typecheck import TypeCheckUnavailable, type_check_paths

        try:
            diagnostics = sorted([*diagnostics, *type_check_paths(result, config)], key=Diagnostic.sort_key)
        except TypeCheckUnavailable as exc:
            print(f"tfc check --type-check: {exc}", file=sys.stderr)
            return EXIT_ERROR
    diagnostics = filter_diagnostics(diagnostics, config, select, ignore)
    from .. import __version__

    output = render(diagnostics, fmt, version=__version__)
    sys.stdout.write(output)
    if fmt in _HUMAN:
        if diagnostics and fmt == "full":
            sys.stdout.write("\n")
        sys.stdout.write(summary_line(diagnostics) + "\n")
    if args.statistics:
        elapsed = time.perf_counter() - started
        files = len(result.files)
        rate = files / elapsed if elapsed else float("inf")
        print(
            f"checked {files} files ({result.indexed} read, {files - result.indexed} cached), "
            f"{result.flow_count} flows in {elapsed:.2f}s: {rate:.0f} files/s; "
            f"results: {result.mode}, {result.rerun} modules run",
            file=sys.stderr,
        )
    if args.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if any(d.severity is Severity.ERROR for d in diagnostics) else EXIT_CLEAN
