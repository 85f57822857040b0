"""The subject access record: everything held about one child, gathered as plain data (what
`record.json` and `summary.html` show), and the PDFs of the letters issued."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import assessment_sections, disposals, interventions, kpis, offences
from oocd_panel.catalogue.ethnicity import get as ethnicity
from oocd_panel.catalogue.scrutiny import rating as scrutiny_rating
from oocd_panel.models import (
    AgendaItem,
    Assessment,
    AuditEntry,
    Child,
    Conflict,
    Correction,
    DecisionPoint,
    Delivery,
    Escalation,
    InterventionEnd,
    InterventionNote,
    Letter,
    QualityAudit,
    Referral,
    ScrutinyCase,
    Service,
    User,
    Vote,
)
from oocd_panel.rules.corrections import field_for as correction_field


@dataclass(frozen=True)
class LetterFile:
    path: str
    pdf: bytes


@dataclass(frozen=True)
class SubjectAccess:
    child_id: int
    record: dict[str, Any]
    letters: list[LetterFile]
    filename: str


def gather(
    session: Session, user: User, child: Child, now: dt.datetime
) -> tuple[dict[str, Any], list[LetterFile]]:
    """The child's whole record as made by `user` at `now`, and the letters to go beside it."""
    referrals = list(
        session.scalars(
            select(Referral)
            .where(Referral.child_id == child.id)
            .order_by(Referral.received_on, Referral.id)
        )
    )
    letter_files: list[LetterFile] = []
    cases = []
    for referral in referrals:
        case, files = _case(session, referral)
        cases.append(case)
        letter_files += files
    record: dict[str, Any] = {
        "about_this_export": {
            "service": _service_name(session, child),
            "made_at": _when(now),
            "made_by": f"{user.full_name} ({', '.join(sorted(r.label for r in user.roles))})",
            "cases": len(referrals),
            "letters": len(letter_files),
        },
        "child": _child(child),
        "parents_and_carers": [
            {
                "name": c.full_name,
                "relationship": c.relationship_to_child,
                "phone": c.phone,
                "email": c.email,
                "address": c.address or "Same as the child",
                "parental_responsibility": c.has_parental_responsibility,
                "receives_letters": c.receives_letters,
                "first_language": c.first_language,
                "needs_an_interpreter": c.needs_interpreter,
                "easy_read": c.needs_easy_read,
            }
            for c in child.contacts
        ],
        "cases": cases,
        "corrections": _corrections(session, child),
        "evaluation_records": _decision_points(session, child),
        "who_has_seen_or_changed_the_record": _audit(session, child),
    }
    return record, letter_files


def _service_name(session: Session, child: Child) -> str:
    service = session.get(Service, child.service_id)
    return service.name if service is not None else ""


def _end_of_intervention(ended: InterventionEnd | None) -> dict[str, Any] | None:
    """The KPI facts recorded when the intervention ended, each with its question."""
    if ended is None:
        return None
    return {
        "ended": _when(ended.ended_on),
        "how": _label(ended.ending),
        "recorded_by": _name(ended.recorded_by),
        "recorded_at": _when(ended.recorded_at),
        "answers": {
            q.label: _label(getattr(ended, key))
            for key, q in kpis.QUESTIONS.items()
            if getattr(ended, key) is not None
        },
        "from_the_child_record": {
            "EHCP": _label(ended.ehcp),
            "Looked after": _label(ended.looked_after),
        },
    }


def _label(value: object) -> object:
    label = getattr(value, "label", None)
    if isinstance(value, enum.Enum) and isinstance(label, str):
        return label
    return value


