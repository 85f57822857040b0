"""Issuing letters: only when every check passes, stored with its fingerprint, never changed."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from oocd_panel.letters.compose import TEMPLATE_VERSION
from oocd_panel.models import Letter, LetterImmutable, ReferralStatus, Role
from oocd_panel.plumbing.clock import local_today
from oocd_panel.plumbing.errors import ActionNotAllowed, EditedMeanwhile, InvalidInput, NotFound
from oocd_panel.services import letter_wording, letters
from tests.factories import Factory

S = ReferralStatus


def _phone(factory: Factory) -> None:
    factory.approved_wording({"contact:phone": "01632 960 123"})


def test_a_letter_is_issued_as_a_pdf_with_its_fingerprint_and_versions(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    worker = factory.cast(Role.PRACTITIONER)
    _, found = letters.drafts(session, worker, referral.id)
    assert [d.recipient.key for d in found] == ["child", f"contact-{referral.child.contacts[0].id}"]
    assert all(d.problems == [] for d in found), [d.problems for d in found]
    row = letters.issue(session, worker, referral.id, "child")
    assert row.pdf.startswith(b"%PDF")
    assert row.sha256 == hashlib.sha256(row.pdf).hexdigest()
    assert row.template_version == TEMPLATE_VERSION
    assert len(row.catalogue_version) == 16
    assert row.number == 1
    assert "Taking part is your choice." in row.html
    again = letters.issue(session, worker, referral.id, "child")
    assert again.number == 2  # re-issuing makes a new version; the first is kept
    assert session.get(Letter, row.id) is not None


def test_an_issued_letter_cannot_be_altered_or_deleted(factory: Factory, session: Session) -> None:
    _phone(factory)
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="community_resolution")
    row = letters.issue(session, factory.cast(Role.PRACTITIONER), referral.id, "child")
    row.html = "<p>Something else</p>"
    with pytest.raises(LetterImmutable):
        session.commit()
    session.rollback()
    # Below the ORM too: the database itself refuses.
    with pytest.raises(DatabaseError):
        session.execute(update(Letter).where(Letter.id == row.id).values(html="changed"))
    session.rollback()
    with pytest.raises(DatabaseError):
        session.execute(text("DELETE FROM letter WHERE id = :id"), {"id": row.id})
    session.rollback()
    assert session.get(Letter, row.id).html != "changed"  # type: ignore[union-attr]


def test_a_letter_that_fails_its_checks_is_not_issued(factory: Factory, session: Session) -> None:
    referral = factory.referral_at(
        S.OUTCOME_DELIVERED, disposal="youth_caution"
    )  # no phone number yet
    worker = factory.cast(Role.PRACTITIONER)
    with pytest.raises(letters.LetterProblems) as raised:
        letters.issue(session, worker, referral.id, "child")
    assert any("phone number" in p.message for p in raised.value.problems)
    assert session.query(Letter).count() == 0


def test_letters_follow_a_decision_and_are_for_yjs_staff(
    factory: Factory, session: Session
) -> None:
    undecided = factory.referral_at(S.AT_PANEL)
    with pytest.raises(ActionNotAllowed, match="no decision yet"):
        letters.drafts(session, factory.cast(Role.PRACTITIONER), undecided.id)
    decided = factory.referral_at(S.DECIDED)
    with pytest.raises(ActionNotAllowed, match="YJS practitioners and managers"):
        letters.drafts(session, factory.cast(Role.POLICE_OFFICER), decided.id)


def test_a_first_meeting_in_the_past_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        letters.check_meeting(None, "4pm", "", local_today())
    assert raised.value.errors == {"meeting_on": "Enter the date of the first meeting"}
    with pytest.raises(InvalidInput):
        letters.check_meeting(local_today().replace(year=2020), "", "", local_today())
    assert letters.check_meeting(local_today(), " 4pm ", "", local_today()).time == "4pm"


def test_an_override_that_would_break_a_check_is_refused_and_nothing_saved(
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
                "contact:phone": "01632 960 123",
                "disposal:youth_caution:child_if_not": "You must come to every session.",
                "disposal:outcome_22:parent_meaning": "This is an OOCD under Outcome 22.",
            },
        )
    assert (
        "makes voluntary work sound compulsory"
        in raised.value.errors["disposal:youth_caution:child_if_not"]
    )
    assert "jargon" in raised.value.errors["disposal:outcome_22:parent_meaning"]
    assert letter_wording.open_draft(session, service_id) is None
    saved = letter_wording.save_wording(
        session,
        admin,
        service_id=service_id,
        values={"disposal:youth_caution:child_if_not": "If you say no, that is fine."},
    )
    assert saved.changed == 1
    assert saved.draft is not None
    assert saved.draft.drafted_by_id == admin.id


def test_the_batch_issues_every_due_letter_and_holds_the_ones_that_fail(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    good = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    bad = factory.referral_at(S.OUTCOME_DELIVERED, disposal="community_resolution")
    bad.child.address_line_1 = ""
    bad.child.town = ""
    bad.child.postcode = ""
    session.commit()
    ticks: list[int] = []
    result = letters.issue_due(
        session, factory.cast(Role.MANAGER), factory.service().id, progress=ticks.append
    )
    assert result.issued == 2  # the child and the parent of the good case
    assert [ref for ref, _ in result.held] == [bad.police_reference] * 2
    assert "no postal address" in result.held[0][1]
    assert len(ticks) == 2
    assert {r.referral_id for r in session.query(Letter)} == {good.id}


def test_letters_wait_for_the_police_to_give_the_outcome_and_never_follow_a_refusal(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    worker = factory.cast(Role.PRACTITIONER)
    waiting = factory.referral_at(S.DECIDED, disposal="youth_caution")
    with pytest.raises(ActionNotAllowed, match="have not recorded it yet"):
        letters.issue(session, worker, waiting.id, "child")
    refused = factory.referral_at(S.RETURNED_TO_POLICE)
    with pytest.raises(ActionNotAllowed, match="went back to the police"):
        letters.drafts(session, worker, refused.id)
    # Outcomes the police do not deliver (no further action, charge) have letters at once.
    nfa = factory.referral_at(S.DECIDED, disposal="no_further_action")
    row = letters.issue(session, worker, nfa.id, "child")
    assert "Nothing more will happen." in row.html
    # The batch leaves the waiting case alone, and the refused one.
    result = letters.issue_due(session, worker, factory.service().id)
    assert result.held == []
    assert {r.referral_id for r in session.query(Letter)} == {nfa.id}


def test_a_letter_previewed_with_wording_since_changed_is_not_issued(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    worker = factory.cast(Role.PRACTITIONER)
    seen = letters.wording_version(session, referral)
    factory.approved_wording(
        {"disposal:youth_caution:child_meaning": "It is a warning. You do not go to court."}
    )
    with pytest.raises(letters.WordingChanged):
        letters.issue(session, worker, referral.id, "child", previewed=seen)
    assert session.query(Letter).count() == 0
    letters.issue(
        session, worker, referral.id, "child", previewed=letters.wording_version(session, referral)
    )


def test_a_second_batch_issues_only_what_is_still_due(factory: Factory, session: Session) -> None:
    _phone(factory)
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    manager = factory.cast(Role.MANAGER)
    letters.issue(session, manager, referral.id, "child")
    first = letters.issue_due(session, manager, factory.service().id)
    assert first.issued == 1  # the parent's letter; the child's was issued by hand
    again = letters.issue_due(session, manager, factory.service().id)
    assert again.issued == 0
    assert session.query(Letter).count() == 2


def test_another_services_letters_are_out_of_reach(factory: Factory, session: Session) -> None:
    _phone(factory)
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    row = letters.issue(session, factory.cast(Role.PRACTITIONER), referral.id, "child")
    stranger = factory.user(Role.PRACTITIONER, services=[factory.service("elsewhere")])
    with pytest.raises(NotFound):
        letters.issued_letter(session, stranger, row.id)
    with pytest.raises(NotFound):
        letters.drafts(session, stranger, referral.id)


def test_overrides_cannot_change_the_record_or_hide_a_consequence(
    factory: Factory, session: Session
) -> None:
    """Record texts are the catalogue's, whatever a service saves; consequences stay honest."""
    admin = factory.cast(Role.ADMIN)
    service_id = factory.service().id
    saved = letter_wording.save_wording(
        session,
        admin,
        service_id=service_id,
        values={"disposal:youth_caution:child_record": "Nothing goes on your record."},
    )  # not an editable text: ignored
    assert saved.changed == 0
    assert letter_wording.open_draft(session, service_id) is None
    with pytest.raises(InvalidInput) as raised:
        letter_wording.save_wording(
            session,
            admin,
            service_id=service_id,
            values={
                "disposal:youth_conditional_caution:child_if_not": "If you do not do them, "
                "nothing happens.",
                "disposal:youth_caution:child_if_not": "If you say no, you go to court.",
            },
        )
    assert set(raised.value.errors) == {
        "disposal:youth_conditional_caution:child_if_not",
        "disposal:youth_caution:child_if_not",
    }


