"""Score drafts against labelled calls: is the draft the customer's own words, and only those?

A labelled call is a directory holding one transcript file (`transcript.txt|.vtt|.srt`),
`gold.json` (see eval/README.md) and, optionally, `call.wav` + `reference.txt` (the exact
spoken text) to score the same call from audio.

The rules, kept in one place so the numbers mean the same thing everywhere:
- match: a gold quote and an extracted quote match when at least half of the gold
  quote's distinct words appear in the extracted quote (lower-cased, punctuation stripped);
- recall (per field): share of gold quotes matched by some extracted quote of that field;
  no gold quotes -> 1.0;
- precision (per field): share of extracted quotes that match some gold quote of that
  field; nothing extracted -> 1.0 (recall already punishes the miss);
- faithfulness: share of extracted quotes that are exact substrings of one segment spoken
  by a customer (gold's customer_speakers for transcripts; the pipeline's roles for audio,
  whose speaker names are the recogniser's); no quotes -> 1.0;
- must-not hits: extracted quotes matching (same rule) a must_not_extract string;
- plan limits: goal <= 3 sentences, <= 4 measures, <= 5 milestones, a review date;
- numbers: share of gold numbers found in the plan's page text, compared in numeric form
  (case, spelled-out numbers and 'percent' normalised: 'forty percent' == '40%');
- WER (audio only): jiwer word error rate of the transcription against reference.txt;
- suggestions (calls with expected_practices only): hit@5 is 1 when any expected practice
  id is among the draft's first 5 suggestions, recall@5 the share of expected ids there;
  calls without expected ids are left out of those means ("-").
A call that cannot be scored (its draft raised, or its gold file is broken) scores 0.
Totals are means over calls.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.models import Draft, Extraction, Hints, Plan, Transcript

FIELDS = ("goal", "measures", "impediments")
QUOTE_KEYS = (*FIELDS, "must_not_extract")
TRANSCRIPT_NAMES = ("transcript.txt", "transcript.vtt", "transcript.srt")


class Gold(BaseModel):
    """gold.json; extra keys are refused so a typo in a key name cannot silently score 0."""

    model_config = ConfigDict(extra="forbid")

    format: str
    vendor_speakers: list[str]
    customer_speakers: list[str]
    goal: list[str]
    measures: list[str]
    impediments: list[str]
    must_not_extract: list[str]
    numbers: list[str]
    call_date: dt.date
    review_hint: Optional[str] = None
    notes: str = ""
    industry: str = ""
    expected_practices: list[str] = []


class GoldError(ValueError):
    """A labelled call whose files are not usable; the message says which file and why."""


@dataclass
class Call:
    name: str
    split: str
    dir: Path
    transcript: Path
    audio: Optional[Path] = None
    reference: Optional[Path] = None

    @property
    def label(self) -> str:
        return f"{self.split}/{self.name}"


# ------------------------------------------------------------------ finding and checking calls


def find_calls(dirs: Iterable[Path]) -> list[Call]:
    """Every directory holding a gold.json under `dirs` (recursively), in a stable order."""
    calls: dict[Path, Call] = {}
    for d in dirs:
        d = Path(d)
        golds = [d / "gold.json"] if (d / "gold.json").is_file() else sorted(d.rglob("gold.json"))
        for g in golds:
            cd = g.parent.resolve()
            transcripts = [cd / n for n in TRANSCRIPT_NAMES if (cd / n).is_file()]
            audio, ref = cd / "call.wav", cd / "reference.txt"
            calls[cd] = Call(
                name=cd.name,
                split=cd.parent.name,
                dir=cd,
                transcript=transcripts[0] if transcripts else cd / "transcript.txt",
                audio=audio if audio.is_file() and ref.is_file() else None,
                reference=ref if audio.is_file() and ref.is_file() else None,
            )
    return sorted(calls.values(), key=lambda c: (c.split, c.name))


def load_gold(call: Call) -> Gold:
    path = call.dir / "gold.json"
    try:
        return Gold.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as e:
        raise GoldError(f"{path}: not JSON ({e})") from e
    except ValidationError as e:
        err = e.errors()[0]
        raise GoldError(f"{path}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from e


def gold_problems(gold: Gold, transcript: Transcript, file_text: str) -> list[str]:
    """Why a gold file is broken: each quote must be an exact substring of one customer
    segment as the transcript reader sees it, each number must be in the file, and no
    must-not string may match a gold quote (the call could not be scored fairly)."""
    problems = []
    speakers = {s.speaker for s in transcript.segments}
    for name in gold.customer_speakers + gold.vendor_speakers:
        if name not in speakers:
            problems.append(f"speaker {name!r} is not in the transcript (found {sorted(speakers)})")
    customers = set(gold.customer_speakers)
    for key in QUOTE_KEYS:
        for s in getattr(gold, key):
            if s not in file_text:
                problems.append(f"{key}: {s[:60]!r} is not an exact substring of the transcript file")
            elif not any(s in seg.text and seg.speaker in customers for seg in transcript.segments):
                problems.append(f"{key}: {s[:60]!r} is not inside one customer segment")
    for n in gold.numbers:
        if n not in file_text:
            problems.append(f"numbers: {n!r} is not in the transcript file")
    for m in gold.must_not_extract:  # else extracting the gold quote itself would count as a must-not hit
        for key in ("goal", "measures", "impediments"):
            for s in getattr(gold, key):
                if matches(m, s):
                    problems.append(f"must_not_extract: {m[:60]!r} matches the {key} quote {s[:40]!r} by the scoring rule")
    return problems


def check_call(call: Call) -> Gold:
    """Load and validate a call's gold file against its transcript; GoldError if broken."""
    from assistant.transcripts import read_file

    gold = load_gold(call)
    if not call.transcript.is_file():
        raise GoldError(f"{call.dir}: no transcript file ({', '.join(TRANSCRIPT_NAMES)})")
    problems = gold_problems(gold, read_file(call.transcript), call.transcript.read_text(encoding="utf-8"))
    if problems:
        raise GoldError(f"{call.dir / 'gold.json'}: {problems[0]}" + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""))
    return gold


