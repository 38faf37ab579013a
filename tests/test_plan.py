"""The one page: limits, the customer's words, dates relative to the call, both sides' obligations."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.extract.grounding import ground
from assistant.models import Extraction, Quote, Segment, Speaker, Transcript
from assistant.plan import clean, compose, parse_baseline_target, resolve_date, review_date

CALL = dt.date(2025, 5, 20)
CSM, CUST = "Priya Shah", "Marcus Green"


def transcript(*turns: tuple[str, str]) -> Transcript:
    segs = [Segment(start=i * 10.0, end=i * 10.0 + 9, speaker=w, text=x) for i, (w, x) in enumerate(turns)]
    return Transcript(segments=segs, speakers=[Speaker(name=CSM, role="vendor"), Speaker(name=CUST, role="customer")])


def quotes(t: Transcript, *texts: str) -> list[Quote]:
    out = []
    for x in texts:
        seg = next(s for s in t.segments if x in s.text)
        out.append(Quote(text=x, speaker=seg.speaker, start=seg.start, end=seg.end))
    return out


@pytest.mark.parametrize(
    "text, expected",
    [
        ("by end of Q2", dt.date(2025, 6, 30)),
        ("by the end of Q1", dt.date(2026, 3, 31)),  # Q1 has passed: the next one
        ("in 60 days", dt.date(2025, 7, 19)),
        ("within six weeks", dt.date(2025, 7, 1)),
        ("by March", dt.date(2026, 3, 31)),
        ("before the audit in September", dt.date(2025, 9, 30)),
        ("twelve months from now", dt.date(2026, 5, 20)),
        ("4 days by end of next year", dt.date(2026, 12, 31)),
        ("I want it done by June 15", dt.date(2025, 6, 15)),
        ("we may not get there", None),
        ("within two days of delivery", None),  # a service level, not a date
    ],
)
def test_dates_resolve_relative_to_the_call(text, expected):
    assert resolve_date(text, CALL) == expected


@pytest.mark.parametrize(
    "text, baseline, target",
    [
        ("It went from 12 days to 5 last year", "12 days", "5"),
        ("Currently about 40% of tickets", "40%", None),
        ("I want to get it under 2 hours", None, "under 2 hours"),
        ("Our error rate is about 6% and I want it below 2%", "6%", "below 2%"),
        ("CSAT is around 71, and we'd like to be back at 85", "71", "back at 85"),
        ("we're at about 95 open files per adjuster and it should be under 60", "95", "under 60"),
    ],
)
def test_baseline_and_target_are_parsed_as_stated(text, baseline, target):
    assert parse_baseline_target(text) == (baseline, target)


def test_clean_trims_disfluencies_without_rewording():
    assert clean("Um, so, you know, we we want to — we want to close the books in, uh, four days") == (
        "We want to close the books in four days."
    )
    assert clean("I like the product, like, a lot") == "I like the product a lot."


def test_plan_keeps_the_limits_and_the_customers_words():
    t = transcript(
        (CSM, "What does success look like?"),
        (CUST, "Um, success is that we close the books in four days. Our team stops working weekends. "
               "Customers get invoices the day after delivery. Finance stops chasing paperwork."),
        (CSM, "How will you know?"),
        (CUST, "DSO is 52 days today and I want it under 40 by end of Q2. Errors are about 6% and I want them below 2%. "
               "Close takes 9 days now and should be 4. Disputes are 30 a month and should be under 10. "
               "Overtime is 200 hours a month and should be under 50."),
    )
    goal_seg, measure_seg = t.segments[1].text, t.segments[3].text
    ex = ground(Extraction(goal=quotes(t, goal_seg), measures=quotes(t, *[x + "." for x in measure_seg.split(". ")[:-1]] + [measure_seg.split(". ")[-1]])), t)
    plan = compose(ex, t, CALL)
    assert plan.goal.startswith("Success is that we close the books in four days.")
    assert plan.goal.count(".") <= 3 and "Um" not in plan.goal
    assert len(plan.measures) == 4
    dso = plan.measures[0]
    assert (dso.baseline, dso.target) == ("52 days", "under 40") and dso.quote.speaker == CUST
    dated = [m for m in plan.milestones if m.date]
    assert dated and dated[0].date == dt.date(2025, 6, 30)
    assert [m.date for m in dated] == sorted(m.date for m in dated)
    assert len(plan.milestones) <= 5


def test_no_goal_is_said_plainly_with_the_question_to_ask():
    t = transcript((CSM, "Hello?"), (CUST, "Hi, sorry I'm late."))
    plan = compose(ground(Extraction(), t), t, CALL)
    assert plan.goal.startswith("Goal not yet stated by the customer — ask:")


def test_dependencies_on_both_sides_from_what_was_said():
    t = transcript(
        (CSM, "What could get in the way?"),
        (CUST, "IT is busy with the ERP migration until March, so the integration could slip."),
        (CSM, "What do you need from us?"),
        (CUST, "A named contact who answers within one business day."),
        (CSM, "Great."),
        (CUST, "I will bring our controller, Dana, to the first review."),
    )
    ex = ground(Extraction(impediments=quotes(t, "IT is busy with the ERP migration until March, so the integration could slip.")), t)
    deps = compose(ex, t, CALL).dependencies
    customer = [d.text for d in deps if d.owner == "customer"]
    vendor = [d.text for d in deps if d.owner == "vendor"]
    assert "I will bring our controller, Dana, to the first review." in customer
    assert "A named contact who answers within one business day." in vendor
    assert any("integration" in v for v in vendor) and any("IT contact" in c for c in customer)


def test_dependencies_default_to_one_each_when_nothing_was_said():
    t = transcript((CSM, "Thanks."), (CUST, "Thank you."))
    deps = compose(ground(Extraction(), t), t, CALL).dependencies
    assert {d.owner for d in deps} == {"customer", "vendor"}


@pytest.mark.parametrize(
    "said, expected",
    [
        ("Yes, a quarterly review works for me.", dt.date(2025, 8, 20)),
        ("Let's review it monthly, with a short report.", dt.date(2025, 6, 20)),
        ("Let us review after the April cohort, so in 60 days from now.", dt.date(2025, 7, 19)),
        ("A monthly check-in is fine, but the real review every quarter.", dt.date(2025, 8, 20)),
        ("Sounds good, talk soon.", dt.date(2025, 8, 18)),  # nothing asked: call date + 90 days
    ],
)
def test_review_date_is_the_cadence_the_customer_asked_for(said, expected):
    t = transcript((CSM, "How often should we review the plan?"), (CUST, said))
    assert review_date(t, CALL) == expected
