"""Fixtures of the plugin tests: one mypy cache per session, shared by every run."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache directory of this session (never the repository's .mypy_cache)."""
    return tmp_path_factory.mktemp("mypy_cache")
