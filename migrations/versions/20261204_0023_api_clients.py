"""API clients: police systems registered per service (their secret hashed, their scopes, a
rate limit's bucket), and the first results of calls made with an Idempotency-Key

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'api_client',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('police_force', sa.String(length=200), nullable=False),
        sa.Column('scopes', _json(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('secret_hint', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.Column('rate_tokens', sa.Float(), nullable=False),
        sa.Column('rate_checked_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['service_id'], ['service.id'], name=op.f('fk_api_client_service_id_service')
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'], name=op.f('fk_api_client_user_id_user_account')
        ),
        sa.ForeignKeyConstraint(
            ['created_by_id'],
            ['user_account.id'],
            name=op.f('fk_api_client_created_by_id_user_account'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['revoked_by_id'],
            ['user_account.id'],
            name=op.f('fk_api_client_revoked_by_id_user_account'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_client')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_api_client_secret_hash')),
        sa.UniqueConstraint('user_id', name=op.f('uq_api_client_user_id')),
    )
    op.create_index(op.f('ix_api_client_service_id'), 'api_client', ['service_id'])
    op.create_table(
        'api_idempotent_result',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('operation', sa.String(length=60), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=False),
        sa.Column('response', _json(), nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['client_id'],
            ['api_client.id'],
            name=op.f('fk_api_idempotent_result_client_id_api_client'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['referral_id'],
            ['referral.id'],
            name=op.f('fk_api_idempotent_result_referral_id_referral'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotent_result')),
        sa.UniqueConstraint(
            'client_id', 'key', name=op.f('uq_api_idempotent_result_client_id')
        ),
    )
    op.create_index(
        op.f('ix_api_idempotent_result_referral_id'), 'api_idempotent_result', ['referral_id']
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_api_idempotent_result_referral_id'), table_name='api_idempotent_result')
    op.drop_table('api_idempotent_result')
    op.drop_index(op.f('ix_api_client_service_id'), table_name='api_client')
    op.drop_table('api_client')
