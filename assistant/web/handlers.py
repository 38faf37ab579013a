"""One function per thing a user does on the page. Each calls the product modules (jobs,
store, roles, chat, plan_ops, export) and returns a `Page`: the values to show, with None
meaning "leave that part of the page as it is". No gradio here: the UI wires these up and
the tests call them directly. Errors are our own family (InputError ...); the UI shows them.
"""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from pydantic import BaseModel, Field

from ..config import get_settings
from ..errors import InputError
from ..models import Draft, Hints
from ..speech import AUDIO_EXTENSIONS, is_audio
from . import views

TEXT_EXTENSIONS = frozenset({".txt", ".md", ".vtt", ".srt", ".json"})
ACCEPTED = sorted(AUDIO_EXTENSIONS | TEXT_EXTENSIONS)
EXPORT_FORMATS = ("md", "docx", "pdf")

Report = Callable[..., Any]  # gr.Progress: report(fraction, desc=...)


class Session(BaseModel):
    """Which plan this browser tab has open, and the versions "Undo" can go back to."""

    call_id: str
    plan_id: str
    version: int
    undo: list[int] = Field(default_factory=list)


@dataclass
class Page:
    session: Optional[Session] = None
    status: Optional[str] = None
    goal: Optional[str] = None
    measures: Optional[list] = None
    milestones: Optional[list] = None
    dependencies: Optional[list] = None
    review: Optional[str] = None
    critique: Optional[str] = None
    questions: Optional[str] = None
    suggestions: Optional[str] = None
    suggestion_choices: Optional[list] = None
    evidence: Optional[str] = None
    transcript: Optional[str] = None
    speakers: Optional[list] = None
    chat: Optional[list] = None
    chat_input: Optional[str] = None
    history: Optional[list] = None
    downloads: Optional[list[Path]] = None
    versions: Optional[str] = None
    info: list[str] = field(default_factory=list)  # short toasts: "Saved version 3"
    warning: Optional[str] = None


def _store():
    from ..store import get_store

    return get_store()


# ---------------------------------------------------------------- rendering a whole page


def exports(plan_id: str, version: int, draft: Draft) -> list[Path]:
    """The plan as md/docx/pdf, written once per version under data_dir/exports/<plan>/."""
    from ..export import export_to

    folder = get_settings().data_dir / "exports" / plan_id
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in EXPORT_FORMATS:
        path = folder / views.export_name(draft, version, fmt)
        if not path.exists():
            export_to(draft, fmt, path)
        out.append(path)
    return out


def audio_url(call_id: str) -> Optional[str]:
    call = _store().get_call(call_id)
    src = call.source_path
    return views.file_url(src) if src and is_audio(src) and src.exists() else None


def versions_md(plan_id: str) -> str:
    rows = _store().versions(plan_id)
    return "\n".join(
        f"- **v{v.version}** {v.kind} by {views.esc(v.author)}, {v.created_at:%Y-%m-%d %H:%M}"
        + (f" — {views.esc(v.note)}" if v.note else "")
        for v in reversed(rows)
    )


def render(session: Session, draft: Optional[Draft] = None) -> Page:
    """Everything on the page for the plan `session` points at (its latest version)."""
    store = _store()
    draft = draft or store.get_draft(session.plan_id)
    total = store.versions(session.plan_id)[-1].version
    session = session.model_copy(update={"version": total})
    goal, measures, milestones, deps, review = views.plan_form(draft.plan)
    url = audio_url(session.call_id)
    return Page(
        session=session,
        status=views.status(draft, session.version, total),
        goal=goal,
        measures=measures,
        milestones=milestones,
        dependencies=deps,
        review=review,
        critique=views.critique_md(draft),
        questions=views.questions_md(draft),
        suggestions=views.suggestions_md(draft),
        suggestion_choices=views.suggestion_choices(draft),
        evidence=views.evidence_html(draft, url),
        transcript=views.transcript_html(draft, url),
        speakers=views.speakers(draft),
        chat=views.chat_messages(store.chat_history(session.plan_id)),
        history=history_choices(),
        downloads=exports(session.plan_id, session.version, draft),
        versions=versions_md(session.plan_id),
    )


def history_choices() -> list[tuple[str, str]]:
    return views.history_choices(_store().list_calls(limit=100))


_warmer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callplan-warm")  # joined at exit, unlike a daemon


def _warm_chat(draft: Draft) -> None:
    """Embed the call's sentences in the background so the first chat question is quick."""
    from .. import chat

    _warmer.submit(chat.prepare, draft)


# ---------------------------------------------------------------- actions


def _progress(report: Optional[Report]):
    def cb(stage: str, done: float, total: Optional[float]) -> None:
        if report is not None:
            frac, label = views.progress_step(stage, done, total)
            report(frac, desc=label)

    return cb


