"""Grow the knowledge base from success interviews: `callplan bullseye FILE...`.

A Success Analysis asks the most successful customers three questions: why did you buy,
how successful has it been, what did you do to make it successful. This module pulls
the interviewee's answers out of a recording or transcript, word for word with times,
and writes *proposals* (draft practices and an updated Bullseye page) under
knowledge/proposed/<interview-id>/ for an editor. Nothing is merged into practices/
here: a practice is a claim about what works, so a person signs it off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Optional, get_args

from .config import Settings, get_settings
from .errors import ConfigError, InputError
from .extract.grounding import sentence_spans
from .knowledge.corpus import AppliesTo, Function, Practice, corpus_root
from .models import Hints, Quote, Transcript

Kind = Literal["buy", "success", "did"]
KINDS: tuple[Kind, ...] = ("buy", "success", "did")
LABEL = {"buy": "Why did you buy?", "success": "How successful has it been?", "did": "What did you do to make it successful?"}

# How interviewers ask the three questions; "did" first, it is the one that matters most.
QUESTION = {
    "did": re.compile(
        r"what did you (?:do|change)|how did you (?:make|get|roll|set|organi[sz]e)|make (?:it|this) (?:a )?success|"
        r"made (?:the|a) difference|what would you (?:tell|advise|recommend)|advice|differently",
        re.I,
    ),
    "buy": re.compile(
        r"why did you (?:buy|choose|pick|decide|purchase|sign|go with|look)|what made you (?:buy|choose|decide|look|sign)|"
        r"why (?:buy|choose|us)|what problem|what were you trying to (?:solve|fix)|before you (?:bought|had|started)",
        re.I,
    ),
    "success": re.compile(
        r"how successful|how (?:has|is) (?:it|this|that) (?:been )?(?:going|gone|worked|working)|what (?:results|impact)|"
        r"what (?:has )?changed|how do you (?:measure|know|track)|what (?:numbers|difference)",
        re.I,
    ),
}
# Embedding fallback for questions phrased some other way.
CANONICAL = {
    "buy": ["Why did you buy it?", "What made you choose this product?", "What problem were you trying to solve?"],
    "success": ["How successful has it been?", "What results have you seen so far?", "How do you measure success?"],
    "did": ["What did you do to make it successful?", "What did you change in how you work?", "What advice would you give?"],
}
MIN_QUESTION_SIMILARITY = 0.5
MIN_WORDS = 5  # shorter sentences are "Yes, sure." - not evidence

QUESTION_SENTENCE = re.compile(r"[^.!?]*\?")
CLAUSE_SPLIT = re.compile(r"\s*(?:[,;:\u2014\u2013]|\s-\s|\bbecause\b|\bso that\b|\band then\b)\s*", re.I)
LEADING_JOIN = re.compile(r"^(?:and|but|so|or|then)\s+", re.I)
METRIC = re.compile(r"\d|percent|days?|hours?|weeks?|rate|time|cost|score|number|errors?|backlog", re.I)
PROBLEM = re.compile(
    r"\b(?:before|used to|problem|couldn'?t|could not|nobody|no one|manual(?:ly)?|by hand|took|late|lost|struggl\w*|"
    r"spreadsheets?|chas(?:e|ing)|sat|stuck|wait\w*|slow|always)\b",
    re.I,
)
ATTRIBUTE = re.compile(
    r"\b(?:our (?:cfo|ceo|coo|vp|head|leadership|culture)|sponsor|dedicated|committed|we (?:have|had) (?:a|an|one)|"
    r"we are a|we were already)\b",
    re.I,
)


@dataclass
class Answer:
    kind: Kind
    question: str
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class Proposal:
    interview_id: str
    segment: str
    directory: Path
    answers: list[Answer]
    practice_files: list[Path]
    bullseye_file: Path
    readme: Path
    invalid: list[str] = field(default_factory=list)  # drafts that need more than an edit to validate

    def summary(self) -> str:
        n = {k: sum(len(a.quotes) for a in self.answers if a.kind == k) for k in KINDS}
        lines = [
            f"{self.interview_id}: {n['buy']} quotes on why they bought, {n['success']} on how successful, "
            f"{n['did']} on what they did (segment: {self.segment})"
        ]
        lines += [f"  proposed practice  {p}" for p in self.practice_files]
        lines += [f"  proposed Bullseye  {self.bullseye_file}", f"  evidence + steps   {self.readme}"]
        return "\n".join(lines)


# --- reading the interview -------------------------------------------------------------------


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "interview"


def interview_id_for(path: Path) -> str:
    s = slug(path.stem)
    return s if s.startswith("interview") else f"interview-{s}"


def interviewees(transcript: Transcript, hints: Hints) -> set[str]:
    """Hints win; then the speakers the role step marked customer; else whoever talked most."""
    if hints.customer:
        return set(hints.customer)
    customers = {s.name for s in transcript.speakers if s.role == "customer"} - set(hints.vendor)
    if customers:
        return customers
    words: dict[str, int] = {}
    for seg in transcript.segments:
        if seg.speaker not in hints.vendor:
            words[seg.speaker] = words.get(seg.speaker, 0) + len(seg.text.split())
    if not words:
        raise InputError("no interviewee found; pass --customer NAME for the customer being interviewed")
    return {max(words, key=words.get)}


def classify_questions(texts: list[str]) -> list[Optional[Kind]]:
    """Which of the three questions each interviewer turn asks (None: none of them)."""
    out: list[Optional[Kind]] = []
    unknown = []
    asked = [(QUESTION_SENTENCE.findall(t) or [t])[-1].strip() for t in texts]  # the question itself
    for i, t in enumerate(asked):
        kind = next((k for k in ("did", "buy", "success") if QUESTION[k].search(t)), None)
        out.append(kind)
        if kind is None and "?" in t:
            unknown.append(i)
    if unknown:
        import numpy as np

        from .embeddings import embed

        canon = [(k, q) for k in KINDS for q in CANONICAL[k]]
        sims = embed([asked[i] for i in unknown]) @ embed([q for _, q in canon]).T
        for row, i in zip(sims, unknown):
            j = int(np.argmax(row))
            if row[j] >= MIN_QUESTION_SIMILARITY:
                out[i] = canon[j][0]
    return out


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text) if len(text[a:b].split()) >= MIN_WORDS]


def answers(transcript: Transcript, who: set[str]) -> list[Answer]:
    """The interviewee's sentences after each of the three questions, until the next question."""
    asked = [(i, s) for i, s in enumerate(transcript.segments) if s.speaker not in who]
    kinds = dict(zip((i for i, _ in asked), classify_questions([s.text for _, s in asked])))
    out: list[Answer] = []
    current: Optional[Answer] = None
    for i, seg in enumerate(transcript.segments):
        if seg.speaker not in who:
            if kinds.get(i):
                current = Answer(kind=kinds[i], question=seg.text)
                out.append(current)
            elif "?" in seg.text:
                current = None  # another question: what follows answers that, not ours
            continue
        if current is None:
            continue
        for sent in sentences(seg.text):
            current.quotes.append(Quote(text=sent, speaker=seg.speaker, start=seg.start, end=seg.end))
    return [a for a in out if a.quotes]


