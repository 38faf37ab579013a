"""Chat about one call and its plan: questions answered with the customer's exact words,
plan edits carried out as validated operations (`plan_ops`), never as free-form rewrites.

Without a language model the chat still works: questions retrieve customer sentences
(keywords + MiniLM similarity), and the edits it recognises by pattern ("make the goal
shorter", "add a milestone: pilot live by March 1", "move the review to monthly") become
ops. Anything else gets a plain "I can't do that; here is what I can". With a model
configured, the model answers freely from the transcript and plan (sent as delimited
data) and proposes ops as JSON; its quotes are grounded or dropped, its ops validated,
and any failure falls back to the embedded chat with a note. Replies are values: the
new plan comes back, the old one is untouched, so undo is "keep the previous plan".
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from typing import Any, Optional, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .config import Settings, get_settings
from .errors import BackendError, InputError
from .models import Draft, Plan, Quote, Strict, Transcript
from .plan_ops import (
    AddDependency,
    AddMeasure,
    AddMilestone,
    AddSuggestion,
    EditMeasure,
    PlanOp,
    RemoveDependency,
    RemoveMeasure,
    RemoveMilestone,
    SetGoal,
    SetReviewCadence,
    SetReviewDate,
    ShortenGoal,
    apply_all,
    diff,
    parse_op,
    plan_lines,
)

MAX_QUOTES = 3
MIN_SIMILARITY = 0.45  # MiniLM cosine for a sentence with no keyword in common to count as an answer
CHAT_CONTEXT_WORDS = 6000  # a call longer than this goes to the model as its most relevant lines


class ChatReply(Strict):
    text: str
    quotes: list[Quote] = Field(default_factory=list)
    ops: list[PlanOp] = Field(default_factory=list)
    plan: Optional[Plan] = None  # the new plan when ops were applied
    understood: bool = True


CAN_DO = """Without a language model I can:
- answer questions about the call with the customer's own words, e.g. "what did they say about budget?"
- "make the goal shorter", or "set the goal to: ..."
- "add a milestone: pilot live by March 1", "remove milestone 2"
- "add a measure: ...", "change measure 2 to ...", "remove measure 2"
- "add dependency for vendor: ..." (or customer), "remove dependency 1"
- "move the review to monthly" (weekly, quarterly, every 30 days, or a date)
- "add suggestion <id or number>" to add an expertise practice to the plan"""


def reply(
    draft: Draft,
    message: str,
    history: Optional[list] = None,
    settings: Optional[Settings] = None,
    *,
    engine: Optional[str] = None,
) -> ChatReply:
    """Answer one chat message. `engine` "embedded" forces the no-LLM chat."""
    settings = settings or get_settings()
    message = message.strip()
    if not message:
        return ChatReply(text="Ask about the call, or ask for a change to the plan.\n\n" + CAN_DO, understood=False)
    if (engine or ("llm" if settings.llm_configured else "embedded")) == "llm":
        try:
            return llm_reply(draft, message, history or [], settings)
        except BackendError as e:
            fallback = embedded_reply(draft, message)
            note = f"(The language model failed: {e}. Answered without it.)"
            return fallback.model_copy(update={"text": f"{note}\n\n{fallback.text}"})
    return embedded_reply(draft, message)


# ====================================================================== embedded chat


def embedded_reply(draft: Draft, message: str) -> ChatReply:
    try:
        ops = parse_edit(message, draft)
    except InputError as e:  # an edit we recognised but cannot do as asked
        return ChatReply(text=f"I can't do that: {e}.", understood=True)
    if ops is not None:
        return _apply(draft, ops)
    if is_question(message):
        return answer_question(draft, message)
    return ChatReply(text="I can't do that without a language model.\n\n" + CAN_DO, understood=False)


def _apply(draft: Draft, ops: list, prefix: str = "") -> ChatReply:
    try:
        new = apply_all(draft.plan, ops, draft=draft, today=draft.call_date)
    except InputError as e:
        return ChatReply(text=f"{prefix}I can't change the plan: {e}.", understood=True)
    done = "; ".join(op.describe() for op in ops)
    return ChatReply(text=f"{prefix}Done: {done}.\n\n{diff(draft.plan, new)}", ops=ops, plan=new, understood=True)


# ---------------------------------------------------------------- questions -> quotes

_QUESTION = re.compile(
    r"^(what|who|when|where|why|how|which|did|does|do|is|are|was|were|has|have|can|could|tell me|show me|find|"
    r"quote|any|list|give me)\b|\b(say|said|mention(ed)?|talk(ed)? about)\b",
    re.I,
)
_STOP = set(
    """a an the and or but of to in on at for with about from by as is are was were be been being it its this that
    these those what who whom when where why how which did does do done doing say said says tell me show find quote
    any anything they them their there customer client he she his her him we our us you your i my mention mentioned
    talk talked call please give list something thing things kind would could should can will just really""".split()
)


def is_question(message: str) -> bool:
    return message.rstrip().endswith("?") or bool(_QUESTION.search(message))


def _terms(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9$%']+", text.lower()) if w not in _STOP and len(w) > 1]


def _stem(w: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def customer_sentences(t: Transcript) -> list[Quote]:
    """Every customer sentence as an exact Quote (span of its segment, with its times)."""
    from .extract.grounding import sentence_spans

    out = []
    for seg in t.customer_segments():
        for a, b in sentence_spans(seg.text):
            out.append(Quote(text=seg.text[a:b], speaker=seg.speaker, start=seg.start, end=seg.end))
    return out


_EMB_CACHE: dict[str, np.ndarray] = {}


def _embed_cached(texts: Sequence[str]) -> np.ndarray:
    """A call's sentence vectors, kept for the next question about the same call."""
    from .embeddings import embed

    key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()
    if key not in _EMB_CACHE:
        if len(_EMB_CACHE) >= 8:
            _EMB_CACHE.pop(next(iter(_EMB_CACHE)))
        unique = list(dict.fromkeys(texts))  # calls repeat themselves ("yes", "right")
        vecs = embed(unique)
        row = {text: i for i, text in enumerate(unique)}
        _EMB_CACHE[key] = vecs[[row[x] for x in texts]] if len(texts) else vecs
    return _EMB_CACHE[key]


