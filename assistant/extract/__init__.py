"""Extraction engines behind one call: the LLM engine when configured, else the embedded one.

Whatever an engine returns is grounded (quotes aligned to exact customer spans or dropped)
before anyone sees it, and an LLM failure falls back to the embedded engine, saying so.
"""

from __future__ import annotations

import logging
from typing import Protocol

from ..config import Settings
from ..errors import BackendError
from ..models import Extraction, Hints, Transcript

log = logging.getLogger(__name__)


class Extractor(Protocol):
    name: str

    def extract(self, transcript: Transcript) -> Extraction: ...


def choose_engine(hints: Hints, settings: Settings) -> str:
    if hints.engine:
        return hints.engine
    return "llm" if settings.llm_configured else "embedded"


def extract(transcript: Transcript, hints: Hints, settings: Settings) -> tuple[Extraction, str, list[str]]:
    """Returns (grounded extraction, engine used, notes for the user)."""
    from .embedded import EmbeddedExtractor
    from .grounding import ground

    notes: list[str] = []
    engine = choose_engine(hints, settings)
    if engine == "llm":
        from .llm import LLMExtractor

        try:
            raw = LLMExtractor(settings).extract(transcript)
            return ground(raw, transcript), "llm", notes
        except BackendError as e:
            log.warning("LLM engine failed: %s", e)
            notes.append(f"The language model failed ({e}); this draft used the embedded engine instead.")
            engine = "embedded"
    raw = EmbeddedExtractor().extract(transcript)
    return ground(raw, transcript), engine, notes
