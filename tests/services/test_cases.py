"""Finding cases: service isolation, search, and a bounded number of queries per page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from oocd_panel.models import ReferralStatus, Role, User
from oocd_panel.services import cases
from oocd_panel.services.cases import CaseFilters
from tests.factories import Factory


@contextmanager
def count_queries(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    connection = session.connection()

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", record)


def test_search_by_name_words_and_reference(factory: Factory, session: Session) -> None:
    referral = factory.referral()
    user = factory.cast(Role.PRACTITIONER)
    child = referral.child
    for text in (
        child.first_name.lower(),
        f"{child.first_name[:3]} {child.last_name[:4]}",
        referral.police_reference[:6].lower(),
    ):
        page = cases.list_cases(session, user, CaseFilters(search=text))
        assert referral in page.items, text
    assert cases.list_cases(session, user, CaseFilters(search="zzz%")).items == []


def test_the_case_list_costs_the_same_number_of_queries_whatever_the_data(
    factory: Factory, session: Session
) -> None:
    user = factory.cast(Role.PRACTITIONER)
    factory.referral()
    session.expire_all()
    with count_queries(session) as few:
        cases.list_cases(session, user, CaseFilters(), per_page=25)
    for _ in range(12):
        factory.referral()
    session.expire_all()
    with count_queries(session) as many:
        page = cases.list_cases(session, user, CaseFilters(), per_page=25)
        [r.child.full_name for r in page.items]
    assert len(page.items) == 13
    # The page's ids, the cases with their children, plus reloading the expired user once.
    assert len(many) == len(few) <= 5


def test_my_work_queues_are_per_role(factory: Factory, session: Session) -> None:
    factory.referral_at(ReferralStatus.AWAITING_SIGN_OFF)
    practitioner = factory.cast(Role.PRACTITIONER)
    keys = [q.key for q in cases.my_work(session, practitioner)]
    assert keys == ["to_assess", "assessing", "notified", "interventions"]
    assert [q.key for q in cases.my_work(session, factory.cast(Role.ANALYST))] == []
    manager_queues = {q.key: q for q in cases.my_work(session, factory.cast(Role.MANAGER))}
    assert len(manager_queues["sign_off"].cases) == 1


def test_my_work_shows_each_practitioner_their_own_cases(
    factory: Factory, session: Session
) -> None:
    """The queues' statement is built once for everyone with the same roles and services; who
    is asking is a parameter of it."""
    referral = factory.referral_at(ReferralStatus.ASSESSING)
    mine = factory.cast(Role.PRACTITIONER)
    colleague = factory.user(Role.PRACTITIONER)
    assert referral.practitioner_id == mine.id

    def assessing(user: User) -> list[int]:
        queues = {q.key: q for q in cases.my_work(session, user)}
        return [r.id for r in queues["assessing"].cases]

    assert assessing(mine) == [referral.id]
    assert assessing(colleague) == []
    assert assessing(mine) == [referral.id]
