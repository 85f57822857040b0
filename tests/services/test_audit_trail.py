"""The audit trail: written with every change and view, append-only, and any tampering found."""

from __future__ import annotations

import itertools
import json

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from oocd_panel.catalogue.audit_standards import question_pairs
from oocd_panel.models import Agency, AuditEntry, ReferralStatus, Role
from oocd_panel.services import audit_trail, panels
from oocd_panel.services.audits import field_name, record_audit
from tests.factories import Factory
from tests.web.helpers import sign_in


def _entries(session: Session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_changes_views_and_exports_are_recorded_and_the_chain_verifies(
    app: Flask, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(ReferralStatus.ASSESSING)
    client = app.test_client()
    worker = factory.cast(Role.PRACTITIONER)
    sign_in(client, worker)
    assert client.get(f"/cases/{referral.id}").status_code == 200
    analyst = app.test_client()
    sign_in(analyst, factory.cast(Role.ANALYST))
    assert analyst.get("/reports/funnel.csv").status_code == 200
    entries = _entries(session)
    actions = [(e.action, e.record_type, e.details.get("trigger")) for e in entries]
    assert ("create", "referral", "refer") in actions
    assert ("transition", "referral", "start_assessment") in actions
    view = next(e for e in entries if e.action == "view")
    assert (view.actor_id, view.child_id, view.origin) == (
        worker.id,
        referral.child_id,
        "127.0.0.1",
    )
    assert any(e.action == "export" and e.record_id == "funnel" for e in entries)
    # Nothing personal in the trail: ids and trigger names only.
    assert referral.child.last_name not in str([e.details for e in entries])
    count, findings = audit_trail.verify(session)
    assert (count, findings) == (len(entries), [])
    assert entries[0].prev_hash == audit_trail.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))


def test_the_database_refuses_to_change_or_delete_audit_rows(
    factory: Factory, session: Session
) -> None:
    factory.referral()
    entry = _entries(session)[0]
    with pytest.raises(DatabaseError):
        session.execute(
            text("UPDATE audit_entry SET action = 'x' WHERE id = :id"), {"id": entry.id}
        )
    session.rollback()
    with pytest.raises(DatabaseError):
        session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": entry.id})
    session.rollback()


