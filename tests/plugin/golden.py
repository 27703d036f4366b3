"""Run mypy on golden source files and merge its messages into them as inline comments.

A golden file states what mypy must say about each line, the way mypy's own test data does::

    capture={"input": "state.topik"},  # E:29-33: capture path "state.topik": ... [tfc-unknown-capture-path]
    reveal_type(p)  # N:13: Revealed type is "..."

``E``, ``N`` and ``W`` are error, note and warning; the numbers are mypy's 1-based start
(and end, when the message spans a range on that line) column. `merge` strips the comments
a file has and writes mypy's actual messages in their place, so a test is "the file equals
itself merged with a fresh run", and ``--update-golden`` writes the merged text back.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mypy import api

__all__ = ("ROOT", "Message", "merge", "run_mypy", "strip")

ROOT = Path(__file__).resolve().parents[2]

_OUTPUT = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>\d+)(?::(?P<col>\d+)(?::(?P<end_line>\d+):(?P<end_col>\d+))?)?: "
    r"(?P<severity>error|note|warning): (?P<message>.*)$"
)
_EXPECTATION = re.compile(r"\s*# [ENW]:\d+(?:-\d+)?: .*$")


@dataclass(frozen=True)
class Message:
    """One message of mypy's output, at 1-based columns."""

    file: Path
    line: int
    column: int
    end_column: int | None
    severity: str
    text: str

    def comment(self) -> str:
        span = f"{self.column}-{self.end_column}" if self.end_column else f"{self.column}"
        return f"# {self.severity[0].upper()}:{span}: {self.text}"


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_mypy(paths: Sequence[Path], config: Path, cache_dir: Path, *extra: str) -> tuple[list[Message], str, int]:
    """Run mypy from the repository root; its messages, its raw output, and its exit status."""
    args = [
        "--config-file", str(config),
        "--cache-dir", str(cache_dir),
        "--show-column-numbers", "--show-error-end", "--show-error-codes",
        "--no-error-summary", "--hide-error-context", "--no-pretty", "--no-color-output",
        *extra,
        *(str(p) for p in paths),
    ]  # fmt: skip
    with _cwd(ROOT):
        stdout, stderr, status = api.run(args)
    messages = []
    for raw in stdout.splitlines():
        match = _OUTPUT.match(raw)
        if match is None:
            msg = f"unexpected line in mypy's output: {raw!r}\n{stdout}{stderr}"
            raise AssertionError(msg)
        line = int(match["line"])
        col = int(match["col"] or 1)
        end_line = int(match["end_line"] or line)
        end_col = int(match["end_col"] or col)
        messages.append(
            Message(
                (ROOT / match["file"]).resolve(),
                line,
                col,
                end_col if end_line == line and end_col > col else None,
                match["severity"],
                match["message"],
            )
        )
    return messages, stdout + stderr, status


def strip(source: str) -> str:
    """*source* without its expectation comments."""
    return "\n".join(_EXPECTATION.sub("", line) for line in source.split("\n"))


def merge(source: str, messages: Sequence[Message]) -> str:
    """*source* with its expectation comments replaced by *messages* (all from this file)."""
    by_line: dict[int, list[str]] = defaultdict(list)
    for m in messages:
        by_line[m.line].append(m.comment())
    lines = strip(source).split("\n")
    for number, comments in by_line.items():
        if 1 <= number <= len(lines):
            lines[number - 1] = "  ".join([lines[number - 1], *comments])
    return "\n".join(lines)
