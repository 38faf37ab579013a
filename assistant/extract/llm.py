"""The LLM engine: the customer's words for goal, measures and impediments, via any
OpenAI-compatible model.

The transcript goes to the model as delimited data, one line per segment with an id
(`[S12 00:03:12] Name (customer): text`), so the model cites *where* a quote came from
and we map it back to speaker and time. Long calls are never truncated: they are read in
chunks of segments with a little overlap, and merged (duplicates dropped; a goal the
customer later revised is dropped, because each chunk sees the goals found so far and
names the ones it supersedes). The result is raw: `extract.extract` grounds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .. import llm, prompts
from ..config import Settings
from ..models import Extraction, Quote, Topic, Transcript, Unanswered

CHUNK_WORDS = 2500  # words of transcript per request, overlap included
OVERLAP_WORDS = 150  # context carried from the end of one chunk into the next
MAX_LINE_WORDS = 400  # a monologue longer than this is cut at sentence ends (same segment id)
TOPICS: tuple[Topic, ...] = ("goal", "measures", "impediments")


# --- what the model must return (validated; anything else is junk and gets one repair) ---


def _segment_id(value: Any) -> str:
    s = str(value if value is not None else "").strip().strip("[]")
    s = s.split()[0] if s else ""
    if s.isdigit():
        s = f"S{s}"
    return s.upper()


class Cited(BaseModel):
    model_config = ConfigDict(extra="ignore")
    segment: str = ""
    text: str = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _coerce(cls, v: Any) -> Any:
        if isinstance(v, str):
            return {"text": v}
        if isinstance(v, dict) and "text" not in v:
            for alt in ("quote", "words", "exact_words"):
                if alt in v:
                    return {**v, "text": v[alt]}
        return v

    @field_validator("segment", mode="before")
    @classmethod
    def _seg(cls, v: Any) -> str:
        return _segment_id(v)


def _topic_name(v: Any) -> str:
    v = str(v).strip().lower()
    return {"measure": "measures", "impediment": "impediments", "goals": "goal"}.get(v, v)


class _Missing(BaseModel):
    model_config = ConfigDict(extra="ignore")
    topic: Topic
    follow_up: str = ""

    @field_validator("topic", mode="before")
    @classmethod
    def _topic(cls, v: Any) -> Any:
        return _topic_name(v)


class ChunkReply(BaseModel):
    """One chunk's answer. The three fields are required: a reply without them is junk."""

    model_config = ConfigDict(extra="ignore")
    goal: list[Cited]
    measures: list[Cited]
    impediments: list[Cited]
    superseded: list[str] = Field(default_factory=list)
    unanswered: list[_Missing] = Field(default_factory=list)

    @field_validator("superseded", mode="before")
    @classmethod
    def _ids(cls, v: Any) -> list[str]:
        if v is None:
            return []
        if not isinstance(v, list):
            v = [v]
        return [s for s in (_segment_id(x) for x in v) if s]

    @field_validator("unanswered", mode="before")
    @classmethod
    def _known_topics(cls, v: Any) -> Any:
        """Drop entries about topics we do not have rather than reject the whole reply."""
        if not isinstance(v, list):
            return []
        keep = []
        for x in v:
            if isinstance(x, dict):
                topic = _topic_name(x.get("topic", ""))
                if topic in TOPICS:
                    keep.append({**x, "topic": topic})
        return keep


# --- transcript as numbered lines, and chunks of them ---


@dataclass(frozen=True)
class Line:
    index: int  # position of the segment in transcript.segments
    text: str
    words: int


def seg_id(index: int) -> str:
    return f"S{index + 1}"


def clock(seconds: Optional[float]) -> str:
    if seconds is None:
        return ""
    s = int(seconds)
    return f" {s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _pieces(text: str) -> list[str]:
    """A long monologue cut at sentence ends into pieces of at most MAX_LINE_WORDS."""
    words = text.split()
    if len(words) <= MAX_LINE_WORDS:
        return [" ".join(words)]
    out: list[str] = []
    cur: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(words)):
        n = len(sentence.split())
        if cur and len(cur) + n > MAX_LINE_WORDS:
            out.append(" ".join(cur))
            cur = []
        cur.extend(sentence.split())
        while len(cur) > MAX_LINE_WORDS:  # one endless "sentence"
            out.append(" ".join(cur[:MAX_LINE_WORDS]))
            cur = cur[MAX_LINE_WORDS:]
    if cur:
        out.append(" ".join(cur))
    return out


def lines_of(transcript: Transcript) -> list[Line]:
    lines = []
    for i, seg in enumerate(transcript.segments):
        for piece in _pieces(seg.text):
            if piece:
                lines.append(Line(i, piece, len(piece.split())))
    return lines


def chunks_of(lines: list[Line], size: int = CHUNK_WORDS, overlap: int = OVERLAP_WORDS) -> list[list[Line]]:
    """Consecutive lines of at most `size` words each; each chunk repeats ~`overlap` words
    from the end of the one before, so an answer split across the boundary is seen whole."""
    chunks: list[list[Line]] = []
    start = 0
    while start < len(lines):
        end, words = start, 0
        while end < len(lines) and (words + lines[end].words <= size or end == start):
            words += lines[end].words
            end += 1
        chunks.append(lines[start:end])
        if end >= len(lines):
            break
        back, carried = end, 0
        while back - 1 > start and carried + lines[back - 1].words <= overlap:
            back -= 1
            carried += lines[back].words
        start = back
    return chunks


