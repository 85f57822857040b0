"""Finding cases: the case list with its filters, one case, and each person's work queue."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    and_,
    bindparam,
    false,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import (
    Session,
    contains_eager,
    joinedload,
    lazyload,
    load_only,
    selectinload,
)

from oocd_panel.models import (
    Assessment,
    Child,
    Decision,
    Delivery,
    Escalation,
    InterventionNote,
    Letter,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Role,
    User,
)
from oocd_panel.plumbing.errors import NotFound
from oocd_panel.rules.referral_rules import normalise_police_reference
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


@dataclass(frozen=True)
class Cursor:
    """Where a page of the case list starts or ends: (date received, id), newest first."""

    received_on: dt.date
    id: int

    def __str__(self) -> str:
        return f"{self.received_on.isoformat()}.{self.id}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        try:
            day, _, number = (text or "").partition(".")
            found = cls(dt.date.fromisoformat(day), int(number))
        except ValueError:
            return None
        return found if 0 <= found.id < 2**63 else None  # a database integer


@dataclass
class Page:
    """One page of the case list. It knows whether there are more cases after it (it fetches
    one more than it shows) but never counts them all: at scale a count of the filtered set
    costs more than the page itself."""

    items: Sequence[Referral]
    # The position of the first case shown (1 on the first page), for "Showing 26 to 50".
    first: int
    has_next: bool
    has_previous: bool

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1

    @property
    def next_cursor(self) -> Cursor | None:
        return _cursor(self.items[-1]) if self.has_next and self.items else None

    @property
    def previous_cursor(self) -> Cursor | None:
        return _cursor(self.items[0]) if self.has_previous and self.items else None


def _cursor(referral: Referral) -> Cursor:
    return Cursor(referral.received_on, referral.id)


def can_read_cases(user: User) -> bool:
    return user.has_role(*CASE_READER_ROLES)


def sees_sensitive_details(user: User) -> bool:
    """Health, SEND, neurodiversity and communication needs: YJS staff and the panel only.

    A police officer checking or delivering an outcome does not need them.
    """
    return user.has_role(Role.PRACTITIONER, Role.MANAGER, Role.PANEL_MEMBER)


def is_reference(text: str) -> bool:
    """A search with a digit in it is a police reference (names have none)."""
    return any(c.isdigit() for c in text)


def reference_clause(reference: str) -> ColumnElement[bool]:
    """Police references starting with `reference` (stored upper-case), found through the
    index: a range of the index in code-point order (SQLite; a "C" collation on PostgreSQL),
    with LIKE keeping the exact meaning."""
    reference = normalise_police_reference(reference)
    above = reference[:-1] + chr(ord(reference[-1]) + 1)
    return and_(
        Referral.police_reference >= reference,
        Referral.police_reference < above,
        Referral.police_reference.startswith(reference, autoescape=True),
    )


def _names_clause(text: str) -> ColumnElement[bool]:
    """Every word of `text` starts one of the child's names."""
    return and_(
        *(
            or_(
                func.lower(Child.first_name).startswith(word, autoescape=True),
                func.lower(Child.last_name).startswith(word, autoescape=True),
                func.lower(Child.preferred_name).startswith(word, autoescape=True),
            )
            for word in text.lower().split()
        )
    )


def _newest_first(newest: bool) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    if newest:
        return Referral.received_on.desc(), Referral.id.desc()
    return Referral.received_on.asc(), Referral.id.asc()


def _ids_query(
    partitions: Sequence[ColumnElement[bool]],
    conditions: Sequence[ColumnElement[bool]],
    *,
    newest: bool,
    limit: int,
    names: bool = False,
) -> Select[tuple[int, dt.date]]:
    """The first `limit` cases' (id, date received) in date order, one index range per partition
    (a service, or a service and a status), merged: each range is read in index order and stops
    at `limit`, where one query over several services would have to sort all their cases."""
    parts = []
    for partition in partitions:
        part = select(Referral.id, Referral.received_on).where(partition, *conditions)
        if names:
            part = part.join(Child, Child.id == Referral.child_id)
        parts.append(part.order_by(*_newest_first(newest)).limit(limit).subquery())
    if len(parts) == 1:
        merged = parts[0]
    else:
        merged = union_all(*(select(p.c.id, p.c.received_on) for p in parts)).subquery()
    order = (merged.c.received_on, merged.c.id)
    return (
        select(merged.c.id, merged.c.received_on)
        .order_by(*((o.desc() for o in order) if newest else (o.asc() for o in order)))
        .limit(limit)
    )