# --- composing proposals ---------------------------------------------------------------------


def clock(t: Optional[float]) -> str:
    if t is None:
        return "no time"
    m, s = divmod(int(t), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m:02d}:{s:02d}"


def cite(q: Quote) -> str:
    return f"\u201c{q.text}\u201d ({q.speaker}, {clock(q.start)})"


def clauses(
    quotes: list[Quote], keep: Optional[re.Pattern] = None, skip: Optional[re.Pattern] = None, limit: int = 3
) -> list[str]:
    """Short phrases in the customer's words (exact pieces of the quotes), for applies_to."""
    out: list[str] = []
    for q in quotes:
        for c in CLAUSE_SPLIT.split(q.text):
            c = LEADING_JOIN.sub("", c.strip().rstrip(".!?").strip())
            if not 3 <= len(c.split()) <= 12 or c in out:
                continue
            if (keep is None or keep.search(c)) and not (skip and skip.search(c)):
                out.append(c)
    return out[:limit]


def draft_practice(answer: Answer, n: int, interview_id: str, segment: str, context: list[Answer]) -> Practice:
    """One draft practice from one "what did you do" answer; the editor rewrites the body."""
    first = answer.quotes[0].text.rstrip(".!?")
    words = first.split()
    title = "DRAFT: " + " ".join(words[:12]) + ("..." if len(words) > 12 else "")
    buy = [q for a in context if a.kind == "buy" for q in a.quotes]
    success = [q for a in context if a.kind == "success" for q in a.quotes]
    body = "\n".join(
        [
            "DRAFT for an editor: rewrite as 2-5 sentences on what this customer does differently, "
            "who does what (role names), and what it changed in the outcome. Keep their words where you can.",
            "",
            f"Evidence from {interview_id}, asked \u201c{answer.question.strip()}\u201d:",
            *[f"- {cite(q)}" for q in answer.quotes],
        ]
    )
    function = segment if segment in get_args(Function) else "operations"
    return Practice.model_construct(
        id=f"{segment}-{slug(interview_id)}-{n}",
        title=title,
        functions=[function],
        industries=["any"],
        applies_to=AppliesTo(
            goals=clauses(buy, skip=PROBLEM),
            measures=clauses(success, keep=METRIC),
            impediments=clauses(buy, keep=PROBLEM),
        ),
        bullseye=segment,
        bullseye_fields=["key_processes"],
        source=interview_id,
        text=body,
    )