def format_line(line: Line, transcript: Transcript) -> str:
    seg = transcript.segments[line.index]
    return f"[{seg_id(line.index)}{clock(seg.start)}] {seg.speaker} ({transcript.role_of(seg.speaker)}): {line.text}"


# --- the engine ---


class LLMExtractor:
    name = "llm"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def extract(self, transcript: Transcript) -> Extraction:
        chunks = chunks_of(lines_of(transcript)) or [[]]
        system = prompts.load("extract_system.md")
        model = llm.chat_model(self.settings)
        merged = _Merge(transcript)
        for k, chunk in enumerate(chunks, 1):
            user = prompts.render(
                "extract_user.md",
                part=str(k),
                parts=str(len(chunks)),
                earlier_goals=merged.earlier_goals_note(),
                transcript="\n".join(format_line(line, transcript) for line in chunk),
            )
            reply = llm.complete_json([("system", system), ("user", user)], self.settings, ChunkReply.model_validate, model=model)
            merged.add(reply)
        return merged.extraction()


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w%$.]+", " ", text.lower()).split())


def to_quote(segment: str, text: str, t: Transcript) -> Quote:
    """A model's (segment id, words) -> a Quote with that segment's speaker and times.
    A wrong or missing id is recovered by finding the words (customers first); still raw:
    grounding aligns it to an exact customer span or drops it."""
    m = re.fullmatch(r"S(\d+)", segment)
    idx = int(m.group(1)) - 1 if m else -1
    n = _norm(text)
    if not 0 <= idx < len(t.segments) or n not in _norm(t.segments[idx].text):
        hits = [i for i, s in enumerate(t.segments) if n and n in _norm(s.text)]
        hits.sort(key=lambda i: t.role_of(t.segments[i].speaker) != "customer")
        idx = hits[0] if hits else idx
    if 0 <= idx < len(t.segments):
        seg = t.segments[idx]
        return Quote(text=text, speaker=seg.speaker, start=seg.start, end=seg.end)
    return Quote(text=text, speaker="")


def injected(q: Quote, t: Transcript) -> bool:
    """True when the quote comes from a sentence that gives the system instructions (text
    read aloud from an email, say). Even a model that obeyed it cannot make it evidence."""
    from .embedded import INJECTION
    from .grounding import normalise, sentence_spans

    if INJECTION.search(q.text):
        return True
    nq = normalise(q.text)
    for seg in t.segments:
        if seg.speaker != q.speaker or not nq or nq not in normalise(seg.text):
            continue
        at = seg.text.find(q.text)
        for a, b in sentence_spans(seg.text):
            sentence = seg.text[a:b]
            overlaps = a < at + len(q.text) and b > at if at >= 0 else nq in normalise(sentence)
            if overlaps and INJECTION.search(sentence):
                return True
    return False


class _Merge:
    """Chunk replies -> one extraction, in call order, without duplicates or revised goals."""

    def __init__(self, transcript: Transcript) -> None:
        self.t = transcript
        self.fields: dict[str, list[Cited]] = {t: [] for t in TOPICS}
        self.missing: dict[str, str] = {}

    def earlier_goals_note(self) -> str:
        if not self.fields["goal"]:
            return ""
        listed = "\n".join(f'- {g.segment}: "{g.text}"' for g in self.fields["goal"])
        return (
            "Goal statements found earlier in the call (if the customer revises or replaces one in this part, "
            f"list its segment id in `superseded`):\n{listed}\n"
        )

    def add(self, reply: ChunkReply) -> None:
        cited_now = {g.segment for g in reply.goal}
        gone = set(reply.superseded) - cited_now
        self.fields["goal"] = [g for g in self.fields["goal"] if g.segment not in gone]
        for topic in TOPICS:
            items = [i for i in getattr(reply, topic) if not (topic == "goal" and i.segment in gone)]
            for item in items:
                self._add_item(topic, item)
        for m in reply.unanswered:
            self.missing.setdefault(m.topic, m.follow_up)

    def _add_item(self, topic: str, item: Cited) -> None:
        have = self.fields[topic]
        n = _norm(item.text)
        for j, old in enumerate(have):
            if old.segment == item.segment or not item.segment or not old.segment:
                o = _norm(old.text)
                if n == o or n in o:
                    return
                if o in n:  # the new one says more of the same line
                    have[j] = item
                    return
        have.append(item)

    def extraction(self) -> Extraction:
        out = {t: [q for q in (to_quote(i.segment, i.text, self.t) for i in self.fields[t]) if not injected(q, self.t)] for t in TOPICS}
        unanswered = [
            Unanswered(topic=t, follow_up=self.missing[t])  # a topic no chunk answered
            for t in TOPICS
            if t in self.missing and not out[t] and self.missing[t]
        ]
        return Extraction(**out, unanswered=unanswered)
