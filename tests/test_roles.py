"""Who is the vendor and who the customer: hints win, otherwise inference from what people say."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import transcripts
from assistant.errors import InputError
from assistant.models import Hints, Speaker, Transcript
from assistant.roles import assign_roles, set_role

FIX = Path(__file__).parent / "fixtures" / "transcripts"

VENDOR_FIRST = """\
Sam Ortiz: Thanks for making the time today, Dana. I'd like to understand what you want to achieve so we can write a short plan together.
Dana Reyes: Sure. I run finance operations, so billing and collections sit with my team.
Sam Ortiz: Imagine it's twelve months from now and you call this a success. What does success look like?
Dana Reyes: We send every invoice within two days of delivery. Right now it takes us nine days, and that costs us cash.
Sam Ortiz: How will you know it is working?
Dana Reyes: Days sales outstanding is 52 days today and I want it under 40 by September. Our CFO watches that number.
Sam Ortiz: What could get in the way?
Dana Reyes: Our IT team is busy with a warehouse migration until March, and my clerks are stretched at quarter close.
Sam Ortiz: On our side, our implementation team can build the connector and run training in short sessions.
Dana Reyes: That works for us. We need a named contact who answers within a day.
"""

CUSTOMER_FIRST = """\
Dana Reyes: Hi Sam, thanks for setting this up. Our finance team has been waiting for this project.
Sam Ortiz: Happy to. Tell me about how billing works for your team today.
Dana Reyes: Right now we key freight data by hand, and our invoices go out about nine days after delivery.
Sam Ortiz: If after twelve months you call this a success, what would you say?
Dana Reyes: We bill within two days and invoice errors drop from 6% to under 2%.
Sam Ortiz: And how would you measure that?
Dana Reyes: Our controller already tracks error rate every month, so we use that report.
Sam Ortiz: What might get in the way?
Dana Reyes: Our IT people are tied up with a migration until March.
Sam Ortiz: Understood. Our onboarding team will plan around that, and I'll send the draft plan by Friday.
"""

FOUR_PEOPLE = """\
Priya Shah: Thanks everyone for joining. I'm your customer success manager. What does success look like for your team a year from now?
Marcus Green: For me it's cash. Our days sales outstanding is 52 days and the board wants it under 40.
Lena Park: From the billing side, my clerks spend about three days a week re-keying freight data. We need that gone.
Priya Shah: How will you know it's working?
Marcus Green: Our controller reports DSO monthly; that's the number we track.
Omar Haddad: I run IT. How long does the connector usually take?
Priya Shah: Our implementation team usually builds it in about six weeks. What could get in the way?
Omar Haddad: My team is on a warehouse migration until March, so our people can't test before then.
Lena Park: And our quarter close is busy, so training has to be in the first two weeks of a month.
Priya Shah: That makes sense. On our side we can run short sessions, and I'll send a draft plan on Friday.
"""


def roles_of(t: Transcript) -> dict[str, str]:
    return {s.name: s.role for s in t.speakers}


def speaker(t: Transcript, name: str) -> Speaker:
    return next(s for s in t.speakers if s.name == name)


@pytest.mark.parametrize("text", [VENDOR_FIRST, CUSTOMER_FIRST], ids=["vendor-first", "customer-first"])
def test_infers_the_vendor_whoever_speaks_first(text):
    t = assign_roles(transcripts.read_text(text), Hints())
    assert roles_of(t) == {"Sam Ortiz": "vendor", "Dana Reyes": "customer"}
    for s in t.speakers:
        assert s.basis == "inferred" and s.confidence >= 0.8
    # the original is not changed
    assert all(s.role == "unknown" for s in transcripts.read_text(text).speakers)


def test_infers_with_generic_labels():
    t = assign_roles(transcripts.read_text(CUSTOMER_FIRST.replace("Dana Reyes", "Speaker 1").replace("Sam Ortiz", "Speaker 2")), Hints())
    assert t.format == "speakers"
    assert roles_of(t) == {"Speaker 1": "customer", "Speaker 2": "vendor"}


def test_three_customers_and_one_vendor():
    t = assign_roles(transcripts.read_text(FOUR_PEOPLE), Hints())
    assert roles_of(t) == {
        "Priya Shah": "vendor",
        "Marcus Green": "customer",
        "Lena Park": "customer",
        "Omar Haddad": "customer",  # asks a question, but about his own team's work
    }
    assert [c.text for c in t.customer_segments()][0].startswith("For me it's cash")


def test_no_signal_still_gives_one_vendor_but_low_confidence():
    t = assign_roles(transcripts.read_text("Ann: hello\nBob: hi\nAnn: right\nBob: yes"), Hints())
    assert sorted(roles_of(t).values()) == ["customer", "vendor"]
    assert all(s.confidence <= 0.6 for s in t.speakers)


def test_notes_are_the_customers_words():
    t = assign_roles(transcripts.read_text("wants invoices out in 2 days\nIT busy until March"), Hints())
    assert t.speakers == [Speaker(name="Notes", role="customer", confidence=0.5, basis="inferred")]
    assert len(t.customer_segments()) == 2


# --- hints ------------------------------------------------------------------------------------


def test_vendor_hint_makes_everyone_else_customer():
    t = assign_roles(transcripts.read_text(FOUR_PEOPLE), Hints(vendor=["priya shah"]))
    assert speaker(t, "Priya Shah") == Speaker(name="Priya Shah", role="vendor", confidence=1.0, basis="hint")
    for name in ("Marcus Green", "Lena Park", "Omar Haddad"):
        assert speaker(t, name).role == "customer" and speaker(t, name).basis == "inferred"


def test_hints_win_over_inference():
    # the user says the question-asker is the customer: believe them
    t = assign_roles(transcripts.read_text(VENDOR_FIRST), Hints(vendor=["Dana Reyes"]))
    assert roles_of(t) == {"Sam Ortiz": "customer", "Dana Reyes": "vendor"}
    c = assign_roles(transcripts.read_text(VENDOR_FIRST), Hints(customer=["sam"]))
    assert roles_of(c) == {"Sam Ortiz": "customer", "Dana Reyes": "vendor"}
    assert speaker(c, "Sam Ortiz").basis == "hint" and speaker(c, "Dana Reyes").basis == "inferred"


def test_customer_hint_in_a_group_still_infers_the_rest():
    t = assign_roles(transcripts.read_text(FOUR_PEOPLE), Hints(customer=["Omar"]))
    assert roles_of(t)["Priya Shah"] == "vendor" and roles_of(t)["Lena Park"] == "customer"


def test_hint_matching_rules():
    t = transcripts.read_file(FIX / "plain.txt")
    # name without the company, first name, upper case, and the company itself
    for hint in ("Sam Ortiz", "sam", "SAM ORTIZ (LEDGERLINE)", "Ledgerline"):
        assert roles_of(assign_roles(t, Hints(vendor=[hint])))["Sam Ortiz (Ledgerline)"] == "vendor"
    srt = transcripts.read_file(FIX / "upper.srt")
    assert roles_of(assign_roles(srt, Hints(vendor=["Sam Ortiz"])))["SAM ORTIZ"] == "vendor"


def test_hint_that_names_nobody_lists_the_speakers():
    t = transcripts.read_text(VENDOR_FIRST)
    with pytest.raises(InputError) as e:
        assign_roles(t, Hints(vendor=["Jordan"]))
    msg = str(e.value)
    assert "Jordan" in msg and "Sam Ortiz" in msg and "Dana Reyes" in msg and "\n" not in msg


def test_ambiguous_first_name_and_conflicting_hints():
    t = transcripts.read_text("Dana Reyes: we need speed\nDana Li: and accuracy\nSam Ortiz: how will you know?")
    with pytest.raises(InputError, match="full name"):
        assign_roles(t, Hints(customer=["dana"]))
    with pytest.raises(InputError, match="both"):
        assign_roles(t, Hints(vendor=["Sam Ortiz"], customer=["sam"]))


def test_channel_speakers_keep_their_basis():
    t = transcripts.read_text(VENDOR_FIRST)
    t = t.model_copy(update={"speakers": [Speaker(name=s.name, basis="channel") for s in t.speakers]})
    r = assign_roles(t, Hints())
    assert roles_of(r) == {"Sam Ortiz": "vendor", "Dana Reyes": "customer"}
    assert {s.basis for s in r.speakers} == {"channel"}


# --- the one-click fix ------------------------------------------------------------------------


def test_set_role_flips_the_other_of_two():
    t = assign_roles(transcripts.read_text(VENDOR_FIRST), Hints())
    fixed = set_role(t, "Sam Ortiz", "customer")
    assert roles_of(fixed) == {"Sam Ortiz": "customer", "Dana Reyes": "vendor"}
    assert speaker(fixed, "Sam Ortiz").basis == "hint"


def test_set_role_in_a_group_changes_one_speaker():
    t = assign_roles(transcripts.read_text(FOUR_PEOPLE), Hints())
    fixed = set_role(t, "Omar Haddad", "vendor")
    assert roles_of(fixed) == {**roles_of(t), "Omar Haddad": "vendor"}
    with pytest.raises(InputError, match="speakers found"):
        set_role(t, "Nobody", "vendor")