def prepare(draft: Draft) -> None:
    """Embed the call's customer sentences now (e.g. when the web UI opens a draft), so the
    first question does not pay for it (about 1-2 s per 1,000 words on 2 cores)."""
    _embed_cached([q.text for q in customer_sentences(draft.transcript)])


def retrieve(t: Transcript, query: str, k: int = MAX_QUOTES, min_similarity: float = MIN_SIMILARITY) -> list[Quote]:
    """Customer sentences that answer `query`: keyword hits first, then meaning (cosine)."""
    from .embeddings import embed

    cands = customer_sentences(t)
    if not cands:
        return []
    terms = {_stem(w) for w in _terms(query)}
    vecs = _embed_cached([q.text for q in cands])
    qv = embed([query])[0]
    cos = vecs @ qv
    scored = []
    for i, q in enumerate(cands):
        words = {_stem(w) for w in _terms(q.text)}
        kw = len(terms & words) / len(terms) if terms else 0.0
        if kw == 0 and cos[i] < min_similarity:
            continue
        scored.append((kw + float(cos[i]), i))
    scored.sort(reverse=True)
    return [cands[i] for _, i in scored[:k]]


def clock(seconds: Optional[float]) -> str:
    if seconds is None:
        return ""
    s = int(seconds)
    return f"{s // 3600:d}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:d}:{s % 60:02d}"


def cite(q: Quote) -> str:
    when = clock(q.start)
    return f'"{q.text}" ({q.speaker}{", " + when if when else ""})'


# Questions about the three discovery topics are answered from the draft's grounded
# extraction (better than a similarity search over short questions); dates by time phrases.
_FIELD_QUESTIONS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\b(risks?|worr\w*|concern\w*|obstacles?|block\w*|in the way|imped\w*|challenges?|problems?)\b", re.I), "impediments"),
    (re.compile(r"\b(measures?|measured|metrics?|kpis?|numbers?|track\w*|baselines?|targets?|know (?:it|if)\b)", re.I), "measures"),
    (re.compile(r"\b(goals?|success\w*|objectives?|outcomes?|aims?|achieve)\b", re.I), "goal"),
]
_WHEN = re.compile(r"\b(deadlines?|timelines?|timing|dates?|when|schedule|by when|how long)\b", re.I)


def _about(message: str) -> Optional[str]:
    m = re.search(r"\b(?:about|regarding|around|re)\s+(.+?)[?.!]*$", message, re.I)
    return m.group(1).strip(" ?.!") if m else None


