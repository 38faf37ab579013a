"""The evidence invariant: every quote that leaves ground() is exact, customer-spoken customer evidence."""

from __future__ import annotations

import random

from assistant.extract.grounding import FOLLOW_UPS, ground, is_grounded
from assistant.models import Extraction, Quote, Segment, Speaker, Transcript

CUSTOMER = "Dana Ortiz"
VENDOR = "Sam Lee"


def call() -> Transcript:
    turns = [
        (VENDOR, "What does success look like twelve months from now?"),
        (CUSTOMER, "Um, honestly? We close the books in four days instead of nine. My team stops working weekends."),
        (VENDOR, "So you'd call it a success if the close takes four days."),
        (CUSTOMER, "Right now our error rate is about 6% and I want it below 2% by September."),
        (VENDOR, "And what could get in the way?"),
        (CUSTOMER, "IT is busy with the ERP migration until March, so they won't have time for an integration."),
    ]
    segs, clock = [], 0.0
    for who, text in turns:
        segs.append(Segment(start=clock, end=clock + 5, speaker=who, text=text))
        clock += 6
    return Transcript(
        segments=segs,
        speakers=[Speaker(name=VENDOR, role="vendor"), Speaker(name=CUSTOMER, role="customer")],
    )


def q(text: str, speaker: str = CUSTOMER, start: float | None = None) -> Quote:
    return Quote(text=text, speaker=speaker, start=start, end=None)


def assert_invariant(ex: Extraction, t: Transcript) -> None:
    for _, quote in ex.quotes():
        assert is_grounded(quote, t), quote


def test_exact_customer_quote_gets_its_segment_speaker_and_times():
    t = call()
    ex = ground(Extraction(goal=[q("We close the books in four days instead of nine.", speaker="someone", start=None)]), t)
    assert [x.text for x in ex.goal] == ["We close the books in four days instead of nine."]
    assert ex.goal[0].speaker == CUSTOMER and ex.goal[0].start == 6.0 and ex.goal[0].end == 11.0
    assert_invariant(ex, t)


def test_vendor_text_is_dropped_even_when_exact():
    t = call()
    ex = ground(Extraction(goal=[q("So you'd call it a success if the close takes four days.", speaker=VENDOR)]), t)
    assert ex.goal == []
    assert [u.topic for u in ex.unanswered] == ["goal", "measures", "impediments"]


def test_near_quotes_are_aligned_to_the_exact_customer_span():
    t = call()
    ex = ground(
        Extraction(
            measures=[q("right now our error rate is about 6 percent and I want it below 2% by September")],
            impediments=[q("IT is busy with the ERP migration until March, so they won’t have time for an integration")],
        ),
        t,
    )
    assert ex.measures[0].text == "Right now our error rate is about 6% and I want it below 2% by September."
    assert ex.impediments[0].text.startswith("IT is busy with the ERP migration")
    assert_invariant(ex, t)


def test_paraphrase_and_invented_quotes_are_dropped():
    t = call()
    ex = ground(
        Extraction(goal=[q("The customer wants to reach 100% adoption of every feature."), q("Faster close.")]),
        t,
    )
    assert ex.goal == []


def test_quote_spanning_two_segments_is_dropped_or_trimmed_to_one():
    t = call()
    spanning = "My team stops working weekends. So you'd call it a success if the close takes four days."
    ex = ground(Extraction(goal=[q(spanning)]), t)
    for quote in ex.goal:
        assert quote.text in t.segments[1].text
    assert_invariant(ex, t)


def test_duplicates_are_removed_and_grounding_is_idempotent():
    t = call()
    raw = Extraction(
        goal=[q("We close the books in four days instead of nine."), q("we close the books in four days instead of nine")],
        measures=[q("Right now our error rate is about 6% and I want it below 2% by September.")],
    )
    once = ground(raw, t)
    assert len(once.goal) == 1
    assert ground(once, t) == once


def test_empty_fields_get_a_follow_up_question_in_the_method_wording():
    t = call()
    ex = ground(Extraction(goal=[q("We close the books in four days instead of nine.")]), t)
    asked = {u.topic: u.follow_up for u in ex.unanswered}
    assert set(asked) == {"measures", "impediments"}
    assert asked["measures"] == FOLLOW_UPS["measures"]
    assert "track" in asked["measures"]


def test_empty_transcript_grounds_to_nothing():
    t = Transcript(segments=[], speakers=[])
    ex = ground(Extraction(goal=[q("anything at all")]), t)
    assert ex.goal == [] and len(ex.unanswered) == 3


def test_randomly_perturbed_quotes_always_keep_the_invariant():
    """Whatever an engine returns (cut, case-changed, re-punctuated, vendor, noise), the output is evidence."""
    t = call()
    rng = random.Random(7)
    texts = [s.text for s in t.segments]
    for _ in range(300):
        src = rng.choice(texts)
        a = rng.randrange(len(src))
        b = rng.randrange(a, len(src) + 1)
        text = src[a:b]
        op = rng.randrange(5)
        if op == 1:
            text = text.upper()
        elif op == 2:
            text = text.replace(",", "").replace("'", "’")
        elif op == 3:
            text = " ".join(reversed(text.split()))
        elif op == 4:
            text = text + " " + rng.choice(texts)
        speaker = rng.choice([CUSTOMER, VENDOR, "Nobody"])
        ex = ground(Extraction(goal=[q(text, speaker=speaker, start=rng.choice([None, 0.0, 6.0]))]), t)
        assert_invariant(ex, t)
        assert ground(ex, t) == ex
