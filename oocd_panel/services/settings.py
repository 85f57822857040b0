"""Changing a service's settings (administrators), with a record of every change."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import Role, Service, SettingChange, User
from oocd_panel.plumbing.errors import ActionNotAllowed, EditedMeanwhile, InvalidInput, NotFound
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules import decision_rules
from oocd_panel.rules.service_settings import ServiceSettings, settings_for
from oocd_panel.services import audit_trail

# name: (label, lowest, highest) for whole-number settings.
NUMBERS = {
    "quorum_other_members": ("Other members needed for a quorum", 0, 10),
    "escalation_due_days": ("Working days to resolve an escalation", 1, 30),
    "assessment_due_working_days": ("Working days to complete an assessment", 1, 60),
    "decision_target_days": ("Target days from referral to the panel's decision", 1, 180),
    "delivery_target_days": ("Target days from referral to the outcome being given", 1, 365),
    "suppression_threshold": ("Smallest count published in reports", 1, 50),
    "retention_years_after_closure": ("Years to keep records after the last case closed", 1, 25),
    "retention_until_age": ("Age until which a child's records are kept at least", 18, 25),
}


def _check(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if values.get("decision_rule") in decision_rules.RULES:
        clean["decision_rule"] = values["decision_rule"]
    else:
        errors["decision_rule"] = "Select the decision rule"
    if values.get("majority_tie_break") in decision_rules.TIE_BREAKS:
        clean["majority_tie_break"] = values["majority_tie_break"]
    else:
        errors["majority_tie_break"] = "Select how a tied majority vote is broken"
    hidden = values.get("votes_hidden_until_all_cast")
    if isinstance(hidden, bool):
        clean["votes_hidden_until_all_cast"] = hidden
    else:
        errors["votes_hidden_until_all_cast"] = "Select whether votes are hidden until all are cast"
    if "bilingual_letters" in values:  # a form without it leaves it as it is
        bilingual = values["bilingual_letters"]
        if isinstance(bilingual, bool):
            clean["bilingual_letters"] = bilingual
        else:
            errors["bilingual_letters"] = "Select whether letters go in Welsh and English"
    for name, (label, low, high) in NUMBERS.items():
        value = values.get(name)
        if not isinstance(value, int) or not low <= value <= high:
            errors[name] = f"{label} must be a whole number from {low} to {high}"
        else:
            clean[name] = value
    return clean, errors


def version(service: Service) -> str:
    """A fingerprint of the settings in force: the page keeps it, so a save can tell whether
    someone else changed them since it was shown."""
    blob = json.dumps(dataclasses.asdict(settings_for(service)), sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def update_settings(
    session: Session,
    admin: User,
    *,
    service_id: int,
    values: Mapping[str, Any],
    seen: str | None = None,
) -> int:
    """Save the settings; returns how many changed. Each change is recorded with who and when.

    `seen` is the version of the settings the page showed (see `version`): if they changed
    since, nothing is saved and EditedMeanwhile is raised."""
    if not admin.has_role(Role.ADMIN):
        raise ActionNotAllowed("Only administrators change a service's settings.")
    service = session.get(Service, service_id)
    if service is None or service.id not in admin.service_ids:
        raise NotFound("There is no such service among yours.")
    if seen is not None and seen != version(service):
        raise EditedMeanwhile("these settings")
    clean, errors = _check(values)
    if errors:
        raise InvalidInput(errors)
    current = dataclasses.asdict(settings_for(service))
    changed = {k: v for k, v in clean.items() if current.get(k) != v}
    with unit_of_work(session):
        for name, value in changed.items():
            session.add(
                SettingChange(
                    service_id=service.id,
                    setting=name,
                    old_value=str(current.get(name)),
                    new_value=str(value),
                    changed_by_id=admin.id,
                )
            )
        service.settings = {**(service.settings or {}), **clean}
        audit_trail.record(
            session,
            actor=admin,
            action="change",
            record_type="service_settings",
            record_id=service.id,
            details={"changed": sorted(changed)},
        )
    return len(changed)


def history(session: Session, service: Service) -> list[SettingChange]:
    return list(
        session.scalars(
            select(SettingChange)
            .where(SettingChange.service_id == service.id)
            .order_by(SettingChange.changed_at.desc(), SettingChange.id.desc())
            .limit(100)
        )
    )


def field_names() -> list[str]:
    return [f.name for f in dataclasses.fields(ServiceSettings)]
