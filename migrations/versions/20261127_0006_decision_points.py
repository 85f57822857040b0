"""decision points: the evaluation's facts, one row per referral per decision

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 04:30:00
"""

import datetime as dt
import json
from collections.abc import Sequence
from zoneinfo import ZoneInfo

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
    _backfill()


# The catalogue as it stood: which outcomes divert, their order of severity, gravity defaults.
_ORDER = ['no_further_action', 'outcome_22', 'deferred_prosecution', 'community_resolution',
          'youth_caution', 'youth_conditional_caution', 'charge']
_DEFAULTS = {1: 'no_further_action', 2: 'community_resolution', 3: 'youth_caution',
             4: 'youth_conditional_caution', 5: 'charge'}
_LONDON = ZoneInfo('Europe/London')


def _departure(score, disposal):
    # Migration 0017 renamed deferred_prosecution to outcome_23 (same place in the order); a
    # database rebuilt from history written since reads the new code here.
    disposal = {'outcome_23': 'deferred_prosecution'}.get(disposal, disposal)
    default = _DEFAULTS.get(score)
    if default is None or disposal not in _ORDER:
        return 'none'
    step = _ORDER.index(disposal) - _ORDER.index(default)
    return 'above' if step > 0 else 'below' if step < 0 else 'none'


def _backfill():
    """Decision points for what was decided before this table existed, from each event's
    snapshot (which has kept the characteristics as they were)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT e.referral_id, e.trigger, e.from_status, e.occurred_at, e.snapshot, "
        "r.child_id, r.service_id, r.route, r.gravity_score "
        "FROM referral_event e JOIN referral r ON r.id = e.referral_id "
        "WHERE e.trigger IN ('refer', 'notify', 'sign_off', 'decide', 'resolve_escalation', "
        "'complete_intervention', 'end_not_completed', 'record_declined') ORDER BY e.id"
    )).all()
    table = sa.table('decision_point', *[sa.column(c) for c in (
        'referral_id', 'child_id', 'service_id', 'point', 'route', 'occurred_on', 'selected',
        'disposal', 'departure', 'window_end', 'age_band', 'sex', 'ethnicity', 'ethnicity_group',
        'care_experience', 'send', 'neurodivergent', 'first_time_entrant', 'gravity_score',
        'offence_type')])
    out = []
    for referral_id, trigger, from_status, at, snap, child_id, service_id, route, score in rows:
        snap = json.loads(snap) if isinstance(snap, str) else (snap or {})
        if not snap.get('age_band'):
            continue
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
        on = at.replace(tzinfo=at.tzinfo or dt.timezone.utc).astimezone(_LONDON).date()
        base = dict(
            referral_id=referral_id, child_id=child_id, service_id=service_id,
            route=str(snap.get('route') or route), occurred_on=on, selected=True, disposal=None,
            departure=None, window_end=None, age_band=snap['age_band'], sex=snap['sex'],
            ethnicity=snap['ethnicity'], ethnicity_group=snap['ethnicity_group'],
            care_experience=snap['care_experience'], send=snap['send'],
            neurodivergent=snap['neurodivergent'],
            first_time_entrant=bool(snap['first_time_entrant']),
            gravity_score=int(snap.get('gravity_score') or score),
            offence_type=snap.get('offence_type'),
        )
        disposal = snap.get('disposal')
        year = on + dt.timedelta(days=365)
        if trigger in ('refer', 'notify'):
            out.append({**base, 'point': 'referred'})
            if trigger == 'notify' and disposal:
                out.append({**base, 'point': 'notified', 'disposal': disposal,
                            'departure': _departure(base['gravity_score'], disposal),
                            'window_end': year})
        elif trigger == 'sign_off':
            out.append({**base, 'point': 'assessed'})
        elif trigger in ('decide', 'resolve_escalation') and disposal:
            out.append({**base, 'point': 'decided', 'selected': disposal != 'charge',
                        'disposal': disposal,
                        'departure': _departure(base['gravity_score'], disposal),
                        'window_end': year})
        elif from_status == 'intervention':
            out.append({**base, 'point': 'intervention_ended',
                        'selected': trigger == 'complete_intervention'})
    if out:
        op.bulk_insert(table, out)


def downgrade() -> None:
    op.drop_index('ix_decision_point_service_point_on', table_name='decision_point')
    op.drop_index(op.f('ix_decision_point_referral_id'), table_name='decision_point')
    op.drop_index(op.f('ix_decision_point_child_id'), table_name='decision_point')
    op.drop_table('decision_point')
