"""Drafting as a restartable job: every interface (CLI, web, Slack) drafts through here.

Why: transcribing an hour of audio takes minutes, and a laptop lid closes or a server
restarts. Each step commits before the next starts (call saved -> pending, transcript
saved -> transcribed, plan saved -> drafted), so a crash or kill leaves the last finished
step intact, and `run_draft(None, ..., call_id=...)` picks up from there.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional, Union

from .models import Draft, Hints, Progress, Transcript, no_progress
from .store import StoredDraft, Store, get_store

__all__ = ["run_draft", "redraft", "StoredDraft"]


def run_draft(
    source: Optional[Union[Path, str]],
    hints: Hints = Hints(),
    *,
    origin: str,
    progress: Progress = no_progress,
    store: Optional[Store] = None,
    call_id: Optional[str] = None,
    author: Optional[str] = None,
) -> StoredDraft:
    """Save the call, transcribe, draft and store the plan; with `call_id`, resume that call
    (its stored source and hints are used; a stored transcript is not transcribed again)."""
    from . import pipeline

    store = store or get_store()
    if call_id is None:
        if source is None:
            raise ValueError("run_draft needs a source or a call_id")
        # the date is fixed when the call is saved, so a resumed job drafts the same plan
        hints = hints.model_copy(update={"call_date": hints.call_date or dt.date.today()})
        if isinstance(source, Path):
            call_id = store.save_call(source=source, text=None, hints=hints, origin=origin)
        else:
            call_id = store.save_call(source=None, text=source, hints=hints, origin=origin)
    record = store.get_call(call_id)
    if record.status == "drafted" and record.plan_id:  # already done: a resume is a no-op
        stored = store.get_draft(record.plan_id)
        return StoredDraft(call_id=call_id, plan_id=record.plan_id, version=store.versions(record.plan_id)[-1].version, draft=stored)
    hints = record.hints
    try:
        transcript = record.transcript
        if transcript is None:
            stored_source: Union[Path, str] = record.source_path if record.source_path is not None else (record.text or "")
            transcript = pipeline.load_transcript(stored_source, hints, progress)
            store.save_transcript(call_id, transcript)
        draft = pipeline.draft_transcript(transcript, hints, progress)
        plan_id, version = store.save_draft(call_id, draft, author=author or origin)
    except BaseException as e:  # a Ctrl-C is recorded too, then re-raised
        reason = "interrupted" if isinstance(e, KeyboardInterrupt) else (str(e).strip().splitlines() or [type(e).__name__])[0]
        try:
            store.set_status(call_id, "failed", reason)
        except Exception:
            pass  # the original error is the one the user needs
        raise
    return StoredDraft(call_id=call_id, plan_id=plan_id, version=version, draft=draft)


def redraft(
    plan_id: str, transcript: Transcript, hints: Hints, *, author: str, store: Optional[Store] = None
) -> StoredDraft:
    """Draft again from a corrected transcript (e.g. a speaker's role fixed): a new version of the same plan."""
    from . import pipeline

    store = store or get_store()
    plan_id = store.plan_id_for(plan_id)
    old: Draft = store.get_draft(plan_id)
    if hints.call_date is None and old.call_date is not None:
        hints = hints.model_copy(update={"call_date": old.call_date})
    draft = pipeline.draft_transcript(transcript, hints)
    version = store.update_draft(plan_id, draft, author=author, note="redrafted from a corrected transcript")
    call_id = store.call_id_for(plan_id)
    return StoredDraft(call_id=call_id, plan_id=plan_id, version=version, draft=draft)