def answer_question(draft: Draft, message: str) -> ChatReply:
    t = draft.transcript
    about = _about(message)
    topic = about or message.strip(" ?.!")
    if not t.customer_segments():
        return ChatReply(text="I don't know who the customer is in this call, so I have no customer quotes; fix the speaker roles first.")
    quotes: list[Quote] = []
    for pattern, field in _FIELD_QUESTIONS:
        if pattern.search(topic):
            quotes = list(getattr(draft.extraction, field))[:MAX_QUOTES]
            break
    if not quotes and _WHEN.search(topic):
        from .extract.embedded import TIME

        quotes = [q for q in retrieve(t, topic, k=50, min_similarity=0.0) if TIME.search(q.text)][:MAX_QUOTES]
    if not quotes:
        quotes = retrieve(t, topic)
    head = f"What the customer said about {about}" if about else "What the customer said"
    if not quotes:
        return ChatReply(text=f"I didn't find anything the customer said about {topic}.")
    lines = "\n".join(f"- {cite(q)}" for q in quotes)
    return ChatReply(text=f"{head}:\n{lines}", quotes=quotes)


# ---------------------------------------------------------------- edits by pattern

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
_NUM = r"(?:#|number\s+|no\.?\s*)?(?P<n>\d+|first|second|third|fourth|fifth|sixth|last|1st|2nd|3rd|4th|5th)"
_OWNER = {"customer": "customer", "client": "customer", "them": "customer", "their": "customer", "they": "customer",
          "vendor": "vendor", "supplier": "vendor", "us": "vendor", "our": "vendor", "we": "vendor"}
_KINDS = {"measure": "measures", "metric": "measures", "milestone": "milestones", "dependency": "dependencies"}


def _index(n: str, items: list, what: str) -> int:
    if n == "last":
        if not items:
            raise InputError(f"the plan has no {what}s")
        return len(items)
    return int(n) if n.isdigit() else _ORDINALS[n]


def _clean(text: str, capital: bool = True) -> str:
    text = text.strip().strip('"“”\'').strip()
    text = re.sub(r"[.!]+$", "", text).strip()
    return text[:1].upper() + text[1:] if text and capital else text


