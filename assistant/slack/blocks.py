"""A Draft as Block Kit messages: the one page first, then the customer's words and next steps.

Why its own module: the page is a pure function of a Draft (like render.py), so it can be
tested without Slack. Slack refuses a message over 50 blocks or a section over 3,000
characters, so long drafts are split: sections at line, then sentence, boundaries across
blocks, blocks across messages. A cut inside a sentence (only for a single sentence longer
than a section) is marked "(continued)", never silent.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from ..models import Draft, Quote
from ..plan import quote_label
from ..render import TOPIC_TITLES, measure_line, plan_title

Block = dict[str, Any]

MAX_BLOCKS = 50  # per message
MAX_SECTION = 3000  # characters of a section's text
MAX_HEADER = 150  # characters of a header's plain text
MAX_MESSAGE = 12000  # characters per message: Slack answers msg_too_long well below 50 full sections
TOP_SUGGESTIONS = 3
CONTINUED = " _(continued)_"

EXPORT_DOCX = "export_docx"
EXPORT_PDF = "export_pdf"
OPEN_WEB = "open_web"


def escape(text: str) -> str:
    """Slack mrkdwn treats &, < and > as control characters; the customer's words must show as said."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote_line(q: Quote) -> str:
    return f">“{escape(' '.join(q.text.split()))}” — _{escape(quote_label(q))}_"


