"""Quality audits: a manager answers the inspectorate's key questions about a case, and the
report gives '% yes' and a rating per standard, by quarter and by practitioner."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, case, func, literal, select, union_all
from sqlalchemy.orm import Session, contains_eager, joinedload, lazyload

from oocd_panel.catalogue.audit_standards import STANDARDS, Rating, question_pairs, rating_for
from oocd_panel.models import (
    Assessment,
    AssessmentStatus,
    AuditAnswer,
    QualityAudit,
    QualityAuditAnswer,
    Referral,
    Role,
    User,
)
from oocd_panel.plumbing.clock import LONDON, local_date, utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_trail

MAX_COMMENT = 5000


def field_name(standard: str, question: str) -> str:
    return f"{standard}_{question}"


def _auditable(session: Session, auditor: User, referral_id: int) -> Referral:
    if not auditor.has_role(Role.MANAGER):
        raise ActionNotAllowed("Only managers audit cases.")
    referral = session.get(Referral, referral_id)
    if referral is None or referral.service_id not in auditor.service_ids:
        raise NotFound("There is no such case in your services.")
    assessment = referral.assessment
    if assessment is None or assessment.status is not AssessmentStatus.SIGNED_OFF:
        raise ActionNotAllowed("Only cases with a signed-off assessment can be audited.")
    if auditor.id == referral.practitioner_id or auditor.id in (assessment.contributor_ids or []):
        raise ActionNotAllowed("You worked on this case, so another manager must audit it.")
    return referral


def check_auditable(session: Session, auditor: User, referral_id: int) -> Referral:
    return _auditable(session, auditor, referral_id)


def record_audit(
    session: Session,
    auditor: User,
    *,
    referral_id: int,
    answers: Mapping[str, tuple[str | None, str | None]],
    summary: str | None = None,
    now: dt.datetime | None = None,
) -> QualityAudit:
    """Save an audit. `answers` maps field_name(standard, question) to (answer, comment).

    `now` is when the audit was done (default: now); the demo data uses it to make history."""
    with unit_of_work(session):
        referral = _auditable(session, auditor, referral_id)
        errors: dict[str, str] = {}
        rows = []
        for standard, question, text in question_pairs():
            name = field_name(standard, question)
            answer, comment = answers.get(name, (None, None))
            comment = clean_text(comment)
            if answer not in {a.value for a in AuditAnswer}:
                errors[f"{name}__answer"] = f"Answer: {text}"
            elif answer == AuditAnswer.NO and not comment:
                errors[f"{name}__comment"] = f"Say what needs to improve ({text[:-1].lower()})"
            if len(comment) > MAX_COMMENT:
                errors[f"{name}__comment"] = f"Comments must be {MAX_COMMENT:,} characters or fewer"
            if answer in {a.value for a in AuditAnswer}:
                rows.append(
                    QualityAuditAnswer(
                        standard=standard,
                        question=question,
                        answer=AuditAnswer(answer),
                        comment=comment or None,
                    )
                )
        summary_text = clean_text(summary)
        if len(summary_text) > MAX_COMMENT:
            errors["summary"] = f"The summary must be {MAX_COMMENT:,} characters or fewer"
        if errors:
            raise InvalidInput(errors)
        audit = QualityAudit(
            referral_id=referral.id,
            auditor_id=auditor.id,
            practitioner_id=referral.practitioner_id,
            summary=summary_text or None,
            answers=rows,
            audited_at=now or utcnow(),
        )
        session.add(audit)
        session.flush()
        audit_trail.record(
            session,
            actor=auditor,
            action="create",
            record_type="quality_audit",
            record_id=audit.id,
            child_id=referral.child_id,
        )
    return audit


def audit_sample(session: Session, manager: User, *, size: int, seed: str) -> list[Referral]:
    """A random sample of cases the manager may audit and nobody has audited yet.

    The same seed (for example the quarter) gives the same sample, so a sample can be worked
    through over several days.
    """
    # The newest 500 candidates of each service, read down each service's index of cases by
    # date (the audits and the assessment looked up case by case), then merged.
    audited = select(QualityAudit.id).where(QualityAudit.referral_id == Referral.id).exists()
    newest = []
    for service_id in sorted(manager.service_ids):
        newest.append(
            select(Referral.id, Referral.received_on)
            .join(Assessment, Assessment.referral_id == Referral.id)
            .where(
                Referral.service_id == service_id,
                Assessment.status == AssessmentStatus.SIGNED_OFF,
                ~audited,
                (Referral.practitioner_id.is_(None)) | (Referral.practitioner_id != manager.id),
            )
            .order_by(Referral.received_on.desc(), Referral.id.desc())
            .limit(500)
            .subquery()
        )
    if not newest:
        return []
    merged = union_all(*(select(n.c.id, n.c.received_on) for n in newest)).subquery()
    ids = (
        select(merged.c.id)
        .order_by(merged.c.received_on.desc(), merged.c.id.desc())
        .limit(500)
        .scalar_subquery()
    )
    candidates = list(
        session.scalars(
            select(Referral)
            .join(Assessment, Assessment.referral_id == Referral.id)
            .where(Referral.id.in_(ids))
            .options(contains_eager(Referral.assessment), joinedload(Referral.child))
            .order_by(Referral.received_on.desc(), Referral.id.desc())
        )
    )
    candidates = [c for c in candidates if manager.id not in (c.assessment.contributor_ids or [])]  # type: ignore[union-attr]
    chosen = random.Random(seed).sample(candidates, k=min(size, len(candidates)))
    return sorted(chosen, key=lambda r: r.id)


@dataclass
class Cell:
    yes: int = 0
    answered: int = 0

    @property
    def percent(self) -> float | None:
        return 100 * self.yes / self.answered if self.answered else None


@dataclass
class ReportRow:
    label: str
    audits: int = 0
    cells: dict[tuple[str, str], Cell] = field(default_factory=lambda: defaultdict(Cell))

    def rating(self, standard: str) -> Rating | None:
        """From the lowest '% yes' of the standard's questions; None if any has no answers."""
        percents = [self.cells[(s, q)].percent for s, q, _ in question_pairs() if s == standard]
        if any(p is None for p in percents):
            return None
        return rating_for(min(p for p in percents if p is not None))

    def overall_score(self) -> int | None:
        ratings = [self.rating(s) for s, _ in STANDARDS]
        if any(r is None for r in ratings):
            return None
        return sum(r.score for r in ratings if r is not None)


