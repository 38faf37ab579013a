"""What the bot does once a request is acknowledged: draft, post, export, report failures.

Why separate from the bolt handlers (app.py): handlers only ack and hand over; everything
here runs after the ack, talks to Slack through one WebClient and to the product through
`jobs.run_draft`, `export.export` and the store. Every entry point is wrapped so a failure
becomes one clear message in the thread: the bot never goes silent and never crashes.
Tokens are only ever put in Authorization headers, never in messages or logs.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import shlex
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Optional

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ..config import Settings, get_settings
from ..errors import CallplanError, InputError
from ..models import Draft, Hints
from ..progress import LABELS, clock
from . import blocks as kit

log = logging.getLogger("callplan.slack")

TEXT_EXTENSIONS = frozenset({".txt", ".text", ".md", ".vtt", ".srt", ".json", ".csv", ".log"})
MAX_TEXT_MB = 20  # transcripts/files.py refuses more than this much text anyway
NO_POST = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}
USAGE = (
    "Paste a call's notes or transcript after the command: `/successplan Marcus: We want to bill within two days…`. "
    "Optional first words: `--customer \"Name\"` / `--vendor \"Name\"` say who is who. "
    "You can also share an audio or transcript file with me in a DM, or mention me in a thread with `draft this`."
)

# one draft at a time: transcription already uses the cores; a second one would only thrash
_drafting = threading.Lock()


class SlackError(CallplanError):
    """Slack refused something we asked (the message says what to do)."""


def parse_hints(text: str) -> tuple[Hints, str]:
    """Leading `--customer NAME` / `--vendor NAME` / `--call-date YYYY-MM-DD` options, then the text.

    The same names as the CLI, so error messages that say `--customer NAME` are true here too.
    """
    vendor: list[str] = []
    customer: list[str] = []
    call_date: Optional[dt.date] = None
    rest = text.replace("“", '"').replace("”", '"').lstrip()
    pattern = re.compile(r'--(vendor|customer|call-date)(?:=|\s+)("[^"\n]*"|\S+)\s*')
    while (m := pattern.match(rest)) is not None:
        value = shlex.split(m.group(2))[0] if m.group(2).startswith('"') else m.group(2)
        if m.group(1) == "vendor":
            vendor.append(value)
        elif m.group(1) == "customer":
            customer.append(value)
        else:
            try:
                call_date = dt.date.fromisoformat(value)
            except ValueError:
                raise InputError(f"--call-date {value!r} is not a date; use YYYY-MM-DD") from None
        rest = rest[m.end() :]
    return Hints(vendor=vendor, customer=customer, call_date=call_date or dt.date.today()), rest


def plain_text(slack_text: str, bot_user_id: Optional[str] = None) -> str:
    """Slack's message text back to what was typed: bot mention removed, &amp; &lt; &gt; undone."""
    if bot_user_id:
        slack_text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", "", slack_text)
    return html.unescape(slack_text).strip()


class Status:
    """One message in the thread that says what is happening, edited in place (throttled)."""

    def __init__(self, client: WebClient, channel: str, thread_ts: Optional[str], text: str, interval: float) -> None:
        self.client, self.channel, self.interval = client, channel, interval
        resp = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)
        self.ts: str = resp["ts"]
        self.last = time.monotonic()
        self.stage: Optional[str] = None

    def set(self, text: str) -> None:
        self.client.chat_update(channel=self.channel, ts=self.ts, text=text)
        self.last = time.monotonic()

    def progress(self, what: str) -> Callable[[str, float, Optional[float]], None]:
        """A `Progress` callback: stage changes always show, transcription ticks at most every `interval` s."""

        def report(stage: str, done: float, total: Optional[float]) -> None:
            if stage == "done":
                return
            changed = stage != self.stage
            if not changed and time.monotonic() - self.last < self.interval:
                return
            self.stage = stage
            if stage == "transcribe":
                pct = f" ({100 * done / total:.0f}%)" if total else ""
                text = f":hourglass_flowing_sand: Transcribing {what}: {clock(done)} of {clock(total)}{pct}"
            else:
                text = f":hourglass_flowing_sand: {LABELS.get(stage, stage).capitalize()}…"
            try:
                self.set(text)
            except SlackApiError as e:  # a missed progress edit must not stop the draft
                log.warning("progress update failed: %s", e.response.get("error"))

        return report


