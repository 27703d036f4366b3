"""A process killed (SIGKILL) right after saving loses nothing: another process resumes it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOPICS = ["alpha", "beta", "gamma"]


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_a_killed_process_loses_nothing_it_saved(tmp_path: Path) -> None:
    db = str(tmp_path / "executions.db")
    first = _python(f"from tests.interrupts.crash_flow import pause_then_die; pause_then_die({db!r}, {TOPICS!r})")
    assert first.returncode == -signal.SIGKILL, first.stderr
    assert Path(db + "-wal").stat().st_size > 0, "the saves sit in the WAL: no clean close checkpointed them"
    saved = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(saved) == len(TOPICS)
    assert all(s["interrupt"].startswith(f"{s['id']}:") for s in saved)

    second = _python(f"from tests.interrupts.crash_flow import load_and_resume; load_and_resume({db!r})")
    assert second.returncode == 0, second.stderr
    resumed = [json.loads(line) for line in second.stdout.splitlines()]

    assert [r["id"] for r in resumed] == [s["id"] for s in saved], "every saved execution is there, in order"
    assert [r["digest"] for r in resumed] == [s["digest"] for s in saved], "byte for byte what was saved"
    for topic, outcome in zip(TOPICS, resumed):
        report = {"text": f"draft of {topic}", "approved_by": "legal"}
        assert outcome["result"] == {"report": report, "final": report, "$final_result": report}
