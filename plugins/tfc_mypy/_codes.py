"""The plugin's error codes, built from tfc's one registry, and the one way to report them.

Every `tfc.diagnostics.Code` becomes the mypy error code ``tfc-<name>`` (mypy's code
namespace is global, hence the prefix), so ``disable_error_code = ["tfc-unknown-capture-path"]``
in mypy and ``ignore = ["TFC201"]`` in ``[tool.tfc]`` switch off the same check, and
``# type: ignore[tfc-unknown-capture-path]`` silences one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from mypy.errorcodes import ErrorCode
from mypy.nodes import Context
from mypy.plugin import CheckerPluginInterface

from tfc.diagnostics import CODES, Code

__all__ = ("ERROR_CODES", "error_code", "report")

# Constructing an ErrorCode registers it with mypy, so this happens once, at import.
ERROR_CODES: Final[Mapping[str, ErrorCode]] = MappingProxyType(
    {code.id: ErrorCode(f"tfc-{code.name}", code.summary, "tfc") for code in CODES.values()}
)


def error_code(code: Code) -> ErrorCode:
    """The mypy error code of a tfc diagnostic code (``TFC201`` -> ``tfc-unknown-capture-path``)."""
    return ERROR_CODES[code.id]


def report(
    api: CheckerPluginInterface, code: Code, message: str, context: Context, help: str | None = None
) -> None:
    """Report *message* under *code* at *context*; *help* follows as a note tied to the error.

    The note shares the error's code, so ignoring or disabling the code hides both.
    """
    mypy_code = error_code(code)
    info = api.fail(message, context, code=mypy_code)
    if help is not None and info is not None:
        api.msg.note(help, context, code=mypy_code, parent_error=info)
