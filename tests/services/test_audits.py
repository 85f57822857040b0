"""Quality audits and the report in the inspectorate's format."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from oocd_panel.catalogue.audit_standards import question_pairs, rating_for
from oocd_panel.models import ReferralStatus, Role, UserRole
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput
from oocd_panel.services import audits
from tests.factories import Factory

S = ReferralStatus


def answers(
    no: frozenset[str] | set[str] = frozenset(), na: frozenset[str] | set[str] = frozenset()
) -> dict[str, tuple[str, str | None]]:
    result: dict[str, tuple[str, str | None]] = {}
    for standard, question, _ in question_pairs():
        name = audits.field_name(standard, question)
        if name in na:
            result[name] = ("not_applicable", None)
        elif name in no:
            result[name] = ("no", "Not analysed.")
        else:
            result[name] = ("yes", None)
    return result


def test_ratings_follow_the_inspectorate_bands() -> None:
    assert [rating_for(p).name for p in (80, 79.9, 65, 64, 50, 49)] == [
        "Outstanding",
        "Good",
        "Good",
        "Requires improvement",
        "Requires improvement",
        "Inadequate",
    ]


def test_every_question_needs_an_answer_and_a_no_needs_a_comment(factory: Factory) -> None:
    referral = factory.referral_at(S.READY_FOR_PANEL)
    manager = factory.user(Role.MANAGER)
    partial = answers()
    partial.pop("planning_desistance")
    partial["assessment_child_safety"] = ("no", "  ")
    with pytest.raises(InvalidInput) as raised:
        audits.record_audit(factory.session, manager, referral_id=referral.id, answers=partial)
    assert set(raised.value.errors) == {
        "planning_desistance__answer",
        "assessment_child_safety__comment",
    }
    assert raised.value.errors["assessment_child_safety__comment"].startswith(
        "Say what needs to improve"
    )


def test_cases_without_a_signed_off_assessment_or_ones_own_cannot_be_audited(
    factory: Factory,
) -> None:
    assessing = factory.referral_at(S.ASSESSING)
    with pytest.raises(ActionNotAllowed, match="signed-off assessment"):
        audits.record_audit(
            factory.session, factory.user(Role.MANAGER), referral_id=assessing.id, answers=answers()
        )
    referral = factory.referral_at(S.READY_FOR_PANEL)
    # The case's practitioner, who is also a manager.
    practitioner = factory.cast(Role.PRACTITIONER)
    practitioner.role_rows.append(UserRole(role=Role.MANAGER))
    factory.session.commit()
    with pytest.raises(ActionNotAllowed, match="another manager must audit it"):
        audits.record_audit(
            factory.session, practitioner, referral_id=referral.id, answers=answers()
        )


def test_the_report_gives_percent_yes_and_a_rating_from_the_lowest(
    factory: Factory, session: Session
) -> None:
    manager = factory.user(Role.MANAGER)
    cases = [factory.referral_at(S.READY_FOR_PANEL) for _ in range(4)]
    # Child safety in assessment: yes in 2 of 4 (50%); everything else yes.
    for i, case in enumerate(cases):
        no = {"assessment_child_safety"} if i < 2 else set()
        na = {"delivery_desistance", "delivery_child_safety", "delivery_others_safety"}
        audits.record_audit(session, manager, referral_id=case.id, answers=answers(no, na))
    total, by_quarter, by_practitioner = audits.audit_report(session, manager)
    assert total.audits == 4
    assert total.cells[("assessment", "child_safety")].percent == 50
    assert total.rating("assessment").name == "Requires improvement"  # type: ignore[union-attr]
    assert total.rating("planning").name == "Outstanding"  # type: ignore[union-attr]
    assert total.rating("delivery") is None  # not applicable yet: nothing to rate
    assert [row.audits for row in by_quarter] == [4]
    assert [row.label for row in by_practitioner] == [factory.cast(Role.PRACTITIONER).full_name]


def test_the_sample_leaves_out_audited_cases_and_the_managers_own(
    factory: Factory, session: Session
) -> None:
    manager = factory.user(Role.MANAGER)
    cases = [factory.referral_at(S.READY_FOR_PANEL) for _ in range(3)]
    factory.referral_at(S.ASSESSING)
    audits.record_audit(session, manager, referral_id=cases[0].id, answers=answers())
    sample = audits.audit_sample(session, manager, size=10, seed="2026 Q4")
    assert sorted(r.id for r in sample) == sorted(c.id for c in cases[1:])
    assert audits.audit_sample(session, manager, size=1, seed="x") == audits.audit_sample(
        session, manager, size=1, seed="x"
    )
