"""What the panel use cases share: who may plan meetings, the chair's and the open meeting's
checks, the audit row, and the longest free text taken."""

from __future__ import annotations

from sqlalchemy.orm import Session

from oocd_panel.models import MeetingStatus, PanelMeeting, Role, User
from oocd_panel.plumbing.errors import ActionNotAllowed
from oocd_panel.services import audit_trail

PLANNER_ROLES = frozenset({Role.MANAGER, Role.PANEL_MEMBER})
MAX_TEXT = 5000


def is_chair(meeting: PanelMeeting, user: User) -> bool:
    return meeting.chair_id == user.id


def _require_chair(meeting: PanelMeeting, user: User) -> None:
    if not is_chair(meeting, user):
        raise ActionNotAllowed(f"Only the chair, {meeting.chair.full_name}, can do this.")


def _require_open(meeting: PanelMeeting) -> None:
    if meeting.status is MeetingStatus.CLOSED:
        raise ActionNotAllowed("This meeting is closed: nothing more can be recorded at it.")


def _audit(
    session: Session,
    actor: User,
    action: str,
    record_type: str,
    record_id: int,
    *,
    child_id: int | None = None,
    details: dict[str, object] | None = None,
) -> None:
    audit_trail.record(
        session,
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=record_id,
        child_id=child_id,
        details=details,
    )
