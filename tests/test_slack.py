"""The Slack bot over the real protocol: signed requests to its HTTP endpoint, its WebClient
pointed at a local fake of Slack's Web API (tests/fake_slack.py), the real pipeline and store."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from slack_sdk import WebClient

from assistant.config import reload_settings
from assistant.slack import blocks as kit
from assistant.slack.app import create_app
from assistant.slack.serve import PATH, start_in_thread

from conftest import SAMPLES
from fake_slack import APP_TOKEN, BOT_TOKEN, BOT_USER, FakeFile, FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOTES = (SAMPLES / "discovery_call.txt").read_text()
QUOTE = "Days sales outstanding is 52 days today, and I want it under 40 by the end of next September."
CHANNEL = "C0SALES"


class Harness:
    def __init__(self, fake: FakeSlack, url: str) -> None:
        self.fake, self.url = fake, url

    def post(self, body: str, ctype: str, *, ts: int | None = None, secret: str = SECRET, headers: dict | None = None):
        """POST like Slack: v0 HMAC-SHA256 over `v0:{timestamp}:{body}` with the signing secret."""
        ts = int(time.time()) if ts is None else ts
        sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        h = {"Content-Type": ctype, "X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": sig, **(headers or {})}
        req = urllib.request.Request(self.url, data=body.encode(), headers=h, method="POST")
        started = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read().decode(), time.monotonic() - started
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), time.monotonic() - started

    def command(self, text: str, channel: str = CHANNEL, **kw):
        body = urllib.parse.urlencode({
            "token": "legacy", "team_id": "T1", "channel_id": channel, "user_id": "UCSM", "user_name": "priya",
            "command": "/successplan", "text": text, "response_url": f"{self.fake.url}/respond/1", "trigger_id": "1.2.3",
        })
        return self.post(body, "application/x-www-form-urlencoded", **kw)

    def event(self, event: dict, event_id: str = "Ev0001", **kw):
        body = json.dumps({
            "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": event_id, "event_time": int(time.time()), "event": event,
        })
        return self.post(body, "application/json", **kw)

    def click(self, action_id: str, value: str, *, thread_ts: str, ts: str):
        payload = {
            "type": "block_actions", "team": {"id": "T1"}, "user": {"id": "UCSM"}, "api_app_id": "A1",
            "channel": {"id": CHANNEL}, "container": {"type": "message", "message_ts": ts, "channel_id": CHANNEL},
            "message": {"ts": ts, "thread_ts": thread_ts, "text": "plan"}, "trigger_id": "1.2.3",
            "response_url": f"{self.fake.url}/respond/2",
            "actions": [{"action_id": action_id, "block_id": "plan", "type": "button", "value": value, "action_ts": "1"}],
        }
        return self.post(urllib.parse.urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def drafts(self) -> list:
        """chat.postMessage calls that carry a plan (a header block)."""
        return [c for c in self.fake.of("chat.postMessage") if any(b.get("type") == "header" for b in c.params.get("blocks") or [])]

    def finished(self, timeout: float = 120) -> list:
        """Wait for the bot's last word (done, or a warning), then return the drafts it posted."""
        self.fake.wait_for(lambda f: re.search(r":(white_check_mark|warning|boom):", self.texts()), timeout=timeout)
        assert self.drafts(), self.texts()
        return self.drafts()

    def texts(self) -> str:
        """Every plain text the bot posted or edited in, in order."""
        return "\n".join(c.params.get("text") or "" for c in self.fake.calls if c.method in ("chat.postMessage", "chat.update"))


@pytest.fixture
def slack(monkeypatch):
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("CALLPLAN_WEB_URL", "https://callplan.example.com")
    settings = reload_settings()
    fake = FakeSlack()
    app = create_app(settings, client=WebClient(token=BOT_TOKEN, base_url=fake.api_url), progress_interval=0.0)
    server = start_in_thread(app)
    yield Harness(fake, f"http://127.0.0.1:{server.server_address[1]}{PATH}")
    server.shutdown()
    server.server_close()
    fake.close()


