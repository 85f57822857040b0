"""the decision rule a vote opened under, and escalation resolutions the YJS manager answers

An agenda item keeps the service's decision rule and tie-break in force when its vote opened, so
a rule changed meanwhile decides only votes opened after the change; votes open now take the
service's rule as it is. An escalation keeps the inspector's proposed resolution until the named
YJS manager, signed in as themselves, says whether they agree.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): on SQLite a batch would recreate the tables, which
    # decisions' foreign keys refuse.
    op.add_column('agenda_item', sa.Column('tie_break', sa.String(length=30), nullable=True))
    op.add_column(
        'escalation',
        sa.Column(
            'proposal', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True
        ),
    )
    op.add_column('escalation', sa.Column('proposed_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column('escalation', 'proposed_at')
    op.drop_column('escalation', 'proposal')
    op.drop_column('agenda_item', 'tie_break')