def parse_edit(message: str, draft: Draft) -> Optional[list]:
    """A recognised edit request -> ops (None when the message is not one we know)."""
    m = message.strip()
    base = draft.call_date or dt.date.today()
    low = m.lower().rstrip(" .!")
    low = re.sub(r"^(please|can you|could you|pls)\s+", "", low)
    body = m[len(m) - len(m.lstrip()) :]
    body = re.sub(r"^(?:please|can you|could you|pls)\s+", "", body, flags=re.I).rstrip(" .!?")

    # goal
    if re.search(r"\bgoal\b", low) and re.search(r"\b(shorter|shorten|briefer|concise|tighten|trim|too long|cut)\b", low):
        return [ShortenGoal()]
    g = re.match(r"^(?:set|change|make|replace|update|rewrite)\s+(?:the\s+)?goal\s+(?:to|as|with|into)\s*:?\s*(?P<t>.+)$", body, re.I | re.S) or re.match(
        r"^(?:new\s+)?goal\s*:\s*(?P<t>.+)$", body, re.I | re.S
    )
    if g:
        return [SetGoal(text=_clean(g.group("t")))]

    # removals: "remove measure 2", "delete the second milestone", "drop the last dependency"
    r = re.match(r"^(?:remove|delete|drop|take out)\s+(?:the\s+)?(?:(?P<n1>first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)\s+)?(?P<k>measure|metric|milestone|dependency)\b\s*(?:" + _NUM + r")?", low)
    if r and (r.group("n1") or r.group("n")):
        kind = _KINDS[r.group("k")]
        items = getattr(draft.plan, kind)
        what = "measure" if kind == "measures" else kind[:-1] if kind == "milestones" else "dependency"
        idx = _index(r.group("n1") or r.group("n"), items, what)
        cls = {"measures": RemoveMeasure, "milestones": RemoveMilestone, "dependencies": RemoveDependency}[kind]
        return [cls(index=idx)]

    # milestones
    a = re.match(r"^add\s+(?:a\s+|another\s+|new\s+|the\s+)?milestone\s*[:\-–]?\s*(?P<t>.+)$", body, re.I | re.S)
    if a:
        text, when = split_date(a.group("t"), base)
        return [AddMilestone(text=_clean(text) or _clean(a.group("t")), date=when)]

    # measures
    e = re.match(r"^(?:change|set|edit|update)\s+(?:the\s+)?(?P<f>baseline|target)\s+(?:of|for)\s+(?:measure|metric)\s+" + _NUM + r"\s+to\s*:?\s*(?P<t>.+)$", body, re.I | re.S)
    if e:
        idx = _index(e.group("n").lower(), draft.plan.measures, "measure")
        return [EditMeasure(index=idx, **{e.group("f").lower(): _clean(e.group("t"), capital=False)})]
    e = re.match(r"^(?:change|set|edit|update|rewrite)\s+(?:the\s+)?(?:measure|metric)\s+" + _NUM + r"\s+to\s*:?\s*(?P<t>.+)$", body, re.I | re.S)
    if e:
        idx = _index(e.group("n").lower(), draft.plan.measures, "measure")
        return [EditMeasure(index=idx, text=_clean(e.group("t")))]
    a = re.match(r"^add\s+(?:a\s+|another\s+|new\s+|the\s+)?(?:measure|metric)\s*[:\-–]?\s*(?P<t>.+)$", body, re.I | re.S)
    if a:
        text = a.group("t")
        bt = re.search(r"\bfrom\s+(?P<b>[^,;]+?)\s+to\s+(?P<t>[^,;]+)$", text, re.I)
        if bt:
            return [AddMeasure(text=_clean(text), baseline=bt.group("b").strip(), target=_clean(bt.group("t"), capital=False))]
        return [AddMeasure(text=_clean(text))]

    # dependencies: "add dependency for vendor: ...", "add a customer dependency: ...", "add dependency (customer): ..."
    d = re.match(
        r"^add\s+(?:a\s+|another\s+|new\s+)?(?:(?P<o1>customer|client|vendor|supplier)\s+)?dependency"
        r"(?:\s*\(\s*(?P<o2>\w+)\s*\)|\s+(?:for|on|owned by|by)\s+(?:the\s+)?(?P<o3>\w+))?\s*[:\-–]?\s*(?P<t>.*)$",
        body,
        re.I | re.S,
    )
    if d:
        who = (d.group("o1") or d.group("o2") or d.group("o3") or "").lower()
        if who not in _OWNER:
            raise InputError('say whose dependency it is, e.g. "add dependency for vendor: weekly status email"')
        if not d.group("t").strip():
            raise InputError("say what the dependency is, after a colon")
        return [AddDependency(owner=_OWNER[who], text=_clean(d.group("t")))]

    # review date / cadence
    if re.search(r"\breview", low) and not re.match(r"(what|when|who|how|did|does|why|where|which|is|was)\b", low):
        cad = review_cadence(low)
        if cad is not None:
            return [SetReviewCadence(cadence=cad)]
        if re.search(r"\b(move|set|change|make|schedule|push|put|review date|review on|review by|review to)\b", low):
            _, when = split_date(m, base)
            if when:
                return [SetReviewDate(date=when)]
            raise InputError('give the review a cadence (weekly, monthly, quarterly, every 30 days) or a date such as "June 1"')

    # expertise suggestions
    s = re.match(r"^add\s+(?:the\s+)?(?:suggestion|practice|expertise)\s*(?:#|number\s+)?[:\-]?\s*(?P<id>.+)$", body, re.I)
    if s:
        return [AddSuggestion(practice_id=suggestion_id(s.group("id"), draft))]
    return None


def review_cadence(low: str) -> Optional[Any]:
    if re.search(r"\b(weekly|every week|each week)\b", low):
        return "weekly"
    if re.search(r"\b(monthly|every month|each month)\b", low):
        return "monthly"
    if re.search(r"\b(quarterly|every quarter|each quarter|every (?:3|three) months)\b", low):
        return "quarterly"
    n = re.search(r"\b(?:every|in|after)\s+(\d+)\s+(day|days|week|weeks|month|months)\b", low)
    if n:
        k, unit = int(n.group(1)), n.group(2)
        if unit.startswith("month"):
            return {1: "monthly", 3: "quarterly"}.get(k, 30 * k)
        return k * 7 if unit.startswith("week") else k
    return None