# ------------------------------------------------------------------ the matching rule and the scores

_APOSTROPHES = re.compile(r"['\u2019]")
_NON_WORD = re.compile(r"[^\w]+")


def words(text: str) -> set[str]:
    """Distinct words, lower-cased, punctuation stripped ("don't" -> "dont", "8D-report" -> "8d report")."""
    return set(_NON_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).split())


def matches(gold_quote: str, extracted: str) -> bool:
    """The two share at least half of the gold quote's words."""
    g = words(gold_quote)
    return bool(g) and len(g & words(extracted)) * 2 >= len(g)


def recall_precision(gold: list[str], extracted: list[str]) -> tuple[float, float]:
    recall = sum(any(matches(g, e) for e in extracted) for g in gold) / len(gold) if gold else 1.0
    precision = sum(any(matches(g, e) for g in gold) for e in extracted) / len(extracted) if extracted else 1.0
    return recall, precision


def faithful(text: str, speaker: str, transcript: Transcript, customers: Optional[set[str]]) -> bool:
    """Exact substring of one segment by the quote's speaker, who is a customer
    (per `customers` when given, else per the transcript's own roles)."""
    ok = (lambda n: n in customers) if customers is not None else (lambda n: transcript.role_of(n) == "customer")
    return ok(speaker) and any(seg.speaker == speaker and text in seg.text for seg in transcript.segments)


def faithfulness(extraction: Extraction, transcript: Transcript, customers: Optional[set[str]]) -> float:
    quotes = [q for _, q in extraction.quotes()]
    if not quotes:
        return 1.0
    return sum(faithful(q.text, q.speaker, transcript, customers) for q in quotes) / len(quotes)


