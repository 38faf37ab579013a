"""Plan operations: each edit changes the plan as a user expects; limits say what to do."""

from __future__ import annotations

import datetime as dt

import pytest
from llm_fixtures import draft
from pydantic import ValidationError

from assistant.errors import InputError
from assistant.models import Measure, Milestone, Suggestion
from assistant.plan_ops import (
    AddDependency,
    AddMeasure,
    AddMilestone,
    AddSuggestion,
    EditMeasure,
    RemoveMeasure,
    RemoveMilestone,
    SetGoal,
    SetReviewCadence,
    SetReviewDate,
    ShortenGoal,
    apply,
    diff,
    parse_op,
)


def test_ops_return_a_new_plan_and_leave_the_old_one_alone():
    d = draft()
    before = d.plan.model_copy(deep=True)
    new = apply(d.plan, AddMilestone(text="Pilot live", date=dt.date(2025, 3, 1)))
    assert d.plan == before  # undo is "keep the previous plan"
    assert new.milestones == [Milestone(text="Pilot live", date=dt.date(2025, 3, 1))]


def test_shorten_goal_keeps_whole_first_sentences_in_the_customers_words():
    d = draft()
    short = apply(d.plan, ShortenGoal(max_words=12))
    assert short.goal == "Send every invoice within two days of delivery."
    assert d.plan.goal.startswith(short.goal)
    assert apply(d.plan, ShortenGoal()).goal == "Send every invoice within two days of delivery. Stop chasing paperwork by hand."
    with pytest.raises(InputError, match="already one short sentence"):
        apply(short, ShortenGoal())


def test_shorten_goal_cuts_a_single_long_sentence_at_a_word():
    d = draft(goal="We want " + "really " * 40 + "fast invoicing.")
    assert apply(d.plan, ShortenGoal(max_words=10)).goal == "We want " + "really " * 7 + "really…"


def test_set_goal_refuses_more_than_three_sentences():
    d = draft()
    with pytest.raises(InputError, match="4 sentences; .*at most 3"):
        apply(d.plan, SetGoal(text="One. Two. Three. Four."))
    assert apply(d.plan, SetGoal(text="Bill within two days.")).goal == "Bill within two days."


def test_measure_limit_and_edits():
    d = draft(measures=[Measure(text=f"m{i}") for i in range(1, 5)])
    with pytest.raises(InputError, match="already has 4 measures; remove one first"):
        apply(d.plan, AddMeasure(text="NPS"))
    p = apply(d.plan, RemoveMeasure(index=2))
    assert [m.text for m in p.measures] == ["m1", "m3", "m4"]
    p = apply(p, EditMeasure(index=1, baseline="52 days", target="under 40"))
    assert (p.measures[0].text, p.measures[0].baseline, p.measures[0].target) == ("m1", "52 days", "under 40")
    with pytest.raises(InputError, match="there is no measure 7; the plan has 3 measures"):
        apply(p, RemoveMeasure(index=7))


def test_milestone_limit_and_date_order():
    d = draft(milestones=[Milestone(text=f"step {i}", date=dt.date(2025, i + 1, 1)) for i in range(5)])
    with pytest.raises(InputError, match="already has 5 milestones; remove one first"):
        apply(d.plan, AddMilestone(text="one more"))
    p = apply(apply(d.plan, RemoveMilestone(index=5)), AddMilestone(text="kickoff", date=dt.date(2025, 1, 15)))
    assert [m.text for m in p.milestones] == ["step 0", "kickoff", "step 1", "step 2", "step 3"]


def test_review_cadence_is_relative_to_the_call_date():
    d = draft()  # call on 2025-01-10
    assert apply(d.plan, SetReviewCadence(cadence="weekly"), draft=d).review_date == dt.date(2025, 1, 17)
    assert apply(d.plan, SetReviewCadence(cadence="monthly"), draft=d).review_date == dt.date(2025, 2, 10)
    assert apply(d.plan, SetReviewCadence(cadence="quarterly"), draft=d).review_date == dt.date(2025, 4, 10)
    assert apply(d.plan, SetReviewCadence(cadence=30), draft=d).review_date == dt.date(2025, 2, 9)
    assert apply(d.plan, SetReviewDate(date=dt.date(2025, 6, 1))).review_date == dt.date(2025, 6, 1)


def test_add_suggestion_becomes_a_customer_dependency():
    d = draft().model_copy(
        update={"suggestions": [Suggestion(practice_id="fin-weekly-dso", title="Review DSO weekly with the controller", text="...", why="...", score=0.8)]}
    )
    p = apply(d.plan, AddSuggestion(practice_id="fin-weekly-dso"), draft=d)
    assert p.dependencies[-1].owner == "customer"
    assert p.dependencies[-1].text == "Review DSO weekly with the controller"
    with pytest.raises(InputError, match="already has that customer dependency"):
        apply(p, AddSuggestion(practice_id="fin-weekly-dso"), draft=d)
    with pytest.raises(InputError, match="no suggestion 'nope'.*fin-weekly-dso"):
        apply(d.plan, AddSuggestion(practice_id="nope"), draft=d)


def test_ops_validate_from_json_and_reject_junk():
    assert parse_op({"op": "add_dependency", "owner": "vendor", "text": "Named contact"}) == AddDependency(owner="vendor", text="Named contact")
    assert parse_op({"op": "add_milestone", "text": "Pilot", "date": "2025-03-01"}).date == dt.date(2025, 3, 1)
    for bad in ({"op": "rewrite_plan", "text": "x"}, {"op": "add_dependency", "owner": "partner", "text": "x"},
                {"op": "remove_measure", "index": 0}, {"op": "set_review_cadence", "cadence": "yearly"},
                {"op": "set_goal", "text": "   "}):
        with pytest.raises(ValidationError):
            parse_op(bad)


def test_diff_shows_only_what_changed():
    d = draft(measures=[Measure(text="DSO under 40"), Measure(text="errors below 2%")])
    new = apply(apply(d.plan, RemoveMeasure(index=1)), AddMilestone(text="Pilot live", date=dt.date(2025, 3, 1)))
    assert diff(d.plan, new).splitlines() == ["- Measure: DSO under 40", "+ Milestone: 2025-03-01 Pilot live"]
    assert diff(new, new) == "(no changes)"
