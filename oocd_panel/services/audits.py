"""Quality audits: a manager answers the inspectorate's key questions about a case, and the
report gives '% yes' and a rating per standard, by quarter and by practitioner."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from oocd_panel import audit_trail
from oocd_panel.audit_standards import STANDARDS, Rating, question_pairs, rating_for
from oocd_panel.clock import local_date, utcnow
from oocd_panel.errors import ActionNotAllowed, InvalidInput, NotFound
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
from oocd_panel.text_input import clean_text

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
    try:
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
        session.commit()
    except Exception:
        session.rollback()
        raise
    return audit


def audit_sample(session: Session, manager: User, *, size: int, seed: str) -> list[Referral]:
    """A random sample of cases the manager may audit and nobody has audited yet.

    The same seed (for example the quarter) gives the same sample, so a sample can be worked
    through over several days.
    """
    audited = select(QualityAudit.referral_id)
    candidates = list(
        session.scalars(
            select(Referral)
            .join(Assessment, Assessment.referral_id == Referral.id)
            .where(
                Referral.service_id.in_(manager.service_ids),
                Assessment.status == AssessmentStatus.SIGNED_OFF,
                Referral.id.not_in(audited),
                (Referral.practitioner_id.is_(None)) | (Referral.practitioner_id != manager.id),
            )
            .order_by(Referral.received_on.desc(), Referral.id.desc())
            .limit(500)
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


def _add(row: ReportRow, audit: QualityAudit) -> None:
    row.audits += 1
    for answer in audit.answers:
        if answer.answer is AuditAnswer.NOT_APPLICABLE:
            continue
        cell = row.cells[(answer.standard, answer.question)]
        cell.answered += 1
        cell.yes += answer.answer is AuditAnswer.YES


def audit_report(
    session: Session, user: User, *, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[ReportRow, list[ReportRow], list[ReportRow]]:
    """(all audits, one row per quarter, one row per practitioner) for the user's services."""
    query = (
        select(QualityAudit)
        .join(Referral, Referral.id == QualityAudit.referral_id)
        .where(Referral.service_id.in_(user.service_ids))
        .options(selectinload(QualityAudit.practitioner))
        .order_by(QualityAudit.audited_at)
    )
    audits: Iterable[QualityAudit] = session.scalars(query)
    total = ReportRow("All audits")
    by_quarter: dict[str, ReportRow] = {}
    by_practitioner: dict[str, ReportRow] = {}
    for audit in audits:
        day = local_date(audit.audited_at)
        if (start and day < start) or (end and day > end):
            continue
        quarter = quarter_of(day)
        who = audit.practitioner.full_name if audit.practitioner else "Not allocated"
        for row in (
            total,
            by_quarter.setdefault(quarter, ReportRow(quarter)),
            by_practitioner.setdefault(who, ReportRow(who)),
        ):
            _add(row, audit)
    return total, list(by_quarter.values()), sorted(by_practitioner.values(), key=lambda r: r.label)


def recent_audits(session: Session, user: User, limit: int = 20) -> list[QualityAudit]:
    return list(
        session.scalars(
            select(QualityAudit)
            .join(Referral, Referral.id == QualityAudit.referral_id)
            .where(Referral.service_id.in_(user.service_ids))
            .order_by(QualityAudit.audited_at.desc())
            .limit(limit)
        )
    )
