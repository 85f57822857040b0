"""Scrutiny panels: samples of a service's decided cases drawn for the force's scrutiny panel
(the seed and each case, with its outcome and the child's characteristics at the decision),
each case's free texts as a reviewer redacted them, and the panel's rating of each decision

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'scrutiny_sample',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('decided_from', sa.Date(), nullable=False),
        sa.Column('decided_to', sa.Date(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('seed', sa.String(length=40), nullable=False),
        sa.Column('decisions_by_outcome', _json(), nullable=False),
        sa.Column('drawn_by_id', sa.Integer(), nullable=False),
        sa.Column('drawn_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['drawn_by_id'],
            ['user_account.id'],
            name=op.f('fk_scrutiny_sample_drawn_by_id_user_account'),
        ),
        sa.ForeignKeyConstraint(
            ['service_id'], ['service.id'], name=op.f('fk_scrutiny_sample_service_id_service')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scrutiny_sample')),
    )
    op.create_index(op.f('ix_scrutiny_sample_service_id'), 'scrutiny_sample', ['service_id'])
    op.create_table(
        'scrutiny_case',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sample_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=False),
        sa.Column('disposal', sa.String(length=40), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('age_band', sa.String(length=20), nullable=False),
        sa.Column('sex', sa.String(length=20), nullable=False),
        sa.Column('ethnicity_group', sa.String(length=20), nullable=False),
        sa.Column('care_experience', sa.String(length=30), nullable=False),
        sa.Column('send', sa.String(length=30), nullable=False),
        sa.Column('first_time_entrant', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ['referral_id'], ['referral.id'], name=op.f('fk_scrutiny_case_referral_id_referral')
        ),
        sa.ForeignKeyConstraint(
            ['sample_id'],
            ['scrutiny_sample.id'],
            name=op.f('fk_scrutiny_case_sample_id_scrutiny_sample'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['service_id'], ['service.id'], name=op.f('fk_scrutiny_case_service_id_service')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scrutiny_case')),
        sa.UniqueConstraint('sample_id', 'number', name='uq_scrutiny_case_sample_number'),
        sa.UniqueConstraint('sample_id', 'referral_id', name='uq_scrutiny_case_sample_referral'),
    )
    op.create_index(op.f('ix_scrutiny_case_referral_id'), 'scrutiny_case', ['referral_id'])
    op.create_index(
        'ix_scrutiny_case_service_decided', 'scrutiny_case', ['service_id', 'decided_on']
    )
    op.create_table(
        'scrutiny_rating',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('rating', sa.String(length=40), nullable=False),
        sa.Column('comments', sa.Text(), nullable=True),
        sa.Column('meeting_on', sa.Date(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['case_id'],
            ['scrutiny_case.id'],
            name=op.f('fk_scrutiny_rating_case_id_scrutiny_case'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['recorded_by_id'],
            ['user_account.id'],
            name=op.f('fk_scrutiny_rating_recorded_by_id_user_account'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scrutiny_rating')),
        sa.UniqueConstraint('case_id', name=op.f('uq_scrutiny_rating_case_id')),
    )
    op.create_table(
        'scrutiny_redaction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('text_key', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('source_sha256', sa.String(length=64), nullable=False),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['case_id'],
            ['scrutiny_case.id'],
            name=op.f('fk_scrutiny_redaction_case_id_scrutiny_case'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['confirmed_by_id'],
            ['user_account.id'],
            name=op.f('fk_scrutiny_redaction_confirmed_by_id_user_account'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scrutiny_redaction')),
        sa.UniqueConstraint('case_id', 'text_key', name=op.f('uq_scrutiny_redaction_case_id')),
    )


def downgrade() -> None:
    op.drop_table('scrutiny_redaction')
    op.drop_table('scrutiny_rating')
    op.drop_index('ix_scrutiny_case_service_decided', table_name='scrutiny_case')
    op.drop_index(op.f('ix_scrutiny_case_referral_id'), table_name='scrutiny_case')
    op.drop_table('scrutiny_case')
    op.drop_index(op.f('ix_scrutiny_sample_service_id'), table_name='scrutiny_sample')
    op.drop_table('scrutiny_sample')
