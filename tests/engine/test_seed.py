"""The seed playbook (seeds/000) runs as written: stream stages in order, result, well under 1 s.

`examples/seed_playbook` is the seed with only its import line changed and its indentation
restored; it uses ``asyncio`` directly and the sync state facade inside an async chunk (B1).
"""

from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORT = {
    "topic": "Agently TriggerFlow",
    "facts": "facts(Agently TriggerFlow)",
    "risks": "risks(Agently TriggerFlow)",
}


def run_seed() -> tuple[list[str], float]:
    begun = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "examples.seed_playbook"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    elapsed = time.perf_counter() - begun
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout.splitlines(), elapsed


def test_the_seed_playbook_runs_as_written() -> None:
    lines, elapsed = run_seed()
    streamed = [ast.literal_eval(line.removeprefix("STREAM: ")) for line in lines if line.startswith("STREAM: ")]
    results = [ast.literal_eval(line.removeprefix("RESULT: ")) for line in lines if line.startswith("RESULT: ")]
    assert [item["stage"] for item in streamed] == ["normalized", "risks_ready", "facts_ready", "compiled"]
    assert streamed[0] == {"stage": "normalized", "topic": "Agently TriggerFlow"}
    assert streamed[1] == {"stage": "risks_ready", "topic": "Agently TriggerFlow"}
    assert streamed[2] == {"stage": "facts_ready", "topic": "Agently TriggerFlow"}
    assert streamed[3] == {"stage": "compiled", "report": REPORT}
    assert results == [{"topic": "Agently TriggerFlow", "$final_result": REPORT}]
    assert list(results[0]) == ["topic", "$final_result"]
    assert lines[-1].startswith("RESULT: ")
    # Interpreter start and imports included; the flow itself sleeps 0.05 s.
    assert elapsed < 1.0


def test_the_example_is_the_seed_with_only_the_import_changed() -> None:
    source = (ROOT / "examples" / "seed_playbook" / "__main__.py").read_text(encoding="utf-8")
    assert "from tfc import TriggerFlow, TriggerFlowRuntimeData" in source
    assert "agently" not in source.replace("Agently TriggerFlow", "")
    code = [line for line in source.splitlines() if line.strip() and not line.startswith("#")]
    assert code[:2] == ["import asyncio", "from tfc import TriggerFlow, TriggerFlowRuntimeData"]
    assert '    data.state.set("topic", topic)' in code
    assert "    execution = flow.create_execution(concurrency=2)" in code
    assert code[-1] == "asyncio.run(main())"
