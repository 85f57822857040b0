"""Entering a new referral (or a notification of an outcome the police gave alone)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import ethnicity
from oocd_panel.models import (
    Admission,
    CareExperience,
    Child,
    Contact,
    Offence,
    Referral,
    ReferralStatus,
    RestorativeWish,
    Route,
    SendStatus,
    Service,
    Sex,
    User,
    YesNoUnknown,
)
from oocd_panel.plumbing.clock import local_date, utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules.referral_rules import (
    ChildDetails,
    NewReferral,
    normalise_police_reference,
    validate,
)
from oocd_panel.rules.service_settings import settings_for
from oocd_panel.rules.working_days import add_working_days
from oocd_panel.services.events import record_event
from oocd_panel.workflow import REFERRER_ROLES


def _clean(value: str | None) -> str | None:
    return clean_text(value) or None


def find_matching_child(session: Session, service_id: int, details: ChildDetails) -> Child | None:
    """A child of the same service with the same names and date of birth, if one exists."""
    return session.scalars(
        select(Child)
        .where(
            Child.service_id == service_id,
            Child.purged_at.is_(None),
            Child.date_of_birth == details.date_of_birth,
            func.lower(Child.first_name) == details.first_name.strip().lower(),
            func.lower(Child.last_name) == details.last_name.strip().lower(),
        )
        .order_by(Child.id)
        .limit(1)
    ).first()


def child_values(d: ChildDetails) -> dict[str, Any]:
    """The values a child's record takes from `d`: trimmed, optional text None when blank, the
    postcode upper case, ethnicity from the police code when only that was given, and the
    interpreter's language only where one is needed. A new child and a corrected one alike."""
    ethnicity_code = d.ethnicity or ethnicity.from_police_code(d.police_ethnicity_code or "NS").code
    return {
        "first_name": clean_text(d.first_name),
        "last_name": clean_text(d.last_name),
        "preferred_name": _clean(d.preferred_name),
        "date_of_birth": d.date_of_birth,
        "address_line_1": clean_text(d.address_line_1),
        "address_line_2": _clean(d.address_line_2),
        "town": clean_text(d.town),
        "postcode": " ".join(clean_text(d.postcode).split()).upper(),
        "sex": Sex(d.sex),
        "ethnicity": ethnicity_code,
        "police_ethnicity_code": _clean(d.police_ethnicity_code),
        "care_experience": CareExperience(d.care_experience),
        "send": SendStatus(d.send),
        "neurodivergent": YesNoUnknown(d.neurodivergent),
        "neurodiversity_details": _clean(d.neurodiversity_details),
        "first_language": _clean(d.first_language) or "English",
        "needs_interpreter": d.needs_interpreter,
        "interpreter_language": _clean(d.interpreter_language) if d.needs_interpreter else None,
        "needs_easy_read": d.needs_easy_read,
        "communication_needs": _clean(d.communication_needs),
    }


def _new_child(service_id: int, d: ChildDetails) -> Child:
    assert d.date_of_birth is not None
    return Child(service_id=service_id, **child_values(d))


def create_referral(
    session: Session, actor: User, data: NewReferral, *, now: dt.datetime | None = None
) -> tuple[Referral, bool]:
    """Save a new referral in one transaction. Returns it and whether an existing child was used.

    Raises InvalidInput (nothing saved) naming each field at fault, or ActionNotAllowed.
    `now` is when it was entered (default: now); the demo data uses it to make history.
    """
    now = now or utcnow()
    today = local_date(now)
    if not actor.has_role(*REFERRER_ROLES):
        raise ActionNotAllowed("Only police officers and YJS staff can enter referrals.")
    if data.service_id not in actor.service_ids:
        raise ActionNotAllowed("You can only enter referrals for a service you work for.")

    child: Child | None = None
    if data.existing_child_id is not None:
        child = session.get(Child, data.existing_child_id)
        if child is None or child.service_id != data.service_id or child.purged_at is not None:
            raise NotFound("That child is not known to this service.")
    errors = validate(data, today, born=child.date_of_birth if child else None)
    if errors:
        raise InvalidInput(errors)

    linked_existing = False
    with unit_of_work(session):
        if child is None:
            assert data.child is not None
            child = find_matching_child(session, data.service_id, data.child)
            linked_existing = child is not None
            if child is None:
                child = _new_child(data.service_id, data.child)
                if data.contact is not None:
                    c = data.contact
                    child.contacts.append(
                        Contact(
                            full_name=c.full_name.strip(),
                            relationship_to_child=c.relationship_to_child.strip(),
                            phone=_clean(c.phone),
                            email=_clean(c.email),
                            address=_clean(c.address),
                            has_parental_responsibility=c.has_parental_responsibility,
                            receives_letters=c.receives_letters,
                        )
                    )
                session.add(child)
        notification = data.route is Route.NOTIFICATION
        service = session.get(Service, data.service_id)
        assert service is not None
        due_days = settings_for(service).assessment_due_working_days
        # validate() has checked these are present.
        assert data.route is not None
        assert data.offence_date is not None
        assert data.received_on is not None
        referral = Referral(
            service_id=data.service_id,
            child=child,
            route=data.route,
            police_reference=normalise_police_reference(data.police_reference),
            offence_date=data.offence_date,
            received_on=data.received_on,
            assessment_due_on=None
            if notification
            else add_working_days(data.received_on, due_days),
            admission=Admission(data.admission),
            officer_name=data.officer_name.strip(),
            officer_email=_clean(data.officer_email),
            referred_by_id=actor.id,
            proposed_outcome=data.proposed_outcome or data.police_outcome or "",
            gravity_score=max(o.gravity_score or 1 for o in data.offences),
            victim_details=_clean(data.victim_details),
            victim_views=_clean(data.victim_views),
            victim_restorative_wish=RestorativeWish(data.victim_restorative_wish),
            status=ReferralStatus.NOTIFIED if notification else ReferralStatus.REFERRED,
            disposal=data.police_outcome if notification else None,
            offences=[
                Offence(
                    position=i,
                    offence_type=o.offence_type,
                    description=o.description.strip(),
                    gravity_score=o.gravity_score or 1,
                )
                for i, o in enumerate(data.offences)
            ],
        )
        referral.created_at = now
        session.add(referral)
        session.flush()
        record_event(
            referral,
            trigger="notify" if notification else "refer",
            from_status=None,
            actor=actor,
            at=now,
        )
    return referral, linked_existing
