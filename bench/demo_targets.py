"""What the benchmarks open in a seeded demo database (`flask seed-demo`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import AgendaItem, PanelMember, User

PANEL_CHAIR = "panel.yjs@example.org"


def newest_pack_item(session: Session) -> AgendaItem:
    """The latest agenda item of a meeting the demo panel chair sits on (a pack they may open)."""
    return session.scalars(
        select(AgendaItem)
        .join(PanelMember, PanelMember.meeting_id == AgendaItem.meeting_id)
        .join(User, User.id == PanelMember.user_id)
        .where(User.email == PANEL_CHAIR)
        .order_by(AgendaItem.id.desc())
        .limit(1)
    ).one()
