"""Letters on the police-alone path: when the police give an outcome alone and the YJS offers
voluntary support, the child and each parent get the same letters as after a panel: what the
police decided and what it means for the record, the support offered, that saying yes or no is
their choice and changes nothing about the police outcome, and whom to contact."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals
from oocd_panel.letters import checks
from oocd_panel.letters.compose import Variant
from oocd_panel.models import Letter, Referral, ReferralStatus, Role, Route
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput
from oocd_panel.services import letters
from tests.factories import Factory, child_details

S = ReferralStatus
ALONE = [d.code for d in disposals.police_alone()]


def _phone(factory: Factory) -> None:
    factory.approved_wording({"contact:phone": "01632 960 123"})


def _notified(factory: Factory, outcome: str, *, offer: bool = True, **child: object) -> Referral:
    extra = {"child": child_details(**child)} if child else {}
    referral = factory.referral(
        route=Route.NOTIFICATION, police_outcome=outcome, proposed_outcome=outcome, **extra
    )
    if offer:
        factory.act(referral, "offer_support", Role.PRACTITIONER)
    return referral


@pytest.mark.parametrize("outcome", ALONE)
@pytest.mark.parametrize("easy_read", [False, True])
def test_every_police_alone_outcome_gets_honest_letters_for_child_and_parent(
    factory: Factory, session: Session, outcome: str, easy_read: bool
) -> None:
    _phone(factory)
    referral = _notified(factory, outcome, needs_easy_read=easy_read)
    worker = factory.cast(Role.PRACTITIONER)
    _, found = letters.drafts(session, worker, referral.id, offered=("one_to_one", "mentoring"))
    assert len(found) == 2
    texts = disposals.letter_texts(outcome)
    for draft in found:
        assert draft.problems == [], [str(p) for p in draft.problems]
        letter = draft.letter
        child = letter.variant.for_child
        assert (letter.variant is Variant.EASY_READ) == (easy_read and child)
        said = " ".join(s for _, s in letter.sentences())
        plain_name = disposals.get(outcome).plain_name
        assert "The police dealt with it themselves" in said
        assert plain_name in said
        assert "Saying yes or no does not change what the police decided." in said
        assert ("your choice" if child else "their choice") in said
        record = letter.section("record")
        assert record is not None
        # Word for word (Easy Read puts each sentence on a line of its own).
        assert " ".join(record.lines) == (texts.child_record if child else texts.parent_record)
        assert "01632 960 123" in said
        assert "panel met" not in said  # no panel decided it
        next_ = letter.section("next")
        assert next_ is not None
        assert next_.items  # the support offered is listed


def test_without_the_support_offered_the_letter_says_what_to_choose(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    referral = _notified(factory, "community_resolution")
    _, found = letters.drafts(session, factory.cast(Role.PRACTITIONER), referral.id)
    messages = [p.message for d in found for p in d.problems]
    assert messages
    assert all("says what support is offered" in m for m in messages)


def test_letters_wait_for_the_offer_of_support(factory: Factory, session: Session) -> None:
    referral = _notified(factory, "no_further_action", offer=False)
    with pytest.raises(ActionNotAllowed, match="record that support was offered first"):
        letters.drafts(session, factory.cast(Role.PRACTITIONER), referral.id)


def test_a_police_alone_letter_is_issued_without_a_decision_and_kept(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    referral = _notified(factory, "outcome_22")
    worker = factory.cast(Role.PRACTITIONER)
    assert referral.id in letters.due_cases(session, factory.service().id)
    row = letters.issue(session, worker, referral.id, "child", offered=("sport_activities",))
    assert row.decision_id is None
    assert row.pdf.startswith(b"%PDF")
    assert "does not change what the police decided" in row.html
    assert "boxing, football or music" in row.html
    _, found = letters.drafts(session, worker, referral.id, offered=("sport_activities",))
    assert [i.id for i in found[0].issued] == [row.id]
    assert session.query(Letter).filter_by(referral_id=referral.id).count() == 1


def test_support_that_is_not_in_the_catalogue_or_on_a_decided_case_is_refused(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    worker = factory.cast(Role.PRACTITIONER)
    alone = _notified(factory, "community_resolution")
    with pytest.raises(InvalidInput) as error:
        letters.drafts(session, worker, alone.id, offered=("made_up",))
    assert "offered" in error.value.errors
    decided = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    with pytest.raises(InvalidInput) as error:
        letters.drafts(session, worker, decided.id, offered=("mentoring",))
    assert "cannot be changed here" in error.value.errors["offered"]


def test_a_hostile_override_still_fails_on_the_police_alone_path(
    factory: Factory, session: Session
) -> None:
    """The choice is the family's whatever the police outcome: a letter saying it is compulsory
    is refused even where the outcome itself has no work (no further action)."""
    _phone(factory)
    referral = _notified(factory, "no_further_action")
    _, found = letters.drafts(
        session, factory.cast(Role.PRACTITIONER), referral.id, offered=("mentoring",)
    )
    letter = found[0].letter
    section = letter.section("meaning")
    assert section is not None
    section.lines = ["You must come to every session."]
    problems = checks.check(letter, found[0].wording, ("mentoring",))
    assert any(p.check == "honesty" for p in problems), problems
