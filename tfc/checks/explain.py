"""Run the per-code examples, and render them as `tfc explain` text and ``docs/codes.md``.

`run_example` executes an example module the way a user's module runs (builder calls
record their real call sites, under a file name of their own registered in `linecache`)
and returns every diagnostic it produced: the `FlowDefinitionError` raised while building,
the diagnostics of ``flow.compile()``, and the `FlowWarning`s issued on the way.
"""

from __future__ import annotations

import linecache
import warnings
from typing import Any

from ..diagnostics import CODES, Code, Diagnostic, Location, lookup, render_concise
from .examples import PRELUDE, RATIONALE, Example, examples_for

__all__ = ("example_filename", "explain", "render_codes_md", "run_example")


def example_filename(example: Example) -> str:
    """The file name an example runs under (also what its diagnostics point at)."""
    same = [e for e in examples_for(example.code) if e.kind == example.kind]
    return f"<{example.code.id} {example.kind} {same.index(example) + 1}>"


def _where(where: str | None, fallback: str) -> Location:
    if where:
        file, _, rest = where.rpartition(":")
        file2, _, line = file.rpartition(":")
        if rest.isdigit() and line.isdigit():
            return Location(file2, max(int(line), 1), int(rest) - 1)
    return Location(fallback, 1, 0)


def run_example(example: Example) -> list[Diagnostic]:
    """Every diagnostic *example* produces (see the module docstring)."""
    from ..compile import FlowWarning
    from ..dsl.flow import TriggerFlow
    from ..errors import FlowDefinitionError

    name = example_filename(example)
    linecache.cache[name] = (len(example.source), None, example.source.splitlines(True), name)
    namespace: dict[str, Any] = {"__name__": f"tfc_example_{example.code.id}"}
    exec(compile(PRELUDE, "<tfc example prelude>", "exec"), namespace)
    found: list[Diagnostic] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(compile(example.source, name, "exec"), namespace)
            for value in list(namespace.values()):
                if isinstance(value, TriggerFlow):
                    try:
                        value.compile()
                    except FlowDefinitionError as exc:
                        found.extend(exc.diagnostics)
        except FlowDefinitionError as exc:
            if exc.diagnostics:
                found.extend(exc.diagnostics)
            elif exc.code is not None:
                found.append(Diagnostic(exc.code, exc.message, _where(exc.where, name), help=exc.help))
    for w in caught:
        if isinstance(w.message, FlowWarning) and w.message.diagnostic is not None:
            found.append(w.message.diagnostic)
        elif not issubclass(w.category, DeprecationWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    unique = {(d.code.id, d.location, d.message): d for d in found}
    return sorted(unique.values(), key=Diagnostic.sort_key)


def _section(code: Code, *, heading: str = "##") -> str:
    lines = [f"{heading} {code.id} {code.name}", "", f"**{code.summary}.**", ""]
    lines.append(f"Family: {code.family}. Default severity: {code.severity.value}.")
    why = RATIONALE.get(code.id)
    if why:
        lines += ["", f"Why: {why}"]
    examples = examples_for(code)
    if not examples:
        lines += ["", "(No examples yet.)"]
    for example in examples:
        label = "Bad" if example.kind == "invalid" else "Good"
        only = " (`tfc check` only)" if example.frontend == "static" else ""
        lines += ["", f"{label}: {example.title}{only}", "", "```python", example.source.rstrip("\n"), "```"]
        if example.kind == "invalid":
            if example.frontend == "runtime":
                produced = [d for d in run_example(example) if d.code == code]
                text = render_concise(produced).rstrip("\n") if produced else ""
                lines += ["", "```text", text or f"{example.line}:{example.column}: {code.id}", "```"]
            else:
                lines += ["", f"Reported at line {example.line}, column {example.column}."]
    return "\n".join(lines) + "\n"


def explain(code_or_name: str) -> str:
    """What `tfc explain CODE` prints: the code's summary, why it matters, and its examples.

    Raises:
        KeyError: If no code has that id or name.
    """
    code = lookup(code_or_name)
    if code is None:
        raise KeyError(code_or_name)
    return _section(code, heading="#")


def render_codes_md() -> str:
    """The text of ``docs/codes.md``, generated from the registry and its examples."""
    head = [
        "# Diagnostic codes",
        "",
        "Generated from `tfc/checks/examples.py` by `tfc.checks.explain.render_codes_md()`;",
        "do not edit by hand (a test fails when this file is stale). `tfc explain CODE` prints",
        "one section. Examples use `from tfc import TriggerFlow, TriggerFlowRuntimeData as Data`",
        "and `typing.TypedDict`; the bad ones show the concise output they produce.",
        "",
    ]
    head += [f"- [{c.id} {c.name}](#{c.id.lower()}-{c.name}): {c.summary}" for c in CODES.values()]
    return "\n".join(head) + "\n\n" + "\n".join(_section(c) for c in CODES.values())
