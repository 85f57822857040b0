"""A second pair of eyes on letter wording: a change is a draft until someone other than its
author approves it; approved changes are numbered versions, restorable; letters record the
version they used, and never use a draft."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from oocd_panel.letters.changes import touched, word_diff
from oocd_panel.letters.compose import Variant
from oocd_panel.letters.wording import approved_version
from oocd_panel.models import AuditEntry, Letter, ReferralStatus, Role, User, WordingStatus
from oocd_panel.plumbing.errors import ActionNotAllowed, EditedMeanwhile, InvalidInput
from oocd_panel.services import letter_wording, letters, wording_approval
from tests.factories import Factory

S = ReferralStatus
PHONE = {"contact:phone": "01632 960 123"}
WARNING = "It is a warning from the police. You do not go to court."
CHILD_MEANING = "disposal:youth_caution:child_meaning"


def _draft(factory: Factory, values: dict[str, str], admin: Role = Role.ADMIN) -> int:
    saved = letter_wording.save_wording(
        factory.session, factory.cast(admin), service_id=factory.service().id, values=values
    )
    assert saved.draft is not None
    return saved.draft.id


def _approve(factory: Factory, approver: User) -> int:
    service = factory.service()
    draft = letter_wording.open_draft(factory.session, service.id)
    assert draft is not None
    version = wording_approval.approve(
        factory.session,
        approver,
        service_id=service.id,
        draft_id=draft.id,
        revision=draft.revision,
    )
    assert version.number is not None
    return version.number


def _trail(session: Session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(
                AuditEntry.record_type == "letter_wording", AuditEntry.action == action
            )
        )
    )


def test_a_change_is_a_draft_until_a_manager_approves_it(
    factory: Factory, session: Session
) -> None:
    service = factory.service()
    factory.approved_wording(PHONE)
    assert letter_wording.current_values(session, service)["contact:phone"] == "01632 960 123"
    _draft(factory, {CHILD_MEANING: WARNING})
    # Still a draft: letters and the page's "in use" wording are version 1.
    assert letter_wording.current_values(session, service)[CHILD_MEANING] != WARNING
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    _, (child, _parent) = letters.drafts(session, factory.cast(Role.PRACTITIONER), referral.id)
    assert child.wording.number == 1
    assert WARNING not in " ".join(line for s in child.letter.sections for line in s.lines)

    number = _approve(factory, factory.cast(Role.MANAGER))
    assert number == 2
    version = approved_version(session, service.id)
    assert version is not None
    assert version.drafted_by_id == factory.cast(Role.ADMIN).id
    assert version.decided_by_id == factory.cast(Role.MANAGER).id
    assert version.changed == [CHILD_MEANING]
    assert version.base_number == 1
    assert letter_wording.current_values(session, service)[CHILD_MEANING] == WARNING
    assert [e.details["draft"] for e in _trail(session, "draft")][-1] == version.id
    assert _trail(session, "approve")[-1].details["version"] == 2


def test_another_administrator_may_approve_but_never_the_author(
    factory: Factory, session: Session
) -> None:
    factory.approved_wording(PHONE)
    _draft(factory, {CHILD_MEANING: WARNING})
    with pytest.raises(ActionNotAllowed, match="someone else must approve it"):
        _approve(factory, factory.cast(Role.ADMIN))
    review = wording_approval.review(session, factory.cast(Role.ADMIN), factory.service().id)
    assert review.why_not is not None
    assert not review.may_reject
    # Nor may anyone outside the service, or without the role.
    stranger = factory.user(Role.MANAGER, services=[factory.service("elsewhere")])
    with pytest.raises(Exception, match="no such service"):
        _approve(factory, stranger)
    with pytest.raises(ActionNotAllowed, match="administrators and managers"):
        _approve(factory, factory.cast(Role.PRACTITIONER))
    assert _approve(factory, factory.user(Role.ADMIN)) == 2


def test_a_draft_whose_letters_fail_their_checks_cannot_be_approved(
    factory: Factory, session: Session
) -> None:
    """Saying "say no" in a list of compulsory words is accepted as a list, but every letter about
    voluntary work tells the child "You can say no.": those letters would fail."""
    factory.approved_wording(PHONE)
    words = letter_wording.current_values(session, factory.service())["words:compulsory"]
    _draft(factory, {"words:compulsory": words + "\nsay no"})
    manager = factory.cast(Role.MANAGER)
    review = wording_approval.review(session, manager, factory.service().id)
    failing = {(c.disposal.code, c.variant) for c in review.letters.failing}
    assert ("youth_caution", Variant.CHILD_YOUNGER) in failing
    assert ("youth_conditional_caution", Variant.CHILD_YOUNGER) not in failing  # no choice
    assert review.why_not is not None
    assert "cannot be approved" in review.why_not
    assert review.may_reject
    with pytest.raises(ActionNotAllowed, match="fail their checks"):
        _approve(factory, manager)
    assert letter_wording.open_draft(session, factory.service().id) is not None
    assert (
        "say no"
        not in letter_wording.current_values(session, factory.service())["words:compulsory"]
    )


def test_taking_the_phone_number_away_fails_every_letter(
    factory: Factory, session: Session
) -> None:
    factory.approved_wording(PHONE)
    _draft(factory, {"contact:phone": ""})
    review = wording_approval.review(session, factory.cast(Role.MANAGER), factory.service().id)
    every = len(touched(["contact:phone"]))
    assert every > 35  # each outcome and reader, and the letters after the police alone
    assert review.letters.checked == len(review.letters.failing) == every
    assert all(
        any("no phone number" in p.message for p in c.problems) for c in review.letters.failing
    )


def test_the_approver_sees_each_letter_the_change_touches_before_and_after(
    factory: Factory, session: Session
) -> None:
    factory.approved_wording(PHONE)
    _draft(factory, {CHILD_MEANING: WARNING})
    review = wording_approval.review(session, factory.cast(Role.MANAGER), factory.service().id)
    # A child's text: the three letters children read about a youth caution, and no others.
    readers = [Variant.CHILD_YOUNGER, Variant.CHILD_OLDER, Variant.EASY_READ]
    assert [(c.disposal.code, c.variant, c.police_alone) for c in review.letters.letters] == [
        ("youth_caution", v, False) for v in readers
    ]
    assert review.letters.checked == 3
    assert all(c.passes for c in review.letters.letters)
    (meaning,) = review.letters.letters[0].changed_sections
    added = "".join(s.text for s in meaning.segments if s.kind == "added")
    removed = "".join(s.text for s in meaning.segments if s.kind == "removed")
    assert added == "It"
    assert "formal" in removed
    assert "You told the police you did it." in removed
    after = "".join(s.text for s in meaning.segments if s.kind != "removed")
    assert WARNING in after
    (text,) = review.texts
    assert text.label.endswith(": What it means (to the child)")
    assert review.next_number == 2


def test_an_outcome_the_police_may_give_alone_has_its_police_alone_letters_reviewed_too() -> None:
    """A community resolution's letters after a panel and after the police gave it alone both
    read its meaning: a change to a parent's text touches both."""
    kinds = touched(["disposal:community_resolution:parent_meaning"])
    assert [(d.code, v, alone) for d, v, alone in kinds] == [
        ("community_resolution", v, alone)
        for alone in (False, True)
        for v in (Variant.PARENT, Variant.PARENT_EASY_READ)
    ]