_in_progress: set[str] = set()
_in_progress_lock = threading.Lock()


@contextmanager
def _drafting(call_id: str):
    """Calls this server is drafting right now, so reopening one from the history while it is
    still running does not start a second, duplicate draft of it."""
    with _in_progress_lock:
        if call_id in _in_progress:
            raise InputError("that call is being drafted right now; open it again when it is done")
        _in_progress.add(call_id)
    try:
        yield
    finally:
        with _in_progress_lock:
            _in_progress.discard(call_id)


def _names(text: Optional[str]) -> list[str]:
    return [n.strip() for n in (text or "").replace(";", ",").split(",") if n.strip()]


def check_upload(path: Path) -> Path:
    """The server-side half of the upload rules (the browser enforces them too)."""
    if path.suffix.lower() not in ACCEPTED:
        raise InputError(f"{path.name}: {path.suffix or 'no extension'} files are not accepted; give a recording "
                         f"({', '.join(sorted(AUDIO_EXTENSIONS))}) or a transcript ({', '.join(sorted(TEXT_EXTENSIONS))})")
    limit = get_settings().max_upload_mb
    size = path.stat().st_size
    if size > limit * 1024 * 1024:
        raise InputError(f"{path.name} is {size / 2**20:.0f} MB; uploads are limited to {limit} MB (CALLPLAN_MAX_UPLOAD_MB)")
    return path


def draft_call(
    upload: Optional[str], notes: Optional[str], vendors: Optional[str] = "", call_date: Optional[str] = "",
    report: Optional[Report] = None, author: str = "web",
) -> Page:
    """Upload (or pasted notes) -> a stored call and its drafted plan, shown in full."""
    from ..jobs import run_draft

    notes = (notes or "").strip()
    if upload and notes:
        raise InputError("give a file or pasted notes, not both; clear one of them")
    if not upload and not notes:
        raise InputError("upload a recording or transcript, or paste your notes, then press Draft")
    path = check_upload(Path(upload)) if upload else None
    date = views.parse_date((call_date or "").strip(), "call date") or dt.date.today()
    hints = Hints(vendor=_names(vendors), call_date=date)
    # saved here, then drafted by id, so the history can tell this running draft from a stopped one
    call_id = _store().save_call(source=path, text=None if path else notes, hints=hints, origin="web")
    with _drafting(call_id):
        stored = run_draft(None, hints, origin="web", progress=_progress(report), call_id=call_id, author=author)
    _warm_chat(stored.draft)
    page = render(Session(call_id=stored.call_id, plan_id=stored.plan_id, version=stored.version), stored.draft)
    page.info.append("The plan is ready: check it, edit it, then export it.")
    return page


def open_call(call_id: Optional[str], report: Optional[Report] = None) -> Page:
    """Reopen an earlier call; one that never finished (server stopped) resumes where it stopped."""
    if not call_id:
        raise InputError("pick a call from the history list first")
    store = _store()
    call = store.get_call(call_id)
    if call.plan_id is None:  # pending, transcribed or failed: try again from the last finished step
        from ..jobs import run_draft

        with _drafting(call.id):
            stored = run_draft(None, call.hints, origin=call.origin, progress=_progress(report), call_id=call.id)
        return render(Session(call_id=stored.call_id, plan_id=stored.plan_id, version=stored.version), stored.draft)
    draft = store.get_draft(call.plan_id)
    _warm_chat(draft)
    return render(Session(call_id=call.id, plan_id=call.plan_id, version=0), draft)


NOT_FOUND = ("### No plan {id} here\nThe link asked for plan `{id}`, which this server does not have "
             "(it may be from another callplan server). Upload a call on the left, or reopen an earlier one.")


def open_link(plan_id: Optional[str]) -> Page:
    """The page a link opens (`/?plan=ID`, e.g. Slack's "Open in web app"): that stored plan with
    the history, or, for an id this server does not know, the empty page saying so. Never starts
    a draft: a call without a plan yet is reopened from the history, as usual."""
    plan_id = (plan_id or "").strip()
    if not plan_id:
        return refresh_history()
    store = _store()
    try:
        found = store.plan_id_for(plan_id)  # a call id works too, as everywhere users see both
    except InputError:
        shown = views.esc(plan_id[:64].replace("`", ""))
        try:  # a call id whose draft has not finished?
            pending = store.get_call(plan_id).status
            status = f"### Call {shown} has no plan yet\nIt is {pending}; reopen it from Earlier calls to finish it."
        except InputError:
            status = NOT_FOUND.format(id=shown)
        return Page(status=status, history=history_choices(), warning=status.split("\n", 1)[0].lstrip("# ") + ".")
    draft = store.get_draft(found)
    _warm_chat(draft)
    return render(Session(call_id=store.call_id_for(found), plan_id=found, version=0), draft)


