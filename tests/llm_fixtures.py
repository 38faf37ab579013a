"""Fixtures for the LLM engine and chat tests: a running fake OpenAI server wired into the
settings, and small timed calls (built in code, so times and roles are known exactly)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from fake_openai import FakeOpenAI

from assistant.config import reload_settings
from assistant.models import Draft, Extraction, Plan, Segment, Speaker, Transcript

VENDOR, CUSTOMER = "Priya Shah", "Marcus Green"

CALL = [
    (VENDOR, "Thanks for making time. Imagine it is twelve months from now and you call this a success. What would you say?"),
    (CUSTOMER, "We would send every invoice within two days of delivery. Right now we are slow to bill, and that costs us cash."),
    (VENDOR, "How will you know it is working?"),
    (CUSTOMER, "Days sales outstanding is 52 days today, and I want it under 40 by September. Invoice errors are about 6% and I want them below 2%."),
    (VENDOR, "We usually track adoption too, say 80% weekly logins. And is there budget set aside for this?"),
    (CUSTOMER, "Logins don't matter to my CFO. The budget is approved at 120 thousand for this year, and the CFO expects payback within twelve months."),
    (VENDOR, "What could get in the way?"),
    (CUSTOMER, "IT is busy with a warehouse migration until March, so we may not get an integration before then."),
    (VENDOR, "Shall we review the plan every quarter?"),
    (CUSTOMER, "Yes, a quarterly review works."),
]


def transcript(lines=CALL, seconds_per_line: float = 15.0) -> Transcript:
    segs = [
        Segment(start=i * seconds_per_line, end=(i + 1) * seconds_per_line - 1, speaker=who, text=text)
        for i, (who, text) in enumerate(lines)
    ]
    names = list(dict.fromkeys(who for who, _ in lines))
    speakers = [Speaker(name=n, role="vendor" if n == VENDOR else "customer", basis="hint", confidence=1.0) for n in names]
    return Transcript(segments=segs, speakers=speakers, duration=len(lines) * seconds_per_line)


def draft(t: Transcript | None = None, **plan_kw) -> Draft:
    t = t or transcript()
    plan = Plan(
        goal=plan_kw.pop("goal", "Send every invoice within two days of delivery. Stop chasing paperwork by hand. Get cash in faster."),
        review_date=plan_kw.pop("review_date", dt.date(2025, 4, 1)),
        **plan_kw,
    )
    return Draft(transcript=t, extraction=Extraction(), plan=plan, call_date=dt.date(2025, 1, 10))


def transcript_lines(body: dict) -> list[tuple[str, str, str, str]]:
    """(segment id, speaker, role, text) for each line inside <transcript> of a request."""
    text = "\n".join(m["content"] for m in body["messages"] if m["role"] != "system")
    inner = text.split("<transcript>", 1)[1].split("</transcript>", 1)[0]
    out = []
    for line in inner.strip().splitlines():
        m = re.match(r"\[(S\d+)[^\]]*\] (.+?) \((customer|vendor|unknown)\): (.*)$", line)
        if m:
            out.append(m.groups())
    return out


def long_call(words: int = 13_300) -> Transcript:
    """~90 minutes: a goal early, revised late; a measure at the start and one at the end."""
    filler = ("We talked through how the team handles the weekly batch and which spreadsheets feed it, "
              "who signs off on exceptions, and how the carriers send their paperwork.")
    segs, n, clock, k = [], 0, 0.0, 0
    special = {
        1: "Success would be closing the books in six days instead of nine.",
        3: "We track days sales outstanding, it is 52 days today.",
    }
    while n < words:
        k += 1
        vendor = f"Question {k}: can you tell me more about step {k} of the process?"
        customer = special.get(k, f"Part {k}. {filler} {filler}")
        for who, text in ((VENDOR, vendor), (CUSTOMER, customer)):
            segs.append(Segment(start=clock, end=clock + len(text.split()) / 2.4, speaker=who, text=text))
            clock = segs[-1].end
            n += len(text.split())
    segs[-3] = segs[-3].model_copy(update={"text": "Scratch that, success would be closing the books in four days."})
    segs[-1] = segs[-1].model_copy(update={"text": "We track invoice errors too, about 6% today."})
    return Transcript(
        segments=segs,
        speakers=[Speaker(name=VENDOR, role="vendor"), Speaker(name=CUSTOMER, role="customer")],
        duration=clock,
    )


def as_json(**fields) -> str:
    return json.dumps({"goal": [], "measures": [], "impediments": [], "unanswered": [], **fields})


@pytest.fixture
def fake_llm(monkeypatch):
    """A running fake OpenAI server; the settings point at it (1 s timeout, no retries)."""
    server = FakeOpenAI().start()
    monkeypatch.setenv("CALLPLAN_LLM_BASE_URL", server.base_url)
    monkeypatch.setenv("CALLPLAN_LLM_MODEL", "fake-model")
    monkeypatch.setenv("CALLPLAN_LLM_TIMEOUT", "1")
    monkeypatch.setenv("CALLPLAN_LLM_RETRIES", "0")
    reload_settings()
    yield server
    server.stop()
