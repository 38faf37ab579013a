"""Google Meet's transcript, as the Google Doc Meet saves (downloaded as .txt, or copied):

    Mar 16, 2026
    Acme discovery call - Transcript
    00:00:00

    Dana Reyes: text of the turn
    Sam Ortiz: text of the turn

    00:02:35

    Dana Reyes: ...
    Transcription ended after 00:04:12
    This editable transcript was computer generated and might contain errors. ...

Older transcripts put `Attendees`, the list of names and `Transcript` under the title. Meet
writes a timestamp on a line of its own every few minutes, at a turn boundary, and no time on the
turns: each turn gets the time of the stamp before it (it was said at or after that time, which
is also where to find it in the Doc) and ends at the next stamp, or when the transcription ended.

Lines before the first stamp (the date, the title, the attendees) join the first turn, as a
preamble does in a plain transcript; a `Name:` there is a speaker only if that name also speaks
after a stamp, so a title such as `Acme Freight: discovery call - Transcript` is not a person.
The stamps, the `Transcript` / `Attendees` headings and Meet's closing lines are skipped.
"""

from __future__ import annotations

import re
from typing import Optional

from ..models import Transcript
from .common import Builder, candidate_labels, clock_seconds, finish, parse_label, speaker_labels
from .plain import looks_plain

STAMP = re.compile(r"^[ \t]*\(?(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})\)?[ \t]*$")
ENDED = re.compile(r"^[ \t]*(?:transcription|meeting) ended after[ \t]+(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})\b.*$", re.IGNORECASE)
_NOTICE = re.compile(r"^[ \t]*this editable transcript was computer generated\b", re.IGNORECASE)
_HEADING = re.compile(r"^[ \t]*(?:📖[ \t]*)?(?:transcript|attendees)[ \t]*$", re.IGNORECASE)
_TITLE = re.compile(r"[-–][ \t]*transcript[ \t]*$", re.IGNORECASE)


def stamp(line: str) -> Optional[float]:
    m = STAMP.match(line)
    return clock_seconds(m.group("h"), m.group("m"), m.group("s"), None) if m else None


def _skipped(line: str) -> bool:
    return bool(ENDED.match(line) or _NOTICE.match(line) or _HEADING.match(line))


def looks_meet(lines: list[str]) -> bool:
    """Stamps on lines of their own, in time order, among `Name: text` turns; and something only
    Meet writes: a `... - Transcript` title, its closing lines, a `Transcript` heading, or a first
    stamp of 00:00:00 (a plain transcript with one stray time in it stays plain)."""
    times = [t for t in map(stamp, lines) if t is not None]
    if not times or any(b < a for a, b in zip(times, times[1:])):
        return False
    rest = [x for x in lines if stamp(x) is None and not _skipped(x)]
    if not looks_plain(rest):
        return False
    marker = any(ENDED.match(x) or _NOTICE.match(x) or _HEADING.match(x) or _TITLE.search(x) for x in lines)
    return marker or times[0] == 0


def read_meet(text: str, source: Optional[str] = None) -> Transcript:
    lines = text.splitlines()
    first = next((i for i, x in enumerate(lines) if stamp(x) is not None), len(lines))
    accepted = speaker_labels(candidate_labels(lines[first:]))
    b = Builder()
    stamps: list[float] = []
    block: dict[int, int] = {}  # id of a turn -> index of the stamp it follows
    ended: Optional[float] = None
    for line in lines:
        t = stamp(line)
        if t is not None:
            stamps.append(t)
            continue
        m = ENDED.match(line)
        if m:
            ended = clock_seconds(m.group("h"), m.group("m"), m.group("s"), None)
            continue
        if _skipped(line):
            continue
        parsed = parse_label(line, accepted)
        if parsed:
            b.turn(parsed[0], parsed[1], stamps[-1] if stamps else None, None)
            block[id(b.segments[-1])] = len(stamps) - 1
        else:
            b.attach(line)
    # a turn ends at the next stamp, or when the transcription ended
    for seg in b.segments:
        k = block.get(id(seg), -1)
        if k >= 0:
            end = stamps[k + 1] if k + 1 < len(stamps) else ended
            seg["end"] = end if end is not None and end >= seg["start"] else None
    return finish(b.build(), "meet", source)