def _ids(
    session: Session,
    partitions: Sequence[ColumnElement[bool]],
    conditions: Sequence[ColumnElement[bool]],
    *,
    newest: bool,
    limit: int,
    names: bool = False,
) -> list[int]:
    """The first `limit` case ids in date order (see `_ids_query`)."""
    query = _ids_query(partitions, conditions, newest=newest, limit=limit, names=names)
    return [row.id for row in session.execute(query)]


# What a case table shows (components/cases.html): a page of the list or of "My work" loads
# only these columns, not the whole referral and child.
_TABLE_COLUMNS = (
    load_only(
        Referral.id,
        Referral.child_id,
        Referral.police_reference,
        Referral.received_on,
        Referral.gravity_score,
        Referral.status,
        Referral.assessment_due_on,
    ),
    contains_eager(Referral.child).load_only(
        Child.first_name, Child.last_name, Child.preferred_name, Child.purged_at
    ),
)


_BY_IDS = (
    select(Referral)
    .join(Referral.child)
    .options(*_TABLE_COLUMNS)
    .where(Referral.id.in_(bindparam("ids", expanding=True)))
)


def _load(session: Session, ids: Sequence[int]) -> list[Referral]:
    """The cases with these ids, with their children, in the order given (one query), with
    the columns a case table shows."""
    if not ids:
        return []
    found = {r.id: r for r in session.scalars(_BY_IDS, {"ids": list(ids)})}
    return [found[i] for i in ids if i in found]


def list_cases(
    session: Session,
    user: User,
    filters: CaseFilters,
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    first: int = 1,
    per_page: int = 25,
) -> Page:
    """A page of the cases this user may see, newest first: the first page, the page after
    the case at `after`, or the page before the case at `before` (keyset paging: every page
    costs the same, however deep). `first` is the position of the page's first case, for the
    "Showing" line only."""
    services = sorted(user.service_ids)
    if filters.service_id:
        services = [s for s in services if s == filters.service_id]
    # A purged case keeps only what the evaluation needs: it is in no list.
    conditions: list[ColumnElement[bool]] = [Referral.purged_at.is_(None)]
    if filters.received_from:
        conditions.append(Referral.received_on >= filters.received_from)
    if filters.received_to:
        conditions.append(Referral.received_on <= filters.received_to)
    if filters.gravity_scores:
        conditions.append(Referral.gravity_score.in_(filters.gravity_scores))
    search = filters.search.strip()
    if after is not None:
        conditions.append(tuple_(Referral.received_on, Referral.id) < (after.received_on, after.id))
    elif before is not None:
        conditions.append(
            tuple_(Referral.received_on, Referral.id) > (before.received_on, before.id)
        )
    if filters.statuses:
        partitions = [
            and_(Referral.service_id == s, Referral.status == status)
            for s in services
            for status in filters.statuses
        ]
    else:
        partitions = [Referral.service_id == s for s in services]
    if not partitions:
        partitions = [false()]
    # A search with a digit is a police reference, from its start (found through the index);
    # if no reference starts so, or there is no digit, every word must start one of the
    # child's names (read newest first until a page is found).
    ids: list[int] = []
    if search and is_reference(search):
        ids = _ids(
            session,
            partitions,
            [*conditions, reference_clause(search)],
            newest=before is None,
            limit=per_page + 1,
        )
    if not ids:
        ids = _ids(
            session,
            partitions,
            [*conditions, _names_clause(search)] if search else conditions,
            newest=before is None,
            limit=per_page + 1,
            names=bool(search),
        )
    more = len(ids) > per_page
    ids = ids[:per_page]
    if before is not None:
        ids.reverse()
        return Page(_load(session, ids), max(first, 1), True, more)
    return Page(_load(session, ids), max(first, 1), more, after is not None)


