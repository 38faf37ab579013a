"""Cue formats: WebVTT (plain and Teams) and SRT. Both are blocks of timing line + text.

A block without a timing line is not a cue: its lines join the previous cue, so a cue whose
text contains a blank line, or a damaged timing line, loses nothing.
"""

from __future__ import annotations

import html
import re
from typing import Optional

from ..models import Transcript
from .common import Builder, candidate_labels, finish, parse_cue_timing, parse_label, speaker_labels

_VOICE = re.compile(r"<v(?:\.[\w.\-]+)?[ \t]+([^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[\d:.]*>")  # <c>, <i>, </v>, <00:00:01.000> ...
_TEAMS_ID = re.compile(r"^[0-9a-fA-F]{4,}(?:-[0-9a-fA-F]+)*/\d+-\d+$")
_METADATA = ("NOTE", "STYLE", "REGION")


_SRT_ID = re.compile(r"^\d+$")


def _is_id(lines: list[str], i: int) -> bool:
    """Is lines[i] the identifier of the cue whose timing line follows it?"""
    line = lines[i].strip()
    if not line or parse_cue_timing(line):
        return False
    if _SRT_ID.match(line) or _TEAMS_ID.match(line):
        return True
    return i == 0 or not lines[i - 1].strip()  # a VTT id stands after a blank line


def _split(text: str) -> tuple[list[str], list[tuple[Optional[tuple[float, float]], list[str]]], Optional[str]]:
    """-> (lines before the first cue, cues as (timing, text lines), language from the VTT header).

    Line by line rather than block by block, so a missing blank line between two cues or a
    blank line inside a cue's text still reads right. NOTE/STYLE/REGION blocks are skipped.
    """
    lines = text.splitlines()
    language = None
    i = 0
    if lines and lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        i = 1
        while i < len(lines) and lines[i].strip():
            if lines[i].lower().startswith("language:"):
                language = lines[i].split(":", 1)[1].strip() or None
            i += 1
    timing_at = [j for j in range(i, len(lines)) if parse_cue_timing(lines[j])]
    id_at = {j - 1 for j in timing_at if j - 1 >= i and _is_id(lines, j - 1)}
    before: list[str] = []
    cues: list[tuple[Optional[tuple[float, float]], list[str]]] = []
    in_meta = False
    for j in range(i, len(lines)):
        line = lines[j]
        if not line.strip():
            in_meta = False
            continue
        if j in id_at:
            continue
        timing = parse_cue_timing(line)
        if timing:
            cues.append((timing, []))
            in_meta = False
            continue
        prev_blank = j == 0 or not lines[j - 1].strip()
        if prev_blank and line.split(None, 1)[0] in _METADATA or in_meta:
            in_meta = True  # a comment or style block, not speech
            continue
        (cues[-1][1] if cues else before).append(line)
    return before, cues, language


def looks_teams(text: str) -> bool:
    lines = text.splitlines()
    ids = [lines[j - 1].strip() for j in range(1, len(lines)) if parse_cue_timing(lines[j]) and lines[j - 1].strip()]
    return bool(ids) and sum(bool(_TEAMS_ID.match(i)) for i in ids) * 2 >= len(ids)


def _strip_tags(s: str) -> str:
    return html.unescape(_TAG.sub("", s)).strip()


def _cue_runs(text_lines: list[str], accepted: set[str]) -> list[tuple[Optional[str], str]]:
    """Split cue text into (speaker or None, text) runs. A `<v Name>` tag or a `Name: ` prefix
    starts a new run; any other line continues the current one (multi-line cues)."""
    runs: list[tuple[Optional[str], list[str]]] = []

    def add(line: str) -> None:
        clean = _strip_tags(line)
        parsed = parse_label(clean, accepted)
        if parsed:
            runs.append((parsed[0], [parsed[1]]))
        elif runs:
            runs[-1][1].append(clean)
        else:
            runs.append((None, [clean]))

    for line in text_lines:
        parts = _VOICE.split(line)  # [before, name1, after1, name2, after2, ...]
        if parts[0].strip() or len(parts) == 1:
            add(parts[0])
        for i in range(1, len(parts), 2):
            runs.append((parts[i].strip(), [_strip_tags(parts[i + 1])]))
    return [(who, " ".join(c for c in chunk if c)) for who, chunk in runs]


def read_cues(text: str, fmt: str, source: Optional[str] = None) -> Transcript:
    """Read VTT/Teams/SRT. Speakers from `<v Name>` tags, else a `Name: text` prefix, else none
    (a cue without one continues the previous speaker)."""
    before, cues, language = _split(text)
    accepted = speaker_labels(candidate_labels([_strip_tags(x) for _, lines in cues for x in lines]))
    b = Builder()
    for line in before:
        b.attach(_strip_tags(line))
    for (start, end), lines in cues:
        for speaker, t in _cue_runs(lines, accepted) or [(None, "")]:
            b.turn(speaker, t, start, end)
    return finish(b.build(), fmt, source, language)
