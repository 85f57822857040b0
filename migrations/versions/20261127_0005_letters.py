"""letters as issued, and a service's own letter wording

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE = "Issued letters cannot be changed or deleted: issue a new version."


def upgrade() -> None:
    op.create_table('letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('recipient_key', sa.String(length=30), nullable=False),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('variant', sa.String(length=20), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('template_version', sa.String(length=20), nullable=False),
    sa.Column('catalogue_version', sa.String(length=64), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_letter_decision_id_decision')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_letter_issued_by_id_user_account')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_letter_referral_id_referral')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter')),
    sa.UniqueConstraint('referral_id', 'recipient_key', 'number', name=op.f('uq_letter_referral_id')),
    )
    op.create_index(op.f('ix_letter_referral_id'), 'letter', ['referral_id'], unique=False)
    op.create_table('letter_wording',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_letter_wording_reviewed_by_id_user_account')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_letter_wording_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_wording')),
    )
    op.create_index('ix_letter_wording_service_key', 'letter_wording', ['service_id', 'key'], unique=False)
    # Issued letters are append-only in the database itself, whatever client writes to it.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"""
            CREATE FUNCTION letter_is_immutable() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{IMMUTABLE}'; END; $$ LANGUAGE plpgsql
        """)
        op.execute("""
            CREATE TRIGGER letter_immutable BEFORE UPDATE OR DELETE ON letter
            FOR EACH ROW EXECUTE FUNCTION letter_is_immutable()
        """)
    else:
        for when in ('UPDATE', 'DELETE'):
            op.execute(f"""
                CREATE TRIGGER letter_immutable_{when.lower()} BEFORE {when} ON letter
                BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END
            """)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS letter_immutable ON letter")
        op.execute("DROP FUNCTION IF EXISTS letter_is_immutable()")
    op.drop_index('ix_letter_wording_service_key', table_name='letter_wording')
    op.drop_table('letter_wording')
    op.drop_index(op.f('ix_letter_referral_id'), table_name='letter')
    op.drop_table('letter')
