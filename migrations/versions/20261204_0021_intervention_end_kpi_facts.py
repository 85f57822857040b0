"""intervention_end: the facts the YJB's key performance indicators ask for, recorded when an
intervention ends (one row per ended intervention), from which the quarterly KPI return is
counted

Interventions that ended before this have no row: the KPI page counts them as ended without
the facts.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Asked only after an earlier answer of yes, so empty otherwise.
FOLLOW_UP_FACTS = (
    'send_learning_plan',
    'mental_health_offered',
    'mental_health_attending',
    'substance_offered',
    'substance_attending',
    'victim_views_sought',
    'victim_rj_offered',
    'victim_kept_informed',
    'victim_support_info',
)
# Every fact, in the order of the model's columns.
ORDER = (
    'accommodation_suitable',
    'ete_suitable',
    'send_need',
    'send_learning_plan',
    'mental_health_need',
    'mental_health_offered',
    'mental_health_attending',
    'substance_need',
    'substance_offered',
    'substance_attending',
    'ehcp',
    'child_protection_plan',
    'looked_after',
    'child_in_need',
    'victim_consent',
    'victim_views_sought',
    'victim_rj_offered',
    'victim_kept_informed',
    'victim_support_info',
)


def upgrade() -> None:
    op.create_table(
        'intervention_end',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('ended_on', sa.Date(), nullable=False),
        sa.Column('ending', sa.String(length=20), nullable=False),
        sa.Column('route', sa.String(length=20), nullable=False),
        sa.Column('disposal', sa.String(length=40), nullable=True),
        *(
            sa.Column(name, sa.String(length=20), nullable=name in FOLLOW_UP_FACTS)
            for name in ORDER
        ),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['recorded_by_id'], ['user_account.id'],
            name=op.f('fk_intervention_end_recorded_by_id_user_account'),
        ),
        sa.ForeignKeyConstraint(
            ['referral_id'], ['referral.id'], name=op.f('fk_intervention_end_referral_id_referral'),
        ),
        sa.ForeignKeyConstraint(
            ['service_id'], ['service.id'], name=op.f('fk_intervention_end_service_id_service'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_intervention_end')),
        sa.UniqueConstraint('referral_id', name=op.f('uq_intervention_end_referral_id')),
    )
    op.create_index(
        'ix_intervention_end_service_ended', 'intervention_end', ['service_id', 'ended_on']
    )


def downgrade() -> None:
    op.drop_index('ix_intervention_end_service_ended', table_name='intervention_end')
    op.drop_table('intervention_end')
