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

from .extract.grounding import FOLLOW_UPS, clause_spans, normalise, sentence_spans
from .metrics import QTY, TIME, Metric, metric_spans, parse_baseline_target, read_metric  # noqa: F401 (parse_baseline_target re-exported)
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
    if m := re.search(rf"\b(?:by|before|until|in|around)\s+mid-?\s?{_MONTH}", s):  # "by mid-January": the 15th
        d = dt.date(call_date.year, MONTHS[m[1].rstrip(".")], 15)
        return d if d >= call_date else dt.date(call_date.year + 1, d.month, 15)
    if m := re.search(rf"\b(?:go-?live|launch|live)\b[^.,;]{{0,20}}\b(?:is|be|in)\s+{_MONTH}", s):  # "the go-live is September"
        month = MONTHS[m[1].rstrip(".")]
        return _end_of_month(call_date.year if month >= call_date.month else call_date.year + 1, month)
    if re.search(r"\bend of next year\b", s):
        return dt.date(call_date.year + 1, 12, 31)
    if re.search(r"\b(?:end of (?:the |this )?year|year[- ]end|by december)\b", s):
        d = dt.date(call_date.year, 12, 31)
        return d if d >= call_date else dt.date(call_date.year + 1, 12, 31)
    return None


# ---------------------------------------------------------------- measures


def _sub_quote(q: Quote, a: int, b: int) -> Quote:
    """The part of a quote that states one metric: still an exact substring of the same segment."""
    return Quote(text=q.text[a:b], speaker=q.speaker, start=q.start, end=q.end)


def _metrics(extraction: Extraction) -> list[tuple[Metric, Quote]]:
    """Every metric the customer stated, one per measure: a quote holding two numbers gives two."""
    out: list[tuple[Metric, Quote]] = []
    seen: set[str] = set()
    for q in extraction.measures:
        spans = metric_spans(q.text)
        for a, b in spans:
            m = read_metric(q.text, a, b)
            key = m.line().lower()
            if key not in seen:
                seen.add(key)
                out.append((m, q if len(spans) == 1 else _sub_quote(q, a, b)))
    return out


def _measures(metrics: list[tuple[Metric, Quote]]) -> list[tuple[Metric, Measure]]:
    """At most four, those with a baseline and a target first, in the order the customer said them."""
    ranked = sorted(range(len(metrics)), key=lambda i: (-sum(x is not None for x in (metrics[i][0].baseline, metrics[i][0].target)), i))
    return [
        (m, Measure(text=m.line(), baseline=m.baseline, target=m.target, quote=q))
        for m, q in (metrics[i] for i in sorted(ranked[:MAX_MEASURES]))
    ]


# ---------------------------------------------------------------- goal

_GOAL_PREAMBLE = re.compile(
    r"^(?:(?:(?:i'll|i will|let me) (?:say it|be honest|put it)[^,.]{0,20}|to be honest|the honest answer|see|look|okay|well|"
    r"sounds good|sure|great|perfect|got it|good question)[,.:!]\s+)+",
    re.I,
)
_ASIDE = re.compile(r",\s*(?:the way i'd put it|i guess|i think|i would say|i'd say|honestly|how do you say|let's say)\s*,", re.I)
_TAIL_ON = re.compile(r"^(?:because|which|that|so that|whereas|although|though|or|nor|plus)\b", re.I)


def _goal(extraction: Extraction) -> str:
    """At most three of the customer's goal sentences, trimmed; a tail ("That the cash comes
    in faster", "Because ...") joins the sentence it continues instead of standing alone."""
    if not extraction.goal:
        return f"Goal not yet stated by the customer — ask: {FOLLOW_UPS['goal']}"
    sentences: list[str] = []
    for q in extraction.goal:
        for s in _sentences(q.text):
            s = _ASIDE.sub("", _GOAL_PREAMBLE.sub("", _LEADING.sub("", " ".join(s.split()))))
            c = clean(s)
            if len(c.split()) < 3 or c in sentences:
                continue
            if _TAIL_ON.match(s) and sentences:
                sentences[-1] = sentences[-1].rstrip(".!?") + ", " + c[0].lower() + c[1:]
            else:
                sentences.append(c)
    return " ".join(sentences[:MAX_GOAL_SENTENCES]) or clean(extraction.goal[0].text)


# ---------------------------------------------------------------- milestones

