"""Translation approvals: keyed by service, language, wording and translations; the batch sends
the letter it promised once the family's language can go."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.letters import languages
from oocd_panel.letters.wording import wording_for
from oocd_panel.models import Letter, ReferralStatus, Role
from oocd_panel.plumbing.errors import ActionNotAllowed, EditedMeanwhile, InvalidInput
from oocd_panel.services import letters, translations
from tests.factories import Factory

S = ReferralStatus


def _phone(factory: Factory) -> None:
    factory.approved_wording({"contact:phone": "01632 960 123"})


def test_the_batch_sends_the_promised_letter_once_its_translation_is_approved(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="community_resolution")
    referral.child.contacts[0].first_language = "Polski"
    session.commit()
    manager = factory.cast(Role.MANAGER)
    service_id = factory.service().id
    first = letters.issue_due(session, manager, service_id)
    assert first.issued == 2
    rows = {r.recipient_key: r for r in session.scalars(select(Letter))}
    parent = rows[f"contact-{referral.child.contacts[0].id}"]
    assert (parent.languages, parent.pending_language) == ("en", "pl")
    assert "Wkrótce wyślemy list po polsku" in parent.html
    assert (rows["child"].languages, rows["child"].pending_language) == ("en", None)
    # Nothing new can go yet: the batch sends nothing twice.
    assert letters.issue_due(session, manager, service_id).issued == 0
    translations.approve(session, manager, service_id, "pl", reviewer_name="Anna Nowak", seen=None)
    again = letters.issue_due(session, manager, service_id)
    assert again.issued == 1  # the Polish letter promised to the parent; the child's stands
    latest = session.scalars(select(Letter).order_by(Letter.id.desc())).first()
    assert latest is not None
    assert (latest.recipient_key, latest.languages, latest.number) == (
        parent.recipient_key,
        "pl",
        2,
    )
    assert letters.issue_due(session, manager, service_id).issued == 0


def test_an_approval_holds_only_for_the_wording_and_translations_reviewed(
    factory: Factory, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _phone(factory)
    service = factory.service()
    manager = factory.cast(Role.MANAGER)
    review = translations.review(session, manager, service.id, "cy")
    assert len(review.letters) == 7 * 5  # every disposal to every audience
    assert all(p.translated is not None for p in review.letters)
    translations.approve(
        session, manager, service.id, "cy", reviewer_name=" Gwen Jones ", seen=review.seen
    )
    wording = wording_for(session, service)
    assert translations.approved_languages(session, service.id, wording) == {"cy"}
    with pytest.raises(ActionNotAllowed, match="already approved"):
        translations.approve(session, manager, service.id, "cy", reviewer_name="X", seen=None)
    # New translations (another catalogue): the approval no longer holds.
    shipped = languages.catalogue("cy")
    changed = dataclasses.replace(
        shipped, messages={**shipped.messages, "What happened": "Beth a ddigwyddodd"}
    )
    monkeypatch.setattr(languages, "catalogue", lambda code: changed)
    assert translations.approved_languages(session, service.id, wording) == set()
    # A review shown before the change approves nothing.
    with pytest.raises(EditedMeanwhile):
        translations.approve(
            session, manager, service.id, "cy", reviewer_name="Gwen Jones", seen=review.seen
        )


def test_an_approval_names_the_reviewer_and_is_for_managers_and_administrators(
    factory: Factory, session: Session
) -> None:
    service_id = factory.service().id
    with pytest.raises(InvalidInput):
        translations.approve(
            session, factory.cast(Role.ADMIN), service_id, "pl", reviewer_name=" ", seen=None
        )
    with pytest.raises(ActionNotAllowed):
        translations.approve(
            session, factory.cast(Role.PRACTITIONER), service_id, "pl", reviewer_name="A", seen=None
        )
    row = translations.approve(
        session, factory.cast(Role.ADMIN), service_id, "pl", reviewer_name="Anna Nowak", seen=None
    )
    assert (row.reviewer_name, row.recorded_by_id) == ("Anna Nowak", factory.cast(Role.ADMIN).id)
