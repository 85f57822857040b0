"""Builders for test data. Referrals are made and moved with the product's own services, so a
referral 'at panel' has exactly the history the product would have written."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

import pyotp
from sqlalchemy.orm import Session

from oocd_panel.catalogue import kpis
from oocd_panel.demo import panels as demo_panel
from oocd_panel.demo.assessment_answers import answers_for
from oocd_panel.demo.panels import PanelCast
from oocd_panel.demo.seed import delivery_for
from oocd_panel.models import (
    Agency,
    AgendaItem,
    InterventionEnd,
    InterventionEnding,
    Referral,
    ReferralStatus,
    Role,
    Route,
    Service,
    User,
    VictimContact,
    WordingVersion,
    YesNoUnknown,
)
from oocd_panel.plumbing.clock import local_today, utcnow, years_before
from oocd_panel.rules.intervention_end import ends_intervention
from oocd_panel.rules.referral_rules import (
    ChildDetails,
    ContactDetails,
    NewReferral,
    OffenceDetails,
)
from oocd_panel.services import letter_wording, police, two_factor, wording_approval
from oocd_panel.services.accounts import create_user
from oocd_panel.services.actions import take_action
from oocd_panel.services.assessments import save_section
from oocd_panel.services.interventions import end_intervention
from oocd_panel.services.referrals import create_referral
from oocd_panel.workflow import current_item

PASSWORD = "correct horse battery staple"
# The KPI facts of an ended intervention when a test does not say: each question not known.
NOT_KNOWN_ANSWERS = {key: kpis.NOT_KNOWN for key in kpis.QUESTIONS}


def next_code(session: Session, user: User, secret: str | None = None) -> str:
    """A code the app would accept from `user` now: the current time-step's, or the next one's
    if the current one was used already (codes are accepted once; one step ahead is allowed
    for clock drift). `secret` defaults to the user's own."""
    session.refresh(user)  # the app may have changed it in another session
    totp = pyotp.TOTP(secret or two_factor.current_secret(user))
    now = totp.timecode(utcnow())
    last = user.totp_last_step
    step = now if last is None or last < now else last + 1
    assert step <= now + two_factor.VALID_WINDOW, "this user has signed in too often just now"
    return totp.generate_otp(step)


S = ReferralStatus
_counter = itertools.count(1)

# The canonical way to reach each state: (trigger, role of the person acting, inputs).
_PANEL_PATH: list[tuple[str, Role]] = [
    ("start_assessment", Role.PRACTITIONER),
    ("submit_for_sign_off", Role.PRACTITIONER),
    ("sign_off", Role.MANAGER),
    ("take_to_panel", Role.PANEL_MEMBER),
    ("decide", Role.PANEL_MEMBER),
    ("record_delivery", Role.POLICE_OFFICER),
    ("start_intervention", Role.PRACTITIONER),
    ("complete_intervention", Role.PRACTITIONER),
]
_PANEL_ORDER = [
    S.REFERRED,
    S.ASSESSING,
    S.AWAITING_SIGN_OFF,
    S.READY_FOR_PANEL,
    S.AT_PANEL,
    S.DECIDED,
    S.OUTCOME_DELIVERED,
    S.INTERVENTION,
    S.CLOSED,
]


def child_details(**overrides: Any) -> ChildDetails:
    n = next(_counter)
    values: dict[str, Any] = {
        "first_name": "Testchild",
        "last_name": f"Number{n}",
        "date_of_birth": years_before(local_today(), 15) - dt.timedelta(days=40),
        "address_line_1": "1 Example Street",
        "town": "Northbrook",
        "postcode": "NB1 1AA",
        "sex": "male",
        "ethnicity": "black_caribbean",
        "care_experience": "looked_after",
        "send": "ehcp",
        "neurodivergent": "yes",
    }
    values.update(overrides)
    return ChildDetails(**values)


