"""Letters' claims (letters/claims.py): a test per claim kind, both refused and allowed; a
collection of hostile and careless edits, each applied through wording.apply to the field it
would be typed in and refused by checks.check in every letter it reaches; the catalogue's own
texts; and the wording page refusing a hostile edit with the reason on the page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import time

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.demo.panels import conditions_for
from oocd_panel.letters import checks, claims
from oocd_panel.letters.compose import FirstMeeting, Letter, Variant, compose, recipients
from oocd_panel.letters.wording import Wording, apply
from oocd_panel.models import Referral, ReferralStatus, Role
from oocd_panel.plumbing.clock import local_today, years_before
from oocd_panel.plumbing.errors import InvalidInput
from oocd_panel.services import letter_wording
from tests.factories import Factory, child_details
from tests.letters.claims_cases import HOSTILE_EDITS, TRUE_EDITS
from tests.web.helpers import error_summary, sign_in

PHONE = "01632 960 123"
SECTION = {"meaning": "meaning", "if_not": "if_not", "right": "rights"}


def _section(field: str) -> str:
    return SECTION[field.split("_", 1)[1]]


def _refusals(code: str, text: str, section: str = "meaning") -> list[str]:
    """What the claims refuse in a text typed for this disposal's letter section."""
    findings = claims.text_findings(text, disposals.get(code), section)
    return [f.message for f in findings]


def _assert_refused(code: str, text: str, *expected: str, section: str = "meaning") -> None:
    found = _refusals(code, text, section)
    assert found, f"{code}: {text!r} was not refused"
    for words in expected:
        assert any(words in message for message in found), (text, found)


def _assert_allowed(code: str, text: str, section: str = "meaning") -> None:
    assert _refusals(code, text, section) == [], (code, text)


# --- One test per kind of claim ----------------------------------------------------------------


def test_obligation_is_refused_on_voluntary_work_and_where_there_is_no_work() -> None:
    for text in (
        "It is not optional. Be there every week.",
        "You must see us each week.",
        "You will come to every session.",
        "Make sure you turn up every week.",
        "Attendance is compulsory.",
        "Don't miss a session.",
        "You are expected to attend every session.",
        "It is not true that you do not have to come.",
    ):
        _assert_refused(
            "outcome_22", text, "taking part is required", "Outcome 22 is the child's choice"
        )
    _assert_refused(
        "no_further_action", "You must see us each week.", "there is nothing they have to do"
    )
    _assert_refused("charge", "You must see your worker every week.", "the only thing they must do")
    for code, text in (
        ("outcome_22", "You do not have to take part."),
        ("outcome_22", "You can say no."),
        ("outcome_22", "Nothing bad will happen if you say no."),
        ("outcome_22", "If you want to, come to the first meeting."),
        ("outcome_22", "No one will make you come."),
        ("outcome_22", "You should talk to a lawyer first."),
        ("no_further_action", "There is nothing you need to do."),
        ("youth_conditional_caution", "You must do them by the dates you agreed."),
        ("youth_conditional_caution", "Go to every session."),
        # Going to court is required after a charge: that is true.
        ("charge", "You must go to court on the date the police gave you."),
        ("charge", "Go to court on the date the police gave you."),
    ):
        _assert_allowed(code, text)


def test_a_choice_is_refused_on_conditions_unless_it_says_the_court_consequence() -> None:
    for text in (
        "The things are up to you. You can skip them.",
        "You do not have to do them.",
        "This is optional.",
        "You can stop at any time.",
    ):
        _assert_refused(
            "youth_conditional_caution", text, "the things agreed for a youth conditional caution"
        )
    _assert_refused("outcome_23", "It is up to you whether you do them.", "conditions")
    _assert_refused("charge", "You do not have to go to court.", "after a charge the child must go")
    for code, text in (
        ("youth_conditional_caution", "You can say no, but then you could be taken to court."),
        (
            "youth_conditional_caution",
            "You can change your mind about agreeing. But then you could be taken to court.",
        ),
        ("youth_conditional_caution", "Doing them is not optional."),
        ("outcome_22", "Taking part is your choice."),
        ("youth_caution", "You can stop whenever you like."),
    ):
        _assert_allowed(code, text)


