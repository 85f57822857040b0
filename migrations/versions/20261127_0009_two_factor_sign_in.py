"""two-factor sign-in: TOTP secrets on the user, recovery codes

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 07:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_recovery_code_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    # Plain ALTER TABLE (SQLite 3.35+ drops columns too): a batch copy of user_account would
    # trip the foreign keys that point at it.
    op.add_column('user_account', sa.Column('totp_secret', sa.String(length=300), nullable=True))
    op.add_column('user_account', sa.Column('totp_pending_secret', sa.String(length=300), nullable=True))
    op.add_column('user_account', sa.Column('totp_last_step', sa.Integer(), nullable=True))
    op.add_column('user_account', sa.Column('totp_enrolled_at', sa.DateTime(), nullable=True))



def downgrade() -> None:
    op.drop_column('user_account', 'totp_enrolled_at')
    op.drop_column('user_account', 'totp_last_step')
    op.drop_column('user_account', 'totp_pending_secret')
    op.drop_column('user_account', 'totp_secret')

    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
