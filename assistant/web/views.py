"""What the web page shows, as pure functions of a Draft (and back: the plan form -> Plan).

No gradio here, so every piece is testable on its own and the handlers only glue.
Everything that came from a transcript is HTML-escaped: a call can contain anything.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any, Optional, Sequence

from ..errors import InputError
from ..models import Dependency, Draft, Measure, Milestone, Plan, Quote, Segment
from ..plan import customer_name, quote_label
from ..plan_ops import MAX_GOAL_SENTENCES, MAX_MEASURES, MAX_MILESTONES, sentences
from ..progress import LABELS, clock
from ..render import TOPIC_TITLES

MEASURE_HEADERS = ["Measure", "Baseline", "Target"]
MILESTONE_HEADERS = ["Date (YYYY-MM-DD)", "Milestone"]
DEPENDENCY_HEADERS = ["Owner (customer / vendor)", "Dependency"]

ROLE_LABELS = {"customer": "customer", "vendor": "vendor", "unknown": "role unknown"}
BASIS_LABELS = {"hint": "set by you", "inferred": "inferred", "channel": "stereo channel", "none": ""}


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


# ---------------------------------------------------------------- headline


def customers(d: Draft) -> list[str]:
    return [s.name for s in d.transcript.speakers if s.role == "customer"]


def title(d: Draft) -> str:
    return f"{customer_name(d.transcript)} — {d.call_date.isoformat() if d.call_date else 'undated call'}"


def status(d: Draft, version: int, versions: int) -> str:
    """One line above the plan: whose call, which version, which engine, and any notes."""
    line = f"### Success plan: {esc(title(d))}\nVersion {version} of {versions} · engine: {esc(d.engine)}"
    if d.transcript.duration:
        line += f" · {clock(d.transcript.duration)} of audio"
    notes = "".join(f"\n> {esc(n)}" for n in d.notes)
    return line + ("\n" + notes if notes else "")


# ---------------------------------------------------------------- plan form


def plan_form(p: Plan) -> tuple[str, list[list[str]], list[list[str]], list[list[str]], str]:
    """goal, measure rows, milestone rows, dependency rows, review date: the editor's values."""
    measures = [[m.text, m.baseline or "", m.target or ""] for m in p.measures]
    milestones = [[m.date.isoformat() if m.date else "", m.text] for m in p.milestones]
    deps = [[d.owner, d.text] for d in p.dependencies]
    return p.goal, measures, milestones, deps, p.review_date.isoformat()


def _rows(table: Any) -> list[list[str]]:
    """A gradio Dataframe value (list of lists, a pandas frame, or {"data": ...}) -> rows of
    stripped strings, blank rows dropped."""
    if table is None:
        return []
    if hasattr(table, "values") and hasattr(table, "columns"):  # pandas
        table = table.values.tolist()
    elif isinstance(table, dict):
        table = table.get("data") or []
    rows = []
    for row in table:
        cells = ["" if c is None else " ".join(str(c).split()) for c in row]
        if any(cells):
            rows.append(cells)
    return rows


def _cell(row: list[str], i: int) -> str:
    return row[i] if i < len(row) else ""


def parse_date(value: str, what: str) -> Optional[dt.date]:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what}: {value!r} is not a date; use YYYY-MM-DD") from None