def test_a_consequence_is_held_against_what_happens_if_the_child_says_no() -> None:
    _assert_refused(
        "outcome_22",
        "If you miss it, you will go to court.",
        "This threatens court if the child says no or stops",
        "Nothing further happens about this offence",
        section="if_not",
    )
    for code, text in (
        ("outcome_22", "Skip it and you go to court."),
        ("outcome_22", "If you don't turn up the police will be told."),
        ("outcome_22", "Failure to attend will be reported to the police."),
        ("outcome_22", "Saying no will mean your case goes back to the police."),
        ("outcome_22", "Come every week or you will be arrested."),
        ("youth_caution", "You'll be prosecuted."),
        ("community_resolution", "If you say no, you will be punished."),
        ("youth_conditional_caution", "If you do not do them, nothing happens."),
        ("youth_conditional_caution", "If you do not do them, you will not go to court."),
        # Prosecution after conditions is for the police to decide: "may", never "will".
        ("youth_conditional_caution", "If you miss one, you will go to court."),
        ("youth_conditional_caution", "You do not go to court."),
        ("charge", "Nothing more will happen."),
        ("charge", "You will go to prison."),
    ):
        _assert_refused(code, text, section="if_not" if "if" in text.lower() else "meaning")
    for code, text in (
        ("youth_caution", "You do not go to court."),
        ("community_resolution", "The police dealt with it without a court."),
        ("outcome_22", "If you say no, nothing more will happen about this."),
        ("outcome_22", "If you stop, we will not tell the police."),
        ("youth_conditional_caution", "If you do not do them, you could be taken to court."),
        ("outcome_23", "If you do not do them, the police may prosecute you."),
        ("outcome_23", "If you do them, you will not go to court."),
        ("charge", "You will go to the youth court. The court will decide what happens."),
        ("outcome_22", "It is free of charge."),
        ("outcome_22", "You can play football on the basketball court."),
    ):
        _assert_allowed(code, text, "if_not" if text.lower().startswith("if") else "meaning")


def test_record_claims_are_held_against_the_catalogues_record_facts() -> None:
    _assert_refused(
        "community_resolution",
        "You now have a criminal record.",
        "a community resolution is not a criminal record",
    )
    _assert_refused("youth_caution", "A youth caution is a conviction.", "is not a conviction")
    # Whichever letter says it, a sentence about a named disposal is held against that one.
    _assert_refused("outcome_22", "A community resolution is a criminal record.", "community")
    _assert_refused("outcome_22", "Outcome 22 is a caution.", "Outcome 22 is not a caution")
    _assert_refused("youth_conditional_caution", "It is not a caution.", "is. The catalogue")
    _assert_refused("youth_caution", "This stays on your record forever.", "forever")
    _assert_refused("youth_caution", "Nobody will ever see it.", "nobody will see it")
    _assert_refused("community_resolution", "It will be wiped when you turn 18.", "wiped")
    _assert_refused("youth_caution", "It will show on every check for a job.", "every check")
    _assert_refused("youth_caution", "No check will show it.", "no check")
    _assert_refused("charge", "It is not a criminal record.", "only the youth court decides")
    for code, text in (
        ("community_resolution", "It is not a criminal record."),
        ("youth_caution", "It is not a conviction."),
        ("outcome_22", "It is not a caution or a conviction."),
        ("youth_caution", "A youth caution is a formal warning from the police."),
        ("youth_caution", "The police keep it on their computer. It is spent straight away."),
        ("youth_caution", "Most checks for jobs will not show it."),
        ("youth_caution", "It will not stay on your record forever."),
        ("outcome_22", "Ask your worker if a check for a job could show it."),
        ("charge", "The court will decide what goes on your record."),
        ("no_further_action", "You do not get a criminal record."),
    ):
        _assert_allowed(code, text)


def test_an_admission_is_refused_on_outcomes_that_need_none() -> None:
    for text in (
        "You admitted the offence, so you get support.",
        "You said you did it.",
        "Your child accepted responsibility.",
        "You owned up.",
    ):
        _assert_refused("outcome_22", text, "Outcome 22 needs no admission")
    _assert_refused("charge", "You admitted it.", "does not depend on an admission")
    _assert_refused("youth_caution", "You did not admit anything.", "only when the child admits")
    _assert_refused("outcome_22", "You committed the offence.", "no court has found them guilty")
    for code, text in (
        ("youth_caution", "You told the police you did it."),
        ("community_resolution", "Your child accepted they did it."),
        ("outcome_22", "You do not have to say you did it."),
        ("outcome_22", "No admission is needed."),
    ):
        _assert_allowed(code, text)


