"""The scorer on small hand-made drafts, and every labelled call's gold file kept honest."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from assistant.models import (
    Draft,
    Extraction,
    Measure,
    Milestone,
    Plan,
    Quote,
    Segment,
    Speaker,
    Suggestion,
    Transcript,
)
from eval.score import (
    Call,
    GoldError,
    check_call,
    evaluate,
    find_calls,
    matches,
    score_call,
    score_draft,
    table,
    wer,
)

REPO = Path(__file__).resolve().parent.parent
CALLS = REPO / "eval" / "calls"

VENDOR = "Rachel Okafor"
CUSTOMER = "Tom Becker"
GOAL = "Success for me is that we invoice within two days of delivery."
MEASURE = "Our invoice lag is 11 days today and I want it under 3 by Q3."
IMPEDIMENT = "Our carriers send blurry photos of the delivery documents."
MUST_NOT = "Feature adoption is not what my CFO cares about at all."
VENDOR_LINE = "We suggest tracking weekly active users across your billing team."

TRANSCRIPT_TEXT = f"""{VENDOR}: What does success look like in a year?
{CUSTOMER}: Um, okay. {GOAL} That's the main thing.
{VENDOR}: How will you know?
{CUSTOMER}: {MEASURE}
{VENDOR}: {VENDOR_LINE}
{CUSTOMER}: Sure. {MUST_NOT}
{VENDOR}: What could get in the way?
{CUSTOMER}: {IMPEDIMENT} So we may end up rekeying.
"""

GOLD = {
    "format": "plain",
    "vendor_speakers": [VENDOR],
    "customer_speakers": [CUSTOMER],
    "goal": [GOAL],
    "measures": [MEASURE],
    "impediments": [IMPEDIMENT],
    "must_not_extract": [MUST_NOT],
    "numbers": ["11 days", "Q3"],
    "call_date": "2024-03-12",
    "review_hint": None,
    "notes": "hand-made",
    "industry": "logistics",
    "expected_practices": [],
}


def transcript() -> Transcript:
    segs = []
    for line in TRANSCRIPT_TEXT.strip().splitlines():
        name, text = line.split(": ", 1)
        segs.append(Segment(speaker=name, text=text))
    return Transcript(
        segments=segs,
        speakers=[Speaker(name=VENDOR, role="vendor"), Speaker(name=CUSTOMER, role="customer")],
    )


def q(text: str, speaker: str = CUSTOMER) -> Quote:
    return Quote(text=text, speaker=speaker)


def make_draft(goal=(), measures=(), impediments=(), plan_goal: str = GOAL, n_measures: int = 1) -> Draft:
    plan = Plan(
        goal=plan_goal,
        measures=[Measure(text="Invoice lag", baseline="11 days", target="under 3 by Q3", quote=q(MEASURE))][:n_measures],
        milestones=[Milestone(date=dt.date(2024, 9, 30), text="Invoice lag under 3 days")],
        review_date=dt.date(2024, 6, 12),
    )
    ex = Extraction(goal=list(goal), measures=list(measures), impediments=list(impediments))
    return Draft(transcript=transcript(), extraction=ex, plan=plan, call_date=dt.date(2024, 3, 12))


def gold(**over):
    from eval.score import Gold

    return Gold.model_validate({**GOLD, **over})


def write_call(root: Path, name: str = "toy", text: str = TRANSCRIPT_TEXT, **over) -> Call:
    d = root / "dev" / name
    d.mkdir(parents=True)
    (d / "transcript.txt").write_text(text)
    (d / "gold.json").write_text(json.dumps({**GOLD, **over}))
    return find_calls([d])[0]


# ---------------------------------------------------------------- the scores


def test_a_perfect_draft_scores_one_everywhere():
    s = score_draft(make_draft([q(GOAL)], [q(MEASURE)], [q(IMPEDIMENT)]), gold())
    assert s.recall == {"goal": 1.0, "measures": 1.0, "impediments": 1.0}
    assert s.precision == {"goal": 1.0, "measures": 1.0, "impediments": 1.0}
    assert s.faithfulness == 1.0
    assert s.must_not_hits == []
    assert s.limits_ok and s.numbers == 1.0


def test_an_empty_draft_has_zero_recall_and_says_nothing_false():
    s = score_draft(make_draft(n_measures=0, plan_goal="To be agreed."), gold())
    assert s.recall == {"goal": 0.0, "measures": 0.0, "impediments": 0.0}
    assert s.precision == {"goal": 1.0, "measures": 1.0, "impediments": 1.0}  # nothing extracted: documented as 1.0
    assert s.faithfulness == 1.0
    assert s.numbers == 0.0  # the plan carries neither "11 days" nor "Q3"


def test_empty_gold_field_and_empty_extraction_score_one_but_an_extra_quote_costs_precision():
    assert score_draft(make_draft([q(GOAL)]), gold(measures=[], impediments=[])).recall["measures"] == 1.0
    s = score_draft(make_draft([q(GOAL)], [q(MEASURE)]), gold(measures=[]))
    assert s.recall["measures"] == 1.0 and s.precision["measures"] == 0.0


def test_a_vendor_quote_is_unfaithful_even_when_it_is_verbatim():
    s = score_draft(make_draft([q(GOAL)], [q(VENDOR_LINE, speaker=VENDOR)]), gold())
    assert s.faithfulness == 0.5


def test_a_paraphrase_attributed_to_the_customer_is_unfaithful():
    s = score_draft(make_draft([q("We want to invoice within two days of delivery.")]), gold())
    assert s.faithfulness == 0.0
    assert s.recall["goal"] == 1.0  # still close enough in words to count as found


def test_faithfulness_follows_gold_customers_not_the_pipelines_roles():
    d = make_draft([q(GOAL)])
    d.transcript.speakers[1].role = "vendor"  # the pipeline got the roles wrong: the score does not care
    assert score_draft(d, gold()).faithfulness == 1.0
    wrong = gold(customer_speakers=[VENDOR], vendor_speakers=[CUSTOMER])  # but a role error shows up
    assert score_draft(make_draft([q(GOAL)]), wrong).faithfulness == 0.0


def test_audio_faithfulness_uses_the_pipelines_roles():
    d = make_draft([q(GOAL)])
    assert score_draft(d, gold(), audio=True).faithfulness == 1.0
    d.transcript.speakers[1].role = "vendor"
    assert score_draft(d, gold(), audio=True).faithfulness == 0.0


def test_a_must_not_hit_is_counted():
    s = score_draft(make_draft([q(GOAL), q(MUST_NOT)]), gold())
    assert s.must_not_hits == [MUST_NOT]
    assert s.precision["goal"] == 0.5
    assert "must-not extracted" in table_of(s)


def table_of(s):
    from eval.score import Report

    s.call, s.split = "toy", "dev"
    return table(Report(engine="embedded", hints=False, calls=[s], totals=[]))


def test_match_needs_half_of_the_gold_words_after_case_and_punctuation():
    gold_quote = "Alpha beta, gamma delta."  # 4 distinct words
    assert matches(gold_quote, "ALPHA! Beta? and something else")  # 2 of 4: exactly half
    assert not matches(gold_quote, "alpha and something else")  # 1 of 4
    assert matches("We don't wait.", "we dont")  # 2 of 3, apostrophe stripped
    assert not matches("", "anything")


def test_plan_limits_are_checked():
    long_goal = "One. Two. Three. Four."
    s = score_draft(make_draft([q(GOAL)], plan_goal=long_goal), gold())
    assert not s.limits_ok and s.limit_problems == ["goal has 4 sentences"]


def test_numbers_are_found_in_the_plan_whether_spelled_out_or_in_digits():
    from eval.score import numbers_recall

    plan = make_draft().plan  # carries "11 days" and "under 3 by Q3"
    assert numbers_recall(["eleven days", "Q3"], plan) == 1.0
    assert numbers_recall(["11 days", "30 percent"], plan) == 0.5
    assert numbers_recall([], plan) == 1.0


def suggest(*ids: str) -> list[Suggestion]:
    return [Suggestion(practice_id=i, title=i, text="A practice.", why=f"answers {GOAL!r}", score=0.5) for i in ids]


def with_suggestions(*ids: str) -> Draft:
    d = make_draft([q(GOAL)])
    d.suggestions = suggest(*ids)
    return d


def test_a_suggestion_among_the_expected_practices_is_a_hit():
    g = gold(expected_practices=["log-same-day-electronic-pod", "finops-dispute-reason-codes"])
    s = score_draft(with_suggestions("ops-one-change-at-a-time", "finops-dispute-reason-codes"), g)
    assert s.hit5 == 1.0 and s.recall5 == 0.5
    assert s.suggestions == ["ops-one-change-at-a-time", "finops-dispute-reason-codes"]
    assert score_draft(with_suggestions("finops-dispute-reason-codes", "log-same-day-electronic-pod"), g).recall5 == 1.0


def test_no_expected_practice_suggested_or_beyond_the_fifth_is_a_miss():
    g = gold(expected_practices=["log-same-day-electronic-pod"])
    assert score_draft(with_suggestions("ops-one-change-at-a-time"), g).hit5 == 0.0
    assert score_draft(with_suggestions(), g).hit5 == 0.0
    sixth = with_suggestions("a", "b", "c", "d", "e", "log-same-day-electronic-pod")
    s = score_draft(sixth, g)
    assert s.hit5 == 0.0 and s.recall5 == 0.0


def test_a_call_without_expected_practices_is_left_out_of_the_suggestion_means():
    from eval.score import Report, total

    hit = score_draft(with_suggestions("log-same-day-electronic-pod"), gold(expected_practices=["log-same-day-electronic-pod"]))
    miss = score_draft(with_suggestions("x"), gold(expected_practices=["log-same-day-electronic-pod", "y"]))
    none = score_draft(with_suggestions("log-same-day-electronic-pod"), gold())
    assert none.hit5 is None and none.recall5 is None
    t = total("dev", [hit, miss, none])
    assert t.hit5 == 0.5 and t.recall5 == 0.5  # (1 + 0) / 2 and (1 + 0) / 2, not over 3 calls
    assert total("dev", [none]).hit5 is None
    for s, name in ((hit, "a"), (miss, "b"), (none, "c")):
        s.call, s.split = name, "dev"
    out = table(Report(engine="embedded", hints=False, calls=[hit, miss, none], totals=[t]))
    cells = [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()[2:]]
    col = cells[0].index("hit@5")
    assert [r[col] for r in cells[2:5]] == ["1.00", "0.00", "\u2013"]
    assert cells[-1][0] == "TOTAL dev" and cells[-1][col] == "0.50"
    assert Report(engine=None, hints=False, calls=[miss], totals=[]).model_dump()["calls"][0]["suggestions"] == ["x"]


def test_wer_against_the_reference():
    t = Transcript(segments=[Segment(speaker="A", text="Hello there, word.")])
    assert wer("hello there world", t) == pytest.approx(1 / 3)


# ---------------------------------------------------------------- gold files and failing calls


def test_a_gold_quote_that_is_not_a_customer_substring_is_a_broken_gold_file(tmp_path):
    call = write_call(tmp_path, goal=[VENDOR_LINE])  # spoken by the vendor
    with pytest.raises(GoldError, match="not inside one customer segment"):
        check_call(call)
    call2 = write_call(tmp_path, name="toy2", goal=["We want to invoice within two days of delivery."])
    with pytest.raises(GoldError, match="not an exact substring"):
        check_call(call2)
    [row] = score_call(call2)
    assert row.error.startswith("broken gold") and row.recall["goal"] == 0.0


def test_a_gold_file_with_an_unknown_key_is_broken(tmp_path):
    call = write_call(tmp_path, goals=[GOAL])
    with pytest.raises(GoldError, match="goals"):
        check_call(call)


def test_a_call_whose_draft_fails_scores_zero_and_the_rest_still_run(tmp_path):
    write_call(tmp_path, name="a_broken", text="\n\n")  # empty transcript: the reader refuses it
    write_call(tmp_path, name="b_notes", text=f"Notes from the call\n{GOAL}\n", format="notes",
               vendor_speakers=[], customer_speakers=["Notes"], measures=[], impediments=[], must_not_extract=[],
               numbers=[])  # fmt: skip
    report = evaluate([tmp_path], engine="embedded")
    broken, ok = report.calls
    assert broken.error and broken.recall["goal"] == 0.0 and broken.faithfulness == 0.0
    assert ok.error is None, ok.error
    assert ok.faithfulness == 1.0 and ok.recall["goal"] == 1.0
    [dev] = [t for t in report.totals if t.call == "dev"]
    assert dev.recall["goal"] == pytest.approx(0.5) and "1 of 2 calls failed" in dev.error


@pytest.mark.parametrize("call", find_calls([CALLS]), ids=lambda c: c.label)
def test_every_labelled_call_is_valid(call):
    """Exact substrings, each inside one customer turn as the transcript reader sees it; schema."""
    g = check_call(call)
    assert g.customer_speakers
    assert any([g.goal, g.measures, g.impediments])
    if call.audio:
        assert call.reference.read_text().strip()


def test_the_labelled_set_has_both_splits():
    splits = {c.split for c in find_calls([CALLS])}
    assert {"dev"} <= splits


@pytest.mark.slow
def test_callplan_eval_runs_the_real_pipeline_and_prints_json():
    from typer.testing import CliRunner

    from assistant.cli import app

    res = CliRunner().invoke(app, ["eval", str(CALLS / "dev" / "university_admissions"), "--engine", "embedded", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout[res.stdout.index("{"):])
    [row] = report["calls"]
    assert row["error"] is None and row["faithfulness"] == 1.0
    assert [t["call"] for t in report["totals"]] == ["dev", "all"]
