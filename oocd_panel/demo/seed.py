"""Synthetic demo data: services, one demo user per role, and a realistic cohort of referrals.

The cohort is planned in `cohort` (everything there is invented). Up to a few hundred
referrals, every one is carried through the real workflow (`take_action`), so its timeline,
snapshots and status are exactly what the product itself writes. A larger cohort starts the same
way, so every page has cases made by the workflow, and `bulk` writes the rest: the same rows
for the same plans, in bulk.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals
from oocd_panel.demo.bulk import BulkResult, seed_bulk
from oocd_panel.demo.cohort import Cohort, ReferralPlan, Step, audit_answers, audited_at
from oocd_panel.demo.kpi_facts import end_answers
from oocd_panel.demo.panels import conditions_for, confirm, departure_reason, to_panel, vote
from oocd_panel.models import (
    Agency,
    Assessment,
    AssessmentStatus,
    Referral,
    ReferralStatus,
    Role,
    Service,
    User,
)
from oocd_panel.plumbing.clock import local_date, local_today, utcnow
from oocd_panel.rules.intervention_end import ends_intervention
from oocd_panel.services import letter_wording, panels, police, two_factor, wording_approval
from oocd_panel.services.accounts import create_user, find_by_email
from oocd_panel.services.actions import take_action
from oocd_panel.services.assessments import save_section
from oocd_panel.services.audits import record_audit
from oocd_panel.services.interventions import add_note, end_intervention
from oocd_panel.services.referrals import create_referral
from oocd_panel.workflow import current_item

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (printed for the synthetic demo only)
# Demo administrators and managers sign in with two-factor like everyone in their roles: their
# authenticator key is published with the demo password (`flask demo-sign-ins`), and
# `flask demo-code` prints the current code. There is no switch that turns two-factor off.
DEMO_TOTP_SECRET = "DEMOTWOFACTORKEYSYNTHETICDATAXYZ"  # noqa: S105 (synthetic demo only)

SERVICES = (
    ("northbrook", "Northbrook Youth Justice Service"),
    ("eastmere", "Eastmere Youth Justice Service"),
)
# Northbrook keeps the default joint rule; Eastmere shows the majority rule.
SERVICE_SETTINGS = {"eastmere": {"decision_rule": "majority"}}


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    roles: tuple[Role, ...]
    agency: Agency | None
    services: tuple[str, ...]
    note: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "practitioner@example.org",
        "Robin Adeyemi",
        (Role.PRACTITIONER,),
        Agency.YJS,
        ("northbrook",),
        "writes pre-panel assessments",
    ),
    DemoUser(
        "practitioner2@example.org",
        "Casey Lindqvist",
        (Role.PRACTITIONER,),
        Agency.YJS,
        ("northbrook",),
        "a second practitioner",
    ),
    DemoUser(
        "practitioner.eastmere@example.org",
        "Alex Varga",
        (Role.PRACTITIONER,),
        Agency.YJS,
        ("eastmere",),
        "practitioner in Eastmere only",
    ),
    DemoUser(
        "manager@example.org",
        "Morgan Achterberg",
        (Role.MANAGER,),
        Agency.YJS,
        ("northbrook",),
        "signs off assessments, resolves escalations",
    ),
    DemoUser(
        "manager2@example.org",
        "Dana Szymanska",
        (Role.MANAGER,),
        Agency.YJS,
        ("northbrook", "eastmere"),
        "a second manager, covers both services",
    ),
    DemoUser(
        "panel.police@example.org",
        "Sergeant Avery Quinlan",
        (Role.PANEL_MEMBER,),
        Agency.POLICE,
        ("northbrook",),
        "police decision-maker on the panel",
    ),
    DemoUser(
        "panel.eastmere@example.org",
        "Inspector Quinn Adebayo",
        (Role.PANEL_MEMBER,),
        Agency.POLICE,
        ("eastmere",),
        "police decision-maker on Eastmere's panel",
    ),
    DemoUser(
        "panel.yjs@example.org",
        "Jules Oyelaran",
        (Role.PANEL_MEMBER,),
        Agency.YJS,
        ("northbrook",),
        "YJS decision-maker on the panel",
    ),
    DemoUser(
        "panel.health@example.org",
        "Dr Rowan Petrakis",
        (Role.PANEL_MEMBER,),
        Agency.HEALTH,
        ("northbrook",),
        "health adviser on the panel",
    ),
    DemoUser(
        "police@example.org",
        "PC Harper Nkemelu",
        (Role.POLICE_OFFICER,),
        Agency.POLICE,
        ("northbrook", "eastmere"),
        "checks outcomes and records delivery, both services",
    ),
    DemoUser(
        "inspector@example.org",
        "Inspector Jo Ferris",
        (Role.POLICE_OFFICER, Role.POLICE_INSPECTOR),
        Agency.POLICE,
        ("northbrook", "eastmere"),
        "police inspector who resolves escalations",
    ),
    DemoUser(
        "analyst@example.org",
        "Sasha Whitlow",
        (Role.ANALYST,),
        None,
        ("northbrook", "eastmere"),
        "evaluation and reports",
    ),
    DemoUser(
        "admin@example.org",
        "Kit Marchetti",
        (Role.ADMIN,),
        None,
        ("northbrook", "eastmere"),
        "users and settings",
    ),
)


def ensure_services(session: Session) -> dict[str, Service]:
    found = {s.slug: s for s in session.scalars(select(Service))}
    for slug, name in SERVICES:
        if slug not in found:
            found[slug] = Service(slug=slug, name=name, settings=SERVICE_SETTINGS.get(slug, {}))
            session.add(found[slug])
    session.commit()
    return found


def ensure_demo_users(session: Session, services: dict[str, Service]) -> dict[str, User]:
    users: dict[str, User] = {}
    for demo in DEMO_USERS:
        user = find_by_email(session, demo.email)
        if user is None:
            user = create_user(
                session,
                email=demo.email,
                full_name=demo.full_name,
                password=DEMO_PASSWORD,
                roles=demo.roles,
                services=[services[s] for s in demo.services],
                agency=demo.agency,
            )
        if two_factor.must_set_up(user):
            two_factor.set_up_with_secret(session, user, DEMO_TOTP_SECRET)
        users[demo.email] = user
    return users


def seed_referrals(
    session: Session,
    *,
    count: int,
    seed: int,
    users: dict[str, User],
    services: dict[str, Service],
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Create `count` referrals (deterministic for a given seed and today). Returns how many."""
    cohort = Cohort(services, users, today or local_today(), seed)
    for done, plan in enumerate(cohort.plans(count), start=1):
        carry_out(session, plan)
        if progress:
            progress(done)
    return count