def test_word_diff_marks_words_removed_and_added() -> None:
    segments = word_diff("You can say no.", "You can always say no.")
    assert [(s.kind, s.text) for s in segments] == [
        ("same", "You can "),
        ("added", "always "),
        ("same", "say no."),
    ]


def test_a_second_administrator_cannot_start_a_draft_while_one_waits(
    factory: Factory, session: Session
) -> None:
    _draft(factory, PHONE)
    other = factory.user(Role.ADMIN)
    with pytest.raises(ActionNotAllowed, match="awaiting approval"):
        letter_wording.save_wording(
            session, other, service_id=factory.service().id, values={"contact:email": "a@b.org"}
        )
    # The author's second save updates the same draft.
    first = letter_wording.open_draft(session, factory.service().id)
    assert first is not None
    revision = first.revision
    saved = letter_wording.save_wording(
        session,
        factory.cast(Role.ADMIN),
        service_id=factory.service().id,
        values={"contact:email": "yjs@example.org"},
    )
    assert saved.draft is not None
    assert saved.draft.id == first.id
    assert saved.draft.revision == revision + 1
    assert saved.differs == 2


def test_an_approval_of_a_draft_changed_since_it_was_read_is_refused(
    factory: Factory, session: Session
) -> None:
    draft_id = _draft(factory, PHONE)
    draft = letter_wording.open_draft(session, factory.service().id)
    assert draft is not None
    seen = draft.revision
    _draft(factory, {"contact:email": "yjs@example.org"})  # the author changes it meanwhile
    with pytest.raises(wording_approval.DraftChanged):
        wording_approval.approve(
            session,
            factory.cast(Role.MANAGER),
            service_id=factory.service().id,
            draft_id=draft_id,
            revision=seen,
        )
    assert approved_version(session, factory.service().id) is None