SECTIONS = {
    "Primary business objective": "buy",
    "How they measure success": "success",
    "Key attributes": "attributes",
    "Key processes": "did",
}


def bullseye_document(existing: Optional[str], segment: str, interview_id: str, found: list[Answer]) -> str:
    """The segment's Bullseye page with this interview's quotes added as marked evidence."""
    evidence: dict[str, list[Quote]] = {"buy": [], "success": [], "attributes": [], "did": []}
    for a in found:
        for q in a.quotes:
            key = "attributes" if a.kind == "did" and ATTRIBUTE.search(q.text) else a.kind
            evidence[key].append(q)
    if existing:
        head, sections = _split_sections(existing)
    else:
        title = segment.replace("-", " ")
        head = f"---\nid: {segment}\ntitle: What our most successful {title} customers share\nsegment: {segment}\n---\n"
        sections = {name: "" for name in SECTIONS}
    out = [head.rstrip("\n"), ""]
    for name in list(SECTIONS) + [s for s in sections if s not in SECTIONS]:
        body = sections.get(name, "").strip("\n")
        out.append(f"## {name}")
        if body:
            out.append(body)
        for q in evidence.get(SECTIONS.get(name, ""), []):
            out.append(f"- PROPOSED from {interview_id}: {cite(q)}")
        out.append("")
    return "\n".join(out)


def _split_sections(text: str) -> tuple[str, dict[str, str]]:
    parts = re.split(r"^## +(.+?)\s*$", text, flags=re.M)
    head, sections = parts[0], {}
    for name, body in zip(parts[1::2], parts[2::2]):
        sections[name.strip()] = body
    return head, sections


def infer_segment(found: list[Answer], settings: Settings) -> Optional[str]:
    """The Bullseye segment whose practices the answers sound most like (None: no clear match)."""
    from .knowledge import search

    text = " ".join(q.text for a in found if a.kind in ("did", "buy") for q in a.quotes)[:2000]
    votes: dict[str, float] = {}
    for hit in search(text, k=5, settings=settings):
        if hit.score >= 0.35:
            votes[hit.segment] = votes.get(hit.segment, 0.0) + hit.score
    return max(votes, key=votes.get) if votes else None


