"""Subject access: everything the service holds about a child, as one ZIP.

The ZIP holds `record.json` (the whole record, machine-readable), `summary.html` (the same,
readable in any browser), each issued letter's PDF under `letters/`, and `README.txt`. It is
for the service's data protection lead to review before it is disclosed: it includes what other
people said or are (parents, victims, staff, panel members), which the law may require them to
redact first. Managers and administrators of the child's service may make one; each is an audit
row ("export").

Here: who may make one, finding the child, and the export itself. The record is gathered in
`record` and written out, with the letters, in `archive`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import Child, Referral, Role, User
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, NotFound
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules.referral_rules import normalise_police_reference
from oocd_panel.services import audit_trail
from oocd_panel.services.subject_access.archive import README, summary_html, to_zip
from oocd_panel.services.subject_access.record import LetterFile, SubjectAccess, gather

__all__ = [
    "README",
    "ROLES",
    "LetterFile",
    "SubjectAccess",
    "export",
    "find_by_reference",
    "find_child",
    "may_export",
    "summary_html",
    "to_zip",
]

ROLES = frozenset({Role.MANAGER, Role.ADMIN})


def may_export(user: User) -> bool:
    return user.has_role(*ROLES)


def find_child(session: Session, user: User, child_id: int) -> Child:
    """A child of one of the user's services whose record may be exported by this user."""
    if not may_export(user):
        raise ActionNotAllowed(
            "Only YJS managers and administrators of the child's service can export it."
        )
    child = session.get(Child, child_id)
    if child is None or child.service_id not in user.service_ids or child.purged_at is not None:
        raise NotFound("There is no such child in your services.")
    return child


def find_by_reference(session: Session, user: User, police_reference: str) -> Referral | None:
    """The case with this police reference in the user's services (its child is the subject)."""
    if not may_export(user):
        raise ActionNotAllowed(
            "Only YJS managers and administrators of the child's service can export it."
        )
    reference = normalise_police_reference(police_reference)
    if not reference:
        return None
    return session.scalars(
        select(Referral)
        .where(
            Referral.police_reference == reference,
            Referral.service_id.in_(user.service_ids),
            Referral.purged_at.is_(None),
        )
        .order_by(Referral.id)
        .limit(1)
    ).first()


def export(session: Session, user: User, child_id: int) -> SubjectAccess:
    """Gather everything held about the child, and record the export in the audit trail."""
    child = find_child(session, user, child_id)
    now = utcnow()
    record, letter_files = gather(session, user, child, now)
    with unit_of_work(session):
        audit_trail.record(
            session,
            actor=user,
            action="export",
            record_type="child",
            record_id=child.id,
            child_id=child.id,
            details={
                "kind": "subject_access",
                "cases": len(record["cases"]),
                "letters": len(letter_files),
            },
        )
    return SubjectAccess(
        child_id=child.id,
        record=record,
        letters=letter_files,
        filename=f"subject-access-child-{child.id}-{now:%Y-%m-%d}.zip",
    )
