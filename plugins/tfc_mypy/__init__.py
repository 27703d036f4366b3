"""The tfc mypy plugin: what plain typing cannot say about a TriggerFlow.

The typed DSL already makes every checker reject a ``.to()`` whose chunk cannot take the
value before it. This plugin sharpens the rest, in the editor:

* ``batch(a, b, c)`` is typed as a TypedDict keyed by the chunks' names;
* string ``capture`` / ``write_back`` paths in ``to_sub_flow(...)`` are checked against
  the parent's and the child's schemas, pointing at the wrong segment with a did-you-mean,
  and ``Paths[State]`` checks module-level path constants where they are defined;
* ``when({"runtime_data": key})`` checks the key and types the value;
* ``.to(chunk)`` keeps the state and the chunk's output when the chunk's types hold an
  ``Any`` (plain mypy then gives ``Process[Any, Any]``);
* errors carry ``tfc-<name>`` codes from the registry `tfc check` uses, with its messages.

Every type the plugin adds is ``Any`` (or ``str``) to other checkers. Enable it with::

    [tool.mypy]
    plugins = ["tfc.mypy"]
"""

from __future__ import annotations

from ._plugin import TfcPlugin

__all__ = ("TfcPlugin", "plugin")


def plugin(version: str) -> type[TfcPlugin]:
    """Mypy's entry point: the plugin class (the same for every supported *version*)."""
    return TfcPlugin
