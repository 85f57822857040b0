"""Progress notes on the work a child does after the outcome."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from oocd_panel.models import InterventionNote, Referral, ReferralStatus, Role, User
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_trail

NOTE_STATUSES = (
    ReferralStatus.OUTCOME_DELIVERED,
    ReferralStatus.INTERVENTION,
    ReferralStatus.SUPPORT_OFFERED,
)


def add_note(
    session: Session,
    author: User,
    *,
    referral_id: int,
    text: str,
    now: dt.datetime | None = None,
) -> InterventionNote:
    """`now` is when it was written (default: now); the demo data uses it to make history."""
    if not author.has_role(Role.PRACTITIONER, Role.MANAGER):
        raise ActionNotAllowed("Only YJS staff write intervention notes.")
    referral = session.get(Referral, referral_id)
    if referral is None or referral.service_id not in author.service_ids:
        raise NotFound("There is no such case in your services.")
    if referral.status not in NOTE_STATUSES:
        raise ActionNotAllowed(
            f"Notes are for work under way; this case is '{referral.status.label}'."
        )
    text = clean_text(text)
    if not text:
        raise InvalidInput({"text": "Write the note"})
    if len(text) > 5000:
        raise InvalidInput({"text": "The note must be 5,000 characters or fewer"})
    note = InterventionNote(
        referral_id=referral.id, author_id=author.id, text=text, written_at=now or utcnow()
    )
    with unit_of_work(session):
        session.add(note)
        session.flush()
        audit_trail.record(
            session,
            actor=author,
            action="create",
            record_type="intervention_note",
            record_id=note.id,
            child_id=referral.child_id,
        )
    return note
