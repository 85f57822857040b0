"""The bulk loader's row maker (`_Rows`) and what it keeps from one plan to the next: the next
key of each table (`_Ids`), each service's panel members, rules and due dates (`_Service`), the
panel meetings planned (`_Meeting`) and the answer sets already encoded (`_Written`). Each plan's
own rows are made by `bulk_walk`."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from oocd_panel.demo.bulk_rows import COLUMNS, Rows, _json, placeholder_pdf, ts
from oocd_panel.demo.bulk_walk import _Earlier, _Walk
from oocd_panel.demo.cast import Cast
from oocd_panel.demo.cohort import ReferralPlan
from oocd_panel.demo.panels import VOLUNTEER
from oocd_panel.letters.wording import wording_for
from oocd_panel.models import Agency, Service, User
from oocd_panel.rules import decision_rules
from oocd_panel.rules.assessment_quality import warnings as quality_warnings
from oocd_panel.rules.service_settings import ServiceSettings, settings_for
from oocd_panel.rules.working_days import add_working_days


@dataclass
class _Member:
    user_id: int | None
    name: str
    agency: Agency
    is_decision_maker: bool
    # Who records their vote, and whether on their behalf (the chair, for a volunteer).
    recorded_by_id: int
    on_behalf: bool
    rationale: str


@dataclass
class _Service:
    """What the loader needs of one service's demo cast and settings."""

    id: int
    settings: ServiceSettings
    chair_id: int
    police_dm_id: int
    inspector_id: int
    yjs_manager_id: int
    members: list[_Member]
    auditor_id: int
    catalogue_version: str
    wording_version: int
    rules: dict[tuple[str, str | None], decision_rules.Outcome] = field(default_factory=dict)
    due_on: dict[dt.date, str] = field(default_factory=dict)

    def outcome(self, disposal: str, police_vote: str | None) -> decision_rules.Outcome:
        """What the service's rule gives when everyone votes `disposal` (the police
        decision-maker `police_vote`, if given)."""
        key = (disposal, police_vote)
        if key not in self.rules:
            seats = [
                decision_rules.Seat(i, m.name, m.agency, m.is_decision_maker, True, False)
                for i, m in enumerate(self.members)
            ]
            ballots = [
                decision_rules.Ballot(i, self._vote(m, disposal, police_vote))
                for i, m in enumerate(self.members)
            ]
            chair = next(i for i, m in enumerate(self.members) if m.user_id == self.chair_id)
            self.rules[key] = decision_rules.apply_rule(seats, ballots, self.settings, chair)
        return self.rules[key]

    def _vote(self, member: _Member, disposal: str, police_vote: str | None) -> str:
        police = police_vote and member.user_id == self.police_dm_id
        return police_vote if police and police_vote else disposal

    def assessment_due(self, received: dt.date) -> str:
        if received not in self.due_on:
            days = self.settings.assessment_due_working_days
            self.due_on[received] = add_working_days(received, days).isoformat()
        return self.due_on[received]


@dataclass
class _Meeting:
    id: int
    member_ids: list[int]
    items: int = 0


class _Written:
    """An answer set as the assessment's rows hold it (made once for every case using it)."""

    def __init__(self, answers: dict[str, dict[str, Any]]) -> None:
        self.answers = answers
        self.sections = [(key, _json(section)) for key, section in answers.items()]
        self.content = _json(answers)
        self.ratings = [
            answers.get("safety", {}).get("rating"),
            answers.get("others", {}).get("rating"),
            answers.get("recommendation", {}).get("disposal"),
        ]
        self._warnings: dict[int, str] = {}

    def warnings(self, gravity: int) -> str:
        """The quality warnings shown when it was sent for sign-off."""
        if gravity not in self._warnings:
            found = quality_warnings(self.answers, gravity)
            self._warnings[gravity] = _json([w.message for w in found])
        return self._warnings[gravity]


class _Ids:
    """The next primary key of each table (the loader sets keys itself, to link rows)."""

    def __init__(self, max_id: Callable[[str], int]) -> None:
        self.next = {name: max_id(name) + 1 for name in COLUMNS}
        self.first = dict(self.next)

    def take(self, name: str) -> int:
        value = self.next[name]
        self.next[name] = value + 1
        return value


