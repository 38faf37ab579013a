"""Who is the customer and who the vendor. Hints win; otherwise infer from what people say.

Role errors are costly: a vendor labelled customer lets vendor words pass as "the customer's
words"; a customer labelled vendor hides their answers. So inference weighs several kinds of
evidence and says how sure it is:

- cues, sentence by sentence: the vendor asks the discovery questions, talks about "our
  product / our API / our implementation team / we support", and says "you / your team"; the
  customer answers about "our team / our process / we currently use", gives figures about
  their own operation, and asks about the product ("does it integrate with ...?");
- meaning: a few of each speaker's longest turns are compared (MiniLM) with vendor-side and
  customer-side prototype sentences -- one vote beside the cues, never the only one;
- who is with whom: speakers labelled with the same company (`Name (Company)`, or an email
  domain) are on one side, and so is a person the speaker introduces as "our solutions
  engineer Sam" / "my colleague Sam"; a company (or a self-introduction "Sam from X") that
  matches the product being discussed ("out of X", "X's API", "our platform, X") is the vendor.

Speakers are pooled into those sides; the side that leans most to the vendor is the vendor,
other sides join it only on clear vendor evidence, and at least one side stays customer. The
confidence comes from the margin and from how much evidence there is: a speaker with two lines
is not decided by noise, and shows a low confidence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .errors import InputError
from .models import Hints, Role, Segment, Speaker, Transcript


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# (pattern, weight) pairs, matched per sentence; every match adds its weight.
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
    # who they are: a vendor person introducing their job
    (_rx(
        r"\bI(?:'m| am) (?:[A-Z]\w+,? )?(?:the |your |a |an |one of (?:the|our) )?(?:solutions?|sales|implementation|onboarding|"
        r"integration|support|technical account|customer success|account|professional services)\b"
        r"(?! (?:lead|manager|director|team) (?:at|for|of) (?:our|my))",
        r"\bI (?:work|sit) (?:on|in|with) (?:the |our )?(?:implementation|onboarding|product|engineering|solutions|integrations?) team\b",
    ), 3.0),
    (_rx(
        r"\bour (?:product|platform|software|tool|solution|app|onboarding|implementation|support|"
        r"customer success|success team|services team|roadmap|integrations?|connectors?|api|dashboards?|"
        r"features?|licen[cs]es?|pricing|trainers?|training team|engineers|consultants|sandbox|docs|documentation)\b",
        r"\b(?:most|many|some|all|a lot|plenty) of our (?:customers|clients|carriers|users|accounts|hospitals|schools)\b",
        r"\bour (?:most successful|other|best) (?:customers|clients)\b",
        r"\bcustomers like you\b",
        r"\bon our side\b",
        r"\bout of the box\b",
        r"\byour (?:customer success manager|account manager|csm)\b",
        r"\bwe(?: can|'ll| will|'d| would)? (?:support|integrate|connect|offer|provide|store|host|map|recommend|usually|"
        r"typically|normally|generally)\b",
        r"\bwe(?: can|'ll| will) (?:help|set up|configure|build|run|send|schedule|show|share|do that|train|record|report)\b",
        r"\bwe(?:'d| would) (?:set up|configure|build|schedule|train|record)\b",
        r"\bwe(?:'ve| have) (?:done|seen|helped|built|rolled out|implemented|worked with)\b",
        r"\bI(?:'ll| will) send\b",
        r"\bI(?:'ll| will) be (?:doing|running|leading|handling|your)\b",
        r"\byou can (?:export|import|pull|push|set|change|configure|turn|connect|add|schedule|choose|customi[sz]e|switch)\b",
        r"\bby default\b",
        r"\bsuccess plan\b",
        r"\bkick-?off\b",
    ), 1.5),
    (_rx(r"\byour team\b", r"\byour (?:business|company|process|numbers|goals?|people|staff|users|data)\b"), 0.8),
    (_rx(r"\byou(?:r|'re|'ll)?\b"), 0.15),
]

# "we need / we track" is how a customer talks about their operation; but in a sentence that
# also says "you / your" ("we want your admins trained") either side may be speaking
WE_DO = _rx(r"\bwe (?:need|want|have to|must|spend|lose|track|measure|use|struggle|are (?:slow|losing|spending|trying|struggling))\b")

# asking about the product is what a buyer does
ASKS_ABOUT_PRODUCT = _rx(
    r"\b(?:does|can|will|could) it (?:integrate|connect|work|support|handle|sync|export|import|scale|replace|talk|"
    r"include|pull|push|flag)\b",
    r"\b(?:does|can|will|would|could) (?:the|your) (?:product|platform|system|tool|app|software|api)\b",
    r"\bdo you (?:support|integrate|offer|provide|handle|charge|connect)\b",
    r"\bhow long does (?:the |an? |it )?(?:implementation|setup|set-up|onboarding|rollout|migration|take)\b",
    r"\byour (?:other customers|product|platform|software|api|roadmap|implementation team|support team|pricing)\b",
    r"\bwho (?:would|will) (?:be )?(?:our|my) (?:\w+ ){0,2}(?:be\b|on your)",
)

CUSTOMER_CUES = [
    (_rx(
        r"\bour (?:team|business|company|finance|sales|reps|managers|board|cfo|ceo|cto|it|process(?:es)?|"
        r"invoic\w*|billing|staff|people|department|month[- ]end|quarter|close|data|systems?|warehouse|"
        r"controller|clerks|agents|budget|goal|biggest|numbers|revenue|costs?|own|current|existing|old|legacy)\b",
        r"\bmy (?:team|cfo|ceo|boss|manager|staff|department|people|reps|clerks|agents|budget)\b",
        r"\b(?:right now|today|currently),? we\b",
        r"\bwe(?:'re| are)? currently\b",
        r"\bwe(?:'ve| have) tried\b",
        r"\bit takes us\b",
        r"\bI (?:need|want|run|own|manage|report to|look after)\b",
        r"\bfor us\b",
    ), 1.5),
    (ASKS_ABOUT_PRODUCT, 1.2),
    (_rx(r"\b\d+(?:\.\d+)?\s*(?:%|percent|per ?cent|days?|hours?|weeks?|months?|k\b|m\b)",
         r"[$€£]\s?\d",
         r"\b(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)\b"), 0.7),
    (_rx(r"\b(?:we|our|us)\b"), 0.1),
]

WE_DO_WEIGHT = 1.0
QUESTION_WEIGHT = 0.6  # a question that is not about the product: the vendor's discovery habit, ...
QUESTION_YOU = 0.4  # ... more so when it asks about "you / your ..."
_YOU = re.compile(r"\byou(?:r)?\b", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.?!]+[.?!]*")


# --- evidence per speaker ------------------------------------------------------------------


@dataclass
class _Evidence:
    """Points for each side; lean is -1 (customer) .. +1 (vendor), shrunk toward 0 when thin."""

    vendor: float = 0.0
    customer: float = 0.0
    lines: int = 0
    first: int = 0  # index of the first segment, for ties

    def add(self, other: "_Evidence") -> None:
        self.vendor += other.vendor
        self.customer += other.customer
        self.lines += other.lines
        self.first = min(self.first, other.first)

    @property
    def lean(self) -> float:
        return (self.vendor - self.customer) / (self.vendor + self.customer + PRIOR)

    @property
    def points(self) -> float:
        return self.vendor + self.customer


PRIOR = 2.0  # pseudo-points: a lean needs more than one weak cue to move far from 0
ENOUGH = 6.0  # points (and 3 lines) after which the amount of evidence no longer limits confidence


def _cue_points(text: str) -> tuple[float, float]:
    """(vendor, customer) points of one turn, sentence by sentence."""
    v = c = 0.0
    for m in _SENTENCE.finditer(text):
        sent = m.group(0)
        sv = sum(w * len(rx.findall(sent)) for rx, w in VENDOR_CUES)
        sc = sum(w * len(rx.findall(sent)) for rx, w in CUSTOMER_CUES)
        if not _YOU.search(sent):
            sc += WE_DO_WEIGHT * len(WE_DO.findall(sent))
        if sent.rstrip().endswith("?") and not ASKS_ABOUT_PRODUCT.search(sent):
            sv += QUESTION_WEIGHT + (QUESTION_YOU if _YOU.search(sent) else 0.0)
        v += sv
        c += sc
    return v, c


def _evidence(t: Transcript, names: list[str]) -> dict[str, _Evidence]:
    out = {n: _Evidence(first=len(t.segments)) for n in names}
    for i, seg in enumerate(t.segments):
        e = out.get(seg.speaker)
        if e is None:
            continue
        v, c = _cue_points(seg.text)
        e.vendor += v
        e.customer += c
        e.lines += 1
        e.first = min(e.first, i)
    return out


# --- meaning: MiniLM similarity to each side's prototype sentences --------------------------

VENDOR_PROTOTYPES = [
    "What does success look like for you a year from now?",
    "How will you know it's working? What would you measure?",
    "What could get in the way on your side?",
    "Tell me more about how your team handles that today.",
    "Our implementation team will configure the integration for you.",
    "We support that out of the box, and the rest is on our roadmap.",
    "Our platform connects to your system through our API.",
    "Most of our customers start with a pilot in one team.",
    "I'll send you the draft plan and we'll review it together.",
    "So what I'm hearing is that faster invoicing matters most to you.",
]
CUSTOMER_PROTOTYPES = [
    "Right now our team does this by hand in spreadsheets.",
    "It takes us about nine days today, and my boss wants it under two.",
    "Our biggest problem is that our people spend hours re-keying data.",
    "We track that number every month and report it to our board.",
    "Our IT team is busy with another project until March.",
    "Does your product integrate with the system we use?",
    "How long does implementation usually take for a company like ours?",
    "For us, success means our staff stop doing overtime.",
    "I run the operations team, and I report to the CFO.",
    "We've tried other tools before and people stopped using them.",
]
MEANING_WEIGHT = 0.8  # points per turn at most: one vote beside the cues
MEANING_TURNS = 3  # turns embedded per speaker (the longest), ...
MEANING_BUDGET = 12  # ... and per call, so a long call costs no more than a short one
MEANING_WORDS = 32  # each turn cut to its first words
DECIDED_POINTS, DECIDED_LEAN = 12.0, 0.5  # a speaker the cues already decide is not embedded


@lru_cache(maxsize=1)
def _prototypes():
    from .embeddings import embed

    return embed(VENDOR_PROTOTYPES), embed(CUSTOMER_PROTOTYPES)


def _add_meaning(t: Transcript, ev: dict[str, _Evidence]) -> None:
    """Add up to MEANING_WEIGHT points per embedded turn to the side it reads like. Speakers
    with the least cue evidence are embedded first: it is their role that the cues leave open."""
    picked: list[tuple[str, str]] = []
    open_ = [n for n in ev if ev[n].points < DECIDED_POINTS or abs(ev[n].lean) < DECIDED_LEAN]
    for name in sorted(open_, key=lambda n: ev[n].points):
        turns = [s.text for s in t.segments if s.speaker == name and len(s.text.split()) >= 5]
        turns = sorted(turns, key=lambda x: -len(x))[:MEANING_TURNS]
        picked += [(name, " ".join(x.split()[:MEANING_WORDS])) for x in turns]
        if len(picked) >= MEANING_BUDGET:
            break
    picked = picked[:MEANING_BUDGET]
    if not picked:
        return
    from .embeddings import embed

    vp, cp = _prototypes()
    vecs = embed([x for _, x in picked])
    sv, sc = (vecs @ vp.T).max(1), (vecs @ cp.T).max(1)
    for (name, _), a, b in zip(picked, sv, sc):
        if max(a, b) < 0.3:  # like neither side: small talk
            continue
        d = max(-1.0, min(1.0, float(a - b) / 0.1)) * MEANING_WEIGHT
        if d > 0:
            ev[name].vendor += d
        else:
            ev[name].customer -= d


# --- who is with whom -----------------------------------------------------------------------

_PRODUCT_CONTEXTS = [
    r"\b(?:with|out of|into|onto|use|using|bought|buy|buying|adopt|adopting|roll(?:ing)? out|implement(?:ing)?|"
    r"switch(?:ing)? to|mov(?:e|ing) to|chose|picked|signed with|launch(?:ing)?) ({X})",
    r"({X})(?:'s|’s)? (?:platform|product|app|software|tool|roadmap|api|connectors?|integrations?|dashboards?|"
    r"features?|modules?|licen[cs]es?|pricing|implementation team|support team|rollout)\b",
    r"\b(?:our|the) (?:product|platform|tool|software|app|system|solution),? ({X})",
]
_CAP = r"[A-Z][\w’'-]*[a-z][\w-]*"  # a capitalised word that is not an acronym
PRODUCT_RX = [re.compile(p.replace("{X}", _CAP)) for p in _PRODUCT_CONTEXTS]
_NOT_PRODUCTS = {"the", "this", "that", "it", "we", "you", "our", "your", "them", "us", "me", "all", "some", "one"}
_SELF_INTRO = r"\b(?:I'm|I am|this is|it's|my name is)\s+(?:\w+\s+){{0,2}}?(?:from|with|at|over at)\s+{P}\b|\b(?:here|calling|joining)\s+from\s+{P}\b|\bon the {P} side\b|\b(?:at|here at)\s+{P},?\s+we\b"
_ORG_SUFFIX = re.compile(r"\b(?:inc|ltd|llc|gmbh|corp|co|plc|group|the)\b\.?", re.IGNORECASE)
_ROLE_WORDS_NOT_SAME_SIDE = r"(?:csm|account|rep|representative|contact|vendor|partner|consultant)"


def _products(t: Transcript, people_words: set[str]) -> set[str]:
    """Names talked about as the product ("out of Ledgerline", "Ledgerline's API", "our
    platform, Ledgerline"), casefolded: those mentioned at least twice and at least half as
    often as the most mentioned."""
    counts: dict[str, int] = {}
    for seg in t.segments:
        for rx in PRODUCT_RX:
            for m in rx.finditer(seg.text):
                w = m.group(1).casefold().rstrip("'’s")
                if w not in _NOT_PRODUCTS and w not in people_words:
                    counts[w] = counts.get(w, 0) + 1
    top = max(counts.values(), default=0)
    return {w for w, n in counts.items() if n >= 2 and n * 2 >= top}


def _org(label: str) -> str:
    """The company a label names: `Name (Company)`, or an email domain anywhere in it."""
    m = re.search(r"@([\w-]+)\.", label)
    if m:
        return m.group(1).casefold()
    org = _company(label)
    org = _ORG_SUFFIX.sub(" ", org)
    return " ".join(org.split())


def _is_product(org: str, products: set[str]) -> bool:
    if not org:
        return False
    words = org.split()
    return org.replace(" ", "") in products or words[0] in products


class _Sides:
    """Union-find over speakers: who shares a side with whom."""

    def __init__(self, names: list[str], fixed: dict[str, Role]):
        self.parent = {n: n for n in names}
        self.fixed = dict(fixed)  # root -> role, for groups holding a hinted speaker

    def root(self, n: str) -> str:
        while self.parent[n] != n:
            self.parent[n] = self.parent[self.parent[n]]
            n = self.parent[n]
        return n

    def join(self, a: str, b: str) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return
        fa, fb = self.fixed.get(ra), self.fixed.get(rb)
        if fa and fb and fa != fb:
            return  # the user said otherwise: hints win over links
        self.parent[rb] = ra
        if fb:
            self.fixed[ra] = fb

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for n in self.parent:
            out.setdefault(self.root(n), []).append(n)
        return out


def _first_names(names: list[str]) -> dict[str, str]:
    """Speaker -> first name as written in text ("SAM ORTIZ" -> "Sam"), for first names only
    one speaker has (and not generic labels like "Speaker 2")."""
    from .transcripts.common import GENERIC

    firsts: dict[str, list[tuple[str, str]]] = {}
    for n in names:
        bare = re.sub(r"\([^()]*\)", " ", n).split()
        if bare and not GENERIC.match(" ".join(bare)) and len(bare[0]) > 1:
            first = bare[0].title() if bare[0].isupper() else bare[0]
            firsts.setdefault(first.casefold(), []).append((n, first))
    return {ns[0][0]: ns[0][1] for ns in firsts.values() if len(ns) == 1}


def _introduces(text: str, first: str) -> bool:
    """Does `text` present the person called `first` as on the speaker's own side?
    ("I've brought Sam, our solutions engineer", "my colleague Sam", "Sam from our team").
    The name must be capitalised as a name: "our team will" does not introduce Will."""
    f = f"(?-i:{re.escape(first)})"
    pats = (
        rf"\b(?:our|my)\s+(?:(?!{_ROLE_WORDS_NOT_SAME_SIDE}\b)[\w-]+\s+){{0,3}}{f}\b",
        rf"\b{f}\b,?\s+(?:is\s+|who(?:'s|\s+is)\s+|he's\s+|she's\s+|they're\s+|(?:who\s+)?(?:leads|runs|heads)\s+|from\s+|on\s+)"
        rf"(?:one\s+of\s+)?(?:our|my)\b(?!\s+{_ROLE_WORDS_NOT_SAME_SIDE}\b)",
        rf"\b{f}\b\s+(?:is\s+)?(?:here\s+)?with\s+me\b",
        rf"\b(?:brought|bringing|joined\s+by|joining\s+(?:me|us)(?:\s+today)?(?:\s+is)?|with\s+me\s+(?:today\s+)?is)\s+(?:\w+\s+){{0,2}}?{f}\b",
    )
    return any(re.search(p, text, re.IGNORECASE) for p in pats)


PRODUCT_POINTS = 6.0  # a company label or self-introduction that matches the product


def _link(t: Transcript, names: list[str], ev: dict[str, _Evidence], fixed: dict[str, Role]) -> _Sides:
    """Join speakers into sides (same company; introduced as a colleague) and add vendor points
    to speakers whose company or self-introduction matches the product talked about."""
    sides = _Sides(names, fixed)
    orgs = {n: _org(n) for n in names}
    by_org: dict[str, list[str]] = {}
    for n, o in orgs.items():
        if o:
            by_org.setdefault(o, []).append(n)
    for members in by_org.values():
        for other in members[1:]:
            sides.join(members[0], other)

    firsts = _first_names(names)
    people_words = {w.casefold() for n in names for w in re.findall(r"\w+", n)} - set(orgs.values())
    products = _products(t, people_words)
    for n in names:
        if _is_product(orgs[n], products):
            ev[n].vendor += PRODUCT_POINTS
    intro = [re.compile(_SELF_INTRO.format(P=re.escape(p)), re.IGNORECASE) for p in products]
    for seg in t.segments:
        if seg.speaker not in ev:
            continue
        if any(rx.search(seg.text) for rx in intro):
            ev[seg.speaker].vendor += PRODUCT_POINTS
        for other, first in firsts.items():
            if other != seg.speaker and first in seg.text and _introduces(seg.text, first):
                sides.join(seg.speaker, other)
    return sides


# --- deciding -------------------------------------------------------------------------------

EXTRA_VENDOR_LEAN = 0.1  # a second vendor side needs to lean to the vendor ...
EXTRA_VENDOR_POINTS = 1.5  # ... on more than one weak cue's worth of vendor points


def _confidence(margin: float, strength: float) -> float:
    return round(0.5 + 0.45 * math.tanh(max(margin, 0.0) * 2) * strength, 2)


def _gather(t: Transcript, names: list[str], fixed: dict[str, Role]) -> tuple[dict[str, _Evidence], _Sides]:
    """Every speaker's evidence (cues, links, meaning) and who shares a side with whom."""
    everyone = [*fixed, *names]
    ev = _evidence(t, everyone)
    sides = _link(t, everyone, ev, fixed)
    if len(sides.groups()) == 1:  # links joined everyone (one company label for all): they say nothing
        sides = _Sides(everyone, fixed)
    _add_meaning(t, {n: ev[n] for n in names})
    return ev, sides


def _pool(ev: dict[str, _Evidence], group: list[str], n_segments: int) -> _Evidence:
    e = _Evidence(first=n_segments)
    for n in group:
        e.add(ev[n])
    return e


def _infer(t: Transcript, names: list[str], fixed: dict[str, Role]) -> dict[str, tuple[Role, float, str]]:
    """Roles for `names` (the speakers no hint named); `fixed` holds the hinted ones."""
    if len(names) == 1 and not fixed:
        return {names[0]: ("customer", 0.5 if t.format == "notes" else 0.3, "inferred")}
    ev, sides = _gather(t, names, fixed)
    members = sides.groups()
    pooled = {root: _pool(ev, group, len(t.segments)) for root, group in members.items()}
    free = sorted((r for r in members if r not in sides.fixed), key=lambda r: (-pooled[r].lean, -pooled[r].vendor, pooled[r].first))
    role: dict[str, Role] = {r: sides.fixed[r] for r in members if r in sides.fixed}
    if free and "vendor" not in role.values():
        role[free[0]] = "vendor"
    for r in free:
        if r not in role:
            e = pooled[r]
            clear = e.lean >= EXTRA_VENDOR_LEAN and e.vendor >= EXTRA_VENDOR_POINTS
            role[r] = "vendor" if clear else "customer"
    if "customer" not in role.values() and len(free) > 1:
        role[free[-1]] = "customer"  # one of the people on a call is the customer

    leans = {r: pooled[r].lean for r in members}
    v_leans = [leans[r] for r in members if role[r] == "vendor"]
    c_leans = [leans[r] for r in members if role[r] == "customer"]
    out: dict[str, tuple[Role, float, str]] = {}
    for r in free:
        if role[r] == "vendor":
            margin = leans[r] - max(c_leans, default=-1.0)
        else:
            margin = min(v_leans, default=1.0) - leans[r]
        strength = min(1.0, pooled[r].points / ENOUGH)
        for n in members[r]:
            if n in fixed:
                continue
            # a speaker's own few lines limit how sure we are, less so when a link ties them in
            own = min(1.0, ev[n].lines / 3)
            if len(members[r]) > 1:
                own = max(own, 0.7)
            out[n] = (role[r], _confidence(margin, strength * own), "inferred")
    for r in members:
        if r in sides.fixed:
            for n in members[r]:
                if n not in fixed:
                    out[n] = (role[r], 0.8, "inferred")
    return out


# --- matching names -------------------------------------------------------------------------


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
        roles.update(_infer(t, rest, {n: r[0] for n, r in roles.items()}))

    out = []
    for name in names:
        role, conf, basis = roles[name]
        if basis == "inferred" and speakers[name].basis == "channel":
            basis = "channel"
        out.append(Speaker(name=name, role=role, confidence=conf, basis=basis))
    return t.model_copy(update={"speakers": out})



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
