"""The retention schedule: what is due, and a purge that leaves no personal data of the child
anywhere in the database while every evaluation figure stays the same."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from oocd_panel.evaluation import practice, reports
from oocd_panel.models import (
    AuditEntry,
    Child,
    DecisionPoint,
    FeedbackLink,
    Letter,
    Referral,
    ReferralStatus,
    Role,
)
from oocd_panel.plumbing.clock import local_today
from oocd_panel.plumbing.errors import NotFound
from oocd_panel.rules.service_settings import ServiceSettings
from oocd_panel.services import audit_trail, cases, retention
from oocd_panel.services.referrals import find_matching_child
from oocd_panel.services.settings import update_settings
from tests.factories import Factory, child_details
from tests.personal_data import birthday, everything, found, marked_case, where

S = ReferralStatus
TODAY = local_today()
SEVEN_YEARS_ON = retention.add_years(TODAY, 7)


def _figures(session: Session, service_id: int) -> list[str]:
    """Every evaluation figure for the year to date, as the pages would show them."""
    filters = reports.Filters(
        (service_id,), TODAY.replace(day=1) - dt.timedelta(days=365), reports.month_end(TODAY)
    )
    figures: list[object] = [
        reports.funnel(session, filters, 1),
        reports.disposal_mix(session, filters, 1),
        reports.closures(session, filters, 1),
        practice.panel_practice(session, filters, 1),
        practice.timeliness(session, filters, 1, decision_target=30, delivery_target=45),
        practice.trends(session, filters, 1, quarterly=False),
    ]
    for characteristic in reports.CHARACTERISTICS.values():
        figures.append(
            reports.compare(session, filters, characteristic, characteristic.reference, 1)
        )
    return [repr(f) for f in figures]


def _points(session: Session, child_id: int) -> list[tuple[object, ...]]:
    rows = session.scalars(
        select(DecisionPoint).where(DecisionPoint.child_id == child_id).order_by(DecisionPoint.id)
    )
    return [
        tuple(getattr(p, c.key) for c in DecisionPoint.__table__.columns)  # type: ignore[attr-defined]
        for p in rows
    ]


def test_due_date_is_the_later_of_years_after_closure_and_the_age() -> None:
    settings = ServiceSettings()
    closed = dt.date(2020, 3, 1)
    # 15 when the case closed: 6 years after closure comes after their 18th birthday.
    assert retention.due_date(dt.date(2005, 7, 1), closed, settings) == (
        dt.date(2026, 3, 1),
        retention.RULE_AFTER_CLOSURE,
    )
    # 10 when it closed: kept until 18.
    assert retention.due_date(dt.date(2009, 12, 31), closed, settings) == (
        dt.date(2027, 12, 31),
        retention.RULE_AGE,
    )
    shorter = ServiceSettings(retention_years_after_closure=3, retention_until_age=21)
    assert retention.due_date(dt.date(2005, 7, 1), closed, shorter) == (
        dt.date(2026, 7, 1),
        retention.RULE_AGE,
    )
    assert retention.add_years(dt.date(2024, 2, 29), 6) == dt.date(2030, 2, 28)


def test_a_dry_run_lists_what_is_due_and_changes_nothing(
    factory: Factory, session: Session
) -> None:
    marked = marked_case(factory)
    factory.referral_at(S.INTERVENTION)  # open: never due
    before = everything(session)
    assert retention.due(session, retention.add_years(TODAY, 6) - dt.timedelta(days=1)) == []
    due = retention.due(session, SEVEN_YEARS_ON)
    assert [(d.service.id, d.cases) for d in due] == [(factory.service().id, 1)]
    [child] = due[0].children
    assert child.child_id == marked.child_id
    assert child.police_references == (marked.referral.police_reference,)
    assert child.rule == retention.RULE_AFTER_CLOSURE
    assert child.rule_text == "6 years after the last case closed"
    assert child.due_on == retention.add_years(TODAY, 6)
    assert everything(session) == before


def test_purge_removes_the_childs_personal_data_everywhere_and_keeps_every_count(
    factory: Factory, session: Session
) -> None:
    marked = marked_case(factory)
    kept = marked_case(factory, status=S.INTERVENTION, letters_out=False)  # open: kept whole
    factory.referral_at(S.DECIDED, disposal="community_resolution")
    assert found(session, marked.markers) == marked.markers  # every marker is there to find
    service_id = factory.service().id
    figures = _figures(session, service_id)
    points = _points(session, marked.child_id)
    letters_before = {
        (row.id, row.sha256, row.recipient_key, row.number)
        for row in session.scalars(select(Letter).where(Letter.referral_id == marked.referral.id))
    }
    assert len(letters_before) == 2
    links = select(FeedbackLink).join(Letter).where(Letter.referral_id == marked.referral.id)
    assert len(session.scalars(links).all()) == 2

    result = retention.purge(session, SEVEN_YEARS_ON)

    assert (result.children, result.cases, result.failed) == (1, 1, [])
    session.expire_all()
    assert where(session, marked.markers) == set()
    assert found(session, kept.markers) == kept.markers
    assert _figures(session, service_id) == figures
    assert _points(session, marked.child_id) == points
    child = session.get(Child, marked.child_id)
    assert child is not None
    assert child.purged_at is not None
    assert child.date_of_birth == dt.date(marked.born.year, 1, 1)  # the year only
    assert child.full_name == "Record removed"
    assert (child.ethnicity, child.care_experience) == ("black_caribbean", "looked_after")
    # Letters keep what was issued, when, by whom and its fingerprint; not what it said.
    letters_after = list(
        session.scalars(select(Letter).where(Letter.referral_id == marked.referral.id))
    )
    assert {(r.id, r.sha256, r.recipient_key, r.number) for r in letters_after} == letters_before
    assert all(r.erased_at and r.pdf == b"" and r.html == "" for r in letters_after)
    # Their family feedback links, unused, go too.
    assert session.scalars(links).all() == []
    # One audit row per case and one for the child; the chain is intact.
    purges = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "purge").order_by(AuditEntry.id)
    ).all()
    assert [(e.record_type, e.record_id, e.child_id, e.actor_id) for e in purges] == [
        ("referral", str(marked.referral.id), marked.child_id, None),
        ("child", str(marked.child_id), marked.child_id, None),
    ]
    assert purges[0].details == {"rule": "after_closure", "years": 6}
    assert audit_trail.verify(session)[1] == []
    # Nothing more to do, however often it runs.
    assert retention.due(session, SEVEN_YEARS_ON) == []
    assert retention.purge(session, SEVEN_YEARS_ON).children == 0


def test_a_purged_case_is_gone_from_every_list_and_cannot_be_linked_to(
    factory: Factory, session: Session
) -> None:
    marked = marked_case(factory, letters_out=False)
    retention.purge(session, SEVEN_YEARS_ON)
    manager = factory.cast(Role.MANAGER)
    with pytest.raises(NotFound):
        cases.get_case(session, manager, marked.referral.id)
    listed = cases.list_cases(session, manager, cases.CaseFilters())
    assert marked.referral.id not in [r.id for r in listed.items]
    again = child_details(
        first_name="", last_name="", date_of_birth=dt.date(marked.born.year, 1, 1)
    )
    assert find_matching_child(session, factory.service().id, again) is None


def test_open_cases_and_children_with_an_open_case_are_never_purged(
    factory: Factory, session: Session
) -> None:
    closed = factory.referral_at(S.CLOSED)
    factory.referral(existing_child_id=closed.child_id, child=None)  # a new referral, open
    far = retention.add_years(TODAY, 40)
    assert retention.due(session, far) == []
    assert retention.purge(session, far).children == 0
    session.expire_all()
    assert session.get(Referral, closed.id).police_reference == closed.police_reference  # type: ignore[union-attr]


def test_a_young_child_is_kept_until_the_age_the_service_sets(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.CLOSED, child=child_details(date_of_birth=birthday(11, 10)))
    born = referral.child.date_of_birth
    after_closure = retention.add_years(TODAY, 6)
    assert retention.due(session, after_closure) == []
    [entry] = retention.due(session, retention.add_years(born, 18))
    assert entry.children[0].rule == retention.RULE_AGE
    assert entry.children[0].rule_text.startswith("the child has turned 18")
    # The retention schedule is a service setting, changed with a record like any other.
    admin = factory.user(Role.ADMIN)
    current = ServiceSettings()
    values = {**current.__dict__, "retention_until_age": 21, "retention_years_after_closure": 8}
    assert update_settings(session, admin, service_id=factory.service().id, values=values) == 2
    assert retention.due(session, retention.add_years(born, 18)) == []
    assert retention.due(session, retention.add_years(born, 21)) != []


def test_issued_letters_can_only_be_erased_by_the_purge(factory: Factory, session: Session) -> None:
    marked = marked_case(factory, status=S.INTERVENTION)
    letter = session.scalars(select(Letter).where(Letter.referral_id == marked.referral.id)).first()
    assert letter is not None
    erase = {"recipient_name": "", "address": "", "html": "", "pdf": b"", "erased_at": None}
    table = Letter.__table__
    # Not while the case is open and its record kept, even as an erasure.
    with pytest.raises(DatabaseError):
        session.execute(
            update(table)  # type: ignore[arg-type]
            .where(table.c.id == letter.id)
            .values({**erase, "erased_at": dt.datetime.now(dt.UTC)})
        )
    session.rollback()
    factory.act(marked.referral, "complete_intervention", Role.PRACTITIONER)
    retention.purge(session, SEVEN_YEARS_ON)
    # Once erased, the rest of the row is as fixed as ever, and the row is never deleted.
    with pytest.raises(DatabaseError):
        session.execute(update(table).where(table.c.id == letter.id).values(sha256="0" * 64))  # type: ignore[arg-type]
    session.rollback()
    with pytest.raises(DatabaseError):
        session.execute(text("DELETE FROM letter WHERE id = :id"), {"id": letter.id})
    session.rollback()
    with pytest.raises(DatabaseError):
        session.execute(text("DELETE FROM audit_entry WHERE action = 'purge'"))
    session.rollback()