def _need(session: Optional[Session]) -> Session:
    if session is None:
        raise InputError("no plan is open; draft a call or open one from the history first")
    return session


def _changed(session: Session, old_version: int, new_version: int, draft: Draft) -> Page:
    page = render(session.model_copy(update={"undo": [*session.undo, old_version]}), draft)
    page.info.append(f"Saved as version {new_version}.")
    return page


def save_plan(session: Optional[Session], goal: str, measures: Any, milestones: Any, dependencies: Any, review: str,
              author: str = "web") -> Page:
    """The edited plan becomes a new version (kind "edit"); nothing changed: say so, save nothing."""
    from ..plan_ops import diff

    s = _need(session)
    store = _store()
    draft = store.get_draft(s.plan_id)
    old = store.versions(s.plan_id)[-1].version
    plan = views.plan_from_form(draft.plan, goal, measures, milestones, dependencies, review)
    if plan == draft.plan:
        return Page(warning="Nothing changed in the plan, so nothing was saved.")
    v = store.add_version(s.plan_id, plan, kind="edit", author=author, note=diff(draft.plan, plan).replace("\n", " | ")[:500])
    return _changed(s, old, v, draft.model_copy(update={"plan": plan}))


def add_suggestion(session: Optional[Session], practice_id: Optional[str], author: str = "web") -> Page:
    """An "expertise to add" practice becomes a customer dependency (plan_ops.AddSuggestion)."""
    from ..plan_ops import AddSuggestion, apply

    s = _need(session)
    if not practice_id:
        raise InputError("pick a practice from the list first")
    store = _store()
    draft = store.get_draft(s.plan_id)
    old = store.versions(s.plan_id)[-1].version
    op = AddSuggestion(practice_id=practice_id)
    plan = apply(draft.plan, op, draft=draft)
    v = store.add_version(s.plan_id, plan, kind="edit", author=author, note=op.describe())
    return _changed(s, old, v, draft.model_copy(update={"plan": plan}))


def set_role(session: Optional[Session], name: str, role: str, author: str = "web") -> Page:
    """The one-click role fix: the extraction and plan are drafted again from the fixed transcript."""
    from .. import roles
    from ..jobs import redraft

    s = _need(session)
    store = _store()
    draft = store.get_draft(s.plan_id)
    transcript = roles.set_role(draft.transcript, name, role)  # type: ignore[arg-type]
    hints = store.get_call(s.call_id).hints
    stored = redraft(s.plan_id, transcript, hints, author=author)
    _warm_chat(stored.draft)
    page = render(s, stored.draft)
    page.info.append(f"{name} is now a {role}; the plan was drafted again (version {stored.version}).")
    return page


def ask(session: Optional[Session], message: str, author: str = "web") -> Page:
    """A chat turn: an answer with the customer's quotes, or a plan edit saved as a version."""
    from .. import chat

    s = _need(session)
    message = (message or "").strip()
    if not message:
        return Page(warning="Type a question about the call or a change to the plan.")
    store = _store()
    draft = store.get_draft(s.plan_id)
    old = store.versions(s.plan_id)[-1].version
    history = [{"role": m.role, "content": m.text} for m in store.chat_history(s.plan_id)]
    reply = chat.reply(draft, message, history)
    store.add_chat(s.plan_id, "user", message)
    page: Page
    if reply.plan is not None and reply.plan != draft.plan:
        note = "; ".join(op.describe() for op in reply.ops)
        v = store.add_version(s.plan_id, reply.plan, kind="chat", author=author, note=note)
        store.add_chat(s.plan_id, "assistant", reply.text, reply.quotes)
        page = _changed(s, old, v, draft.model_copy(update={"plan": reply.plan}))
    else:
        store.add_chat(s.plan_id, "assistant", reply.text, reply.quotes)
        page = Page(chat=views.chat_messages(store.chat_history(s.plan_id)))
    page.chat_input = ""
    return page


def undo(session: Optional[Session], author: str = "web") -> Page:
    """Back to the plan before this tab's last change, saved as a new version (kind "undo")."""
    from ..plan_ops import diff

    s = _need(session)
    if not s.undo:
        return Page(warning="Nothing to undo in this session.")
    store = _store()
    current = store.get_draft(s.plan_id)
    back = s.undo[-1]
    previous = store.get_draft(s.plan_id, back)
    v = store.add_version(s.plan_id, previous.plan, kind="undo", author=author, note=f"back to version {back}")
    store.add_chat(s.plan_id, "assistant", f"Undone: the plan is back to version {back}.\n\n{diff(current.plan, previous.plan)}")
    page = render(s.model_copy(update={"undo": s.undo[:-1]}), current.model_copy(update={"plan": previous.plan}))
    page.info.append(f"Undone: back to version {back} (saved as version {v}).")
    return page


def refresh_history() -> Page:
    return Page(history=history_choices())
