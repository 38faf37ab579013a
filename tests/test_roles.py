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


# --- two vendor people, company labels, question-asking customers, "we"-heavy vendors ---------

CSM_AND_QUIET_ENGINEER = """\
Maya Brooks: Morning all. I've brought Theo along, he's our integrations engineer, since you had questions about the ERP side.
Theo Nakamura: Hi everyone.
Ivan Petrov: Good to meet you both. I look after finance systems here.
Maya Brooks: So picture next spring. If this rollout went well, what changed for your people?
Ivan Petrov: Month-end close takes us eleven days right now. I want it at six, and my controller wants fewer manual journals.
Joan Whitfield: And from the AP side, our clerks chase approvals by email all day. That has to stop.
Maya Brooks: How would you track that?
Joan Whitfield: We count late-paid invoices every week. It's about 140 a month at the moment.
Ivan Petrov: Does it connect to Dynamics, or is that a custom job?
Theo Nakamura: Dynamics is a standard connector for us, we usually have it syncing inside two weeks.
Maya Brooks: And what could slow things down?
Ivan Petrov: Our audit runs through February, so my team is buried until March.
Maya Brooks: Understood. I'll send a draft plan on Thursday.
"""


def test_a_quiet_second_vendor_introduced_by_the_csm_is_a_vendor():
    t = assign_roles(transcripts.read_text(CSM_AND_QUIET_ENGINEER), Hints())
    assert roles_of(t) == {
        "Maya Brooks": "vendor",
        "Theo Nakamura": "vendor",  # two lines, but introduced as "our integrations engineer"
        "Ivan Petrov": "customer",  # asks about the product: a buyer's question
        "Joan Whitfield": "customer",
    }
    # the customers' answers are the customer's words; the engineer's are not
    said = " ".join(s.text for s in t.customer_segments())
    assert "eleven days" in said and "standard connector" not in said


def test_a_quiet_second_vendor_who_introduces_themselves_from_the_product():
    text = CSM_AND_QUIET_ENGINEER.replace(
        "I've brought Theo along, he's our integrations engineer, since you had questions about the ERP side.",
        "Thanks for making time to talk about rolling out Tallybook.",
    ).replace("Theo Nakamura: Hi everyone.", "Theo Nakamura: Hi everyone, Theo here from Tallybook, I'll be doing the ERP hookup.").replace(
        "I'll send a draft plan on Thursday.", "I'll send a draft plan on Thursday, and a note on Tallybook's connector."
    )
    t = assign_roles(transcripts.read_text(text), Hints())
    assert roles_of(t)["Theo Nakamura"] == "vendor"
    assert roles_of(t)["Ivan Petrov"] == "customer" and roles_of(t)["Joan Whitfield"] == "customer"


def _labelled(text: str, companies: dict[str, str]) -> str:
    for name, company in companies.items():
        text = text.replace(f"{name}:", f"{name} ({company}):")
    return text


def test_speakers_of_one_company_share_a_side():
    # without the introduction, Theo's two lines alone would not say much ...
    bare = CSM_AND_QUIET_ENGINEER.replace(
        "I've brought Theo along, he's our integrations engineer, since you had questions about the ERP side.", "Thanks for joining."
    ).replace("Dynamics is a standard connector for us, we usually have it syncing inside two weeks.", "Two weeks, roughly.")
    labels = {"Maya Brooks": "Tallybook", "Theo Nakamura": "Tallybook", "Ivan Petrov": "Orchard Farms", "Joan Whitfield": "Orchard Farms"}
    t = assign_roles(transcripts.read_text(_labelled(bare, labels)), Hints())
    # ... but his label puts him with Maya
    assert roles_of(t) == {
        "Maya Brooks (Tallybook)": "vendor",
        "Theo Nakamura (Tallybook)": "vendor",
        "Ivan Petrov (Orchard Farms)": "customer",
        "Joan Whitfield (Orchard Farms)": "customer",
    }
    emails = {"Maya Brooks": "maya@tallybook.io", "Theo Nakamura": "theo@tallybook.io", "Ivan Petrov": "ivan@orchard.com", "Joan Whitfield": "jw@orchard.com"}
    t = assign_roles(transcripts.read_text(_labelled(bare, emails)), Hints())
    assert roles_of(t)["Theo Nakamura (theo@tallybook.io)"] == "vendor"
    assert roles_of(t)["Joan Whitfield (jw@orchard.com)"] == "customer"


def test_the_company_named_as_the_product_is_the_vendor():
    # the vendor here asks few discovery questions and the customer asks many: the labels and
    # how the product is talked about decide it
    text = """\
Ruth Adler (Kestrel Foods): So what would we actually get out of Pipewell in the first quarter?
Omar Diaz (Pipewell): The first thing is the supplier portal. Pipewell's connector reads your purchase orders every hour.
Ruth Adler (Kestrel Foods): Can it handle our Spanish suppliers? Half of them still send faxes.
Omar Diaz (Pipewell): The portal has a Spanish interface, and faxes can be scanned in.
Ruth Adler (Kestrel Foods): How long does the implementation take? Our buyers are stretched.
Omar Diaz (Pipewell): About eight weeks for a company your size.
"""
    t = assign_roles(transcripts.read_text(text), Hints())
    assert roles_of(t) == {"Ruth Adler (Kestrel Foods)": "customer", "Omar Diaz (Pipewell)": "vendor"}


