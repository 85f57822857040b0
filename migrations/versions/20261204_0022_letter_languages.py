"""letters in other languages: the languages each letter was issued in, translation approvals

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE = "Issued letters cannot be changed or deleted: issue a new version."

# As in 0019 (and 0010 before it): the only change to an issued letter is erasing its content
# once its case is purged; from here on the languages it went in stay as they were too. The
# decision, the wording version and the language to follow are compared null-safe.
_ERASURE = """
    OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
    AND NEW.recipient_name = '' AND NEW.address = '' AND NEW.html = ''
    AND {length}(NEW.pdf) = 0
    AND NEW.id = OLD.id AND NEW.referral_id = OLD.referral_id
    AND {same}(decision_id) AND NEW.recipient_key = OLD.recipient_key
    AND NEW.variant = OLD.variant AND NEW.number = OLD.number AND NEW.sha256 = OLD.sha256
    AND NEW.template_version = OLD.template_version
    AND NEW.catalogue_version = OLD.catalogue_version
    AND NEW.issued_by_id = OLD.issued_by_id AND NEW.issued_at = OLD.issued_at
    AND {same}(wording_version)
    {languages}
    AND EXISTS (
        SELECT 1 FROM referral WHERE referral.id = OLD.referral_id AND referral.purged_at IS NOT NULL
    )
"""


def _trigger(languages: bool) -> None:
    """The erasure trigger: with the languages (upgrade), or as 0019 left it (downgrade)."""
    postgres = op.get_bind().dialect.name == 'postgresql'
    same = 'NEW.{0} IS NOT DISTINCT FROM OLD.{0}' if postgres else 'NEW.{0} IS OLD.{0}'

    def condition(length: str) -> str:
        text = _ERASURE.replace('{same}(decision_id)', same.format('decision_id'))
        text = text.replace('{same}(wording_version)', same.format('wording_version'))
        extra = (
            f"AND NEW.languages = OLD.languages AND {same.format('pending_language')}"
            if languages
            else ''
        )
        return text.replace('{languages}', extra).replace('{length}', length)

    if postgres:
        op.execute(f"""
            CREATE OR REPLACE FUNCTION letter_is_immutable() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND {condition('octet_length')} THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION '{IMMUTABLE}';
            END; $$ LANGUAGE plpgsql
        """)
    else:
        op.execute("DROP TRIGGER IF EXISTS letter_immutable_update")
        op.execute(f"""
            CREATE TRIGGER letter_immutable_update BEFORE UPDATE ON letter
            WHEN NOT ({condition('length')})
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
