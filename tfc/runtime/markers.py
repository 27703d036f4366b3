"""Sentinels the plan passes instead of values, and the signal a handler was triggered by."""

from __future__ import annotations

from typing import Final, Literal

__all__ = ("MISSING", "PAUSED", "Marker", "Scope", "Trigger")


class Marker:
    """A value that is not a value: a chain that stopped, or paused."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __reduce__(self) -> str:
        return self.name


MISSING: Final = Marker("MISSING")
"""The chain stopped (or never reached the block exit) without a value."""
PAUSED: Final = Marker("PAUSED")
"""The chain paused on its way to the block exit; the join waits for the resume."""

Scope = tuple[tuple[int, int], ...]
"""The fan-out instance a value belongs to: ``((block_id, index), ...)``, outermost first."""

SignalSource = Literal["start", "chunk", "runtime", "runtime_data", "flow_data", "interrupt", "collect"]


class Trigger:
    """The signal that started a handler: name, type and where it came from."""

    __slots__ = ("name", "resume", "source", "type")

    def __init__(self, name: str, type: str, source: str, resume: object = None) -> None:
        self.name = name
        self.type = type
        self.source = source
        self.resume = resume
        """The `ResumeInfo` when this signal resumes an interrupt."""

    def __repr__(self) -> str:
        return f"Trigger({self.name!r}, {self.type!r}, {self.source!r})"


START_TRIGGER: Final = Trigger("START", "event", "start")