# Users met on the way to a case (who acted on it, its practitioner): the page shows their
# names, so their roles and services are loaded only if something asks for them.
_NAMES_ONLY = (lazyload(User.role_rows), lazyload(User.services))

# What the case page shows beyond the case itself, loaded with it: the assessment's status (not
# its sections), the decision, the letters' list (not their HTML and PDF), escalations,
# deliveries and how many intervention notes there are, with the names of who did what. The
# few-row collections (letters, escalations, deliveries: a handful a case) are joined into the
# case's own statement, saving a statement each; notes, which keep growing, are read apart.
_CASE_PAGE = (
    joinedload(Referral.assessment).lazyload(Assessment.sections),
    joinedload(Referral.decision).joinedload(Decision.confirmed_by).options(*_NAMES_ONLY),
    joinedload(Referral.letters).options(
        load_only(
            Letter.id,
            Letter.referral_id,
            Letter.recipient_name,
            Letter.number,
            Letter.issued_at,
            Letter.issued_by_id,
        ),
        joinedload(Letter.issued_by).options(*_NAMES_ONLY),
    ),
    joinedload(Referral.escalations).options(
        joinedload(Escalation.police_inspector).options(*_NAMES_ONLY),
        joinedload(Escalation.yjs_manager).options(*_NAMES_ONLY),
    ),
    joinedload(Referral.deliveries).joinedload(Delivery.recorded_by).options(*_NAMES_ONLY),
    selectinload(Referral.intervention_notes).load_only(
        InterventionNote.id, InterventionNote.referral_id
    ),
)


def _case_query(page: bool) -> Select[Referral]:
    """A case by id among the given services, with what `get_case` loads: built once, with
    parameters, so each call skips building the statement and its cache key."""
    return (
        select(Referral)
        .join(Referral.child)
        .where(
            Referral.id == bindparam("referral_id"),
            Referral.service_id.in_(bindparam("service_ids", expanding=True)),
            Referral.purged_at.is_(None),
        )
        .options(
            contains_eager(Referral.child),
            selectinload(Referral.offences),
            selectinload(Referral.events).joinedload(ReferralEvent.actor).options(*_NAMES_ONLY),
            contains_eager(Referral.child).selectinload(Child.contacts),
            contains_eager(Referral.child).selectinload(Child.referrals),
            joinedload(Referral.practitioner).options(*_NAMES_ONLY),
            *(_CASE_PAGE if page else ()),
        )
    )


_CASE_QUERIES = {page: _case_query(page) for page in (False, True)}


def get_case(session: Session, user: User, referral_id: int, *, page: bool = False) -> Referral:
    """A case this user may see, with its child, offences and timeline loaded; with `page`,
    also the rest of what the case page shows."""
    referral = (
        session.scalars(
            _CASE_QUERIES[page],
            {"referral_id": referral_id, "service_ids": list(user.service_ids)},
        )
        .unique()
        .one_or_none()
    )
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


@dataclass(frozen=True, eq=False)  # by identity: `_specs` makes each once
class _QueueSpec:
    key: str
    title: str
    description: str
    statuses: tuple[ReferralStatus, ...]
    conditions: tuple[ColumnElement[bool], ...]


def _queue(
    key: str,
    title: str,
    description: str,
    statuses: tuple[ReferralStatus, ...],
    *conditions: ColumnElement[bool],
) -> _QueueSpec:
    return _QueueSpec(key, title, description, statuses, conditions)


