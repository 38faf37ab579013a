"""Hand-written Drafts for storage and export tests: fast, and independent of extraction tuning.

Each is a valid Draft a user could have stored: quotes are exact substrings of the
customer's turns, the plan keeps the one-page limits.
"""

from __future__ import annotations

import datetime as dt

from assistant.models import (
    Critique, Dependency, Draft, Extraction, Measure, Milestone, Plan, Quote, Segment, Speaker, Suggestion, Transcript,
)

CALL_DATE = dt.date(2025, 3, 3)


def transcript(customer: str = "Zoë Müller", vendor: str = "Sam Ortiz") -> Transcript:
    segs = [
        (0.0, 6.0, vendor, "What would success look like a year from now?"),
        (6.0, 20.0, customer, "We’d close the books in five days instead of twelve — that’s the whole point."),
        (20.0, 26.0, vendor, "How do you measure that today?"),
        (26.0, 40.0, customer, "Close takes twelve working days today; I want it at five by the end of Q3. Audit adjustments are about 30 a quarter and I want them under 10."),
        (40.0, 50.0, vendor, "What could get in the way?"),
        (50.0, 64.0, customer, "IT is stretched, and our ERP upgrade lands in June. Let's review it every quarter."),
    ]
    return Transcript(
        segments=[Segment(start=a, end=b, speaker=s, text=t) for a, b, s, t in segs],
        speakers=[Speaker(name=customer, role="customer", confidence=0.9, basis="inferred"),
                  Speaker(name=vendor, role="vendor", confidence=0.9, basis="inferred")],
        source="close.vtt", format="vtt", duration=64.0,
    )


def quote(t: Transcript, text: str) -> Quote:
    for seg in t.segments:
        if text in seg.text:
            return Quote(text=text, speaker=seg.speaker, start=seg.start, end=seg.end)
    raise AssertionError(f"{text!r} is not in the transcript")


def typical_draft(review_date: dt.date = dt.date(2025, 6, 3), call_date: dt.date = CALL_DATE) -> Draft:
    t = transcript()
    goal = quote(t, "We’d close the books in five days instead of twelve — that’s the whole point.")
    close = quote(t, "Close takes twelve working days today; I want it at five by the end of Q3.")
    audit = quote(t, "Audit adjustments are about 30 a quarter and I want them under 10.")
    risk = quote(t, "IT is stretched, and our ERP upgrade lands in June.")
    plan = Plan(
        goal="Close the books in five days instead of twelve.",
        measures=[
            Measure(text="Days to close the month", baseline="12 working days", target="5 by end of Q3", quote=close),
            Measure(text="Audit adjustments per quarter", baseline="about 30", target="under 10", quote=audit),
        ],
        milestones=[
            Milestone(date=dt.date(2025, 4, 15), text="Reconciliations automated for the two largest entities"),
            Milestone(date=dt.date(2025, 6, 30), text="ERP upgrade live; close checklist moved into the tool"),
            Milestone(date=None, text="First five-day close"),
        ],
        dependencies=[
            Dependency(owner="customer", text="Name an IT contact for the ERP connector before April."),
            Dependency(owner="customer", text="Bring the current close calendar to every review."),
            Dependency(owner="vendor", text="Configure the connector around the June ERP upgrade."),
            Dependency(owner="vendor", text="A named CSM runs the quarterly review with progress on each measure."),
        ],
        review_date=review_date,
    )
    return Draft(
        transcript=t,
        extraction=Extraction(goal=[goal], measures=[close, audit], impediments=[risk]),
        plan=plan,
        critique=[Critique(section="milestones", problem="The first five-day close has no date.",
                           suggestion="Agree a month for it.")],
        suggestions=[Suggestion(practice_id="fin-close-checklist", title="Close checklist in one place",
                                text="Customers who moved their close checklist into one shared tool closed faster.",
                                why="She named close days as the measure.", score=0.71)],
        engine="embedded", call_date=call_date,
    )


def full_draft() -> Draft:
    """Every section at its one-page limit (4 measures, 5 milestones, 4 + 4 dependencies)."""
    d = typical_draft()
    long = "so the controller can sign off without waiting for the regional teams to send spreadsheets"
    m = d.plan.measures
    plan = d.plan.model_copy(update={
        "goal": "Close the books in five days instead of twelve, with audit adjustments under ten a quarter, "
                "so the finance team stops working weekends at month end.",
        "measures": m + [Measure(text=f"Manual journal entries per close, {long}", baseline="about 400", target="under 100"),
                         Measure(text="Weekend hours at month end", baseline="two weekends", target="none", quote=m[0].quote)],
        "milestones": [Milestone(date=dt.date(2025, 4, i + 1), text=f"Milestone {i + 1}: {long}") for i in range(5)],
        "dependencies": [Dependency(owner=o, text=f"{o.title()} task {i + 1}: {long}.") for o in ("customer", "vendor") for i in range(4)],
    })
    return d.model_copy(update={"plan": plan})
