"""One unit of work per use case: all of it is committed, or none of it.

The helper itself (commit, roll back, nesting), then use cases that write many rows, each made to
fail after its first write (a database trigger refuses a later insert, or the audit writer fails
after everything before it was flushed): the database is exactly as it was before.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from oocd_panel.demo import panels as demo_panel
from oocd_panel.models import (
    Agency,
    AgendaItem,
    AgendaStatus,
    Escalation,
    Referral,
    ReferralStatus,
    Role,
    Service,
    User,
)
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.errors import CaseChanged, DomainError
from oocd_panel.plumbing.unit_of_work import in_unit_of_work, unit_of_work
from oocd_panel.services import audit_trail, panels, user_admin
from oocd_panel.services.referrals import create_referral
from oocd_panel.workflow import current_item
from tests.db_state import inserts_refused, snapshot
from tests.factories import Factory, new_referral


def _services(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Service)) or 0


def _service(slug: str) -> Service:
    return Service(slug=slug, name=f"{slug.title()} Youth Justice Service", settings={})


# --- The helper ---------------------------------------------------------------------------------


def test_the_work_is_committed_when_the_block_ends(session: Session) -> None:
    before = _services(session)
    with unit_of_work(session):
        session.add(_service("uow-kept"))
        assert in_unit_of_work(session)
    assert not in_unit_of_work(session)
    session.rollback()  # nothing left to undo: it was committed
    assert _services(session) == before + 1


def test_anything_raised_in_the_block_rolls_all_of_it_back(session: Session) -> None:
    before = _services(session)

    def two_rows_then_fail() -> None:
        with unit_of_work(session):
            session.add(_service("uow-first"))
            session.flush()  # the first row reached the database
            session.add(_service("uow-second"))
            raise RuntimeError("half way")

    with pytest.raises(RuntimeError, match="half way"):
        two_rows_then_fail()
    assert _services(session) == before
    assert not in_unit_of_work(session)


def test_a_row_changed_meanwhile_becomes_the_message_the_page_shows(session: Session) -> None:
    with pytest.raises(CaseChanged), unit_of_work(session):
        raise StaleDataError("version mismatch")

    class SectionChanged(DomainError):
        def __init__(self) -> None:
            super().__init__("Someone else saved this section.")

    with pytest.raises(SectionChanged), unit_of_work(session, changed=SectionChanged):
        raise StaleDataError("version mismatch")
    with pytest.raises(CaseChanged), unit_of_work(session, conflicts=(IntegrityError,)):
        raise IntegrityError("INSERT", {}, Exception("unique vote"))
    # Errors not named as conflicts go on as they are.
    with pytest.raises(IntegrityError), unit_of_work(session):
        raise IntegrityError("INSERT", {}, Exception("something else"))


def test_a_nested_unit_commits_with_the_outermost_and_fails_with_it(session: Session) -> None:
    before = _services(session)

    def inner_then_fail() -> None:
        with unit_of_work(session):
            session.add(_service("uow-outer"))
            with unit_of_work(session):
                session.add(_service("uow-inner"))
            assert session.in_transaction()  # the inner unit did not commit
            raise RuntimeError("after the inner unit")

    with pytest.raises(RuntimeError, match="after the inner unit"):
        inner_then_fail()
    assert _services(session) == before


def test_a_nested_unit_that_fails_undoes_only_its_own_work_when_caught(session: Session) -> None:
    before = _services(session)

    def inner_use_case() -> None:
        with unit_of_work(session):
            session.add(_service("uow-inner-undone"))
            session.flush()
            raise RuntimeError("the inner use case failed")

    with unit_of_work(session):
        session.add(_service("uow-outer-kept"))
        with pytest.raises(RuntimeError):
            inner_use_case()
    slugs = set(session.scalars(select(Service.slug)))
    assert "uow-outer-kept" in slugs
    assert "uow-inner-undone" not in slugs
    assert _services(session) == before + 1


# --- Use cases that write many rows, failing after the first write -----------------------------


@pytest.mark.parametrize("table", ["contact", "offence", "referral_event", "audit_entry"])
def test_a_new_referral_failing_after_its_first_write_leaves_nothing(
    factory: Factory, session: Session, connection: Connection, table: str
) -> None:
    """A new referral writes the child, their contacts, the referral, its offences, its first
    event and decision point, and the audit row; a refusal of any later insert undoes them all."""
    police = factory.cast(Role.POLICE_OFFICER)
    data = new_referral(factory.service().id)
    session.commit()
    before = snapshot(session)
    session.commit()

    with inserts_refused(connection, table), pytest.raises(DBAPIError, match="simulated"):
        create_referral(session, police, data)

    assert snapshot(session) == before
    referral, _ = create_referral(session, police, data)  # and it goes through once it can
    assert referral.id is not None


@pytest.mark.parametrize("failing", ["create", "issue_set_up_link"])
def test_a_new_user_failing_at_the_audit_row_leaves_no_account(
    factory: Factory, session: Session, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """The account and its roles are flushed before the audit row: its failure takes them back,
    and so does a failure at the set-up link's row (the account and its link are one unit)."""
    admin = factory.user(Role.ADMIN, name="Ada Admin")
    session.commit()
    before = snapshot(session)
    session.commit()
    real_record = audit_trail.record

    def record_then_fail(session_: Session, **kwargs: object) -> object:
        real_record(session_, **kwargs)  # type: ignore[arg-type]
        if kwargs["action"] == failing:
            raise RuntimeError("the audit store went away")
        return None

    monkeypatch.setattr(audit_trail, "record", record_then_fail)
    with pytest.raises(RuntimeError, match="went away"):
        user_admin.create(
            session,
            admin,
            user_admin.NewUser(
                email="new.person@example.org",
                full_name="New Person",
                roles=frozenset({Role.PRACTITIONER}),
                service_ids=frozenset({factory.service().id}),
                agency=Agency.YJS,
            ),
        )

    assert snapshot(session) == before
    assert session.scalar(select(User).where(User.email == "new.person@example.org")) is None


