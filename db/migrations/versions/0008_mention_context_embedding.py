"""mention context embedding

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-25 10:50:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild of "mention" would drop the keyword index's triggers.
    op.add_column('mention', sa.Column('context_embedding', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place; a batch rebuild would trip the foreign keys of mentions' history.
    op.execute("ALTER TABLE mention DROP COLUMN context_embedding")
