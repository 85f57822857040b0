"""Subject access: everything held about a child, for the managers and administrators of the
child's service, as data, a page to read and the letters sent."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import AuditEntry, Letter, ReferralStatus, Role
from oocd_panel.plumbing.clock import local_today
from oocd_panel.plumbing.errors import ActionNotAllowed, NotFound
from oocd_panel.services import retention, subject_access
from tests.factories import Factory
from tests.personal_data import marked_case

S = ReferralStatus


def test_the_export_holds_every_part_of_the_record_and_the_letters(
    factory: Factory, session: Session
) -> None:
    marked = marked_case(factory)
    second = factory.referral(existing_child_id=marked.child_id, child=None)
    manager = factory.cast(Role.MANAGER)

    access = subject_access.export(session, manager, marked.child_id)

    record = access.record
    assert record["child"]["last_name"] == marked.last_name
    assert record["child"]["date_of_birth"] == marked.born.isoformat()
    assert record["child"]["postcode"] == marked.postcode
    assert record["parents_and_carers"][0]["name"] == f"Marigold {marked.last_name}"
    assert [c["police_reference"] for c in record["cases"]] == [
        marked.referral.police_reference,
        second.police_reference,
    ]
    case = record["cases"][0]
    assert [e["what"] for e in case["timeline"]][:3] == [
        "refer",
        "start assessment",
        "submit for sign off",
    ]
    assert case["victim"]["details"].startswith("Olwen Brackenby")
    assessment = case["assessment"]
    assert assessment["status"] == "Signed off"
    assert assessment["current_answers"]  # the sections as saved
    assert [v["version"] for v in assessment["versions"]] == [1]
    assert assessment["versions"][0]["review"] == "Signed off"
    [panel] = case["panel"]
    assert panel["votes"]
    assert all(
        v["rationale"] == f"{marked.first_name} {marked.last_name} admitted it"
        for v in panel["votes"]
    )
    assert panel["conflicts_of_interest"][0]["reason"] == f"Knows {marked.last_name}"
    assert case["decision"]["outcome"].startswith("Youth caution")
    assert case["decision"]["rationale"] == f"{marked.first_name} is sorry"
    assert case["deliveries"][0]["result"] == "The outcome was given"
    assert case["intervention_notes"][0]["note"].startswith(f"Met {marked.first_name}")
    assert case["quality_audits"][0]["summary"] == f"{marked.first_name}'s plan was good"
    assert record["evaluation_records"][0]["point"] == "referred"
    assert any(
        e["what"] == "view" or e["what"] == "transition"
        for e in record["who_has_seen_or_changed_the_record"]
    )
    # Every letter issued, as sent.
    issued = session.scalars(
        select(Letter).where(Letter.referral_id == marked.referral.id).order_by(Letter.id)
    ).all()
    assert [x["sha256"] for x in case["letters"]] == [row.sha256 for row in issued]
    archive = zipfile.ZipFile(io.BytesIO(subject_access.to_zip(access)))
    names = set(archive.namelist())
    assert {"README.txt", "record.json", "summary.html"} <= names
    for entry, row in zip(case["letters"], issued, strict=True):
        assert archive.read(entry["file"]) == row.pdf
        assert row.pdf.startswith(b"%PDF")
    assert json.loads(archive.read("record.json"))["child"]["first_name"] == marked.first_name
    summary = archive.read("summary.html").decode()
    assert f"Everything held about {marked.first_name} {marked.last_name}" in summary
    assert f"{marked.first_name} is sorry" in summary
    assert "redact" in archive.read("README.txt").decode()
    # The export is in the audit trail, with no personal data in it.
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None
    assert (entry.actor_id, entry.record_type, entry.child_id) == (
        manager.id,
        "child",
        marked.child_id,
    )
    assert entry.details == {"kind": "subject_access", "cases": 2, "letters": 2}


@pytest.mark.parametrize(
    "role", [Role.PRACTITIONER, Role.PANEL_MEMBER, Role.POLICE_OFFICER, Role.ANALYST]
)
def test_only_managers_and_administrators_may_export(
    factory: Factory, session: Session, role: Role
) -> None:
    referral = factory.referral()
    with pytest.raises(ActionNotAllowed):
        subject_access.export(session, factory.cast(role), referral.child_id)
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all() == []


def test_only_for_a_child_of_the_users_services_and_not_once_purged(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.CLOSED)
    admin = factory.user(Role.ADMIN)
    assert subject_access.export(session, admin, referral.child_id).child_id == referral.child_id
    elsewhere = factory.user(Role.MANAGER, services=[factory.service("elsewhere")])
    with pytest.raises(NotFound):
        subject_access.export(session, elsewhere, referral.child_id)
    assert subject_access.find_by_reference(session, elsewhere, referral.police_reference) is None
    retention.purge(session, retention.add_years(local_today(), 7))
    with pytest.raises(NotFound):
        subject_access.export(session, admin, referral.child_id)
