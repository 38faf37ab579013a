"""Pydantic types at the seams. Every interface renders a Draft; nothing else crosses a seam."""

from __future__ import annotations

import datetime as dt
from typing import Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["customer", "vendor", "unknown"]
Topic = Literal["goal", "measures", "impediments"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Segment(Strict):
    """One turn (or part of one): who said what, and when (None for text without times)."""

    start: Optional[float] = None
    end: Optional[float] = None
    speaker: str
    text: str


class Speaker(Strict):
    name: str
    role: Role = "unknown"
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    # why we think so: "hint" (user said), "inferred" (heuristics), "channel" (stereo channel)
    basis: Literal["hint", "inferred", "channel", "none"] = "none"


class Transcript(Strict):
    segments: list[Segment]
    speakers: list[Speaker] = Field(default_factory=list)
    source: Optional[str] = None
    format: str = "plain"
    duration: Optional[float] = None
    language: Optional[str] = None

    def role_of(self, name: str) -> Role:
        for s in self.speakers:
            if s.name == name:
                return s.role
        return "unknown"

    def customer_segments(self) -> list[Segment]:
        return [s for s in self.segments if self.role_of(s.speaker) == "customer"]

    def word_count(self) -> int:
        return sum(len(s.text.split()) for s in self.segments)


class Quote(Strict):
    """Evidence: `text` is an exact substring of one segment spoken by a customer speaker."""

    text: str
    speaker: str
    start: Optional[float] = None
    end: Optional[float] = None


class Unanswered(Strict):
    topic: Topic
    follow_up: str


class Extraction(Strict):
    goal: list[Quote] = Field(default_factory=list)
    measures: list[Quote] = Field(default_factory=list)
    impediments: list[Quote] = Field(default_factory=list)
    unanswered: list[Unanswered] = Field(default_factory=list)

    def quotes(self) -> list[tuple[Topic, Quote]]:
        return [(t, q) for t in ("goal", "measures", "impediments") for q in getattr(self, t)]


class Measure(Strict):
    text: str
    baseline: Optional[str] = None
    target: Optional[str] = None
    quote: Optional[Quote] = None


class Milestone(Strict):
    date: Optional[dt.date] = None
    text: str


class Dependency(Strict):
    owner: Literal["customer", "vendor"]
    text: str


class Plan(Strict):
    goal: str
    measures: list[Measure] = Field(default_factory=list, max_length=4)
    milestones: list[Milestone] = Field(default_factory=list, max_length=5)
    dependencies: list[Dependency] = Field(default_factory=list)
    review_date: dt.date


class Critique(Strict):
    section: str
    problem: str
    suggestion: str


class Suggestion(Strict):
    practice_id: str
    title: str
    text: str
    why: str
    score: float


class Draft(Strict):
    """The one object every interface renders."""

    transcript: Transcript
    extraction: Extraction
    plan: Plan
    critique: list[Critique] = Field(default_factory=list)
    suggestions: list[Suggestion] = Field(default_factory=list)
    engine: str = "embedded"
    call_date: Optional[dt.date] = None
    notes: list[str] = Field(default_factory=list)  # e.g. "LLM timed out; used the embedded engine"


class Hints(Strict):
    """What the user tells us; hints win over inference."""

    vendor: list[str] = Field(default_factory=list)
    customer: list[str] = Field(default_factory=list)
    call_date: Optional[dt.date] = None
    engine: Optional[Literal["embedded", "llm"]] = None  # None: llm when configured, else embedded


# progress(stage, done, total): e.g. ("transcribe", 12.5, 300.0) in audio seconds; total may be None.
Progress = Callable[[str, float, Optional[float]], None]


def no_progress(stage: str, done: float, total: Optional[float]) -> None:
    return None