def suggestion_id(ref: str, draft: Draft) -> str:
    """A practice id, a 1-based number in the draft's list, or words of a suggestion's title."""
    ref = ref.strip().strip('"“”\'').rstrip(" .")
    sugg = draft.suggestions
    if ref.isdigit() and 1 <= int(ref) <= len(sugg):
        return sugg[int(ref) - 1].practice_id
    for s in sugg:
        if s.practice_id.lower() == ref.lower():
            return s.practice_id
    hits = [s for s in sugg if ref.lower() in s.title.lower()]
    if len(hits) == 1:
        return hits[0].practice_id
    return ref  # apply() says it does not exist, listing the ones that do


# ---------------------------------------------------------------- dates in chat messages

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MON = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_DATE_PATTERNS = [
    re.compile(r"(?P<iso>\d{4}-\d{2}-\d{2})"),
    re.compile(_MON + r"\s+" + _DAY + _YEAR + r"\b", re.I),
    re.compile(_DAY + r"\s+(?:of\s+)?" + _MON + _YEAR + r"\b", re.I),
    re.compile(r"\b(?:end of\s+)?q(?P<q>[1-4])(?:\s+(?P<qyear>\d{4}))?\b", re.I),
    re.compile(r"\b(?:end of\s+)" + _MON + _YEAR, re.I),
]
_PREP = r"(?:\s*\b(?:by|on|before|for|due|at|in|until|to)\b)?\s*(?:the\s+)?"


def _next_on_or_after(base: dt.date, month: int, day: int, year: Optional[str]) -> dt.date:
    if year:
        return dt.date(int(year), month, day)
    d = dt.date(base.year, month, day)
    return d if d >= base else dt.date(base.year + 1, month, day)


def split_date(text: str, base: dt.date) -> tuple[str, Optional[dt.date]]:
    """'pilot live by March 1' -> ('pilot live', the next March 1 on or after `base`)."""
    for pat in _DATE_PATTERNS:
        m = pat.search(text)
        if not m:
            continue
        g = m.groupdict()
        try:
            if g.get("iso"):
                when = dt.date.fromisoformat(g["iso"])
            elif g.get("q"):
                q = int(g["q"])
                year = int(g["qyear"]) if g.get("qyear") else None
                end_month = q * 3
                y = year or base.year
                when = dt.date(y, end_month, calendar.monthrange(y, end_month)[1])
                if not year and when < base:
                    when = dt.date(y + 1, end_month, calendar.monthrange(y + 1, end_month)[1])
            else:
                month = _MONTHS[g["mon"].lower()]
                if g.get("day"):
                    when = _next_on_or_after(base, month, int(g["day"]), g.get("year"))
                else:  # "end of March"
                    y = int(g["year"]) if g.get("year") else base.year
                    when = dt.date(y, month, calendar.monthrange(y, month)[1])
                    if not g.get("year") and when < base:
                        when = dt.date(y + 1, month, calendar.monthrange(y + 1, month)[1])
        except ValueError:
            raise InputError(f"{m.group(0)!r} is not a date I can use; try e.g. 2025-03-01 or March 1")
        # drop the date and the word that introduced it ("by", "on") from the text
        pre = re.search(_PREP + r"$", text[: m.start()], re.I)
        cut_from = pre.start() if pre else m.start()
        rest = (text[:cut_from] + text[m.end() :]).strip(" ,;:-–")
        return rest, when
    return text, None


# ====================================================================== LLM chat


class _ChatOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    answer: str
    quotes: list[Any] = Field(default_factory=list)
    ops: list[Any] = Field(default_factory=list)


def _history_messages(history: list) -> list[tuple[str, str]]:
    """gradio-style [{"role", "content"}] or [(user, assistant)] pairs -> messages (last 10 turns)."""
    out: list[tuple[str, str]] = []
    for h in history[-10:]:
        if isinstance(h, dict) and h.get("role") in ("user", "assistant") and isinstance(h.get("content"), str):
            out.append((h["role"], h["content"]))
        elif isinstance(h, (list, tuple)) and len(h) == 2:
            if h[0]:
                out.append(("user", str(h[0])))
            if h[1]:
                out.append(("assistant", str(h[1])))
    return out


