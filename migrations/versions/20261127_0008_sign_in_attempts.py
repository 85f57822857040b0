"""sign-in attempts, for throttling

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sign_in_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_attempt')),
    )
    op.create_index('ix_sign_in_attempt_address_at', 'sign_in_attempt', ['address', 'at'], unique=False)
    op.create_index('ix_sign_in_attempt_email_at', 'sign_in_attempt', ['email', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_sign_in_attempt_email_at', table_name='sign_in_attempt')
    op.drop_index('ix_sign_in_attempt_address_at', table_name='sign_in_attempt')
    op.drop_table('sign_in_attempt')