def test_hidden_characters_and_mixed_alphabets_are_refused_and_tricks_read_through() -> None:
    _assert_refused("outcome_22", "You must not br\u0435ach it.", "mixes letters", "Cyrillic")
    _assert_refused("outcome_22", "You must\u200b come.", "invisible character")
    _assert_refused("outcome_22", "It is com\u00adpulsory.", "invisible character")
    _assert_refused("outcome_22", "Taking part is \u202eyour choice.", "direction of the text")
    _assert_refused("outcome_22", "\u0441\u043e\u0443\u0440 is not it.", "Cyrillic letters")
    # NFKC (full-width letters), capitals, spacing and punctuation inside words are read through.
    for text in (
        "You \uff4d\uff55\uff53\uff54 come every week.",
        "YOU MUST COME EVERY WEEK.",
        "You m.u.s.t come every week.",
        "You\u00a0must   come every    week.",
        "It is n o t optional.",
        "u must come 2 every session",
    ):
        _assert_refused("outcome_22", text, "taking part is required")
    for text in (
        "If you miss it you will go to c0urt.",
        "Say no = court.",
        "If you say no \u2192 court.",
    ):
        _assert_refused("outcome_22", text, "court", section="if_not")
    # Letters of the alphabets of other languages are not refused for being foreign.
    _assert_allowed("outcome_22", "Mo\u017cesz powiedzie\u0107 nie. Dw\u0177 chi.")


def test_the_claims_of_a_sentence_carry_polarity_strength_and_condition() -> None:
    (claim,) = claims.read("If you do not do them, the police may take you to court.")
    assert (claim.kind, claim.positive, claim.possible) == (claims.Kind.COURT, True, True)
    assert claim.condition is claims.Condition.NOT_DOING
    (claim,) = claims.read("If you do them, you will not go to court.")
    assert (claim.positive, claim.possible, claim.condition) == (
        False,
        False,
        claims.Condition.DOING,
    )
    (claim,) = claims.read("You will go to court.", implied=claims.Condition.NOT_DOING)
    assert claim.condition is claims.Condition.NOT_DOING  # the "what if not" section says so
    kinds = {c.kind for c in claims.read("You cannot not come.")}
    assert kinds == {claims.Kind.OBLIGATION}
    said = claims.read("A youth caution is a conviction.")
    (claim,) = [c for c in said if c.kind is claims.Kind.CONVICTION]
    assert claim.about is disposals.get("youth_caution")
    assert claims.read("Is it your choice?") == []  # a question claims nothing


# --- The catalogue's own texts are true ----------------------------------------------------------


def test_every_catalogue_text_intervention_and_condition_is_true_of_its_disposal() -> None:
    for disposal in disposals.CATALOGUE:
        texts = disposals.letter_texts(disposal.code)
        for field in dataclasses.fields(texts):
            text = getattr(texts, field.name)
            section = "record" if field.name.endswith("_record") else _section(field.name)
            assert claims.text_findings(text, disposal, section) == [], (disposal.code, text)
        for intervention in interventions.CATALOGUE:
            for text in (intervention.plain_description, f"{intervention.name}."):
                assert claims.text_findings(text, disposal, "next") == [], text
        for condition, _ in conditions_for(disposal.code, local_today()):
            assert claims.text_findings(f"{condition}, by 3 May.", disposal, "choice") == []


@pytest.mark.parametrize(("code", "field", "text"), TRUE_EDITS, ids=lambda v: str(v)[:40])
def test_true_sentences_a_service_might_write_are_not_refused(
    code: str, field: str, text: str
) -> None:
    _assert_allowed(code, text, _section(field))


def test_the_conditional_if_not_must_say_the_child_could_go_to_court() -> None:
    assert claims.says_court_if_not_done(["If you do not do them, you could be prosecuted."])
    assert not claims.says_court_if_not_done(["If you do not do them, we talk with courtesy."])
    assert not claims.says_court_if_not_done(["If you do not do them, you will not go to court."])


# --- The hostile collection, through the letters ------------------------------------------------

CHILD_VARIANTS = (Variant.CHILD_YOUNGER, Variant.CHILD_OLDER, Variant.EASY_READ)
PARENT_VARIANTS = (Variant.PARENT, Variant.PARENT_EASY_READ)


def _decided(factory: Factory, code: str) -> Referral:
    child = child_details(date_of_birth=years_before(local_today(), 15) - dt.timedelta(days=30))
    return factory.referral_at(ReferralStatus.DECIDED, disposal=code, child=child)


def _letters(referral: Referral, wording: Wording, audience: str) -> list[Letter]:
    """The letters a text for this audience appears in: each age band and Easy Read."""
    child, parent, *_ = recipients(referral)
    meeting = FirstMeeting(local_today() + dt.timedelta(days=7), "4pm", "the youth centre")
    recipient, variants = (
        (child, CHILD_VARIANTS) if audience == "child" else (parent, PARENT_VARIANTS)
    )
    return [
        compose(
            referral,
            dataclasses.replace(recipient, variant=variant),
            wording,
            meeting=meeting,
            today=local_today(),
        )
        for variant in variants
    ]