def context_for(draft: Draft, message: str) -> str:
    """The call and plan as delimited data; a long call as its lines most relevant to the message."""
    from . import prompts
    from .extract.llm import format_line, lines_of

    t = draft.transcript
    lines = lines_of(t)
    total = sum(x.words for x in lines)
    if total <= CHAT_CONTEXT_WORDS:
        chosen, coverage = lines, "the whole call"
    else:
        chosen = _relevant_lines(draft, lines, message)
        coverage = f"the lines most relevant to this message, in call order; the whole call is {total} words"
    plan = "\n".join(plan_lines(draft.plan))
    sugg = ""
    if draft.suggestions:
        sugg = "\nExpertise suggestions the CSM may add (practice_id: title - why):\n" + "\n".join(
            f"- {s.practice_id}: {s.title} - {s.why}" for s in draft.suggestions
        )
    return prompts.render(
        "chat_context.md",
        call_date=f" on {draft.call_date.isoformat()}" if draft.call_date else "",
        coverage=coverage,
        transcript="\n".join(format_line(x, t) for x in chosen),
        plan=plan,
        suggestions=sugg,
    )


def _relevant_lines(draft: Draft, lines: list, message: str) -> list:
    """Lines holding the extraction's quotes, then the most similar to the message, up to the budget."""
    from .embeddings import embed

    quoted = {q.text for _, q in draft.extraction.quotes()}
    must = {i for i, x in enumerate(lines) if any(q in x.text for q in quoted)}
    vecs = _embed_cached([x.text for x in lines])
    order = np.argsort(-(vecs @ embed([message])[0]))
    keep, words = set(), 0
    for i in [*sorted(must), *order.tolist()]:
        if i in keep:
            continue
        if words + lines[i].words > CHAT_CONTEXT_WORDS:
            continue
        keep.add(i)
        words += lines[i].words
    return [lines[i] for i in sorted(keep)]


def llm_reply(draft: Draft, message: str, history: list, settings: Settings) -> ChatReply:
    from . import llm, prompts
    from .extract.grounding import ground_quotes
    from .extract.llm import Cited, to_quote

    user = context_for(draft, message) + "\n\nThe CSM's message:\n" + message
    messages = [("system", prompts.load("chat_system.md")), *_history_messages(history), ("user", user)]
    out = llm.complete_json(messages, settings, _ChatOut.model_validate)

    raw = []
    for q in out.quotes:
        try:
            c = Cited.model_validate(q)
        except ValidationError:
            continue
        raw.append(to_quote(c.segment, c.text, draft.transcript))
    quotes = ground_quotes(raw, draft.transcript)  # exact customer spans, or dropped

    ops, rejected = [], []
    for o in out.ops:
        try:
            ops.append(parse_op(o))
        except (ValidationError, TypeError):
            rejected.append(str(o.get("op", "?")) if isinstance(o, dict) else "?")
    text = out.answer.strip() or "(no answer)"
    if quotes:
        text += "\n\n" + "\n".join(f"- {cite(q)}" for q in quotes)
    if rejected:
        text += f"\n\n(I left out an edit I could not validate: {', '.join(rejected)}.)"
    if not ops:
        return ChatReply(text=text, quotes=quotes)
    applied = _apply(draft, ops, prefix=text + "\n\n")
    return applied.model_copy(update={"quotes": quotes})


# ====================================================================== benchmark


def bench(words: int = 6000, repeats: int = 3) -> dict[str, float]:
    """Embedded chat latency on a synthetic call: first question (model load + sentence
    vectors), a repeat question (cached vectors), and a plan edit. For `callplan bench`."""
    import time

    from .extract.embedded import synthetic_call
    from .models import Extraction

    t = synthetic_call(words)
    d = Draft(transcript=t, extraction=Extraction(), plan=Plan(goal="Close the books in four days.", review_date=dt.date(2025, 4, 1)), call_date=dt.date(2025, 1, 10))
    _EMB_CACHE.clear()
    t0 = time.perf_counter()
    embedded_reply(d, "what did they say about IT?")
    first = time.perf_counter() - t0
    times, edits = [], []
    for _ in range(repeats):
        t1 = time.perf_counter()
        embedded_reply(d, "what did they say about the error rate?")
        times.append(time.perf_counter() - t1)
        t2 = time.perf_counter()
        embedded_reply(d, "add a milestone: pilot live by March 1")
        edits.append(time.perf_counter() - t2)
    return {"words": float(t.word_count()), "first_question_s": round(first, 3), "question_s": round(min(times), 3), "edit_s": round(min(edits), 4)}
