"""members without a device, the YJS manager's agreement to an escalation's resolution

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('panel_member') as batch:
        batch.add_column(
            sa.Column('without_device', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table('escalation') as batch:
        batch.add_column(sa.Column('yjs_manager_agreed', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('yjs_manager_view', sa.Text(), nullable=True))
        batch.add_column(
            sa.Column('withdrawn', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('escalation') as batch:
        batch.drop_column('withdrawn')
        batch.drop_column('yjs_manager_view')
        batch.drop_column('yjs_manager_agreed')
    with op.batch_alter_table('panel_member') as batch:
        batch.drop_column('without_device')