def plan_from_form(old: Plan, goal: str, measures: Any, milestones: Any, dependencies: Any, review: str) -> Plan:
    """The edited form -> a Plan within the one-page limits, or InputError naming the bad cell.
    A measure whose text is unchanged keeps its supporting quote."""
    goal = " ".join((goal or "").split())
    if not goal:
        raise InputError("the goal is empty; write the customer's goal in one to three sentences")
    if len(sentences(goal)) > MAX_GOAL_SENTENCES:
        raise InputError(f"the goal has {len(sentences(goal))} sentences; keep it to at most {MAX_GOAL_SENTENCES}")

    quotes = {m.text: m.quote for m in old.measures}
    ms: list[Measure] = []
    for i, row in enumerate(_rows(measures), 1):
        text = _cell(row, 0)
        if not text:
            raise InputError(f"measure {i} has no text; describe the measure or clear its row")
        ms.append(Measure(text=text, baseline=_cell(row, 1) or None, target=_cell(row, 2) or None, quote=quotes.get(text)))
    if len(ms) > MAX_MEASURES:
        raise InputError(f"the plan has {len(ms)} measures; keep at most {MAX_MEASURES} (clear a row)")

    mls: list[Milestone] = []
    for i, row in enumerate(_rows(milestones), 1):
        text = _cell(row, 1)
        if not text:
            raise InputError(f"milestone {i} has no text; describe it or clear its row")
        mls.append(Milestone(date=parse_date(_cell(row, 0), f"milestone {i} date"), text=text))
    if len(mls) > MAX_MILESTONES:
        raise InputError(f"the plan has {len(mls)} milestones; keep at most {MAX_MILESTONES} (clear a row)")

    deps: list[Dependency] = []
    for i, row in enumerate(_rows(dependencies), 1):
        owner, text = _cell(row, 0).lower(), _cell(row, 1)
        if owner not in ("customer", "vendor"):
            raise InputError(f"dependency {i}: owner {owner or '(empty)'!r} must be customer or vendor")
        if not text:
            raise InputError(f"dependency {i} has no text; describe it or clear its row")
        deps.append(Dependency(owner=owner, text=text))  # type: ignore[arg-type]

    review_date = parse_date((review or "").strip(), "review date")
    if review_date is None:
        raise InputError("the review date is empty; give one as YYYY-MM-DD")
    return Plan(goal=goal, measures=ms, milestones=mls, dependencies=deps, review_date=review_date)


# ---------------------------------------------------------------- beside the plan


def critique_md(d: Draft) -> str:
    if not d.critique:
        return "_No problems found: outcomes, business language, one page._"
    return "\n".join(f"- **{esc(c.section)}**: {esc(c.problem)}  \n  _Fix:_ {esc(c.suggestion)}" for c in d.critique)


def questions_md(d: Draft) -> str:
    if not d.extraction.unanswered:
        return "_The customer answered all three questions._"
    return "\n".join(f"- **{esc(TOPIC_TITLES[u.topic])}**: {esc(u.follow_up)}" for u in d.extraction.unanswered)


def suggestions_md(d: Draft) -> str:
    if not d.suggestions:
        return "_No matching practices in the knowledge index._"
    return "\n".join(
        f'<div class="cp-sugg"><b>{i}. {esc(s.title)}</b><div class="cp-why">Why: {esc(s.why)}</div>'
        f"<details><summary>What those customers did</summary>{esc(s.text)}</details></div>"
        for i, s in enumerate(d.suggestions, 1)
    )


def suggestion_choices(d: Draft) -> list[tuple[str, str]]:
    return [(f"{i}. {s.title}", s.practice_id) for i, s in enumerate(d.suggestions, 1)]


# ---------------------------------------------------------------- evidence and transcript


def _seek(q: Quote | Segment, audio: bool) -> str:
    if q.start is None:
        return ""
    if not audio:
        return f'<span class="cp-time">{clock(q.start)}</span>'
    return f'<button class="cp-seek" data-seek="{q.start:.2f}" title="Play from here">▶ {clock(q.start)}</button>'


def audio_player(url: Optional[str]) -> str:
    return f'<audio id="cp-audio" controls preload="metadata" src="{esc(url)}"></audio>' if url else ""