def new_referral(service_id: int, **overrides: Any) -> NewReferral:
    today = local_today()
    values: dict[str, Any] = {
        "service_id": service_id,
        "route": Route.PANEL,
        "police_reference": f"TEST{next(_counter):06d}/26",
        "offence_date": today - dt.timedelta(days=20),
        "received_on": today - dt.timedelta(days=10),
        "admission": "admits",
        "officer_name": "PC Example",
        "proposed_outcome": "youth_caution",
        "offences": [OffenceDetails("theft_and_handling", "Took sweets from a shop.", 3)],
        "child": child_details(),
        "contact": ContactDetails(full_name="Pat Parent", relationship_to_child="mother"),
    }
    values.update(overrides)
    return NewReferral(**values)


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._service: Service | None = None
        self._cast: dict[Role, User] = {}
        self._panel: PanelCast | None = None

    # --- services and people ---------------------------------------------------------------

    def service(self, slug: str | None = None) -> Service:
        if slug is None and self._service is not None:
            return self._service
        n = next(_counter)
        svc = Service(slug=slug or f"service-{n}", name=f"Test Service {n}", settings={})
        self.session.add(svc)
        self.session.commit()
        if slug is None:
            self._service = svc
        return svc

    def user(
        self,
        *roles: Role,
        services: list[Service] | None = None,
        agency: Agency | None = None,
        name: str | None = None,
        two_factor_set_up: bool | None = None,
    ) -> User:
        """A user who can sign in with PASSWORD. Administrators and managers have two-factor set
        up (as they must) unless `two_factor_set_up` says otherwise."""
        n = next(_counter)
        if Role.PANEL_MEMBER in roles and agency is None:
            agency = Agency.POLICE
        if Role.POLICE_INSPECTOR in roles:  # given beside Police officer, in the police
            agency = Agency.POLICE
            if not {Role.POLICE_OFFICER, Role.PANEL_MEMBER} & set(roles):
                roles = (*roles, Role.POLICE_OFFICER)
        user = create_user(
            self.session,
            email=f"user{n}@example.org",
            full_name=name or f"Test User {n}",
            password=PASSWORD,
            roles=roles,
            services=services if services is not None else [self.service()],
            agency=agency,
        )
        if two_factor_set_up or (two_factor_set_up is None and two_factor.required_for(user)):
            two_factor.set_up_with_secret(self.session, user, pyotp.random_base32())
        return user

    def cast(self, role: Role) -> User:
        """One user per role in the default service, reused within a test."""
        if role not in self._cast:
            self._cast[role] = self.user(role, name=f"{role.label} Tester")
        return self._cast[role]

    def approved_wording(
        self, values: dict[str, str], service: Service | None = None
    ) -> WordingVersion:
        """The service's letter wording changed as the product changes it: drafted by its
        administrator, approved by its manager (a second person)."""
        service = service or self.service()
        admin = self.cast(Role.ADMIN) if service is self.service() else None
        manager = self.cast(Role.MANAGER) if service is self.service() else None
        admin = admin or self.user(Role.ADMIN, services=[service])
        manager = manager or self.user(Role.MANAGER, services=[service])
        saved = letter_wording.save_wording(
            self.session, admin, service_id=service.id, values=values
        )
        assert saved.draft is not None, "nothing changed"
        return wording_approval.approve(
            self.session,
            manager,
            service_id=service.id,
            draft_id=saved.draft.id,
            revision=saved.draft.revision,
        )

    # --- referrals ------------------------------------------------------------------------

    def referral(self, **overrides: Any) -> Referral:
        data = new_referral(self.service().id, **overrides)
        referral, _ = create_referral(self.session, self.cast(Role.POLICE_OFFICER), data)
        return referral

    def complete_assessment(
        self, referral: Referral, role: Role = Role.PRACTITIONER, **changes: dict[str, Any]
    ) -> None:
        """Save every section of the assessment as completed, with `changes` per section."""
        answers = answers_for(random.Random(referral.id), referral.proposed_outcome)
        for key, section_changes in changes.items():
            answers[key].update(section_changes)
        for key, section_answers in answers.items():
            current = referral.assessment.section(key) if referral.assessment else None
            result = save_section(
                self.session,
                self.cast(role),
                referral_id=referral.id,
                key=key,
                answers=section_answers,
                mark_completed=True,
                expected_version=current.version if current else None,
            )
            assert not result.problems, result.problems

    def panel(self) -> PanelCast:
        """A panel for the default service: YJS decision-maker in the chair, the police
        decision-maker, two volunteers without accounts, and who resolves escalations."""
        if self._panel is None:
            self._panel = PanelCast(
                chair=self.user(Role.PANEL_MEMBER, agency=Agency.YJS, name="Chair (YJS)"),
                police=self.cast(Role.PANEL_MEMBER),
                volunteers=["Volunteer One", "Volunteer Two"],
                inspector=self.user(
                    Role.POLICE_OFFICER,
                    Role.POLICE_INSPECTOR,
                    agency=Agency.POLICE,
                    name="Inspector",
                ),
                yjs_manager=self.cast(Role.MANAGER),
            )
        return self._panel

    def to_panel(self, referral: Referral) -> AgendaItem:
        return demo_panel.to_panel(self.session, self.panel(), referral, utcnow())

    def decide(self, referral: Referral, disposal: str) -> None:
        item = current_item(referral)
        assert item is not None
        demo_panel.vote(self.session, self.panel(), item, disposal, utcnow())
        demo_panel.confirm(self.session, self.panel(), item, disposal, utcnow())

    def ended_intervention(
        self, ended_on: dt.date, answers: dict[str, str | None], service: Service | None = None
    ) -> InterventionEnd:
        """An ended intervention's KPI facts (`answers` as kept), written directly for the
        return's counts: the workflow's own path is tested in tests/services/. How it ended,
        EHCP and looked after are chosen at random (the same for the same referral)."""
        if service is None:
            referral = self.referral()
        else:
            officer = self.user(Role.POLICE_OFFICER, services=[service])
            referral, _ = create_referral(self.session, officer, new_referral(service.id))
        rng = random.Random(referral.id)
        facts: dict[str, Any] = {
            k: (VictimContact(v) if k == "victim_consent" else YesNoUnknown(v)) if v else None
            for k, v in answers.items()
        }
        row = InterventionEnd(
            referral_id=referral.id,
            service_id=referral.service_id,
            ended_on=ended_on,
            ending=rng.choice(list(InterventionEnding)),
            route=Route.PANEL,
            disposal="youth_caution",
            ehcp=rng.choice(list(YesNoUnknown)),
            looked_after=rng.choice(list(YesNoUnknown)),
            recorded_by_id=self.cast(Role.PRACTITIONER).id,
            recorded_at=utcnow(),
            **facts,
        )
        self.session.add(row)
        self.session.commit()
        return row

    def deliver(self, referral: Referral) -> None:
        police.record_delivery(
            self.session,
            self.cast(Role.POLICE_OFFICER),
            referral_id=referral.id,
            given=delivery_for(referral, local_today()),
            expected_version=None,
        )

    def act(self, referral: Referral, trigger: str, role: Role, **inputs: Any) -> Referral:
        """Take the action as the cast's user in `role`. Ending an intervention records the KPI
        facts in `answers` (every question 'not known' unless given)."""
        reason = inputs.pop("reason", "Reason given in a test.")
        if trigger == "submit_for_sign_off":
            self.complete_assessment(referral, role)
        if ends_intervention(trigger, referral.status):
            return end_intervention(
                self.session,
                self.cast(role),
                referral_id=referral.id,
                trigger=trigger,
                answers={**NOT_KNOWN_ANSWERS, **inputs.pop("answers", {})},
                reason=reason,
                expected_version=referral.version,
            )
        return take_action(
            self.session,
            referral_id=referral.id,
            trigger=trigger,
            actor=self.cast(role),
            expected_version=referral.version,
            reason=reason,
            inputs=inputs,
        )

    def referral_at(
        self, status: ReferralStatus, *, disposal: str = "youth_caution", **overrides: Any
    ) -> Referral:
        """A referral moved through the workflow to `status` by the canonical path."""
        if status in (S.NOTIFIED, S.SUPPORT_OFFERED):
            referral = self.referral(
                route=Route.NOTIFICATION,
                police_outcome="community_resolution",
                proposed_outcome="community_resolution",
                **overrides,
            )
            if status is S.SUPPORT_OFFERED:
                self.act(referral, "offer_support", Role.PRACTITIONER)
            return referral
        if status is S.RETURNED_TO_POLICE:
            referral = self.referral_at(
                S.INTERVENTION, disposal="youth_conditional_caution", **overrides
            )
            self.act(referral, "end_not_completed", Role.PRACTITIONER)
            return referral
        referral = self.referral(**overrides)
        target = S.AT_PANEL if status is S.ESCALATED else status
        for trigger, role in _PANEL_PATH[: _PANEL_ORDER.index(target)]:
            if trigger == "take_to_panel":
                self.to_panel(referral)
            elif trigger == "decide":
                self.decide(referral, disposal)
            elif trigger == "record_delivery":
                self.deliver(referral)
            else:
                self.act(referral, trigger, role)
        if status is S.ESCALATED:
            item = current_item(referral)
            assert item is not None
            other = "youth_caution" if disposal != "youth_caution" else "community_resolution"
            demo_panel.vote(self.session, self.panel(), item, disposal, utcnow(), police_vote=other)
        return referral
