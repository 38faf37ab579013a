"""The web app's callbacks, called directly with the real pipeline, store, chat and exporters
on the bundled sample call. (tests/test_browser.py drives the same app through Chromium.)"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from pathlib import Path

import docx
import pytest

from assistant.config import reload_settings
from assistant.errors import ConfigError, InputError
from assistant.models import Draft, Extraction, Hints, Plan, Segment, Speaker, Transcript
from assistant.store import get_store
from assistant.web import handlers, views
from assistant.web.handlers import Session

REPO = Path(__file__).resolve().parent.parent
SAMPLE_TXT = REPO / "samples" / "discovery_call.txt"
SAMPLE_WAV = REPO / "samples" / "discovery_call.wav"


@pytest.fixture(scope="module")
def shared_dir():
    """The session's data dir (conftest), so the knowledge index is built once for the whole
    run, not per test or per module."""
    return Path(os.environ["CALLPLAN_DATA_DIR"])


@pytest.fixture(autouse=True)
def data_dir(isolated_data_dir, shared_dir, monkeypatch):
    monkeypatch.setenv("CALLPLAN_DATA_DIR", str(shared_dir))
    reload_settings()
    yield shared_dir
    reload_settings()


def drafted(vendors: str = "Priya Shah") -> handlers.Page:
    return handlers.draft_call(str(SAMPLE_TXT), "", vendors, "2026-11-20")


def last_bot(page: handlers.Page) -> str:
    return [m["content"] for m in page.chat if m["role"] == "assistant"][-1]


# ---------------------------------------------------------------- drafting


def test_upload_transcript_shows_plan_evidence_and_downloads(data_dir):
    page = drafted()
    s = page.session
    assert "Harbor Freight Logistics" in page.status and "2026-11-20" in page.status  # titled by the customer company
    assert "invoice within two days of delivery" in page.goal
    assert any(row[1] == "52 days" and row[2] == "under 40" for row in page.measures)
    assert page.review and dt.date.fromisoformat(page.review) > dt.date(2026, 11, 20)
    # the customer's words, with who said them; no audio player for a text transcript
    assert "Days sales outstanding is 52 days today" in page.evidence and "Marcus Green" in page.evidence
    assert "<audio" not in page.evidence
    assert ("Priya Shah", "vendor", "set by you") in page.speakers
    assert any(name == "Marcus Green" and role == "customer" for name, role, _ in page.speakers)
    assert page.suggestion_choices and all(pid for _, pid in page.suggestion_choices)
    assert "Why:" in page.suggestions
    # the call is in the history, and the downloads are real files with the plan in them
    assert s.call_id in [value for _, value in page.history]
    md, docx_path, pdf = page.downloads
    assert "invoice within two days" in md.read_text()
    text = "\n".join(p.text for p in docx.Document(str(docx_path)).paragraphs)
    assert "invoice within two days of delivery" in text
    assert pdf.read_bytes().startswith(b"%PDF")
    assert all(p.is_relative_to(data_dir) for p in page.downloads)


def test_pasted_notes_draft_and_open_from_history():
    notes = SAMPLE_TXT.read_text()
    page = handlers.draft_call(None, notes, "Priya", "")
    s = page.session
    again = handlers.open_call(s.call_id)
    assert again.session.plan_id == s.plan_id and again.goal == page.goal
    assert again.session.undo == []


def test_open_resumes_a_call_the_server_never_finished():
    store = get_store()
    call_id = store.save_call(source=SAMPLE_TXT, text=None, hints=Hints(vendor=["Priya Shah"]), origin="web")
    assert store.get_call(call_id).status == "pending"  # as if the server stopped here
    page = handlers.open_call(call_id)
    assert page.session.call_id == call_id and "invoice" in page.goal
    assert store.get_call(call_id).status == "drafted"


def test_reopening_a_call_while_it_is_being_drafted_does_not_start_a_second_draft():
    started, release, done = threading.Event(), threading.Event(), []

    def report(fraction, desc):  # the first progress report holds the draft until we are done
        started.set()
        release.wait(60)

    worker = threading.Thread(target=lambda: done.append(handlers.draft_call(str(SAMPLE_TXT), "", "Priya Shah", "", report=report)))
    worker.start()
    assert started.wait(60)
    running = get_store().list_calls(limit=1)[0]
    assert running.status in ("pending", "transcribed") and running.plan_id is None
    with pytest.raises(InputError, match="being drafted right now"):
        handlers.open_call(running.call_id)
    release.set()
    worker.join(60)
    assert done and done[0].session.call_id == running.call_id
    assert handlers.open_call(running.call_id).session.plan_id == done[0].session.plan_id


def test_audio_upload_reports_transcription_progress_and_plays_quotes(data_dir):
    reports: list[tuple] = []
    page = handlers.draft_call(str(SAMPLE_WAV), "", "", "2026-11-20", report=lambda f, desc: reports.append((f, desc)))
    transcribing = [(f, d) for f, d in reports if d.startswith("transcribing")]
    assert transcribing and transcribing[-1][0] == pytest.approx(1.0, abs=0.02)
    assert "/ 02:20 of audio" in transcribing[-1][1]
    fracs = [f for f, _ in transcribing]
    assert fracs == sorted(fracs)
    assert [d for _, d in reports][-1] == "done"
    # quotes carry a play-from-here button at their time; the player points at the stored copy
    call = get_store().get_call(page.session.call_id)
    assert f'src="/gradio_api/file={call.source_path.resolve()}"' in page.evidence
    seeks = [float(x) for x in re.findall(r'data-seek="([0-9.]+)"', page.evidence)]
    assert seeks and all(0 < t < 141 for t in seeks)
    assert call.source_path.is_relative_to(data_dir / "calls")


# ---------------------------------------------------------------- links into the app (/?plan=ID)


def linked_id(web_url: str, plan_id: str) -> str:
    """The id the page reads from the link the Slack bot posts (its "Open in web app" button)."""
    from urllib.parse import parse_qs, urlsplit

    from assistant.slack.blocks import web_link

    return parse_qs(urlsplit(web_link(web_url, plan_id)).query)["plan"][0]


def test_a_link_opens_the_latest_version_of_that_plan():
    page = drafted()
    s = page.session
    handlers.save_plan(s, "Invoice within two days of every delivery.", page.measures, page.milestones,
                       page.dependencies, page.review)
    opened = handlers.open_link(linked_id("https://callplan.example.com/", s.plan_id))
    assert opened.session.plan_id == s.plan_id and opened.session.call_id == s.call_id
    assert opened.goal == "Invoice within two days of every delivery."
    assert "Version 2 of 2" in opened.status and opened.status.splitlines()[0] == page.status.splitlines()[0]
    assert "Days sales outstanding is 52 days today" in opened.evidence
    assert opened.session.undo == [] and opened.warning is None
    assert s.call_id in [value for _, value in opened.history]
    assert handlers.open_link(s.call_id).session.plan_id == s.plan_id  # a call id works too


def test_a_link_to_an_unknown_plan_says_so_and_leaves_the_page_empty():
    drafted()
    page = handlers.open_link(" plan0000dead ")
    assert "No plan plan0000dead here" in page.status and "plan0000dead" in page.warning
    assert page.session is None and page.goal is None and page.evidence is None and page.downloads is None
    assert page.history  # the earlier calls are still there to reopen
    odd = handlers.open_link("<b>`x`</b>")
    assert "<b>" not in odd.status and "`x`" not in odd.status
    # a call still being drafted (or stopped mid-way) is not drafted by a page load
    call_id = get_store().save_call(source=SAMPLE_TXT, text=None, hints=Hints(), origin="web")
    pending = handlers.open_link(call_id)
    assert "has no plan yet" in pending.status and "pending" in pending.status and pending.session is None
    assert get_store().get_call(call_id).status == "pending"
    plain = handlers.open_link(None)  # no ?plan=: just the history
    assert plain.status is None and plain.warning is None and plain.history


# ---------------------------------------------------------------- upload rules and errors


def test_upload_rules(tmp_path, monkeypatch):
    before = len(get_store().list_calls(limit=1000))
    bad = tmp_path / "plan.docx"
    bad.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match=r"\.docx files are not accepted.*\.wav.*\.vtt"):
        handlers.draft_call(str(bad), "", "", "")
    monkeypatch.setenv("CALLPLAN_MAX_UPLOAD_MB", "1")
    reload_settings()
    big = tmp_path / "long.txt"
    big.write_text("Marcus: we need it.\n" * 60_000)  # ~1.2 MB
    with pytest.raises(InputError, match=r"limited to 1 MB"):
        handlers.draft_call(str(big), "", "", "")
    with pytest.raises(InputError, match="not both"):
        handlers.draft_call(str(SAMPLE_TXT), "Marcus: hi", "", "")
    with pytest.raises(InputError, match="upload a recording"):
        handlers.draft_call(None, "  ", "", "")
    with pytest.raises(InputError, match="call date.*YYYY-MM-DD"):
        handlers.draft_call(str(SAMPLE_TXT), "", "", "next Tuesday")
    assert len(get_store().list_calls(limit=1000)) == before  # nothing refused was stored


def test_actions_without_an_open_plan_say_what_to_do():
    for action in (lambda: handlers.undo(None), lambda: handlers.ask(None, "hi"), lambda: handlers.add_suggestion(None, "x")):
        with pytest.raises(InputError, match="no plan is open"):
            action()
    with pytest.raises(InputError, match="pick a call"):
        handlers.open_call(None)


# ---------------------------------------------------------------- editing, versions, undo


def test_edit_plan_saves_a_version_and_undo_restores_it():
    page = drafted()
    s = page.session
    new_goal = "Send every invoice within two days of delivery."
    measures = page.measures[:2]
    milestones = page.milestones + [["2027-03-01", "Transport system connector live"]]
    deps = page.dependencies + [["Vendor", "Weekly status note to Marcus"]]
    edited = handlers.save_plan(s, new_goal, measures, milestones, deps, "2027-03-15")
    assert edited.session.version == s.version + 1 and edited.session.undo == [s.version]
    plan = get_store().get_draft(s.plan_id).plan
    assert plan.goal == new_goal and len(plan.measures) == 2 and plan.review_date == dt.date(2027, 3, 15)
    assert plan.milestones[-1].date == dt.date(2027, 3, 1)
    assert plan.dependencies[-1].owner == "vendor"
    assert plan.measures[0].quote is not None  # an unchanged measure keeps its evidence
    assert "edit" in edited.versions and "Saved as version" in edited.info[0]
    assert edited.downloads[1].name.endswith(f"-v{edited.session.version}.docx")

    back = handlers.undo(edited.session)
    assert back.goal == page.goal and back.session.undo == []
    assert get_store().get_draft(s.plan_id).plan == get_store().get_draft(s.plan_id, s.version).plan
    assert [v.kind for v in get_store().versions(s.plan_id)][-2:] == ["edit", "undo"]
    assert handlers.undo(back.session).warning == "Nothing to undo in this session."


def test_saving_bad_cells_names_the_cell_and_saves_nothing():
    page = drafted()
    s = page.session
    args = [page.goal, page.measures, page.milestones, page.dependencies, page.review]
    cases = [
        ((2, [["March 1", "Pilot live"]]), r"milestone 1 date: 'March 1' is not a date"),
        ((3, [["partner", "Share data"]]), r"dependency 1: owner 'partner' must be customer or vendor"),
        ((1, [["m", "", ""]] * 5), r"5 measures; keep at most 4"),
        ((0, "One. Two. Three. Four."), r"4 sentences"),
        ((4, "soon"), r"review date: 'soon' is not a date"),
        ((0, "  "), r"the goal is empty"),
    ]
    for (i, value), message in cases:
        bad = list(args)
        bad[i] = value
        with pytest.raises(InputError, match=message):
            handlers.save_plan(s, *bad)
    unchanged = handlers.save_plan(s, *args)
    assert unchanged.warning and "Nothing changed" in unchanged.warning
    assert len(get_store().versions(s.plan_id)) == 1


def test_add_suggestion_becomes_a_customer_dependency():
    page = drafted()
    title, practice_id = page.suggestion_choices[0]
    added = handlers.add_suggestion(page.session, practice_id)
    assert ["customer", title.split(". ", 1)[1]] in added.dependencies
    with pytest.raises(InputError, match="already has that customer dependency"):
        handlers.add_suggestion(added.session, practice_id)


def test_role_fix_redrafts_the_plan_from_the_other_speaker():
    page = drafted(vendors="")
    s = page.session
    assert ("Marcus Green", "customer") in [(n, r) for n, r, _ in page.speakers]
    flipped = handlers.set_role(s, "Marcus Green", "vendor")
    roles = {n: r for n, r, _ in flipped.speakers}
    assert roles == {"Marcus Green": "vendor", "Priya Shah": "customer"}
    assert "Priya Shah" in flipped.status and "Priya Shah" in flipped.evidence
    assert flipped.session.version == s.version + 1
    back = handlers.set_role(flipped.session, "Marcus Green", "customer")
    assert {n: r for n, r, _ in back.speakers}["Marcus Green"] == "customer"
    assert "invoice" in back.goal


# ---------------------------------------------------------------- chat


def test_chat_question_is_answered_with_the_customers_words():
    page = drafted()
    s = page.session
    reply = handlers.ask(s, "what did they say about invoice errors?")
    answer = last_bot(reply)
    assert "6% of invoices" in answer and "Marcus Green" in answer
    assert reply.chat_input == "" and reply.goal is None  # only the chat changed
    assert len(get_store().versions(s.plan_id)) == 1
    assert [m["role"] for m in reply.chat] == ["user", "assistant"]


def test_chat_edit_shows_a_diff_and_undo_takes_it_back():
    page = drafted()
    s = page.session
    edited = handlers.ask(s, "add a milestone: pilot live by March 1")
    answer = last_bot(edited)
    assert "```diff\n+ Milestone: 2027-03-01 Pilot live\n```" in answer
    assert any("ilot live" in row[1] for row in edited.milestones)
    assert get_store().versions(s.plan_id)[-1].kind == "chat"
    undone = handlers.undo(edited.session)
    assert not any("ilot live" in row[1] for row in undone.milestones)
    assert "Undone: the plan is back to version 1" in last_bot(undone)
    cannot = handlers.ask(undone.session, "write me a poem")
    assert "can't" in last_bot(cannot)


# ---------------------------------------------------------------- views


def test_views_escape_transcript_text_and_fence_only_diffs():
    t = Transcript(
        segments=[Segment(start=3.0, speaker="Eve <b>", text="<script>alert(1)</script> we need it")],
        speakers=[Speaker(name="Eve <b>", role="customer")],
    )
    d = Draft(transcript=t, extraction=Extraction(), plan=Plan(goal="g", review_date=dt.date(2027, 1, 1)))
    out = views.transcript_html(d, "/gradio_api/file=/x/a.wav")
    assert "<script>" not in out and "&lt;script&gt;" in out and 'data-seek="3.00"' in out
    chat = views.chat_markdown('Done: added.\n\n- Goal: old\n+ Goal: new\n\nWhat they said:\n- "a quote" (Eve, 0:03)')
    assert "```diff\n- Goal: old\n+ Goal: new\n```" in chat
    assert '\n- "a quote" (Eve, 0:03)' in chat and chat.count("```") == 2


def test_gradio_error_mapping_and_login_setting():
    import gradio as gr

    from assistant.config import Settings
    from assistant.web import ui

    def bad_input():
        raise InputError("that file is empty; give a transcript")

    def crash():
        raise RuntimeError("secret internals")

    with pytest.raises(gr.Error, match="that file is empty; give a transcript"):
        ui.guarded(bad_input)()
    with pytest.raises(gr.Error) as e:
        ui.guarded(crash)()
    assert "secret" not in str(e.value) and "try again" in str(e.value)
    assert ui.auth(Settings(auth="csm:pa:ss")) == ("csm", "pa:ss")
    assert ui.auth(Settings(auth=None)) is None
    with pytest.raises(ConfigError, match="user:password"):
        ui.auth(Settings(auth="justaname"))


# ---------------------------------------------------------------- `callplan web`


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_callplan_web_serves_the_app_and_a_taken_port_is_one_line(tmp_path):
    import subprocess
    import sys
    import time

    import httpx

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("CALLPLAN_PORT", "CALLPLAN_HOST", "CALLPLAN_AUTH")}
    env.update(CALLPLAN_DATA_DIR=str(tmp_path / "data"), CALLPLAN_PORT="1")  # the flag wins over the environment
    cmd = [str(Path(sys.executable).parent / "callplan"), "web", "--host", "127.0.0.1", "--port", str(port)]
    log = (tmp_path / "web.log").open("w")
    server = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline, status = time.monotonic() + 90, None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/?plan=p1", timeout=2).status_code
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert status == 200, (tmp_path / "web.log").read_text()[-2000:]
        config = httpx.get(f"http://127.0.0.1:{port}/config").json()
        assert config["title"] == "callplan"  # our app, not some other server on that port
        taken = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=90)
        assert taken.returncode == 3
        assert f"cannot listen on 127.0.0.1:{port}" in taken.stderr and "--port" in taken.stderr
        assert "Traceback" not in taken.stderr
    finally:
        server.terminate()
        server.wait(15)
        log.close()
