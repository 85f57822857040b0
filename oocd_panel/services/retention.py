"""The retention schedule: whose records are due for removal, and removing them.

A child's records are kept while any case of theirs is open, and then until both the service's
`retention_years_after_closure` have passed since their last case closed and they have reached
`retention_until_age` (whichever is later). The unit is the child, because their record, their
parents' details and every case of theirs hang together: one transaction per child removes the
personal data of all their cases at once, or nothing.

What stays, anonymised: the rows the evaluation counts (decision points, the referral's dates,
status, gravity and outcome, votes' outcomes, escalations, decisions, deliveries' facts), the
child's characteristics and year of birth, and each issued letter's metadata and SHA-256. What
goes: names, date of birth (the year stays), address, parents and carers, police reference,
officer and victim details, offence descriptions, assessment answers and versions' content,
rationales, reasons, notes and conditions' text, letters' recipient, address, HTML and PDF,
and their unused feedback links (family feedback keeps only counts, which stay), and a scrutiny
sample's redacted texts of the case and the scrutiny panel's comments on it (its rating stays).
Audit rows are never removed (they hold no personal data); the purge adds one per case and one
for the child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, and_, delete, func, select, update
from sqlalchemy.orm import Session

from oocd_panel.models import (
    AgendaItem,
    Assessment,
    AssessmentSection,
    AssessmentVersion,
    Child,
    Conflict,
    Contact,
    Correction,
    Decision,
    Delivery,
    Escalation,
    FeedbackLink,
    InterventionNote,
    Letter,
    Offence,
    QualityAudit,
    QualityAuditAnswer,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ScrutinyCase,
    ScrutinyRating,
    ScrutinyRedaction,
    Service,
    Vote,
)
from oocd_panel.plumbing.clock import local_date, utcnow
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules.service_settings import ServiceSettings, settings_for
from oocd_panel.services import audit_trail

RULE_AFTER_CLOSURE = "after_closure"
RULE_AGE = "age"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def due_date(
    born: dt.date, last_closed_on: dt.date, settings: ServiceSettings
) -> tuple[dt.date, str]:
    """When a child's records may be removed, and which rule sets the date."""
    after_closure = add_years(last_closed_on, settings.retention_years_after_closure)
    of_age = add_years(born, settings.retention_until_age)
    if of_age > after_closure:
        return of_age, RULE_AGE
    return after_closure, RULE_AFTER_CLOSURE


def rule_text(rule: str, settings: ServiceSettings) -> str:
    if rule == RULE_AGE:
        return (
            f"the child has turned {settings.retention_until_age} (later than "
            f"{settings.retention_years_after_closure} years after the last case closed)"
        )
    return f"{settings.retention_years_after_closure} years after the last case closed"


@dataclass(frozen=True)
class Due:
    """One child whose records are due for removal, and their cases."""

    child_id: int
    service_id: int
    referral_ids: tuple[int, ...]
    police_references: tuple[str, ...]
    last_closed_on: dt.date
    due_on: dt.date
    rule: str
    rule_text: str


@dataclass
class ServiceDue:
    service: Service
    children: list[Due] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return sum(len(d.referral_ids) for d in self.children)


def _closed_children(session: Session, service_ids: list[int] | None) -> Any:
    """(child id, service id, date of birth, last closed) of children not yet purged whose
    every case is closed."""
    open_cases = func.count().filter(Referral.status != ReferralStatus.CLOSED)
    query = (
        select(Child.id, Child.service_id, Child.date_of_birth, func.max(Referral.closed_at))
        .join(Referral, Referral.child_id == Child.id)
        .where(Child.purged_at.is_(None))
        .group_by(Child.id, Child.service_id, Child.date_of_birth)
        .having(and_(open_cases == 0, func.count(Referral.closed_at) == func.count()))
        .order_by(Child.id)
    )
    if service_ids is not None:
        query = query.where(Child.service_id.in_(service_ids))
    return session.execute(query)


def _as_date(value: dt.datetime) -> dt.date:
    return local_date(value if value.tzinfo else value.replace(tzinfo=dt.UTC))


