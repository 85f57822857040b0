"""One use case, one transaction: everything it wrote is committed together, or nothing is.

Every service function that changes the database runs its work inside `unit_of_work`:

    with unit_of_work(session):
        ...  # reads, checks and writes

When the block ends normally the session commits; when anything in it raises (a check that
refuses, a failed write, the commit itself), the session rolls back and the error goes on to the
caller, so a half-done use case never reaches the database. A row changed by someone else since
it was read (SQLAlchemy's optimistic locking, StaleDataError) becomes `CaseChanged` (or the
use case's own `changed` error, such as "someone else saved this section"), whose message the
page shows; a use case that treats other database errors the same way (a unique vote per
member, say) names them in `conflicts`.

Units nest: a use case that calls another (closing a vote escalates the case through
`take_action`) commits once, when the outermost unit ends. The inner unit runs in a SAVEPOINT:
when it fails, its own writes are undone at once, and the error goes on to the outer unit, which
rolls back the rest unless it catches the error on purpose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from oocd_panel.plumbing.errors import CaseChanged, DomainError

__all__ = ["in_unit_of_work", "unit_of_work"]

_DEPTH = "oocd_unit_of_work_depth"


def in_unit_of_work(session: Session) -> bool:
    """Whether a unit of work is open on this session (so its caller will commit)."""
    return bool(session.info.get(_DEPTH, 0))


@contextmanager
def unit_of_work(
    session: Session,
    *,
    conflicts: tuple[type[Exception], ...] = (),
    changed: Callable[[], DomainError] = CaseChanged,
) -> Iterator[Session]:
    """Commit the block's work when it ends, or roll all of it back when anything raises."""
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        if depth == 0:
            with _outermost(session, conflicts, changed):
                yield session
        else:
            with _nested(session, conflicts, changed):
                yield session
    finally:
        session.info[_DEPTH] = depth


def _changed_meanwhile(error: BaseException, conflicts: tuple[type[Exception], ...]) -> bool:
    return isinstance(error, (StaleDataError, *conflicts))


@contextmanager
def _outermost(
    session: Session, conflicts: tuple[type[Exception], ...], changed: Callable[[], DomainError]
) -> Iterator[None]:
    try:
        yield
        session.commit()
    except BaseException as error:
        session.rollback()
        if _changed_meanwhile(error, conflicts):
            raise changed() from None
        raise


@contextmanager
def _nested(
    session: Session, conflicts: tuple[type[Exception], ...], changed: Callable[[], DomainError]
) -> Iterator[None]:
    savepoint = session.begin_nested()
    try:
        yield
        if savepoint.is_active:
            savepoint.commit()
    except BaseException as error:
        if savepoint.is_active:
            savepoint.rollback()
        if _changed_meanwhile(error, conflicts):
            raise changed() from None
        raise
