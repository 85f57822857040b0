"""Outcome 22 and Outcome 23 apart: the combined "Outcome 22 or 23 (deferred prosecution)" code
becomes outcome_23

The combined entry (code deferred_prosecution) was a deferred prosecution: conditions, and the
prosecution decision goes ahead if they are not done. That is Outcome 23; Outcome 22 (support
instead of further action) always had its own entry (outcome_22), which does not change. Every
stored code is rewritten; the audit trail and the events' details keep what was written then and
are read through `disposals.RENAMED`. Downgrade maps outcome_23 back.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 01:00:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column) holding one disposal code.
_CODE_COLUMNS = (
    ('referral', 'disposal'),
    ('referral', 'proposed_outcome'),
    ('agenda_item', 'rule_outcome'),
    ('agenda_item', 'police_position'),
    ('agenda_item', 'yjs_position'),
    ('decision', 'disposal'),
    ('decision', 'rule_outcome'),
    ('panel_vote', 'disposal'),
    ('escalation', 'police_position'),
    ('escalation', 'yjs_position'),
    ('escalation', 'resolution'),
    ('assessment', 'recommended_disposal'),
    ('decision_point', 'disposal'),
)


def _load(value):
    return json.loads(value) if isinstance(value, str) else value


def _rename(old: str, new: str) -> None:
    bind = op.get_bind()
    for table, column in _CODE_COLUMNS:
        bind.execute(
            sa.text(f'UPDATE {table} SET {column} = :new WHERE {column} = :old'),
            {'new': new, 'old': old},
        )
    # A service's own letter wording for the disposal.
    bind.execute(
        sa.text(
            "UPDATE letter_wording SET key = :prefix_new || substr(key, :cut) "
            "WHERE key LIKE :pattern"
        ),
        {'prefix_new': f'disposal:{new}:', 'cut': len(f'disposal:{old}:') + 1,
         'pattern': f'disposal:{old}:%'},
    )
    # JSON: a decision's tally ({code: votes}) and an escalation's proposed outcome.
    is_pg = bind.dialect.name == 'postgresql'

    def as_json(name: str) -> str:
        return f'CAST(:{name} AS jsonb)' if is_pg else f':{name}'

    for row in bind.execute(sa.text('SELECT id, tally FROM decision')).all():
        tally = _load(row.tally) or {}
        if old in tally:
            tally = {new if k == old else k: v for k, v in tally.items()}
            bind.execute(
                sa.text(f"UPDATE decision SET tally = {as_json('tally')} WHERE id = :id"),
                {'tally': json.dumps(tally), 'id': row.id},
            )
    rows = bind.execute(
        sa.text('SELECT id, proposal FROM escalation WHERE proposal IS NOT NULL')
    ).all()
    for row in rows:
        proposal = _load(row.proposal) or {}
        if proposal.get('disposal') == old:
            proposal['disposal'] = new
            bind.execute(
                sa.text(f"UPDATE escalation SET proposal = {as_json('proposal')} WHERE id = :id"),
                {'proposal': json.dumps(proposal), 'id': row.id},
            )


def upgrade() -> None:
    _rename('deferred_prosecution', 'outcome_23')


def downgrade() -> None:
    _rename('outcome_23', 'deferred_prosecution')