@pytest.mark.parametrize("code", [d.code for d in disposals.CATALOGUE])
def test_no_hostile_edit_reaches_a_letter(factory: Factory, code: str) -> None:
    edits = [(field, text) for c, field, text in HOSTILE_EDITS if c == code]
    assert edits, f"the collection has no edit for {code}"
    referral = _decided(factory, code)
    assert referral.decision is not None
    chosen = tuple(referral.decision.interventions)
    escaped = []
    for field, text in edits:
        wording = apply("Northbrook", {"contact:phone": PHONE, f"disposal:{code}:{field}": text})
        for letter in _letters(referral, wording, field.split("_")[0]):
            problems = checks.check(letter, wording, chosen)
            if not any(p.check == "honesty" and p.section == _section(field) for p in problems):
                escaped.append(f"{field} ({letter.variant.label}): {text}")
    assert not escaped, "These reached a letter:\n" + "\n".join(escaped)


def test_the_collection_covers_every_disposal_and_audience() -> None:
    assert len(HOSTILE_EDITS) >= 40
    covered = {(code, field.split("_")[0]) for code, field, _ in HOSTILE_EDITS}
    for disposal in disposals.CATALOGUE:
        assert (disposal.code, "child") in covered, disposal.code
        assert (disposal.code, "parent") in covered, disposal.code


def test_checking_a_letters_claims_costs_a_few_milliseconds(factory: Factory) -> None:
    """Read afresh, a letter's 40 sentences cost well under a millisecond each on a quiet
    machine; letters repeat their sentences, so a batch reads most of them from memory."""
    referral = _decided(factory, "youth_conditional_caution")
    wording = apply("Northbrook", {"contact:phone": PHONE})
    (letter, *_) = _letters(referral, wording, "child")
    claims.warm_up()  # the pipeline loads once, on first use
    fresh, again = [], []
    for _ in range(7):
        claims.forget()
        started = time.perf_counter()
        assert checks.claim_problems(letter) == []
        fresh.append(time.perf_counter() - started)
        started = time.perf_counter()
        checks.claim_problems(letter)
        again.append(time.perf_counter() - started)
    # Generous bounds: the machine running the tests may be busy.
    assert statistics.median(fresh) < 0.2, fresh
    assert statistics.median(again) < 0.02, again


# --- The wording editor ----------------------------------------------------------------------


def test_the_wording_service_refuses_a_hostile_edit_saying_which_sentence_and_why(
    factory: Factory, session: Session
) -> None:
    admin = factory.cast(Role.ADMIN)
    service_id = factory.service().id
    with pytest.raises(InvalidInput) as raised:
        letter_wording.save_wording(
            session,
            admin,
            service_id=service_id,
            values={
                "disposal:community_resolution:child_meaning": "You now have a criminal record.",
                "disposal:youth_caution:parent_meaning": "A youth caution is a conviction.",
                "disposal:outcome_22:child_if_not": "If you miss it, you will go to court.",
            },
        )
    errors = raised.value.errors
    assert errors["disposal:community_resolution:child_meaning"].startswith(
        '"You now have a criminal record.": This says it is a criminal record'
    )
    assert "is not a conviction" in errors["disposal:youth_caution:parent_meaning"]
    assert "threatens court" in errors["disposal:outcome_22:child_if_not"]
    assert letter_wording.open_draft(session, service_id) is None  # nothing saved
    saved = letter_wording.save_wording(
        session,
        admin,
        service_id=service_id,
        values={"disposal:youth_caution:child_meaning": "You do not go to court. It is a warning."},
    )
    assert saved.changed == 1
    assert saved.draft is not None  # a draft, for a second person to approve


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("outcome_22__child_meaning", "It is not optional. Be there every week.", "is required"),
        ("community_resolution__child_meaning", "You now have a criminal record.", "not a crim"),
        ("youth_caution__parent_meaning", "A youth caution is a conviction.", "not a conviction"),
        ("outcome_22__child_if_not", "If you miss it it's br\u0435ach.", "mixes letters"),
        (
            "youth_conditional_caution__child_meaning",
            "The things are up to you. You can skip them.",
            "are conditions",
        ),
    ],
)
def test_the_wording_page_refuses_a_hostile_edit_with_the_reason_in_the_error_summary(
    app: Flask, factory: Factory, field: str, typed: str, said: str
) -> None:
    client = app.test_client()
    sign_in(client, factory.cast(Role.ADMIN))
    url = f"/admin/services/{factory.service().id}/letter-wording"
    response = client.post(url, data={f"disposal__{field}": typed, "reviewed": "y"})
    assert response.status_code == 400
    (summary,) = error_summary(response)
    assert summary[0] == f"#disposal__{field}"
    assert said in summary[1], summary
    page = client.get(url).get_data(as_text=True)
    assert typed not in page  # nothing was saved
