"""What a police system does through the API (`/api/v1`), as the officer its client acts as
(services.api_clients): submit a referral (services.referrals: the same rules as the form),
find a case by its police reference, list decided outcomes waiting for the police to deliver,
and record a delivery or that the child declined (services.police, through the workflow's one
service function).

What a client reads of a case is an `OutcomeView`: what an officer reads on the police outcome
page (status, decision, conditions, deliveries), and nothing of the assessment, the child's
characteristics or the reasons only the YJS may read. Every call stays within the client's own
service: a case of another service is not found."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.models import (
    ApiClient,
    ApiIdempotentResult,
    ApiScope,
    ClosureReason,
    DeliveryOutcome,
    Referral,
    ReferralStatus,
    Route,
)
from oocd_panel.plumbing.db import begin_writing
from oocd_panel.plumbing.errors import ActionNotAllowed, DomainError, NotFound
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules.referral_rules import NewReferral, normalise_police_reference
from oocd_panel.services import police, referrals

# The decided outcomes the police hand to the child (not charge, not no further action).
DELIVERED_BY_POLICE = frozenset(d.code for d in disposals.CATALOGUE if d.delivered_by_police)
# The most cases one lookup by reference returns (a reference is one case, bar mistakes).
MOST_BY_REFERENCE = 20
LARGEST_PAGE = 100


class ScopeMissing(ActionNotAllowed):
    def __init__(self, scope: ApiScope) -> None:
        super().__init__(
            f"This client may not {scope.label[0].lower()}{scope.label[1:]} (scope "
            f"{scope.value}): an administrator of the service can register one that may."
        )
        self.scope = scope


def require_scope(client: ApiClient, scope: ApiScope) -> None:
    if scope.value not in client.scopes:
        raise ScopeMissing(scope)


# --- What a client reads of a case --------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    code: str
    name: str


@dataclass(frozen=True)
class ConditionView:
    text: str
    due_on: dt.date


@dataclass(frozen=True)
class DecisionView:
    outcome: Named
    decided_at: dt.datetime
    interventions: tuple[Named, ...]
    conditions: tuple[ConditionView, ...]


@dataclass(frozen=True)
class DeliveryView:
    outcome: DeliveryOutcome
    delivered_on: dt.date
    recorded_at: dt.datetime
    notes: str | None


@dataclass(frozen=True)
class OutcomeView:
    id: int
    police_reference: str
    route: Route
    status: ReferralStatus
    status_label: str
    received_on: dt.date
    offence_date: dt.date
    proposed_outcome: str
    # The outcome in force: the decision's, or the one the police gave alone.
    outcome: Named | None
    decision: DecisionView | None
    deliveries: tuple[DeliveryView, ...]
    awaiting_delivery: bool
    closure_reason: ClosureReason | None
    closed_at: dt.datetime | None
    # The case's version: give it back when recording a delivery to be told if the case
    # changed meanwhile.
    version: int


def _named_disposal(code: str | None) -> Named | None:
    if not code:
        return None
    found = disposals.find(code)
    return Named(found.code if found else code, found.name if found else code)


def _intervention_name(code: str) -> str:
    try:
        return interventions.get(code).name
    except KeyError:
        return code


def is_awaiting_delivery(referral: Referral) -> bool:
    return referral.status is ReferralStatus.DECIDED and referral.disposal in DELIVERED_BY_POLICE


def outcome_view(referral: Referral) -> OutcomeView:
    decision = None
    if referral.decision is not None:
        d = referral.decision
        decision = DecisionView(
            outcome=_named_disposal(d.disposal) or Named(d.disposal, d.disposal),
            decided_at=d.decided_at,
            interventions=tuple(Named(c, _intervention_name(c)) for c in d.interventions),
            conditions=tuple(
                ConditionView(c["text"], dt.date.fromisoformat(c["due_on"])) for c in d.conditions
            ),
        )
    return OutcomeView(
        id=referral.id,
        police_reference=referral.police_reference,
        route=referral.route,
        status=referral.status,
        status_label=referral.status.label,
        received_on=referral.received_on,
        offence_date=referral.offence_date,
        proposed_outcome=referral.proposed_outcome,
        outcome=_named_disposal(referral.disposal),
        decision=decision,
        deliveries=tuple(
            DeliveryView(x.outcome, x.delivered_on, x.recorded_at, x.notes)
            for x in referral.deliveries
        ),
        awaiting_delivery=is_awaiting_delivery(referral),
        closure_reason=referral.closure_reason,
        closed_at=referral.closed_at,
        version=referral.version,
    )


def _cases(client: ApiClient) -> Select[Referral]:
    return (
        select(Referral)
        .where(Referral.service_id == client.service_id, Referral.purged_at.is_(None))
        .options(joinedload(Referral.decision), selectinload(Referral.deliveries))
    )


# Built once, with parameters: a police system's most frequent call skips building it each time.
_BY_REFERENCE = (
    select(Referral)
    .where(
        Referral.service_id == bindparam("service_id"),
        Referral.police_reference == bindparam("reference"),
        Referral.purged_at.is_(None),
    )
    .options(joinedload(Referral.decision), selectinload(Referral.deliveries))
    .order_by(Referral.received_on.desc(), Referral.id.desc())
    .limit(MOST_BY_REFERENCE)
)


def find_by_reference(session: Session, client: ApiClient, reference: str) -> list[Referral]:
    """The client's service's cases with exactly this police reference (as stored: upper
    case, spaces collapsed), newest first; through the index of (service, reference)."""
    require_scope(client, ApiScope.READ_OUTCOMES)
    wanted = normalise_police_reference(reference)
    if not wanted:
        return []
    found = session.scalars(_BY_REFERENCE, {"service_id": client.service_id, "reference": wanted})
    return list(found)


def get_referral(session: Session, client: ApiClient, referral_id: int) -> Referral:
    require_scope(client, ApiScope.READ_OUTCOMES)
    referral = session.scalars(_cases(client).where(Referral.id == referral_id)).one_or_none()
    if referral is None:
        raise NotFound("There is no such case in this client's service.")
    return referral


# A place in the list of outcomes awaiting delivery: after the case received then, with this id.
Cursor = tuple[dt.date, int]


@dataclass(frozen=True)
class Page:
    items: list[Referral]
    next_after: Cursor | None


def awaiting_delivery(
    session: Session, client: ApiClient, *, after: Cursor | None, limit: int
) -> Page:
    """Decided outcomes the police deliver and have not yet, oldest received first, a page at
    a time (keyset: each page reads the index of (service, status, received, id) from where the
    last stopped, however far into the list)."""
    require_scope(client, ApiScope.READ_OUTCOMES)
    limit = max(1, min(limit, LARGEST_PAGE))
    query = (
        _cases(client)
        .where(
            Referral.status == ReferralStatus.DECIDED,
            Referral.disposal.in_(sorted(DELIVERED_BY_POLICE)),
        )
        .order_by(Referral.received_on, Referral.id)
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(tuple_(Referral.received_on, Referral.id) > tuple_(*after))
    found = list(session.scalars(query))
    items = found[:limit]
    more = len(found) > limit
    return Page(items, (items[-1].received_on, items[-1].id) if more and items else None)


# --- Submitting a referral, once ---------------------------------------------------------------

SUBMIT_REFERRAL = "submit_referral"


class IdempotencyKeyReused(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key was used before with a different request. Send a new key "
            "with a new request; a retry must send the same request as the first time."
        )


class _Raced(DomainError):
    """Another call with the same key was saved first (its unique row got there before)."""

    def __init__(self) -> None:
        super().__init__("Another call with this Idempotency-Key was saved first.")


@dataclass(frozen=True)
class Idempotency:
    key: str
    # The SHA-256 of the request as sent (the caller writes it down the same way each time).
    request_hash: str


@dataclass(frozen=True)
class Result:
    status_code: int
    body: dict[str, Any]
    referral_id: int | None
    # Whether this is the first call's result given again.
    replayed: bool


def _stored(
    session: Session, client: ApiClient, operation: str, given: Idempotency
) -> Result | None:
    found = session.scalars(
        select(ApiIdempotentResult).where(
            ApiIdempotentResult.client_id == client.id, ApiIdempotentResult.key == given.key
        )
    ).one_or_none()
    if found is None:
        return None
    if found.operation != operation or found.request_hash != given.request_hash:
        raise IdempotencyKeyReused()
    return Result(found.status_code, found.response, found.referral_id, replayed=True)


def submit_referral(
    session: Session,
    client: ApiClient,
    data: NewReferral,
    *,
    idempotency: Idempotency | None,
    render: Callable[[Referral], dict[str, Any]],
    now: dt.datetime | None = None,
) -> Result:
    """Save the referral in the client's service as its officer would (InvalidInput naming
    each field at fault, nothing saved, as the form). `render` writes the response's body.

    With an Idempotency-Key, the first successful result is kept with the referral in the
    same transaction, and a retry with the same key and request gets it back instead of a
    second referral (two sent at once: the second waits, or finds the first's on the unique
    key, and gets it back); the same key with another request is refused."""
    require_scope(client, ApiScope.SUBMIT_REFERRALS)
    data = dataclasses.replace(data, service_id=client.service_id, existing_child_id=None)
    begin_writing(session)
    if idempotency is not None:
        earlier = _stored(session, client, SUBMIT_REFERRAL, idempotency)
        if earlier is not None:
            return earlier
    try:
        with unit_of_work(session, conflicts=(IntegrityError,), changed=_Raced):
            referral, _ = referrals.create_referral(session, client.user, data, now=now)
            body = render(referral)
            if idempotency is not None:
                session.add(
                    ApiIdempotentResult(
                        client_id=client.id,
                        key=idempotency.key,
                        operation=SUBMIT_REFERRAL,
                        request_hash=idempotency.request_hash,
                        status_code=201,
                        response=body,
                        referral_id=referral.id,
                    )
                )
    except _Raced:
        if idempotency is None:
            raise
        earlier = _stored(session, client, SUBMIT_REFERRAL, idempotency)
        if earlier is None:
            raise
        return earlier
    return Result(201, body, referral.id, replayed=False)


def record_delivery(
    session: Session,
    client: ApiClient,
    *,
    referral_id: int,
    given: police.DeliveryInput,
    expected_version: int | None,
    now: dt.datetime | None = None,
) -> Referral:
    """The police outcome page's *Record the delivery*, as the client's officer."""
    require_scope(client, ApiScope.RECORD_DELIVERIES)
    begin_writing(session)
    police.record_delivery(
        session,
        client.user,
        referral_id=referral_id,
        given=given,
        expected_version=expected_version,
        now=now,
    )
    fresh = _cases(client).where(Referral.id == referral_id)
    return session.scalars(fresh.execution_options(populate_existing=True)).one()
