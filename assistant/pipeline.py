"""One pipeline, many doors: the CLI, the web app and the Slack bot all call `draft`.

Reads top to bottom like the product: source -> transcript -> roles -> extraction ->
grounding -> plan + critique -> suggestions = Draft.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

from .config import Settings, get_settings
from .models import Draft, Hints, Progress, Transcript, no_progress

Source = Union[Path, str]  # a file path, or pasted text


def load_transcript(
    source: Source, hints: Hints = Hints(), progress: Progress = no_progress, settings: Optional[Settings] = None
) -> Transcript:
    """Audio or transcript file or pasted text -> Transcript with speaker roles."""
    from . import roles, speech, transcripts

    settings = settings or get_settings()
    if isinstance(source, Path):
        if speech.is_audio(source):
            transcript = speech.transcribe(source, progress=progress, settings=settings)
        else:
            transcript = transcripts.read_file(source)
    else:
        transcript = transcripts.read_text(source, source_name="pasted notes")
    return roles.assign_roles(transcript, hints)


def draft(
    source: Source, hints: Hints = Hints(), progress: Progress = no_progress, settings: Optional[Settings] = None
) -> Draft:
    transcript = load_transcript(source, hints, progress, settings)
    return draft_transcript(transcript, hints, progress, settings)


def draft_transcript(
    transcript: Transcript, hints: Hints = Hints(), progress: Progress = no_progress, settings: Optional[Settings] = None
) -> Draft:
    """Everything after the transcript; the web app calls this again when a role is fixed."""
    from . import critic, knowledge, plan
    from .extract import extract

    settings = settings or get_settings()
    require_customer(transcript)
    progress("extract", 0, 1)
    extraction, engine, notes = extract(transcript, hints, settings)  # grounded inside
    progress("plan", 0, 1)
    the_plan = plan.compose(extraction, transcript, hints.call_date)
    critique = critic.review(the_plan, extraction, transcript)
    progress("suggest", 0, 1)
    suggestions = knowledge.suggest(extraction, the_plan, settings=settings)
    progress("done", 1, 1)
    return Draft(
        transcript=transcript,
        extraction=extraction,
        plan=the_plan,
        critique=critique,
        suggestions=suggestions,
        engine=engine,
        call_date=hints.call_date,
        notes=notes,
    )


def require_customer(transcript: Transcript) -> None:
    """Quotes must be the customer's words, so a call with no customer speaker cannot be drafted."""
    from .errors import InputError

    if any(s.role == "customer" for s in transcript.speakers):
        return
    names = [s.name for s in transcript.speakers] or sorted({seg.speaker for seg in transcript.segments})
    if not names:
        raise InputError("the transcript is empty; give a call recording, a transcript or pasted notes")
    shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    raise InputError(f"no customer speaker found among {shown}; name one with --customer NAME (or fix roles)")
