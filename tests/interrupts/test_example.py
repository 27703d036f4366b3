"""examples/document_review runs as written, and `tfc check` finds nothing to say about it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)


def test_the_document_review_example_saves_loads_and_resumes_once() -> None:
    done = _run("-W", "error", "-m", "examples.document_review")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "STATUS: waiting"
    assert lines[1].startswith("WAITING: ") and lines[1].count(":") == 4, "the parent's root id"
    assert "REPEATED (same resume_request_id): same record | nothing ran twice: True" in lines
    assert (
        "RESUMED: resumed | runs: {'receive': 1, 'draft_review': 1, 'record_approval': 1, 'publish': 1}" in lines
    )
    assert (
        "REPORT: {'title': 'Supplier contract', 'summary': 'Supplier contract: 4 words, no open clauses',"
        " 'approved': True, 'approved_by': 'legal@example.com'}" in lines
    )
    stream = lines[lines.index("STREAM:") + 1 :]
    assert stream == [
        "  {'stage': 'received', 'title': ' Supplier contract '}",
        "  {'stage': 'drafted', 'title': 'Supplier contract'}",
        "  child interrupt pause: legal_approval",
        "  parent interrupt project: legal_approval",
        "  parent interrupt resume: legal_approval",
        "  child interrupt resume: legal_approval",
        "  {'stage': 'legal_approved', 'by': 'legal@example.com'}",
        "  {'stage': 'published', 'status': 'approved'}",
    ]


def test_tfc_check_sees_the_resume_event_as_emitted() -> None:
    """`pause_for(resume_to={"event": "X"})` emits X on resume: no TFC304 for `when("X")`."""
    done = _run("-m", "tfc", "check", "--no-cache", "examples/document_review")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "TFC304" not in done.stdout
    assert done.stdout.strip() == "All checks passed."
