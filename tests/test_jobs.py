"""Drafting as a stored, restartable job: statuses step by step, failures recorded, a killed
`callplan draft` leaves a consistent database and the job resumes; the plan CLI commands."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import jobs
from assistant.cli import app
from assistant.errors import InputError
from assistant.models import Hints
from assistant.store import get_store

from conftest import REPO, SAMPLES
from plan_fixtures import transcript as fixture_transcript

runner = CliRunner()


def test_run_draft_stores_each_step(tmp_path):
    src = tmp_path / "call.txt"
    src.write_bytes((SAMPLES / "discovery_call.txt").read_bytes())
    seen: list[str] = []
    stored = jobs.run_draft(src, Hints(call_date=dt.date(2025, 10, 6)), origin="web", progress=lambda s, d, t: seen.append(s))
    store = get_store()
    rec = store.get_call(stored.call_id)
    assert rec.status == "drafted" and rec.plan_id == stored.plan_id and rec.origin == "web"
    assert rec.source_path.read_bytes() == src.read_bytes()
    assert rec.transcript == stored.draft.transcript
    assert store.get_draft(stored.plan_id) == stored.draft and stored.version == 1
    assert store.versions(stored.plan_id)[0].author == "web"
    assert "extract" in seen
    # resuming a finished call changes nothing
    again = jobs.run_draft(None, call_id=stored.call_id, origin="web")
    assert (again.plan_id, again.version) == (stored.plan_id, 1)


def test_pasted_notes_are_kept_and_the_date_is_fixed_at_save():
    stored = jobs.run_draft((SAMPLES / "discovery_call.txt").read_text(), Hints(), origin="slack")
    rec = get_store().get_call(stored.call_id)
    assert rec.source_path is None and rec.source_name == "pasted notes" and "Marcus" in rec.text
    assert rec.hints.call_date == dt.date.today() == stored.draft.call_date


def test_a_failure_is_recorded_on_the_call_then_raised():
    with pytest.raises(InputError, match="no customer speaker"):
        jobs.run_draft("Sam: hello there\nAlex: hi, good to meet you", Hints(vendor=["Sam", "Alex"]), origin="cli")
    row = get_store().list_calls()[0]
    assert row.status == "failed" and row.plan_id is None
    assert "no customer speaker" in get_store().get_call(row.call_id).error


def test_resume_after_transcription_does_not_transcribe_again(tmp_path):
    """What a job killed after its transcript was saved leaves behind: pending audio + transcript."""
    store = get_store()
    call_id = store.save_call(source=SAMPLES / "discovery_call.wav", text=None,
                              hints=Hints(call_date=dt.date(2025, 3, 3)), origin="cli")
    t = fixture_transcript()
    store.save_transcript(call_id, t)
    seen: list[str] = []
    stored = jobs.run_draft(None, call_id=call_id, origin="cli", progress=lambda s, d, total: seen.append(s))
    assert "transcribe" not in seen
    assert stored.draft.transcript == t and stored.draft.call_date == dt.date(2025, 3, 3)
    assert store.get_call(call_id).status == "drafted"


def test_redraft_after_a_role_fix_is_a_new_version(tmp_path):
    stored = jobs.run_draft((SAMPLES / "discovery_call.txt").read_text(), Hints(call_date=dt.date(2025, 10, 6)), origin="web")
    t = stored.draft.transcript
    flipped = t.model_copy(update={"speakers": [s.model_copy(update={"role": "customer", "basis": "hint"}) for s in t.speakers]})
    again = jobs.redraft(stored.plan_id, flipped, Hints(), author="ana")
    assert (again.plan_id, again.call_id, again.version) == (stored.plan_id, stored.call_id, 2)
    assert again.draft.call_date == dt.date(2025, 10, 6)
    store = get_store()
    assert store.get_draft(stored.plan_id, 1).transcript == t
    assert store.get_draft(stored.plan_id).transcript == flipped
    assert [v.author for v in store.versions(stored.plan_id)] == ["web", "ana"]


def _db_rows(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return c.execute(sql).fetchall()
    except sqlite3.OperationalError:  # tables not created yet
        return []
    finally:
        c.close()


@pytest.mark.slow
def test_killing_draft_mid_transcription_leaves_a_consistent_resumable_job(isolated_data_dir, tmp_path):
    wav = tmp_path / "discovery_call.wav"  # the first 75 s of the stereo sample: both speakers, quicker to redo
    subprocess.run(["sox", str(SAMPLES / "discovery_call.wav"), str(wav), "trim", "0", "75"], check=True)
    db = isolated_data_dir / "callplan.db"
    env = {**os.environ, "CALLPLAN_DATA_DIR": str(isolated_data_dir)}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "callplan"), "draft", str(wav), "--call-date", "2025-10-06"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not _db_rows(db, "SELECT id FROM calls WHERE status = 'pending'"):
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the call row never appeared"
            time.sleep(0.02)
        time.sleep(1.0)  # into the speech model
        assert proc.poll() is None, "the job finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()

    c = sqlite3.connect(db)
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    [(call_id, status, transcript)] = c.execute("SELECT id, status, transcript FROM calls").fetchall()
    assert (status, transcript) == ("pending", None)
    assert c.execute("SELECT count(*) FROM plans").fetchone()[0] == 0
    c.close()
    copies = list((isolated_data_dir / "calls" / call_id).iterdir())
    assert [p.name for p in copies] == ["discovery_call.wav"]  # whole copy, no temp file left
    assert copies[0].read_bytes() == wav.read_bytes()

    seen: list[str] = []
    stored = jobs.run_draft(None, call_id=call_id, origin="cli", progress=lambda s, d, t: seen.append(s))
    assert "transcribe" in seen and stored.call_id == call_id
    store = get_store()
    assert store.get_call(call_id).status == "drafted"
    assert store.get_draft(stored.plan_id).call_date == dt.date(2025, 10, 6)
    assert any(s.role == "customer" for s in stored.draft.transcript.speakers)


# ---------------------------------------------------------------- the CLI over the store


def test_cli_draft_saves_and_the_plan_commands_use_it(tmp_path):
    result = runner.invoke(app, ["draft", str(SAMPLES / "discovery_call.txt"), "--call-date", "2025-10-06"])
    assert result.exit_code == 0, result.output
    m = re.search(r"saved as plan (p[0-9a-f]+); export with: callplan export \1 --format pdf", result.stderr)
    assert m, result.stderr
    plan_id = m[1]
    assert "## Goal" in result.stdout and "saved as plan" not in result.stdout

    listed = runner.invoke(app, ["calls", "list"])
    assert listed.exit_code == 0 and plan_id in listed.stdout and "drafted" in listed.stdout

    review = runner.invoke(app, ["plan", "review", plan_id, "--next", "2030-01-15"])
    assert review.exit_code == 0, review.output
    assert "recorded review as version 2; next review 2030-01-15" in review.stdout

    diff = runner.invoke(app, ["plan", "diff", plan_id, "1", "2"])
    assert diff.exit_code == 0
    assert diff.stdout.strip().splitlines()[-1] == "+ Review date: 2030-01-15"

    shown = runner.invoke(app, ["plan", "show", plan_id, "--version", "1"])
    assert shown.exit_code == 0 and "## Review date" in shown.stdout and "2030-01-15" not in shown.stdout
    assert re.search(r"^\* v1 .* draft +by cli", shown.stderr, re.M) and re.search(r"^  v2 .* review by cli", shown.stderr, re.M)

    days = (dt.date(2030, 1, 15) - dt.date.today()).days
    due = runner.invoke(app, ["plans", "due", "--days", str(days)])
    assert due.exit_code == 0 and plan_id in due.stdout and "2030-01-15" in due.stdout
    none_due = runner.invoke(app, ["plans", "due", "--days", str(days - 1)])
    assert plan_id not in none_due.stdout


@pytest.mark.parametrize(
    "args, words",
    [
        (["plan", "show", "p0000"], ("no plan 'p0000'",)),
        (["plan", "diff", "p0000", "1", "2"], ("no plan",)),
        (["plan", "review", "p0000"], ("no plan",)),
        (["export", "p0000", "--format", "pdf"], ("no plan",)),
    ],
)
def test_cli_unknown_plan_is_one_line_exit_2(args, words):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and all(w in lines[0] for w in words)


def test_cli_version_out_of_range_and_bad_review_date():
    stored = jobs.run_draft((SAMPLES / "discovery_call.txt").read_text(), Hints(call_date=dt.date(2025, 10, 6)), origin="cli")
    result = runner.invoke(app, ["plan", "show", stored.plan_id, "--version", "3"])
    assert result.exit_code == 2 and result.output.strip() == f"error: plan {stored.plan_id} has no version 3; it has versions 1 to 1"
    result = runner.invoke(app, ["plan", "review", stored.plan_id, "--next", "soon"])
    assert result.exit_code == 2 and "use YYYY-MM-DD" in result.output
    assert [v.version for v in get_store().versions(stored.plan_id)] == [1]


def test_cli_resume_finishes_an_interrupted_call():
    store = get_store()
    call_id = store.save_call(source=SAMPLES / "discovery_call.wav", text=None,
                              hints=Hints(call_date=dt.date(2025, 3, 3)), origin="cli")
    store.save_transcript(call_id, fixture_transcript())
    store.set_status(call_id, "failed", "interrupted")
    shown = runner.invoke(app, ["plan", "show", call_id])
    assert shown.exit_code == 2
    assert shown.output.strip() == (f"error: call {call_id} has no plan yet: it is failed (interrupted); "
                                    f"finish it with `callplan calls resume {call_id}`")
    result = runner.invoke(app, ["calls", "resume", call_id])
    assert result.exit_code == 0, result.output
    assert "# Success plan — Zoë Müller (2025-03-03)" in result.stdout
    plan_id = re.search(r"saved as plan (p[0-9a-f]+)", result.stderr)[1]
    assert store.get_call(call_id).status == "drafted" and store.get_call(call_id).plan_id == plan_id
