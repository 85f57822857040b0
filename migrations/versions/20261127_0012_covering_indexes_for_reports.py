"""covering indexes for the evaluation's reports

The reports count a service's decision points at a point in a period by a characteristic: one
index holds every column they read, so they scan it in order and never visit the table. The
"assessed" measure asks of each referral whether it reached the assessed point; reoffending
asks whether the child was referred again; closures and outcomes count columns now in their
indexes; panel practice and timeliness read a referral's service and dates, a decision's
disposal and the recommendation it is compared with from indexes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 10:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in oocd_panel/models/evaluation.py (REPORT_INDEX_COLUMNS), copied: a migration keeps the
# schema of its day.
REPORT_INDEX_COLUMNS = [
    'service_id',
    'point',
    'occurred_on',
    'selected',
    'gravity_score',
    'disposal',
    'departure',
    'route',
    'window_end',
    'referral_id',
    'child_id',
    'ethnicity_group',
    'ethnicity',
    'sex',
    'age_band',
    'care_experience',
    'send',
    'neurodivergent',
    'first_time_entrant',
]


def upgrade() -> None:
    op.drop_index('ix_decision_point_service_point_on', table_name='decision_point')
    op.create_index('ix_decision_point_report', 'decision_point', REPORT_INDEX_COLUMNS)
    op.drop_index('ix_decision_point_referral_id', table_name='decision_point')
    op.create_index(
        'ix_decision_point_referral_point', 'decision_point', ['referral_id', 'point']
    )
    op.drop_index('ix_referral_child_id', table_name='referral')
    op.create_index('ix_referral_child_received', 'referral', ['child_id', 'received_on'])
    op.drop_index('ix_referral_service_closed', table_name='referral')
    op.create_index(
        'ix_referral_service_closed', 'referral', ['service_id', 'closed_at', 'closure_reason']
    )
    op.drop_index('ix_referral_service_delivered', table_name='referral')
    op.create_index(
        'ix_referral_service_delivered', 'referral', ['service_id', 'delivered_on', 'received_on']
    )
    op.create_index(
        'ix_referral_report_facts',
        'referral',
        ['id', 'service_id', 'received_on', 'assessment_due_on'],
    )
    op.drop_index('ix_decision_decided_at', table_name='decision')
    op.create_index('ix_decision_decided', 'decision', ['decided_at', 'referral_id', 'disposal'])
    op.create_index(
        'ix_assessment_referral_recommended',
        'assessment',
        ['referral_id', 'recommended_disposal'],
    )


def downgrade() -> None:
    op.drop_index('ix_assessment_referral_recommended', table_name='assessment')
    op.drop_index('ix_decision_decided', table_name='decision')
    op.create_index('ix_decision_decided_at', 'decision', ['decided_at'])
    op.drop_index('ix_referral_report_facts', table_name='referral')
    op.drop_index('ix_referral_service_delivered', table_name='referral')
    op.create_index('ix_referral_service_delivered', 'referral', ['service_id', 'delivered_on'])
    op.drop_index('ix_referral_service_closed', table_name='referral')
    op.create_index('ix_referral_service_closed', 'referral', ['service_id', 'closed_at'])
    op.drop_index('ix_referral_child_received', table_name='referral')
    op.create_index('ix_referral_child_id', 'referral', ['child_id'])
    op.drop_index('ix_decision_point_referral_point', table_name='decision_point')
    op.create_index('ix_decision_point_referral_id', 'decision_point', ['referral_id'])
    op.drop_index('ix_decision_point_report', table_name='decision_point')
    op.create_index(
        'ix_decision_point_service_point_on',
        'decision_point',
        ['service_id', 'point', 'occurred_on'],
    )
