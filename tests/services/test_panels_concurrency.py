"""Several members voting at the same moment: every vote is counted, none overwritten.

Runs on PostgreSQL (TEST_DATABASE_URL), with real commits from parallel sessions on a database
of its own; SQLite serialises writers, so there is no race to prove there.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from oocd_panel.models import ReferralStatus, User, Vote
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.db import Database
from oocd_panel.plumbing.errors import CaseChanged
from oocd_panel.services import panels
from oocd_panel.services.panels import VoteInput
from tests.conftest import fresh_database
from tests.factories import Factory

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="concurrency is proved on PostgreSQL: set TEST_DATABASE_URL (make test-postgres)",
)
VOTERS = 8


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with fresh_database(tmp_path) as url:
        database = Database(url, pool_size=VOTERS + 2)
        yield database
        database.engine.dispose()


def _run_together(work: list[threading.Thread]) -> None:
    for t in work:
        t.start()
    for t in work:
        t.join(timeout=30)


def test_simultaneous_votes_are_all_counted(db: Database) -> None:
    with db.session() as session:
        factory = Factory(session)
        factory.panel().volunteers = [f"Volunteer {i}" for i in range(VOTERS)]
        referral = factory.referral_at(ReferralStatus.READY_FOR_PANEL)
        item = factory.to_panel(referral)
        chair_id = factory.panel().chair.id
        # The chair records every vote, so the police decision-maker is here without a device.
        police = item.meeting.member_for(factory.panel().police)
        assert police is not None
        panels.record_attendance(
            session,
            factory.panel().chair,
            meeting_id=item.meeting_id,
            present={police.id: True},
            without_device={police.id: True},
        )
        item_id = item.id
        member_ids = [m.id for m in item.meeting.members]

    barrier = threading.Barrier(len(member_ids))
    failures: list[BaseException] = []

    def vote(member_id: int) -> None:
        with db.session() as session:
            chair = session.get(User, chair_id)
            assert chair is not None
            barrier.wait()
            try:
                panels.cast_vote(
                    session,
                    chair,
                    item_id=item_id,
                    member_id=member_id,
                    vote=VoteInput("youth_caution", (), "Agreed at the meeting."),
                    now=utcnow(),
                )
            except BaseException as exc:  # collected and asserted below
                failures.append(exc)

    _run_together([threading.Thread(target=vote, args=(m,)) for m in member_ids])
    assert failures == []
    with db.session() as session:
        votes = session.scalars(select(Vote).where(Vote.item_id == item_id)).all()
        assert sorted(v.member_id for v in votes) == sorted(member_ids)


def test_the_same_member_voting_twice_at_once_leaves_one_vote(db: Database) -> None:
    with db.session() as session:
        factory = Factory(session)
        referral = factory.referral_at(ReferralStatus.READY_FOR_PANEL)
        item = factory.to_panel(referral)
        chair_id, item_id = factory.panel().chair.id, item.id
        member_id = item.meeting.member_for(factory.panel().chair).id  # type: ignore[union-attr]

    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def vote(choice: str) -> None:
        with db.session() as session:
            chair = session.get(User, chair_id)
            barrier.wait()
            try:
                panels.cast_vote(
                    session,
                    chair,
                    item_id=item_id,
                    member_id=member_id,  # type: ignore[arg-type]
                    vote=VoteInput(choice, (), "Changed my mind."),
                )
                outcomes.append("saved")
            except CaseChanged:
                outcomes.append("told to try again")

    choices = ["youth_caution", "community_resolution", "youth_caution", "no_further_action"]
    _run_together([threading.Thread(target=vote, args=(c,)) for c in choices])
    assert len(outcomes) == 4
    with db.session() as session:
        count = session.scalar(
            select(func.count()).select_from(Vote).where(Vote.item_id == item_id)
        )
        assert count == 1
