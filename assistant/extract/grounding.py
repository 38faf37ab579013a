"""The evidence invariant, enforced in code.

Every Quote that leaves `ground()` is an exact substring of one segment spoken by a
customer speaker, with that segment's speaker and times. Whatever an engine returned
(an LLM's slightly reworded quote, curly quotes, a vendor line) is aligned to the best
exact customer span when the match is strong, and dropped otherwise. Grounding is
idempotent, so it is safe to run twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from rapidfuzz import fuzz

from ..models import Extraction, Quote, Segment, Topic, Transcript, Unanswered

TOPICS: tuple[Topic, ...] = ("goal", "measures", "impediments")

# The follow-up questions, in the method's wording (METHOD.md: the three discovery questions).
FOLLOW_UPS: dict[str, str] = {
    "goal": "If it's twelve months from now and you call this a success, what would you say — "
    "what does success look like for your business by the end of the contract?",
    "measures": "How will you know it's working — which numbers do you already track, and where are they today?",
    "impediments": "What could get in the way — people's time, data or system access, approvals, "
    "other projects competing for the same team?",
}

MIN_ALIGN_SCORE = 85.0  # rapidfuzz ratio (0-100) of normalised text; below this a quote is dropped

# ---------------------------------------------------------------- sentences (shared with embedded)

_SPLIT = re.compile(r"(?<=[.!?…])(?P<close>[\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n+")
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|vs|etc|e\.g|i\.e|approx|Inc|Ltd|Co|U\.S|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec))\.$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences in `text`, trimmed of outer whitespace.

    Spans, not strings, so every quote we build is an exact substring of the segment.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SPLIT.finditer(text):
        end = m.start() + len(m.group("close") or "")
        if _ABBREV.search(text[start:end].rstrip()):
            continue
        spans.append((start, end))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def clause_spans(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Clauses inside one sentence span (split at , ; : and dashes), for aligning partial quotes."""
    out = []
    start = a
    for m in re.finditer(r"[,;:]\s+|\s+[-–—]+\s+", text[a:b]):
        out.append((start, a + m.start()))
        start = a + m.end()
    out.append((start, b))
    return [(x, y) for x, y in out if y > x]


# ---------------------------------------------------------------- normalisation

_TRANS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."})


def normalise(text: str) -> str:
    """Case, curly quotes, punctuation and whitespace folded away, for matching only."""
    text = text.translate(_TRANS).casefold()
    text = re.sub(r"[^\w%$'\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class _Span:
    seg: int
    a: int
    b: int
    norm: str


def _customer_spans(t: Transcript) -> tuple[list[int], list[_Span]]:
    idx = [i for i, s in enumerate(t.segments) if t.role_of(s.speaker) == "customer"]
    spans: list[_Span] = []
    for i in idx:
        text = t.segments[i].text
        sents = sentence_spans(text)
        cands: set[tuple[int, int]] = set(sents)
        for k in range(len(sents)):  # runs of up to 3 sentences
            for n in (2, 3):
                if k + n <= len(sents):
                    cands.add((sents[k][0], sents[k + n - 1][1]))
            cands.update(clause_spans(text, *sents[k]))
            cl = clause_spans(text, *sents[k])
            for j in range(len(cl) - 1):  # two adjacent clauses
                cands.add((cl[j][0], cl[j + 1][1]))
        for a, b in sorted(cands):
            spans.append(_Span(i, a, b, normalise(text[a:b])))
    return idx, spans


def _quote_from(seg: Segment, a: int, b: int) -> Quote:
    return Quote(text=seg.text[a:b], speaker=seg.speaker, start=seg.start, end=seg.end)


def _exact(q: Quote, t: Transcript, customer_idx: list[int]) -> Optional[Quote]:
    text = q.text.strip()
    if not text:
        return None
    hits = [i for i in customer_idx if text in t.segments[i].text]
    if not hits:
        return None
    # prefer the segment the engine named (same speaker and start), so grounding is stable
    best = next((i for i in hits if t.segments[i].speaker == q.speaker and t.segments[i].start == q.start), None)
    if best is None:
        best = next((i for i in hits if t.segments[i].speaker == q.speaker), hits[0])
    seg = t.segments[best]
    a = seg.text.index(text)
    return _quote_from(seg, a, a + len(text))


def _align(q: Quote, t: Transcript, spans: list[_Span]) -> Optional[Quote]:
    target = normalise(q.text)
    if len(target) < 3 or not spans:
        return None
    best: Optional[_Span] = None
    best_score = 0.0
    for s in spans:
        if not s.norm:
            continue
        # cheap length filter: ratio can't reach the threshold when lengths differ a lot
        if min(len(s.norm), len(target)) * 2 * 100 < MIN_ALIGN_SCORE * (len(s.norm) + len(target)):
            continue
        score = fuzz.ratio(target, s.norm, score_cutoff=best_score)
        if score > best_score or (score == best_score and best and t.segments[s.seg].speaker == q.speaker):
            best, best_score = s, score
    if best is None or best_score < MIN_ALIGN_SCORE:
        return None
    return _quote_from(t.segments[best.seg], best.a, best.b)


def ground_quotes(quotes: Iterable[Quote], t: Transcript) -> list[Quote]:
    """Each quote aligned to an exact customer span, or dropped; duplicates removed, order kept."""
    customer_idx, spans = None, None
    out: list[Quote] = []
    seen: set[tuple[str, str, Optional[float]]] = set()
    for q in quotes:
        if customer_idx is None:
            customer_idx = [i for i, s in enumerate(t.segments) if t.role_of(s.speaker) == "customer"]
        g = _exact(q, t, customer_idx)
        if g is None:
            if spans is None:
                _, spans = _customer_spans(t)
            g = _align(q, t, spans)
        if g is None:
            continue
        key = (normalise(g.text), g.speaker, g.start)
        if key in seen:
            continue
        seen.add(key)
        out.append(g)
    return out


def ground(extraction: Extraction, t: Transcript) -> Extraction:
    """The evidence invariant: every quote exact, customer-spoken, with its segment's times."""
    fields = {topic: ground_quotes(getattr(extraction, topic), t) for topic in TOPICS}
    unanswered: list[Unanswered] = []
    for u in extraction.unanswered:
        if u.follow_up.strip() and all(u.topic != x.topic for x in unanswered):
            unanswered.append(u)
    for topic in TOPICS:
        if not fields[topic] and all(u.topic != topic for u in unanswered):
            unanswered.append(Unanswered(topic=topic, follow_up=FOLLOW_UPS[topic]))
    return Extraction(**fields, unanswered=unanswered)


def is_grounded(q: Quote, t: Transcript) -> bool:
    """True when q is exact customer evidence (used by tests and the eval's faithfulness score)."""
    return any(
        seg.speaker == q.speaker
        and seg.start == q.start
        and seg.end == q.end
        and q.text
        and q.text in seg.text
        and t.role_of(seg.speaker) == "customer"
        for seg in t.segments
    )