def carry_out(session: Session, plan: ReferralPlan) -> Referral:
    """Carry one planned referral through the real workflow, step by step."""
    referral, _ = create_referral(session, plan.cast.police, plan.data, now=plan.entered_at)
    for index, step in enumerate(plan.steps):
        if step.trigger == "submit_for_sign_off":
            _write_assessment(session, step.actor, referral, plan.answers)
        if not _panel_step(session, plan, referral, step):
            take_action(
                session,
                referral_id=referral.id,
                trigger=step.trigger,
                actor=step.actor,
                expected_version=None,
                reason=step.reason,
                now=step.moment,
            )
        for moment, text in plan.notes.get(index, []):
            add_note(session, step.actor, referral_id=referral.id, text=text, now=moment)
    return referral


def _panel_step(session: Session, plan: ReferralPlan, referral: Referral, step: Step) -> bool:
    """Steps that happen at a panel or at the police station, through their own services."""
    panel, moment = plan.cast.panel, step.moment
    if step.trigger == "take_to_panel":
        to_panel(session, panel, referral, moment, starts_at=plan.meeting_start)
    elif step.trigger in {"decide", "escalate"}:
        item = current_item(referral)
        assert item is not None
        assert step.disposal is not None
        if step.trigger == "decide":
            vote(session, panel, item, step.disposal, moment)
            confirm(session, panel, item, step.disposal, moment)
        else:
            vote(session, panel, item, step.disposal, moment, police_vote=other(step.disposal))
    elif step.trigger == "resolve_escalation":
        assert step.disposal is not None
        panels.propose_resolution(
            session,
            step.actor,
            referral_id=referral.id,
            given=panels.DecisionInput(
                step.disposal,
                ("one_to_one",),
                conditions_for(step.disposal, local_date(moment)),
                ESCALATION_RESOLUTION,
                departure_reason(referral, step.disposal),
            ),
            expected_version=None,
            now=moment,
        )
        escalation = referral.open_escalation
        assert escalation is not None
        panels.answer_resolution(
            session,
            escalation.yjs_manager,
            referral_id=referral.id,
            agreed=True,
            expected_version=None,
            now=moment,
        )
    elif ends_intervention(step.trigger, referral.status):
        end_intervention(
            session,
            step.actor,
            referral_id=referral.id,
            trigger=step.trigger,
            answers=end_answers(
                plan.number, plan.child, plan.data.victim_restorative_wish, step.trigger
            ),
            reason=step.reason,
            expected_version=None,
            now=moment,
        )
    elif step.trigger == "record_delivery":
        police.record_delivery(
            session,
            step.actor,
            referral_id=referral.id,
            given=delivery_for(referral, local_date(moment)),
            expected_version=None,
            now=moment,
        )
    else:
        return False
    return True


