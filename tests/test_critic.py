"""The quality rules: each finding names the problem and a concrete fix."""

from __future__ import annotations

import datetime as dt

from assistant.critic import review
from assistant.models import Dependency, Extraction, Measure, Milestone, Plan, Quote

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
