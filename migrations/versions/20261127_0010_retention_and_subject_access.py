"""retention: purged children and cases, erased letters, the age at each decision point

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 06:00:00
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE = "Issued letters cannot be changed or deleted: issue a new version."

# The only change the database lets anyone make to an issued letter: erasing its content, once,
# after the retention schedule purged its case; everything else about the row stays as it was.
_ERASURE = """
    OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
    AND NEW.recipient_name = '' AND NEW.address = '' AND NEW.html = ''
    AND {length}(NEW.pdf) = 0
    AND NEW.id = OLD.id AND NEW.referral_id = OLD.referral_id
    AND NEW.decision_id = OLD.decision_id AND NEW.recipient_key = OLD.recipient_key
    AND NEW.variant = OLD.variant AND NEW.number = OLD.number AND NEW.sha256 = OLD.sha256
    AND NEW.template_version = OLD.template_version
    AND NEW.catalogue_version = OLD.catalogue_version
    AND NEW.issued_by_id = OLD.issued_by_id AND NEW.issued_at = OLD.issued_at
    AND EXISTS (
        SELECT 1 FROM referral WHERE referral.id = OLD.referral_id AND referral.purged_at IS NOT NULL
    )
"""


def upgrade() -> None:
    op.add_column('child', sa.Column('purged_at', sa.DateTime(), nullable=True))
    op.add_column('referral', sa.Column('purged_at', sa.DateTime(), nullable=True))
    op.add_column('letter', sa.Column('erased_at', sa.DateTime(), nullable=True))
    op.add_column('decision_point', sa.Column('age', sa.Integer(), nullable=True))
    _backfill_ages()
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"""
            CREATE OR REPLACE FUNCTION letter_is_immutable() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND {_ERASURE.format(length='octet_length')} THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION '{IMMUTABLE}';
            END; $$ LANGUAGE plpgsql
        """)
    else:
        op.execute("DROP TRIGGER letter_immutable_update")
        op.execute(f"""
            CREATE TRIGGER letter_immutable_update BEFORE UPDATE ON letter
            WHEN NOT ({_ERASURE.format(length='length')})
            BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END
        """)


def _backfill_ages() -> None:
    """The age in whole years at each decision point already recorded."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT decision_point.id, decision_point.occurred_on, child.date_of_birth "
        "FROM decision_point JOIN child ON child.id = decision_point.child_id"
    )).all()
    updates = []
    for point_id, on_value, born_value in rows:
        on, born = _date(on_value), _date(born_value)
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        updates.append({'id': point_id, 'age': age})
    if updates:
        bind.execute(sa.text("UPDATE decision_point SET age = :age WHERE id = :id"), updates)


def _date(value: object) -> dt.date:
    """SQLite gives dates back as text from a plain query."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    assert isinstance(value, dt.date)
    return value


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"""
            CREATE OR REPLACE FUNCTION letter_is_immutable() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{IMMUTABLE}'; END; $$ LANGUAGE plpgsql
        """)
    else:
        op.execute("DROP TRIGGER letter_immutable_update")
    op.drop_column('decision_point', 'age')
    op.drop_column('letter', 'erased_at')
    op.drop_column('referral', 'purged_at')
    op.drop_column('child', 'purged_at')
    if op.get_bind().dialect.name != 'postgresql':
        op.execute(f"""
            CREATE TRIGGER letter_immutable_update BEFORE UPDATE ON letter
            BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END
        """)
