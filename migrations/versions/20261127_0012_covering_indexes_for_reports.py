"""covering indexes for the evaluation's reports, and the follow-up facts they count

The reports count a service's decision points at a point in a period by a characteristic: one
index holds every column they read, so they scan it in order and never visit the table. Two
follow-up facts join the decision points, filled in here from what is stored and from now on by
the event writer: whether a referral went on to be assessed (on its referred row) and the date
the child was next referred after a diversion (on decided and notified rows), so the
"assessed" and reoffending measures no longer look up each case; closures and outcomes count columns now in their
indexes; panel practice and timeliness read a referral's service and dates, a decision's
disposal and the recommendation it is compared with from indexes; an agenda item keeps the
police and YJS decision-makers' votes its rule weighed (filled in here from the votes).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
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
    'reached_assessment',
    'referred_again_on',
]


def upgrade() -> None:
    with op.batch_alter_table('decision_point') as batch:
        batch.add_column(
            sa.Column('reached_assessment', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column('referred_again_on', sa.Date(), nullable=True))
    op.execute(
        "UPDATE decision_point SET reached_assessment = true WHERE point = 'referred' "
        "AND referral_id IN (SELECT referral_id FROM decision_point WHERE point = 'assessed')"
    )
    op.execute(
        "UPDATE decision_point SET referred_again_on = ("
        "SELECT min(r.received_on) FROM referral r WHERE r.child_id = decision_point.child_id "
        "AND r.id != decision_point.referral_id AND r.received_on > decision_point.occurred_on"
        ") WHERE point IN ('decided', 'notified')"
    )
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
    with op.batch_alter_table('agenda_item') as batch:
        batch.add_column(sa.Column('police_position', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('yjs_position', sa.String(length=40), nullable=True))
    for agency in ('police', 'yjs'):
        op.execute(
            f"UPDATE agenda_item SET {agency}_position = ("  # noqa: S608 (two fixed names)
            "SELECT max(v.disposal) FROM panel_vote v JOIN panel_member m ON m.id = v.member_id "
            f"WHERE v.item_id = agenda_item.id AND m.is_decision_maker AND m.agency = '{agency}'"
            ") WHERE closed_at IS NOT NULL"
        )
    op.drop_index('ix_agenda_item_closed_at', table_name='agenda_item')
    op.create_index(
        'ix_agenda_item_closed',
        'agenda_item',
        ['closed_at', 'referral_id', 'police_position', 'yjs_position'],
    )


def downgrade() -> None:
    op.drop_index('ix_agenda_item_closed', table_name='agenda_item')
    op.create_index('ix_agenda_item_closed_at', 'agenda_item', ['closed_at'])
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later), not a copy of the table: other tables
    # refer to agenda_item.
    op.drop_column('agenda_item', 'yjs_position')
    op.drop_column('agenda_item', 'police_position')
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
    op.drop_column('decision_point', 'referred_again_on')
    op.drop_column('decision_point', 'reached_assessment')
