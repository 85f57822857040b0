"""A second pair of eyes on a service's letter wording: a draft (`services/letter_wording.py`)
applies only once another administrator of the service, or a manager of it, approves it; never
its author.

The approver reads every letter the draft changes, before and after, with the difference marked
and the checks' verdicts (`letters/changes.py`); a draft whose letters fail a check cannot be
approved. Approving makes the next numbered version, which letters use from then on; the
approver can instead reject it with a reason, and its author can withdraw it. Each decision is
taken on the draft as the page showed it: if it changed meanwhile, nothing is decided."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oocd_panel.letters.changes import LettersReview, TextChange, review_letters, text_changes
from oocd_panel.letters.wording import apply, approved_version
from oocd_panel.models import Role, Service, User, WordingStatus, WordingVersion
from oocd_panel.plumbing.clock import local_today, utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, DomainError, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_trail
from oocd_panel.services.letter_wording import changed_keys, effective, open_draft

APPROVER_ROLES = (Role.ADMIN, Role.MANAGER)
MAX_REASON = 2000


class DraftChanged(DomainError):
    """The draft is not the one the page showed: changed, withdrawn or decided since."""

    def __init__(self) -> None:
        super().__init__(
            "The draft changed while you were reading it (its author updated or withdrew it, "
            "or someone else decided on it), so nothing was decided. Read it as it is now."
        )


def _service(session: Session, user: User, service_id: int) -> Service:
    if not user.has_role(*APPROVER_ROLES):
        raise ActionNotAllowed(
            "Changes to letter wording are approved by administrators and managers."
        )
    service = session.get(Service, service_id)
    if service is None or service.id not in user.service_ids:
        raise NotFound("There is no such service among yours.")
    return service


def why_not_approver(user: User, draft: WordingVersion) -> str | None:
    """Why this person may not approve or reject the draft (None if they may)."""
    if draft.drafted_by_id == user.id:
        return (
            "You drafted this change, so someone else must approve it: another administrator "
            "of the service, or a manager of it. You can withdraw it."
        )
    if not user.has_role(*APPROVER_ROLES) or draft.service_id not in user.service_ids:
        return "Only an administrator or a manager of the service approves its letter wording."
    return None


@dataclass(frozen=True)
class Review:
    """A draft as its approver reads it."""

    service: Service
    draft: WordingVersion
    approved: WordingVersion | None
    texts: list[TextChange]
    letters: LettersReview
    # Why the reader cannot approve it (they wrote it; its letters fail a check), or None.
    why_not: str | None
    may_reject: bool

    @property
    def next_number(self) -> int:
        return (self.approved.number or 0) + 1 if self.approved else 1


def _letters_fail(letters: LettersReview) -> str | None:
    failing = letters.failing
    if not failing:
        return None
    names = "; ".join(c.name for c in failing[:3]) + ("; ..." if len(failing) > 3 else "")
    return (
        f"This draft cannot be approved: {len(failing)} of the letters it changes "
        f"{'fails' if len(failing) == 1 else 'fail'} their checks ({names}). Its author must "
        "change the draft, or you can reject it saying what to fix."
    )


def review(
    session: Session, user: User, service_id: int, *, today: dt.date | None = None
) -> Review:
    """The open draft, what it changes, and the letters it changes, checked."""
    service = _service(session, user, service_id)
    draft = open_draft(session, service.id)
    if draft is None:
        raise NotFound("No change of this service's letter wording is awaiting approval.")
    approved = approved_version(session, service.id)
    before_values = effective(approved.values if approved else {})
    after_values = effective(draft.values)
    before = apply(service.name, before_values, approved.number or 0 if approved else 0)
    after = apply(service.name, after_values)
    keys = changed_keys(approved, draft.values)
    letters = review_letters(before, after, keys, today or local_today())
    who = why_not_approver(user, draft)
    return Review(
        service=service,
        draft=draft,
        approved=approved,
        texts=text_changes(before_values, after_values),
        letters=letters,
        why_not=who or _letters_fail(letters),
        may_reject=who is None,
    )


def _decide(
    session: Session, user: User, service_id: int, draft_id: int, revision: int | None
) -> WordingVersion:
    """The draft the page showed, still open and unchanged, that this person may decide on."""
    service = _service(session, user, service_id)
    draft = open_draft(session, service.id)
    if draft is None or draft.id != draft_id or draft.revision != revision:
        raise DraftChanged()
    why = why_not_approver(user, draft)
    if why is not None:
        raise ActionNotAllowed(why)
    return draft


def approve(
    session: Session,
    user: User,
    *,
    service_id: int,
    draft_id: int,
    revision: int | None,
    comment: str | None = None,
    today: dt.date | None = None,
) -> WordingVersion:
    """Make the draft the next version, if its letters pass every check. From then on letters
    use it; letters already issued keep the version they were made with."""
    comment = clean_text(comment)[:MAX_REASON] or None
    with unit_of_work(session, conflicts=(IntegrityError,), changed=DraftChanged):
        draft = _decide(session, user, service_id, draft_id, revision)
        checked = review(session, user, service_id, today=today)
        if checked.why_not:
            raise ActionNotAllowed(checked.why_not)
        approved = checked.approved
        last = session.scalar(
            select(func.max(WordingVersion.number)).where(
                WordingVersion.service_id == draft.service_id
            )
        )
        draft.number = (last or 0) + 1
        draft.status = WordingStatus.APPROVED
        draft.changed = changed_keys(approved, draft.values)
        draft.base_number = approved.number if approved else None
        draft.decided_by_id = user.id
        draft.decided_at = utcnow()
        draft.reason = comment
        session.flush()
        _audit(session, user, "approve", draft)
    return draft


def reject(
    session: Session,
    user: User,
    *,
    service_id: int,
    draft_id: int,
    revision: int | None,
    reason: str | None,
) -> WordingVersion:
    """Turn the draft down, saying why; the wording stays as it is."""
    reason = clean_text(reason)
    if not reason:
        raise InvalidInput({"comment": "Say why you are rejecting the draft"})
    if len(reason) > MAX_REASON:
        raise InvalidInput({"comment": f"The reason must be {MAX_REASON} characters or fewer"})
    with unit_of_work(session, changed=DraftChanged):
        draft = _decide(session, user, service_id, draft_id, revision)
        draft.status = WordingStatus.REJECTED
        draft.changed = changed_keys(approved_version(session, draft.service_id), draft.values)
        draft.decided_by_id = user.id
        draft.decided_at = utcnow()
        draft.reason = reason
        session.flush()
        _audit(session, user, "reject", draft, reason=reason)
    return draft


def withdraw(session: Session, user: User, *, service_id: int, draft_id: int) -> WordingVersion:
    """The author takes their draft back; the wording stays as it is."""
    service = session.get(Service, service_id)
    if service is None or service.id not in user.service_ids:
        raise NotFound("There is no such service among yours.")
    with unit_of_work(session, changed=DraftChanged):
        draft = open_draft(session, service.id)
        if draft is None or draft.id != draft_id:
            raise DraftChanged()
        if draft.drafted_by_id != user.id:
            raise ActionNotAllowed("Only its author can withdraw a draft: you can reject it.")
        draft.status = WordingStatus.WITHDRAWN
        draft.changed = changed_keys(approved_version(session, draft.service_id), draft.values)
        draft.decided_by_id = user.id
        draft.decided_at = utcnow()
        session.flush()
        _audit(session, user, "withdraw", draft)
    return draft


def _audit(
    session: Session, user: User, action: str, draft: WordingVersion, reason: str | None = None
) -> None:
    details: dict[str, object] = {"draft": draft.id, "changed": draft.changed}
    if draft.number is not None:
        details["version"] = draft.number
    if reason:
        details["reason"] = reason
    audit_trail.record(
        session,
        actor=user,
        action=action,
        record_type="letter_wording",
        record_id=draft.service_id,
        details=details,
    )


def versions(session: Session, service: Service) -> list[WordingVersion]:
    """Every approved version, newest first."""
    return list(
        session.scalars(
            select(WordingVersion)
            .where(
                WordingVersion.service_id == service.id,
                WordingVersion.status == WordingStatus.APPROVED,
            )
            .order_by(WordingVersion.number.desc())
        )
    )


def closed_drafts(session: Session, service: Service, limit: int = 20) -> list[WordingVersion]:
    """Drafts rejected or withdrawn, newest first."""
    return list(
        session.scalars(
            select(WordingVersion)
            .where(
                WordingVersion.service_id == service.id,
                WordingVersion.status.in_([WordingStatus.REJECTED, WordingStatus.WITHDRAWN]),
            )
            .order_by(WordingVersion.id.desc())
            .limit(limit)
        )
    )


def awaiting(session: Session, user: User) -> list[WordingVersion]:
    """Drafts in this person's services that they may approve (for My work)."""
    if not user.has_role(*APPROVER_ROLES) or not user.service_ids:
        return []
    drafts = session.scalars(
        select(WordingVersion)
        .where(
            WordingVersion.service_id.in_(user.service_ids),
            WordingVersion.status == WordingStatus.DRAFT,
            WordingVersion.drafted_by_id != user.id,
        )
        .order_by(WordingVersion.updated_at)
    )
    return list(drafts)
