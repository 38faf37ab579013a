"""Otter.ai's plain-text export: a header line `Name  0:04` (or `Name  1:02:03` past the hour),
the turn's text on the line(s) after it, a blank line between turns, and a footer
`Transcribed by https://otter.ai`.

The name and the time are separated by two or more spaces (or a tab), and Otter pads the time
with two trailing spaces; that spacing is what tells a header from a sentence that ends with a
time. An export made without speaker names (`0:04` alone on a line) has no header to read here:
it is a `zoom` transcript and reads as one. A line before the first header joins the first turn,
a line that is not a header joins the turn it follows; only the footer is skipped.
"""

from __future__ import annotations

import re
from typing import Optional

from ..models import Transcript
from .common import Builder, clock_seconds, finish, looks_like_name

# The time that ends a header line; what comes before it must end in two spaces or a tab.
_TIME = re.compile(r"(?:(?P<h>\d{1,3}):(?P<hm>\d{2})|(?P<m>\d{1,2})):(?P<s>\d{2})$")
FOOTER = re.compile(r"^[ \t]*transcribed by[ \t]+https?://(?:www\.)?otter\.ai/?[ \t]*$", re.IGNORECASE)

# A header's name: 1-5 words, not a heading or a sentence ("Meeting starts  9:00").
_MAX_NAME_WORDS = 5


def header(line: str) -> Optional[tuple[str, float]]:
    """(speaker, seconds) for an Otter turn header, else None."""
    line = line.rstrip()
    m = _TIME.search(line, max(0, len(line) - 10))
    if not m:
        return None
    before = line[: m.start()]
    gap = len(before) - len(before.rstrip(" \t"))
    if not (gap >= 2 or before.endswith("\t")) or m.start() > 0 and line[m.start() - 1].isdigit():
        return None
    name = " ".join(before.split())
    if not name:
        return None
    if len(name.split()) > _MAX_NAME_WORDS or name.endswith((":", ".", ",", "?", "!")) or not looks_like_name(name):
        return None
    return name, clock_seconds(m.group("h"), m.group("hm") or m.group("m"), m.group("s"), None)


def looks_otter(lines: list[str]) -> bool:
    """At least two headers, each followed by text before the next one, in time order, making up
    a fair share of the lines; and either a speaker who comes back or a start in the first minute
    (so an agenda such as `Intro  9:00` / `Demo  9:15` with a line under each stays notes)."""
    body = [x for x in lines if x.strip() and not FOOTER.match(x)]
    found = [header(x) for x in body]
    heads = [(i, h) for i, h in enumerate(found) if h]
    if len(heads) < 2 or len(heads) < 0.3 * len(body):
        return False
    # every header has text under it: no two headers in a row, and the last is not the last line
    idx = [i for i, _ in heads]
    if any(b - a < 2 for a, b in zip(idx, idx[1:])) or idx[-1] == len(body) - 1:
        return False
    times = [h[1] for _, h in heads]
    if any(b < a for a, b in zip(times, times[1:])):
        return False
    names = [h[0] for _, h in heads]
    return len(set(names)) < len(names) or times[0] < 60


def read_otter(text: str, source: Optional[str] = None) -> Transcript:
    b = Builder()
    for line in text.splitlines():
        if FOOTER.match(line):
            continue
        h = header(line)
        if h:
            b.turn(h[0], "", h[1], None)
        else:
            b.attach(line)
    segments = b.build()
    # a turn ends where the next one starts; the last one's end is unknown
    for cur, nxt in zip(segments, segments[1:]):
        if cur.start is not None and nxt.start is not None and nxt.start >= cur.start:
            cur.end = nxt.start
    return finish(segments, "otter", source)