def _when(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    return value.isoformat()


def _disposal(code: str | None) -> str | None:
    found = disposals.find(code)
    return found.name if found is not None else code


def _intervention(code: str) -> str:
    try:
        return interventions.get(code).name
    except KeyError:
        return code


def _name(user: User | None) -> str | None:
    return user.full_name if user is not None else None


def _child(child: Child) -> dict[str, Any]:
    try:
        ethnic = ethnicity(child.ethnicity).full_label
    except KeyError:
        ethnic = child.ethnicity
    return {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "preferred_name": child.preferred_name,
        "date_of_birth": _when(child.date_of_birth),
        "address": ", ".join(
            p for p in (child.address_line_1, child.address_line_2, child.town) if p
        ),
        "postcode": child.postcode,
        "sex": _label(child.sex),
        "ethnicity": ethnic,
        "police_ethnicity_code": child.police_ethnicity_code,
        "care_experience": _label(child.care_experience),
        "special_educational_needs": _label(child.send),
        "neurodivergent": _label(child.neurodivergent),
        "neurodiversity_details": child.neurodiversity_details,
        "first_language": child.first_language,
        "needs_an_interpreter": child.needs_interpreter,
        "interpreter_language": child.interpreter_language,
        "easy_read_letters": child.needs_easy_read,
        "communication_needs": child.communication_needs,
        "record_created": _when(child.created_at),
        "record_last_changed": _when(child.updated_at),
    }


def _answers(content: Mapping[str, Any]) -> dict[str, Any]:
    """Assessment answers under their section titles and question wording."""
    labelled: dict[str, Any] = {}
    for key, answers in content.items():
        section = assessment_sections.SECTIONS_BY_KEY.get(key)
        if section is None or not isinstance(answers, Mapping):
            labelled[key] = answers
            continue
        rows: dict[str, Any] = {}
        for q_key, value in answers.items():
            try:
                question = section.question(q_key)
            except StopIteration:
                rows[q_key] = value
                continue
            if isinstance(value, list):
                rows[question.label] = [question.choice_label(str(v)) for v in value]
            elif isinstance(value, str):
                rows[question.label] = question.choice_label(value)
            else:
                rows[question.label] = value
        labelled[section.title] = rows
    return labelled


def _assessment(session: Session, referral: Referral) -> dict[str, Any] | None:
    assessment = session.scalars(
        select(Assessment).where(Assessment.referral_id == referral.id)
    ).one_or_none()
    if assessment is None:
        return None
    return {
        "status": _label(assessment.status),
        "started": _when(assessment.created_at),
        "last_changed": _when(assessment.updated_at),
        "risk_to_the_child": assessment.safety_rating,
        "risk_to_others": assessment.others_rating,
        "recommended_outcome": _disposal(assessment.recommended_disposal),
        "current_answers": _answers(assessment.answers()),
        "versions": [
            {
                "version": v.number,
                "sent_for_sign_off": _when(v.submitted_at),
                "sent_by": _name(v.submitted_by),
                "answers": _answers(v.content),
                "quality_warnings": list(v.warnings),
                "review": _label(v.outcome) if v.outcome else None,
                "review_comment": v.review_comment,
                "reviewed_by": _name(v.reviewed_by),
                "reviewed_at": _when(v.reviewed_at),
            }
            for v in assessment.versions
        ],
    }


def _panel(session: Session, referral: Referral) -> list[dict[str, Any]]:
    items = session.scalars(
        select(AgendaItem).where(AgendaItem.referral_id == referral.id).order_by(AgendaItem.id)
    ).all()
    return [
        {
            "meeting": _when(item.meeting.starts_at),
            "place": item.meeting.place,
            "status": _label(item.status),
            "decision_rule": item.rule,
            "rule_result": item.rule_note,
            "conflicts_of_interest": [
                {"member": c.member.name, "reason": c.reason, "declared": _when(c.declared_at)}
                for c in session.scalars(
                    select(Conflict).where(Conflict.item_id == item.id).order_by(Conflict.id)
                )
            ],
            "votes": [
                {
                    "member": v.member.name,
                    "agency": _label(v.member.agency),
                    "outcome": _disposal(v.disposal),
                    "interventions": [_intervention(i) for i in v.interventions],
                    "rationale": v.rationale,
                    "recorded_on_their_behalf": v.on_behalf,
                    "cast": _when(v.cast_at),
                }
                for v in session.scalars(
                    select(Vote).where(Vote.item_id == item.id).order_by(Vote.id)
                )
            ],
        }
        for item in items
    ]


def _case(session: Session, referral: Referral) -> tuple[dict[str, Any], list[LetterFile]]:
    decision = referral.decision
    letters = list(
        session.scalars(select(Letter).where(Letter.referral_id == referral.id).order_by(Letter.id))
    )
    reference = re.sub(r"[^A-Za-z0-9]+", "-", referral.police_reference).strip("-") or "case"
    files = [
        LetterFile(f"letters/{reference}-{row.recipient_key}-v{row.number}.pdf", row.pdf)
        for row in letters
        if row.erased_at is None
    ]
    case: dict[str, Any] = {
        "police_reference": referral.police_reference,
        "type": _label(referral.route),
        "status": _label(referral.status),
        "closed_as": _label(referral.closure_reason) if referral.closure_reason else None,
        "closed": _when(referral.closed_at),
        "offence_date": _when(referral.offence_date),
        "received": _when(referral.received_on),
        "assessment_due": _when(referral.assessment_due_on),
        "admission": _label(referral.admission),
        "referring_officer": referral.officer_name,
        "officer_email": referral.officer_email,
        "officer_proposed_outcome": _disposal(referral.proposed_outcome),
        "gravity_score": referral.gravity_score,
        "outcome": _disposal(referral.disposal),
        "outcome_given_on": _when(referral.delivered_on),
        "practitioner": _name(referral.practitioner),
        "offences": [
            {
                "type": offences.label(o.offence_type),
                "what_happened": o.description,
                "gravity_score": o.gravity_score,
            }
            for o in referral.offences
        ],
        "victim": {
            "details": referral.victim_details,
            "views": referral.victim_views,
            "restorative_justice": _label(referral.victim_restorative_wish),
        },
        "timeline": [
            {
                "when": _when(e.occurred_at),
                "what": e.trigger.replace("_", " "),
                "status": _label(e.to_status),
                "by": _name(e.actor),
                "reason": e.reason,
                "details": e.details,
            }
            for e in referral.events
        ],
        "assessment": _assessment(session, referral),
        "panel": _panel(session, referral),
        "escalations": [
            {
                "opened": _when(e.opened_at),
                "police_inspector": _name(e.police_inspector),
                "yjs_manager": _name(e.yjs_manager),
                "police_position": _disposal(e.police_position),
                "yjs_position": _disposal(e.yjs_position),
                "resolved": _when(e.resolved_at),
                "resolution": _disposal(e.resolution),
                "rationale": e.rationale,
                "yjs_manager_agreed": e.yjs_manager_agreed,
                "yjs_manager_view": e.yjs_manager_view,
                "withdrawn": e.withdrawn,
            }
            for e in session.scalars(
                select(Escalation)
                .where(Escalation.referral_id == referral.id)
                .order_by(Escalation.id)
            )
        ],
        "decision": None
        if decision is None
        else {
            "outcome": _disposal(decision.disposal),
            "decided": _when(decision.decided_at),
            "decision_rule": decision.rule,
            "rule_outcome": _disposal(decision.rule_outcome),
            "confirmed_by": _name(decision.confirmed_by),
            "confirmed_on_behalf": decision.confirmed_on_behalf,
            "interventions": [_intervention(i) for i in decision.interventions],
            "conditions": decision.conditions,
            "votes": decision.tally,
            "dissent": decision.dissent,
            "rationale": decision.confirmation_rationale,
            "departure_from_gravity_default": decision.departure_rationale,
        },
        "deliveries": [
            {
                "result": _label(d.outcome),
                "on": _when(d.delivered_on),
                "appropriate_adult_present": d.appropriate_adult_present,
                "appropriate_adult": d.appropriate_adult_name,
                "legal_advice_offered": d.legal_advice_offered,
                "legal_advice_taken": d.legal_advice_taken,
                "admission_confirmed": d.admission_confirmed,
                "consent_signed": d.consent_signed,
                "notes": d.notes,
                "recorded_by": _name(d.recorded_by),
                "recorded_at": _when(d.recorded_at),
            }
            for d in session.scalars(
                select(Delivery).where(Delivery.referral_id == referral.id).order_by(Delivery.id)
            )
        ],
        "intervention_notes": [
            {"written": _when(n.written_at), "by": _name(n.author), "note": n.text}
            for n in session.scalars(
                select(InterventionNote)
                .where(InterventionNote.referral_id == referral.id)
                .order_by(InterventionNote.written_at, InterventionNote.id)
            )
        ],
        "end_of_intervention": _end_of_intervention(
            session.scalars(
                select(InterventionEnd).where(InterventionEnd.referral_id == referral.id)
            ).one_or_none()
        ),
        "quality_audits": [
            {
                "audited": _when(a.audited_at),
                "by": _name(a.auditor),
                "summary": a.summary,
                "answers": [
                    {
                        "standard": x.standard,
                        "question": x.question,
                        "answer": _label(x.answer),
                        "comment": x.comment,
                    }
                    for x in sorted(a.answers, key=lambda x: (x.standard, x.question))
                ],
            }
            for a in session.scalars(
                select(QualityAudit)
                .where(QualityAudit.referral_id == referral.id)
                .order_by(QualityAudit.id)
            )
        ],
        "scrutiny_panel_reviews": [
            {
                "sample": c.sample_id,
                "case": c.label,
                "texts_as_redacted": {
                    r.text_key: {"text": r.text, "confirmed_by": _name(r.confirmed_by)}
                    for r in c.redactions
                },
                "rating": scrutiny_rating(c.rating.rating).label if c.rating else None,
                "comments": c.rating.comments if c.rating else None,
                "meeting": _when(c.rating.meeting_on) if c.rating else None,
            }
            for c in session.scalars(
                select(ScrutinyCase)
                .where(ScrutinyCase.referral_id == referral.id)
                .order_by(ScrutinyCase.id)
            )
        ],
        "letters": [
            {
                "to": row.recipient_name,
                "address": row.address,
                "kind": row.variant.replace("_", " "),
                "version": row.number,
                "issued": _when(row.issued_at),
                "issued_by": _name(row.issued_by),
                "sha256": row.sha256,
                "file": f"letters/{reference}-{row.recipient_key}-v{row.number}.pdf"
                if row.erased_at is None
                else None,
            }
            for row in letters
        ],
    }
    return case, files


def _corrections(session: Session, child: Child) -> list[dict[str, Any]]:
    """Every correction of the child's details and their cases' facts, with what it replaced."""
    rows = session.scalars(
        select(Correction)
        .where(Correction.child_id == child.id)
        .order_by(Correction.corrected_at, Correction.id)
    )
    references = {
        r.id: r.police_reference
        for r in session.scalars(select(Referral).where(Referral.child_id == child.id))
    }
    return [
        {
            "case": references.get(c.referral_id) if c.referral_id else None,
            "what": f"{c.record_type}: {correction_field(c.record_type, c.field).label}",
            "was": c.old_value,
            "now": c.new_value,
            "why": c.reason.label,
            "note": c.note,
            "corrected_by": _name(c.corrected_by),
            "corrected_at": _when(c.corrected_at),
        }
        for c in rows
    ]


def _decision_points(session: Session, child: Child) -> list[dict[str, Any]]:
    """The facts kept for evaluating fairness, with the characteristics recorded then."""
    rows = session.scalars(
        select(DecisionPoint)
        .where(DecisionPoint.child_id == child.id)
        .order_by(DecisionPoint.occurred_on, DecisionPoint.id)
    )
    return [
        {
            "point": p.point.replace("_", " "),
            "on": _when(p.occurred_on),
            "age": p.age,
            "age_band": p.age_band,
            "sex": p.sex,
            "ethnicity": p.ethnicity,
            "care_experience": p.care_experience,
            "special_educational_needs": p.send,
            "neurodivergent": p.neurodivergent,
            "first_time_entrant": p.first_time_entrant,
            "gravity_score": p.gravity_score,
            "outcome": _disposal(p.disposal),
        }
        for p in rows
    ]


def _audit(session: Session, child: Child) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.child_id == child.id).order_by(AuditEntry.id)
    )
    return [
        {
            "when": _when(e.at),
            "who": _name(e.actor) or "The system",
            "what": e.action.replace("_", " "),
            "record": f"{e.record_type.replace('_', ' ')} {e.record_id}",
            "details": e.details,
        }
        for e in rows
    ]