def evidence_html(d: Draft, audio_url: Optional[str] = None) -> str:
    """The customer's words for each topic, each with its time (a play button for recordings)."""
    audio = bool(audio_url)
    parts = [audio_player(audio_url)]
    for topic, heading in TOPIC_TITLES.items():
        quotes: list[Quote] = getattr(d.extraction, topic)
        parts.append(f"<h4>{esc(heading)}</h4>")
        if not quotes:
            parts.append('<p class="cp-muted">Not answered on this call.</p>')
            continue
        items = "".join(
            f'<li>{_seek(q, audio)} <q>{esc(q.text)}</q> <span class="cp-who">— {esc(q.speaker)}</span></li>' for q in quotes
        )
        parts.append(f'<ul class="cp-quotes">{items}</ul>')
    return f'<div class="cp-evidence">{"".join(parts)}</div>'


def transcript_html(d: Draft, audio_url: Optional[str] = None) -> str:
    t, audio = d.transcript, bool(audio_url)
    rows = []
    for seg in t.segments:
        role = t.role_of(seg.speaker)
        rows.append(
            f'<div class="cp-seg cp-{role}">{_seek(seg, audio)} <b>{esc(seg.speaker)}</b> '
            f'<span class="cp-role">{esc(ROLE_LABELS[role])}</span><div>{esc(seg.text)}</div></div>'
        )
    return f'<div class="cp-transcript">{audio_player(audio_url)}{"".join(rows)}</div>'


def speakers(d: Draft) -> list[tuple[str, str, str]]:
    """(name, role, why) for each speaker: what the role-fix buttons are drawn from."""
    out = []
    for s in d.transcript.speakers:
        why = BASIS_LABELS.get(s.basis, "")
        if s.basis in ("inferred", "channel"):
            why += f", {s.confidence:.0%} sure"
        out.append((s.name, s.role, why))
    return out


# ---------------------------------------------------------------- chat, history, progress

# A chat edit's diff lines come from plan_ops.plan_lines: "- Goal: ...", "+ Measure: ...".
_DIFF_LINE = re.compile(r"^[-+] (Goal|Measure|Milestone|Dependency \((customer|vendor)\)|Review date): ")


def chat_markdown(text: str) -> str:
    """Fence a plan diff inside a chat message so it shows as a red/green diff block."""
    out: list[str] = []
    block: list[str] = []
    for line in text.split("\n") + [""]:
        if _DIFF_LINE.match(line):
            block.append(line)
            continue
        if block:
            out += ["```diff", *block, "```"]
            block = []
        out.append(line)
    return "\n".join(out[:-1])


def chat_messages(history: Sequence[Any]) -> list[dict[str, str]]:
    """Stored chat -> gradio "messages" (role/content dicts)."""
    return [{"role": m.role, "content": chat_markdown(m.text) if m.role == "assistant" else m.text} for m in history]


def history_choices(calls: Sequence[Any]) -> list[tuple[str, str]]:
    out = []
    for c in calls:
        when = c.created_at.strftime("%Y-%m-%d %H:%M") if c.created_at else ""
        label = f"{when} · {c.title or 'untitled call'}"
        if c.status != "drafted":
            label += f" ({c.status})"
        out.append((label, c.call_id))
    return out


STAGE_FRACTION = {"extract": 0.25, "plan": 0.55, "suggest": 0.75, "done": 1.0}


def progress_step(stage: str, done: float, total: Optional[float]) -> tuple[Optional[float], str]:
    """A pipeline progress report -> (fraction, label) for a progress bar."""
    label = LABELS.get(stage, stage)
    if stage == "transcribe":
        frac = min(1.0, done / total) if total else None
        return frac, f"{label} {clock(done)} / {clock(total)} of audio"
    return STAGE_FRACTION.get(stage), label


def export_name(d: Draft, version: int, fmt: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", ", ".join(customers(d)).lower()).strip("-")[:40] or "customer"
    return f"success-plan-{slug}-v{version}.{fmt}"


def file_url(path: Path) -> str:
    """Where gradio serves a file from an allowed path (see ui.launch: only the calls dir)."""
    return f"/gradio_api/file={Path(path).resolve()}"