def due(session: Session, today: dt.date, service_ids: list[int] | None = None) -> list[ServiceDue]:
    """Per service (in name order), the children whose records are due on `today`."""
    services = {s.id: s for s in session.scalars(select(Service).order_by(Service.name))}
    settings = {sid: settings_for(s) for sid, s in services.items()}
    found: dict[int, list[tuple[int, dt.date, str, dt.date]]] = {}
    for child_id, service_id, born, last_closed in _closed_children(session, service_ids):
        closed_on = _as_date(last_closed)
        due_on, rule = due_date(born, closed_on, settings[service_id])
        if due_on <= today:
            found.setdefault(service_id, []).append((child_id, closed_on, rule, due_on))
    result: list[ServiceDue] = []
    for service_id, service in services.items():
        if service_id not in found:
            continue
        entry = ServiceDue(service)
        ids = [child_id for child_id, *_ in found[service_id]]
        cases: dict[int, list[tuple[int, str]]] = {}
        for child_id, referral_id, reference in session.execute(
            select(Referral.child_id, Referral.id, Referral.police_reference)
            .where(Referral.child_id.in_(ids))
            .order_by(Referral.received_on, Referral.id)
        ):
            cases.setdefault(child_id, []).append((referral_id, reference))
        for child_id, closed_on, rule, due_on in found[service_id]:
            entry.children.append(
                Due(
                    child_id=child_id,
                    service_id=service_id,
                    referral_ids=tuple(r for r, _ in cases[child_id]),
                    police_references=tuple(ref for _, ref in cases[child_id]),
                    last_closed_on=closed_on,
                    due_on=due_on,
                    rule=rule,
                    rule_text=rule_text(rule, settings[service_id]),
                )
            )
        result.append(entry)
    return result


# --- Removing ---------------------------------------------------------------------------------

# Keys of an event's details (and of the decision, resolution, escalation and delivery recorded
# in them) that hold codes, ids, dates and yes/no facts: everything else (rationales, names,
# notes, conditions' text) is free text about the child and goes.
_KEPT_DETAILS = frozenset(
    {
        "decision",
        "resolution",
        "escalation",
        "delivery",
        "closure_reason",
        "item_id",
        "disposal",
        "interventions",
        "conditions",
        "due_on",
        "on_behalf",
        "police_inspector_id",
        "yjs_manager_id",
        "police_position",
        "yjs_position",
        "yjs_manager_agreed",
        "outcome",
        "delivered_on",
        "appropriate_adult_present",
        "legal_advice_offered",
        "legal_advice_taken",
        "admission_confirmed",
        "consent_signed",
    }
)


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k in _KEPT_DETAILS}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


class NotDue(Exception):
    """The child's records are no longer due (a case was opened, or they were purged)."""


@dataclass
class PurgeResult:
    children: int = 0
    cases: int = 0
    failed: list[tuple[Due, str]] = field(default_factory=list)


