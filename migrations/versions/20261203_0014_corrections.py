"""corrections: a child's details, a parent's or carer's and a referral's facts, with history

One row per field corrected, keeping the value it replaced, who corrected it, when and why. The
child's record gains a version for optimistic locking (every existing child starts at 1).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'child', sa.Column('version', sa.Integer(), server_default='1', nullable=False)
    )
    op.create_table(
        'correction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=True),
        sa.Column('record_type', sa.String(length=20), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=60), nullable=False),
        sa.Column('old_value', sa.Text(), nullable=True),
        sa.Column('new_value', sa.Text(), nullable=True),
        sa.Column('reason', sa.String(length=40), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('corrected_by_id', sa.Integer(), nullable=False),
        sa.Column('corrected_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['child_id'], ['child.id'], name=op.f('fk_correction_child_id_child'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['corrected_by_id'], ['user_account.id'],
            name=op.f('fk_correction_corrected_by_id_user_account'),
        ),
        sa.ForeignKeyConstraint(
            ['referral_id'], ['referral.id'], name=op.f('fk_correction_referral_id_referral'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['service_id'], ['service.id'], name=op.f('fk_correction_service_id_service'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_correction')),
    )
    op.create_index('ix_correction_child', 'correction', ['child_id', 'corrected_at'])
    op.create_index('ix_correction_service_at', 'correction', ['service_id', 'corrected_at'])
    op.create_index(op.f('ix_correction_referral_id'), 'correction', ['referral_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_correction_referral_id'), table_name='correction')
    op.drop_index('ix_correction_service_at', table_name='correction')
    op.drop_index('ix_correction_child', table_name='correction')
    op.drop_table('correction')
    op.drop_column('child', 'version')
