"""letters on the police-alone path: a letter about an outcome the police gave alone has no
decision, so letter.decision_id may be empty

On SQLite the column change rebuilds the table, which drops its triggers (issued letters are
immutable); they are read before and made again after, exactly as they were.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _set_nullable(nullable: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.alter_column('letter', 'decision_id', existing_type=sa.Integer(), nullable=nullable)
        return
    triggers = [
        sql for (sql,) in bind.execute(sa.text(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'letter'"
        ))
    ]
    with op.batch_alter_table('letter', recreate='always') as batch:
        batch.alter_column('decision_id', existing_type=sa.Integer(), nullable=nullable)
    for sql in triggers:
        op.execute(sql)


def upgrade() -> None:
    _set_nullable(True)


def downgrade() -> None:
    # Fails while letters about outcomes the police gave alone exist: issued letters are never
    # deleted, and those have no decision to point to.
    _set_nullable(False)