def _without_guard(session: Session) -> None:
    """What someone with full rights on the database could do: drop the append-only guard."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("DROP TRIGGER audit_entry_append_only ON audit_entry"))
    else:
        session.execute(text("DROP TRIGGER audit_entry_append_only_update"))
        session.execute(text("DROP TRIGGER audit_entry_append_only_delete"))


@pytest.mark.parametrize("tampering", ["edit", "delete", "reorder"])
def test_verify_finds_an_edited_deleted_or_reordered_row(
    factory: Factory, session: Session, tampering: str
) -> None:
    for _ in range(2):
        factory.referral_at(ReferralStatus.ASSESSING)
    entries = _entries(session)
    assert len(entries) >= 4
    second, third = entries[1].id, entries[2].id
    columns = "at, actor_id, action, record_type, record_id, child_id, details, prev_hash, hash"
    rows = {
        row.id: row
        for row in session.execute(
            text(f"SELECT id, {columns} FROM audit_entry WHERE id IN (:a, :b)"),  # noqa: S608
            {"a": second, "b": third},
        )
    }
    _without_guard(session)
    if tampering == "edit":
        session.execute(
            text("UPDATE audit_entry SET actor_id = NULL WHERE id = :id"), {"id": second}
        )
    elif tampering == "delete":
        session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": second})
    else:  # the two rows swap places in the order, each whole
        session.execute(
            text("UPDATE audit_entry SET hash = 'moving' WHERE id = :id"), {"id": third}
        )
        for target, source in ((second, third), (third, second)):
            row = rows[source]
            session.execute(
                text(
                    "UPDATE audit_entry SET at = :at, actor_id = :actor, action = :action, "
                    "record_type = :type, record_id = :record, child_id = :child, "
                    "details = :details, prev_hash = :prev, hash = :hash WHERE id = :id"
                ),
                {
                    "at": row.at,
                    "actor": row.actor_id,
                    "action": row.action,
                    "type": row.record_type,
                    "record": row.record_id,
                    "child": row.child_id,
                    "details": row.details
                    if isinstance(row.details, str)
                    else json.dumps(row.details),
                    "prev": row.prev_hash,
                    "hash": row.hash,
                    "id": target,
                },
            )
    session.expire_all()
    _, findings = audit_trail.verify(session)
    assert findings, tampering
    assert findings[0].entry_id in {second, third}


def test_verify_audit_command(app: Flask, factory: Factory) -> None:
    factory.referral()
    result = app.test_cli_runner().invoke(args=["verify-audit"])
    assert result.exit_code == 0, result.output
    assert "The audit trail is intact" in result.output


def test_managers_search_the_trail_by_case_or_by_user(app: Flask, factory: Factory) -> None:
    referral = factory.referral_at(ReferralStatus.ASSESSING)
    worker = factory.cast(Role.PRACTITIONER)
    client = app.test_client()
    sign_in(client, worker)
    client.get(f"/cases/{referral.id}")
    manager = app.test_client()
    sign_in(manager, factory.cast(Role.MANAGER))
    page = manager.get("/audit", query_string={"police_reference": referral.police_reference})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Transition: start assessment" in text
    assert "View: case" in text
    by_user = manager.get("/audit", query_string={"email": worker.email}).get_data(as_text=True)
    assert "View: case" in by_user
    missing = manager.get("/audit", query_string={"police_reference": "NOPE/00"})
    assert missing.status_code == 400
    assert "no case with that police reference" in missing.get_data(as_text=True)
    stranger = factory.user(Role.MANAGER, services=[factory.service("elsewhere")])
    outsider = app.test_client()
    sign_in(outsider, stranger)
    hidden = outsider.get("/audit", query_string={"police_reference": referral.police_reference})
    assert hidden.status_code == 400  # another service's case is not found


def test_panel_work_quality_audits_and_reading_a_childs_record_are_recorded(
    app: Flask, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(ReferralStatus.READY_FOR_PANEL)
    item = factory.to_panel(referral)  # plans the meeting, records attendance, adds the case
    cast = factory.panel()
    panels.record_attendance(  # a third volunteer joins on the day, and has a conflict
        session,
        cast.chair,
        meeting_id=item.meeting_id,
        present={},
        extra_member=panels.MemberSpec(
            name="Volunteer Three", agency=Agency.COMMUNITY_VOLUNTEER, is_decision_maker=False
        ),
    )
    volunteer = item.meeting.members[-1]
    panels.declare_conflict(
        session, cast.chair, item_id=item.id, member_id=volunteer.id, reason="Knows the family"
    )
    factory.decide(referral, "youth_caution")  # votes, closes the vote, confirms
    manager = factory.cast(Role.MANAGER)
    answers = {
        field_name(standard, question): ("yes", None) for standard, question, _ in question_pairs()
    }
    record_audit(session, manager, referral_id=referral.id, answers=answers)
    panels.close_meeting(session, cast.chair, meeting_id=item.meeting_id)

    changes = {(e.action, e.record_type) for e in _entries(session) if e.action != "view"}
    assert {
        ("create", "panel_meeting"),
        ("change", "panel_meeting"),  # attendance, then closing the meeting
        ("create", "agenda_item"),
        ("create", "conflict"),
        ("change", "vote"),
        ("change", "agenda_item"),  # the vote closed with the rule's outcome
        ("create", "quality_audit"),
    } <= changes
    closing = [e for e in _entries(session) if e.details.get("status") == "closed"]
    assert [e.record_id for e in closing] == [str(item.meeting_id)]

    # Reading the assessment, the panel's pages and the minutes each write a view row.
    worker = app.test_client()
    sign_in(worker, factory.cast(Role.PRACTITIONER))
    assert worker.get(f"/cases/{referral.id}/assessment").status_code == 200
    assert worker.get(f"/cases/{referral.id}/assessment/versions/1").status_code == 200
    chair = app.test_client()
    sign_in(chair, cast.chair)
    base = f"/panels/{item.meeting_id}"
    for url in (f"{base}/cases/{item.id}", f"{base}/cases/{item.id}/pack", f"{base}/minutes"):
        assert chair.get(url).status_code == 200, url
    views = [
        (e.actor_id, e.child_id, e.details["page"]) for e in _entries(session) if e.action == "view"
    ]
    worker_id, chair_id, child = (
        factory.cast(Role.PRACTITIONER).id,
        cast.chair.id,
        referral.child_id,
    )
    assert views == [
        (worker_id, child, "assessment task_list"),
        (worker_id, child, "assessment version"),
        (chair_id, child, "panel case"),
        (chair_id, child, "panel pack"),
        (chair_id, child, "panel minutes"),
    ]
    assert audit_trail.verify(session)[1] == []
