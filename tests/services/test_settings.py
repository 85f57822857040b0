from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from oocd_panel.models import Role
from oocd_panel.plumbing.errors import ActionNotAllowed, EditedMeanwhile, InvalidInput
from oocd_panel.rules.service_settings import settings_for
from oocd_panel.services.settings import history, update_settings, version
from tests.factories import Factory

VALUES = {
    "decision_rule": "majority",
    "majority_tie_break": "chair",
    "votes_hidden_until_all_cast": False,
    "quorum_other_members": 3,
    "escalation_due_days": 5,
    "assessment_due_working_days": 10,
    "decision_target_days": 30,
    "delivery_target_days": 45,
    "suppression_threshold": 5,
    "retention_years_after_closure": 6,
    "retention_until_age": 18,
}


def test_settings_change_with_a_record_of_who_and_when(factory: Factory, session: Session) -> None:
    admin = factory.user(Role.ADMIN)
    service = factory.service()
    assert update_settings(session, admin, service_id=service.id, values=VALUES) == 4
    settings = settings_for(service)
    assert (settings.decision_rule, settings.majority_tie_break) == ("majority", "chair")
    assert settings.quorum_other_members == 3
    changes = {
        (c.setting, c.old_value, c.new_value, c.changed_by_id) for c in history(session, service)
    }
    assert ("decision_rule", "joint", "majority", admin.id) in changes
    assert update_settings(session, admin, service_id=service.id, values=VALUES) == 0


def test_bad_settings_are_refused_and_only_admins_change_them(
    factory: Factory, session: Session
) -> None:
    admin = factory.user(Role.ADMIN)
    with pytest.raises(InvalidInput) as raised:
        update_settings(
            session,
            admin,
            service_id=factory.service().id,
            values={**VALUES, "decision_rule": "coin_toss", "quorum_other_members": 99},
        )
    assert set(raised.value.errors) == {"decision_rule", "quorum_other_members"}
    with pytest.raises(ActionNotAllowed):
        update_settings(
            session, factory.cast(Role.MANAGER), service_id=factory.service().id, values=VALUES
        )


def test_a_save_from_a_page_shown_before_someone_else_saved_changes_nothing(
    factory: Factory, session: Session
) -> None:
    service = factory.service()
    one, other = factory.user(Role.ADMIN), factory.user(Role.ADMIN)
    seen = version(service)
    update_settings(session, one, service_id=service.id, values=VALUES, seen=seen)
    with pytest.raises(EditedMeanwhile, match="Someone else changed these settings"):
        update_settings(
            session,
            other,
            service_id=service.id,
            values={**VALUES, "decision_rule": "joint", "escalation_due_days": 9},
            seen=seen,
        )
    session.expire_all()
    assert settings_for(service).decision_rule == "majority"
    assert settings_for(service).escalation_due_days == 5
    assert {c.changed_by_id for c in history(session, service)} == {one.id}
