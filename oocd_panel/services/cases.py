"""Finding cases: the case list with its filters, one case, and each person's work queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from oocd_panel.errors import NotFound
from oocd_panel.models import Child, Referral, ReferralEvent, ReferralStatus, Role, User
from oocd_panel.referral_rules import normalise_police_reference
from oocd_panel.workflow import CASE_READER_ROLES

S = ReferralStatus


@dataclass
class CaseFilters:
    statuses: list[ReferralStatus] = field(default_factory=list)
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    gravity_scores: list[int] = field(default_factory=list)
    search: str = ""
    service_id: int | None = None

    @property
    def active(self) -> bool:
        return bool(
            self.statuses
            or self.received_from
            or self.received_to
            or self.gravity_scores
            or self.search.strip()
            or self.service_id
        )


@dataclass
class Page:
    items: Sequence[Referral]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def can_read_cases(user: User) -> bool:
    return user.has_role(*CASE_READER_ROLES)


def sees_sensitive_details(user: User) -> bool:
    """Health, SEND, neurodiversity and communication needs: YJS staff and the panel only.

    A police officer checking or delivering an outcome does not need them.
    """
    return user.has_role(Role.PRACTITIONER, Role.MANAGER, Role.PANEL_MEMBER)


def _visible(user: User) -> Select[Referral]:
    return (
        select(Referral)
        .join(Referral.child)
        .options(contains_eager(Referral.child))
        .where(Referral.service_id.in_(user.service_ids), Referral.purged_at.is_(None))
    )


def _search_clause(text: str) -> ColumnElement[bool]:
    """Match a police reference from its start, or every word against the child's names."""
    reference = normalise_police_reference(text)
    names = and_(
        *(
            or_(
                func.lower(Child.first_name).startswith(word, autoescape=True),
                func.lower(Child.last_name).startswith(word, autoescape=True),
                func.lower(Child.preferred_name).startswith(word, autoescape=True),
            )
            for word in text.lower().split()
        )
    )
    return or_(Referral.police_reference.startswith(reference, autoescape=True), names)


def list_cases(
    session: Session, user: User, filters: CaseFilters, *, page: int = 1, per_page: int = 25
) -> Page:
    """One page of the cases this user may see, newest first.

    Fetches one row more than a page to know whether there is a next page, instead of
    counting the whole filtered set (which costs more than the page at scale).
    """
    query = _visible(user)
    if filters.service_id:
        query = query.where(Referral.service_id == filters.service_id)
    if filters.statuses:
        query = query.where(Referral.status.in_(filters.statuses))
    if filters.received_from:
        query = query.where(Referral.received_on >= filters.received_from)
    if filters.received_to:
        query = query.where(Referral.received_on <= filters.received_to)
    if filters.gravity_scores:
        query = query.where(Referral.gravity_score.in_(filters.gravity_scores))
    if filters.search.strip():
        query = query.where(_search_clause(filters.search.strip()))
    page = max(page, 1)
    rows = session.scalars(
        query.order_by(Referral.received_on.desc(), Referral.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    return Page(items=rows[:per_page], number=page, has_next=len(rows) > per_page)


def get_case(session: Session, user: User, referral_id: int) -> Referral:
    """A case this user may see, with its child, offences and timeline loaded."""
    referral = session.scalars(
        _visible(user)
        .where(Referral.id == referral_id)
        .options(
            selectinload(Referral.offences),
            selectinload(Referral.events).joinedload(ReferralEvent.actor),
            contains_eager(Referral.child).selectinload(Child.contacts),
            contains_eager(Referral.child).selectinload(Child.referrals),
            selectinload(Referral.practitioner),
        )
    ).one_or_none()
    if referral is None or not can_read_cases(user):
        raise NotFound("There is no such case in your services.")
    return referral


@dataclass
class Queue:
    """A section of 'My work': cases waiting on this person for one reason."""

    key: str
    title: str
    description: str
    cases: Sequence[Referral]
    more: bool
    statuses: tuple[ReferralStatus, ...]


QUEUE_LIMIT = 20


def _queue(
    session: Session,
    user: User,
    key: str,
    title: str,
    description: str,
    statuses: tuple[ReferralStatus, ...],
    *conditions: ColumnElement[bool],
) -> Queue:
    rows = session.scalars(
        _visible(user)
        .where(Referral.status.in_(statuses), *conditions)
        .order_by(Referral.received_on, Referral.id)
        .limit(QUEUE_LIMIT + 1)
    ).all()
    return Queue(key, title, description, rows[:QUEUE_LIMIT], len(rows) > QUEUE_LIMIT, statuses)


def my_work(session: Session, user: User) -> list[Queue]:
    """The cases waiting on this user, oldest first, grouped by what they need to do."""
    queues: list[Queue] = []
    if user.has_role(Role.PRACTITIONER):
        mine = Referral.practitioner_id == user.id
        queues += [
            _queue(
                session,
                user,
                "to_assess",
                "New referrals to assess",
                "Not yet allocated: starting the assessment allocates the case to you.",
                (S.REFERRED,),
            ),
            _queue(
                session,
                user,
                "assessing",
                "Your assessments in progress",
                "Including assessments a manager returned with directions.",
                (S.ASSESSING,),
                mine,
            ),
            _queue(
                session,
                user,
                "notified",
                "Police outcomes to offer support for",
                "The police gave an outcome alone: offer the child voluntary support.",
                (S.NOTIFIED, S.SUPPORT_OFFERED),
            ),
            _queue(
                session,
                user,
                "interventions",
                "Your interventions",
                "Outcomes given and work under way.",
                (S.OUTCOME_DELIVERED, S.INTERVENTION),
                mine,
            ),
        ]
    if user.has_role(Role.MANAGER):
        queues += [
            _queue(
                session,
                user,
                "sign_off",
                "Assessments waiting for sign-off",
                "You cannot sign off an assessment you wrote or submitted.",
                (S.AWAITING_SIGN_OFF,),
                or_(Referral.practitioner_id.is_(None), Referral.practitioner_id != user.id),
            ),
            _queue(
                session,
                user,
                "escalated",
                "Escalations to resolve",
                "The police and YJS decision-makers disagreed.",
                (S.ESCALATED,),
            ),
            _queue(
                session,
                user,
                "unallocated",
                "Referrals not yet allocated",
                "New referrals nobody has started to assess.",
                (S.REFERRED,),
            ),
        ]
    if user.has_role(Role.PANEL_MEMBER):
        queues += [
            _queue(
                session,
                user,
                "panel",
                "Cases for panel",
                "Signed-off assessments waiting for the panel, and cases at panel now.",
                (S.READY_FOR_PANEL, S.AT_PANEL),
            ),
        ]
    if user.has_role(Role.POLICE_OFFICER):
        queues += [
            _queue(
                session,
                user,
                "to_deliver",
                "Decisions to give",
                "The panel has decided: give the outcome and record it.",
                (S.DECIDED,),
            ),
            _queue(
                session,
                user,
                "returned",
                "Returned to the police for a decision",
                "The child declined the outcome, or the conditions were not completed.",
                (S.RETURNED_TO_POLICE,),
            ),
            _queue(
                session,
                user,
                "police_escalated",
                "Escalated cases",
                "A police inspector and a YJS manager need to agree an outcome.",
                (S.ESCALATED,),
            ),
        ]
    return queues
