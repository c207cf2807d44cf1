"""speaker titles and pronoun

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 12:30:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN, like 0008: no batch rebuild of a table others point to.
    op.add_column('speaker', sa.Column('titles', sa.String(), nullable=True))
    op.add_column('speaker', sa.Column('pronoun', sa.String(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE speaker DROP COLUMN pronoun")
    op.execute("ALTER TABLE speaker DROP COLUMN titles")