class _Rows:
    """Turns plans into rows, table by table."""

    def __init__(
        self,
        session: Session,
        users: dict[str, User],
        ids: _Ids,
        seed: int,
        last_moment: dt.datetime,
    ) -> None:
        self.ids = ids
        self.rng = random.Random(seed)
        self.last_moment = last_moment
        self.rows: Rows = {name: [] for name in COLUMNS}
        self.services: dict[int, _Service] = {}
        self.meetings: dict[tuple[int, dt.datetime], _Meeting] = {}
        self.earlier: _Earlier | None = None
        self.pdf = placeholder_pdf()
        self.sha256 = hashlib.sha256(self.pdf).hexdigest()
        self.session = session
        self.users = users
        self.answers: dict[tuple[str, bool, int], _Written] = {}

    def written(self, plan: ReferralPlan) -> _Written:
        key = (plan.data.proposed_outcome, plan.exploitation, plan.answers_variant)
        if key not in self.answers:
            self.answers[key] = _Written(plan.answers)
        return self.answers[key]

    def take(self) -> Rows:
        rows, self.rows = self.rows, {name: [] for name in COLUMNS}
        return rows

    def service(self, plan: ReferralPlan) -> _Service:
        return self.services[plan.service_id]

    def describe(self, service: Service, cast: Cast) -> None:
        """What the loader needs of a service: read before loading, so that no read
        transaction stays open while it writes (SQLite could not checkpoint its log)."""
        panel = cast.panel
        assert panel.inspector is not None
        assert panel.yjs_manager is not None
        rationale = "{}: proportionate to the offence and the assessment."
        members = [
            _Member(panel.chair.id, panel.chair.full_name, Agency.YJS, True, panel.chair.id,
                    False, rationale.format(Agency.YJS.label)),
            _Member(panel.police.id, panel.police.full_name, Agency.POLICE, True,
                    panel.police.id, False, rationale.format(Agency.POLICE.label)),
            *[
                _Member(a.id, a.full_name, a.agency or Agency.HEALTH, False, a.id, False,
                        rationale.format((a.agency or Agency.HEALTH).label))
                for a in panel.advisers
            ],
            *[
                _Member(None, name, VOLUNTEER, False, panel.chair.id, True,
                        rationale.format(VOLUNTEER.label))
                for name in panel.volunteers
            ],
        ]  # fmt: skip
        auditors = [self.users["manager@example.org"], self.users["manager2@example.org"]]
        wording = wording_for(self.session, service)
        found = _Service(
            id=service.id,
            settings=settings_for(service),
            chair_id=panel.chair.id,
            police_dm_id=panel.police.id,
            inspector_id=panel.inspector.id,
            yjs_manager_id=panel.yjs_manager.id,
            members=members,
            auditor_id=next((a for a in auditors if service.id in a.service_ids), auditors[0]).id,
            catalogue_version=wording.version,
            wording_version=wording.number,
        )
        self.services[service.id] = found

    def meeting(self, service: _Service, start: dt.datetime) -> _Meeting:
        """The service's meeting at `start`, planned with everyone present if there is none."""
        key = (service.id, start)
        found = self.meetings.get(key)
        if found is not None:
            return found
        meeting_id = self.ids.take("panel_meeting")
        self.rows["panel_meeting"].append(
            (meeting_id, service.id, ts(start), "Room 2, Civic Centre", service.chair_id,
             "planned", service.chair_id, ts(start - dt.timedelta(days=7)))
        )  # fmt: skip
        member_ids = []
        for m in service.members:
            member_id = self.ids.take("panel_member")
            member_ids.append(member_id)
            self.rows["panel_member"].append(
                (member_id, meeting_id, m.user_id, m.name, m.agency.value, m.is_decision_maker,
                 True, False)
            )  # fmt: skip
        found = self.meetings[key] = _Meeting(meeting_id, member_ids)
        return found

    def add(self, plan: ReferralPlan) -> None:
        _Walk(self, plan).run()
