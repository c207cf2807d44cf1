"""article.removed: the paragraphs dropped as page furniture, with the reason for each

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 21:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: Union[str, None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN: no batch rebuild of a table mentions point to. Articles stored before
    # this revision keep NULL (not known), which is not the same as [] (nothing was removed).
    op.add_column('article', sa.Column('removed', sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE article DROP COLUMN removed")
