"""The pre-panel assessment: saving sections, submitting for sign-off, and the manager's review.

Saving a section never loses work: answers are stored as a draft even when the section cannot
yet be marked completed, and the problems are returned to show. Submitting and reviewing go
through `take_action`, so the case only moves through the workflow's rules, and the version
written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.catalogue.assessment_sections import SECTIONS, SECTIONS_BY_KEY, Kind, Section
from oocd_panel.models import (
    Assessment,
    AssessmentSection,
    AssessmentStatus,
    AssessmentVersion,
    Referral,
    ReferralStatus,
    ReviewOutcome,
    Role,
    User,
)
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, DomainError, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules import assessment_quality
from oocd_panel.rules.assessment_quality import Problem
from oocd_panel.services import audit_trail
from oocd_panel.services.actions import take_action

EDITOR_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER})
READER_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.PANEL_MEMBER})


class SectionChanged(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "Someone else saved this section while you had it open, so your changes were not "
            "saved. Your text is shown below: check it against what is saved now and save again."
        )


class QualityGateFailed(DomainError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("The assessment is not ready for sign-off.")
        self.problems = problems


class SectionStatus:
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"


def section_status(section: AssessmentSection | None) -> str:
    if section is None or not any(_present(v) for v in section.answers.values()):
        return SectionStatus.NOT_STARTED
    return SectionStatus.COMPLETED if section.completed else SectionStatus.IN_PROGRESS


def _present(value: Any) -> bool:
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def _referral(session: Session, user: User, referral_id: int, roles: frozenset[Role]) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None or referral.service_id not in user.service_ids:
        raise NotFound("There is no such case in your services.")
    if not user.has_role(*roles):
        raise ActionNotAllowed("Your role cannot see or change this assessment.")
    return referral


def read_assessment(session: Session, user: User, referral_id: int) -> Referral:
    """The referral, for someone who may read its assessment (YJS staff and the panel)."""
    return _referral(session, user, referral_id, READER_ROLES)


def is_editable(referral: Referral) -> bool:
    """Sections can be changed while the case is being assessed (and never once signed off)."""
    assessment = referral.assessment
    signed_off = assessment is not None and assessment.status is AssessmentStatus.SIGNED_OFF
    return referral.status is ReferralStatus.ASSESSING and not signed_off


def clean_answers(section: Section, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Only the section's own questions, each checked against its kind. Raises InvalidInput."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in section.questions:
        value = raw.get(q.key)
        allowed = {code for code, _ in q.choices}
        if q.kind is Kind.MULTI:
            values = [v for v in (value or []) if v]
            if any(v not in allowed for v in values):
                errors[q.key] = f"Select options for '{q.label}' from the list"  # noqa: S608
            answers[q.key] = [v for v in values if v in allowed]
        elif q.kind in (Kind.CHOICE, Kind.SELECT):
            text = clean_text(value) if isinstance(value, str) else ""
            if text and text not in allowed:
                errors[q.key] = f"Select an answer for '{q.label}' from the list"  # noqa: S608
                text = ""
            answers[q.key] = text
        else:
            text = clean_text(value) if isinstance(value, str) else ""
            if len(text) > q.max_length:
                errors[q.key] = f"'{q.label}' must be {q.max_length:,} characters or fewer"
            answers[q.key] = text
    if errors:
        raise InvalidInput(errors)
    return answers


@dataclass
class SaveResult:
    section: AssessmentSection
    problems: list[Problem]


def save_section(
    session: Session,
    user: User,
    *,
    referral_id: int,
    key: str,
    answers: Mapping[str, Any],
    mark_completed: bool,
    expected_version: int | None,
) -> SaveResult:
    """Save a section's answers as a draft; mark it completed only if it passes its checks."""
    section_def = SECTIONS_BY_KEY.get(key)
    if section_def is None:
        raise NotFound("There is no such section.")
    with unit_of_work(session, changed=SectionChanged):
        referral = _referral(session, user, referral_id, EDITOR_ROLES)
        if not is_editable(referral):
            raise ActionNotAllowed(
                f"The assessment cannot be changed now: the case is '{referral.status.label}'."
            )
        cleaned = clean_answers(section_def, answers)
        assessment = referral.assessment
        if assessment is None:
            assessment = Assessment(status=AssessmentStatus.DRAFT)
            referral.assessment = assessment
        row = assessment.section(key)
        if row is None:
            if expected_version not in (None, 0):
                raise SectionChanged()
            row = AssessmentSection(key=key)
            assessment.sections.append(row)
        elif expected_version is not None and row.version != expected_version:
            raise SectionChanged()
        problems = (
            assessment_quality.section_problems(section_def, cleaned) if mark_completed else []
        )
        row.answers = cleaned
        row.completed = mark_completed and not problems
        row.updated_by_id = user.id
        row.updated_at = utcnow()
        if user.id not in (assessment.contributor_ids or []):
            assessment.contributor_ids = [*(assessment.contributor_ids or []), user.id]
        audit_trail.record(
            session,
            actor=user,
            action="change",
            record_type="assessment_section",
            record_id=referral_id,
            child_id=referral.child_id,
            details={"section": key, "completed": row.completed},
        )
    return SaveResult(row, problems)