def purge(
    session: Session,
    today: dt.date,
    *,
    service_ids: list[int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> PurgeResult:
    """Remove the personal data of every child due on `today`, one transaction per child."""
    result = PurgeResult()
    for entry in due(session, today, service_ids):
        for child in entry.children:
            try:
                purge_child(session, child.child_id, today)
            except NotDue:
                pass
            except Exception as exc:  # reported per child; the others go ahead
                result.failed.append((child, type(exc).__name__))
            else:
                result.children += 1
                result.cases += len(child.referral_ids)
            if progress is not None:
                progress(1)
    return result


def purge_child(session: Session, child_id: int, today: dt.date) -> None:
    """Remove one child's personal data, with all their cases', in one transaction.

    Checks again, with the child's row locked (on PostgreSQL), that the records are still due:
    a new referral linked meanwhile keeps them. Raises NotDue if not."""
    with unit_of_work(session):
        child = session.scalars(
            select(Child).where(Child.id == child_id).with_for_update()
        ).one_or_none()
        if child is None or child.purged_at is not None:
            raise NotDue
        referrals = list(
            session.scalars(
                select(Referral).where(Referral.child_id == child.id).order_by(Referral.id)
            )
        )
        closed = [r.closed_at for r in referrals if r.status is ReferralStatus.CLOSED]
        if not referrals or len(closed) != len(referrals) or None in closed:
            raise NotDue
        service = session.get(Service, child.service_id)
        assert service is not None
        settings = settings_for(service)
        last_closed = max(_as_date(c) for c in closed if c is not None)
        due_on, rule = due_date(child.date_of_birth, last_closed, settings)
        if due_on > today:
            raise NotDue
        now = utcnow()
        for referral in referrals:
            _purge_referral(session, referral, now)
            audit_trail.record(
                session,
                actor=None,
                action="purge",
                record_type="referral",
                record_id=referral.id,
                child_id=child.id,
                details={"rule": rule, "years": settings.retention_years_after_closure},
            )
        _purge_child_record(session, child, now)
        audit_trail.record(
            session,
            actor=None,
            action="purge",
            record_type="child",
            record_id=child.id,
            child_id=child.id,
            details={"rule": rule, "cases": len(referrals)},
        )


def _purge_child_record(session: Session, child: Child, now: dt.datetime) -> None:
    session.execute(delete(Contact).where(Contact.child_id == child.id))
    # The history of corrections keeps which fields were corrected, when and why (the
    # evaluation counts them), never the values or notes.
    session.execute(
        update(Correction)
        .where(Correction.child_id == child.id)
        .values(old_value=None, new_value=None, note=None)
    )
    child.first_name = ""
    child.last_name = ""
    child.preferred_name = None
    child.date_of_birth = dt.date(child.date_of_birth.year, 1, 1)
    child.address_line_1 = ""
    child.address_line_2 = None
    child.town = ""
    child.postcode = ""
    child.neurodiversity_details = None
    child.first_language = ""
    child.interpreter_language = None
    child.communication_needs = None
    child.purged_at = now
    session.flush()
    session.expire(child, ["contacts"])


def _purge_referral(session: Session, referral: Referral, now: dt.datetime) -> None:
    referral.police_reference = ""
    referral.officer_name = ""
    referral.officer_email = None
    referral.victim_details = None
    referral.victim_views = None
    referral.purged_at = now
    session.flush()  # the letter trigger checks that the case is purged
    rid = referral.id
    session.execute(update(Offence).where(Offence.referral_id == rid).values(description=""))
    for event in session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == rid)):
        event.reason = None
        event.details = _scrub(dict(event.details or {}))
    assessments = select(Assessment.id).where(Assessment.referral_id == rid).scalar_subquery()
    session.execute(
        delete(AssessmentSection).where(AssessmentSection.assessment_id.in_(assessments))
    )
    session.execute(
        update(AssessmentVersion)
        .where(AssessmentVersion.assessment_id.in_(assessments))
        .values(content={}, warnings=[], review_comment=None)
    )
    audits = select(QualityAudit.id).where(QualityAudit.referral_id == rid).scalar_subquery()
    session.execute(
        update(QualityAudit).where(QualityAudit.referral_id == rid).values(summary=None)
    )
    session.execute(
        update(QualityAuditAnswer)
        .where(QualityAuditAnswer.audit_id.in_(audits))
        .values(comment=None)
    )
    # A scrutiny sample keeps the case's outcome, characteristics and the panel's rating; the
    # redacted texts and the panel's comments go.
    sampled = select(ScrutinyCase.id).where(ScrutinyCase.referral_id == rid).scalar_subquery()
    session.execute(delete(ScrutinyRedaction).where(ScrutinyRedaction.case_id.in_(sampled)))
    session.execute(
        update(ScrutinyRating).where(ScrutinyRating.case_id.in_(sampled)).values(comments=None)
    )
    items = select(AgendaItem.id).where(AgendaItem.referral_id == rid).scalar_subquery()
    session.execute(update(Conflict).where(Conflict.item_id.in_(items)).values(reason=""))
    session.execute(update(Vote).where(Vote.item_id.in_(items)).values(rationale=""))
    for escalation in session.scalars(select(Escalation).where(Escalation.referral_id == rid)):
        escalation.rationale = None
        escalation.yjs_manager_view = None
    decision = session.scalars(select(Decision).where(Decision.referral_id == rid)).one_or_none()
    if decision is not None:
        decision.conditions = [{"due_on": c.get("due_on")} for c in decision.conditions]
        decision.dissent = [
            {"agency": d.get("agency"), "disposal": d.get("disposal")} for d in decision.dissent
        ]
        decision.confirmation_rationale = None
        decision.departure_rationale = None
    session.execute(
        update(Delivery)
        .where(Delivery.referral_id == rid)
        .values(appropriate_adult_name=None, notes=None)
    )
    session.execute(delete(InterventionNote).where(InterventionNote.referral_id == rid))
    # Unused feedback links go with their letters' content (used ones are gone already).
    issued = select(Letter.id).where(Letter.referral_id == rid).scalar_subquery()
    session.execute(delete(FeedbackLink).where(FeedbackLink.letter_id.in_(issued)))
    # Issued letters: the privileged path the database allows once the case is purged (see
    # Letter): the content goes, the record of what was issued (and its SHA-256) stays.
    letters = Letter.__table__
    assert isinstance(letters, Table)
    session.execute(
        update(letters)
        .where(letters.c.referral_id == rid, letters.c.erased_at.is_(None))
        .values(recipient_name="", address="", html="", pdf=b"", erased_at=now)
    )
    session.flush()
    session.expire(referral)
