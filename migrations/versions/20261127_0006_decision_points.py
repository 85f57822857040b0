"""decision points: the evaluation's facts, one row per referral per decision

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('decision_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('point', sa.String(length=30), nullable=False),
    sa.Column('route', sa.String(length=20), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('selected', sa.Boolean(), nullable=False),
    sa.Column('disposal', sa.String(length=40), nullable=True),
    sa.Column('departure', sa.String(length=10), nullable=True),
    sa.Column('window_end', sa.Date(), nullable=True),
    sa.Column('age_band', sa.String(length=20), nullable=False),
    sa.Column('sex', sa.String(length=20), nullable=False),
    sa.Column('ethnicity', sa.String(length=40), nullable=False),
    sa.Column('ethnicity_group', sa.String(length=20), nullable=False),
    sa.Column('care_experience', sa.String(length=30), nullable=False),
    sa.Column('send', sa.String(length=30), nullable=False),
    sa.Column('neurodivergent', sa.String(length=20), nullable=False),
    sa.Column('first_time_entrant', sa.Boolean(), nullable=False),
    sa.Column('gravity_score', sa.Integer(), nullable=False),
    sa.Column('offence_type', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_decision_point_child_id_child')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_decision_point_referral_id_referral')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_decision_point_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_point')),
    )
    op.create_index(op.f('ix_decision_point_child_id'), 'decision_point', ['child_id'], unique=False)
    op.create_index(op.f('ix_decision_point_referral_id'), 'decision_point', ['referral_id'], unique=False)
    op.create_index('ix_decision_point_service_point_on', 'decision_point', ['service_id', 'point', 'occurred_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_decision_point_service_point_on', table_name='decision_point')
    op.drop_index(op.f('ix_decision_point_referral_id'), table_name='decision_point')
    op.drop_index(op.f('ix_decision_point_child_id'), table_name='decision_point')
    op.drop_table('decision_point')