_WISH_LEAD = re.compile(
    r"^(?:(?:ideally|then|and|so|but|also|if|either|right|okay|yeah|honestly|basically)\b[,]?\s*)*"
    r"(?:(?:what )?(?:i|we|the board|they|our \w+)(?:['’](?:d|ll))?\s+(?:(?:really|definitely|would|will|also|still|either)\s+)*"
    r"(?:want|need|like|love|have|has|hope|must|should|expect)(?:s|ed)?\s+(?:to\s+)?(?:(?:be able to|see|have)\s+)?|"
    r"success(?: for me)? (?:is|would be|will be) (?:that |when )?|what i want[\w ]{0,30}? is (?:that |for )?)?",
    re.I,
)
_CUT = re.compile(r",\s|\s(?:so|because|which|but|and then|or)\s", re.I)
_NOT_A_MILESTONE = re.compile(
    r"\b(?:until|busy|freeze|frozen|migration|bidding|audit from|vacation|holiday|blackout|full tilt|stretched|slammed|swamped|crunch)\b", re.I
)
_BAD_START = re.compile(r"^(?:\d|under|below|over|above|for|by|before|after|in|at|on|to|of|from|during|let's|let us|them|it|that|this|those|these|which|what|when|if)\b", re.I)
_BAD_END = re.compile(r"\b(?:one|ones|too|are|is|was|were|be|the|a|an|to|of|and|or|it|can|could|will|would)$", re.I)


def outcome_phrase(clause: str) -> Optional[str]:
    """"Ideally the integration is tested in March so we're ready" -> "The integration is tested":
    the customer's words for what is true by the date, without the date and the wish around it."""
    c = " ".join(clean(clause).rstrip(".!?").split())
    if "?" in clause:
        return None
    when = TIME.search(c) or re.search(r"\b(?:next|this) (?:year|month|quarter|week)\b|\bend of \w+", c, re.I)
    bare = re.sub(r"^(?:next|this) (?:year|month|quarter|week)\b,?\s*", "", TIME.sub("", c), flags=re.I)
    bare = _WISH_LEAD.sub("", bare.strip(" ,")).strip(" ,")
    if m := _CUT.search(bare):
        bare = bare[: m.start()]
    bare = re.sub(r"\s+(?:by|before|in|at|on|until|of|the|and|for)$", "", " ".join(bare.split()).strip(" ,"), flags=re.I)
    if len(bare.split()) < 2:
        c2 = _WISH_LEAD.sub("", c).strip(" ,")
        bare = c2 if 2 <= len(c2.split()) <= 10 else ""
    if not bare or len(bare.split()) > 12 or _BAD_START.match(bare) or _BAD_END.search(bare):
        return None
    if when and when[0].lower() not in bare.lower():  # the customer's own words for the date stay with it
        bare += " " + when[0][0].lower() + when[0][1:]
    return bare[0].upper() + bare[1:]


def _milestone_from_measure(m: Metric) -> Optional[str]:
    """"DSO in the low forties", "Invoice errors below 2%": the measure's name and target."""
    if not (m.name and m.target):
        return None
    name = re.sub(r"^(?:our|the|my)\s+", "", m.name, flags=re.I)
    name = name[0].upper() + name[1:]
    target = m.target if re.match(r"(?:under|below|above|over|at|less|more|fewer|no more|down|up|back|within|in|by|to)\b", m.target, re.I) else f"at {m.target}"
    return f"{name} {target}"


def _milestones(extraction: Extraction, measures: list[tuple[Metric, Measure]], t: Transcript, call_date: dt.date) -> list[Milestone]:
    found: list[Milestone] = []
    seen: set[str] = set()

    def add(date: Optional[dt.date], text: Optional[str]) -> None:
        if not text or date is None or date < call_date:
            return
        key = normalise(text)
        if key in seen or any(key in normalise(m.text) for _, m in measures):
            return
        if any(f.date == date and (key in normalise(f.text) or normalise(f.text) in key) for f in found):
            return
        seen.add(key)
        found.append(Milestone(date=date, text=text))

    for metric, m in measures:  # the measures' own time frames
        if metric.when:
            add(resolve_date(metric.when, call_date), _milestone_from_measure(metric))
    measured = [q.text for q in extraction.measures]
    blocked = [q.text for q in extraction.impediments]
    sources = [(q.text, False) for q in extraction.goal] + [
        (s, True) for seg in t.customer_segments() for s in _sentences(seg.text)
    ]
    for text, needs_cue in sources:  # other dated outcomes the customer named ("first region live before peak")
        for s in _sentences(text):
            if "?" in s or any(s in q or q in s for q in blocked):
                continue
            in_measure = any(s in q or q in s for q in measured)  # its numbers are on the page already
            if needs_cue and not re.search(r"\b(?:need|want|have to|must|should|goal|live|ready|done|in place|before|by|go|goes|launch\w*|start\w*)\b", s, re.I):
                continue
            if _NOT_A_MILESTONE.search(s):
                continue
            for a, b in clause_spans(s, 0, len(s)):
                if in_measure and QTY.search(s[a:b]):
                    continue
                d = resolve_date(s[a:b], call_date)
                if d:
                    add(d, outcome_phrase(s[a:b]))
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
    measures = _measures(_metrics(extraction))
    return Plan(
        goal=_goal(extraction),
        measures=[m for _, m in measures],
        milestones=_milestones(extraction, measures, t, call_date),
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


# ---------------------------------------------------------------- whose plan

_GENERIC_LABEL = re.compile(
    r"^(?:speaker|spk|channel|participant|guest|caller|customer|client|user|person|voice|unknown|notes?|attendee|"
    r"interviewee|s)[\s_#-]*\w{0,3}$",
    re.I,
)
_COMPANY = r"((?:[A-Z][\w&'’.-]*)(?:\s+(?:(?:[A-Z][\w&'’.-]*)|&|of|and|de|du))*)"
_NOT_COMPANY = re.compile(
    rf"^(?:{'|'.join(m for m in MONTHS if len(m) > 3)}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"christmas|thanksgiving|easter|q[1-4]|i|the|this|that|our|my|it)$",
    re.I,
)
_SELF = re.compile(r"\b(?:i'm|i am|this is|my name is|we're|we are)\b|\b(?:here at|we at|us at|our team at)\b", re.I)
_CUSTOMER_AT = re.compile(
    rf"\b(?i:here at|we at|us at|(?:i|we)\s+(?:work|run|manage|lead|head|own|am|are)\b[^.,;?!]{{0,40}}?\b(?:at|for)|"
    rf"(?:i['’]m|we['’]re)\b[^.,;?!]{{0,40}}?\bat)\s+{_COMPANY}"
)
_VENDOR_AT = re.compile(rf"\b(?:at|from|with)\s+{_COMPANY}")