class Bot:
    """The bot's work, given a WebClient (real Slack, or a local fake in tests)."""

    def __init__(
        self, client: WebClient, *, settings: Optional[Settings] = None, store=None, progress_interval: float = 5.0
    ) -> None:
        self.client = client
        self.settings = settings or get_settings()
        self._store = store
        self.progress_interval = progress_interval

    @property
    def store(self):
        if self._store is None:
            from ..store import get_store

            self._store = get_store(self.settings)
        return self._store

    def claim(self, *keys: str) -> bool:
        """True when none of these keys (Slack event_id, channel+message ts) was handled before.

        Claimed in order, stopping at the first taken one: a retry that loses the event_id must not
        go on to take the message key, or the first delivery loses that one and nobody drafts."""
        return all(self.store.claim_event(k) for k in keys)

    # ---------------------------------------------------------------- entry points

    def draft_from_command(self, *, text: str, channel: str, user: str, respond: Callable[..., Any]) -> None:
        """`/successplan <notes>`: a message in the channel that becomes the thread for the draft."""
        try:
            hints, notes = parse_hints(text)
        except InputError as e:
            respond(response_type="ephemeral", text=f":warning: {e}")
            return
        if not notes.strip():
            respond(response_type="ephemeral", text=USAGE)
            return
        try:
            status = Status(self.client, channel, None, f":hourglass_flowing_sand: <@{user}> asked for a success plan from pasted notes…", self.progress_interval)
        except SlackApiError as e:
            respond(response_type="ephemeral", text=cannot_post(e))
            return
        self._draft(status, notes, hints, what="the notes", author=f"slack:{user}", thread_ts=status.ts)

    def draft_from_message(self, *, event: dict, bot_user_id: Optional[str]) -> None:
        """A message with a file (DM or mention), or a mention in a thread, or a DM of notes."""
        channel, ts = event["channel"], event["ts"]
        thread_ts = event.get("thread_ts") or ts
        user = event.get("user", "someone")
        try:
            hints, said = parse_hints(plain_text(event.get("text") or "", bot_user_id))
        except InputError as e:
            self.say(channel, thread_ts, f":warning: {e}")
            return
        files = event.get("files") or []
        if files:
            self.draft_from_file(files, channel=channel, thread_ts=thread_ts, hints=hints, user=user)
        elif event.get("thread_ts") and re.search(r"\bdraft\b", said, re.IGNORECASE):
            self.draft_from_thread(channel=channel, thread_ts=thread_ts, mention_ts=ts, hints=hints, user=user, bot_user_id=bot_user_id)
        elif len(said) >= 200 or said.count("\n") >= 2:
            status = self.status(channel, thread_ts, ":hourglass_flowing_sand: Drafting a success plan from your notes…")
            self._draft(status, said, hints, what="the notes", author=f"slack:{user}", thread_ts=thread_ts)
        else:
            self.say(channel, thread_ts, USAGE)

    def draft_from_file(self, files: list[dict], *, channel: str, thread_ts: str, hints: Hints, user: str) -> None:
        first = files[0]
        status = self.status(channel, thread_ts, f":inbox_tray: Got {first.get('name') or 'your file'}; fetching it…")
        try:
            path = self.download(first["id"])
        except CallplanError as e:
            status.set(f":warning: {e}")
            return
        note = " (I drafted from the first file only; share the others one at a time)" if len(files) > 1 else ""
        self._draft(status, path, hints, what=path.name, author=f"slack:{user}", thread_ts=thread_ts, note=note)

    def draft_from_thread(
        self, *, channel: str, thread_ts: str, mention_ts: str, hints: Hints, user: str, bot_user_id: Optional[str]
    ) -> None:
        status = self.status(channel, thread_ts, ":hourglass_flowing_sand: Reading this thread…")
        try:
            notes = self.thread_notes(channel, thread_ts, bot_user_id)
        except SlackApiError as e:
            status.set(
                f":warning: Slack would not let me read this thread ({e.response.get('error')}); reinstall the app from "
                "slack/manifest.yaml so it has channels:history and groups:history, or paste the notes into /successplan."
            )
            return
        if not notes.strip():
            status.set(":warning: This thread has no notes to draft from yet; paste the call notes or a transcript, then mention me again.")
            return
        self._draft(status, notes, hints, what="the thread", author=f"slack:{user}", thread_ts=thread_ts)

    def export_to_thread(self, *, value: str, fmt: str, channel: str, thread_ts: Optional[str]) -> None:
        """An export button: the exact plan version the button was posted with, as a file in the thread."""
        from ..export import export

        plan_id, _, version = value.partition(":")
        draft = self.store.get_draft(plan_id, int(version) if version.isdigit() else None)
        data = export(draft, fmt)  # type: ignore[arg-type]
        name = f"{file_stem(draft)}.{fmt}"
        self.client.files_upload_v2(
            channel=channel, thread_ts=thread_ts, filename=name, content=data, title=kit.title(draft),
            initial_comment=f"Here is the plan as {fmt.upper()}.",
        )

    # ---------------------------------------------------------------- the steps

    def _draft(
        self, status: Status, source, hints: Hints, *, what: str, author: str, thread_ts: str, note: str = ""
    ) -> None:
        from ..jobs import run_draft

        if not _drafting.acquire(blocking=False):
            status.set(":hourglass: Another draft is running; yours starts as soon as it is done…")
            _drafting.acquire()
        try:
            status.set(f":hourglass_flowing_sand: Drafting a success plan from {what}…")
            stored = run_draft(source, hints, origin="slack", progress=status.progress(what), store=self.store, author=author)
        except CallplanError as e:
            status.set(f":warning: I could not draft a plan from {what}: {e}")
            return
        except Exception as e:
            log.exception("drafting failed")
            status.set(f":boom: Drafting failed on my side ({type(e).__name__}); it is logged. Try again, or draft it in the web app.")
            return
        finally:
            _drafting.release()
        self.post_draft(stored.draft, channel=status.channel, thread_ts=thread_ts, plan_id=stored.plan_id, version=stored.version)
        status.set(f":white_check_mark: Drafted {kit.title(stored.draft)} from {what}{note}. The plan is in this thread.")

    def post_draft(self, draft: Draft, *, channel: str, thread_ts: str, plan_id: Optional[str], version: int) -> None:
        """The draft as Block Kit messages in the thread; if Slack refuses the blocks, as plain Markdown."""
        for text, blocks in kit.draft_messages(draft, plan_id=plan_id, version=version, web_url=self.settings.web_url):
            try:
                self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text, blocks=blocks)
            except SlackApiError as e:
                if e.response.get("error") not in ("invalid_blocks", "msg_too_long", "invalid_blocks_format"):
                    raise
                log.warning("Slack refused the blocks (%s); posting the plan as text", e.response.get("error"))
                from ..render import draft_markdown

                for piece in kit.split_text(draft_markdown(draft), 3500):
                    self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=piece)
                return

    def status(self, channel: str, thread_ts: Optional[str], text: str) -> Status:
        return Status(self.client, channel, thread_ts, text, self.progress_interval)

    def say(self, channel: str, thread_ts: Optional[str], text: str) -> None:
        self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)

    def thread_notes(self, channel: str, thread_ts: str, bot_user_id: Optional[str]) -> str:
        """The thread's human messages, oldest first, as pasted notes (the bot's own messages left out)."""
        lines: list[str] = []
        cursor = None
        while True:
            resp = self.client.conversations_replies(channel=channel, ts=thread_ts, limit=200, cursor=cursor)
            for m in resp.get("messages", []):
                if m.get("bot_id") or (bot_user_id and m.get("user") == bot_user_id) or m.get("subtype") == "bot_message":
                    continue
                text = plain_text(m.get("text") or "", bot_user_id)
                text = re.sub(r"^\s*draft( this)?\W*$", "", text, flags=re.IGNORECASE)  # the request itself
                if text:
                    lines.append(text)
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return "\n".join(lines)

    def download(self, file_id: str) -> Path:
        """files.info, checks (type, size), then the bytes from url_private_download into the data dir."""
        from ..speech import AUDIO_EXTENSIONS

        try:
            info = self.client.files_info(file=file_id)["file"]
        except SlackApiError as e:
            raise SlackError(f"Slack would not tell me about the file ({e.response.get('error')}); share it again") from None
        name = safe_name(info.get("name") or info.get("title") or file_id)
        suffix = Path(name).suffix.lower()
        mimetype = info.get("mimetype") or ""
        if suffix not in AUDIO_EXTENSIONS and suffix not in TEXT_EXTENSIONS:
            if mimetype.startswith("text/") and not suffix:
                name, suffix = name + ".txt", ".txt"
            else:
                kinds = " ".join(sorted(e.lstrip(".") for e in AUDIO_EXTENSIONS))
                raise InputError(
                    f"{name} is not something I can read ({info.get('pretty_type') or mimetype or 'unknown type'}); "
                    f"share a recording ({kinds}) or a transcript (txt vtt srt json)"
                )
        limit_mb = self.settings.max_upload_mb if suffix in AUDIO_EXTENSIONS else MAX_TEXT_MB
        size = int(info.get("size") or 0)
        if size > limit_mb * 1024 * 1024:
            raise InputError(
                f"{name} is {size / 2**20:.0f} MB; the limit is {limit_mb} MB, so split the recording or share a transcript"
            )
        url = info.get("url_private_download") or info.get("url_private")
        if not url:
            raise InputError(f"{name} cannot be downloaded (Slack gave no download link); share it again as a file")
        dest = self.settings.ensure_data_dir() / "slack" / safe_name(file_id) / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        fetch(url, self.client.token or "", dest, max_bytes=limit_mb * 1024 * 1024, timeout=60)
        return dest


