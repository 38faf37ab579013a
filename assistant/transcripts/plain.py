"""`Name: text` lines (plain, and `speakers` when the labels are generic), and free notes."""

from __future__ import annotations

from typing import Optional

from ..models import Transcript
from .common import GENERIC, Builder, candidate_labels, finish, parse_label, speaker_labels


def labelled_lines(lines: list[str]) -> tuple[set[str], list[str]]:
    """The accepted speaker names, and the speaker of each labelled line, in order."""
    accepted = speaker_labels(candidate_labels(lines))
    found = [p[0] for p in (parse_label(x, accepted) for x in lines) if p]
    return accepted, found


def looks_plain(lines: list[str]) -> bool:
    """Enough `Name: text` lines to be a conversation, not notes with a heading or two."""
    nonempty = [x for x in lines if x.strip()]
    if not nonempty:
        return False
    _, found = labelled_lines(nonempty)
    if len(found) < 2:
        return False
    share = len(found) / len(nonempty)
    repeats = len(found) > len(set(found))
    return share >= 0.5 or (repeats and share >= 0.2)


def all_generic(names: set[str] | list[str]) -> bool:
    return bool(names) and all(GENERIC.match(n) for n in names)


def read_plain(text: str, source: Optional[str] = None) -> Transcript:
    lines = text.splitlines()
    accepted, found = labelled_lines(lines)
    b = Builder()
    for line in lines:
        parsed = parse_label(line, accepted)
        if parsed:
            b.turn(*parsed)
        else:
            b.attach(line)
    segments = b.build()
    fmt = "speakers" if all_generic(set(found)) else "plain"
    return finish(segments, fmt, source)


NOTES_SPEAKER = "Notes"


def read_notes(text: str, source: Optional[str] = None) -> Transcript:
    """One speaker `Notes`, one segment per non-empty line, no times."""
    b = Builder(default_speaker=NOTES_SPEAKER)
    for line in text.splitlines():
        if line.strip():
            b.turn(NOTES_SPEAKER, line)
    return finish(b.build(), "notes", source)
