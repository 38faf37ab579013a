"""`callplan bullseye`: success interviews -> proposed practices and Bullseye update, for review."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import knowledge
from assistant.cli import app
from assistant.config import reload_settings
from assistant.knowledge.corpus import load_corpus, parse_practice
from assistant.pipeline import load_transcript

FIXTURES = Path(__file__).parent / "fixtures"
INTERVIEW = FIXTURES / "interview_northwind.vtt"
QUOTED = re.compile(r"\u201c(.+?)\u201d \((.+?), (\d\d:\d\d)\)")


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", root)
    monkeypatch.setenv("CALLPLAN_KNOWLEDGE_DIR", str(root))
    reload_settings()
    return root


def interviewee_segments():
    t = load_transcript(INTERVIEW)
    return [s for s in t.segments if s.speaker == "Elena Ruiz"]


def test_interview_becomes_proposals_with_exact_quotes(corpus):
    before = sorted(p.name for p in (corpus / "practices").iterdir())
    r = CliRunner().invoke(app, ["bullseye", str(INTERVIEW), "--segment", "finance-ops"])
    assert r.exit_code == 0, r.output
    assert "callplan knowledge sync" in r.output and "knowledge/practices/" in r.output

    out = corpus / "proposed" / "interview-northwind"
    drafts = sorted((out / "practices").glob("*.md"))
    assert len(drafts) == 2  # two answers about what they did
    assert all(str(d) in r.output for d in drafts)
    # never merged: the corpus's practices are untouched
    assert sorted(p.name for p in (corpus / "practices").iterdir()) == before

    segments = interviewee_segments()
    starts = {f"{int(s.start) // 60:02d}:{int(s.start) % 60:02d}": s.text for s in segments}
    for path in drafts + [out / "bullseyes" / "finance-ops.md", out / "README.md"]:
        quotes = QUOTED.findall(path.read_text())
        assert quotes, path
        for text, speaker, at in quotes:
            assert speaker == "Elena Ruiz"
            assert text in starts[at], f"{text!r} is not what Elena said at {at}"

    first = parse_practice(drafts[0])  # valid corpus format, ready for an editor
    assert first.source == "interview-northwind" and first.bullseye == "finance-ops"
    assert first.title.startswith("DRAFT") and "DRAFT for an editor" in first.text
    assert "We made one AP analyst the exception owner each day" in first.text
    assert "Why did you buy" not in "".join(q[0] for q in QUOTED.findall(first.text))  # no interviewer words
    assert "We needed to get paid faster" in first.applies_to.goals
    assert any("nobody owned them" in i for i in first.applies_to.impediments)

    page = (out / "bullseyes" / "finance-ops.md").read_text()
    assert "- Cash in sooner, books closed faster." in page  # the current page is kept
    objective = page.split("## Primary business objective")[1].split("##")[0]
    measures = page.split("## How they measure success")[1].split("##")[0]
    processes = page.split("## Key processes")[1].split("##")[0]
    assert "PROPOSED from interview-northwind: \u201cWe needed to get paid faster" in objective
    assert "Days sales outstanding is down from sixty one days to forty three days in nine months." in measures
    assert "Sales reps now join a fifteen minute call every Monday" in processes
    assert "Our CFO was the sponsor" in page.split("## Key attributes")[1].split("##")[0]


def test_segment_is_inferred_and_proposals_stay_out_of_the_index(corpus):
    r = CliRunner().invoke(app, ["bullseye", str(INTERVIEW)])
    assert r.exit_code == 0, r.output
    assert "segment: finance-ops" in r.output
    hits = knowledge.search("Sales reps now join a fifteen minute call every Monday on the ten oldest invoices", k=10)
    assert not [h for h in hits if "interview" in h.practice_id]
    assert len(load_corpus(corpus)) == 7


def test_two_interviews_with_one_name_do_not_overwrite_each_other(corpus, tmp_path):
    other = tmp_path / "elsewhere" / "interview_northwind.vtt"
    other.parent.mkdir()
    shutil.copy(INTERVIEW, other)
    r = CliRunner().invoke(app, ["bullseye", str(INTERVIEW), str(other), "--segment", "finance-ops"])
    assert r.exit_code == 0, r.output
    assert (corpus / "proposed" / "interview-northwind").is_dir()
    assert (corpus / "proposed" / "interview-northwind-2" / "practices").is_dir()


def test_a_transcript_without_the_questions_is_one_clear_error(corpus, tmp_path):
    notes = tmp_path / "chat.txt"
    notes.write_text(
        "Elena Ruiz: We use the product every day and the team likes the new screens a lot.\n"
        "Priya Shah: Great to hear, thanks Elena.\n"
    )
    r = CliRunner().invoke(app, ["bullseye", str(notes), "--segment", "finance-ops"])
    assert r.exit_code == 2
    assert "found no answers to the success questions" in r.output and "Traceback" not in r.output
    assert not (corpus / "proposed" / "interview-chat").exists()
