"""family feedback: each issued letter's one-time link, and the answers kept only as counts

A link holds the SHA-256 of its token and what answers are counted by (service, month, outcome,
child or parent); it is deleted when used. Answers add to counts, never rows of their own.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('feedback_miss',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_miss'))
    )
    with op.batch_alter_table('feedback_miss', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_miss_address_at', ['address', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_miss_at'), ['at'], unique=False)

    op.create_table('feedback_tally',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('disposal', sa.String(length=40), nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('question', sa.String(length=30), nullable=False),
    sa.Column('answer', sa.String(length=20), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_feedback_tally_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_tally')),
    sa.UniqueConstraint('service_id', 'month', 'disposal', 'audience', 'question', 'answer', name=op.f('uq_feedback_tally_service_id'))
    )
    op.create_table('feedback_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('disposal', sa.String(length=40), nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['letter.id'], name=op.f('fk_feedback_link_letter_id_letter')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_feedback_link_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_feedback_link_token_hash'))
    )
    with op.batch_alter_table('feedback_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_link_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_link_letter_id'), ['letter_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('feedback_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_link_letter_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_link_expires_at'))

    op.drop_table('feedback_link')
    op.drop_table('feedback_tally')
    with op.batch_alter_table('feedback_miss', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_miss_at'))
        batch_op.drop_index('ix_feedback_miss_address_at')

    op.drop_table('feedback_miss')
