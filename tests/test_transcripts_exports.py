"""Meeting tools' own exports: Otter.ai's txt and Google Meet's transcript keep their speakers and
times, get roles, and draft with timestamped quotes; files that only look a bit like them read as
they did before these readers existed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import transcripts
from assistant.models import Hints
from assistant.roles import assign_roles

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def lines_of(t):
    return [(s.speaker, s.text) for s in t.segments]


# --- Otter.ai ------------------------------------------------------------------------------


def test_otter_export_keeps_speakers_and_start_times():
    t = transcripts.read_file(EXPORTS / "otter.txt")
    assert t.format == "otter"
    assert [s.name for s in t.speakers] == ["Priya Shah", "Marcus Green"]
    assert len(t.segments) == 15
    assert t.segments[3].speaker == "Marcus Green" and t.segments[3].text.startswith("We would send every invoice")
    assert [s.start for s in t.segments[:4]] == [0.0, 14.0, 23.0, 31.0]
    assert t.segments[3].end == 47.0 and t.segments[-1].end is None and t.duration == 201.0
    said = " ".join(s.text for s in t.segments)
    assert "otter.ai" not in said and "0:14" not in said  # footer and headers are not speech


def test_otter_roles_are_inferred():
    t = assign_roles(transcripts.read_file(EXPORTS / "otter.txt"), Hints())
    roles = {s.name: s.role for s in t.speakers}
    assert roles == {"Priya Shah": "vendor", "Marcus Green": "customer"}


def test_otter_hours_generic_speakers_wrapped_body_and_preamble():
    text = (
        "Weekly call with Acme\n\n"
        "Speaker 1  59:58  \nSo what could get in the way?\n\n"
        "Unknown Speaker  1:00:03  \nIT is busy until March.\nAnd the clerks are stretched.\n\n"
        "Speaker 1  1:00:20  \nGot it.\n\nTranscribed by https://otter.ai\n"
    )
    t = transcripts.read_text(text)
    assert t.format == "otter"
    assert [s.start for s in t.segments] == [3598.0, 3598.0, 3603.0, 3620.0]
    assert lines_of(t) == [
        ("Speaker 1", "Weekly call with Acme"),  # a line before the first header joins the first turn
        ("Speaker 1", "So what could get in the way?"),
        ("Unknown Speaker", "IT is busy until March. And the clerks are stretched."),
        ("Speaker 1", "Got it."),
    ]


@pytest.mark.parametrize("fmt", ["txt", "json", "vtt", "srt"])
def test_otter_round_trip(fmt):
    t = transcripts.read_file(EXPORTS / "otter.txt")
    back = transcripts.read_text(transcripts.write(t, fmt))
    assert lines_of(back) == lines_of(t)
    assert [int(s.start) for s in back.segments] == [int(s.start) for s in t.segments]


def test_draft_on_an_otter_export_quotes_the_customer_with_timestamps():
    import json

    from assistant.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["draft", str(EXPORTS / "otter.txt"), "--format", "json", "--call-date", "2025-10-06"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    quotes = [q for topic in ("goal", "measures", "impediments") for q in d["extraction"][topic]]
    assert quotes and all(q["speaker"] == "Marcus Green" and q["start"] is not None for q in quotes)
    starts = {s["start"] for s in d["transcript"]["segments"] if s["speaker"] == "Marcus Green"}
    assert all(q["start"] in starts for q in quotes)
    md = runner.invoke(app, ["draft", str(EXPORTS / "otter.txt"), "--call-date", "2025-10-06"])
    assert md.exit_code == 0, md.output
    assert re.search(r"Marcus Green \[\d\d:\d\d\]", md.stdout)


# --- Google Meet ---------------------------------------------------------------------------


def test_meet_transcript_keeps_speakers_and_block_times():
    t = transcripts.read_file(EXPORTS / "meet.txt")
    assert t.format == "meet"
    # the title's "Acme Freight:" is not a speaker: that name never speaks after a stamp
    assert [s.name for s in t.speakers] == ["Sam Ortiz", "Dana Reyes"]
    said = lines_of(t)
    assert said[0] == ("Sam Ortiz", "Mar 3, 2026 Acme Freight: discovery call - Transcript")
    assert said[2] == ("Dana Reyes", "We would send every invoice within two days of delivery. Today it takes us nine days.")
    assert said[-1] == ("Sam Ortiz", "Understood. We will plan the connector around that.")
    # a turn is timed by the stamp before it and ends by the next one (or when transcription ended)
    assert [(s.start, s.end) for s in t.segments[1:]] == [(0.0, 130.0)] * 4 + [(130.0, 252.0)] * 3
    text = " ".join(s.text for s in t.segments)
    assert "00:02:10" not in text and "computer generated" not in text and "ended after" not in text


def test_meet_roles_and_round_trip():
    t = assign_roles(transcripts.read_file(EXPORTS / "meet.txt"), Hints())
    assert {s.name: s.role for s in t.speakers} == {"Sam Ortiz": "vendor", "Dana Reyes": "customer"}
    for fmt in ("txt", "json", "vtt"):
        assert lines_of(transcripts.read_text(transcripts.write(t, fmt))) == lines_of(t)


def test_older_meet_layout_with_attendees():
    text = (
        "Weekly sync (2023-10-05 at 10:00 GMT+3) - Transcript\nAttendees\nDana Reyes, Sam Ortiz\nTranscript\n"
        "This editable transcript was computer generated and might contain errors.\n"
        "00:00:00\n\nSam Ortiz: Good morning.\nDana Reyes: Morning. Our clerks are stretched.\n"
        "00:05:00\n\nSam Ortiz: Then we train in week one.\nMeeting ended after 00:06:12 👋\n"
    )
    t = transcripts.read_text(text)
    assert t.format == "meet"
    assert [s.start for s in t.segments] == [0.0, 0.0, 0.0, 300.0]
    assert t.segments[-1].end == 372.0
    assert t.segments[0].text == "Weekly sync (2023-10-05 at 10:00 GMT+3) - Transcript Dana Reyes, Sam Ortiz"


# --- near misses keep the reader they had --------------------------------------------------


@pytest.mark.parametrize(
    "text,fmt",
    [
        # Otter's layout with the spacing collapsed: no header can be told from a sentence
        ("Dana Reyes 0:04\nWe need faster invoices.\n\nSam Ortiz 0:09\nHow fast?\n", "notes"),
        # an agenda with times, one line under each: no speaker comes back, nothing starts at 0
        ("Intro  9:00\nWelcome everyone\n\nDemo  9:15\nShow the product\n", "notes"),
        # a list of names and times with nothing said
        ("Dana Reyes  0:04\nSam Ortiz  0:09\nDana Reyes  0:15\n", "notes"),
        # Otter exported without speaker names: stamps on their own lines read as zoom, as before
        ("0:00  \nWe need faster invoices.\n\n0:14  \nHow fast?\n", "zoom"),
        # a stamp before every turn is zoom, not Meet
        ("00:00:05\nDana: we need faster invoices\n00:00:09\nSam: how fast?\n", "zoom"),
        # one stray time in a plain transcript, nothing else of Meet's
        ("Dana: we need faster invoices\n00:12:00\nSam: how fast?\nDana: two days", "plain"),
        # Meet-looking stamps out of order
        ("Transcript\n00:05:00\nDana: one\nSam: two\nDana: three\nSam: four\n00:01:00\nDana: five\nSam: six\nDana: seven", "plain"),
        # a Meet heading over notes that are not turns
        ("Transcript\n00:00:00\nGoal: faster invoices\nRisk: IT is busy\nNext steps: send the plan", "notes"),
    ],
)
def test_near_misses_fall_back_to_the_reader_they_used_before(text, fmt, monkeypatch):
    assert transcripts.detect(text) == fmt
    got = transcripts.read_text(text)
    assert got.format == fmt
    monkeypatch.setattr(transcripts, "looks_otter", lambda lines: False)
    monkeypatch.setattr(transcripts, "looks_meet", lambda lines: False)
    assert transcripts.read_text(text) == got  # exactly what it read as without these readers
