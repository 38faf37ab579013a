"""The quality rules: each finding names the problem and a concrete fix."""

from __future__ import annotations

import datetime as dt

from assistant.critic import review
from assistant.models import Dependency, Extraction, Measure, Milestone, Plan, Quote, Segment, Speaker, Transcript

Q = Quote(text="Success is that we invoice within two days of delivery.", speaker="Marcus", start=1.0, end=4.0)
REVIEW = dt.date(2025, 8, 20)


def good_plan(**changes) -> Plan:
    base = dict(
        goal="Success is that we invoice within two days of delivery.",
        measures=[Measure(text="DSO 52 days today, under 40 by September.", baseline="52 days", target="under 40", quote=Q)],
        milestones=[Milestone(date=dt.date(2025, 9, 30), text="DSO under 40 days.")],
        dependencies=[Dependency(owner="customer", text="Name an IT contact."), Dependency(owner="vendor", text="Build the connector.")],
        review_date=REVIEW,
    )
    base.update(changes)
    return Plan(**base)


EX = Extraction(goal=[Q], measures=[Q], impediments=[Q])


def findings(plan: Plan, ex: Extraction = EX) -> list[tuple[str, str]]:
    return [(c.section, c.problem) for c in review(plan, ex)]


def test_a_good_plan_has_no_findings():
    assert review(good_plan(), EX) == []


def test_activities_posing_as_outcomes_are_flagged():
    plan = good_plan(milestones=[Milestone(date=dt.date(2025, 7, 1), text="Onboarding training completed and go-live done.")])
    out = review(plan, EX)
    hit = [c for c in out if c.section == "milestones" and "activity" in c.problem]
    assert hit and "business" in hit[0].suggestion


def test_vendor_adoption_metrics_are_flagged():
    plan = good_plan(measures=[Measure(text="80% of users log in weekly (logins).", baseline="40%", target="80%")])
    assert any(s == "measures" and "adoption" in p for s, p in findings(plan))


def test_goal_over_three_sentences_and_not_in_customer_words():
    plan = good_plan(goal="We will deploy the platform. Users adopt it. Managers approve. Everyone is trained.")
    out = findings(plan)
    assert any("4 sentences" in p for s, p in out if s == "goal")
    assert any("own words" in p for s, p in out if s == "goal")


def test_missing_baseline_target_and_undated_milestones():
    plan = good_plan(
        measures=[Measure(text="Fewer invoice disputes.", baseline=None, target=None)],
        milestones=[Milestone(date=None, text="Disputes halved.")],
    )
    out = findings(plan)
    assert any("no baseline or target" in p for s, p in out if s == "measures")
    assert any("no date" in p for s, p in out if s == "milestones")


def test_one_sided_dependencies_are_flagged():
    plan = good_plan(dependencies=[Dependency(owner="vendor", text="Build the connector.")])
    assert any(s == "dependencies" and "customer owes" in p for s, p in findings(plan))
    plan = good_plan(dependencies=[Dependency(owner="customer", text="Name an IT contact.")])
    assert any(s == "dependencies" and "vendor owes" in p for s, p in findings(plan))


def test_too_many_measures_is_flagged_even_past_the_model_limit():
    many = [Measure(text=f"Metric {i} from {i} to {i + 1}.", baseline=str(i), target=str(i + 1)) for i in range(5)]
    plan = good_plan().model_copy(update={"measures": many})  # as a hand edit might leave it
    assert any("5 measures" in p for s, p in findings(plan))


def test_unstated_goal_gets_the_question_to_ask():
    plan = good_plan(goal="Goal not yet stated by the customer — ask: what does success look like?")
    out = review(plan, Extraction())
    assert out[0].section == "goal" and "Twelve months" in out[0].suggestion


RUN_ON = ("Two numbers, days sale outstanding is 52 days today, and I want it under 40 at the end of next September, "
          "and invoice every month about 6% of invoices, which I want below 2%.")


def test_a_run_on_measure_with_several_metrics_is_flagged():
    plan = good_plan(measures=[Measure(text=RUN_ON, baseline="52 days", target="under 40", quote=Q)])
    hit = [c for c in review(plan, EX) if c.section == "measures" and "2 metrics" in c.problem]
    assert hit and "one measure per number" in hit[0].suggestion
    # the composed line for one metric, with its own arrow, is not a run-on
    one = good_plan(measures=[Measure(text="Days sales outstanding: 52 days → under 40 by the end of next September",
                                      baseline="52 days", target="under 40", quote=Q)])
    assert review(one, EX) == []


def test_a_measure_that_restates_the_goal_is_flagged():
    plan = good_plan(measures=[Measure(text="We invoice within two days of delivery.", quote=Q)])
    assert any(s == "measures" and "restates the goal" in p for s, p in findings(plan))


def test_a_milestone_repeating_a_measure_is_flagged():
    measure = "Days sales outstanding is 52 days today, and I want it under 40 by the end of next September."
    plan = good_plan(
        measures=[Measure(text=measure, baseline="52 days", target="under 40", quote=Q)],
        milestones=[Milestone(date=dt.date(2025, 9, 30), text=measure)],
    )
    hit = [c for c in review(plan, EX) if c.section == "milestones" and "repeats a measure" in c.problem]
    assert hit and "DSO under 40 days" in hit[0].suggestion


def test_a_goal_naming_the_vendor_or_its_product_is_flagged():
    t = Transcript(
        segments=[
            Segment(speaker="Priya", text="I'm Priya, your customer success manager at Ledgerline."),
            Segment(speaker="Priya", text="So let's see what you want to achieve with Ledgerline, and with Ledgerline Collect."),
            Segment(speaker="Marcus", text="Success is that we invoice within two days of delivery."),
        ],
        speakers=[Speaker(name="Priya", role="vendor"), Speaker(name="Marcus", role="customer")],
    )
    plan = good_plan(goal="Success is that Ledgerline sends our invoices within two days of delivery.")
    hit = [c for c in review(plan, EX, t) if c.section == "goal" and "vendor or its product" in c.problem]
    assert hit and "'Ledgerline'" in hit[0].problem
    generic = good_plan(goal="Success is that the platform sends our invoices within two days of delivery.")
    assert any("vendor or its product" in p for s, p in findings(generic))
    assert review(good_plan(), EX, t) == []  # the customer's own goal names neither
