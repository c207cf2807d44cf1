"""mention.search_model indexed: whether any mention lacks current search vectors is asked before
every search index is trusted, and without an index that question scans every mention (1.5 s at a
million, docs/BENCHMARKS.md "Scale")

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 13:45:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = '0014'
down_revision: Union[str, None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_mention_search_model', 'mention', ['search_model'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_mention_search_model', table_name='mention')
