"""refresh state: derived data left to refresh after a write

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 19:20:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    table = op.create_table(
        'refresh_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('wanted', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    # A database from before this table is taken as refreshed: its last ingest relinked it.
    op.bulk_insert(table, [{'id': 1, 'wanted': 0, 'done': 0}])


def downgrade() -> None:
    op.drop_table('refresh_state')
