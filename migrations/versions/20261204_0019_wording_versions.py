"""wording versions: a change of a service's letter wording is a draft until a second person
approves it; approved changes are numbered versions; issued letters record the version used

Each service's saved wording (the latest letter_wording row for each key) becomes its version 1,
approved by whoever saved it last, and the letter_wording table goes: versions hold the texts
whole. Letters issued before keep no wording version (None): which rows applied then is not
known for certain.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE = "Issued letters cannot be changed or deleted: issue a new version."
CARRIED_OVER = "Saved before wording changes needed a second person's approval."

# As in 0010: the only change to an issued letter is erasing its content once its case is
# purged; from here on the wording version it used must stay as it was too. The decision and the
# wording version are compared null-safe: since 0018 a letter about an outcome the police gave
# alone has no decision (with `=`, PostgreSQL refused to erase it, and SQLite let its decision
# be set while erasing).
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
    {extra}
    AND EXISTS (
        SELECT 1 FROM referral WHERE referral.id = OLD.referral_id AND referral.purged_at IS NOT NULL
    )
"""

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')

_old_rows = sa.table(
    'letter_wording',
    sa.column('id', sa.Integer),
    sa.column('service_id', sa.Integer),
    sa.column('key', sa.String),
    sa.column('text', sa.Text),
    sa.column('reviewed_by_id', sa.Integer),
    sa.column('reviewed_at', sa.DateTime),
)
_versions = sa.table(
    'wording_version',
    sa.column('service_id', sa.Integer),
    sa.column('number', sa.Integer),
    sa.column('status', sa.String),
    sa.column('values', JSON),
    sa.column('changed', JSON),
    sa.column('drafted_by_id', sa.Integer),
    sa.column('drafted_at', sa.DateTime),
    sa.column('updated_at', sa.DateTime),
    sa.column('decided_by_id', sa.Integer),
    sa.column('decided_at', sa.DateTime),
    sa.column('reason', sa.Text),
    sa.column('revision', sa.Integer),
)


def upgrade() -> None:
    op.create_table(
        'wording_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('values', JSON, nullable=False),
        sa.Column('changed', JSON, nullable=False),
        sa.Column('base_number', sa.Integer(), nullable=True),
        sa.Column('restores_number', sa.Integer(), nullable=True),
        sa.Column('drafted_by_id', sa.Integer(), nullable=False),
        sa.Column('drafted_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['decided_by_id'], ['user_account.id'],
            name=op.f('fk_wording_version_decided_by_id_user_account'),
        ),
        sa.ForeignKeyConstraint(
            ['drafted_by_id'], ['user_account.id'],
            name=op.f('fk_wording_version_drafted_by_id_user_account'),
        ),
        sa.ForeignKeyConstraint(
            ['service_id'], ['service.id'], name=op.f('fk_wording_version_service_id_service'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wording_version')),
        sa.UniqueConstraint('service_id', 'number', name=op.f('uq_wording_version_service_id')),
    )
    op.create_index(
        op.f('ix_wording_version_service_id'), 'wording_version', ['service_id'], unique=False
    )
    op.create_index(
        'uq_wording_version_open_draft', 'wording_version', ['service_id'], unique=True,
        sqlite_where=sa.text("status = 'draft'"), postgresql_where=sa.text("status = 'draft'"),
    )
    _fold_saved_wording_into_version_1()
    op.drop_index('ix_letter_wording_service_key', table_name='letter_wording')
    op.drop_table('letter_wording')

    op.add_column('letter', sa.Column('wording_version', sa.Integer(), nullable=True))
    _erasure_trigger(
        sqlite_extra=(
            "NEW.decision_id IS OLD.decision_id",
            "AND NEW.wording_version IS OLD.wording_version",
        ),
        postgresql_extra=(
            "NEW.decision_id IS NOT DISTINCT FROM OLD.decision_id",
            "AND NEW.wording_version IS NOT DISTINCT FROM OLD.wording_version",
        ),
    )


def _fold_saved_wording_into_version_1() -> None:
    """Each service's latest text for each key, as version 1, approved by its last saver."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(_old_rows).order_by(_old_rows.c.id)).all()
    by_service: dict[int, dict[str, str]] = {}
    last: dict[int, sa.Row] = {}
    for row in rows:
        text = row.text
        if row.key.startswith('words:'):
            # One entry a line, as the page now saves a list (browsers sent CR LF).
            text = '\n'.join(line.strip() for line in text.splitlines() if line.strip())
        by_service.setdefault(row.service_id, {})[row.key] = text
        last[row.service_id] = row
    versions = []
    for service_id, values in by_service.items():
        saver = last[service_id]
        versions.append({
            'service_id': service_id,
            'number': 1,
            'status': 'approved',
            'values': values,
            'changed': sorted(values),
            'drafted_by_id': saver.reviewed_by_id,
            'drafted_at': saver.reviewed_at,
            'updated_at': saver.reviewed_at,
            'decided_by_id': saver.reviewed_by_id,
            'decided_at': saver.reviewed_at,
            'reason': CARRIED_OVER,
            'revision': 1,
        })
    if versions:
        op.bulk_insert(_versions, versions)


def _erasure_trigger(
    *, sqlite_extra: tuple[str, str], postgresql_extra: tuple[str, str]
) -> None:
    """The letter's update trigger with (how the decision is compared, what else must stay)."""
    if op.get_bind().dialect.name == 'postgresql':
        decision, extra = postgresql_extra
        condition = _ERASURE.format(length='octet_length', decision=decision, extra=extra)
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
        op.execute("DROP TRIGGER IF EXISTS letter_immutable_update")
        decision, extra = sqlite_extra
        condition = _ERASURE.format(length='length', decision=decision, extra=extra)
        op.execute(f"""
            CREATE TRIGGER letter_immutable_update BEFORE UPDATE ON letter
            WHEN NOT ({condition})
            BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END
        """)


def downgrade() -> None:
    # SQLite will not drop a column a trigger reads: the trigger goes first, and comes back
    # as 0010 made it.
    if op.get_bind().dialect.name != 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS letter_immutable_update")
    op.drop_column('letter', 'wording_version')
    as_0010 = ("NEW.decision_id = OLD.decision_id", "")
    _erasure_trigger(sqlite_extra=as_0010, postgresql_extra=as_0010)

    op.create_table(
        'letter_wording',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['reviewed_by_id'], ['user_account.id'],
            name=op.f('fk_letter_wording_reviewed_by_id_user_account'),
        ),
        sa.ForeignKeyConstraint(
            ['service_id'], ['service.id'], name=op.f('fk_letter_wording_service_id_service'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_wording')),
    )
    op.create_index(
        'ix_letter_wording_service_key', 'letter_wording', ['service_id', 'key'], unique=False
    )
    # Each service's latest approved version, a row a key, reviewed by whoever approved it.
    bind = op.get_bind()
    versions = bind.execute(
        sa.select(_versions)
        .where(_versions.c.status == 'approved')
        .order_by(_versions.c.service_id, _versions.c.number)
    ).all()
    latest = {v.service_id: v for v in versions}
    rows = [
        {
            'service_id': v.service_id,
            'key': key,
            'text': text,
            'reviewed_by_id': v.decided_by_id,
            'reviewed_at': v.decided_at,
        }
        for v in latest.values()
        for key, text in sorted(v.values.items())
    ]
    if rows:
        op.bulk_insert(_old_rows, rows)
    op.drop_index('uq_wording_version_open_draft', table_name='wording_version')
    op.drop_index(op.f('ix_wording_version_service_id'), table_name='wording_version')
    op.drop_table('wording_version')
