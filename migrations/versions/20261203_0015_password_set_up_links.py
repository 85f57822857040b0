"""one-time password set-up links

An administrator resets a password, or gives a new user their first, by issuing a link that
works once, for 24 hours; only the SHA-256 of its token is kept.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('password_set_up_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_password_set_up_link_issued_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_password_set_up_link_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_set_up_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_set_up_link_token_hash'))
    )
    with op.batch_alter_table('password_set_up_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_set_up_link_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('password_set_up_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_set_up_link_user_id'))

    op.drop_table('password_set_up_link')
