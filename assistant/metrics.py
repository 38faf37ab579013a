"""Measures as the customer stated them: one metric per measure, its baseline and target.

Customers often give several numbers in one breath ("DSO is 52 days today and I want it
under 40 by September, and invoice errors are about 6%, which I want below 2%"). The plan
needs one line per metric, so a measure quote is cut into metric spans (exact character
ranges of the quote, so each stays evidence) and each span is read for:

- the metric's name: the words before "is/are/was" ("Days sales outstanding is 52 days");
- the baseline: the first quantity before the customer's wish ("I want", "I'd like",
  "should", "the target is"), or the "from X" of "from X to Y";
- the target: the first quantity after the wish, with its comparator ("under 40");
- the time frame: "by the end of next September", "within one year".

Nothing is invented: every word of a metric line comes from the span it describes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .extract.grounding import sentence_spans

_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)"
)
_WORDNUM = rf"{_WORD}(?:[\s-]{_WORD})?"
_DIGITS = r"(?<![\w.-])\d+(?:,\d{3})*(?:\.\d+)?(?![\w-])"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?"
)
_UNIT = (
    r"(?:\s?%|\s(?:percent|per cent)\b|\s?(?:k|x)\b|\s(?:business\s|working\s|calendar\s)?"
    r"(?:days?|hours?|minutes?|weeks?|months?|years?|points?|ppm|people|tickets|invoices|calls|errors|returns|"
    r"dollars|euros|pounds|million|thousand|billion)\b)"
)
_CURRENCY = rf"[$€£]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|mm|million|thousand|billion)\b)?"
_RATE = rf"(?:one|1|{_DIGITS})\s(?:[a-z]+\s)?(?:in|out of)\s\d+(?:,\d{{3}})*(?![\w-])"
_RANGE = rf"(?:{_DIGITS}|{_WORDNUM})(?:\s(?:to|or)\s(?:{_DIGITS}|{_WORDNUM}))?(?:\sand a half)?"
_SPAN = (
    r"(?:half\s)?an?\s(?:hour|day|week|month|year)\b|(?:a|one|two)\s(?:third|quarter)s?\b|"
    r"(?:the\s)?(?:low|mid|high|upper)[\s-](?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b"
)
# a quantity: "$40k", "one in 200", "8 or 9 percent", "96 and a half percent", "52 days", "an hour", "85"
QTY = re.compile(
    rf"{_CURRENCY}|{_RATE}|{_SPAN}|(?:{_RANGE}){_UNIT}|{_DIGITS}(?:\sand a half)?", re.I
)
_NOT_A_QTY = re.compile(rf"(?:\b{_MONTH}\s+$|\b(?:q|p|day|tier|level|page)\s?-?$|\bmid-$)", re.I)
_YEAR = re.compile(r"^(?:19|20)\d\d$")

_COMPARATOR = (
    r"(?:under|below|above|over|at least|at most|less than|more than|fewer than|no more than|down to|up to|"
    r"back (?:at|to|above|below|under)|within|by|to|at|in)"
)
_TARGET = re.compile(rf"\b({_COMPARATOR})\s+(?:(?:about|around|roughly|maybe|just)\s+)?$", re.I)
_LIMITS = {"under", "below", "less than", "fewer than", "at least", "at most", "no more than", "within", "down to", "up to"}
_RELATIVE = re.compile(r"\b(double|triple|halve|half|zero|hundreds|dozens|single digits)\b", re.I)
# the customer's wish: what comes after it is the target
WISH = re.compile(
    r"\b(?:want(?:s|ed)?|(?:(?<=i )|(?<=we )|(?<=they ))needs?|(?:['’]d|would) (?:like|love|want)|hope|aim|should|must|ha(?:s|ve) to|target|goal|"
    r"get (?:it|that|them|this) (?:to|down|under|below|up))\b",
    re.I,
)
_FROM_TO = re.compile(
    rf"\bfrom\s+(?:about\s+|around\s+|roughly\s+)?(?P<a>{QTY.pattern})\s+(?:down\s+|up\s+)?to\s+"
    rf"(?P<cmp>(?:about|around|under|below|less than)\s+)?(?P<b>{QTY.pattern}|{_WORDNUM}\b)",
    re.I,
)
# time frames, as the customer said them, kept on the metric line ("by the end of next September")
TIME = re.compile(
    rf"\b(?:by|before|within|in|until|at|over)\s+(?:the\s+)?(?:end\s+of\s+)?(?:the\s+)?(?:(?:next|this|first|second)\s+)?"
    rf"(?:{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}})?(?!\s+(?:budget|board|planning|review|audit|close|meeting)\b)|q[1-4](?:\s+\d{{4}})?|(?:fiscal\s+|calendar\s+)?year|"
    rf"quarter|(?:{_DIGITS}|{_WORDNUM}|a)\s+(?:days?|weeks?|months?|quarters?|years?)(?:\s+from\s+(?:now|today))?)\b"
    rf"|\b(?:{_DIGITS}|{_WORDNUM}|a)\s+(?:months?|years?)\s+from\s+(?:now|today)\b",
    re.I,
)

_CLAUSE = re.compile(r"[,;:]\s+|\s+[-–—]+\s+|\s+(?=(?:and|but|while|whereas)\s(?!a half))", re.I)
_LEAD = re.compile(
    r"^(?:(?:and|but|so|then|also|plus|um+|uh+|yeah|okay|honestly|right now|now|today|currently|on average|"
    r"last (?:year|season|month|quarter|cycle)|this year|at the moment|these days|downstream of that)\b[,]?\s*)+",
    re.I,
)
_CONTINUES = re.compile(
    r"^(?:which|that|it|it's|its|this|those|these|they|them|he|she|in|at|by|to|from|for|with|of|on|within|about|"
    r"around|roughly|what|where|when|who|because|since|so|than|more|less|plus|not|down|up|or|under|below|above|over|"
    r"back|at least|no more|target\w*|maybe|only|just|almost|nearly|some|most|half|all|" + _WORD + r")\b|^\d",
    re.I,
)
_BENCHMARK = re.compile(r"\b(?:industry|sector|market|peer|benchmark|fair share|par)\b", re.I)
_LINK = re.compile(
    r"\s+(?:is|are|was|were|['’]s|sits at|is sitting at|is running|are running|runs at|stands at|"
    r"is currently|are currently|currently|right now|today)(?:\s+(?:about|around|roughly|approximately|nearly|"
    r"almost|at|over|currently|something like|maybe))*\s*$",
    re.I,
)
_PRONOUN = re.compile(r"^(?:i|we|we're|i'm|they|it|it's|you|he|she|there|that|this|what)\b", re.I)


@dataclass
class Metric:
    """One metric inside a measure quote: its span [a, b) of the quote text and what it says."""

    a: int
    b: int
    name: Optional[str]  # the customer's name for the number, when they said "<name> is <number>"
    baseline: Optional[str]
    target: Optional[str]
    when: Optional[str]  # the time frame as said ("by the end of next September")
    lead: str  # the clause that states the baseline, cleaned of fillers
    baseline_said: Optional[str] = None  # the baseline with what it counts ("6% of invoices")

    def line(self) -> str:
        """"Days sales outstanding: 52 days → under 40 by the end of next September"."""
        if self.name and (self.baseline or self.target):
            text = f"{self.name}: {self.baseline_said or self.baseline or '?'} → {self.target or '?'}"
        elif self.baseline and self.target:
            text = f"{self.lead} → {self.target}"
        else:
            return self.lead
        if self.when and self.when.lower() not in text.lower():
            text += f" {self.when}"
        return text


def _quantities(text: str) -> list[re.Match]:
    out = []
    for m in QTY.finditer(text):
        if _NOT_A_QTY.search(text[max(0, m.start() - 12) : m.start()]) or _YEAR.match(m[0]):
            continue
        if re.match(r"\s*(?:st|nd|rd|th)\b", text[m.end() :]):
            continue
        out.append(m)
    return out


def _strip_approx(q: str) -> str:
    return re.sub(r"^(?:about|around|roughly|approximately|nearly|almost|maybe)\s+", "", " ".join(q.split()), flags=re.I)


def parse_baseline_target(text: str) -> tuple[Optional[str], Optional[str]]:
    """Baseline and target as the customer stated them ("from 12 days to 5", "currently about 40%")."""
    s = " ".join(text.split())
    if m := _FROM_TO.search(s):
        return _strip_approx(m["a"]), ((m["cmp"] or "") + m["b"]).strip()
    if m := re.search(rf"\b(?:target|goal) (?:is|of|would be)\s+(?:about\s+)?({QTY.pattern})", s, re.I):
        pre = s[: m.start()]
        base = next((q[0] for q in _quantities(pre)), None)
        return (_strip_approx(base) if base else None), m[1].strip()
    wish = WISH.search(s)
    cut = wish.start() if wish else len(s)
    pre, post = s[:cut], s[cut:]
    baseline = target = None
    qs = _quantities(pre)
    if qs:
        cmp = _TARGET.search(pre[: qs[0].start()])
        if not wish and len(qs) == 1 and cmp and cmp[1].lower() in _LIMITS:
            target = f"{cmp[1]} {qs[0][0]}"  # "P1 restore under two hours": a limit with no wish word
        else:
            baseline = _strip_approx(qs[0][0])
    if wish:
        for q in _quantities(post):
            cmp = _TARGET.search(post[: q.start()])
            word = cmp[1].lower() if cmp else ""
            target = q[0] if word in ("", "to", "at") else f"{cmp[1]} {q[0]}"
            break
        else:
            if m := re.search(rf"\b({_COMPARATOR})\s+({_WORDNUM})\b", post, re.I):
                target = m[0] if m[1].lower() not in ("to", "at") else m[2]
            elif m := _RELATIVE.search(post):
                target = m[1]
    if baseline and target and baseline == target:
        baseline = None
    return baseline, target


def _clauses(text: str, a: int, b: int) -> list[tuple[int, int]]:
    out, start = [], a
    for m in _CLAUSE.finditer(text, a, b):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if b > start:
        out.append((start, b))
    return out


def _new_metric(clause: str) -> bool:
    """Does this clause start a second metric (not "which I want below 2%", not "and I want it under 40")?"""
    c = _LEAD.sub("", clause.strip())
    return bool(_quantities(c)) and not WISH.search(c) and not _CONTINUES.match(c) and not _BENCHMARK.search(c)


def metric_spans(text: str) -> list[tuple[int, int]]:
    """[a, b) ranges of `text`, one per metric; the whole text when it holds one (or none)."""
    groups: list[list[tuple[int, int]]] = []
    has_qty: list[bool] = []
    for sa, sb in sentence_spans(text):
        for ca, cb in _clauses(text, sa, sb):
            clause = text[ca:cb]
            so_far = text[groups[-1][0][0] : ca] if groups else ""
            wish = WISH.search(so_far)
            waiting = bool(wish) and not _quantities(so_far[wish.end() :])  # "I'd like them in" ... "and out in 15"
            if groups and (not has_qty[-1] or waiting or not _new_metric(clause)):
                groups[-1].append((ca, cb))
                has_qty[-1] = has_qty[-1] or bool(_quantities(clause))
            else:
                groups.append([(ca, cb)])
                has_qty.append(bool(_quantities(clause)))
    if len(groups) <= 1:
        return [(0, len(text))]
    spans = []
    for g in groups:
        while len(g) > 1 and len(text[g[0][0] : g[0][1]].split()) <= 2 and not _quantities(text[g[0][0] : g[0][1]]):
            g = g[1:]  # "Two numbers, ..." is a preamble, not part of the first metric
        a, b = g[0][0], g[-1][1]
        if m := re.match(r"(?:(?:and|but|so|then|also|plus)\b[,]?\s*)+", text[a:b], re.I):
            a += m.end()
        while b > a and text[b - 1] in " ,;:-–—":
            b -= 1
        spans.append((a, b))
    return spans


_GENERIC = re.compile(r"^(?:the|our|my)\s+\w+$|\b(?:target|goal)\b|\bones?$|^(?:of|in|on|at|with|by|to|if|when)\b", re.I)


def _tidy_name(name: str) -> Optional[str]:
    name = _LEAD.sub("", name.strip(" ,")).strip(" ,")
    name = re.sub(r"^(?:for|and|so|then|the other one|on)\s+", "", name, flags=re.I)
    name = re.sub(r"\s+(?:it|that|this|they)$", "", name, flags=re.I)
    if not name or _PRONOUN.match(name) or _GENERIC.search(name) or len(name.split()) > 10 or _quantities(name):
        return None
    if WISH.search(name) or re.search(r"\b(?:i|we|you)\b", name, re.I):
        return None
    return name[0].upper() + name[1:]


def _name(span: str, first_qty: int) -> Optional[str]:
    """The metric's name: "<name> is <number>" ("Days sales outstanding is 52 days"), else a
    leading clause that names it ("Time to productivity for engineers, ... is 45 days")."""
    parts = [p for p in re.split(r",\s*", span[:first_qty]) if p.strip()]
    if parts and _LINK.search(" " + parts[-1]):
        said = _LINK.sub("", " " + parts[-1]).strip()
        if said and (name := _tidy_name(said)):
            return name
        if not _LEAD.sub("", said).strip(" ,") and len(parts) > 1:  # "Our direct share, booked on ..., is 22 percent"
            if name := _tidy_name(parts[0]):
                return name
    if len(parts) > 1 and not re.search(r"\b(?:is|are|was|were|has|have|had|do|does|did|get|gets|take|takes)\b", parts[0], re.I):
        return _tidy_name(parts[0])
    return None


def _clean(text: str) -> str:
    from .plan import clean  # the same trimming as the rest of the page

    return clean(text).rstrip(".")


_LEAD_CLAUSE = re.compile(r"[,;:]\s+|(?<=[.!?])\s+|\s+[-–—]+\s+")


def read_metric(text: str, a: int = 0, b: Optional[int] = None) -> Metric:
    """What the span text[a:b] says about its metric."""
    b = len(text) if b is None else b
    span = text[a:b]
    baseline, target = parse_baseline_target(span)
    qs = _quantities(span)
    name = _name(span, qs[0].start()) if qs else None
    lead = _clean(span)
    if qs and baseline and target:  # the clause stating the baseline, up to the customer's wish
        q = next((x for x in qs if _strip_approx(x[0]) == baseline), qs[0])
        ca = max((m.end() for m in _LEAD_CLAUSE.finditer(span, 0, q.start())), default=0)
        cb = next((m.start() for m in _LEAD_CLAUSE.finditer(span, q.end())), len(span))
        if (wish := WISH.search(span, ca)) and wish.start() < cb:
            cb = wish.start()
        clause = re.sub(r"(?:\s+(?:and|but|so))?(?:\s+(?:i|we|they|he|she|it|that))?\s*$", "", span[ca:cb].strip(" ,"), flags=re.I)
        if len(clause.split()) >= 3 and not re.search(r"\b(?:i|we)$", clause, re.I):
            lead = _clean(clause)
        if name:  # "38% of our overtime and premium labor cost": the "of ..." belongs to the number
            if m := re.match(r"\s+(of\s+[^,.;]+?)(?=\s*(?:[,.;]|$|\b(?:and|which|right now|today|last)\b))", span[q.end() :], re.I):
                if len(m[1].split()) <= 8:
                    baseline_said = f"{baseline} {m[1]}"
                    return _metric(a, b, name, baseline, target, span, lead, baseline_said)
    return _metric(a, b, name, baseline, target, span, lead)


def _metric(a: int, b: int, name: Optional[str], baseline: Optional[str], target: Optional[str], span: str, lead: str,
            baseline_said: Optional[str] = None) -> Metric:
    when = next((m[0] for m in TIME.finditer(span) if not re.match(r"(?:in|at|over)\s", m[0], re.I) or "from" in m[0]
                 or re.search(r"end of|next|this|q[1-4]|year", m[0], re.I)), None)
    return Metric(a=a, b=b, name=name, baseline=baseline, target=target, when=when, lead=lead, baseline_said=baseline_said)