def test_a_service_adds_to_the_word_lists_but_cannot_remove_the_national_words(
    factory: Factory, session: Session
) -> None:
    admin = factory.cast(Role.ADMIN)
    with pytest.raises(InvalidInput) as raised:
        letter_wording.save_wording(
            session,
            admin,
            service_id=factory.service().id,
            values={"words:compulsory": "must"},
        )
    assert "Keep the words every letter is checked for" in raised.value.errors["words:compulsory"]
    current = letter_wording.current_values(session, factory.service())["words:compulsory"]
    assert (
        letter_wording.save_wording(
            session,
            admin,
            service_id=factory.service().id,
            values={"words:compulsory": current + "\nshall"},
        ).changed
        == 1
    )


def test_wording_saved_from_a_page_shown_before_a_version_was_approved_changes_nothing(
    factory: Factory, session: Session
) -> None:
    service = factory.service()
    other = factory.user(Role.ADMIN)
    seen = letter_wording.version(session, service)
    factory.approved_wording({"contact:phone": "01632 960 123"})
    with pytest.raises(EditedMeanwhile, match="Someone else changed the letter wording"):
        letter_wording.save_wording(
            session,
            other,
            service_id=service.id,
            values={"contact:phone": "01632 960 999"},
            seen=seen,
        )
    assert letter_wording.current_values(session, service)["contact:phone"] == "01632 960 123"
    assert letter_wording.open_draft(session, service.id) is None