def propose(
    transcript: Transcript,
    interview_id: str,
    hints: Hints = Hints(),
    segment: Optional[str] = None,
    out_root: Optional[Path] = None,
    settings: Optional[Settings] = None,
) -> Proposal:
    """Write the proposals for one interview; returns what was written."""
    settings = settings or get_settings()
    found = answers(transcript, interviewees(transcript, hints))
    if not found:
        raise InputError(
            f"{interview_id}: found no answers to the success questions (why did you buy, how successful has it "
            "been, what did you do to make it successful); is the interviewer marked? try --interviewer NAME"
        )
    segment = segment or infer_segment(found, settings)
    if not segment:
        raise InputError(f"{interview_id}: cannot tell which Bullseye segment this is; pass --segment (e.g. finance-ops)")
    segment = slug(segment)
    root = out_root or corpus_root(settings)
    directory = root / "proposed" / interview_id
    (directory / "practices").mkdir(parents=True, exist_ok=True)
    (directory / "bullseyes").mkdir(parents=True, exist_ok=True)

    practice_files, invalid = [], []
    did = [a for a in found if a.kind == "did"]
    for n, a in enumerate(did, 1):
        p = draft_practice(a, n, interview_id, segment, found)
        path = directory / "practices" / f"{p.id}.md"
        path.write_text(p.to_markdown(), encoding="utf-8")
        practice_files.append(path)
        try:
            Practice.model_validate(p.model_dump())
        except Exception as e:  # e.g. the customer said "train users": the editor must rewrite
            invalid.append(f"{path.name}: {str(e).splitlines()[-1].strip()}")

    # the current page: beside the proposals if there is one, else the configured corpus's
    existing = root / "bullseyes" / f"{segment}.md"
    if not existing.is_file() and out_root is not None:
        try:
            existing = corpus_root(settings) / "bullseyes" / f"{segment}.md"
        except ConfigError:
            pass
    bullseye_file = directory / "bullseyes" / f"{segment}.md"
    bullseye_file.write_text(
        bullseye_document(existing.read_text(encoding="utf-8") if existing.is_file() else None, segment, interview_id, found),
        encoding="utf-8",
    )
    readme = directory / "README.md"
    proposal = Proposal(interview_id, segment, directory, found, practice_files, bullseye_file, readme, invalid)
    readme.write_text(_readme(proposal, root, transcript), encoding="utf-8")
    return proposal


def _readme(p: Proposal, root: Path, transcript: Transcript) -> str:
    lines = [
        f"# Proposals from {p.interview_id} (for review)",
        "",
        f"Source: {transcript.source or p.interview_id}. Segment: {p.segment}. Nothing here is in the index yet.",
        "",
        "## Next steps",
        "1. Rewrite each draft practice in `practices/` as a process change (who does what, what it changes);",
        "   remove `DRAFT`, check `applies_to` phrases, give it a lasting id (= file name).",
        f"2. Move the practices you accept into `{root / 'practices'}/` and merge the PROPOSED lines of",
        f"   `bullseyes/{p.segment}.md` into `{root / 'bullseyes' / (p.segment + '.md')}`.",
        "3. Run `callplan knowledge sync`.",
        "",
    ]
    if p.invalid:
        lines += ["## Drafts that need more than a light edit", *[f"- {x}" for x in p.invalid], ""]
    for a in p.answers:
        lines += [f"## {LABEL[a.kind]}", f"Asked: \u201c{a.question.strip()}\u201d", *[f"- {cite(q)}" for q in a.quotes], ""]
    return "\n".join(lines)


def run(
    files: list[Path],
    hints: Hints = Hints(),
    segment: Optional[str] = None,
    out_root: Optional[Path] = None,
    settings: Optional[Settings] = None,
) -> list[Proposal]:
    from .pipeline import load_transcript

    settings = settings or get_settings()
    proposals: list[Proposal] = []
    for f in files:
        transcript = load_transcript(Path(f), hints, settings=settings)
        iid = interview_id_for(Path(f))
        taken = {p.interview_id for p in proposals}
        iid = next(f"{iid}-{n}" for n in range(2, 10_000) if f"{iid}-{n}" not in taken) if iid in taken else iid
        proposals.append(propose(transcript, iid, hints, segment, out_root, settings))
    return proposals