ESCALATION_RESOLUTION = (
    "The inspector and the YJS manager met and agreed the YJS recommendation: the "
    "assessment shows the child is being exploited."
)


def other(disposal: str) -> str:
    """What the police decision-maker votes for when the panel's vote escalates."""
    return "youth_caution" if disposal != "youth_caution" else "community_resolution"


def delivery_for(referral: Referral, day: dt.date) -> police.DeliveryInput:
    """A delivery record with what the outcome needs: appropriate adult, advice, consent."""
    caution = referral.disposal in police.CAUTIONS
    found = disposals.find(referral.disposal)
    conditional = found is not None and found.work is disposals.Work.CONDITIONAL
    return police.DeliveryInput(
        outcome="given",
        delivered_on=day,
        appropriate_adult_present=True if caution else None,
        appropriate_adult_name=referral.child.contacts[0].full_name
        if caution and referral.child.contacts
        else ("Duty appropriate adult" if caution else None),
        legal_advice_offered=True if caution else None,
        legal_advice_taken=False if caution else None,
        admission_confirmed=True,
        consent_signed=True if conditional else None,
    )


def _write_assessment(
    session: Session, author: User, referral: Referral, answers: dict[str, dict[str, Any]]
) -> None:
    """Complete every section of the assessment, as the practitioner would."""
    for key, section_answers in answers.items():
        current = referral.assessment.section(key) if referral.assessment else None
        save_section(
            session,
            author,
            referral_id=referral.id,
            key=key,
            answers=section_answers,
            mark_completed=True,
            expected_version=current.version if current else None,
        )


def seed_audits(
    session: Session, users: dict[str, User], rng: random.Random, *, after_id: int = 0
) -> int:
    """Audit about a third of the signed-off cases (of those after `after_id`), as their
    service's managers would."""
    auditors = [users["manager@example.org"], users["manager2@example.org"]]
    signed_off = session.scalars(
        select(Referral)
        .join(Assessment, Assessment.referral_id == Referral.id)
        .where(Assessment.status == AssessmentStatus.SIGNED_OFF, Referral.id > after_id)
        .order_by(Referral.id)
    ).all()
    done = 0
    for referral in signed_off:
        if rng.random() > 0.35:
            continue
        auditor = next((a for a in auditors if referral.service_id in a.service_ids), auditors[0])
        delivered = referral.status in {ReferralStatus.INTERVENTION, ReferralStatus.CLOSED}
        answers = audit_answers(rng, delivered=delivered)
        when = audited_at(rng, referral.events[-1].occurred_at, utcnow())
        record_audit(session, auditor, referral_id=referral.id, answers=answers, now=when)
        done += 1
    return done