def statuses(assessment: Assessment | None) -> dict[str, str]:
    return {
        s.key: section_status(assessment.section(s.key) if assessment else None) for s in SECTIONS
    }


def check_for_submission(referral: Referral) -> tuple[list[Problem], list[Problem]]:
    """(blocking problems, warnings) for sending the assessment for sign-off."""
    assessment = referral.assessment
    answers = assessment.answers() if assessment else {}
    return (
        assessment_quality.problems_before_submission(assessment),
        assessment_quality.warnings(answers, referral.gravity_score),
    )


def submit(
    session: Session, user: User, *, referral_id: int, expected_version: int | None
) -> Referral:
    """Send the assessment for sign-off, keeping what was sent as a new version."""
    referral = _referral(session, user, referral_id, EDITOR_ROLES)
    problems, _ = check_for_submission(referral)
    if problems:
        raise QualityGateFailed(problems)
    return take_action(
        session,
        referral_id=referral_id,
        trigger="submit_for_sign_off",
        actor=user,
        expected_version=expected_version,
    )


def review(
    session: Session,
    user: User,
    *,
    referral_id: int,
    outcome: ReviewOutcome,
    comment: str | None,
    expected_version: int | None,
) -> Referral:
    """A manager signs the submitted assessment off, or returns it with directions.

    Both need a comment; the workflow records it on the version that was reviewed.
    """
    trigger = "sign_off" if outcome is ReviewOutcome.SIGNED_OFF else "return_for_rework"
    return take_action(
        session,
        referral_id=referral_id,
        trigger=trigger,
        actor=user,
        expected_version=expected_version,
        reason=comment,
    )


@dataclass(frozen=True)
class Change:
    section: str
    question: str
    before: str
    after: str


def display_value(section_key: str, question_key: str, value: Any) -> str:
    """An answer as a person reads it: choice labels, lists joined, blanks said."""
    question = SECTIONS_BY_KEY[section_key].question(question_key)
    if isinstance(value, list):
        return ", ".join(question.choice_label(v) for v in value) or "(none)"
    if not value:
        return "(blank)"
    if question.kind in (Kind.CHOICE, Kind.SELECT):
        return question.choice_label(str(value))
    return str(value)


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Every answer that differs between two versions' content, in section order."""
    found = []
    for section in SECTIONS:
        old, new = before.get(section.key, {}), after.get(section.key, {})
        for q in section.questions:
            if (old.get(q.key) or None) != (new.get(q.key) or None):
                found.append(
                    Change(
                        section.title,
                        q.label,
                        display_value(section.key, q.key, old.get(q.key)),
                        display_value(section.key, q.key, new.get(q.key)),
                    )
                )
    return found


def version(session: Session, referral: Referral, number: int) -> AssessmentVersion:
    if referral.assessment is None:
        raise NotFound("This case has no submitted assessment.")
    found = session.scalars(
        select(AssessmentVersion).where(
            AssessmentVersion.assessment_id == referral.assessment.id,
            AssessmentVersion.number == number,
        )
    ).one_or_none()
    if found is None:
        raise NotFound("There is no such version of the assessment.")
    return found