def split_text(text: str, limit: int = MAX_SECTION) -> list[str]:
    """Pieces of at most `limit` chars, broken at lines, then sentences, then words (marked)."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current: Optional[str] = None
    for sep, unit in _units(text, limit):
        if current is None:
            current = unit
        elif len(current) + len(sep) + len(unit) <= limit:
            current += sep + unit
        else:
            pieces.append(current)
            current = unit
    if current is not None:
        pieces.append(current)
    return pieces


def _units(text: str, limit: int) -> list[tuple[str, str]]:
    """(separator before, text): lines; a long line as sentences; a long sentence as marked word runs."""
    units: list[tuple[str, str]] = []
    for line in text.split("\n"):
        if len(line) <= limit:
            units.append(("\n", line))
            continue
        for j, sentence in enumerate(re.split(r"(?<=[.!?])\s+", line)):
            sep = "\n" if j == 0 else " "
            if len(sentence) <= limit:
                units.append((sep, sentence))
            else:
                runs = _word_runs(sentence, limit - len(CONTINUED))
                units += [(sep if k == 0 else " ", r) for k, r in enumerate(runs)]
    return units


def _word_runs(sentence: str, limit: int) -> list[str]:
    runs, current = [], ""
    for word in sentence.split(" "):
        while len(word) > limit:  # a "word" longer than a section (a pasted URL, say)
            if current:
                runs.append(current)
                current = ""
            runs.append(word[:limit])
            word = word[limit:]
        if current and len(current) + 1 + len(word) > limit:
            runs.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        runs.append(current)
    return [r + CONTINUED if k < len(runs) - 1 else r for k, r in enumerate(runs)]


def section(text: str) -> list[Block]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": t}} for t in split_text(text) if t.strip()]


def header(text: str) -> Block:
    if len(text) > MAX_HEADER:
        text = text[: MAX_HEADER - 1].rstrip() + "…"
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": False}}


def title(d: Draft) -> str:
    return plan_title(d)


def draft_blocks(d: Draft) -> list[Block]:
    """Every block of the page, in reading order, before splitting into messages."""
    p, ex = d.plan, d.extraction
    blocks: list[Block] = [header(title(d))]
    blocks += section(f"*Goal*\n{escape(p.goal)}")

    lines = ["*Measures*"]
    if not p.measures:
        lines.append("_None stated yet — see “Ask next time”._")
    for m in p.measures:
        lines.append(f"• *{escape(measure_line(m))}*")
        if m.quote:
            lines.append(quote_line(m.quote))
    blocks += section("\n".join(lines))

    lines = ["*Milestones*"]
    lines += [f"• {ms.date.isoformat() if ms.date else 'date to agree'} — {escape(ms.text)}" for ms in p.milestones]
    if not p.milestones:
        lines.append("_None yet._")
    blocks += section("\n".join(lines))

    lines = ["*Dependencies*"]
    for owner, label in (("customer", "Customer"), ("vendor", "Vendor")):
        items = [x.text for x in p.dependencies if x.owner == owner]
        lines.append(f"_{label}_")
        lines += [f"• {escape(t)}" for t in items] or ["• _none yet_"]
    blocks += section("\n".join(lines))

    blocks += section(f"*Review date*\n{p.review_date.isoformat()}")
    blocks.append({"type": "divider"})

    blocks += section("*What the customer said*")
    for topic, topic_title in TOPIC_TITLES.items():
        quotes = getattr(ex, topic)
        blocks += section("\n".join([f"_{topic_title}_"] + ([quote_line(q) for q in quotes] or ["_not answered_"])))

    if ex.unanswered:
        blocks += section(
            "\n".join(["*Ask next time*"] + [f"• *{u.topic}*: {escape(u.follow_up)}" for u in ex.unanswered])
        )

    if d.suggestions:
        blocks.append({"type": "divider"})
        blocks += section("*Expertise to add* — what our most successful customers did")
        for s in d.suggestions[:TOP_SUGGESTIONS]:
            blocks += section(f"*{escape(s.title)}* — {escape(s.text)}\n_Why: {escape(s.why)}_")

    if d.critique:
        blocks += section(
            "\n".join(["*Before you send it*"] + [f"• *{c.section}*: {escape(c.problem)} {escape(c.suggestion)}" for c in d.critique])
        )
    if d.notes:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in split_text(escape("; ".join(d.notes)), 2000)[:10]]})
    return blocks


def action_blocks(plan_id: str, version: int, web_url: Optional[str] = None) -> list[Block]:
    """Export buttons carry `plan_id:version`, so the file is the draft the user is looking at."""
    value = f"{plan_id}:{version}"
    elements: list[Block] = [
        {"type": "button", "action_id": EXPORT_DOCX, "text": {"type": "plain_text", "text": "Export DOCX"}, "value": value},
        {"type": "button", "action_id": EXPORT_PDF, "text": {"type": "plain_text", "text": "Export PDF"}, "value": value},
    ]
    if web_url:
        elements.append(
            {
                "type": "button",
                "action_id": OPEN_WEB,
                "text": {"type": "plain_text", "text": "Open in web app"},
                "url": web_link(web_url, plan_id),
            }
        )
    return [{"type": "actions", "block_id": f"plan:{plan_id}", "elements": elements}]


def web_link(web_url: str, plan_id: str) -> str:
    return f"{web_url.rstrip('/')}/?plan={plan_id}"


def paginate(blocks: list[Block], limit: int = MAX_BLOCKS, max_chars: int = MAX_MESSAGE) -> list[list[Block]]:
    """Blocks across messages of at most `limit` blocks and about `max_chars` characters; parts
    after the first say which part they are. A break prefers the start of a section (a header,
    divider or bold-titled block) when one is in the second half of the page.
    """
    room = limit - 1  # one block kept for the "part n of m" context
    if len(blocks) <= limit and _chars(blocks) <= max_chars:
        return [blocks]
    pages: list[list[Block]] = []
    rest = list(blocks)
    while rest:
        fit, used = 0, 0
        while fit < min(room, len(rest)) and (fit == 0 or used + _chars([rest[fit]]) <= max_chars):
            used += _chars([rest[fit]])
            fit += 1
        cut = fit
        if fit < len(rest):
            for i in range(fit, fit // 2, -1):
                if _starts_section(rest[i]):
                    cut = i
                    break
        pages.append(rest[:cut])
        rest = rest[cut:]
    n = len(pages)
    if n == 1:
        return pages
    return [
        page + [{"type": "context", "elements": [{"type": "mrkdwn", "text": f"part {i + 1} of {n}"}]}]
        for i, page in enumerate(pages)
    ]


def _chars(blocks: list[Block]) -> int:
    return len(text_of(blocks))


def _starts_section(b: Block) -> bool:
    if b["type"] in ("header", "divider"):
        return True
    return b["type"] == "section" and b["text"]["text"].startswith("*")


def draft_messages(
    d: Draft, *, plan_id: Optional[str] = None, version: int = 1, web_url: Optional[str] = None
) -> list[tuple[str, list[Block]]]:
    """(fallback text, blocks) per message; the buttons go on the last one."""
    blocks = draft_blocks(d)
    if plan_id:
        blocks += action_blocks(plan_id, version, web_url)
    pages = paginate(blocks)
    return [(f"{title(d)}" + (f" (part {i + 1} of {len(pages)})" if len(pages) > 1 else ""), page) for i, page in enumerate(pages)]


def text_of(blocks: list[Block]) -> str:
    """All the text a reader sees in some blocks (tests and logs use it)."""
    out = []
    for b in blocks:
        if "text" in b and isinstance(b["text"], dict):
            out.append(b["text"]["text"])
        for e in b.get("elements", []):
            t = e.get("text")
            out.append(t["text"] if isinstance(t, dict) else t or "")
    return "\n".join(out)
