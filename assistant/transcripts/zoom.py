"""Timestamped lines as Zoom, Teams chat and many meeting tools export them:
`00:03:12 Name: text`, `[00:03:12] Name: text`, `3:12 Name: text`.

A line without a timestamp (a wrapped line) joins the previous turn. A segment ends where the
next begins; the last one's end is unknown (None).
"""

from __future__ import annotations

import re
from typing import Optional

from ..models import Transcript
from .common import Builder, candidate_labels, clock_seconds, finish, parse_label, speaker_labels

STAMP = re.compile(
    r"^[ \t]*(?P<open>[\[(])?(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,2}):(?P<s>\d{2})(?:[.,](?P<f>\d{1,3}))?(?(open)[\])])"
    r"(?:[ \t]+|[ \t]*[-–|][ \t]*|$)(?P<rest>.*)$"
)


def stamped(line: str) -> Optional[tuple[float, str]]:
    m = STAMP.match(line)
    if not m:
        return None
    return clock_seconds(m.group("h"), m.group("m"), m.group("s"), m.group("f")), m.group("rest")


def looks_zoom(lines: list[str]) -> bool:
    nonempty = [x for x in lines if x.strip()]
    hits = sum(1 for x in nonempty if stamped(x))
    return hits >= 2 and hits * 2 >= len(nonempty) * 0.6


def read_zoom(text: str, source: Optional[str] = None) -> Transcript:
    lines = text.splitlines()
    items = [stamped(x) for x in lines]
    accepted = speaker_labels(candidate_labels([it[1] for it in items if it]))
    b = Builder()
    for line, it in zip(lines, items):
        if not it:
            b.attach(line)
            continue
        start, rest = it
        parsed = parse_label(rest, accepted)
        speaker, said = parsed if parsed else (None, rest)
        b.turn(speaker, said, start, None)
    segments = b.build()
    # a segment ends where the next one starts
    for cur, nxt in zip(segments, segments[1:]):
        if cur.start is not None and nxt.start is not None and nxt.start >= cur.start:
            cur.end = nxt.start
    return finish(segments, "zoom", source)