def blocks_text(call) -> str:
    return kit.text_of(call.params["blocks"])


def test_requests_with_a_bad_signature_or_an_old_timestamp_are_refused(slack):
    status, _, _ = slack.command(NOTES, secret="not-the-secret")
    assert status == 401
    status, _, _ = slack.command(NOTES, ts=int(time.time()) - 6 * 60)  # correctly signed, but 6 minutes old
    assert status == 401
    time.sleep(0.5)
    assert slack.fake.of("chat.postMessage") == []
    # the Events API's one-time URL check still works when signed
    status, body, _ = slack.post(json.dumps({"type": "url_verification", "challenge": "c-123", "token": "legacy"}), "application/json")
    assert status == 200 and "c-123" in body


def test_slash_command_acks_at_once_then_posts_the_draft_in_a_thread(slack, caplog):
    caplog.set_level(logging.DEBUG)
    status, body, seconds = slack.command(NOTES)
    acked = time.monotonic()
    assert status == 200 and seconds < 3.0
    assert "Drafting" in json.loads(body)["text"]

    [draft] = slack.finished()
    assert draft.at > acked  # the work ran after the ack
    parent = slack.fake.of("chat.postMessage")[0]
    assert parent.params["channel"] == CHANNEL and not parent.params.get("thread_ts")
    assert draft.params["thread_ts"] == "1700000000.000001"  # the draft is in the parent's thread

    text = blocks_text(draft)
    for section in ("*Goal*", "*Measures*", "*Milestones*", "*Dependencies*", "*Review date*", "*What the customer said*"):
        assert section in text
    assert f"“{QUOTE}” — _Marcus Green_" in text  # the customer's words, attributed
    assert "Priya" not in text.split("*What the customer said*")[1].split("*Expertise")[0]  # no vendor quotes
    assert "*Expertise to add*" in text
    actions = [b for b in draft.params["blocks"] if b["type"] == "actions"][0]["elements"]
    assert [a["action_id"] for a in actions] == [kit.EXPORT_DOCX, kit.EXPORT_PDF, kit.OPEN_WEB]
    assert actions[2]["url"].startswith("https://callplan.example.com/?plan=")

    assert any(c.params["text"].startswith(":white_check_mark: Drafted Success plan — Harbor Freight Logistics") for c in slack.fake.of("chat.update"))
    assert BOT_TOKEN not in caplog.text and "SECRETTOKEN" not in caplog.text and SECRET not in caplog.text


