"""The one page: limits, the customer's words, dates relative to the call, both sides' obligations."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.extract.grounding import ground, is_grounded
from assistant.models import Draft, Extraction, Quote, Segment, Speaker, Transcript
from assistant.plan import clean, compose, customer_name, outcome_phrase, parse_baseline_target, resolve_date, review_date
from assistant.render import draft_markdown, plan_title

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
        ("Right now we mis-pick about one line in 200, and I want to get that to one in 1,000.", "one line in 200", "one in 1,000"),
        ("Our thirty-day forecast is off by 8 or 9 percent on average, and I'd like it within 3 percent.", "8 or 9 percent", "within 3 percent"),
        ("Credits are running about 40,000 dollars a month, and I'd like that to be half of what it is now.", "40,000 dollars", "half"),
        ("the one I'd want to see go from roughly an hour to under ten minutes", "an hour", "under ten minutes"),
        ("DSO is sitting at 52 days and the board wants it in the low forties by Q3.", "52 days", "in the low forties"),
        ("From the time we price a change it's about 30 days on average, and I want that down to ten.", "30 days", "down to ten"),
        ("On March 1 last year we had about 400 returns still waiting, and I'd like that number under 150.", "400 returns", "under 150"),
        ("Our drivers are spending about 25 minutes per stop, and I'd like them in and out in 15.", "25 minutes", "in 15"),
        ("We get something like 45,000 alarms a day and maybe 300 of them need a human, so I want the console "
         "showing my engineers hundreds, not tens of thousands.", "45,000", "hundreds"),
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


# ---------------------------------------------------------------- the page reads like a CSM wrote it

# what the recogniser made of the bundled recording: two metrics in one breath, generic channel labels
RUN_ON = ("Two numbers, days sale outstanding is 52 days today, and I want it under 40 at the end of next September, "
          "and invoice errors are about 6% of invoices, which I want below 2%,")


def recorded_call() -> Transcript:
    turns = [
        ("Channel 1", "Hi Marcus, thanks for making time today. I'm Priya, your customer success manager at Ledgerline."),
        ("Channel 2", "Sounds good. I run finance operations at Harbor Freight Logistics, so I own billing and collections."),
        ("Channel 1", "Imagine it is 12 months from now and you call this project a success. What would you say?"),
        ("Channel 2", "We would send every invoice within two days of delivery. That the cash comes in faster, because right now we are slow to bill."),
        ("Channel 1", "How will you know that it is working?"),
        ("Channel 2", RUN_ON),
        ("Channel 1", "When do you need the first region running?"),
        ("Channel 2", "We need the first region live before peak season in October, and the rest of the regions by March."),
    ]
    segs = [Segment(start=i * 20.0, end=i * 20.0 + 18, speaker=w, text=x) for i, (w, x) in enumerate(turns)]
    return Transcript(segments=segs, speakers=[Speaker(name="Channel 1", role="vendor"), Speaker(name="Channel 2", role="customer")])


def recorded_plan():
    t = recorded_call()
    ex = ground(Extraction(goal=quotes(t, t.segments[3].text), measures=quotes(t, RUN_ON)), t)
    return t, ex, compose(ex, t, dt.date(2026, 11, 20))


def test_a_quote_with_two_metrics_becomes_two_measures_each_with_exact_evidence():
    t, _, plan = recorded_plan()
    assert [m.text for m in plan.measures] == [
        "Days sale outstanding: 52 days → under 40 at the end of next September",
        "Invoice errors: 6% of invoices → below 2%",
    ]
    assert [(m.baseline, m.target) for m in plan.measures] == [("52 days", "under 40"), ("6%", "below 2%")]
    for m in plan.measures:
        assert m.quote and is_grounded(m.quote, t) and m.quote.speaker == "Channel 2"
    assert plan.measures[0].quote.text.startswith("days sale outstanding is 52 days")
    assert plan.measures[1].quote.text == "invoice errors are about 6% of invoices, which I want below 2%"


def test_milestones_are_short_dated_outcomes_never_the_measure_sentence():
    _, _, plan = recorded_plan()
    got = [(m.date, m.text) for m in plan.milestones]
    assert got == [  # relative to the call on 2026-11-20: this October has passed
        (dt.date(2027, 3, 31), "The rest of the regions by March"),
        (dt.date(2027, 9, 30), "Days sale outstanding under 40"),
        (dt.date(2027, 10, 31), "The first region live before peak season in October"),
    ]
    assert all(len(m.text.split()) <= 13 for m in plan.milestones)
    assert not any(RUN_ON[:30].lower() in m.text.lower() for m in plan.milestones)
    assert not {m.text for m in plan.milestones} & {m.text for m in plan.measures}
    assert [m.date for m in plan.milestones] == sorted(m.date for m in plan.milestones)


@pytest.mark.parametrize(
    "clause, expected",
    [
        ("We need the first region live before peak season in October", "The first region live before peak season in October"),
        ("Ideally the integration is tested in March so we're ready to go the first week of April.", "The integration is tested in March"),
        ("and then by end of Q3 I want to be able to show the board the DSO number moved.", "Show the board the DSO number moved by end of Q3"),
        ("pilot in the North district in April", "Pilot in the North district in April"),
        ("By end of Q4, if we can.", None),  # nothing but a date: no outcome to write down
        ("4 days by end of next year", None),
    ],
)
def test_outcome_phrases_keep_the_customers_words_and_drop_the_wish(clause, expected):
    assert outcome_phrase(clause) == expected


def test_goal_is_trimmed_without_fragments():
    _, _, plan = recorded_plan()
    assert plan.goal == (
        "We would send every invoice within two days of delivery, "
        "that the cash comes in faster, because right now we are slow to bill."
    )
    t = transcript((CSM, "What does success look like?"),
                   (CUST, "I'll say it this way, I want every job to run like Riverside ran. "
                          "The goal, the way I'd put it, is that what Dave did by hand just happens on every job."))
    goal = compose(ground(Extraction(goal=quotes(t, t.segments[1].text)), t), t, CALL).goal
    assert goal == "I want every job to run like Riverside ran. The goal is that what Dave did by hand just happens on every job."


def test_title_names_the_customers_company_not_a_channel_label():
    t, ex, plan = recorded_plan()
    assert customer_name(t) == "Harbor Freight Logistics"  # not the vendor's Ledgerline
    d = Draft(transcript=t, extraction=ex, plan=plan, call_date=dt.date(2026, 11, 20))
    assert plan_title(d) == "Success plan — Harbor Freight Logistics (2026-11-20)"
    md = draft_markdown(d)
    assert md.startswith("# Success plan — Harbor Freight Logistics (2026-11-20)")
    assert md.count("52 days → under 40") == 1  # the line already says it: no "(52 days → under 40)" after it


@pytest.mark.parametrize(
    "speakers, said, expected",
    [
        ([("Kate Sullivan (Ledgerly)", "vendor"), ("Anita Desai (Desai Rowe)", "customer")], "Calm is a strong word.", "Desai Rowe"),
        ([("Rachel", "vendor"), ("Tom Becker", "customer")], "Here at Northwind Freight we invoice late.", "Northwind Freight"),
        ([("Speaker 1", "vendor"), ("Speaker 2", "customer")], "We are really good at getting someone to give once, at Thanksgiving.", "the customer"),
        ([("NADIA PETROVA", "vendor"), ("JAMES OKONKWO", "customer")], "Honestly, volume.", "James Okonkwo"),
        ([("Notes", "customer")], "Goal: crews home for dinner.", "the customer"),
        ([("Priya", "vendor"), ("Grace Liu", "customer"), ("Ben Ortiz", "customer")], "I'm at the Eastgate site today.", "Grace Liu, Ben Ortiz"),
    ],
)
def test_title_falls_back_to_customer_names_never_generic_labels(speakers, said, expected):
    customer = next(n for n, r in speakers if r == "customer")
    vendor = next((n for n, r in speakers if r == "vendor"), None)
    segs = ([Segment(speaker=vendor, text="This is Marco from Tidepool, thanks for the time.")] if vendor else []) + [
        Segment(speaker=customer, text=said)
    ]
    t = Transcript(segments=segs, speakers=[Speaker(name=n, role=r) for n, r in speakers])
    assert customer_name(t) == expected


@pytest.mark.parametrize(
    "said",
    [
        "Our drivers are spending about 25 minutes per stop because they're fixing orders on the dock, and I'd like them in and out in 15.",
        "We get something like 45,000 alarms a day and maybe 300 of them need a human, so I want the console showing hundreds.",
        "The first page of the owners' pack is RGI by hotel, and across the portfolio we're at about 96. "
        "Fair share is 100, and I want the portfolio at 105 by the end of next year.",
    ],
)
def test_one_metric_stays_one_measure(said):
    t = transcript((CSM, "How will you know?"), (CUST, said))
    plan = compose(ground(Extraction(measures=quotes(t, said)), t), t, CALL)
    assert len(plan.measures) == 1 and plan.measures[0].quote.text == said
    assert plan.measures[0].baseline and plan.measures[0].target
