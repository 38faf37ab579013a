"""Pieces every reader shares: the `Name: text` label, times, and a builder that never drops a line.

Readers turn a file into (time, label, text) items; the builder turns items into segments,
attaching anything it cannot place to the previous turn (or the first, if it comes first).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from ..models import Segment, Speaker, Transcript

# A speaker label: 1-4 words that start with a letter (a trailing number is allowed, as in
# "Speaker 1"), optionally a parenthesised company, then a colon and a space (or the end of
# the line). "10:30" and "https://" are not labels because no space follows their colon.
_WORD = r"[^\W\d_][\w'’.\-]*"
_NAME = rf"{_WORD}(?:[ \t]+{_WORD}){{0,3}}(?:[ \t]+\d{{1,3}})?(?:[ \t]*\([^()\n]{{1,60}}\)){{0,2}}"
LABEL = re.compile(rf"^[ \t]*(?P<name>{_NAME})[ \t]*:(?:[ \t]+(?P<text>.*)|[ \t]*)$")

# Labels that carry no name: the speakers are unknown and their roles must be inferred.
GENERIC = re.compile(
    r"^(?:speaker|spk|participant|person|voice|caller|guest|channel|unknown(?: speaker)?)(?:[ _-]?(?:\d+|[a-z]))?$",
    re.IGNORECASE,
)

# Words before a colon in pasted notes that are headings, not people.
HEADINGS = {
    "goal", "goals", "objective", "objectives", "measure", "measures", "metric", "metrics",
    "risk", "risks", "impediment", "impediments", "blocker", "blockers", "next steps", "next step",
    "action items", "action item", "actions", "note", "notes", "summary", "agenda", "attendees",
    "participants", "date", "time", "subject", "re", "budget", "timeline", "pricing", "price",
    "decision", "decisions", "question", "questions", "answer", "outcome", "outcomes", "todo",
    "to do", "follow-up", "follow up", "followup", "context", "background", "challenge",
    "challenges", "problem", "problems", "pain points", "pain", "success", "owner", "customer",
    "vendor", "company", "account", "why", "what", "how", "when", "where", "who", "example",
    "update", "status", "deadline", "phase", "step", "priority", "requirements", "ps", "p.s",
    "email", "phone", "title", "role", "location", "cc", "from", "to", "kind", "language",
    "important", "warning", "tip", "result", "results", "current state", "today", "tomorrow",
    "baseline", "target", "targets", "milestone", "milestones", "dependencies", "review",
    "review date", "wins", "concerns", "concern", "feedback", "comments", "comment",
}

_PARTICLES = {"de", "da", "del", "della", "di", "van", "von", "der", "den", "le", "la", "bin", "al", "el", "y", "st"}
_ROLE_SUFFIX = re.compile(r"[ \t]*\((customer|vendor|unknown)\)$", re.IGNORECASE)


def clean_name(label: str) -> str:
    """Strip the role marker our own txt writer adds ("Dana (customer)" -> "Dana"), and spaces."""
    return re.sub(r"\s+", " ", _ROLE_SUFFIX.sub("", label)).strip()


def looks_like_name(label: str) -> bool:
    """A once-only label counts as a speaker if it reads like a name, not a heading."""
    name = clean_name(label)
    bare = re.sub(r"\s*\([^()]*\)$", "", name).strip()
    if bare.casefold() in HEADINGS:
        return False
    if GENERIC.match(bare):
        return True
    words = bare.split()
    return all(w[0].isupper() or w.isdigit() or w.casefold() in _PARTICLES for w in words)


def speaker_labels(labels: list[str]) -> set[str]:
    """Which candidate labels are speakers: any that repeats, or that reads like a name."""
    counts = Counter(clean_name(x) for x in labels)
    return {name for name, n in counts.items() if (n >= 2 and name.casefold() not in HEADINGS) or looks_like_name(name)}


def parse_label(line: str, accepted: Optional[set[str]] = None) -> Optional[tuple[str, str]]:
    """(speaker, text) when the line starts with an accepted speaker label, else None."""
    m = LABEL.match(line)
    if not m:
        return None
    name = clean_name(m.group("name"))
    if accepted is not None and name not in accepted:
        return None
    return name, (m.group("text") or "").strip()


def candidate_labels(lines: list[str]) -> list[str]:
    return [m.group("name") for m in map(LABEL.match, lines) if m]


# --- times -----------------------------------------------------------------------------------

_CLOCK = r"(?:(?P<{p}h>\d{{1,3}}):)?(?P<{p}m>\d{{1,2}}):(?P<{p}s>\d{{2}})(?:[.,](?P<{p}f>\d{{1,3}}))?"
CUE_TIMING = re.compile(
    r"^[ \t]*" + _CLOCK.format(p="a") + r"[ \t]*-->[ \t]*" + _CLOCK.format(p="b") + r"(?:[ \t].*)?$"
)


def clock_seconds(h: Optional[str], m: str, s: str, f: Optional[str]) -> float:
    frac = float(f"0.{f}") if f else 0.0
    return round(int(h or 0) * 3600 + int(m) * 60 + int(s) + frac, 3)


def parse_cue_timing(line: str) -> Optional[tuple[float, float]]:
    m = CUE_TIMING.match(line)
    if not m:
        return None
    g = m.group
    return clock_seconds(g("ah"), g("am"), g("as"), g("af")), clock_seconds(g("bh"), g("bm"), g("bs"), g("bf"))


def format_clock(seconds: float, sep: str = ".", hours: bool = True) -> str:
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}" if hours else f"{h:02d}:{m:02d}:{s:02d}"


# --- building segments -----------------------------------------------------------------------


@dataclass
class Builder:
    """Collects turns; a line it cannot place joins the previous turn, so nothing is dropped."""

    default_speaker: str = "Unknown speaker"
    segments: list[dict] = field(default_factory=list)
    leading: list[str] = field(default_factory=list)

    def turn(self, speaker: Optional[str], text: str, start: Optional[float] = None, end: Optional[float] = None) -> None:
        """A new segment; speaker None means "same as before" (a cue with no label)."""
        if speaker is None and self.segments:
            speaker = self.segments[-1]["speaker"]
        self.segments.append({"speaker": speaker, "text": text.strip(), "start": start, "end": end})

    def attach(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        if not self.segments:
            self.leading.append(text)
            return
        last = self.segments[-1]
        last["text"] = f"{last['text']} {text}" if last["text"] else text

    def build(self) -> list[Segment]:
        segs = [s for s in self.segments if s["text"]]
        if self.leading:
            if segs:
                first = segs[0]
                segs.insert(0, {**first, "text": " ".join(self.leading), "speaker": first["speaker"]})
            else:
                segs = [{"speaker": None, "text": " ".join(self.leading), "start": None, "end": None}]
        first_known = next((s["speaker"] for s in segs if s["speaker"]), self.default_speaker)
        out = []
        for s in segs:
            out.append(Segment(start=s["start"], end=s["end"], speaker=s["speaker"] or first_known, text=s["text"]))
        return out


def finish(segments: list[Segment], fmt: str, source: Optional[str] = None, language: Optional[str] = None) -> Transcript:
    """Fill speakers (in order of first appearance, role unknown), format and duration."""
    speakers = [Speaker(name=n) for n in dict.fromkeys(s.speaker for s in segments)]
    times = [t for s in segments for t in (s.end, s.start) if t is not None]
    duration = max(times) if times else None
    return Transcript(segments=segments, speakers=speakers, source=source, format=fmt, duration=duration, language=language)