def test_a_customer_who_asks_many_questions_stays_a_customer():
    text = """\
Lucia Moreno: Thanks for joining, Henry, Wei. I'd love to hear what you want this year to look like.
Henry Cole: Before that, can I ask a few things? Does the platform work offline for drivers?
Lucia Moreno: It does, it syncs when they're back in coverage.
Henry Cole: And can it pull delivery windows from our TMS? What do your other customers do about returns?
Lucia Moreno: Most of our customers connect the TMS in the first month, and returns are a separate workflow.
Henry Cole: How long does the rollout usually take? Who would our main contact be?
Lucia Moreno: Around ten weeks, and that's me. So what would make this year a success for you?
Wei Zhang: For us it's on-time delivery. We're at 88% and the board wants 95% by December.
Henry Cole: And our drivers spend about forty minutes a day on paperwork. I want that gone.
Lucia Moreno: What could get in the way?
Wei Zhang: Our IT team is small, two people, and they're on the ERP upgrade until April.
"""
    t = assign_roles(transcripts.read_text(text), Hints())
    assert roles_of(t) == {"Lucia Moreno": "vendor", "Henry Cole": "customer", "Wei Zhang": "customer"}


def test_a_vendor_who_says_we_a_lot_is_still_the_vendor():
    text = """\
Nora Quinn: We want to get this right, so we need to understand your goals first. What does success look like for you?
Paul Grant: Honestly, that our reps stop losing deals to slow quotes. A quote takes us three days today.
Nora Quinn: We track quote time too. We need a baseline from you, and we want your admins trained before go-live.
Paul Grant: Three days average. Our sales ops manager has the report.
Nora Quinn: We have to watch the March date. What could get in the way on your side?
Paul Grant: Our CRM cleanup runs until February, and my team is small.
Nora Quinn: We spend a lot of time in the first month with admins. We'll run the training in short blocks.
"""
    t = assign_roles(transcripts.read_text(text), Hints())
    assert roles_of(t) == {"Nora Quinn": "vendor", "Paul Grant": "customer"}


def test_a_speaker_with_two_lines_is_not_decided_by_noise():
    text = CSM_AND_QUIET_ENGINEER.replace(
        "I've brought Theo along, he's our integrations engineer, since you had questions about the ERP side.", "Thanks for joining."
    ).replace("Dynamics is a standard connector for us, we usually have it syncing inside two weeks.", "Sorry, I was on mute.")
    t = assign_roles(transcripts.read_text(text), Hints())
    theo = speaker(t, "Theo Nakamura")
    assert theo.basis == "inferred" and theo.confidence <= 0.6
    assert speaker(t, "Maya Brooks").confidence > theo.confidence
    assert speaker(t, "Ivan Petrov").confidence > theo.confidence


def test_a_hint_carries_to_colleagues_of_the_same_company():
    labels = {"Maya Brooks": "Tallybook", "Theo Nakamura": "Tallybook", "Ivan Petrov": "Orchard Farms", "Joan Whitfield": "Orchard Farms"}
    text = _labelled(CSM_AND_QUIET_ENGINEER, labels)
    t = assign_roles(transcripts.read_text(text), Hints(customer=["Orchard Farms"]))
    assert speaker(t, "Ivan Petrov (Orchard Farms)").basis == "hint"
    assert roles_of(t)["Maya Brooks (Tallybook)"] == "vendor" and roles_of(t)["Theo Nakamura (Tallybook)"] == "vendor"


def test_synthetic_variations_are_mostly_right_and_never_hide_a_customer():
    """Generated calls: vendor first or second, 1-2 vendor people, 1-3 customers, quiet
    engineers, question-asking customers, 'we'-heavy vendors, four label styles."""
    from eval.roles import Tally, synthetic_calls

    tally = Tally()
    for case in synthetic_calls(40, seed=101):
        t = assign_roles(transcripts.read_text(case.text), Hints())
        tally.add(case, roles_of(t))
    assert tally.customer_as_vendor == 0, tally.misses
    assert tally.right / tally.speakers >= 0.95, tally.misses


def test_one_company_label_on_everyone_says_nothing_about_sides():
    text = _labelled(VENDOR_FIRST, {"Sam Ortiz": "Zoom", "Dana Reyes": "Zoom"})
    t = assign_roles(transcripts.read_text(text), Hints())
    assert roles_of(t) == {"Sam Ortiz (Zoom)": "vendor", "Dana Reyes (Zoom)": "customer"}
