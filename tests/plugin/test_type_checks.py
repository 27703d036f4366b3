"""Type-checking runs that CI needs: the typing tests with and without the plugin, the plugin
package itself (strict, with mypy's proper-type guard), and the examples with the plugin.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .golden import ROOT, run_mypy

HERE = Path(__file__).parent
TYPING = ROOT / "tests" / "typing"


@pytest.mark.parametrize(
    "config",
    [pytest.param(TYPING / "mypy.ini", id="plain-mypy"), pytest.param(HERE / "mypy.ini", id="with-plugin")],
)
def test_typing_tests(config: Path, mypy_cache: Path) -> None:
    """tests/typing pins the public types; every expected error must still be an error."""
    messages, output, status = run_mypy([TYPING], config, mypy_cache)
    assert status == 0 and not messages, output


def test_plugin_is_strict_clean(tmp_path: Path) -> None:
    messages, output, status = run_mypy([], ROOT / "plugins" / "mypy.ini", tmp_path, "-p", "tfc_mypy")
    assert status == 0 and not messages, output


def test_examples_with_plugin(mypy_cache: Path) -> None:
    messages, output, status = run_mypy([ROOT / "examples"], HERE / "examples.ini", mypy_cache)
    assert status == 0 and not messages, output


_EXPECTED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):\d+: (?P<code>TFC\d+) (?P<message>.*)$")
_PLUGIN_CODES = {"TFC201", "TFC202", "TFC203", "TFC204", "TFC301", "TFC303"}


def test_broken_examples_agree_with_tfc_check(mypy_cache: Path) -> None:
    """Where the plugin checks what `tfc check` found in examples/broken, it says the same."""
    broken = sorted((ROOT / "examples" / "broken").glob("*.expected"))
    wanted: list[tuple[Path, int, str]] = []
    for expected in broken:
        for line in expected.read_text().splitlines():
            match = _EXPECTED.match(line)
            if match and match["code"] in _PLUGIN_CODES:
                wanted.append(((ROOT / match["file"]).resolve(), int(match["line"]), match["message"]))
    assert wanted, "examples/broken should hold at least one mistake the plugin checks"
    files = sorted({path for path, _, _ in wanted})
    messages, output, _ = run_mypy(files, HERE / "mypy.ini", mypy_cache)
    said = {(m.file, m.line, m.text.rpartition("  [")[0]) for m in messages if m.severity == "error"}
    for item in wanted:
        assert item in said, f"{item} not in mypy's output:\n{output}"
