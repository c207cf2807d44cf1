"""mention(speaker_id, article_id) indexed: the Speakers page counts every speaker's mentions and
articles, which read each mention's row without it (2.9 s a rerun at a million mentions, 0.28 s with it)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 15:50:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = '0016'
down_revision: Union[str, None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_mention_speaker_articles', 'mention', ['speaker_id', 'article_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_mention_speaker_articles', table_name='mention')
