"""A database failure in the middle of a state change leaves the case exactly as it was.

The failures are real ones: a trigger in the database refuses the insert of an event, a
decision point, an audit row or an outcome record, after the case's status has been set in the
same transaction (or the audit writer fails after everything before it was flushed). Whatever
fails, the case's status, version, events, decision points, records and audit trail are as they
were, and the same action succeeds once the database works again.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from oocd_panel.demo import panels as demo_panel
from oocd_panel.models import AgendaItem, Referral, ReferralStatus, Role
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.services import audit_trail
from oocd_panel.workflow import current_item
from tests.db_state import audit_problems, event_log_problems, inserts_refused, snapshot
from tests.factories import Factory

S = ReferralStatus


# --- The state changes, each set up to the moment before it ------------------------------------

Step = Callable[[], object]


def _start_assessment(factory: Factory) -> tuple[Referral, Step]:
    referral = factory.referral()
    factory.cast(Role.PRACTITIONER)
    return referral, lambda: factory.act(referral, "start_assessment", Role.PRACTITIONER)


def _confirm_decision(factory: Factory) -> tuple[Referral, Step]:
    """The police decision-maker confirms: a decision record, the agenda item and the case."""
    referral = factory.referral_at(S.READY_FOR_PANEL)
    item = factory.to_panel(referral)
    demo_panel.vote(factory.session, factory.panel(), item, "youth_caution", utcnow())
    return referral, lambda: demo_panel.confirm(
        factory.session, factory.panel(), item, "youth_caution", utcnow()
    )


def _record_delivery(factory: Factory) -> tuple[Referral, Step]:
    referral = factory.referral_at(S.DECIDED)
    return referral, lambda: factory.deliver(referral)


def _withdraw_at_panel(factory: Factory) -> tuple[Referral, Step]:
    """Withdrawing ends the case's vote too."""
    referral = factory.referral_at(S.AT_PANEL)
    return referral, lambda: factory.act(referral, "withdraw", Role.POLICE_OFFICER)


CASES = [
    (_start_assessment, "referral_event", S.ASSESSING),
    (_start_assessment, "audit_entry", S.ASSESSING),
    (_confirm_decision, "decision", S.DECIDED),
    (_confirm_decision, "decision_point", S.DECIDED),
    (_confirm_decision, "referral_event", S.DECIDED),
    (_record_delivery, "delivery", S.OUTCOME_DELIVERED),
    (_record_delivery, "audit_entry", S.OUTCOME_DELIVERED),
    (_withdraw_at_panel, "referral_event", S.CLOSED),
]


@pytest.mark.parametrize(
    ("setup", "table", "then"), CASES, ids=[f"{s.__name__[1:]}-{t}" for s, t, _ in CASES]
)
def test_a_failed_insert_mid_transition_leaves_everything_as_it_was(
    factory: Factory,
    session: Session,
    session_factory,  # type: ignore[no-untyped-def]
    connection: Connection,
    setup: Callable[[Factory], tuple[Referral, Step]],
    table: str,
    then: ReferralStatus,
) -> None:
    referral, step = setup(factory)
    session.commit()
    before = snapshot(session)
    was = referral.status
    session.commit()  # the step starts a transaction of its own, after the trigger is made

    with inserts_refused(connection, table), pytest.raises(DBAPIError, match="simulated"):
        step()

    assert snapshot(session) == before
    session.expire_all()
    assert session.get(Referral, referral.id).status is was  # type: ignore[union-attr]
    # Once the database works again, the same step goes through, whole.
    step()
    session.expire_all()
    assert session.get(Referral, referral.id).status is then  # type: ignore[union-attr]
    assert event_log_problems(session) == []
    assert audit_problems(session_factory) == []


def test_the_audit_writer_failing_after_everything_was_flushed_undoes_it_all(
    factory: Factory, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit row is written last, after the status, event and decision points reached the
    database: its failure still takes them all back."""
    referral, step = _confirm_decision(factory)
    session.commit()
    before = snapshot(session)
    session.commit()
    real_record = audit_trail.record

    def record_then_fail(session_: Session, **kwargs: object) -> object:
        real_record(session_, **kwargs)  # type: ignore[arg-type]
        if kwargs.get("action") == "transition":
            raise RuntimeError("the audit store went away")
        return None

    monkeypatch.setattr(audit_trail, "record", record_then_fail)
    with pytest.raises(RuntimeError, match="went away"):
        step()

    assert snapshot(session) == before
    session.expire_all()
    item = session.get(AgendaItem, current_item(referral).id)  # type: ignore[union-attr]
    assert item is not None
    assert item.referral.status is S.AT_PANEL
    assert item.referral.decision is None