def test_a_draft_is_rejected_with_a_reason_or_withdrawn_by_its_author(
    factory: Factory, session: Session
) -> None:
    service = factory.service()
    draft_id = _draft(factory, PHONE)
    manager = factory.cast(Role.MANAGER)
    draft = letter_wording.open_draft(session, service.id)
    assert draft is not None
    with pytest.raises(InvalidInput) as raised:
        wording_approval.reject(
            session, manager, service_id=service.id, draft_id=draft_id, revision=draft.revision,
            reason="  ",
        )  # fmt: skip
    assert raised.value.errors == {"comment": "Say why you are rejecting the draft"}
    rejected = wording_approval.reject(
        session,
        manager,
        service_id=service.id,
        draft_id=draft_id,
        revision=draft.revision,
        reason="That is not our number.",
    )
    assert rejected.status is WordingStatus.REJECTED
    assert rejected.number is None
    assert letter_wording.current_values(session, service)["contact:phone"] == ""
    assert _trail(session, "reject")[-1].details["reason"] == "That is not our number."
    assert wording_approval.closed_drafts(session, service) == [rejected]

    second = _draft(factory, PHONE)
    with pytest.raises(ActionNotAllowed, match="Only its author"):
        wording_approval.withdraw(session, manager, service_id=service.id, draft_id=second)
    withdrawn = wording_approval.withdraw(
        session, factory.cast(Role.ADMIN), service_id=service.id, draft_id=second
    )
    assert withdrawn.status is WordingStatus.WITHDRAWN
    assert letter_wording.open_draft(session, service.id) is None
    assert _trail(session, "withdraw")


def test_a_version_is_restored_as_a_draft_that_needs_approval(
    factory: Factory, session: Session
) -> None:
    service = factory.service()
    factory.approved_wording(PHONE)
    factory.approved_wording({CHILD_MEANING: WARNING})
    admin = factory.cast(Role.ADMIN)
    with pytest.raises(ActionNotAllowed, match="letters use now"):
        letter_wording.restore(session, admin, service_id=service.id, number=2)
    saved = letter_wording.restore(session, admin, service_id=service.id, number=1)
    assert saved.draft is not None
    assert saved.draft.restores_number == 1
    assert saved.draft.changed == [CHILD_MEANING]
    assert letter_wording.current_values(session, service)[CHILD_MEANING] == WARNING
    assert _trail(session, "restore")[-1].details["restores"] == 1
    assert _approve(factory, factory.cast(Role.MANAGER)) == 3
    assert letter_wording.current_values(session, service)[CHILD_MEANING] != WARNING
    numbers = [v.number for v in wording_approval.versions(session, service)]
    assert numbers == [3, 2, 1]


def test_saving_a_draft_back_to_the_approved_wording_withdraws_it(
    factory: Factory, session: Session
) -> None:
    factory.approved_wording(PHONE)
    _draft(factory, {"contact:phone": "01632 960 999"})
    saved = letter_wording.save_wording(
        session, factory.cast(Role.ADMIN), service_id=factory.service().id, values=PHONE
    )
    assert saved.draft is None
    assert letter_wording.open_draft(session, factory.service().id) is None


def test_a_page_shown_before_the_draft_changed_saves_nothing(
    factory: Factory, session: Session
) -> None:
    service = factory.service()
    admin = factory.cast(Role.ADMIN)
    seen = letter_wording.version(session, service)
    _draft(factory, PHONE)
    with pytest.raises(EditedMeanwhile):
        letter_wording.save_wording(
            session, admin, service_id=service.id, values={"contact:email": "a@b.org"}, seen=seen
        )