def must_not_hits(extraction: Extraction, must_not: list[str]) -> list[str]:
    """The extracted quotes (any field) that match a must-not string."""
    return [q.text for _, q in extraction.quotes() if any(matches(m, q.text) for m in must_not)]


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d)]*\s+")


def sentence_count(text: str) -> int:
    return len([s for s in _SENTENCE_END.split(text.strip()) if s.strip()])


def limit_problems(plan: Plan) -> list[str]:
    problems = []
    if sentence_count(plan.goal) > 3:
        problems.append(f"goal has {sentence_count(plan.goal)} sentences")
    if len(plan.measures) > 4:
        problems.append(f"{len(plan.measures)} measures")
    if len(plan.milestones) > 5:
        problems.append(f"{len(plan.milestones)} milestones")
    if plan.review_date is None:
        problems.append("no review date")
    return problems


def plan_text(plan: Plan) -> str:
    """The plan's page: goal, measures (with baseline, target and source quote), milestones,
    dependencies and review date; not the evidence appendix, which would repeat every quote."""
    parts = [plan.goal]
    for m in plan.measures:
        parts += [m.text, m.baseline or "", m.target or "", m.quote.text if m.quote else ""]
    parts += [f"{ms.date.isoformat() if ms.date else ''} {ms.text}" for ms in plan.milestones]
    parts += [d.text for d in plan.dependencies]
    parts.append(plan.review_date.isoformat() if plan.review_date else "")
    return "\n".join(parts)


_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}  # fmt: skip
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}


def _spelled_numbers(text: str) -> str:
    """'forty five' -> '45', 'four point one' -> '4.1': a recogniser writes digits where a
    transcript spelled the number out (or the other way round)."""
    out: list[str] = []
    total, current, open_ = 0, 0, False

    def flush() -> None:
        nonlocal total, current, open_
        if open_:
            out.append(f"{total + current} ")
        total, current, open_ = 0, 0, False

    for tok in re.split(r"(\s+|-)", text):
        w = tok.strip().lower()
        if w in _UNITS or w in _TENS:
            current += _UNITS[w] if w in _UNITS else _TENS[w]
            open_ = True
        elif w == "hundred" and open_:
            current *= 100
        elif w == "thousand" and open_:
            total, current = total + current * 1000, 0
        elif open_ and (not w or tok == "-"):
            continue  # the space or hyphen inside "forty-five"
        else:
            flush()
            out.append(tok)
    flush()
    return re.sub(r"(\d) ?point (\d)", r"\1.\2", "".join(out))


def numeric_form(text: str) -> str:
    """Lower-cased, spelled numbers as digits, '30 percent' -> '30%', '1,900' -> '1900', single spaces."""
    t = _spelled_numbers(text.lower())
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)
    t = re.sub(r"\s*(?:percent|per cent)\b", "%", t)
    return " ".join(t.split())


def numbers_recall(numbers: list[str], plan: Plan) -> float:
    """Share of gold numbers on the plan's page, compared in numeric form ('forty percent' == '40%')."""
    if not numbers:
        return 1.0
    text = numeric_form(plan_text(plan))
    return sum(numeric_form(n) in text for n in numbers) / len(numbers)


def normalise_for_wer(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).split())


def wer(reference: str, transcript: Transcript) -> float:
    import jiwer

    hyp = normalise_for_wer(" ".join(s.text for s in transcript.segments))
    return float(jiwer.wer(normalise_for_wer(reference), hyp or "<empty>"))


# ------------------------------------------------------------------ one call, many calls


class CallScore(BaseModel):
    call: str
    split: str
    source: str = "transcript"  # or "audio"
    recall: dict[str, float] = {f: 0.0 for f in FIELDS}
    precision: dict[str, float] = {f: 0.0 for f in FIELDS}
    faithfulness: float = 0.0
    must_not_hits: list[str] = []
    limits_ok: bool = False
    limit_problems: list[str] = []
    numbers: float = 0.0
    wer: Optional[float] = None
    suggestions: list[str] = []  # practice ids, in the draft's order
    hit5: Optional[float] = None  # None: the call has no expected practices
    recall5: Optional[float] = None
    seconds: float = 0.0
    engine: Optional[str] = None
    error: Optional[str] = None


