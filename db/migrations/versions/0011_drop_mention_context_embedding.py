"""drop mention.context_embedding

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 18:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Nothing has read it since 0010 (search_context_embedding replaced it); its vectors are
    # the bundled model's paragraph embeddings, which reindex can always make again.
    op.execute("ALTER TABLE mention DROP COLUMN context_embedding")


def downgrade() -> None:
    op.add_column('mention', sa.Column('context_embedding', sa.LargeBinary(), nullable=True))
