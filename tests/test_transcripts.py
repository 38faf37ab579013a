"""Every text format a user can bring, read from small fixture files; every bad input; round trips."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import transcripts
from assistant.errors import InputError

FIX = Path(__file__).parent / "fixtures" / "transcripts"


def lines_of(t):
    return [(s.speaker, s.text) for s in t.segments]


# --- formats -------------------------------------------------------------------------------


def test_plain_with_company_second_colon_preamble_and_wrapped_line():
    t = transcripts.read_file(FIX / "plain.txt")
    assert t.format == "plain" and t.source == "plain.txt"
    assert [s.name for s in t.speakers] == ["Sam Ortiz (Ledgerline)", "Dana Reyes (Acme)"]
    assert all(s.role == "unknown" for s in t.speakers)
    said = lines_of(t)
    # a second colon stays in the spoken text
    assert ("Dana Reyes (Acme)", "Honestly: invoices out within two days of delivery. Today it's nine days.") in said
    # the unlabelled last line joins the turn before it; the title line before any turn is kept too
    assert said[-1] == ("Dana Reyes (Acme)", "Days sales outstanding under 40, from 52 now. That number goes to our board every month.")
    assert said[0][1] == "Discovery call - Acme Freight - 3 March"
    assert all(s.start is None and s.end is None for s in t.segments) and t.duration is None


def test_no_word_is_dropped_from_any_fixture():
    for path in FIX.iterdir():
        t = transcripts.read_file(path)
        got = " ".join(s.text for s in t.segments)
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if not stripped or "-->" in stripped or stripped.startswith(("WEBVTT", "NOTE", "Kind:", "Language:")) or stripped.isdigit():
                continue
            if "/" in stripped and stripped.split("/")[-1].replace("-", "").isdigit():
                continue  # Teams cue id
            # the last word of every line survives (labels, tags and stamps come off the front)
            last = stripped.replace("</v>", "").replace("<b>", "").replace("</b>", "").split()[-1].replace("&amp;", "&")
            assert last in got, f"{path.name}: lost {line!r}"


def test_speakers_generic_labels():
    t = transcripts.read_file(FIX / "speakers.txt")
    assert t.format == "speakers"
    assert [s.name for s in t.speakers] == ["Speaker 1", "Speaker 2"]
    assert len(t.segments) == 6
    u = transcripts.read_file(FIX / "speakers_underscore.txt")
    assert u.format == "speakers" and [s.name for s in u.speakers] == ["SPEAKER_00", "SPEAKER_01"]


def test_vtt_voice_tags_multiline_cue_entities_and_untagged_cue():
    t = transcripts.read_file(FIX / "plain.vtt")
    assert t.format == "vtt" and t.language == "en"
    assert lines_of(t) == [
        ("Sam Ortiz", "What does success look like for you, say a year from now?"),
        ("Dana Reyes", "We stop chasing paperwork & bill within two days."),
        ("Dana Reyes", "And our cash comes in faster."),  # no tag: the previous speaker goes on
        ("Sam Ortiz", "How will you know?"),
    ]
    assert (t.segments[1].start, t.segments[1].end) == (6.0, 11.25)
    assert t.segments[3].start == 15.0  # mm:ss.ttt timing without hours
    assert t.duration == 18.0
    assert "comment" not in " ".join(s.text for s in t.segments)


def test_vtt_with_name_prefix_and_without_speakers():
    t = transcripts.read_file(FIX / "prefix.vtt")
    assert lines_of(t)[1] == ("Dana Reyes", "Our IT team: they are busy until March.")
    n = transcripts.read_file(FIX / "nospeakers.vtt")
    assert n.format == "vtt" and len(n.speakers) == 1 and len(n.segments) == 2


def test_teams_vtt():
    t = transcripts.read_file(FIX / "teams.vtt")
    assert t.format == "teams"
    assert lines_of(t) == [
        ("Sam Ortiz", "What does success look like for your team?"),
        ("Dana Reyes", "Invoices out within two days of delivery."),
        ("Dana Reyes", "Today it takes us nine days."),
    ]
    assert t.segments[0].start == pytest.approx(1.234) and t.segments[0].end == pytest.approx(4.567)


def test_srt_upper_case_names_multiline_and_missing_blank_line():
    t = transcripts.read_file(FIX / "upper.srt")
    assert t.format == "srt"
    assert [s.name for s in t.speakers] == ["SAM ORTIZ", "DANA REYES"]
    assert lines_of(t) == [
        ("SAM ORTIZ", "What does success look like for you?"),
        ("DANA REYES", "We bill within two days, and errors drop below 2%."),
        ("DANA REYES", "Our CFO cares about cash."),
        ("SAM ORTIZ", "Got it: cash first."),
    ]
    assert t.segments[3].start == 12.5 and t.duration == 15.0


def test_zoom_wrapped_line_brackets_and_short_stamps():
    t = transcripts.read_file(FIX / "zoom.txt")
    assert t.format == "zoom"
    assert lines_of(t)[1] == (
        "Dana Reyes",
        "Two things. Our freight data lives in an old transport system, and IT is busy with a warehouse migration until March.",
    )
    assert [s.start for s in t.segments] == [2.0, 7.0, 15.0, 18.0, 21.0]
    assert t.segments[0].end == 7.0 and t.segments[-1].end is None
    assert t.duration == 21.0


def test_free_notes_one_speaker_one_segment_per_line():
    t = transcripts.read_file(FIX / "notes.txt")
    assert t.format == "notes"
    assert [s.name for s in t.speakers] == ["Notes"]
    assert len(t.segments) == 4  # the blank line is not a segment; "Risks:" is a heading, not a person
    assert t.segments[3].text == "Risks: IT busy with warehouse migration until March"
    assert all(s.start is None for s in t.segments)


@pytest.mark.parametrize(
    "text,fmt",
    [
        ("Dana: we need faster invoices\nSam: how fast?\nDana: two days", "plain"),
        ("Speaker 1: hi\nSpeaker 2: hello\nSpeaker 1: so", "speakers"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n", "vtt"),
        ("1\n00:00:01,000 --> 00:00:02,000\nhi\n", "srt"),
        ("[00:03:12] Dana: hi\n[00:03:15] Sam: hello\n", "zoom"),
        ("3:12 Dana: hi\n3:15 Sam: hello\n", "zoom"),
        ("Goal: faster invoices\nRisk: IT is busy\nNext steps: send the plan", "notes"),
        ("They want invoices out in two days.\nIT is busy until March.", "notes"),
        ("Met at 10:30 to talk about billing.", "notes"),
    ],
)
def test_detect(text, fmt):
    assert transcripts.detect(text) == fmt


def test_a_one_off_colon_phrase_inside_a_plain_transcript_is_not_a_new_speaker():
    t = transcripts.read_text("Dana: we need three things\nthree things: speed, cost, quality\nSam: got it\nDana: and soon")
    assert [s.name for s in t.speakers] == ["Dana", "Sam"]
    assert t.segments[0].text == "we need three things three things: speed, cost, quality"


def test_pasted_text_and_line_endings():
    t = transcripts.read_text("Dana: one\r\nSam: two\r\n", source_name="pasted notes")
    assert lines_of(t) == [("Dana", "one"), ("Sam", "two")] and t.source == "pasted notes"


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_encodings(tmp_path, encoding):
    text = "Dana Reyes: Caf\u00e9 invoices \u2013 out in two days\nSam Ortiz: Bien s\u00fbr\n"
    p = tmp_path / "t.txt"
    p.write_bytes(text.encode(encoding))
    t = transcripts.read_file(p)
    assert lines_of(t) == [("Dana Reyes", "Caf\u00e9 invoices \u2013 out in two days"), ("Sam Ortiz", "Bien s\u00fbr")]


def test_utf16_vtt_with_bom(tmp_path):
    p = tmp_path / "teams.vtt"
    p.write_bytes(codecs.BOM_UTF16_LE + (FIX / "teams.vtt").read_text().encode("utf-16-le"))
    assert transcripts.read_file(p).format == "teams"


# --- bad input -----------------------------------------------------------------------------


def bad(path) -> str:
    with pytest.raises(InputError) as e:
        transcripts.read_file(path)
    msg = str(e.value)
    assert "\n" not in msg and len(msg) < 300
    return msg


def test_missing_path(tmp_path):
    assert "no such file" in bad(tmp_path / "nope.txt")


def test_directory(tmp_path):
    assert "is a directory" in bad(tmp_path)


def test_empty_and_whitespace_only(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\t\n   \n")
    assert "empty" in bad(tmp_path / "empty.txt")
    assert "empty" in bad(tmp_path / "blank.txt")


def test_binary(tmp_path):
    p = tmp_path / "call.txt"
    p.write_bytes(bytes(range(256)) * 8)
    assert "binary" in bad(p)
    q = tmp_path / "ctrl.txt"
    q.write_bytes(b"\x01\x02\x03\x04\x05hello\x06\x07\x08" * 20)
    assert "binary" in bad(q)


def test_documents_and_audio_passed_as_transcripts(tmp_path):
    (tmp_path / "plan.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    (tmp_path / "notes.txt").write_bytes(b"PK\x03\x04\x14\x00\x06\x00")
    (tmp_path / "call.txt").write_bytes(b"RIFF\x24\x08\x00\x00WAVEfmt ")
    assert "PDF" in bad(tmp_path / "plan.txt")
    assert "docx" in bad(tmp_path / "notes.txt")
    assert ".wav" in bad(tmp_path / "call.txt")


def test_too_large(tmp_path, monkeypatch):
    from assistant.transcripts import files

    monkeypatch.setattr(files, "MAX_TEXT_BYTES", 1000)
    p = tmp_path / "big.txt"
    p.write_text("Dana: hello there\n" * 100)
    assert "limited to" in bad(p)


def test_vtt_header_without_cues(tmp_path):
    p = tmp_path / "x.vtt"
    p.write_text("WEBVTT\n\n")
    assert "no spoken text" in bad(p)


# --- writing and round trips -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["plain.vtt", "teams.vtt", "upper.srt", "zoom.txt", "plain.txt", "speakers.txt"])
@pytest.mark.parametrize("fmt", ["vtt", "srt", "txt", "json"])
def test_round_trip(name, fmt):
    t = transcripts.read_file(FIX / name)
    back = transcripts.read_text(transcripts.write(t, fmt))
    assert lines_of(back) == lines_of(t)
    if t.segments[0].start is not None:
        assert [int(s.start) for s in back.segments] == [int(s.start) for s in t.segments]


def test_txt_shows_time_role_and_speaker():
    from assistant.roles import assign_roles
    from assistant.models import Hints

    t = assign_roles(transcripts.read_file(FIX / "zoom.txt"), Hints(vendor=["Sam"]))
    out = transcripts.write(t, "txt").splitlines()
    assert out[0] == "[00:00:02] Sam Ortiz (vendor): Thanks for joining. What could get in the way this year?"
    assert out[3] == "[00:00:18] Dana Reyes (customer): Also my clerks are stretched at quarter close."
    plain = transcripts.write(transcripts.read_file(FIX / "speakers.txt"), "txt").splitlines()
    assert plain[0].startswith("Speaker 1 (unknown): Thanks")


def test_untimed_vtt_says_times_are_estimated_and_cues_do_not_overlap():
    t = transcripts.read_file(FIX / "speakers.txt")
    vtt = transcripts.write(t, "vtt")
    assert "estimated" in vtt
    back = transcripts.read_text(vtt)
    ends = [(s.start, s.end) for s in back.segments]
    assert all(a < b for a, b in ends) and all(ends[i][1] <= ends[i + 1][0] for i in range(len(ends) - 1))
    timed = transcripts.write(transcripts.read_file(FIX / "teams.vtt"), "vtt")
    assert "estimated" not in timed and "<v Sam Ortiz>" in timed


def test_vtt_escapes_markup_in_text():
    t = transcripts.read_text("Dana: cost < $5 & errors > 2%\nSam: ok")
    vtt = transcripts.write(t, "vtt")
    assert "&lt; $5 &amp; errors &gt;" in vtt
    assert transcripts.read_text(vtt).segments[0].text == "cost < $5 & errors > 2%"


def test_unknown_output_format():
    t = transcripts.read_text("Dana: hi\nSam: hello")
    with pytest.raises(InputError):
        transcripts.write(t, "docx")


def test_cli_transcribe_text_file(tmp_path):
    from assistant.cli import app

    out = tmp_path / "call.srt"
    r = CliRunner().invoke(app, ["transcribe", str(FIX / "teams.vtt"), "--vendor", "sam", "--format", "srt", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "Dana Reyes: Invoices out within two days of delivery." in out.read_text()
    r = CliRunner().invoke(app, ["transcribe", str(tmp_path / "missing.vtt")])
    assert r.exit_code == 2 and "no such file" in r.output
