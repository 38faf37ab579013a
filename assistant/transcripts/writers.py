"""Transcript -> txt / json / vtt / srt. Each reads back (through `read_text`) to the same segments.

VTT and SRT need times. For a transcript without them (pasted notes, plain `Name: text`)
cue times are *estimated* from word counts (150 words a minute, at least one second a cue),
one cue after another; the VTT says so in a NOTE. SRT has no comment syntax, so it cannot say
so: prefer txt or json for untimed transcripts.
"""

from __future__ import annotations

import html
from typing import Optional

from ..errors import InputError
from ..models import Segment, Transcript
from .common import format_clock

WORDS_PER_SECOND = 2.5
WRITE_FORMATS = ("txt", "json", "vtt", "srt")


def write(t: Transcript, fmt: str) -> str:
    if fmt == "txt":
        return write_txt(t)
    if fmt == "json":
        return t.model_dump_json(indent=2) + "\n"
    if fmt == "vtt":
        return write_vtt(t)
    if fmt == "srt":
        return write_srt(t)
    raise InputError(f"unknown transcript format {fmt!r}; use one of {', '.join(WRITE_FORMATS)}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_txt(t: Transcript) -> str:
    """`[00:01:02] Name (customer): text`, or without the time when there is none."""
    out = []
    for s in t.segments:
        who = f"{s.speaker} ({t.role_of(s.speaker)})"
        stamp = f"[{format_clock(s.start, hours=False)}] " if s.start is not None else ""
        out.append(f"{stamp}{who}: {_one_line(s.text)}")
    return "\n".join(out) + "\n"


def cue_times(segments: list[Segment]) -> tuple[list[tuple[float, float]], bool]:
    """(start, end) for every segment, and whether any had to be estimated."""
    times: list[tuple[float, float]] = []
    estimated = False
    clock = 0.0
    for i, s in enumerate(segments):
        spoken = max(1.0, round(len(s.text.split()) / WORDS_PER_SECOND, 3))
        start = s.start
        if start is None:
            start, estimated = clock, True
        end = s.end
        if end is None or end < start:
            nxt: Optional[float] = segments[i + 1].start if i + 1 < len(segments) else None
            end = nxt if nxt is not None and nxt > start else round(start + spoken, 3)
            estimated = estimated or s.start is None or nxt is None
        times.append((start, end))
        clock = max(clock, end)
    return times, estimated


def _vtt_escape(text: str) -> str:
    return html.escape(_one_line(text), quote=False)


def write_vtt(t: Transcript) -> str:
    times, estimated = cue_times(t.segments)
    out = ["WEBVTT", ""]
    if estimated:
        out += ["NOTE", "Some cue times are estimated from word counts: the source had no timestamps for them.", ""]
    for i, (s, (start, end)) in enumerate(zip(t.segments, times), 1):
        out += [str(i), f"{format_clock(start)} --> {format_clock(end)}", f"<v {s.speaker}>{_vtt_escape(s.text)}", ""]
    return "\n".join(out)


def write_srt(t: Transcript) -> str:
    times, _ = cue_times(t.segments)
    out = []
    for i, (s, (start, end)) in enumerate(zip(t.segments, times), 1):
        out += [str(i), f"{format_clock(start, ',')} --> {format_clock(end, ',')}", f"{s.speaker}: {_one_line(s.text)}", ""]
    return "\n".join(out)
