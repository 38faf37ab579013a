"""Transcript files and pasted text -> Transcript, and back out as txt / json / vtt / srt.

Formats (see docs/formats.md): plain `Name: text`, `speakers` (generic `Speaker 1:` labels),
vtt, teams (Teams' VTT), srt, zoom (`00:03:12 Name: text`), otter (Otter.ai's txt export),
meet (Google Meet's transcript), json (our own), and notes
(anything else that is text). No reader drops a line: what it cannot place joins the
previous turn.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import pydantic

from ..errors import InputError
from ..models import Transcript
from .common import parse_cue_timing
from .cues import looks_teams, read_cues
from .files import check_text, decode, read_bytes
from .meet import looks_meet, read_meet
from .otter import looks_otter, read_otter
from .plain import all_generic, labelled_lines, looks_plain, read_notes, read_plain
from .writers import WRITE_FORMATS, write
from .zoom import looks_zoom, read_zoom

__all__ = ["read_file", "read_text", "detect", "write", "WRITE_FORMATS", "FORMATS"]

FORMATS = ("plain", "speakers", "vtt", "teams", "srt", "zoom", "otter", "meet", "json", "notes")


def read_file(path: Path) -> Transcript:
    """A transcript file -> Transcript; every unusable file is an InputError with one clear line."""
    path = Path(path)
    text = decode(read_bytes(path), path.name)
    return read_text(text, source_name=path.name)


def read_text(text: str, source_name: Optional[str] = None) -> Transcript:
    """Detect the format of `text` and parse it."""
    name = source_name or "the text"
    check_text(text, name)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    fmt = detect(text)
    if fmt == "json":
        return _read_json(text, source_name)
    if fmt in ("vtt", "teams", "srt"):
        t = read_cues(text, fmt, source_name)
    elif fmt == "zoom":
        t = read_zoom(text, source_name)
    elif fmt == "otter":
        t = read_otter(text, source_name)
    elif fmt == "meet":
        t = read_meet(text, source_name)
    elif fmt in ("plain", "speakers"):
        t = read_plain(text, source_name)
    else:
        t = read_notes(text, source_name)
    if not t.segments:
        raise InputError(f"{name} looks like {fmt.upper()} but holds no spoken text; check that it is the whole file")
    return t


def detect(text: str) -> str:
    """One of FORMATS; anything that is text but no known format is `notes`."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("WEBVTT"):
        return "teams" if looks_teams(text) else "vtt"
    if head.startswith("{") and _is_transcript_json(head):
        return "json"
    lines = text.splitlines()
    timings = sum(1 for x in lines if "-->" in x and parse_cue_timing(x))
    if timings:
        return "teams" if looks_teams(text) else "srt"
    if looks_zoom(lines):
        return "zoom"
    if looks_otter(lines):
        return "otter"
    if looks_meet(lines):
        return "meet"
    if looks_plain(lines):
        return "speakers" if all_generic(set(labelled_lines(lines)[1])) else "plain"
    return "notes"


def _is_transcript_json(text: str) -> bool:
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and "segments" in data


def _read_json(text: str, source_name: Optional[str]) -> Transcript:
    try:
        t = Transcript.model_validate_json(text)
    except pydantic.ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise InputError(f"{source_name or 'the text'} is transcript JSON with a bad field {where}: {err['msg']}") from None
    if source_name and not t.source:
        t = t.model_copy(update={"source": source_name})
    return t