def test_an_issued_letter_records_the_wording_version_it_used(
    factory: Factory, session: Session
) -> None:
    factory.approved_wording(PHONE)
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    worker = factory.cast(Role.PRACTITIONER)
    first = letters.issue(session, worker, referral.id, "child")
    assert first.wording_version == 1
    factory.approved_wording({CHILD_MEANING: WARNING})
    second = letters.issue(session, worker, referral.id, "child")
    assert second.wording_version == 2
    assert "It is a warning from the police." in second.html
    assert "It is a warning from the police." not in first.html


def test_letters_issued_while_a_draft_is_open_use_the_approved_wording(
    factory: Factory, session: Session
) -> None:
    factory.approved_wording(PHONE)
    _draft(factory, {CHILD_MEANING: WARNING, "contact:phone": "01632 960 999"})
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    manager = factory.cast(Role.MANAGER)
    row = letters.issue(session, factory.cast(Role.PRACTITIONER), referral.id, "child")
    assert row.wording_version == 1
    assert "It is a warning from the police." not in row.html
    assert "01632 960 123" in row.html
    result = letters.issue_due(session, manager, factory.service().id)
    assert result.issued == 1  # the parent's letter, with the approved wording too
    assert "01632 960 999" not in " ".join(r.html for r in referral.letters)


def test_a_service_without_a_version_issues_the_catalogue_wording_as_version_0(
    factory: Factory, session: Session
) -> None:
    """Without a phone number no letter passes: a draft giving one is approved, then a letter
    is issued; before any approval, wording_for is the catalogue's, numbered 0."""
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    _, found = letters.drafts(session, factory.cast(Role.PRACTITIONER), referral.id)
    assert {d.wording.number for d in found} == {0}


def test_a_word_list_sent_back_as_the_page_showed_it_is_no_change(
    factory: Factory, session: Session
) -> None:
    """Browsers send a text area's lines ending in CR LF: the same words are no change."""
    words = letter_wording.current_values(session, factory.service())["words:compulsory"]
    saved = letter_wording.save_wording(
        session,
        factory.cast(Role.ADMIN),
        service_id=factory.service().id,
        values={"words:compulsory": words.replace("\n", "\r\n") + "\r\n", **PHONE},
    )
    assert saved.draft is not None
    assert saved.draft.changed == ["contact:phone"]


def test_erasing_a_purged_letter_keeps_its_wording_version_and_needs_no_decision(
    factory: Factory, session: Session
) -> None:
    """The database lets the purge erase a letter's content, nothing else: not the wording
    version it used; and a letter about an outcome the police gave alone (no decision) can be
    erased too."""
    referral = factory.referral_at(S.DECIDED)
    assert referral.decision is not None
    rows = [
        Letter(
            referral_id=referral.id,
            decision_id=decision_id,
            recipient_key=key,
            recipient_name="Child",
            address="1 Example Street",
            variant="child_14_17",
            html="<p>Letter</p>",
            pdf=b"%PDF-1.7",
            sha256="0" * 64,
            template_version="test",
            catalogue_version="test",
            wording_version=1,
            issued_by_id=factory.cast(Role.PRACTITIONER).id,
        )
        for key, decision_id in (("child", referral.decision.id), ("contact-1", None))
    ]
    session.add_all(rows)
    session.commit()
    session.execute(
        text("UPDATE referral SET purged_at = CURRENT_TIMESTAMP WHERE id = :id"),
        {"id": referral.id},
    )
    table = Letter.__table__
    erase = {
        "recipient_name": "",
        "address": "",
        "html": "",
        "pdf": b"",
        "erased_at": dt.datetime.now(dt.UTC),
    }
    with pytest.raises(DatabaseError):
        session.execute(
            update(table)  # type: ignore[arg-type]
            .where(table.c.id == rows[0].id)
            .values({**erase, "wording_version": 2})
        )
    session.rollback()
    session.execute(
        text("UPDATE referral SET purged_at = CURRENT_TIMESTAMP WHERE id = :id"),
        {"id": referral.id},
    )
    for row in rows:
        session.execute(update(table).where(table.c.id == row.id).values(erase))  # type: ignore[arg-type]
    session.commit()
    kept = session.execute(select(table.c.wording_version, table.c.erased_at)).all()
    assert [(v, e is not None) for v, e in kept] == [(1, True), (1, True)]
