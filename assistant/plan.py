"""Compose the one-page success plan from the grounded extraction.

Everything customer-facing here is built from the customer's own sentences (trimmed of
"um" and false starts, never reworded into vendor language). Where the method needs
something the customer did not say (a dependency on the vendor side, a review date),
the plan uses a plain default and the critic says so.

Date rules (relative to the call date; a named month or quarter means its *last* day,
the next one on or after the call):
- "by end of Q2" / "in Q2"  -> last day of the next Q2;  "this/next quarter" -> its last day
- "by March", "before the audit in September", "until March" -> last day of the next March / September
- "in 60 days", "within six weeks", "twelve months from now", "a year from now" -> call date + that
  (but "in four days" under two weeks is read as a duration - "close the books in four days" - not a deadline)
- "end of (the) year" -> Dec 31;  "next year" -> call date + 1 year
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Optional

from .extract.grounding import FOLLOW_UPS, sentence_spans
from .models import Dependency, Extraction, Measure, Milestone, Plan, Quote, Transcript

MAX_GOAL_SENTENCES = 3
MAX_MEASURES = 4
MAX_MILESTONES = 5
DEFAULT_REVIEW_DAYS = 90

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18, "twenty": 20, "thirty": 30,
    "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90, "a couple of": 2, "a few": 3,
}
_NUM = r"(\d+|" + "|".join(sorted((re.escape(k) for k in _NUMBERS), key=len, reverse=True)) + r")"
_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?"

# ---------------------------------------------------------------- text clean-up

_DISFLUENCY = re.compile(
    r"(?:(?<=^)|(?<=[\s,]))(?:um+|uh+|erm|er|uh-huh|hmm+|you know|i mean)(?:[,.]|(?=\s))\s*", re.I
)
_LEADING = re.compile(r"^(?:(?:so|and|but|well|okay|ok|yeah|yes|right|honestly|look|i think|i guess|basically|really)\b[,]?\s+)+", re.I)
_REPEAT = re.compile(r"\b(\w+)(?:[\s,-]+\1\b)+", re.I)  # "we we", "the, the"
_FALSE_START = re.compile(r"\b[\w']+(?:\s[\w']+)?\s?(?:—|--|-\s)\s*", re.U)


def clean(text: str) -> str:
    """Trim disfluencies ("um", "you know", repeated words, false starts) without rewording."""
    t = " ".join(text.split())
    t = re.sub(r",\s*(?:um+|uh+|erm|er|you know|i mean|like)\s*,\s*", " ", t, flags=re.I)  # "in, uh, four days"
    t = _DISFLUENCY.sub("", t)
    t = _REPEAT.sub(r"\1", t)
    t = _LEADING.sub("", t)
    t = re.sub(r"^[^—]{1,25}(?:—|--)\s*(?=\w)", "", t) if re.match(r"^[^—]{1,25}(?:—|--)", t) else t  # false start: "We want to — we need"
    t = re.sub(r"\s+([,.!?;:])", r"\1", t)
    t = re.sub(r",\s*,", ",", t).strip(" ,;-")
    if not t:
        return t
    t = t[0].upper() + t[1:]
    if t[-1] not in ".!?":
        t += "."
    return t


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


# ---------------------------------------------------------------- dates


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _num(word: str) -> Optional[int]:
    word = word.lower()
    return int(word) if word.isdigit() else _NUMBERS.get(word)


def resolve_date(text: str, call_date: dt.date) -> Optional[dt.date]:
    """The first date or time frame the text states, resolved against the call date (see module doc)."""
    s = text.lower()
    if re.search(r"\bend of next year\b", s):
        return dt.date(call_date.year + 1, 12, 31)
    if m := re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", s):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.search(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(\d{{4}}))?", s):
        month, day = MONTHS[m[1].rstrip(".")], int(m[2])
        year = int(m[3]) if m[3] else call_date.year
        if day <= calendar.monthrange(year, month)[1]:
            d = dt.date(year, month, day)
            return d if m[3] or d >= call_date else dt.date(year + 1, month, day)
    if m := re.search(r"\b(?:q([1-4])|(first|second|third|fourth) quarter)\b(?:\s+(?:of\s+)?(\d{4}))?", s):
        q = int(m[1]) if m[1] else ["first", "second", "third", "fourth"].index(m[2]) + 1
        year = int(m[3]) if m[3] else call_date.year
        d = _end_of_month(year, q * 3)
        return d if m[3] or d >= call_date else _end_of_month(year + 1, q * 3)
    if m := re.search(r"\b(this|next) quarter\b", s):
        q = (call_date.month - 1) // 3 + (2 if m[1] == "next" else 1)
        y = call_date.year + (q - 1) // 4
        return _end_of_month(y, ((q - 1) % 4 + 1) * 3)
    if m := re.search(rf"\b(?:in|within|over the next|after|the next|next)\s+(?:the\s+)?(?:next\s+)?{_NUM}[\s-]+(days?|weeks?|months?|quarters?|years?)\b(?!\s+(?:of|after|from|before)\b)", s) or re.search(
        rf"\b{_NUM}[\s-]+(days?|weeks?|months?|years?) from (?:now|today)\b", s
    ):
        n, unit = _num(m[1]), m[2]
        short = unit.startswith("day") and (n or 0) < 14 and "from" not in m[0] and "next" not in m[0]
        if n is not None and not short:  # "close the books in four days" is a duration, not a deadline
            if unit.startswith("day"):
                return call_date + dt.timedelta(days=n)
            if unit.startswith("week"):
                return call_date + dt.timedelta(weeks=n)
            if unit.startswith("month"):
                return _add_months(call_date, n)
            if unit.startswith("quarter"):
                return _add_months(call_date, 3 * n)
            return _add_months(call_date, 12 * n)
    if re.search(r"\ba year from now\b|\bnext year\b|\bthis time next year\b", s):
        return _add_months(call_date, 12)
    if m := re.search(rf"\b(?:by|before|until|in|end of|through|after|during|next|this|the)\s+(?:the\s+)?(?:end of\s+)?(?:next\s+)?{_MONTH}", s):
        month = MONTHS[m[1].rstrip(".")]
        if m[1].rstrip(".") == "may" and not re.search(r"\b(?:by|before|until|in|end of)\s+may\b", s):
            return None  # "may" the verb
        year = call_date.year if month >= call_date.month else call_date.year + 1
        if re.search(rf"next\s+{m[1]}", s) and month <= call_date.month:
            year = call_date.year + 1
        return _end_of_month(year, month)
    if re.search(r"\bend of next year\b", s):
        return dt.date(call_date.year + 1, 12, 31)
    if re.search(r"\b(?:end of (?:the |this )?year|year[- ]end|by december)\b", s):
        d = dt.date(call_date.year, 12, 31)
        return d if d >= call_date else dt.date(call_date.year + 1, 12, 31)
    return None


# ---------------------------------------------------------------- measures

_QTY = (
    r"(?:[$€£]\s?\d[\d,.]*\s?(?:k|m|mm|million|thousand|billion)?|\d+(?:[.,]\d+)*(?:\s?(?:%|percent|k\b|x\b))?"
    r"(?:\s(?:business\s|working\s|calendar\s)?(?:days?|hours?|minutes?|weeks?|months?|points?|people|tickets|invoices|calls|errors))?"
    r"|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?\s(?:percent|days?|hours?|minutes?|weeks?|points?|people))"
)


def parse_baseline_target(text: str) -> tuple[Optional[str], Optional[str]]:
    """Baseline and target as the customer stated them ("from 12 days to 5", "currently about 40%")."""
    s = " ".join(text.split())
    if m := re.search(rf"\bfrom\s+(?:about\s+|around\s+|roughly\s+)?({_QTY})\s+(?:down\s+|up\s+)?to\s+(?:about\s+|around\s+|under\s+|below\s+)?({_QTY})", s, re.I):
        return m[1].strip(), m[2].strip()
    baseline = target = None
    if m := re.search(
        rf"(?:\b(?:currently|today|right now|at the moment|these days|now|average|averages|sits at|we'?re at|it'?s at)\b[^.;]{{0,40}}?|\b(?:is|are|runs?|sits?|sitting|takes?|averages?|'re|was|were)\s+(?:(?:about|around|roughly|at|nearly|almost|over|currently)\s+)*)({_QTY})",
        s,
        re.I,
    ):
        baseline = m[1].strip()
    if m := re.search(
        rf"\b((?:under|below|above|over|at least|less than|more than|fewer than|no more than|down to|up to|back (?:at|to|above|below|under)|to|by|within)\s+(?:about\s+)?{_QTY})",
        s[m.end() if m else 0 :] if baseline else s,
        re.I,
    ):
        target = m[1].strip()
    if baseline and target and baseline in target:
        baseline = None
    if m2 := re.search(rf"\b(?:target|goal) (?:is|of|would be)\s+(?:about\s+)?({_QTY})", s, re.I):
        target = m2[1].strip()
    return baseline, target


def _measures(extraction: Extraction) -> list[Measure]:
    ranked = sorted(
        enumerate(extraction.measures),
        key=lambda iq: (-sum(x is not None for x in parse_baseline_target(iq[1].text)), iq[0]),
    )
    chosen = sorted(ranked[:MAX_MEASURES], key=lambda iq: iq[0])
    out = []
    for _, q in chosen:
        baseline, target = parse_baseline_target(q.text)
        out.append(Measure(text=clean(q.text), baseline=baseline, target=target, quote=q))
    return out


# ---------------------------------------------------------------- goal


def _goal(extraction: Extraction) -> str:
    if not extraction.goal:
        return f"Goal not yet stated by the customer — ask: {FOLLOW_UPS['goal']}"
    sentences: list[str] = []
    for q in extraction.goal:
        for s in _sentences(q.text):
            c = clean(s)
            if len(c.split()) >= 3 and c not in sentences:
                sentences.append(c)
    return " ".join(sentences[:MAX_GOAL_SENTENCES]) or clean(extraction.goal[0].text)


# ---------------------------------------------------------------- milestones


def _milestones(extraction: Extraction, t: Transcript, call_date: dt.date) -> list[Milestone]:
    found: list[Milestone] = []
    seen: set[str] = set()

    def add(date: Optional[dt.date], text: str) -> None:
        key = text.lower()
        if key not in seen and date is not None and date >= call_date:
            seen.add(key)
            found.append(Milestone(date=date, text=text))

    for q in extraction.measures + extraction.goal:
        for s in _sentences(q.text):
            d = resolve_date(s, call_date)
            if d:
                add(d, clean(s))
    # other dated outcomes the customer named ("before the audit in September")
    for seg in t.customer_segments():
        for s in _sentences(seg.text):
            if "?" in s or not re.search(r"\b(?:need|want|have to|must|should|goal|live|ready|done|in place|before|by)\b", s, re.I):
                continue
            d = resolve_date(s, call_date)
            if d and not re.search(r"\b(?:until|busy|freeze|frozen|migration)\b", s, re.I):
                add(d, clean(s))
    found.sort(key=lambda m: m.date or dt.date.max)
    if not found:
        found.append(Milestone(date=None, text="Baseline for each measure agreed with the customer and recorded."))
    return found[:MAX_MILESTONES]


# ---------------------------------------------------------------- dependencies

_DEP_RULES: list[tuple[re.Pattern, str, str]] = [
    (re.compile(r"\b(?:it|integrat\w*|system|data|api|access|migration|erp|crm|legacy|spreadsheets?)\b", re.I),
     "Give access to the data and name an IT contact for the integration.",
     "Build and support the integration the customer named, and keep IT's load small."),
    (re.compile(r"\b(?:bandwidth|time|stretched|busy|swamped|capacity|close|people|staff|headcount|training)\b", re.I),
     "Free up the people doing the work for the sessions, outside the busy periods named.",
     "Fit training and working sessions around the customer's busy periods, in short sessions."),
    (re.compile(r"\b(?:security|legal|procurement|compliance|review|approval|sign-?off)\b", re.I),
     "Start the security/procurement review early and name its owner.",
     "Send the security and compliance documents up front and answer review questions within a week."),
    (re.compile(r"\b(?:budget|cost|spend|cfo|funding)\b", re.I),
     "Executive sponsor confirms the budget and the business case.",
     "Report progress on the customer's measures so the business case stays visible."),
    (re.compile(r"\b(?:resist\w*|buy-?in|push ?back|change|skeptic\w*|adopt\w*|habits?)\b", re.I),
     "Executive sponsor explains to the team why the change matters.",
     "Share how successful customers brought their teams along."),
]
_ASK_VENDOR = re.compile(r"\b(?:need from (?:us|me|our side)|from our side|expect from us|can we (?:do|help)|support (?:do )?you need|how can we help|what do you need)\b", re.I)
_CUSTOMER_WILL = re.compile(r"^(?:(?:and|so|yes|yeah|sure|okay|ok),?\s+)*(?:i|we)(?:'ll| will| can| are going to|'re going to)\s+(?!need|have to|probably)", re.I)


def _dependencies(extraction: Extraction, t: Transcript, review: dt.date) -> list[Dependency]:
    deps: list[Dependency] = []

    def add(owner: str, text: str) -> None:
        if text and all(d.text.lower() != text.lower() for d in deps):
            deps.append(Dependency(owner=owner, text=text))  # type: ignore[arg-type]

    # what the customer asked of us, and what they said they'd do, in their words
    prev_vendor = ""
    for seg in t.segments:
        role = t.role_of(seg.speaker)
        if role == "vendor":
            prev_vendor = seg.text
            continue
        if role != "customer":
            continue
        sents = [s for s in _sentences(seg.text) if "?" not in s and len(s.split()) >= 4]
        if _ASK_VENDOR.search(prev_vendor):
            for s in sents[:2]:
                add("vendor", clean(s))
        for s in sents:
            if _CUSTOMER_WILL.search(s):
                add("customer", clean(s))
        prev_vendor = ""
    # what each side owes for the impediments the customer named
    for q in extraction.impediments:
        for rx, customer, vendor in _DEP_RULES:
            if rx.search(q.text):
                add("customer", customer)
                add("vendor", vendor)
                break
    if not any(d.owner == "customer" for d in deps):
        add("customer", "Name an owner for this plan and bring the current numbers for each measure to every review.")
    if not any(d.owner == "vendor" for d in deps):
        add("vendor", f"A named CSM prepares and runs the review on {review.isoformat()} with progress on each measure.")
    customer = [d for d in deps if d.owner == "customer"][:4]
    vendor = [d for d in deps if d.owner == "vendor"][:4]
    return customer + vendor


# ---------------------------------------------------------------- review date

_CADENCE: list[tuple[re.Pattern, object]] = [
    (re.compile(r"\b(?:weekly|every week|once a week)\b", re.I), dt.timedelta(weeks=1)),
    (re.compile(r"\b(?:bi-?weekly|every (?:two|2|other) weeks|fortnightly)\b", re.I), dt.timedelta(weeks=2)),
    (re.compile(r"\b(?:monthly|every month|once a month)\b", re.I), 1),
    (re.compile(r"\b(?:every (?:two|2) months|bi-?monthly)\b", re.I), 2),
    (re.compile(r"\b(?:quarterly|every quarter|each quarter|end of (?:each|every) quarter|qbr|once a quarter|every (?:three|3) months)\b", re.I), 3),
    (re.compile(r"\b(?:every (?:six|6) months|twice a year|semi-?annual\w*|half-?yearly)\b", re.I), 6),
    (re.compile(r"\b(?:annual\w*|yearly|once a year|every year)\b", re.I), 12),
]
_REVIEW_WORDS = re.compile(r"\b(?:review|revisit|check[- ]?in|look at (?:the|this) plan|meet|sync|catch up|go over)\b", re.I)


def review_date(t: Transcript, call_date: dt.date) -> dt.date:
    """The cadence the customer asked for (a "review" sentence wins over a "check-in"), else +90 days."""
    candidates: list[tuple[int, dt.date]] = []
    for seg in t.customer_segments():
        for s in _sentences(seg.text):
            if not _REVIEW_WORDS.search(s):
                continue
            word = re.search(r"\b(?:review|revisit)", s, re.I)
            rank = 0 if word else 1
            near = s[word.start() :] if word else s  # "monthly check-in, but the review every quarter"
            for rx, step in _CADENCE:
                if rx.search(near) or (near is not s and not any(r.search(near) for r, _ in _CADENCE) and rx.search(s)):
                    d = call_date + step if isinstance(step, dt.timedelta) else _add_months(call_date, step)  # type: ignore[arg-type]
                    candidates.append((rank, d))
                    break
            else:
                if re.search(r"\bafter the pilot\b", s, re.I):
                    pilot = re.search(rf"{_NUM}[\s-]+(day|week|month)s?\s+pilot", t_text(t), re.I)
                    d = resolve_date(f"in {pilot[1]} {pilot[2]}s", call_date) if pilot else None
                    candidates.append((rank, d or call_date + dt.timedelta(days=DEFAULT_REVIEW_DAYS)))
                elif d := resolve_date(s, call_date):
                    candidates.append((rank + 1, d))
    if candidates:
        return min(candidates, key=lambda c: c[0])[1]
    return call_date + dt.timedelta(days=DEFAULT_REVIEW_DAYS)


def t_text(t: Transcript) -> str:
    return " ".join(s.text for s in t.segments)


# ---------------------------------------------------------------- the page


def compose(extraction: Extraction, t: Transcript, call_date: Optional[dt.date] = None) -> Plan:
    """The one page: goal, measures, milestones, dependencies, review date."""
    call_date = call_date or dt.date.today()
    review = review_date(t, call_date)
    return Plan(
        goal=_goal(extraction),
        measures=_measures(extraction),
        milestones=_milestones(extraction, t, call_date),
        dependencies=_dependencies(extraction, t, review),
        review_date=review,
    )


def quote_label(q: Quote) -> str:
    """`Name [mm:ss]` (or just the name for text without times): how a quote is cited."""
    if q.start is None:
        return q.speaker
    m, s = divmod(int(q.start), 60)
    h, m = divmod(m, 60)
    return f"{q.speaker} [{h}:{m:02d}:{s:02d}]" if h else f"{q.speaker} [{m:02d}:{s:02d}]"
