"""Every disposal x letter type x age band renders and passes the checks; bad wording is caught."""

from __future__ import annotations

import dataclasses
import datetime as dt
from html import unescape

import pytest
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals
from oocd_panel.letters import checks, render
from oocd_panel.letters.compose import FirstMeeting, Letter, Variant, compose, recipients
from oocd_panel.letters.wording import Wording, apply
from oocd_panel.models import Referral, ReferralStatus
from oocd_panel.plumbing.clock import local_today, years_before
from tests.factories import Factory, child_details

S = ReferralStatus
PHONE = "01632 960 123"
WORDING = apply(
    "Northbrook", {"contact:phone": PHONE, "contact:email": "youth.justice@northbrook.example"}
)


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


# Letter types, each at both age bands: the child's own letter (worded for 10-13 or 14-17), the
# child's Easy Read letter, and a parent's or carer's letter (standard and Easy Read).
TYPES = ("child", "easy_read", "parent", "parent_easy_read")
CASES = [(d.code, t, age) for d in disposals.CATALOGUE for t in TYPES for age in (12, 16)]


@pytest.mark.parametrize(
    ("disposal", "kind", "age"), CASES, ids=[f"{d}-{t}-{a}" for d, t, a in CASES]
)
def test_every_disposal_letter_type_and_age_band_passes_every_check(
    factory: Factory, session: Session, disposal: str, kind: str, age: int
) -> None:
    referral = _decided(factory, disposal, age, easy_read=kind == "easy_read")
    if kind == "parent_easy_read":
        referral.child.contacts[0].needs_easy_read = True
        session.commit()
    variant = {
        "child": Variant.CHILD_YOUNGER if age < 14 else Variant.CHILD_OLDER,
        "easy_read": Variant.EASY_READ,
        "parent": Variant.PARENT,
        "parent_easy_read": Variant.PARENT_EASY_READ,
    }[kind]
    letter = _letter(referral, variant)
    problems = checks.check(letter, WORDING, _interventions(referral))
    assert problems == [], "\n".join(str(p) for p in problems)
    # Every letter says these, whatever the outcome.
    for key in ("what_happened", "decision", "meaning", "choice", "if_not", "record", "next"):
        section = letter.section(key)
        assert section is not None
        assert section.lines, key
    assert PHONE in " ".join(letter.section("contact").lines)  # type: ignore[union-attr]
    record = disposals.LETTER_TEXTS[disposal]
    expected = record.child_record if variant.for_child else record.parent_record
    assert " ".join(letter.section("record").lines) == expected  # type: ignore[union-attr]
    html = unescape(render.to_html(letter, "Northbrook"))
    assert expected.split(". ")[0] in html
    assert ("app-letter--easy-read" in html) is variant.easy_read


@pytest.mark.parametrize("variant", list(Variant), ids=str)
def test_each_kind_of_letter_makes_a_tagged_pdf_without_a_first_meeting(
    factory: Factory, variant: Variant
) -> None:
    referral = _decided(factory, "youth_caution", 12 if variant is Variant.CHILD_YOUNGER else 16)
    if variant is Variant.EASY_READ:
        referral.child.needs_easy_read = True
    if variant is Variant.PARENT_EASY_READ:
        referral.child.contacts[0].needs_easy_read = True
    factory.session.commit()
    recipient = next(r for r in recipients(referral) if r.variant is variant)
    letter = compose(referral, recipient, WORDING, meeting=None, today=local_today())
    assert checks.check(letter, WORDING, _interventions(referral)) == []
    assert "will get in touch to set up a first meeting" in " ".join(
        letter.section("next").lines  # type: ignore[union-attr]
    )
    pdf = render.to_pdf(render.to_html(letter, "Northbrook"))
    assert pdf.startswith(b"%PDF")


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


def test_the_offences_own_name_is_not_read_as_a_threat(factory: Factory) -> None:
    """A parent's letter names the offence ("breach of statutory order"): the word checks and
    the claims read what the letter promises, not the name the police recorded."""
    from oocd_panel.rules.referral_rules import OffenceDetails

    referral = factory.referral_at(
        S.DECIDED,
        disposal="youth_caution",
        offences=[OffenceDetails("breach", "Did not keep to an order.", 2)],
    )
    letter = _letter(referral, Variant.PARENT)
    assert "breach of statutory order" in " ".join(s for _, s in letter.sentences())
    assert checks.check(letter, WORDING, _interventions(referral)) == []
