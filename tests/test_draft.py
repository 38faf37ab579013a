"""`callplan draft` end to end: the issue's JSON shape, the one-page Markdown, clear errors."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import InputError
from assistant.extract.grounding import is_grounded
from assistant.models import Draft, Hints, Segment, Speaker, Transcript
from assistant.pipeline import draft_transcript
from assistant.render import draft_markdown

from conftest import SAMPLES

SAMPLE = SAMPLES / "discovery_call.txt"
runner = CliRunner()


@pytest.fixture(scope="module")
def sample_json() -> dict:
    result = runner.invoke(app, ["draft", str(SAMPLE), "--format", "json", "--call-date", "2025-10-06"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_has_the_issue_shape(sample_json):
    d = sample_json
    assert set(d) >= {"transcript", "extraction", "plan", "critique", "suggestions"}
    assert set(d["transcript"]) >= {"duration", "speakers", "segments"}
    for sp in d["transcript"]["speakers"]:
        assert set(sp) >= {"name", "role"} and sp["role"] in ("customer", "vendor", "unknown")
    for seg in d["transcript"]["segments"]:
        assert set(seg) >= {"start", "end", "speaker", "text"}
    ex = d["extraction"]
    for topic in ("goal", "measures", "impediments"):
        for q in ex[topic]:
            assert set(q) == {"text", "speaker", "start", "end"}
    for u in ex["unanswered"]:
        assert u["topic"] in ("goal", "measures", "impediments") and u["follow_up"]
    plan = d["plan"]
    assert isinstance(plan["goal"], str) and plan["goal"]
    assert len(plan["measures"]) <= 4 and len(plan["milestones"]) <= 5
    for m in plan["measures"]:
        assert set(m) >= {"text", "baseline", "target", "quote"}
    for ms in plan["milestones"]:
        assert ms["date"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", ms["date"])
    assert {x["owner"] for x in plan["dependencies"]} == {"customer", "vendor"}
    assert dt.date.fromisoformat(plan["review_date"]) > dt.date(2025, 10, 6)
    for c in d["critique"]:
        assert set(c) >= {"section", "problem", "suggestion"}
    assert isinstance(d["suggestions"], list)


def test_sample_quotes_are_the_customers_exact_words(sample_json):
    d = Draft.model_validate(sample_json)
    assert d.extraction.goal and d.extraction.measures and d.extraction.impediments
    for _, q in d.extraction.quotes():
        assert is_grounded(q, d.transcript)
        assert d.transcript.role_of(q.speaker) == "customer"
    said = " ".join(q.text for _, q in d.extraction.quotes()).lower()
    assert "login" not in said  # the vendor's adoption metric the customer rejected
    assert any(m.baseline and m.target for m in d.plan.measures)


def test_markdown_is_one_page_with_every_section():
    result = runner.invoke(app, ["draft", str(SAMPLE), "--call-date", "2025-10-06"])
    assert result.exit_code == 0, result.output
    md = result.stdout
    for heading in ("## Goal", "## Measures", "## Milestones", "## Dependencies", "## Review date", "## What the customer said"):
        assert heading in md
    assert "**Customer**" in md and "**Vendor**" in md
    assert re.search(r'> ".+" — \S.+', md)  # quotes carry their speaker


def test_render_shows_timestamps_unanswered_and_notes():
    t = Transcript(
        segments=[
            Segment(start=0.0, end=4.0, speaker="Sam", text="What does success look like a year from now?"),
            Segment(start=65.0, end=80.0, speaker="Dana", text="Success is that we close the books in four days instead of nine, every month."),
        ],
        speakers=[Speaker(name="Sam", role="vendor"), Speaker(name="Dana", role="customer")],
    )
    d = draft_transcript(t, Hints(call_date=dt.date(2025, 5, 20), engine="embedded"))
    d = d.model_copy(update={"notes": ["The language model failed; this draft used the embedded engine instead."]})
    md = draft_markdown(d)
    assert "Dana [01:05]" in md
    assert "## Ask next time" in md and "which numbers do you already track" in md
    assert "## Notes" in md and "embedded engine" in md
    assert md.startswith("# Success plan — Dana (2025-05-20)")


def test_no_customer_speaker_is_a_clear_input_error():
    t = Transcript(
        segments=[Segment(speaker="A", text="Hello there."), Segment(speaker="B", text="Hi, thanks for joining.")],
        speakers=[Speaker(name="A", role="vendor"), Speaker(name="B", role="unknown")],
    )
    with pytest.raises(InputError, match=r"no customer speaker found among A, B; name one with --customer NAME"):
        draft_transcript(t, Hints())


def test_unknown_engine_is_rejected_in_one_line():
    result = runner.invoke(app, ["draft", str(SAMPLE), "--engine", "gpt"])
    assert result.exit_code == 2
    assert "--engine 'gpt' is not an engine" in result.output
