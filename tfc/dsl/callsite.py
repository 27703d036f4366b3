"""Find where user code called a builder method: the location of the method's name.

A call such as ``flow.to(a).to(b)`` is located at the ``to`` token of each call, which is
also what the static frontend reads from source, so both frontends agree on locations.
The lookup walks out of tfc's own frames, then reads the caller's bytecode positions.
"""

from __future__ import annotations

import dis
import sys
from functools import lru_cache
from types import CodeType, FrameType

from ..ir.nodes import Loc

__all__ = ("call_site", "definition_site")

_TFC_PREFIX = "tfc."
_ATTR_OPS = frozenset({"LOAD_ATTR", "LOAD_METHOD"})


def _user_frame() -> FrameType | None:
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if not (isinstance(name, str) and (name == "tfc" or name.startswith(_TFC_PREFIX))):
            return frame
        frame = frame.f_back
    return None


@lru_cache(maxsize=512)
def _attr_table(code: CodeType) -> tuple[tuple[int, str, int, int, int, int], ...]:
    """Every attribute load in *code*: (offset, name, line, col, end_line, end_col)."""
    rows = []
    for ins in dis.get_instructions(code):
        if ins.opname in _ATTR_OPS and ins.positions is not None:
            p = ins.positions
            if p.lineno is None or p.end_lineno is None or p.col_offset is None or p.end_col_offset is None:
                continue
            rows.append((ins.offset, str(ins.argval), p.lineno, p.col_offset, p.end_lineno, p.end_col_offset))
    return tuple(rows)


def call_site(method: str) -> Loc:
    """Where the user called ``<something>.method(...)``: the method name's line and column."""
    frame = _user_frame()
    if frame is None:
        return Loc("<unknown>", 0, 0)
    code = frame.f_code
    lasti = frame.f_lasti
    best: tuple[int, int] | None = None
    for offset, name, _line, _col, end_line, end_col in _attr_table(code):
        if offset > lasti:
            break
        if name == method:
            best = (end_line, end_col - len(method))
    if best is not None:
        return Loc(code.co_filename, best[0], _code_points(code.co_filename, best[0], best[1]))
    return Loc(code.co_filename, frame.f_lineno or 0, 0)


def _code_points(filename: str, line: int, byte_column: int) -> int:
    """Bytecode columns count UTF-8 bytes; locations (and libcst) count code points."""
    import linecache

    text = linecache.getline(filename, line)
    if text.isascii():
        return byte_column
    return len(text.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore"))


def definition_site(fn: object) -> Loc | None:
    """Where a function was defined: its first line (the first decorator, if any)."""
    code = getattr(fn, "__code__", None)
    if not isinstance(code, CodeType):
        return None
    return Loc(code.co_filename, code.co_firstlineno, 0)