def fetch(url: str, token: str, dest: Path, *, max_bytes: int, timeout: float) -> None:
    """Stream a private Slack file to `dest` (temp file + rename), refusing more than `max_bytes`."""
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    tmp = dest.with_name(f".{dest.name}.part")
    got = 0
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp, open(tmp, "wb") as out:
            ctype = resp.headers.get("Content-Type", "")
            if ctype.startswith("text/html"):  # Slack's login page: the token lacks files:read
                raise SlackError(f"Slack would not give me {dest.name}; reinstall the app so it has the files:read scope")
            while chunk := resp.read(1 << 20):
                got += len(chunk)
                if got > max_bytes:
                    raise InputError(f"{dest.name} is over {max_bytes // 2**20} MB; split the recording or share a transcript")
                out.write(chunk)
        tmp.replace(dest)
    except OSError as e:  # urllib's URLError/HTTPError are OSErrors
        raise SlackError(f"downloading {dest.name} from Slack failed ({getattr(e, 'reason', None) or e}); share it again") from None
    finally:
        tmp.unlink(missing_ok=True)


def safe_name(name: str) -> str:
    name = re.sub(r"[^\w.\- ]+", "_", Path(name).name).strip(" .")
    return name[:120] or "file"


def file_stem(draft: Draft) -> str:
    customers = [s.name for s in draft.transcript.speakers if s.role == "customer"]
    who = re.sub(r"[^a-z0-9]+", "-", (customers[0] if customers else "customer").lower()).strip("-")
    when = draft.call_date.isoformat() if draft.call_date else "undated"
    return f"success-plan-{who}-{when}"


def cannot_post(e: SlackApiError) -> str:
    error = e.response.get("error")
    if error in NO_POST:
        return (
            ":warning: I can't post in this conversation. Invite me (`/invite @callplan`) and run the command again, "
            "or DM me the notes."
        )
    return f":warning: Slack refused my message ({error}); try again in a moment."