def test_a_retried_file_event_downloads_and_drafts_once(slack):
    slack.fake.files["F1"] = FakeFile("F1", "harbor call.txt", NOTES.encode())
    event = {"type": "message", "subtype": "file_share", "channel": "D0DM", "channel_type": "im", "user": "UCSM",
             "text": "", "ts": "1699999999.000100", "files": [{"id": "F1", "name": "harbor call.txt"}]}
    first = slack.event(event, event_id="Ev1")
    retry = slack.event(event, event_id="Ev1", headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert first[0] == 200 and retry[0] == 200 and first[2] < 3.0 and retry[2] < 3.0

    [draft] = slack.finished()
    assert draft.params["channel"] == "D0DM" and draft.params["thread_ts"] == "1699999999.000100"
    assert QUOTE in blocks_text(draft)
    assert slack.fake.downloads == [("F1", f"Bearer {BOT_TOKEN}")]  # fetched once, with the bot token
    saved = list(Path(reload_settings().data_dir).glob("slack/F1/*"))
    assert [p.name for p in saved] == ["harbor call.txt"]

    slack.event(event, event_id="Ev1", headers={"X-Slack-Retry-Num": "2"})  # a late retry after the draft
    time.sleep(1.0)
    assert len(slack.drafts()) == 1 and len(slack.fake.of("files.info")) == 1


def test_unsupported_and_oversized_files_get_a_clear_message(slack, monkeypatch):
    slack.fake.files["F2"] = FakeFile("F2", "deck.pdf", b"%PDF-1.4", mimetype="application/pdf")
    slack.fake.files["F3"] = FakeFile("F3", "call.wav", b"RIFF", mimetype="audio/wav", size=900 * 2**20)
    slack.event({"type": "app_mention", "channel": CHANNEL, "user": "UCSM", "text": f"<@{BOT_USER}> plan this",
                 "ts": "1699999999.000200", "files": [{"id": "F2"}]}, event_id="Ev2")
    slack.event({"type": "app_mention", "channel": CHANNEL, "user": "UCSM", "text": f"<@{BOT_USER}>",
                 "ts": "1699999999.000300", "files": [{"id": "F3"}]}, event_id="Ev3")

    def said(f):
        texts = slack.texts()
        return "deck.pdf is not something I can read" in texts and "the limit is 500 MB" in texts

    slack.fake.wait_for(said, timeout=20)
    assert "share a recording (flac m4a mp3 mp4 ogg wav webm) or a transcript" in slack.texts()
    assert slack.fake.downloads == [] and slack.drafts() == []
    threads = {c.params.get("thread_ts") for c in slack.fake.of("chat.postMessage")}
    assert threads == {"1699999999.000200", "1699999999.000300"}  # each answer in its own thread


def test_mention_in_a_thread_drafts_from_the_thread(slack):
    root = "1699999000.000100"
    lines = NOTES.strip().splitlines()
    slack.fake.threads[(CHANNEL, root)] = (
        [{"type": "message", "user": "UCSM", "ts": root, "text": lines[0]}]
        + [{"type": "message", "user": "UCSM", "ts": f"1699999000.{i:06d}", "text": line.replace("&", "&amp;")}
           for i, line in enumerate(lines[1:], start=200)]
        + [{"type": "message", "bot_id": "BOTHER", "ts": "1699999000.000900", "text": "Some bot: ignore me"},
           {"type": "message", "user": "UCSM", "ts": "1699999000.001000", "text": f"<@{BOT_USER}> draft this"}]
    )
    status, _, seconds = slack.event({"type": "app_mention", "channel": CHANNEL, "user": "UCSM",
                                      "text": f"<@{BOT_USER}> draft this", "ts": "1699999000.001000",
                                      "thread_ts": root}, event_id="Ev4")
    assert status == 200 and seconds < 3.0
    [draft] = slack.finished()
    assert draft.params["thread_ts"] == root
    assert QUOTE in blocks_text(draft) and "ignore me" not in blocks_text(draft)


def test_export_button_uploads_the_plan_to_the_thread(slack):
    from assistant.jobs import run_draft
    from assistant.models import Hints

    stored = run_draft(NOTES, Hints(), origin="test")
    status, _, seconds = slack.click(kit.EXPORT_DOCX, f"{stored.plan_id}:{stored.version}", thread_ts="1699.1", ts="1699.2")
    assert status == 200 and seconds < 3.0
    slack.click(kit.EXPORT_PDF, f"{stored.plan_id}:{stored.version}", thread_ts="1699.1", ts="1699.2")

    done = slack.fake.wait_for(lambda f: len(f.of("files.completeUploadExternal")) == 2 and f.of("files.completeUploadExternal"))
    assert {c.params["channel_id"] for c in done} == {CHANNEL} and {c.params["thread_ts"] for c in done} == {"1699.1"}
    names = sorted(c.params["filename"] for c in slack.fake.of("files.getUploadURLExternal"))
    assert names == ["success-plan-marcus-green-" + stored.draft.call_date.isoformat() + e for e in (".docx", ".pdf")]
    data = sorted(slack.fake.uploads.values(), key=len)
    assert {d[:4] for d in data} == {b"PK\x03\x04", b"%PDF"}  # a real Word file and a real PDF


def test_failures_are_told_in_slack(slack):
    # no customer in the notes: the pipeline's InputError, in the thread
    slack.command('--vendor "Marcus Green" --vendor "Priya Shah" ' + NOTES)
    slack.fake.wait_for(lambda f: "no customer speaker found" in slack.texts(), timeout=60)
    assert slack.drafts() == []

    # a channel the bot is not in: told privately through the response_url
    slack.fake.refuse_channels.add("C0PRIVATE")
    slack.command(NOTES, channel="C0PRIVATE")
    [reply] = slack.fake.wait_for(lambda f: f.responses, timeout=20)
    assert "/invite @callplan" in reply["text"] and reply["response_type"] == "ephemeral"

    # an empty command: usage, in the ack itself
    status, body, _ = slack.command("   ")
    assert status == 200 and "Paste a call's notes" in json.loads(body)["text"]

    # an export of a plan that does not exist: a message in the thread, not silence
    slack.click(kit.EXPORT_PDF, "pl_missing:1", thread_ts="1699.5", ts="1699.6")
    slack.fake.wait_for(lambda f: any(c.params.get("thread_ts") == "1699.5" for c in f.of("chat.postMessage")), timeout=20)


# ---------------------------------------------------------------- Block Kit limits (no Slack needed)


def long_draft():
    """A draft far over Slack's limits: a goal of 40 sentences plus one 3,500-character sentence, 80 long quotes."""
    import datetime as dt

    from assistant.models import Draft, Extraction, Plan, Quote, Segment, Speaker, Transcript

    sentences = [f"Sentence {i} says what success looks like for team {i}." for i in range(40)]
    monster = "We want " + " ".join(f"step{i}" for i in range(450)) + " done."
    goal = " ".join(sentences) + " " + monster
    filler = " We also said the month end close takes too long and the team is tired of it." * 4
    quotes = [Quote(text=f"Quote number {i} from the customer & <team>.{filler}", speaker="Ana", start=61.0 * i) for i in range(80)]
    return Draft(
        transcript=Transcript(segments=[Segment(speaker="Ana", text="hi")], speakers=[Speaker(name="Ana", role="customer")]),
        extraction=Extraction(goal=quotes),
        plan=Plan(goal=goal, review_date=dt.date(2026, 3, 1)),
        call_date=dt.date(2025, 12, 1),
    ), sentences, monster, quotes


def test_long_drafts_are_split_under_slacks_limits_and_nothing_is_lost():
    d, sentences, monster, quotes = long_draft()
    messages = kit.draft_messages(d, plan_id="pl_1", version=3, web_url=None)
    assert len(messages) >= 2
    for i, (text, blocks) in enumerate(messages):
        assert len(blocks) <= kit.MAX_BLOCKS
        assert f"part {i + 1} of {len(messages)}" in text and f"part {i + 1} of {len(messages)}" in kit.text_of(blocks)
        for b in blocks:
            if b["type"] == "section":
                assert len(b["text"]["text"]) <= kit.MAX_SECTION
        assert len(kit.text_of(blocks)) <= kit.MAX_MESSAGE + kit.MAX_SECTION
    everything = "\n".join(kit.text_of(b) for _, b in messages)
    assert all(s in everything for s in sentences)  # whole sentences, never cut
    assert all(f"Quote number {i} from the customer &amp; &lt;team&gt;." in everything for i in range(80))
    assert "_Ana [1:20:19]_" in everything  # the last quote, cited with speaker and h:mm:ss
    # the one sentence longer than a section is cut between words, and says so
    assert everything.count("_(continued)_") == 1
    assert all(f"step{i} " in everything or f"step{i}_" in everything or f"step{i} done." in everything for i in range(450))
    # buttons once, on the last message, carrying the plan version
    actions = [b for _, bl in messages for b in bl if b["type"] == "actions"]
    assert len(actions) == 1 and actions[0] in messages[-1][1]
    assert actions[0]["elements"][0]["value"] == "pl_1:3"


def test_progress_edits_one_message_at_most_every_interval(slack):
    from assistant.slack.bot import Status

    client = WebClient(token=BOT_TOKEN, base_url=slack.fake.api_url)
    status = Status(client, CHANNEL, "1699.1", "starting", interval=30.0)
    report = status.progress("call.wav")
    for second in range(0, 600, 5):  # a 10-minute recording reporting every 5 s of audio, all at once
        report("transcribe", float(second), 600.0)
    report("extract", 0, 1)
    report("plan", 0, 1)
    edits = slack.fake.of("chat.update")
    assert [e.params["text"] for e in edits] == [
        ":hourglass_flowing_sand: Transcribing call.wav: 00:00 of 10:00 (0%)",
        ":hourglass_flowing_sand: Finding the customer's words…",
        ":hourglass_flowing_sand: Composing the plan…",
    ]
    assert {e.params["ts"] for e in edits} == {status.ts}


@pytest.mark.slow
def test_a_shared_recording_is_transcribed_with_progress_and_drafted(slack):
    wav = SAMPLES / "discovery_call.wav"
    slack.fake.files["FA"] = FakeFile("FA", "discovery_call.wav", wav.read_bytes(), mimetype="audio/wav")
    status, _, seconds = slack.event({"type": "app_mention", "channel": CHANNEL, "user": "UCSM",
                                      "text": f'<@{BOT_USER}> --vendor "Channel 1"', "ts": "1699999999.000500",
                                      "files": [{"id": "FA", "name": "discovery_call.wav"}]}, event_id="EvA")
    assert status == 200 and seconds < 3.0
    [draft] = slack.finished(timeout=300)
    assert draft.params["thread_ts"] == "1699999999.000500"
    text = blocks_text(draft)
    assert "*Goal*" in text and "52 days" in text
    assert "[" in text.split("*What the customer said*")[1]  # audio quotes carry timestamps
    edits = slack.fake.of("chat.update")
    status_msg = slack.fake.of("chat.postMessage")[0]
    assert status_msg.params["thread_ts"] == "1699999999.000500" and "discovery_call.wav" in status_msg.params["text"]
    assert any("Transcribing discovery_call.wav" in e.params["text"] for e in edits)
    assert {e.params["ts"] for e in edits} == {"1700000000.000001"}  # one status message, edited in place


def test_callplan_slack_says_what_is_missing(monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli import app

    for var in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(var, raising=False)
    reload_settings()
    result = CliRunner().invoke(app, ["slack"])
    assert result.exit_code == 3 and "SLACK_BOT_TOKEN is not set" in result.output and "manifest.yaml" in result.output
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    reload_settings()
    result = CliRunner().invoke(app, ["slack", "--port", "0"])
    assert result.exit_code == 3 and "SLACK_APP_TOKEN" in result.output and "SLACK_SIGNING_SECRET" in result.output
    assert BOT_TOKEN not in result.output


def test_socket_mode_acks_over_the_websocket_then_drafts():
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    fake = FakeSlack()
    fake.start_socket_mode()
    app = create_app(reload_settings(), client=WebClient(token=BOT_TOKEN, base_url=fake.api_url), progress_interval=0.0)
    handler = SocketModeHandler(app, APP_TOKEN)  # opens the socket with apps.connections.open on the fake
    handler.connect()
    try:
        sent = fake.send_envelope({
            "envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
            "payload": {"token": "legacy", "team_id": "T1", "channel_id": CHANNEL, "user_id": "UCSM",
                        "command": "/successplan", "text": NOTES, "response_url": f"{fake.url}/respond/1", "trigger_id": "1"},
        })
        [(ack, at)] = fake.wait_for(lambda f: [a for a in f.acks if a[0].get("envelope_id") == "env-1"], timeout=20)
        assert at - sent < 3.0 and "Drafting" in ack["payload"]["text"]
        [draft] = Harness(fake, "").finished()
        assert QUOTE in blocks_text(draft) and draft.at > at
    finally:
        handler.close()
        fake.close()


def test_a_thread_the_bot_cannot_read_is_explained(slack):
    slack.event({"type": "app_mention", "channel": CHANNEL, "user": "UCSM", "text": f"<@{BOT_USER}> draft this",
                 "ts": "1699999100.000200", "thread_ts": "1699999100.000100"}, event_id="Ev9")
    slack.fake.wait_for(lambda f: "would not let me read this thread (thread_not_found)" in slack.texts(), timeout=20)
    assert slack.drafts() == []
