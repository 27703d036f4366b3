"""The results cache: every unit's results (`units.UnitData`) in one JSON file, and merging them.

``<root>/.tfc_cache/results-<format>.json`` holds, for the tfc version and Python that wrote
it, each unit's file digest, diagnostics, event facts, exported names and dependencies. It
is plain data (never pickle): a file that does not parse, has another format, version or
root, or holds anything unexpected is ignored and rewritten. `merge` turns the units into
what ``tfc check`` prints (the project-wide event checks are recomputed from the units'
event facts each time); it imports neither libcst nor the checks.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..diagnostics import (
    CODES,
    COMPUTED_EVENT_NAME,
    EVENT_NEVER_EMITTED,
    EVENT_NEVER_HANDLED,
    Diagnostic,
    Location,
    Note,
    Severity,
    help_did_you_mean,
)
from .units import UnitData

__all__ = ("CacheState", "cache_file", "event_diagnostics", "load_results", "merge", "save_results")

_FORMAT = "results-1"


class CacheState:
    """What the results cache holds: the units, the flags and the module names found missing."""

    def __init__(self, units: dict[str, UnitData], flags: list[str], missing: list[str]) -> None:
        self.units = units
        self.flags = flags
        self.missing = missing


def _header(root: Path) -> dict[str, object]:
    from .. import __version__

    return {"format": _FORMAT, "tfc": __version__, "python": list(sys.version_info[:2]), "root": str(root)}


def cache_file(cache_dir: Path) -> Path:
    return cache_dir / f"{_FORMAT}.json"


def load_results(cache_dir: Path, root: Path) -> CacheState | None:
    """The cached results, or None when there are none or they cannot be trusted."""
    try:
        with open(cache_file(cache_dir), encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict) or data.get("header") != _header(root):
            return None
        units = {}
        for raw in data["units"]:
            unit = _unit(raw)
            units[unit.module] = unit
        flags = [str(f) for f in data["flags"]]
        missing = [str(m) for m in data["missing"]]
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None
    return CacheState(units, flags, missing)


def save_results(cache_dir: Path, root: Path, state: CacheState) -> None:
    """Write *state* atomically; a cache that cannot be written is skipped."""
    target = cache_file(cache_dir)
    data = {
        "header": _header(root),
        "flags": state.flags,
        "missing": sorted(state.missing),
        "units": [_raw_unit(state.units[m]) for m in sorted(state.units)],
    }
    try:
        if not cache_dir.is_dir():
            cache_dir.mkdir(parents=True, exist_ok=True)
            (cache_dir / ".gitignore").write_text("# created by tfc check\n*\n")
            (cache_dir / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n")
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        text = json.dumps(data, separators=(",", ":"))  # dumps uses the C encoder; dump does not
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except (OSError, ValueError, TypeError):
        pass


# -- merging ------------------------------------------------------------------------------


def merge(units: dict[str, UnitData]) -> list[Diagnostic]:
    """What ``tfc check`` reports for these units: deduplicated, in checked files, ignores applied, sorted."""
    ordered = [units[m] for m in sorted(units)]
    found = [d for u in ordered for d in u.diagnostics]
    found.extend(event_diagnostics(ordered))
    checked = {u.display for u in ordered if u.checked}
    seen: set[tuple[object, ...]] = set()
    kept = []
    ignores = {u.display: dict(u.ignores) for u in ordered if u.checked and u.ignores}
    for d in found:
        key = (d.location, d.code.id, d.message)
        if key in seen:
            continue
        seen.add(key)
        if d.location.file not in checked:
            continue
        codes = ignores.get(d.location.file, {}).get(d.location.line)
        if codes is not None and (not codes or any(d.code.id.startswith(c) or d.code.name == c.lower() for c in codes)):
            continue
        kept.append(d)
    return sorted(kept, key=Diagnostic.sort_key)


def event_diagnostics(units: Iterable[UnitData]) -> list[Diagnostic]:
    """The project-wide event checks, from the units' event facts.

    Only the static frontend can make them, as it sees every ``emit`` in the project:

    * ``when("X")`` where nothing in the checked files emits ``X`` (and no chunk of the
      flow is named ``X``): `EVENT_NEVER_EMITTED`, a warning;
    * a literal event a chunk emits that no ``when`` in the project listens to:
      `EVENT_NEVER_HANDLED`, information;
    * an event name a chunk computes at run time: `COMPUTED_EVENT_NAME`, information.
    """
    units = list(units)
    emitted = {event for u in units if u.checked for _, event, _, _ in u.emits if event is not None}
    chunk_keys = {key for u in units for key in u.chunk_keys}
    listened: set[str] = set()
    out = []
    for unit in units:
        for name, location, chunk_names in unit.signals:
            listened.add(name)
            if name in emitted or name in chunk_names:
                continue
            known = sorted(emitted | set(chunk_names))
            out.append(
                Diagnostic(
                    EVENT_NEVER_EMITTED,
                    f'when() waits for event "{name}", which nothing in the project emits',
                    location,
                    help=help_did_you_mean(name, known) or "emit it from a chunk with data.emit(...), or remove this when()",
                )
            )
    for unit in units:
        if not unit.checked:
            continue
        for key, event, location, text in unit.emits:
            if key not in chunk_keys:
                continue
            if event is None:
                out.append(
                    Diagnostic(
                        COMPUTED_EVENT_NAME,
                        f"the event name {text} is computed at run time; tfc check cannot match it to a when()",
                        location,
                    )
                )
            elif event not in listened:
                out.append(
                    Diagnostic(
                        EVENT_NEVER_HANDLED,
                        f'event "{event}" is emitted, but no when() in the project waits for it',
                        location,
                        help=help_did_you_mean(event, sorted(listened)),
                    )
                )
    return out


# -- JSON forms ---------------------------------------------------------------------------


def _raw_location(loc: Location) -> list[object]:
    return [loc.file, loc.line, loc.column, loc.end_line, loc.end_column]


def _location(raw: Any) -> Location:
    file, line, column, end_line, end_column = raw
    return Location(
        _str(file), _int(line), _int(column), None if end_line is None else _int(end_line), None if end_column is None else _int(end_column)
    )


def _raw_diagnostic(d: Diagnostic) -> list[object]:
    notes = [[n.message, None if n.location is None else _raw_location(n.location)] for n in d.notes]
    return [d.code.id, d.message, _raw_location(d.location), d.severity.value, d.help, notes]


def _diagnostic(raw: Any) -> Diagnostic:
    code_id, message, location, severity, help, notes = raw
    code = CODES[_str(code_id)]
    return Diagnostic(
        code,
        _str(message),
        _location(location),
        Severity(severity),
        None if help is None else _str(help),
        tuple(Note(_str(m), None if loc is None else _location(loc)) for m, loc in notes),
    )


def _raw_unit(u: UnitData) -> dict[str, object]:
    return {
        "module": u.module,
        "path": u.path,
        "display": u.display,
        "is_package": u.is_package,
        "checked": u.checked,
        "digest": u.digest,
        "stamp": list(u.stamp),
        "diagnostics": [_raw_diagnostic(d) for d in u.diagnostics],
        "deps": list(u.deps),
        "couples": list(u.couples),
        "names": u.names,
        "stars": list(u.stars),
        "interface": u.interface,
        "signals": [[name, _raw_location(loc), list(chunks)] for name, loc, chunks in u.signals],
        "emits": [[key, event, _raw_location(loc), text] for key, event, loc, text in u.emits],
        "chunk_keys": list(u.chunk_keys),
        "flow_files": list(u.flow_files),
        "ignores": [[line, list(codes)] for line, codes in u.ignores],
    }


def _unit(raw: Any) -> UnitData:
    mtime, size = raw["stamp"]
    return UnitData(
        module=_str(raw["module"]),
        path=_str(raw["path"]),
        display=_str(raw["display"]),
        is_package=bool(raw["is_package"]),
        checked=bool(raw["checked"]),
        digest=_str(raw["digest"]),
        stamp=(_int(mtime), _int(size)),
        diagnostics=[_diagnostic(d) for d in raw["diagnostics"]],
        deps=tuple(_str(m) for m in raw["deps"]),
        couples=tuple(_str(m) for m in raw["couples"]),
        names=[[_str(n), v] for n, v in raw["names"]],
        stars=tuple(_str(m) for m in raw["stars"]),
        interface=_str(raw["interface"]),
        signals=[(_str(n), _location(loc), tuple(_str(c) for c in chunks)) for n, loc, chunks in raw["signals"]],
        emits=[
            (_str(key), None if event is None else _str(event), _location(loc), _str(text))
            for key, event, loc, text in raw["emits"]
        ],
        chunk_keys=tuple(_str(k) for k in raw["chunk_keys"]),
        flow_files=tuple(_str(f) for f in raw["flow_files"]),
        ignores=tuple((_int(line), tuple(_str(c) for c in codes)) for line, codes in raw["ignores"]),
    )


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an int")
    return value
