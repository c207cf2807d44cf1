"""mention search vectors

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 14:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN, like 0008; the vectors are filled when the search index is next built.
    op.add_column('mention', sa.Column('search_embedding', sa.LargeBinary(), nullable=True))
    op.add_column('mention', sa.Column('search_context_embedding', sa.LargeBinary(), nullable=True))
    op.add_column('mention', sa.Column('search_model', sa.String(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE mention DROP COLUMN search_model")
    op.execute("ALTER TABLE mention DROP COLUMN search_context_embedding")
    op.execute("ALTER TABLE mention DROP COLUMN search_embedding")
