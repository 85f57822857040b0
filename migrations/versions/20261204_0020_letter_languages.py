"""letters in other languages: the languages each letter was issued in, translation approvals

Revision ID: 20261204_0020
Revises: 0018
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261204_0020'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE = "Issued letters cannot be changed or deleted: issue a new version."

# As in 0010, and the languages it went in stay as they were too; the decision compared so that
# a letter with none (an outcome the police gave alone, 0018) can be erased like any other.
_ERASURE = """
    OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
    AND NEW.recipient_name = '' AND NEW.address = '' AND NEW.html = ''
    AND {length}(NEW.pdf) = 0
    AND NEW.id = OLD.id AND NEW.referral_id = OLD.referral_id
    AND {decision} AND NEW.recipient_key = OLD.recipient_key
    AND NEW.variant = OLD.variant AND NEW.number = OLD.number AND NEW.sha256 = OLD.sha256
    AND NEW.template_version = OLD.template_version
    AND NEW.catalogue_version = OLD.catalogue_version
    AND NEW.issued_by_id = OLD.issued_by_id AND NEW.issued_at = OLD.issued_at
    {languages}
    AND EXISTS (
        SELECT 1 FROM referral WHERE referral.id = OLD.referral_id AND referral.purged_at IS NOT NULL
    )
"""
_LANGUAGES = {
    'postgresql': "AND NEW.languages = OLD.languages "
    "AND NEW.pending_language IS NOT DISTINCT FROM OLD.pending_language",
    'sqlite': "AND NEW.languages = OLD.languages AND NEW.pending_language IS OLD.pending_language",
}


def _trigger(languages: bool) -> None:
    dialect = op.get_bind().dialect.name
    extra = _LANGUAGES['postgresql' if dialect == 'postgresql' else 'sqlite'] if languages else ''
    if dialect == 'postgresql':
        decision = (
            'NEW.decision_id IS NOT DISTINCT FROM OLD.decision_id'
            if languages
            else 'NEW.decision_id = OLD.decision_id'
        )
        condition = _ERASURE.format(length='octet_length', languages=extra, decision=decision)
        op.execute(f"""
            CREATE OR REPLACE FUNCTION letter_is_immutable() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND {condition} THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION '{IMMUTABLE}';
            END; $$ LANGUAGE plpgsql
        """)
    else:
        decision = (
            'NEW.decision_id IS OLD.decision_id' if languages else 'NEW.decision_id = OLD.decision_id'
        )
        condition = _ERASURE.format(length='length', languages=extra, decision=decision)
        op.execute("DROP TRIGGER letter_immutable_update")
        op.execute(f"""
            CREATE TRIGGER letter_immutable_update BEFORE UPDATE ON letter
            WHEN NOT ({condition})
            BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END
        """)


def upgrade() -> None:
    op.add_column(
        'letter',
        sa.Column('languages', sa.String(length=20), server_default='en', nullable=False),
    )
    op.add_column('letter', sa.Column('pending_language', sa.String(length=10), nullable=True))
    _trigger(languages=True)
    op.create_table(
        'translation_approval',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('wording_version', sa.String(length=64), nullable=False),
        sa.Column('translation_version', sa.String(length=64), nullable=False),
        sa.Column('reviewer_name', sa.String(length=200), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['recorded_by_id'],
            ['user_account.id'],
            name=op.f('fk_translation_approval_recorded_by_id_user_account'),
        ),
        sa.ForeignKeyConstraint(
            ['service_id'], ['service.id'], name=op.f('fk_translation_approval_service_id_service')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_approval')),
        sa.UniqueConstraint(
            'service_id',
            'language',
            'wording_version',
            'translation_version',
            name=op.f('uq_translation_approval_service_id'),
        ),
    )


def downgrade() -> None:
    op.drop_table('translation_approval')
    _trigger(languages=False)
    op.drop_column('letter', 'pending_language')
    op.drop_column('letter', 'languages')
