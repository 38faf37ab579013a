"""Check a plan against the method's quality rules; every finding carries a concrete fix.

Rules (METHOD.md): outcomes, not activities; business language, not product-adoption
metrics; brief (goal <= 3 sentences, <= 4 measures, <= 5 milestones); measures with a
baseline and a target; dated milestones; obligations on both sides; a goal in the
customer's own words.
"""

from __future__ import annotations

import re

from typing import Optional

from .extract.grounding import normalise, sentence_spans
from .metrics import metric_spans, read_metric
from .models import Critique, Extraction, Plan, Transcript

MAX_GOAL_SENTENCES = 3
MAX_MEASURES = 4
MAX_MILESTONES = 5

ACTIVITY = re.compile(
    r"\b(?:training (?:completed|done|delivered|finished)|(?:complete|completed|finish|finished|deliver|run|attend)\w* (?:the )?training|"
    r"go(?:es|ing)?[- ]live|went live|launch(?:ed)?|kick-?off|onboarding (?:done|completed|finished)|(?:complete|finish)\w* onboarding|"
    r"set ?up|configured?|configuration|install(?:ed|ation)?|deploy(?:ed|ment)?|roll(?:ed)?[- ]?out|implement(?:ed|ation)|"
    r"integration (?:built|done|completed)|migrat(?:e|ed|ion) (?:done|completed)|users? (?:created|invited|provisioned)|licen[cs]es? (?:assigned|activated))\b",
    re.I,
)
ADOPTION_METRIC = re.compile(
    r"\b(?:log-?ins?|logging in|log in|feature adoption|adoption|active users?|[dwm]au|seats?|licen[cs]es? (?:activated|used|assigned)|"
    r"usage|utili[sz]ation|sessions|clicks|time in (?:the )?(?:app|product|tool)|modules? used)\b",
    re.I,
)
_NOT_STATED = "Goal not yet stated"
# the vendor's vocabulary: a goal about "the platform" is the vendor's goal, not the customer's
PRODUCT_WORDS = re.compile(
    r"\b(?:the|your|our) (?:platform|tool|software|product|solution|system|app|modules?|features?|dashboards?)\b", re.I
)


def _sentences(text: str) -> int:
    return len(sentence_spans(text))


def _in_customer_words(goal: str, extraction: Extraction) -> bool:
    """Most of the goal's words appear in the customer's quotes (disfluencies trimmed is fine)."""
    words = [w for w in normalise(goal).split() if len(w) > 3]
    if not words:
        return False
    said = set(normalise(" ".join(q.text for _, q in extraction.quotes())).split())
    return sum(w in said for w in words) / len(words) >= 0.8


def _content(text: str) -> set[str]:
    return {w for w in normalise(text).split() if len(w) > 3}


def _metrics_in(text: str) -> int:
    """How many separate metrics, each with a number, one measure line holds (left of any
    "→", which separates a line's own baseline from its target)."""
    text = text.split("→")[0]
    return sum(1 for a, b in metric_spans(text) if (m := read_metric(text, a, b)).baseline or m.target)


def _restates(measure: str, goal: str) -> bool:
    """Most of the measure's words are the goal's: it repeats the goal instead of saying how to know."""
    words = _content(measure)
    return len(words) >= 4 and len(words & _content(goal)) / len(words) >= 0.75