@functools.lru_cache(maxsize=256)
def _queues_query(
    specs: tuple[_QueueSpec, ...], services: tuple[int, ...]
) -> CompoundSelect[Any] | Select[Any]:
    """The ids of every queue's oldest cases in one statement (each queue its own index
    ranges, as `_ids`): built once per set of queues and services, with the user's id as a
    parameter (`me`)."""
    parts = []
    for number, spec in enumerate(specs):
        partitions = [
            and_(Referral.service_id == service, Referral.status == status)
            for service in services
            for status in spec.statuses
        ] or [false()]
        first = _ids_query(partitions, spec.conditions, newest=False, limit=QUEUE_LIMIT + 1)
        sub = first.subquery()
        queue = literal(number, literal_execute=True).label("queue")
        parts.append(select(queue, sub.c.id, sub.c.received_on))
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _fill(session: Session, user: User, specs: tuple[_QueueSpec, ...]) -> list[Queue]:
    """Each queue's oldest cases: the ids of every queue in one query, then all their cases
    in one more."""
    if not specs:
        return []
    query = _queues_query(specs, tuple(sorted(user.service_ids)))
    by_queue: list[list[tuple[dt.date, int]]] = [[] for _ in specs]
    for row in session.execute(query, {"me": user.id}):
        by_queue[row.queue].append((row.received_on, row.id))
    ids = [[i for _, i in sorted(rows)] for rows in by_queue]
    cases = {r.id: r for r in _load(session, sorted({i for found in ids for i in found}))}
    queues = []
    for spec, found in zip(specs, ids, strict=True):
        rows = [cases[i] for i in found if i in cases]
        queues.append(
            Queue(
                spec.key,
                spec.title,
                spec.description,
                rows[:QUEUE_LIMIT],
                len(rows) > QUEUE_LIMIT,
                spec.statuses,
            )
        )
    return queues


def my_work(session: Session, user: User) -> list[Queue]:
    """The cases waiting on this user, oldest first, grouped by what they need to do."""
    return _fill(session, user, _specs(user.roles))


# The user's id in the queues' conditions: the statement is built once for everyone.
_ME = bindparam("me", type_=Integer)


@functools.lru_cache(maxsize=64)
def _specs(roles: frozenset[Role]) -> tuple[_QueueSpec, ...]:
    """The queues of someone holding these roles, in the order shown."""
    queues: list[_QueueSpec] = []
    if Role.PRACTITIONER in roles:
        mine = Referral.practitioner_id == _ME
        queues += [
            _queue(
                "to_assess",
                "New referrals to assess",
                "Not yet allocated: starting the assessment allocates the case to you.",
                (S.REFERRED,),
            ),
            _queue(
                "assessing",
                "Your assessments in progress",
                "Including assessments a manager returned with directions.",
                (S.ASSESSING,),
                mine,
            ),
            _queue(
                "notified",
                "Police outcomes to offer support for",
                "The police gave an outcome alone: offer the child voluntary support.",
                (S.NOTIFIED, S.SUPPORT_OFFERED),
            ),
            _queue(
                "interventions",
                "Your interventions",
                "Outcomes given and work under way.",
                (S.OUTCOME_DELIVERED, S.INTERVENTION),
                mine,
            ),
        ]
    if Role.MANAGER in roles:
        queues += [
            _queue(
                "sign_off",
                "Assessments waiting for sign-off",
                "You cannot sign off an assessment you wrote or submitted.",
                (S.AWAITING_SIGN_OFF,),
                or_(Referral.practitioner_id.is_(None), Referral.practitioner_id != _ME),
            ),
            _queue(
                "escalated",
                "Escalations to resolve",
                "The police and YJS decision-makers disagreed.",
                (S.ESCALATED,),
            ),
            _queue(
                "unallocated",
                "Referrals not yet allocated",
                "New referrals nobody has started to assess.",
                (S.REFERRED,),
            ),
        ]
    if Role.PANEL_MEMBER in roles:
        queues += [
            _queue(
                "panel",
                "Cases for panel",
                "Signed-off assessments waiting for the panel, and cases at panel now.",
                (S.READY_FOR_PANEL, S.AT_PANEL),
            ),
        ]
    if Role.POLICE_OFFICER in roles:
        queues += [
            _queue(
                "to_deliver",
                "Decisions to give",
                "The panel has decided: give the outcome and record it.",
                (S.DECIDED,),
            ),
            _queue(
                "returned",
                "Returned to the police for a decision",
                "The child declined the outcome, or the conditions were not completed.",
                (S.RETURNED_TO_POLICE,),
            ),
            _queue(
                "police_escalated",
                "Escalated cases",
                "A police inspector and a YJS manager need to agree an outcome.",
                (S.ESCALATED,),
            ),
        ]
    return tuple(queues)