def suggestion_scores(suggested: list[str], expected: list[str], k: int = 5) -> tuple[Optional[float], Optional[float]]:
    """(hit@k, recall@k) of suggested practice ids against the expected ones; (None, None)
    when nothing is expected, so such calls stay out of the means."""
    if not expected:
        return None, None
    top = set(suggested[:k])
    found = sum(e in top for e in set(expected))
    return float(found > 0), found / len(set(expected))


def score_draft(d: Draft, gold: Gold, *, audio: bool = False) -> CallScore:
    """Score one draft against its gold labels (call/split are filled in by the caller)."""
    ex = d.extraction
    rp = {f: recall_precision(getattr(gold, f), [q.text for q in getattr(ex, f)]) for f in FIELDS}
    problems = limit_problems(d.plan)
    ids = [sg.practice_id for sg in d.suggestions]
    hit5, recall5 = suggestion_scores(ids, gold.expected_practices)
    return CallScore(
        call="",
        split="",
        source="audio" if audio else "transcript",
        recall={f: rp[f][0] for f in FIELDS},
        precision={f: rp[f][1] for f in FIELDS},
        faithfulness=faithfulness(ex, d.transcript, None if audio else set(gold.customer_speakers)),
        must_not_hits=must_not_hits(ex, gold.must_not_extract),
        limits_ok=not problems,
        limit_problems=problems,
        numbers=numbers_recall(gold.numbers, d.plan),
        suggestions=ids,
        hit5=hit5,
        recall5=recall5,
        engine=d.engine,
    )


def score_call(call: Call, engine: Optional[str] = None, hints: bool = False) -> list[CallScore]:
    """Run the real pipeline on the call's transcript (and on its audio, when it has some)."""
    from assistant.pipeline import draft

    try:
        gold = check_call(call)
    except Exception as e:  # a broken gold file is reported, never a crash
        return [CallScore(call=call.name, split=call.split, error=f"broken gold: {e}")]

    out = []
    sources = [(call.transcript, False)] + ([(call.audio, True)] if call.audio else [])
    for path, audio in sources:
        # the recogniser names audio speakers itself, so gold's names cannot be hints there
        h = Hints(vendor=gold.vendor_speakers if hints and not audio else [], call_date=gold.call_date, engine=engine)
        started = time.perf_counter()
        try:
            d = draft(Path(path), h)
            s = score_draft(d, gold, audio=audio)
            if audio:
                s.wer = wer(call.reference.read_text(encoding="utf-8"), d.transcript)
        except Exception as e:  # count the call as 0 and say why; the other calls still run
            s = CallScore(source="audio" if audio else "transcript", call="", split="", error=_one_line(e))
            s.hit5, s.recall5 = suggestion_scores([], gold.expected_practices)  # failed: 0 when expected
        s.call, s.split, s.seconds = call.name, call.split, round(time.perf_counter() - started, 2)
        out.append(s)
    return out


def _one_line(e: Exception) -> str:
    where = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
    at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}{at}"


def total(name: str, rows: list[CallScore]) -> CallScore:
    """Means over calls (a failed call counts 0); must-not hits are summed; hit@5 and
    recall@5 are means over the calls that have expected practices only."""
    n = len(rows)
    mean = lambda xs: round(sum(xs) / n, 3) if n else 0.0  # noqa: E731
    wers = [r.wer for r in rows if r.wer is not None]
    scored = [r for r in rows if r.hit5 is not None]
    opt_mean = lambda xs: round(sum(xs) / len(xs), 3) if xs else None  # noqa: E731
    return CallScore(
        call=name,
        split=name,
        source=rows[0].source if rows else "transcript",
        recall={f: mean([r.recall[f] for r in rows]) for f in FIELDS},
        precision={f: mean([r.precision[f] for r in rows]) for f in FIELDS},
        faithfulness=mean([r.faithfulness for r in rows]),
        must_not_hits=[h for r in rows for h in r.must_not_hits],
        limits_ok=all(r.limits_ok for r in rows),
        limit_problems=[f"{r.call}: {p}" for r in rows for p in r.limit_problems],
        numbers=mean([r.numbers for r in rows]),
        wer=round(sum(wers) / len(wers), 3) if wers else None,
        hit5=opt_mean([r.hit5 for r in scored]),
        recall5=opt_mean([r.recall5 for r in scored]),
        seconds=round(sum(r.seconds for r in rows), 2),
        error=f"{sum(r.error is not None for r in rows)} of {n} calls failed" if any(r.error for r in rows) else None,
    )