def referral_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Referral)) or 0


# Numbers from Ofcom's range for drama, so they can never reach a real person.
LETTER_CONTACTS = {
    "northbrook": ("01632 960 101", "youth.justice@northbrook.example"),
    "eastmere": ("01632 960 202", "youth.justice@eastmere.example"),
}


def ensure_letter_contacts(
    session: Session, services: dict[str, Service], users: dict[str, User]
) -> None:
    """Who letters tell families to contact: drafted by the demo administrator and approved by
    a demo manager of the service, as any change of the wording is."""
    admin = next(u for u in users.values() if u.has_role(Role.ADMIN))
    for slug, (phone, email) in LETTER_CONTACTS.items():
        service = services.get(slug)
        if service is None or service.id not in admin.service_ids:
            continue
        if admin_has_set(session, service):
            continue
        manager = next(
            (u for u in users.values() if u.has_role(Role.MANAGER) and service.id in u.service_ids),
            None,
        )
        if manager is None or letter_wording.open_draft(session, service.id) is not None:
            continue
        saved = letter_wording.save_wording(
            session,
            admin,
            service_id=service.id,
            values={"contact:phone": phone, "contact:email": email},
        )
        assert saved.draft is not None
        wording_approval.approve(
            session,
            manager,
            service_id=service.id,
            draft_id=saved.draft.id,
            revision=saved.draft.revision,
        )


def admin_has_set(session: Session, service: Service) -> bool:
    return bool(letter_wording.current_values(session, service)["contact:phone"])


# Up to this many referrals, every one goes through the workflow; above it, the first
# WORKFLOW_FIRST do and the rest are written in bulk.
BULK_ABOVE = 500
WORKFLOW_FIRST = 200
# The years of history a bulk cohort spans.
BULK_YEARS = 5
# From this many bulk referrals, the rows are made in a second process while this one writes
# (below it, starting the process costs more than it saves).
BUILD_APART_FROM = 10_000


@dataclass
class Seeded:
    users: dict[str, User]
    through_workflow: int
    bulk: BulkResult | None


def seed_demo(
    session: Session,
    *,
    referrals: int,
    seed: int,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Seeded:
    """Demo services, users and `referrals` referrals: through the workflow, then in bulk."""
    today = today or local_today()
    services = ensure_services(session)
    users = ensure_demo_users(session, services)
    ensure_letter_contacts(session, services, users)
    before = session.scalar(select(func.max(Referral.id))) or 0
    first = referrals if referrals <= BULK_ABOVE else WORKFLOW_FIRST
    seed_referrals(
        session,
        count=first,
        seed=seed,
        users=users,
        services=services,
        today=today,
        progress=progress,
    )
    seed_audits(session, users, random.Random(seed), after_id=before)
    bulk = None
    if referrals > first:
        count = referrals - first
        cohort = Cohort(services, users, today, seed + 1, years=BULK_YEARS, first_number=first)
        bulk = seed_bulk(
            session,
            cohort.plans(count),
            users=users,
            seed=seed,
            today=today,
            progress=(lambda done: progress(first + done)) if progress else None,
            # Dropping the indexes and making them again pays when the load at least doubles
            # the referrals (it re-sorts whatever was there before too).
            rebuild_indexes=count >= before + first,
            build_apart=count >= BUILD_APART_FROM,
        )
    return Seeded(users, first, bulk)