def test_closing_a_vote_that_escalates_is_one_unit_with_the_escalation(
    factory: Factory, session: Session, connection: Connection
) -> None:
    """Closing the vote writes the rule's outcome on the agenda item, then escalates the case
    through take_action (a unit of its own, nested): when the escalation cannot be written, the
    item's outcome is undone too, and the chair can close the vote again."""
    referral = factory.referral_at(ReferralStatus.AT_PANEL)
    item = current_item(referral)
    assert item is not None
    cast = factory.panel()
    session.commit()

    with inserts_refused(connection, "escalation"), pytest.raises(DBAPIError, match="simulated"):
        # The police decision-maker and the YJS disagree, so the rule escalates.
        demo_panel.vote(
            session, cast, item, "youth_caution", utcnow(), police_vote="community_resolution"
        )

    session.expire_all()
    kept = session.get(AgendaItem, item.id)
    assert kept is not None
    assert kept.status is AgendaStatus.VOTING
    assert (kept.rule_outcome, kept.rule_note, kept.closed_at) == (None, None, None)
    assert (kept.police_position, kept.yjs_position) == (None, None)
    assert session.get(Referral, referral.id).status is ReferralStatus.AT_PANEL  # type: ignore[union-attr]
    assert session.scalar(select(func.count()).select_from(Escalation)) == 0

    assert cast.inspector is not None
    assert cast.yjs_manager is not None
    outcome = panels.close_vote(
        session,
        cast.chair,
        item_id=item.id,
        police_inspector_id=cast.inspector.id,
        yjs_manager_id=cast.yjs_manager.id,
    )
    assert outcome.escalate
    session.expire_all()
    assert session.get(Referral, referral.id).status is ReferralStatus.ESCALATED  # type: ignore[union-attr]