class Report(BaseModel):
    engine: Optional[str]
    hints: bool
    calls: list[CallScore]
    totals: list[CallScore]


def evaluate(
    dirs: Iterable[Path],
    engine: Optional[str] = None,
    hints: bool = False,
    on_call: Callable[[CallScore], None] = lambda s: None,
) -> Report:
    """Score every labelled call under `dirs`; totals per split (transcript and audio apart) and overall."""
    rows: list[CallScore] = []
    for call in find_calls(dirs):
        for s in score_call(call, engine=engine, hints=hints):
            rows.append(s)
            on_call(s)
    totals = []
    for split in dict.fromkeys(r.split for r in rows):
        for source in ("transcript", "audio"):
            group = [r for r in rows if r.split == split and r.source == source]
            if group:
                totals.append(total(split if source == "transcript" else f"{split} audio", group))
    for source in ("transcript", "audio"):
        group = [r for r in rows if r.source == source]
        if group:
            totals.append(total("all" if source == "transcript" else "all audio", group))
    return Report(engine=engine, hints=hints, calls=rows, totals=totals)


# ------------------------------------------------------------------ output

COLUMNS = ["call", "G rec", "G prec", "M rec", "M prec", "I rec", "I prec", "faith", "must-not", "limits", "nums", "hit@5", "rec@5", "WER", "s"]


def _row(s: CallScore, label: str) -> list[str]:
    f = lambda x: f"{x:.2f}"  # noqa: E731
    return [
        label,
        *(f(v) for fld in FIELDS for v in (s.recall[fld], s.precision[fld])),
        f(s.faithfulness),
        str(len(s.must_not_hits)),
        "ok" if s.limits_ok else "FAIL",
        f(s.numbers),
        f(s.hit5) if s.hit5 is not None else "\u2013",
        f(s.recall5) if s.recall5 is not None else "\u2013",
        f(s.wer) if s.wer is not None else "-",
        f"{s.seconds:.1f}",
    ]


def table(report: Report) -> str:
    """A fixed-width table: one row per call (and per audio run), then the totals."""
    rows = [_row(s, f"{s.split}/{s.call}" + (" [audio]" if s.source == "audio" else "")) for s in report.calls]
    totals = [_row(s, f"TOTAL {s.call}") for s in report.totals]
    widths = [max(len(r[i]) for r in [COLUMNS, *rows, *totals]) for i in range(len(COLUMNS))]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    lines = [fmt(COLUMNS), fmt(["-" * w for w in widths]), *map(fmt, rows), fmt(["-" * w for w in widths]), *map(fmt, totals)]
    notes = []
    for s in report.calls:
        tag = f"{s.split}/{s.call}" + (" [audio]" if s.source == "audio" else "")
        if s.error:
            notes.append(f"{tag}: ERROR {s.error}")
        for h in s.must_not_hits:
            notes.append(f"{tag}: must-not extracted: {h[:90]!r}")
        for p in s.limit_problems:
            notes.append(f"{tag}: plan limit: {p}")
    engine = report.engine or "default"
    head = f"engine: {engine}   hints: {'gold vendor names' if report.hints else 'none (roles inferred)'}"
    return "\n".join([head, "", *lines, *([""] + notes if notes else [])])
