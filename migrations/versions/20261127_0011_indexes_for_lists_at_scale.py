"""indexes for lists, searches and reports at scale

Keyset pages of a service's cases by status (with the id, for a stable order), a police
reference within a service (in "C" collation on PostgreSQL, so the start of a reference reads a
range of the index), children by date of birth, letters by decision; and for the evaluation's
figures in a period: cases closed and outcomes given, votes closed, decisions made.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column(
            'referral',
            'police_reference',
            type_=sa.String(length=40, collation='C'),
            existing_type=sa.String(length=40),
            existing_nullable=False,
        )
    op.drop_index('ix_referral_police_reference', table_name='referral')
    op.create_index(
        'ix_referral_service_reference', 'referral', ['service_id', 'police_reference'], unique=False
    )
    op.drop_index('ix_referral_service_status', table_name='referral')
    op.create_index(
        'ix_referral_service_status',
        'referral',
        ['service_id', 'status', 'received_on', 'id'],
        unique=False,
    )
    op.create_index('ix_child_date_of_birth', 'child', ['date_of_birth'], unique=False)
    op.create_index('ix_letter_decision_id', 'letter', ['decision_id'], unique=False)
    op.create_index(
        'ix_referral_service_closed', 'referral', ['service_id', 'closed_at'], unique=False
    )
    op.create_index(
        'ix_referral_service_delivered', 'referral', ['service_id', 'delivered_on'], unique=False
    )
    op.create_index('ix_agenda_item_closed_at', 'agenda_item', ['closed_at'], unique=False)
    op.create_index('ix_decision_decided_at', 'decision', ['decided_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_decision_decided_at', table_name='decision')
    op.drop_index('ix_agenda_item_closed_at', table_name='agenda_item')
    op.drop_index('ix_referral_service_delivered', table_name='referral')
    op.drop_index('ix_referral_service_closed', table_name='referral')
    op.drop_index('ix_letter_decision_id', table_name='letter')
    op.drop_index('ix_child_date_of_birth', table_name='child')
    op.drop_index('ix_referral_service_status', table_name='referral')
    op.create_index(
        'ix_referral_service_status',
        'referral',
        ['service_id', 'status', 'received_on'],
        unique=False,
    )
    op.drop_index('ix_referral_service_reference', table_name='referral')
    op.create_index(
        'ix_referral_police_reference', 'referral', ['police_reference'], unique=False
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column(
            'referral',
            'police_reference',
            type_=sa.String(length=40),
            existing_type=sa.String(length=40, collation='C'),
            existing_nullable=False,
        )