def _company(name: str) -> Optional[str]:
    name = re.sub(r"(?:\s+(?:of|and|de|du|&))+$", "", name.strip(" .’'"))
    if not name or _NOT_COMPANY.match(name) or _NOT_COMPANY.match(name.split()[0]):
        return None
    return name


def _label_company(speaker: str) -> Optional[str]:
    """`Anita Desai (Desai Rowe)` -> `Desai Rowe`."""
    m = re.search(r"\(([^()]{2,60})\)\s*$", speaker)
    return _company(m[1]) if m and not re.search(r"\b(?:director|manager|head|lead|vp|ceo|cfo|cto|csm|ae)\b", m[1], re.I) else None


def _people(t: Transcript) -> set[str]:
    return {w for s in t.speakers for w in re.findall(r"\w+", re.sub(r"\([^)]*\)", "", s.name))}


def _vendor_companies(t: Transcript) -> set[str]:
    """The vendor's own company: a `Name (Company)` label, "I'm Priya, your CSM at Ledgerline", "this is Marco from Tidepool"."""
    vendors = {s.name for s in t.speakers if s.role == "vendor"}
    ours = {c for v in vendors if (c := _label_company(v))}
    for seg in t.segments:
        if seg.speaker in vendors:
            for s in _sentences(seg.text):
                if _SELF.search(s):
                    ours.update(c for m in _VENDOR_AT.finditer(s) if (c := _company(m[1])))
    return ours


_PRODUCT = re.compile(rf"\b(?i:with|using|use|into|adopt|roll out|rolling out|set up|in)\s+{_COMPANY}")


def vendor_names(t: Transcript) -> set[str]:
    """The vendor's company and product names as the vendor said them ("achieve with ShiftWise"):
    words that have no place in the customer's goal."""
    names = _vendor_companies(t)
    people, customer = _people(t), customer_name(t)
    vendor = " ".join(s.text for s in t.segments if t.role_of(s.speaker) == "vendor")
    said = " ".join(s.text for s in t.customer_segments())
    for m in _PRODUCT.finditer(vendor):  # a product is a name the vendor keeps using, more than the customer does
        word = m[1].split()[0].strip(".,'’")
        n = len(re.findall(rf"\b{re.escape(word)}\b", vendor))
        if len(word) > 2 and not word.isupper() and word not in people and word not in customer and _company(word) \
                and n >= 2 and n >= len(re.findall(rf"\b{re.escape(word)}\b", said)):
            names.add(word)
    return names


def customer_name(t: Transcript) -> str:
    """Whose plan this is: the customer's company when the call names it (a `Name (Company)`
    label, "I run finance at <Company>", "here at <Company>", or the vendor's "your team at
    <Company>"), else the customer speakers' names, never a generic label like `Channel 2`."""
    customers = [s.name for s in t.speakers if s.role == "customer"]
    ours = _vendor_companies(t)
    people = _people(t)

    def theirs(name: Optional[str]) -> Optional[str]:
        if not name or name in ours or set(name.split()) <= people:
            return None
        return name

    for n in customers:
        if c := theirs(_label_company(n)):
            return c
    for seg in t.segments:
        role = t.role_of(seg.speaker)
        for s in _sentences(seg.text):
            if role == "customer":
                m = _CUSTOMER_AT.search(s)
            elif role == "vendor" and re.search(r"\byou(?:r)?\b", s, re.I) and not _SELF.search(s):
                m = re.search(rf"\b(?:your \w+(?: \w+)? at|everyone at|things at|you at)\s+{_COMPANY}", s)
            else:
                m = None
            if m and (c := theirs(_company(m[1]))):
                return c
    names = [re.sub(r"\s*\([^)]*\)\s*$", "", n) for n in customers if not _GENERIC_LABEL.match(n)]
    names = [n.title() if n.isupper() else n for n in names]
    if not names:
        return "the customer"
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
