"""The bulk demo loader writes what the workflow writes: the same plans loaded both ways give the
same rows, table by table (apart from keys, and the clock times the workflow takes from the
machine rather than the plan)."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Table, inspect, select, text
from sqlalchemy.orm import Session

from oocd_panel import demo, workflow
from oocd_panel.demo import bulk as demo_bulk
from oocd_panel.demo import seed
from oocd_panel.demo.cohort import OUTCOME_WEIGHTS, Cohort, ReferralPlan
from oocd_panel.letters.compose import recipients
from oocd_panel.models import AuditEntry, DecisionPoint, QualityAudit, Referral, ReferralStatus
from oocd_panel.services import audit_trail, letters

TODAY = dt.date(2026, 6, 1)
# Columns the workflow fills from the machine's clock (when the demo was loaded), not the plan.
CLOCK = {"created_at", "updated_at"}
KEYS = {"id", "referral_id", "child_id", "assessment_id", "meeting_id", "item_id", "member_id"}
KEYS |= {"escalation_id", "decision_id", "audit_id"}


def _plans(session: Session) -> list[ReferralPlan]:
    """Every outcome (the small demo's first cases), then years of history with children
    referred again."""
    services = demo.ensure_services(session)
    users = demo.ensure_demo_users(session, services)
    small = Cohort(services, users, TODAY, seed=11)
    large = Cohort(services, users, TODAY, seed=12, years=2, first_number=40)
    return [*small.plans(len(OUTCOME_WEIGHTS) + 4), *large.plans(30)]


def _load(session: Session, plans: list[ReferralPlan], **options: Any) -> list[Referral]:
    last = session.scalar(select(Referral.id).order_by(Referral.id.desc()).limit(1)) or 0
    users = demo.ensure_demo_users(session, demo.ensure_services(session))
    result = demo_bulk.seed_bulk(session, iter(plans), users=users, seed=1, today=TODAY, **options)
    assert result.referrals == len(plans)
    session.expire_all()
    return list(session.scalars(select(Referral).where(Referral.id > last).order_by(Referral.id)))


@pytest.fixture
def bulk(session: Session) -> list[Referral]:
    """The plans, loaded in bulk."""
    return _load(session, _plans(session))


def _row(obj: Any, drop: frozenset[str] = frozenset()) -> dict[str, Any]:
    table: Table = obj.__table__
    values = {}
    for column in table.columns:
        if column.name in KEYS | CLOCK | drop:
            continue
        value = getattr(obj, column.key)
        values[column.name] = _without_keys(value)
    return values


def _without_keys(value: Any) -> Any:
    """JSON with the keys of rows (which differ between the two loads) taken out."""
    if isinstance(value, dict):
        return {k: _without_keys(v) for k, v in value.items() if k not in KEYS}
    if isinstance(value, list):
        return [_without_keys(v) for v in value]
    return value


def _case(referral: Referral) -> Iterator[tuple[str, Any]]:
    """Everything recorded about one case, without keys or clock times."""
    session = Session.object_session(referral)
    assert session is not None
    yield "referral", _row(referral)
    yield "child", _row(referral.child)
    yield "contacts", [_row(c) for c in referral.child.contacts]
    yield "offences", [_row(o) for o in referral.offences]
    yield "events", [_row(e) for e in referral.events]
    points = session.scalars(
        select(DecisionPoint).where(DecisionPoint.referral_id == referral.id).order_by("id")
    )
    yield "decision points", [_row(p) for p in points]
    assessment = referral.assessment
    if assessment is not None:
        yield "assessment", _row(assessment, frozenset({"contributor_ids"}))
        assert assessment.contributor_ids == [referral.practitioner_id]
        yield "sections", sorted((_row(s) for s in assessment.sections), key=lambda r: r["key"])
        yield "versions", [_row(v) for v in assessment.versions]
    for item in referral.agenda_items:
        yield "agenda item", _row(item)
        yield "meeting", _row(item.meeting)
        yield "members", [_row(m) for m in item.meeting.members]
        yield "votes", [(v.member.name, _row(v)) for v in item.votes]
    yield "escalations", [_row(e) for e in referral.escalations]
    yield "decision", _row(referral.decision) if referral.decision else None
    yield "deliveries", [_row(d) for d in referral.deliveries]
    yield "notes", [_row(n) for n in referral.intervention_notes]
    ended = referral.intervention_end
    yield "intervention end", _row(ended) if ended else None


def test_bulk_rows_are_the_rows_the_workflow_writes(session: Session) -> None:
    plans = _plans(session)
    made = [demo.carry_out(session, plan) for plan in plans]
    bulk = _load(session, plans)
    assert len(bulk) == len(made)
    assert {r.status for r in made} == set(ReferralStatus)
    assert any(p.earlier is not None for p in plans)  # children referred again
    session.expire_all()  # follow-up facts are filled in by statements, not on the objects
    followed = session.scalars(
        select(DecisionPoint.referral_id).where(DecisionPoint.referred_again_on.is_not(None))
    ).all()
    assert len(followed) >= 2  # at least one diverted child referred again, each way
    for through_workflow, in_bulk, plan in zip(made, bulk, plans, strict=True):
        expected, got = dict(_case(through_workflow)), dict(_case(in_bulk))
        for part in expected:
            assert got[part] == expected[part], (plan.number, plan.outcome, part)
        assert set(got) == set(expected)
    # A child referred again is the same child, with their earlier referral.
    for i in [i for i, p in enumerate(plans) if p.earlier is not None]:
        assert bulk[i].child_id == bulk[i - 1].child_id
        assert made[i].child_id == made[i - 1].child_id


def test_bulk_letters_are_the_records_issuing_them_keeps(bulk: list[Referral]) -> None:
    with_letters = [r for r in bulk if r.letters]
    assert with_letters
    for referral in with_letters:
        assert letters.why_no_letters(referral) is None or referral.status in {
            ReferralStatus.CLOSED,
            ReferralStatus.RETURNED_TO_POLICE,
        }
        assert referral.decision is not None
        expected = {(r.key, r.addressee, r.address, r.variant.value) for r in recipients(referral)}
        got = {(x.recipient_key, x.recipient_name, x.address, x.variant) for x in referral.letters}
        assert got == expected
        for letter in referral.letters:
            assert letter.decision_id == referral.decision.id
            assert letter.pdf.startswith(b"%PDF")
            assert letter.issued_at >= referral.decision.decided_at
            assert letter.issued_by_id == referral.practitioner_id


def test_every_bulk_timeline_replays_to_its_status(bulk: list[Referral]) -> None:
    for referral in bulk:
        events = referral.events
        assert events[0].from_status is None
        for event in events[1:]:
            action = workflow.ACTIONS_BY_TRIGGER[event.trigger]
            assert event.from_status in action.sources
            assert event.to_status is action.dest
        for before, after in itertools.pairwise(events):
            assert after.from_status == before.to_status
            assert after.occurred_at >= before.occurred_at
        assert events[-1].to_status == referral.status


def test_quality_audits_sample_signed_off_cases_by_another_manager(
    session: Session, bulk: list[Referral]
) -> None:
    ids = [r.id for r in bulk]
    for audit in session.scalars(select(QualityAudit).where(QualityAudit.referral_id.in_(ids))):
        referral = session.get(Referral, audit.referral_id)
        assert referral is not None
        assert referral.assessment is not None
        assert audit.auditor_id not in referral.assessment.contributor_ids
        assert len(audit.answers) == 9


def test_the_load_keeps_the_audit_trail_whole_and_says_what_it_did(
    session: Session, bulk: list[Referral]
) -> None:
    count, findings = audit_trail.verify(session)
    assert findings == []
    assert count > 0
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert last.action == "bulk_load"
    assert last.details["referrals"] == len(bulk)


def test_seed_demo_above_the_threshold_loads_the_rest_in_bulk(
    app: Flask, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seed, "BULK_ABOVE", 10)
    monkeypatch.setattr(seed, "WORKFLOW_FIRST", 6)
    before = session.scalar(select(Referral.id).order_by(Referral.id.desc()).limit(1)) or 0
    result = app.test_cli_runner().invoke(args=["seed-demo", "--referrals", "60", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "Created 60 referrals in " in result.output
    assert "6 through the workflow, 54 in bulk: " in result.output
    made = session.scalars(select(Referral).where(Referral.id > before)).all()
    assert len(made) == 60
    # The first through the workflow: their events have audit rows; the rest none.
    assert app.test_cli_runner().invoke(args=["verify-audit"]).exit_code == 0


@pytest.mark.parametrize("apart", [False, True], ids=["here", "apart"])
def test_nothing_is_half_written_when_a_chunk_fails(session: Session, apart: bool) -> None:
    plans = _plans(session)[:10]
    users = demo.ensure_demo_users(session, demo.ensure_services(session))
    before = session.scalar(select(Referral.id).order_by(Referral.id.desc()).limit(1)) or 0
    broken = [*plans[:3], plans[3]]
    broken[3].data.offences[0].offence_type = None  # type: ignore[assignment]
    with pytest.raises(Exception):  # noqa: B017, PT011 (the database refuses the row)
        demo_bulk.seed_bulk(
            session, iter(broken), users=users, seed=1, today=TODAY, chunk=3, build_apart=apart
        )
    session.rollback()
    kept = session.scalars(select(Referral.id).where(Referral.id > before)).all()
    assert len(kept) == 3  # the first chunk, whole; nothing of the second


def _indexes(session: Session) -> set[tuple[str, str, tuple[str | None, ...], bool]]:
    found = inspect(session.connection())
    return {
        (table, i["name"] or "", tuple(i["column_names"]), bool(i["unique"]))
        for table in demo_bulk.COLUMNS
        for i in found.get_indexes(table)
    }


def test_rows_made_in_a_second_process_with_the_indexes_rebuilt_are_the_same(
    session: Session,
) -> None:
    plans = _plans(session)
    indexes = _indexes(session)
    assert any(not unique for *_, unique in indexes)  # there are secondary indexes to drop
    here = _load(session, plans)
    apart = _load(session, plans, build_apart=True, rebuild_indexes=True, chunk=7)
    assert len(apart) == len(here) == len(plans)
    for one, other, plan in zip(here, apart, plans, strict=True):
        assert dict(_case(one)) == dict(_case(other)), (plan.number, plan.outcome)
    assert _indexes(session) == indexes
    _count, findings = audit_trail.verify(session)
    assert findings == []


def test_a_failure_making_rows_apart_keeps_whole_chunks_and_the_indexes(session: Session) -> None:
    plans = _plans(session)[:10]
    indexes = _indexes(session)
    users = demo.ensure_demo_users(session, demo.ensure_services(session))
    before = session.scalar(select(Referral.id).order_by(Referral.id.desc()).limit(1)) or 0
    broken = [*plans[:3], "not a plan"]
    with pytest.raises(demo_bulk.BuildFailed, match="AttributeError"):
        demo_bulk.seed_bulk(
            session, iter(broken), users=users, seed=1, today=TODAY, chunk=3,  # type: ignore[arg-type]
            build_apart=True, rebuild_indexes=True,
        )  # fmt: skip
    kept = session.scalars(select(Referral.id).where(Referral.id > before)).all()
    assert len(kept) == 3
    assert _indexes(session) == indexes


def test_indexes_of_the_same_name_in_another_schema_are_left_alone(session: Session) -> None:
    """On PostgreSQL the tests (and some deployments) keep several schemas in one database:
    only this schema's indexes are dropped and made again."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("schemas are PostgreSQL's")
    other = f"other_{secrets.token_hex(4)}"
    connection = session.connection()
    connection.exec_driver_sql(f'CREATE SCHEMA "{other}"')
    connection.exec_driver_sql(f'CREATE TABLE "{other}".child (id int, date_of_birth date)')
    connection.exec_driver_sql(
        f'CREATE INDEX ix_child_date_of_birth ON "{other}".child (date_of_birth)'
    )
    session.commit()
    try:
        indexes = _indexes(session)
        loaded = _load(session, _plans(session)[:5], rebuild_indexes=True)
        assert len(loaded) == 5
        assert _indexes(session) == indexes
        still = session.execute(
            text("SELECT count(*) FROM pg_indexes WHERE schemaname = :s"), {"s": other}
        ).scalar_one()
        assert still == 1
    finally:
        session.rollback()
        session.connection().exec_driver_sql(f'DROP SCHEMA "{other}" CASCADE')
        session.commit()