def quarter_of(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _quarters(first: dt.date, last: dt.date) -> list[tuple[str, dt.datetime]]:
    """(label, the moment the next quarter starts) for every quarter from `first` to `last`."""
    found = []
    day = dt.date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
    while day <= last:
        label = quarter_of(day)
        day = dt.date(day.year + (day.month == 10), (day.month + 2) % 12 + 1, 1)
        found.append((label, dt.datetime.combine(day, dt.time(), LONDON)))
    return found


def audit_report(
    session: Session, user: User, *, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[ReportRow, list[ReportRow], list[ReportRow]]:
    """(all audits, one row per quarter, one row per practitioner) for the user's services.

    Counted in the database: answers grouped by quarter (of the audit's date in England and
    Wales), practitioner, question and answer."""
    conditions: list[ColumnElement[bool]] = [Referral.service_id.in_(user.service_ids)]
    if start is not None:
        conditions.append(QualityAudit.audited_at >= dt.datetime.combine(start, dt.time(), LONDON))
    if end is not None:
        after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), LONDON)
        conditions.append(QualityAudit.audited_at < after)
    audits = (
        select(QualityAudit)
        .join(Referral, Referral.id == QualityAudit.referral_id)
        .where(*conditions)
        .subquery()
    )
    first, last = session.execute(
        select(func.min(audits.c.audited_at), func.max(audits.c.audited_at))
    ).one()
    total = ReportRow("All audits")
    # With no audits there are no quarters, but the same queries run (and find nothing).
    quarters = _quarters(local_date(first), local_date(last)) if first else [("", first)]
    quarter: ColumnElement[str] = literal(quarters[-1][0])
    if len(quarters) > 1:
        quarter = case(
            *[(audits.c.audited_at < until, label) for label, until in quarters[:-1]],
            else_=quarters[-1][0],
        )
    # Each audit with its quarter and practitioner, as columns to group by.
    labelled = (
        select(
            audits.c.id,
            quarter.label("quarter"),
            func.coalesce(User.full_name, "Not allocated").label("who"),
        )
        .select_from(audits)
        .outerjoin(User, User.id == audits.c.practitioner_id)
        .subquery()
    )
    by_quarter: dict[str, ReportRow] = {label: ReportRow(label) for label, _ in quarters}
    by_practitioner: dict[str, ReportRow] = {}
    counted = session.execute(
        select(labelled.c.quarter, labelled.c.who, func.count()).group_by(
            labelled.c.quarter, labelled.c.who
        )
    )
    for label, name, number in counted:
        for row in (total, by_quarter[label], by_practitioner.setdefault(name, ReportRow(name))):
            row.audits += number
    answer = QualityAuditAnswer
    answers = session.execute(
        select(
            labelled.c.quarter,
            labelled.c.who,
            answer.standard,
            answer.question,
            answer.answer,
            func.count(),
        )
        .join(answer, answer.audit_id == labelled.c.id)
        .where(answer.answer != AuditAnswer.NOT_APPLICABLE)
        .group_by(
            labelled.c.quarter, labelled.c.who, answer.standard, answer.question, answer.answer
        )
    )
    for label, name, standard, question, given, number in answers:
        for row in (total, by_quarter[label], by_practitioner[name]):
            cell = row.cells[(standard, question)]
            cell.answered += number
            cell.yes += number if given is AuditAnswer.YES else 0
    return (
        total,
        [row for row in by_quarter.values() if row.audits],
        sorted(by_practitioner.values(), key=lambda r: r.label),
    )


_NAME_ONLY = (lazyload(User.role_rows), lazyload(User.services))


def recent_audits(session: Session, user: User, limit: int = 20) -> list[QualityAudit]:
    return list(
        session.scalars(
            select(QualityAudit)
            .join(Referral, Referral.id == QualityAudit.referral_id)
            .where(Referral.service_id.in_(user.service_ids))
            .options(
                contains_eager(QualityAudit.referral),
                # Only their names: not each person's roles and services too.
                joinedload(QualityAudit.auditor).options(*_NAME_ONLY),
                joinedload(QualityAudit.practitioner).options(*_NAME_ONLY),
                lazyload(QualityAudit.answers),
            )
            .order_by(QualityAudit.audited_at.desc())
            .limit(limit)
        )
    )
