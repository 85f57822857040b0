"""Every disposal x letter type x age band renders and passes the checks; bad wording is caught."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy.orm import Session

from oocd_panel import disposals
from oocd_panel.clock import local_today, years_before
from oocd_panel.letters import checks
from oocd_panel.letters.compose import FirstMeeting, Letter, Variant, compose, recipients
from oocd_panel.letters.wording import Wording, apply
from oocd_panel.models import Referral, ReferralStatus
from tests.factories import Factory, child_details

S = ReferralStatus
PHONE = "01632 960 123"
WORDING = apply(
    "Northbrook", {"contact:phone": PHONE, "contact:email": "youth.justice@northbrook.example"}
)
AGES = {Variant.CHILD_YOUNGER: 12, Variant.CHILD_OLDER: 16, Variant.EASY_READ: 11}


def _decided(factory: Factory, disposal: str, age: int, easy_read: bool = False) -> Referral:
    child = child_details(
        date_of_birth=years_before(local_today(), age) - dt.timedelta(days=30),
        needs_easy_read=easy_read,
    )
    referral = factory.referral_at(S.DECIDED, disposal=disposal, child=child)
    assert referral.assessment is not None
    section = referral.assessment.section("circumstances")
    assert section is not None
    section.answers = {**section.answers, "easy_read": "no"}
    factory.session.commit()
    return referral


def _letter(referral: Referral, variant: Variant, wording: Wording = WORDING) -> Letter:
    recipient = next(r for r in recipients(referral) if r.variant is variant)
    meeting = FirstMeeting(local_today() + dt.timedelta(days=7), "4pm", "the youth centre")
    return compose(referral, recipient, wording, meeting=meeting, today=local_today())


def _interventions(referral: Referral) -> tuple[str, ...]:
    assert referral.decision is not None
    return tuple(referral.decision.interventions)


CASES = [
    (d.code, v)
    for d in disposals.CATALOGUE
    for v in (Variant.CHILD_YOUNGER, Variant.CHILD_OLDER, Variant.EASY_READ, Variant.PARENT)
]


@pytest.mark.parametrize(("disposal", "variant"), CASES, ids=[f"{d}-{v}" for d, v in CASES])
def test_every_letter_variant_passes_every_check(
    factory: Factory, session: Session, disposal: str, variant: Variant
) -> None:
    age = AGES.get(variant, 15)
    referral = _decided(factory, disposal, age, easy_read=variant is Variant.EASY_READ)
    letter = _letter(referral, variant)
    problems = checks.check(letter, WORDING, _interventions(referral))
    assert problems == [], "\n".join(str(p) for p in problems)


def _problems(letter: Letter, wording: Wording, interventions: tuple[str, ...]) -> list[str]:
    return [str(p) for p in checks.check(letter, wording, interventions)]


def test_a_misleading_text_for_voluntary_work_is_caught_naming_the_sentence(
    factory: Factory,
) -> None:
    referral = _decided(factory, "youth_caution", 15)
    bad = apply(
        "Northbrook",
        {
            "contact:phone": PHONE,
            "disposal:youth_caution:child_if_not": "You must go to every session or the police "
            "will be told.",
        },
    )
    problems = _problems(_letter(referral, Variant.CHILD_OLDER, bad), bad, ("one_to_one",))
    assert any(
        p.startswith('"must" makes voluntary work sound compulsory')
        and "You must go to every session" in p
        for p in problems
    ), problems


def test_a_voluntary_letter_that_hides_the_choice_is_caught(factory: Factory) -> None:
    referral = _decided(factory, "community_resolution", 15)
    letter = _letter(referral, Variant.CHILD_OLDER)
    choice = letter.section("choice")
    assert choice is not None
    choice.lines = ["We will see you every week."]
    problems = _problems(letter, WORDING, ("one_to_one",))
    assert any("must say plainly that taking part is your choice" in p for p in problems)


def test_a_hard_to_read_text_is_caught_naming_the_hardest_sentences(factory: Factory) -> None:
    referral = _decided(factory, "youth_caution", 12)
    hard = "Notwithstanding administrative considerations, organisational documentation "
    hard += "necessitates comprehensive institutional recordkeeping indefinitely."
    meaning = " ".join([hard, hard.replace("indefinitely", "perpetually"), hard.lower()])
    bad = apply(
        "Northbrook", {"contact:phone": PHONE, "disposal:youth_caution:child_meaning": meaning}
    )
    problems = _problems(_letter(referral, Variant.CHILD_YOUNGER, bad), bad, ("one_to_one",))
    assert any(p.startswith("The letter reads at grade") and hard in p for p in problems)


def test_a_conditional_letter_must_say_what_happens_if_conditions_are_not_done(
    factory: Factory,
) -> None:
    referral = _decided(factory, "youth_conditional_caution", 15)
    letter = _letter(referral, Variant.PARENT)
    if_not = letter.section("if_not")
    assert if_not is not None
    if_not.lines = ["We hope it goes well."]
    problems = _problems(letter, WORDING, ("one_to_one",))
    assert any("say what happens if they are not done" in p for p in problems)
    choice = letter.section("choice")
    assert choice is not None
    assert any("by " in item for item in choice.items)  # each condition with its date


def test_the_record_must_be_the_catalogues_text(factory: Factory) -> None:
    referral = _decided(factory, "youth_caution", 15)
    letter = _letter(referral, Variant.CHILD_OLDER)
    record = letter.section("record")
    assert record is not None
    record.lines = ["Nothing goes on your record."]
    problems = _problems(letter, WORDING, ("one_to_one",))
    assert any("must be the catalogue's text" in p for p in problems)


def test_jargon_no_phone_no_address_and_missing_interventions_are_caught(
    factory: Factory, session: Session
) -> None:
    referral = _decided(factory, "outcome_22", 15)
    referral.child.address_line_1 = " "
    referral.child.town = ""
    referral.child.postcode = ""
    session.commit()
    jargon = apply(
        "Northbrook",
        {"disposal:outcome_22:child_meaning": "This is an OOCD. You can get help instead."},
    )
    problems = _problems(_letter(referral, Variant.CHILD_OLDER, jargon), jargon, ())
    assert any(p.startswith('"OOCD" is jargon') for p in problems)
    assert any("no postal address" in p for p in problems)
    assert any("gives no phone number" in p for p in problems)
    assert any("records none" in p for p in problems)


def test_an_explained_term_may_appear_with_its_explanation() -> None:
    wording = apply("Northbrook", {"words:jargon": "DBS = a check an employer can ask for"})
    assert wording.jargon == {"DBS": "a check an employer can ask for"}
    assert dataclasses.replace(wording, phone=PHONE).version != wording.version


def test_easy_read_is_chosen_from_the_assessment_and_keeps_sentences_short(
    factory: Factory, session: Session
) -> None:
    referral = _decided(factory, "youth_caution", 15)
    assert recipients(referral)[0].variant is Variant.CHILD_OLDER
    assert referral.assessment is not None
    section = referral.assessment.section("circumstances")
    assert section is not None
    section.answers = {**section.answers, "easy_read": "yes"}
    session.commit()
    child, parent = recipients(referral)
    assert child.variant is Variant.EASY_READ
    assert parent.variant is Variant.PARENT
    letter = _letter(referral, Variant.EASY_READ)
    for section_ in letter.sections:
        for line in section_.lines:
            assert line.count(". ") == 0, line  # one idea, one sentence, per line
