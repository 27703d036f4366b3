"""``[tool.tfc]`` in ``pyproject.toml``: found, read and validated once per run.

The table comes from the nearest ``pyproject.toml`` above the current folder that has one
(``--config PATH`` names a file instead). Unknown keys and values of the wrong type are
errors (exit status 2), so a typo in CI configuration never passes silently. Paths in the
table are relative to the folder of the file that holds it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import CODES, OUTPUT_FORMATS, lookup

__all__ = ("KNOWN_KEYS", "Config", "ConfigError", "find_config", "load_config", "parse_code_list")

KNOWN_KEYS = {
    "include": "paths checked when none are given on the command line",
    "exclude": "globs or folders (relative to the file) never checked, nor imported by `tfc build --all`",
    "select": "codes or code prefixes to report (default: all)",
    "ignore": "codes or code prefixes never reported",
    "per-file-ignores": "a table of glob -> codes ignored in matching files",
    "output-format": "the default --output-format",
    "type-check": "also run --type-check",
    "cache": "keep the per-file index cache in .tfc_cache (default true)",
    "runner-dir": "where `tfc build` writes runners, named after the dotted module (pkg.flow -> pkg_flow_runner.py)",
}


class ConfigError(Exception):
    """The configuration (or a command-line code list) is invalid; the message says where."""


@dataclass
class Config:
    """The ``[tool.tfc]`` settings, with defaults for the keys that are absent."""

    root: Path
    source: Path | None = None
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    output_format: str | None = None
    type_check: bool = False
    cache: bool = True
    runner_dir: str | None = None


def find_config(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` above *start* that has a ``[tool.tfc]`` table."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                continue
            if isinstance(data.get("tool"), dict) and "tfc" in data["tool"]:
                return candidate
    return None


def parse_code_list(values: list[str], where: str) -> list[str]:
    """Validate codes, code prefixes (``TFC2``, ``TFC``) and rule names; return them upper-cased ids."""
    out = []
    for raw in values:
        if not isinstance(raw, str) or not raw.strip():
            raise ConfigError(f"{where}: {raw!r} is not a code")
        value = raw.strip()
        code = lookup(value)
        if code is not None:
            out.append(code.id)
            continue
        prefix = value.upper()
        if prefix.startswith("TFC") and prefix[3:].isdigit() and any(c.startswith(prefix) for c in CODES):
            out.append(prefix)
        elif prefix == "TFC" or prefix == "ALL":
            out.append("TFC")
        else:
            raise ConfigError(f'{where}: unknown code "{value}" (see `tfc explain`; codes look like TFC201)')
    return out


def _strings(table: Mapping[str, object], key: str, where: str) -> list[str]:
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings")
    return list(value)


def load_config(path: Path | None) -> Config:
    """Read ``[tool.tfc]`` from *path* (a ``pyproject.toml``); defaults when *path* is None.

    Raises:
        ConfigError: The file cannot be read, or the table has unknown keys or bad values.
    """
    if path is None:
        return Config(root=Path.cwd())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    tool = data.get("tool", {})
    table = tool.get("tfc", {}) if isinstance(tool, dict) else {}
    where = f"{path} [tool.tfc]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(table) - set(KNOWN_KEYS))
    if unknown:
        known = ", ".join(sorted(KNOWN_KEYS))
        raise ConfigError(f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} (known: {known})")
    config = Config(root=path.parent.resolve(), source=path)
    for key in ("include", "exclude"):
        if key in table:
            setattr(config, key, _strings(table, key, where))
    for key in ("select", "ignore"):
        if key in table:
            setattr(config, key, parse_code_list(_strings(table, key, where), f"{where} {key}"))
    if "per-file-ignores" in table:
        raw = table["per-file-ignores"]
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: `per-file-ignores` must be a table of glob = [codes]")
        for pattern, codes in raw.items():
            if not isinstance(codes, list):
                raise ConfigError(f"{where}: per-file-ignores[{pattern!r}] must be a list of codes")
            config.per_file_ignores[pattern] = parse_code_list(codes, f"{where} per-file-ignores[{pattern!r}]")
    if "output-format" in table:
        fmt = table["output-format"]
        if fmt not in OUTPUT_FORMATS:
            raise ConfigError(f"{where}: output-format must be one of {', '.join(OUTPUT_FORMATS)}")
        config.output_format = fmt
    for key, attr in (("type-check", "type_check"), ("cache", "cache")):
        if key in table:
            if not isinstance(table[key], bool):
                raise ConfigError(f"{where}: `{key}` must be true or false")
            setattr(config, attr, table[key])
    if "runner-dir" in table:
        if not isinstance(table["runner-dir"], str):
            raise ConfigError(f"{where}: `runner-dir` must be a string")
        config.runner_dir = table["runner-dir"]
    return config
