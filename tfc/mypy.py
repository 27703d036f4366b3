"""The mypy plugin's entry point, so a config can say ``plugins = ["tfc.mypy"]``."""

from tfc_mypy import plugin as plugin

__all__ = ("plugin",)
