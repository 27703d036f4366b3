"""The checked project: which files, under which module names, indexed once and cached.

Files are found under the given paths (``.py`` files, skipping virtual environments,
caches and anything excluded); each gets the module name Python would import it under,
counted from the project root (the folder of the nearest ``pyproject.toml``; a ``src/``
layout is understood). Summaries are cached per file in ``.tfc_cache/`` under the root as
JSON (`codec.py`; never pickle, as a cache folder may come from anyone), keyed by tfc's
version, the file's size and modification time, so a second run re-reads only the files
that changed; a cache file that cannot be read is ignored and rewritten. Indexing many
files uses a process pool (worker results come back pickled: they never touch the disk).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..ir.nodes import Loc
from ..sources import discover
from . import codec, syntax
from .syntax import ModuleSummary

__all__ = ("CACHE_DIR", "RECENT_NS", "Project", "SourceFile", "discover", "find_root", "module_name")

CACHE_DIR = ".tfc_cache"  # one of `tfc.sources.SKIP_DIRS`
RECENT_NS = 2_000_000_000
"""Files modified this recently (ns) are not cached by their stamp: it may not change on the next write."""
_CACHE_FORMAT = "index-4"
_POOL_THRESHOLD = 48


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file to index: where it is, how diagnostics name it, and its module name."""

    path: Path
    display: str
    module: str
    is_package: bool


def find_root(start: Path) -> Path:
    """The folder of the nearest ``pyproject.toml`` above *start* (or *start* itself)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return start


def module_name(path: Path, root: Path) -> tuple[str, bool]:
    """The dotted module name of *path* and whether it is a package's ``__init__``."""
    path = path.resolve()
    try:
        rel = path.relative_to(root)
        parts = list(rel.parts)
        if len(parts) > 1 and parts[0] == "src" and not (root / "src" / "__init__.py").exists():
            parts = parts[1:]
    except ValueError:
        parts = [path.name]
        folder = path.parent
        while (folder / "__init__.py").exists():
            parts.insert(0, folder.name)
            folder = folder.parent
    parts[-1] = parts[-1].removesuffix(".py")
    if parts[-1] == "__init__" and len(parts) > 1:
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _display(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def _by_fields(obj: Any) -> tuple[Any, tuple[Any, ...]]:
    """Pickle a frozen dataclass as a constructor call: much faster to load than its state."""
    return type(obj), tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))


_DISPATCH: dict[type, Callable[[Any], tuple[Any, tuple[Any, ...]]]] = {Loc: _by_fields}
for _cls in vars(syntax).values():
    if isinstance(_cls, type) and dataclasses.is_dataclass(_cls):
        _DISPATCH[_cls] = _by_fields


def _dumps(value: object) -> bytes:
    import io

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(value)
    return buffer.getvalue()


def _version() -> str:
    """What a cached summary must have been written by: tfc's version and its summary classes."""
    from .. import __version__

    return f"{__version__}/{codec.SCHEMA}"


def _prepare_worker() -> None:
    """Import the indexer, then keep what importing made out of the collector's full passes."""
    import gc

    from . import index  # noqa: F401

    gc.freeze()


def _index_to_bytes(args: tuple[str, str, str, bool]) -> bytes:
    """`_index_file` in a worker process: the summary comes back in the fast pickle form."""
    return _dumps(_index_file(args))


def _index_file(args: tuple[str, str, str, bool]) -> ModuleSummary:
    from .index import index_source

    path, display, module, is_package = args
    try:
        with open(path, encoding="utf-8-sig") as handle:
            source = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        return ModuleSummary(display, module, (), is_package, (f"cannot read the file: {exc}", 1, 0))
    return index_source(source, display, module, is_package=is_package)


class Project:
    """The files of one `tfc check` run, their summaries, and the cache behind them.

    Args:
        root: The project root (module names and the cache live there).
        cache: Whether to read and write ``.tfc_cache``.
        jobs: Worker processes for indexing (default: the CPU count).
    """

    def __init__(self, root: Path, *, cache: bool = True, jobs: int | None = None) -> None:
        self.root = root
        self.cache_dir = root / CACHE_DIR / _CACHE_FORMAT if cache else None
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.indexed = 0
        """How many files were read this run (the rest came from the cache)."""

    def source(self, path: Path) -> SourceFile:
        module, is_package = module_name(path, self.root)
        return SourceFile(path, _display(path), module, is_package)

    def find_module(self, name: str) -> Path | None:
        """The file of project module *name*, if it exists under the root."""
        rel = Path(*name.split("."))
        for base in (self.root, self.root / "src"):
            for candidate in (base / rel.with_suffix(".py"), base / rel / "__init__.py"):
                if candidate.is_file():
                    return candidate
        return None

    def summary_of(self, name: str) -> ModuleSummary | None:
        """The summary of project module *name* (read on demand), if the module exists."""
        path = self.find_module(name)
        if path is None:
            return None
        return self.summaries([self.source(path)])[0]

    def summaries(self, files: Sequence[SourceFile]) -> list[ModuleSummary]:
        """The summary of each file, from the cache when it is fresh."""
        out: list[ModuleSummary | None] = [None] * len(files)
        missing: list[tuple[int, SourceFile, tuple[int, int]]] = []
        for i, f in enumerate(files):
            try:
                st = f.path.stat()
            except OSError:
                stamp = (0, 0)
            else:
                stamp = (st.st_mtime_ns, st.st_size)
            cached = self._read_cache(f, stamp)
            if cached is not None:
                out[i] = cached
            else:
                missing.append((i, f, stamp))
        jobs = [(str(f.path), f.display, f.module, f.is_package) for _, f, _ in missing]
        if len(jobs) >= _POOL_THRESHOLD and self.jobs > 1:
            with ProcessPoolExecutor(max_workers=self.jobs, initializer=_prepare_worker) as pool:
                chunks = max(1, len(jobs) // (self.jobs * 8))
                results = [pickle.loads(b) for b in pool.map(_index_to_bytes, jobs, chunksize=chunks)]
        else:
            results = [_index_file(job) for job in jobs]
        self.indexed += len(results)
        for (i, f, stamp), summary in zip(missing, results):
            out[i] = summary
            self._write_cache(f, stamp, summary)
        return [s for s in out if s is not None]

    # -- the cache ---------------------------------------------------------------------

    def _cache_file(self, f: SourceFile) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / (hashlib.sha1(str(f.path).encode()).hexdigest() + ".json")

    def _read_cache(self, f: SourceFile, stamp: tuple[int, int]) -> ModuleSummary | None:
        target = self._cache_file(f)
        if target is None:
            return None
        try:
            with open(target, encoding="utf-8") as handle:
                key, data = json.load(handle)
            if key != [_version(), *stamp, f.display, f.module, f.is_package]:
                return None
            return codec.load_summary(data)
        except (OSError, ValueError, TypeError, RecursionError):
            return None

    def _write_cache(self, f: SourceFile, stamp: tuple[int, int], summary: ModuleSummary) -> None:
        target = self._cache_file(f)
        if target is None or stamp == (0, 0) or stamp[0] >= time.time_ns() - RECENT_NS:
            return  # a file changed in the last seconds may change again with the same stamp
        try:
            if not target.parent.is_dir():
                target.parent.mkdir(parents=True, exist_ok=True)
                top = target.parent.parent
                (top / ".gitignore").write_text("# created by tfc check\n*\n")
                (top / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n")
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            text = json.dumps([[_version(), *stamp, f.display, f.module, f.is_package], codec.dump_summary(summary)])
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, target)
        except (OSError, ValueError):
            pass
