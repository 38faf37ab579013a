"""Who is the customer and who the vendor. Hints win; otherwise infer from what people say.

The vendor runs a discovery call: they ask the questions (what does success look like, how
will you know, what could get in the way), talk about "our product / our onboarding", and
say "you / your team". The customer answers about "our team / our business", and gives the
figures. Each speaker gets a score from those cues; the top scorer is the vendor (others
only if they clearly talk like one too), the rest are customers, and the confidence comes
from the margin between the two sides.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import InputError
from .models import Hints, Role, Speaker, Transcript


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# (pattern, weight) pairs; every match in a speaker's text adds its weight.
VENDOR_CUES = [
    (_rx(
        r"what (?:does|would|will) success look like",
        r"how (?:will|would|do|can|could) you (?:know|measure|tell|track)",
        r"what (?:could|might|would|will|can) (?:get in the way|stop you|go wrong|block|slow)",
        r"what would have to happen",
        r"tell me (?:about|more)",
        r"walk me through",
        r"help me understand",
        r"what (?:are|is) your (?:goals?|priorit\w+|biggest|main|top)",
        r"what do you need from us",
        r"if (?:after|in) (?:twelve|12|six|6|\w+) months",
        r"call (?:this|it) a success",
        r"why now",
        r"what prompted",
    ), 2.0),
    (_rx(
        r"\bour (?:product|platform|software|tool|solution|app|onboarding|implementation|support|"
        r"customer success|success team|services team|roadmap|integrations?|connectors?|api|dashboards?|"
        r"features?|licen[cs]es?|pricing|trainers?|training team|engineers|consultants)\b",
        r"\bour (?:most successful|other|best) customers\b",
        r"\bcustomers like you\b",
        r"\bon our side\b",
        r"\byour (?:customer success manager|account manager|csm)\b",
        r"\bwe (?:can|will|'ll) (?:help|set up|configure|build|run|send|schedule|show|provide|share|do that)\b",
        r"\bI(?:'ll| will) send\b",
        r"\bsuccess plan\b",
        r"\bkick-?off\b",
    ), 1.5),
    (_rx(r"\?(?:\s|$)"), 0.6),
    (_rx(r"\byour team\b", r"\byour (?:business|company|process|numbers|goals?)\b"), 0.8),
    (_rx(r"\byou(?:r|'re|'ll)?\b"), 0.15),
]

CUSTOMER_CUES = [
    (_rx(
        r"\bour (?:team|business|company|finance|sales|reps|managers|board|cfo|ceo|cto|it|process(?:es)?|"
        r"invoic\w*|billing|staff|people|department|month[- ]end|quarter|close|data|systems?|warehouse|"
        r"controller|clerks|agents|budget|goal|biggest|numbers|revenue|costs?)\b",
        r"\bmy (?:team|cfo|ceo|boss|manager|staff|department|people|reps|clerks|agents|budget)\b",
        r"\bwe (?:need|want|have to|must|spend|lose|track|measure|use|struggle|are (?:slow|losing|spending|trying|struggling))\b",
        r"\b(?:right now|today|currently),? we\b",
        r"\bI (?:need|want|run|own|manage|report to)\b",
        r"\bfor us\b",
    ), 1.5),
    (_rx(r"\b\d+(?:\.\d+)?\s*(?:%|percent|per ?cent|days?|hours?|weeks?|months?|k\b|m\b)",
         r"[$€£]\s?\d",
         r"\b(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)\b"), 0.7),
    (_rx(r"\b(?:we|our|us)\b"), 0.1),
]


@dataclass
class _Score:
    name: str
    vendor: float
    customer: float
    first: int  # index of the speaker's first segment, for ties

    @property
    def lean(self) -> float:
        """-1 (customer) .. +1 (vendor); 0 when there is nothing to go on."""
        return (self.vendor - self.customer) / (self.vendor + self.customer + 1.0)


def _score(t: Transcript, names: list[str]) -> dict[str, _Score]:
    out = {}
    for name in names:
        texts = [s.text for s in t.segments if s.speaker == name]
        first = next((i for i, s in enumerate(t.segments) if s.speaker == name), len(t.segments))
        v = sum(w * len(rx.findall(x)) for x in texts for rx, w in VENDOR_CUES)
        c = sum(w * len(rx.findall(x)) for x in texts for rx, w in CUSTOMER_CUES)
        out[name] = _Score(name, v, c, first)
    return out


def _confidence(margin: float) -> float:
    return round(0.5 + 0.45 * math.tanh(max(margin, 0.0) * 2), 2)


# --- matching names ---------------------------------------------------------------------


def _norm(s: str) -> str:
    return " ".join(s.casefold().split())


def _bare(name: str) -> str:
    return _norm(re.sub(r"\([^()]*\)", " ", name))


def _company(name: str) -> str:
    m = re.search(r"\(([^()]*)\)\s*$", name)
    return _norm(m.group(1)) if m else ""


def match_speakers(hint: str, names: list[str], option: str = "--vendor") -> list[str]:
    """The speakers a hint names: full name, name without its (Company), the company itself,
    or a first name when only one speaker has it. Case-insensitive."""
    h = _norm(hint)
    if not h:
        raise InputError(f"{option} is empty; give a speaker's name ({', '.join(names)})")
    for rule in (_norm, _bare):
        hits = [n for n in names if rule(n) == h]
        if hits:
            return hits
    hits = [n for n in names if _company(n) == h]
    if hits:
        return hits
    firsts = [n for n in names if _bare(n).split()[:1] == [h]]
    if len(firsts) == 1:
        return firsts
    if len(firsts) > 1:
        raise InputError(f"{option} {hint!r} could be {', '.join(firsts)}; give the full name")
    raise InputError(f"{option} {hint!r} names nobody in this call; speakers found: {', '.join(names)}")


def _names(t: Transcript) -> list[str]:
    return [s.name for s in t.speakers] or list(dict.fromkeys(s.speaker for s in t.segments))


def _speaker_map(t: Transcript) -> dict[str, Speaker]:
    have = {s.name: s for s in t.speakers}
    return {n: have.get(n, Speaker(name=n)) for n in _names(t)}


# --- the two entry points ---------------------------------------------------------------


def assign_roles(t: Transcript, hints: Hints = Hints()) -> Transcript:
    """A copy of `t` with every speaker's role, confidence and basis.

    Hints (basis "hint") win. `--vendor X` alone makes everyone else a customer (basis
    "inferred"). Otherwise roles are inferred from what each speaker says; speakers
    separated by recording channel keep basis "channel" but get their role the same way.
    A single speaker -- pasted notes (`Notes`) or one undivided voice -- is taken as the
    customer with confidence 0.5 (notes) or 0.3: a CSM's notes record what the customer said,
    and the plan is built from customer words. The user can correct any of it (`set_role`).
    """
    speakers = _speaker_map(t)
    names = list(speakers)
    roles: dict[str, tuple[Role, float, str]] = {}
    for option, hinted, role in (("--vendor", hints.vendor, "vendor"), ("--customer", hints.customer, "customer")):
        for hint in hinted:
            for name in match_speakers(hint, names, option):
                if name in roles and roles[name][0] != role:
                    raise InputError(f"{name} is named by both --vendor and --customer; give each speaker one role")
                roles[name] = (role, 1.0, "hint")

    rest = [n for n in names if n not in roles]
    if rest and hints.vendor and not hints.customer:
        for n in rest:
            roles[n] = ("customer", 0.9, "inferred")
    elif rest:
        roles.update(_infer(t, rest, have_vendor=any(r[0] == "vendor" for r in roles.values())))

    out = []
    for name in names:
        role, conf, basis = roles[name]
        if basis == "inferred" and speakers[name].basis == "channel":
            basis = "channel"
        out.append(Speaker(name=name, role=role, confidence=conf, basis=basis))
    return t.model_copy(update={"speakers": out})


def _infer(t: Transcript, names: list[str], have_vendor: bool) -> dict[str, tuple[Role, float, str]]:
    if len(names) == 1 and not have_vendor and len(_names(t)) == 1:
        return {names[0]: ("customer", 0.5 if t.format == "notes" else 0.3, "inferred")}
    scores = _score(t, names)
    ranked = sorted(scores.values(), key=lambda s: (-s.lean, -s.vendor, s.first))
    vendors: list[_Score] = []
    if not have_vendor:
        vendors.append(ranked[0])
    # others are vendors too only if they clearly talk like one (a second CSM, a solutions engineer)
    vendors += [s for s in ranked if s not in vendors and s.lean > 0.4 and s.vendor >= 2 * s.customer + 2]
    customers = [s for s in ranked if s not in vendors]
    if not customers and len(ranked) > 1 and not have_vendor:
        customers = [vendors.pop()]
    out: dict[str, tuple[Role, float, str]] = {}
    for s in vendors:
        gap = s.lean - max((c.lean for c in customers), default=-1.0)
        out[s.name] = ("vendor", _confidence(gap), "inferred")
    for s in customers:
        gap = min((v.lean for v in vendors), default=1.0) - s.lean
        out[s.name] = ("customer", _confidence(gap), "inferred")
    return out


def set_role(t: Transcript, name: str, role: Role) -> Transcript:
    """The one-click fix: `name` gets `role` (basis "hint"). In a two-person call, if that
    leaves both speakers with the same role and the other was not set by hand, the other flips:
    one of two people is the vendor."""
    speakers = _speaker_map(t)
    (target,) = match_speakers(name, list(speakers), "speaker")[:1]
    speakers[target] = Speaker(name=target, role=role, confidence=1.0, basis="hint")
    if len(speakers) == 2 and role in ("customer", "vendor"):
        (other,) = [n for n in speakers if n != target]
        o = speakers[other]
        if o.role == role and o.basis != "hint":
            flipped: Role = "vendor" if role == "customer" else "customer"
            speakers[other] = Speaker(name=other, role=flipped, confidence=o.confidence, basis=o.basis)
    return t.model_copy(update={"speakers": list(speakers.values())})