def review(plan: Plan, extraction: Extraction, transcript: Optional[Transcript] = None) -> list[Critique]:
    """Findings in page order; an empty list means the draft keeps every rule. With the
    transcript, the goal is also checked for the vendor's company and product names."""
    out: list[Critique] = []

    def flag(section: str, problem: str, suggestion: str) -> None:
        out.append(Critique(section=section, problem=problem, suggestion=suggestion))

    # goal
    if plan.goal.startswith(_NOT_STATED) or not extraction.goal:
        flag("goal", "The customer has not said what success looks like for their business.",
             "Ask: \"Twelve months from now, if you call this a success, what would you say?\" and use their words.")
    else:
        n = _sentences(plan.goal)
        if n > MAX_GOAL_SENTENCES:
            flag("goal", f"The goal runs to {n} sentences; a reader should take it in at a glance.",
                 "Keep the one to three sentences that say the business outcome; move detail to measures.")
        if not _in_customer_words(plan.goal, extraction):
            flag("goal", "The goal is not in the customer's own words.",
                 "Rebuild it from the customer's goal quotes so they recognise it as theirs.")
        if ACTIVITY.search(plan.goal):
            flag("goal", "The goal describes an activity, not a business outcome.",
                 "State what changes for the business (e.g. 'invoices out within two days'), not the project step.")
        if ADOPTION_METRIC.search(plan.goal):
            flag("goal", "The goal is a product-adoption target, which is the vendor's metric.",
                 "Say what the business gains when people use the product (time, money, quality) in the customer's words.")
        names = sorted(n for n in _vendor_names(transcript) if re.search(rf"\b{re.escape(n)}\b", plan.goal))
        if names or PRODUCT_WORDS.search(plan.goal):
            said = ", ".join(f"'{n}'" for n in names) or f"'{PRODUCT_WORDS.search(plan.goal)[0]}'"  # type: ignore[index]
            flag("goal", f"The goal names the vendor or its product ({said}); the customer's goal is about their business.",
                 "Say what changes for the customer's business, without our product in the sentence.")

    # measures
    if not plan.measures:
        flag("measures", "No measure: nobody will know whether this worked.",
             "Ask: \"How will you know it's working — which numbers do you already track, and where are they today?\"")
    if len(plan.measures) > MAX_MEASURES:
        flag("measures", f"{len(plan.measures)} measures; the page allows {MAX_MEASURES}.",
             "Keep the numbers the customer already tracks and reports upward; drop the rest.")
    for m in plan.measures:
        label = f"'{_short(m.text)}'"
        if ADOPTION_METRIC.search(m.text):
            flag("measures", f"{label} is a product-adoption metric (the vendor's number, not the customer's).",
                 "Replace it with the business number it is meant to move, e.g. cycle time, cost, errors or revenue.")
        if ACTIVITY.search(m.text):
            flag("measures", f"{label} measures an activity, not an outcome.",
                 "Measure the result the activity should produce (e.g. days to close), not that it happened.")
        if (n := _metrics_in(m.text)) > 1:
            flag("measures", f"{label} holds {n} metrics in one run-on line.",
                 "Split it: one measure per number, each with its own baseline and target.")
        if not (m.baseline or m.target) and not plan.goal.startswith(_NOT_STATED) and _restates(m.text, plan.goal):
            flag("measures", f"{label} restates the goal instead of saying how you will know.",
                 "Replace it with the number that shows the goal is met, with where it is today and the target.")
        missing = [x for x, v in (("baseline", m.baseline), ("target", m.target)) if not v]
        if missing:
            flag("measures", f"{label} has no {' or '.join(missing)}.",
                 "Ask where this number is today and where it must be by the review date.")

    # milestones
    if len(plan.milestones) > MAX_MILESTONES:
        flag("milestones", f"{len(plan.milestones)} milestones; the page allows {MAX_MILESTONES}.",
             "Keep the dated moments the customer cares about; merge or drop the rest.")
    for ms in plan.milestones:
        label = f"'{_short(ms.text)}'"
        if ms.date is None:
            flag("milestones", f"{label} has no date.", "Ask the customer by when this must happen and add the date.")
        if ACTIVITY.search(ms.text):
            flag("milestones", f"{label} is an activity posing as an outcome.",
                 "Phrase it as what is true for the business by then (e.g. 'first invoices sent within two days').")
        said = normalise(ms.text)
        if len(said.split()) >= 4 and any(
            said == normalise(m.text) or normalise(m.text) in said or (m.quote and normalise(m.quote.text) in said)
            for m in plan.measures
        ):
            flag("milestones", f"{label} repeats a measure word for word.",
                 "Say what is true by this date in a few words (e.g. 'DSO under 40 days'), not the measure again.")

    # dependencies
    if not any(d.owner == "customer" for d in plan.dependencies):
        flag("dependencies", "Nothing the customer owes: ownership without obligation.",
             "Add what the customer commits to: a named owner, data access, people's time, decisions.")
    if not any(d.owner == "vendor" for d in plan.dependencies):
        flag("dependencies", "Nothing the vendor owes.",
             "Add what we commit to: a named contact, the integration or training support, the review itself.")

    # unanswered questions are worth a line each
    for u in extraction.unanswered:
        if u.topic == "impediments" and not extraction.impediments:
            flag("impediments", "Nobody asked (or answered) what could get in the way.", f"Ask: \"{u.follow_up}\"")
    return out


def _vendor_names(t: Optional[Transcript]) -> set[str]:
    from .plan import vendor_names

    return vendor_names(t) if t is not None else set()


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
