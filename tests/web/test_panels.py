"""A case from 'ready for panel' to 'closed' through the pages, under both decision rules."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from oocd_panel.models import Agency, AgendaItem, Referral, ReferralStatus, Role, User
from oocd_panel.plumbing.clock import local_today
from tests.factories import NOT_KNOWN_ANSWERS, Factory
from tests.web.helpers import error_summary, sign_in, text_of

S = ReferralStatus
WHY = "Proportionate: first offence, admitted, strong support at home."


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def _date(day):  # type: ignore[no-untyped-def]
    return [str(day.day), str(day.month), str(day.year)]


class Panel:
    """The people of one panel, each signed in on their own device."""

    def __init__(self, app: Flask, factory: Factory) -> None:
        self.chair_user = factory.user(Role.PANEL_MEMBER, agency=Agency.YJS, name="Chair Person")
        self.police_user = factory.user(
            Role.PANEL_MEMBER, agency=Agency.POLICE, name="Sergeant Police"
        )
        self.health_user = factory.user(
            Role.PANEL_MEMBER, agency=Agency.HEALTH, name="Nurse Health"
        )
        self.chair = _client(app, self.chair_user)
        self.police = _client(app, self.police_user)
        self.health = _client(app, self.health_user)

    def plan(self) -> str:
        response = self.chair.post(
            "/panels/new",
            data={
                "starts_on": _date(local_today()),
                "starts_time": "10:00",
                "place": "Room 2",
                "police_decision_maker": str(self.police_user.id),
                "yjs_decision_maker": str(self.chair_user.id),
                "advisers": [str(self.health_user.id)],
                "chair_id": str(self.chair_user.id),
            },
        )
        assert response.status_code == 302, error_summary(response)
        meeting_url = response.headers["Location"]
        page = self.chair.get(meeting_url).get_data(as_text=True)
        ids = re.findall(r'name="present" type="checkbox" value="(\d+)"', page)
        response = self.chair.post(
            f"{meeting_url}/attendance",
            data={
                "present": ids,
                "extra_name": "Val Volunteer",
                "extra_agency": "community_volunteer",
            },
        )
        assert response.status_code == 302, error_summary(response)
        return meeting_url


def _vote(client: FlaskClient, item_url: str, member_id: int, disposal: str) -> None:
    response = client.post(
        f"{item_url}/vote",
        data={
            "vote-member_id": str(member_id),
            "vote-disposal": disposal,
            "vote-interventions": ["one_to_one"],
            "vote-rationale": WHY,
        },
    )
    assert response.status_code == 302, error_summary(response)


def _members(session: Session, item_url: str) -> dict[str, int]:
    item_id = int(item_url.rstrip("/").split("/")[-1])
    item = session.get(AgendaItem, item_id)
    assert item is not None
    return {m.name: m.id for m in item.meeting.members}


def _to_vote(panel: Panel, factory: Factory, session: Session) -> tuple[Referral, str]:
    referral = factory.referral_at(S.READY_FOR_PANEL)
    meeting_url = panel.plan()
    assert (
        panel.chair.post(
            f"{meeting_url}/agenda", data={"referral_ids": [str(referral.id)]}
        ).status_code
        == 302
    )
    page = panel.chair.get(meeting_url).get_data(as_text=True)
    item_url = re.findall(r'href="(/panels/\d+/cases/\d+)"', page)[0]
    assert (
        panel.chair.post(f"{item_url}/open", data={"version": str(referral.version)}).status_code
        == 302
    )
    session.expire_all()
    assert session.get(Referral, referral.id).status is S.AT_PANEL  # type: ignore[union-attr]
    return referral, item_url


def test_joint_rule_from_ready_for_panel_to_closed(
    app: Flask, factory: Factory, session: Session
) -> None:
    panel = Panel(app, factory)
    referral, item_url = _to_vote(panel, factory, session)
    members = _members(session, item_url)

    # Hidden voting: after voting, the police member cannot see the others' votes yet.
    _vote(panel.police, item_url, members["Sergeant Police"], "youth_caution")
    page = text_of(panel.police.get(item_url))
    assert "Voted (hidden until everyone has voted)" in page
    _vote(panel.chair, item_url, members["Chair Person"], "youth_caution")
    _vote(panel.health, item_url, members["Nurse Health"], "community_resolution")
    # The chair closes too early: the volunteer (no account) has not voted.
    response = panel.chair.post(f"{item_url}/close")
    assert "Not everyone present has voted: Val Volunteer" in error_summary(response)[0][1]
    _vote(panel.chair, item_url, members["Val Volunteer"], "community_resolution")
    assert panel.chair.post(f"{item_url}/close").status_code == 302
    page = text_of(panel.police.get(item_url))
    assert "Joint decision: police and YJS agreed on Youth caution" in page
    assert "recorded by the chair on their behalf" in page

    # The health adviser cannot confirm; the police decision-maker does.
    response = panel.health.post(f"{item_url}/decision", data={"disposal": "youth_caution"})
    assert "Only the police decision-maker" in error_summary(response)[0][1]
    response = panel.police.post(
        f"{item_url}/decision",
        data={
            "version": str(referral.version),
            "disposal": "youth_caution",
            "interventions": ["one_to_one"],
        },
    )
    assert response.status_code == 302, error_summary(response)
    session.expire_all()
    referral = session.get(Referral, referral.id)  # type: ignore[assignment]
    assert referral.status is S.DECIDED
    assert referral.decision.dissent[0]["member"] == "Nurse Health"  # type: ignore[union-attr]

    officer = _client(app, factory.cast(Role.POLICE_OFFICER))
    page = text_of(officer.get(f"/police?police_reference={referral.police_reference}"))
    assert referral.child.full_name in page
    case = text_of(officer.get(f"/police/cases/{referral.id}"))
    assert "Youth caution" in case
    assert "Speech" not in case
    assert "Neurodivergent" not in case
    response = officer.post(
        f"/police/cases/{referral.id}/delivery",
        data={
            "version": str(referral.version),
            "outcome": "given",
            "delivered_on": _date(local_today()),
        },
    )
    anchors = {href for href, _ in error_summary(response)}
    assert {
        "#appropriate_adult_present",
        "#legal_advice_offered",
        "#admission_confirmed",
    } <= anchors
    response = officer.post(
        f"/police/cases/{referral.id}/delivery",
        data={
            "version": str(referral.version),
            "outcome": "given",
            "delivered_on": _date(local_today()),
            "appropriate_adult_present": "yes",
            "appropriate_adult_name": "Pat Parent",
            "legal_advice_offered": "yes",
            "legal_advice_taken": "no",
            "admission_confirmed": "yes",
        },
    )
    assert response.status_code == 302, error_summary(response)

    worker = _client(app, factory.cast(Role.PRACTITIONER))
    session.expire_all()
    referral = session.get(Referral, referral.id)  # type: ignore[assignment]
    worker.post(
        f"/cases/{referral.id}/actions/start_intervention", data={"version": str(referral.version)}
    )
    assert (
        worker.post(
            f"/cases/{referral.id}/notes", data={"text": "First session went well."}
        ).status_code
        == 302
    )
    session.expire_all()
    referral = session.get(Referral, referral.id)  # type: ignore[assignment]
    response = worker.post(
        f"/cases/{referral.id}/intervention-end/complete_intervention",
        data={"version": str(referral.version), **NOT_KNOWN_ANSWERS},
    )
    assert response.status_code == 302, error_summary(response)
    session.expire_all()
    assert session.get(Referral, referral.id).status is S.CLOSED  # type: ignore[union-attr]
    minutes = text_of(panel.chair.get(item_url.rsplit("/cases", 1)[0] + "/minutes"))
    assert "Decision: Youth caution" in minutes
    assert "Dissent: Nurse Health" in minutes


def test_majority_rule_from_ready_for_panel_to_closed(
    app: Flask, factory: Factory, session: Session
) -> None:
    admin = _client(app, factory.user(Role.ADMIN))
    response = admin.post(
        f"/admin/services/{factory.service().id}/settings",
        data={
            "decision_rule": "majority",
            "majority_tie_break": "police_decision_maker",
            "quorum_other_members": "2",
            "votes_hidden_until_all_cast": "no",
            "escalation_due_days": "5",
            "assessment_due_working_days": "10",
            "decision_target_days": "30",
            "delivery_target_days": "45",
            "suppression_threshold": "5",
            "retention_years_after_closure": "6",
            "retention_until_age": "18",
        },
    )
    assert response.status_code == 302, error_summary(response)
    assert "majority" in text_of(admin.get(f"/admin/services/{factory.service().id}/settings"))

    panel = Panel(app, factory)
    referral, item_url = _to_vote(panel, factory, session)
    members = _members(session, item_url)
    _vote(panel.police, item_url, members["Sergeant Police"], "youth_caution")
    _vote(panel.chair, item_url, members["Chair Person"], "community_resolution")
    _vote(panel.health, item_url, members["Nurse Health"], "community_resolution")
    _vote(panel.chair, item_url, members["Val Volunteer"], "community_resolution")
    assert panel.chair.post(f"{item_url}/close").status_code == 302
    assert "Majority: Community resolution with 3 of 4 votes" in text_of(panel.chair.get(item_url))
    # The police decision-maker has an account and a device: the chair cannot confirm for them.
    response = panel.chair.post(
        f"{item_url}/decision",
        data={
            "version": str(referral.version),
            "disposal": "community_resolution",
            "departure_rationale": "Early admission and remorse; the victim supports it.",
        },
    )
    assert response.status_code == 400
    assert "Only the police decision-maker, Sergeant Police, confirms" in text_of(response)
    # The decision departs from the gravity default (youth caution), so it needs a rationale.
    response = panel.police.post(
        f"{item_url}/decision",
        data={"version": str(referral.version), "disposal": "community_resolution"},
    )
    assert [h for h, _ in error_summary(response)] == ["#departure_rationale"]
    response = panel.police.post(
        f"{item_url}/decision",
        data={
            "version": str(referral.version),
            "disposal": "community_resolution",
            "departure_rationale": "Early admission and remorse; the victim supports it.",
        },
    )
    assert response.status_code == 302, error_summary(response)
    session.expire_all()
    referral = session.get(Referral, referral.id)  # type: ignore[assignment]
    assert not referral.decision.confirmed_on_behalf  # type: ignore[union-attr]

    officer = _client(app, factory.cast(Role.POLICE_OFFICER))
    response = officer.post(
        f"/police/cases/{referral.id}/delivery",
        data={
            "version": str(referral.version),
            "outcome": "given",
            "delivered_on": _date(local_today()),
            "admission_confirmed": "yes",
        },
    )
    assert response.status_code == 302, error_summary(response)
    worker = _client(app, factory.cast(Role.PRACTITIONER))
    session.expire_all()
    referral = session.get(Referral, referral.id)  # type: ignore[assignment]
    response = worker.post(
        f"/cases/{referral.id}/actions/record_declined",
        data={"version": str(referral.version), "reason": "Did not want sessions."},
    )
    assert response.status_code == 302
    session.expire_all()
    closed = session.get(Referral, referral.id)
    assert closed is not None
    assert closed.status is S.CLOSED
    assert closed.closure_reason is not None
    assert "Chose not to take part" in closed.closure_reason.label


def test_disagreement_is_escalated_and_resolved_through_the_pages(
    app: Flask, factory: Factory, session: Session
) -> None:
    panel = Panel(app, factory)
    referral, item_url = _to_vote(panel, factory, session)
    members = _members(session, item_url)
    _vote(panel.police, item_url, members["Sergeant Police"], "youth_caution")
    for name in ("Chair Person", "Val Volunteer"):
        _vote(panel.chair, item_url, members[name], "community_resolution")
    _vote(panel.health, item_url, members["Nurse Health"], "community_resolution")
    inspector = factory.user(
        Role.POLICE_OFFICER, Role.POLICE_INSPECTOR, agency=Agency.POLICE, name="Inspector Example"
    )
    factory.user(Role.POLICE_OFFICER, agency=Agency.POLICE, name="Constable Ordinary")
    manager = factory.cast(Role.MANAGER)
    # Everyone has voted and closing would escalate: the chair is asked for the names up front.
    page = panel.chair.get(item_url).get_data(as_text=True)
    assert "Closing the vote escalates the case" in page
    # Only officers marked as inspectors are offered; never the decision-maker who disagreed,
    # nor an ordinary constable.
    offered = page.split('id="close-police_inspector_id"')[1].split("</select>")[0]
    assert "Inspector Example" in offered
    assert "Sergeant Police" not in offered
    assert "Constable Ordinary" not in offered
    # Closing without them is refused with an error summary at the top, the vote still open.
    response = panel.chair.post(f"{item_url}/close")
    assert response.status_code == 400
    assert error_summary(response) == [
        (
            "#close-police_inspector_id",
            "Select the police inspector who will resolve the escalation",
        ),
        ("#close-yjs_manager_id", "Select the YJS manager who will resolve the escalation"),
    ]
    response = panel.chair.post(
        f"{item_url}/close",
        data={
            "close-police_inspector_id": str(panel.police_user.id),
            "close-yjs_manager_id": str(manager.id),
        },
    )
    assert response.status_code == 400
    session.expire_all()
    assert session.get(Referral, referral.id).status is S.AT_PANEL  # type: ignore[union-attr]
    # One click with both named closes and escalates.
    response = panel.chair.post(
        f"{item_url}/close",
        data={
            "close-police_inspector_id": str(inspector.id),
            "close-yjs_manager_id": str(manager.id),
        },
    )
    assert response.status_code == 302
    session.expire_all()
    referral = session.get(Referral, referral.id)  # type: ignore[assignment]
    assert referral.status is S.ESCALATED

    # The YJS manager sees the escalation but the police inspector records the resolution.
    yjs_side = _client(app, manager)
    assert "Inspector Example, the police inspector named, records" in text_of(
        yjs_side.get(f"/cases/{referral.id}/escalation")
    )
    assert (
        yjs_side.post(
            f"/cases/{referral.id}/escalation",
            data={"version": str(referral.version), "disposal": "community_resolution"},
        ).status_code
        == 403
    )
    resolver = _client(app, inspector)
    page = text_of(resolver.get(f"/cases/{referral.id}/escalation"))
    assert "Police: Youth caution" in page
    assert "YJS: Community resolution" in page
    response = resolver.post(
        f"/cases/{referral.id}/escalation",
        data={
            "version": str(referral.version),
            "disposal": "community_resolution",
            "confirmation_rationale": "We agreed with YJS: the exploitation analysis is strong.",
            "departure_rationale": "Exploitation is a strong mitigating factor.",
        },
    )
    assert response.status_code == 302, error_summary(response)
    session.expire_all()
    referral = session.get(Referral, referral.id)  # type: ignore[assignment]
    assert referral.status is S.ESCALATED
    # The inspector cannot answer for the manager; the manager answers signed in as themselves.
    page = text_of(resolver.get(f"/cases/{referral.id}/escalation"))
    assert "Waiting for" in page
    assert "to say whether they agree" in page
    assert "Your answer" not in page
    page = text_of(yjs_side.get(f"/cases/{referral.id}/escalation"))
    assert "The inspector's resolution" in page
    response = yjs_side.post(
        f"/cases/{referral.id}/escalation",
        data={"answer-version": str(referral.version), "answer-submit": "Send your answer"},
    )
    assert response.status_code == 400
    assert error_summary(response) == [
        ("#answer-yjs_manager_agreed", "Select whether you agree with this resolution")
    ]
    response = yjs_side.post(
        f"/cases/{referral.id}/escalation",
        data={
            "answer-version": str(referral.version),
            "answer-yjs_manager_agreed": "yes",
            "answer-submit": "Send your answer",
        },
    )
    assert response.status_code == 302, error_summary(response)
    session.expire_all()
    decided = session.get(Referral, referral.id)
    assert decided is not None
    assert decided.status is S.DECIDED
    assert decided.escalations[-1].yjs_manager_agreed is True


def test_a_rule_changed_while_a_vote_is_open_decides_only_later_votes(
    app: Flask, factory: Factory, session: Session
) -> None:
    panel = Panel(app, factory)
    _referral, item_url = _to_vote(panel, factory, session)  # opened under the joint rule
    service = factory.service()
    service.settings = {**(service.settings or {}), "decision_rule": "majority"}
    session.commit()
    members = _members(session, item_url)
    _vote(panel.police, item_url, members["Sergeant Police"], "youth_caution")
    for name in ("Chair Person", "Val Volunteer"):
        _vote(panel.chair, item_url, members[name], "community_resolution")
    _vote(panel.health, item_url, members["Nurse Health"], "community_resolution")
    page = text_of(panel.chair.get(item_url))
    assert "Decision rule: Joint" in page
    assert "(in force when the vote opened)" in page
    # Under the majority rule this would be a community resolution; the joint rule it opened
    # under escalates, so the chair is asked for the names.
    assert "Closing the vote escalates the case" in page
    meeting_url = item_url.split("/cases/")[0]
    minutes = text_of(panel.chair.get(f"{meeting_url}/minutes"))
    assert "Decision rule applied: Joint" in minutes


def test_hidden_votes_stay_hidden_on_the_page_until_everyone_has_voted(
    app: Flask, factory: Factory, session: Session
) -> None:
    panel = Panel(app, factory)
    _referral, item_url = _to_vote(panel, factory, session)
    members = _members(session, item_url)
    _vote(panel.police, item_url, members["Sergeant Police"], "youth_caution")
    for who in (panel.health, panel.chair):
        page = who.get(item_url).get_data(as_text=True)
        assert "<strong>Youth caution (section 66ZA" not in page
        assert WHY not in page
        assert "Voted (hidden until everyone has voted)" in page
    _vote(panel.health, item_url, members["Nurse Health"], "community_resolution")
    for name in ("Chair Person", "Val Volunteer"):
        _vote(panel.chair, item_url, members[name], "community_resolution")
    page = panel.health.get(item_url).get_data(as_text=True)
    assert "<strong>Youth caution (section 66ZA" in page
    assert WHY in page
